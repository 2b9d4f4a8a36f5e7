// A move the macro cannot see (a capture passed by value to a function): rustc reports it, at
// the user's tokens, with a suggestion that compiles.
use ndarray::Array1;
use rules_core::rrule;

fn doubled(a: Array1<f64>) -> Array1<f64> {
    a * 2.0
}

#[rrule]
fn sq(x: Array1<f64>) -> f64 {
    (x.dot(&x), move |ds: f64| -> Array1<f64> { doubled(x) * ds })
}

fn main() {}
