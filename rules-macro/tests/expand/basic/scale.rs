use ndarray::Array1;
use rules_core::rrule;

/// y = k·x, differentiable in both x and k.
#[rrule]
pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) })
}
