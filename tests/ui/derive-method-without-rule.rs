use ndarray::ArrayView1;
use rules_core::{ops, rrule};

#[rrule(derive)]
fn f(x: ArrayView1<f64>) -> f64 {
    let e = ops::exp(x);
    let c = e.cumsum(ndarray::Axis(0));
    ops::sum(c.view())
}

fn main() {
    let x = ndarray::array![1.0];
    let _ = f(x.view());
}
