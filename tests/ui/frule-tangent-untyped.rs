use ndarray::Array1;
use rules_core::frule;

#[frule]
fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (y, move |dx, dk: f64| -> Array1<f64> { &dx * k + &x * dk })
}

fn main() {}
