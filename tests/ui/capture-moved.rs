// The pullback may run more than once: it reads its captures through `&self`, so moving one
// out (`x * ..` with `x` an owned array) is an error at the user's tokens that says so.
use ndarray::Array1;
use rules_core::rrule;

#[rrule]
fn sq(x: Array1<f64>) -> f64 {
    (x.dot(&x), move |ds: f64| -> Array1<f64> { x * (2.0 * ds) })
}

fn main() {}
