use ndarray::Array1;
use rules_core::scalar_rule;

#[scalar_rule(|y| 2.0 * y)]
fn double(x: Array1<f64>) -> Array1<f64> {
    x * 2.0
}

fn main() {}
