//! A derived rule of ten calls, for the build time of `#[rrule(derive)]`.

use ndarray::{ArrayView1, ArrayView2};
use rules_core::{linalg, ops, rrule};

/// Ten rule calls: two products, two broadcasts, three elementwise maps, an SVD, two reductions.
#[rrule(derive)]
pub fn ten_calls(#[no_grad] x: ArrayView2<f64>, w: ArrayView2<f64>, b: ArrayView1<f64>) -> f64 {
    let z = ops::matmul(x, w);
    let a = ops::add(z.view(), b);
    let h = ops::tanh(a.view());
    let e = ops::exp(h.view());
    let g = ops::matmul(e.view(), w.t());
    let s = ops::sigmoid(g.view());
    let (_, sv, _) = linalg::svd(h.view());
    let q = ops::sum_sq(s.view());
    q + sv.sum()
}
