use ndarray::ArrayView1;
use rules_core::{ops, rrule};

#[rrule(derive)]
fn f(x: ArrayView1<f64>) -> f64 {
    let mut e = ops::exp(x);
    let r = &mut e;
    ops::sum(e.view())
}

fn main() {
    let _ = f(ndarray::array![1.0].view());
}
