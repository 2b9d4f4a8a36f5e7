use ndarray::Array2;
use rules_core::rrule;

/// `#[pass_zero]`: a callee that accepts `Zero` for either cotangent (through
/// `impl Into<MaybeZero<_>>`) is called once per pattern with `Zero` in place of the zero ones.
#[rrule]
pub fn pair(a: Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let (p, q) = split(&a);
    ((p.clone(), q.clone()), move |dp: Array2<f64>, dq: Array2<f64>| -> Array2<f64> {
        #[pass_zero]
        let core = join(&p, &q, &dp, &dq);
        core
    })
}
