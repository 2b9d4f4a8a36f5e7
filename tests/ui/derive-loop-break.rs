use ndarray::ArrayView1;
use rules_core::{ops, rrule};

#[rrule(derive)]
fn f(x: ArrayView1<f64>, n: usize) -> f64 {
    let mut h = ops::exp(x);
    for i in 0..n {
        if i == 2 {
            break;
        }
        h = ops::tanh(h.view());
    }
    ops::sum(h.view())
}

fn main() {
    let _ = f(ndarray::array![1.0].view(), 3);
}
