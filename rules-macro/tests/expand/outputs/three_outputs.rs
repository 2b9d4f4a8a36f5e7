use ndarray::{Array1, Array2};
use rules_core::rrule;

/// A three-output rule: `(a·b, sum(a), a ∘ a)`, with a statement (`scale`) that only feeds the
/// first output's terms and disappears from every pattern where `dp` is zero.
#[rrule]
pub fn stats(a: Array2<f64>, b: Array2<f64>, flag: bool) -> (Array2<f64>, f64, Array2<f64>) {
    let p = a.dot(&b);
    let t = a.sum();
    let sq = &a * &a;
    ((p, t, sq), move |dp: Array2<f64>, dt: f64, dsq: Array2<f64>| -> (Array2<f64>, Array2<f64>, NoTangent) {
        let scale = if flag { 2.0 } else { 1.0 };
        let da_p = dp.dot(&b.t()) * scale;
        let db = a.t().dot(&dp) * scale;
        let da_t = Array2::from_elem(a.raw_dim(), dt);
        let da_sq = &dsq * &a * 2.0;
        (da_p + da_t + da_sq, db, NoTangent)
    })
}
