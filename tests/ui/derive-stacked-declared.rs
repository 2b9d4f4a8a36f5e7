use ndarray::ArrayView1;
use rules_core::{frule, ops, rrule};

#[rrule(derive)]
#[frule]
fn f(x: ArrayView1<f64>) -> f64 {
    ops::sum(x)
}

fn main() {
    let _ = f(ndarray::array![1.0].view());
}
