// The fix the broadcast error suggests: broadcast the scalar cotangent with a shape captured
// from the forward; every pattern then returns an array.
use ndarray::{array, Array1};
use rules_core::{rrule, Pullback, Zero};

#[rrule]
fn with_sum(x: Array1<f64>) -> (Array1<f64>, f64) {
    let s = x.sum();
    let n = x.len();
    ((x, s), move |dx: Array1<f64>, ds: f64| -> Array1<f64> { dx + Array1::from_elem(n, ds) })
}

fn main() {
    let (_, pb) = with_sum::rrule(array![1.0, 2.0]);
    assert_eq!(pb.pullback((array![1.0, 0.0], 2.0)), array![3.0, 2.0]);
    let only_s: Array1<f64> = pb.pullback((Zero, 2.0));
    assert_eq!(only_s, array![2.0, 2.0]);
}
