// Writing into a capture is an error that says the pullback borrows its captures.
use ndarray::Array1;
use rules_core::rrule;

#[rrule]
fn scaled(x: Array1<f64>) -> Array1<f64> {
    let mut buf = x.clone();
    (x, move |dy: Array1<f64>| -> Array1<f64> {
        buf *= &dy;
        buf.clone()
    })
}

fn main() {}
