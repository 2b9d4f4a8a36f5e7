//! Downstream integration tests of `rules-core`: this crate uses only its public API, as a user's
//! crate would. The tests live in the files listed in `Cargo.toml`; this library holds helpers
//! they share.

use std::cell::Cell;

thread_local! {
    static CALLS: Cell<usize> = const { Cell::new(0) };
}

/// Counts how often it is called (per thread), then returns `x`: put it in a statement to prove
/// whether a specialised body runs that statement.
pub fn counted<T>(x: T) -> T {
    CALLS.with(|c| c.set(c.get() + 1));
    x
}

/// How many times [`counted`] ran on this thread while `f` ran.
pub fn calls_during<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = CALLS.with(Cell::get);
    let r = f();
    (CALLS.with(Cell::get) - before, r)
}

/// An m×n matrix with entries uniform in `[-1, 1)`, from the kit's seeded generator.
pub fn random(m: usize, n: usize, seed: u64) -> ndarray::Array2<f64> {
    let mut rng = rules_core::testing::Rng::new(seed);
    ndarray::Array2::from_shape_fn((m, n), |_| rng.uniform())
}

/// The largest absolute entry (0 for an empty array).
pub fn max_abs(x: &ndarray::Array2<f64>) -> f64 {
    x.iter().fold(0.0f64, |m, e| m.max(e.abs()))
}

/// `f` run on a rayon pool of one thread (to compare a threaded pass with a sequential one).
pub fn one_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    pool.install(f)
}

/// `2^e`, exactly, also below the normal range (where `2f64.powi(e)` would round to zero).
#[must_use]
pub fn pow2(e: i32) -> f64 {
    2f64.powi(e / 2) * 2f64.powi(e - e / 2)
}
