//! Criterion benchmarks of the SVD rule: forward, dense pullback, each single-cotangent pattern,
//! the `svdvals` pattern against a hand-written `U·diag(s̄)·Vᵀ`, the dense pullback fed explicit
//! zeros, and the textbook `(I − UUᵀ)` form where its m×m matrix fits.
//!
//! `cargo bench` runs them; `cargo bench -- 20000x10` runs one shape. For ratios and heap in one
//! table, see `cargo run --release --example perf_report`.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ndarray::{Array1, Array2};
use rules_core::linalg::svd;
use rules_core::{Pullback, Zero};
use rules_examples::{test_matrix, textbook_svd_pullback};

const SHAPES: [(usize, usize); 5] = [
    (20_000, 10),
    (200_000, 10),
    (10, 20_000),
    (500, 500),
    (2_000, 200),
];

fn svd_rule(c: &mut Criterion) {
    for (m, n) in SHAPES {
        let k = m.min(n);
        let x = test_matrix(m, n, 7);
        let ((u, s, vt), pb) = svd::rrule(x.view());
        let du = test_matrix(m, k, 1);
        let dvt = test_matrix(k, n, 2);
        let ds: Array1<f64> = (0..k).map(|i| 1.0 + i as f64).collect();
        let mut g = c.benchmark_group(format!("svd/{m}x{n}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2));
        g.bench_function("forward", |b| b.iter(|| svd::rrule(x.view())));
        // One input at a time, as an AD engine calls a pullback: batching many outputs of this size
        // would measure page faults of fresh allocations instead of the pullback.
        let small = BatchSize::PerIteration;
        g.bench_function("dense", |b| {
            b.iter_batched(
                || (du.clone(), ds.clone(), dvt.clone()),
                |c| pb.pullback(c),
                small,
            )
        });
        g.bench_function("pattern dU", |b| {
            b.iter_batched(
                || du.clone(),
                |c| -> Array2<f64> { pb.pullback((c, Zero, Zero)) },
                small,
            )
        });
        g.bench_function("pattern dVt", |b| {
            b.iter_batched(
                || dvt.clone(),
                |c| -> Array2<f64> { pb.pullback((Zero, Zero, c)) },
                small,
            )
        });
        g.bench_function("pattern dS (svdvals)", |b| {
            b.iter_batched(
                || ds.clone(),
                |c| -> Array2<f64> { pb.pullback((Zero, c, Zero)) },
                small,
            )
        });
        g.bench_function("hand-written U diag(s) Vt", |b| {
            b.iter(|| (&u * &ds).dot(&vt))
        });
        g.bench_function("dense fed zeros, dS only", |b| {
            b.iter_batched(
                || (Array2::zeros((m, k)), ds.clone(), Array2::zeros((k, n))),
                |c| pb.pullback(c),
                small,
            )
        });
        if m.max(n) <= 2_000 {
            g.bench_function("textbook dense", |b| {
                b.iter(|| textbook_svd_pullback(&u.view(), &s, &vt.view(), &du, &ds, &dvt))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, svd_rule);
criterion_main!(benches);
