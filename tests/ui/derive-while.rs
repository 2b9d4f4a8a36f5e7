use ndarray::ArrayView1;
use rules_core::{ops, rrule};

#[rrule(derive)]
fn f(x: ArrayView1<f64>) -> f64 {
    let mut n = 0;
    while ops::sum(x) > 1.0 && n < 3 {
        n += 1;
    }
    ops::sum(x)
}

fn main() {
    let _ = f(ndarray::array![1.0].view());
}
