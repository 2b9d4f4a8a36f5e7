use ndarray::Array1;
use rules_core::rrule;

/// Type errors inside the pullback: rustc points at the user's expressions, not at `#[rrule]`,
/// and reports each once although the body is compiled once per pattern.
#[rrule]
pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    (&x * k, move |dy: Array1<f64>| -> (Array1<f64>, f64) {
        let dk = dy.dot(&x).norm_squared();
        let dx: Array1<f64> = dy.dot(&x);
        (dx * k, dk)
    })
}

fn main() {}
