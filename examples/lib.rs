//! Examples of `rules-core`, written as a downstream crate would write them. Run one with
//! `cargo run --release --example NAME`.
//!
//! This library holds what the examples share: a heap-counting allocator, a timer, and the
//! textbook SVD pullback (the `(I − UUᵀ)` form) that the projection-first rule is compared with.
#![allow(unsafe_code)] // the counting allocator forwards to the system allocator

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ndarray::{Array1, Array2};

/// A global allocator that counts live heap bytes and their peak. Install it in a binary with
/// `#[global_allocator] static ALLOC: CountingAlloc = CountingAlloc;`.
pub struct CountingAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counters are only bookkeeping.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

/// Runs `f` and returns its result with the peak heap it added above what was live when it
/// started (bytes). Only meaningful with [`CountingAlloc`] installed.
pub fn peak_extra_heap<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = f();
    (r, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

/// The fastest of `runs` timings of `f` (after one warm-up call), and the last result.
pub fn best_of<R>(runs: usize, mut f: impl FnMut() -> R) -> (Duration, R) {
    let mut r = f();
    let mut best = Duration::MAX;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        r = f();
        best = best.min(t.elapsed());
    }
    (best, r)
}

/// Milliseconds, for tables.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The textbook SVD pullback, for comparison only:
/// `U [F∘(UᵀŪ − ŪᵀU) S + diag(s̄) + S F∘(VᵀV̄ − V̄ᵀV)] Vᵀ + (I − UUᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I − VVᵀ)`
/// with `F_ij = 1/(s_j² − s_i²)`. It forms the m×m matrix `I − UUᵀ` and the n×n matrix `I − VVᵀ`,
/// as autograd and pre-2021 ChainRules did, and divides by zero on repeated singular values.
pub fn textbook_svd_pullback(
    u: &Array2<f64>,
    s: &Array1<f64>,
    vt: &Array2<f64>,
    du: &Array2<f64>,
    ds: &Array1<f64>,
    dvt: &Array2<f64>,
) -> Array2<f64> {
    let (m, k) = u.dim();
    let n = vt.ncols();
    let v = vt.t();
    let dv = dvt.t();
    let f = Array2::from_shape_fn((k, k), |(i, j)| {
        if i == j {
            0.0
        } else {
            1.0 / (s[j] * s[j] - s[i] * s[i])
        }
    });
    let utdu = u.t().dot(du);
    let vtdv = v.t().dot(&dv);
    let s_mat = Array2::from_diag(s);
    let s_inv = Array2::from_diag(&s.mapv(f64::recip));
    let inner = (&f * &(&utdu - &utdu.t())).dot(&s_mat)
        + Array2::from_diag(ds)
        + s_mat.dot(&(&f * &(&vtdv - &vtdv.t())));
    let mut out = u.dot(&inner).dot(vt);
    let proj_u = Array2::<f64>::eye(m) - u.dot(&u.t());
    out += &proj_u.dot(du).dot(&s_inv).dot(vt);
    let proj_v = Array2::<f64>::eye(n) - v.dot(&v.t());
    out += &u.dot(&s_inv).dot(&dv.t()).dot(&proj_v);
    out
}

/// A deterministic m×n matrix with entries in `[-1, 1)`.
pub fn test_matrix(m: usize, n: usize, seed: u64) -> Array2<f64> {
    let mut rng = rules_core::testing::Rng::new(seed);
    Array2::from_shape_fn((m, n), |_| rng.uniform())
}
