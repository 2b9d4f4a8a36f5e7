//! Measures what the vocabulary promises, in one process (ratios are what to compare: the
//! machine is shared and noisy):
//!
//! * `pullback_for` on a dense layer `x·W + b` with 1000×1000 operands: each selection of
//!   wanted inputs against the dense pullback (target: `(Need, Skip, Skip)` ≤ 0.55×);
//! * `sigmoid::map_rrule` forward + pullback on 10⁶ elements against a hand-written forward loop
//!   and backward loop (the value and the derivative stored in the forward; target ≤ 1.3×) and
//!   against a rule written with `mapv` by hand (target: no slower).
//!
//! Run with `cargo run --release --example vocabulary_bench`.

use ndarray::{Array1, Array2, Axis, Zip};
use rules_core::{Need, Pullback, PullbackFor, Skip, rrule, scalar_rule};
use rules_examples::{best_of_with, ms, test_matrix};

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

/// The logistic function.
#[scalar_rule(|y| y * (1.0 - y))]
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The same elementwise rule written by hand with `mapv`.
#[rrule]
pub fn sigmoid_mapv(x: Array1<f64>) -> Array1<f64> {
    let y = x.mapv(sigmoid);
    let d = y.mapv(|v| v * (1.0 - v));
    (y, move |dy: Array1<f64>| -> Array1<f64> { dy * &d })
}

fn main() {
    let runs = 7;
    let n = 1000;
    let x = test_matrix(n, n, 1);
    let w = test_matrix(n, n, 2);
    let b = Array1::from_elem(n, 0.5);
    let dy = test_matrix(n, n, 3);
    let (_, pb) = affine::rrule(x, w, b);
    println!("dense layer x·W + b, {n}×{n} operands, best of {runs}:");
    let (dense, _) = (best_of_with(runs, || dy.clone(), |d| pb.pullback(d)), ());
    println!("  {:<24} {:>9.1} ms   1.00×", "dense pullback", ms(dense));
    let sel = |name: &str, t: std::time::Duration| {
        println!(
            "  {:<24} {:>9.1} ms   {:.2}×",
            name,
            ms(t),
            t.as_secs_f64() / dense.as_secs_f64()
        );
    };
    sel(
        "(Need, Skip, Skip)",
        best_of_with(
            runs,
            || dy.clone(),
            |d| pb.pullback_for((Need, Skip, Skip), d),
        ),
    );
    sel(
        "(Skip, Need, Skip)",
        best_of_with(
            runs,
            || dy.clone(),
            |d| pb.pullback_for((Skip, Need, Skip), d),
        ),
    );
    sel(
        "(Skip, Skip, Need)",
        best_of_with(
            runs,
            || dy.clone(),
            |d| pb.pullback_for((Skip, Skip, Need), d),
        ),
    );

    let len = 1_000_000;
    let x = Array1::from_iter((0..len).map(|i| ((i % 2000) as f64 - 1000.0) / 250.0));
    let dy = Array1::from_elem(len, 1.0);
    println!("\nsigmoid on {len} elements, forward + pullback, best of {runs}:");
    let hand = best_of_with(
        runs,
        || dy.clone(),
        |dy| {
            let mut y = Array1::zeros(len);
            let mut d = Array1::zeros(len);
            Zip::from(&mut y).and(&mut d).and(&x).for_each(|y, d, &x| {
                let v = 1.0 / (1.0 + (-x).exp());
                *y = v;
                *d = v * (1.0 - v);
            });
            let mut g = dy;
            Zip::from(&mut g).and(&d).for_each(|g, &d| *g *= d);
            (y, g)
        },
    );
    println!(
        "  {:<28} {:>8.2} ms   1.00×",
        "hand-written loops",
        ms(hand)
    );
    let map = best_of_with(
        runs,
        || dy.clone(),
        |dy| {
            let (y, pb) = sigmoid::map_rrule(&x);
            (y, pb.pullback(dy))
        },
    );
    println!(
        "  {:<28} {:>8.2} ms   {:.2}×",
        "sigmoid::map_rrule",
        ms(map),
        map.as_secs_f64() / hand.as_secs_f64()
    );
    let mapv = best_of_with(
        runs,
        || (x.clone(), dy.clone()),
        |(x, dy)| {
            let (y, pb) = sigmoid_mapv::rrule(x);
            (y, pb.pullback(dy))
        },
    );
    println!(
        "  {:<28} {:>8.2} ms   {:.2}×",
        "#[rrule] with mapv",
        ms(mapv),
        mapv.as_secs_f64() / hand.as_secs_f64()
    );
}
