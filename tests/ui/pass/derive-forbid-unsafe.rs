#![forbid(unsafe_code)]
use ndarray::ArrayView1;
use rules_core::{ops, rrule};

#[rrule(derive)]
fn f(x: ArrayView1<f64>) -> f64 {
    let e = ops::exp(x);
    let p = ops::mul(e.view(), x);
    p.sum()
}

fn main() {}
