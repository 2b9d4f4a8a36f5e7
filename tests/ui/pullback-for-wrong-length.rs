use ndarray::Array1;
use rules_core::{rrule, Need, PullbackFor, Skip};

#[rrule]
fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) })
}

fn main() {
    let (_, pb) = scale::rrule(Array1::zeros(2), 1.0);
    let _ = pb.pullback_for((Need, Skip, Need), Array1::zeros(2));
}
