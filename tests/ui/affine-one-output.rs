use ndarray::Array1;
use rules_core::rrule;

/// Not linear in `dy`: the constant term makes the `Zero` pattern (which returns `Zero`) differ
/// from the dense pullback fed a zero cotangent. Rejected, as it is in a rule with two outputs.
#[rrule]
pub fn shifted(x: Array1<f64>, k: f64) -> Array1<f64> {
    (&x * k, move |dy: Array1<f64>| -> (Array1<f64>, f64) {
        (&dy * k + 1.0, dy.dot(&x))
    })
}

fn main() {}
