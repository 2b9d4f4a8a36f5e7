use ndarray::Array1;
use rules_core::rrule;

/// A declaration error: the stubs keep call sites quiet.
#[rrule]
pub fn untyped(x: Array1<f64>) -> Array1<f64> {
    (x.clone(), move |dy| -> Array1<f64> { dy })
}

/// A statement that cannot be specialised: the error, and the rule with that pattern diverging.
#[rrule]
pub fn mixed(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {
    ((x.clone(), x), move |dy: Array1<f64>, dz: Array1<f64>| -> Array1<f64> {
        let g = combine(&dy, &dz);
        g
    })
}
