use ndarray::ArrayView1;
use rules_core::{ops, rrule};

#[rrule(derive)]
fn f(x: ArrayView1<f64>, flip: bool) -> f64 {
    let y = if flip { ops::neg(x) } else { ops::exp(x) };
    ops::sum(y.view())
}

fn main() {
    let _ = f(ndarray::array![1.0].view(), true);
}
