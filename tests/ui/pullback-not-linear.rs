// A pullback must be linear in its cotangents: a product of two values that depend on them is an
// error at that expression, followed through `let`s.
use ndarray::Array1;
use rules_core::rrule;

#[rrule]
fn sq(x: Array1<f64>) -> Array1<f64> {
    let y = &x * &x;
    (y, move |dy: Array1<f64>| -> Array1<f64> { &dy * &dy })
}

#[rrule]
fn two(x: f64, y: f64) -> (f64, f64) {
    ((x * y, x + y), move |dp: f64, ds: f64| -> (f64, f64) {
        let t = 2.0 * ds;
        (dp * t, dp + ds)
    })
}

fn main() {}
