use ndarray::ArrayView1;
use rules_core::{ops, rrule};

#[rrule(derive)]
fn f(x: ArrayView1<f64>) -> f64 {
    let e = ops::exp(x);
    let y = &e + 1.0;
    ops::sum(y.view())
}

fn main() {
    let _ = f(ndarray::array![1.0].view());
}
