use ndarray::{Array1, array};
use rules_core::{Pullback, Zero, rrule};

/// y = k·x.
#[rrule]
pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) })
}

fn main() {
    let (y, pb) = scale::rrule(array![1.0], 2.0);
    let (dx, dk) = pb.pullback(array![1.0]);
    let (zx, zk): (Zero, Zero) = pb.pullback(Zero);
    let _ = (y, dx, dk, zx, zk);
}
