//! The vocabulary beyond `#[rrule]`, one small rule each: `sigmoid` and `hypot` from their
//! partial derivatives (`#[scalar_rule]`, with elementwise versions), `argmax`
//! (`#[non_differentiable]`), and a three-input affine rule whose pullback computes only the
//! cotangents asked for (`pullback_for` with `Need`/`Skip`).
//!
//! Run with `cargo run --release --example vocabulary`.

use ndarray::{Array1, Array2, ArrayView1, Axis, array};
use rules_core::{
    Need, NoTangent, Pullback, PullbackFor, Pushforward, Skip, Zero, non_differentiable, rrule,
    scalar_rule,
};

/// The logistic function.
#[scalar_rule(|y| y * (1.0 - y))]
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `√(x² + y²)`.
#[scalar_rule(|r| (x / r, y / r))]
pub fn hypot(x: f64, y: f64) -> f64 {
    x.hypot(y)
}

/// The index of the largest entry.
#[non_differentiable]
pub fn argmax(x: ArrayView1<'_, f64>) -> usize {
    let mut best = 0;
    for (i, v) in x.iter().enumerate() {
        if *v > x[best] {
            best = i;
        }
    }
    best
}

/// `x·W + b`.
#[rrule]
pub fn affine(x: Array2<f64>, w: Array2<f64>, b: Array1<f64>) -> Array2<f64> {
    let y = x.dot(&w) + &b;
    (
        y,
        move |dy: Array2<f64>| -> (Array2<f64>, Array2<f64>, Array1<f64>) {
            let dx = dy.dot(&w.t());
            let dw = x.t().dot(&dy);
            let db = dy.sum_axis(Axis(0));
            (dx, dw, db)
        },
    )
}

fn main() {
    let (y, pb) = sigmoid::rrule(0.0);
    println!("sigmoid(0) = {y}, d/dx = {}", pb.pullback(1.0));
    let (_, pf) = hypot::frule(3.0, 4.0);
    println!(
        "hypot(3, 4) pushed along (1, 0): {}",
        pf.pushforward((1.0, Zero))
    );
    let a = array![[-1.0, 0.0], [1.0, 2.0]];
    let (s, pb) = sigmoid::map_rrule(&a);
    println!(
        "sigmoid over a 2×2 array: {s}\n  its pullback of ones: {}",
        pb.pullback(Array2::ones((2, 2)))
    );
    let (i, pb) = argmax::rrule(array![0.5, 3.0, 1.0].view());
    let d: NoTangent = pb.pullback(1.0);
    println!("argmax = {i}, its cotangent: {d:?}");
    let (_, pb) = affine::rrule(
        array![[1.0, 2.0]],
        array![[1.0, 0.0], [0.0, 1.0]],
        array![0.5, 0.5],
    );
    let (dx, dw, db) = pb.pullback_for((Skip, Need, Skip), array![[1.0, -1.0]]);
    println!("affine, weights only: dw = {dw}, dx = {dx:?}, db = {db:?}");
}
