//! Examples of `rules-core`, written as a downstream crate would write them. Run one with
//! `cargo run --release --example NAME`.
//!
//! This library holds what the examples share: a heap-counting allocator, a timer, and the
//! textbook SVD pullback (the `(I − UUᵀ)` form) that the projection-first rule is compared with.
#![allow(unsafe_code)] // the counting allocator forwards to the system allocator

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ndarray::{Array1, Array2, ArrayView2};

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

/// The fastest of `runs` timings of `f(setup())`, timing `f` only (the setup, such as cloning
/// the cotangents a pullback consumes, is not timed), after one warm-up call.
pub fn best_of_with<I, R>(
    runs: usize,
    mut setup: impl FnMut() -> I,
    mut f: impl FnMut(I) -> R,
) -> Duration {
    drop(f(setup()));
    let mut best = Duration::MAX;
    for _ in 0..runs.max(1) {
        let input = setup();
        let t = Instant::now();
        let r = f(input);
        best = best.min(t.elapsed());
        drop(r);
    }
    best
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
    u: &ArrayView2<'_, f64>,
    s: &Array1<f64>,
    vt: &ArrayView2<'_, f64>,
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

/// A series of a log-log plot: a name, a colour, and `(x, y)` points.
pub struct Series<'a> {
    /// The legend entry.
    pub name: &'a str,
    /// An SVG colour.
    pub color: &'a str,
    /// The points, `x` and `y` both positive.
    pub points: Vec<(f64, f64)>,
}

/// Where a panel goes and what it is called.
pub struct Panel<'a> {
    /// Left edge, pixels.
    pub x0: f64,
    /// Top edge, pixels.
    pub y0: f64,
    /// Width, pixels.
    pub w: f64,
    /// Height, pixels.
    pub h: f64,
    /// The title above the panel.
    pub title: &'a str,
    /// The x-axis label.
    pub x_label: &'a str,
    /// The y-axis label.
    pub y_label: &'a str,
}

/// One log-log panel, as SVG elements.
pub fn svg_loglog_panel(panel: &Panel<'_>, series: &[Series<'_>]) -> String {
    let Panel {
        x0,
        y0,
        w,
        h,
        title,
        x_label,
        y_label,
    } = *panel;
    let all: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .collect();
    let (lx_min, lx_max) = decades(all.iter().map(|p| p.0));
    let (ly_min, ly_max) = decades(all.iter().map(|p| p.1));
    let (ml, mr, mt, mb) = (70.0, 20.0, 30.0, 45.0);
    let px = |x: f64| x0 + ml + (x.log10() - lx_min) / (lx_max - lx_min) * (w - ml - mr);
    let py = |y: f64| y0 + h - mb - (y.log10() - ly_min) / (ly_max - ly_min) * (h - mt - mb);
    let mut out = String::new();
    out.push_str(&format!(r#"<text x="{}" y="{}" font-size="15" text-anchor="middle" font-weight="bold">{title}</text>"#, x0 + w / 2.0, y0 + 18.0));
    out.push_str(&format!(
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="black"/>"#,
        x0 + ml,
        y0 + mt,
        w - ml - mr,
        h - mt - mb
    ));
    for d in (lx_min as i32)..=(lx_max as i32) {
        let x = px(10f64.powi(d));
        out.push_str(&format!(
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#ddd"/>"##,
            y0 + mt,
            y0 + h - mb
        ));
        out.push_str(&format!(
            r#"<text x="{x}" y="{}" font-size="12" text-anchor="middle">1e{d}</text>"#,
            y0 + h - mb + 16.0
        ));
    }
    for d in (ly_min as i32)..=(ly_max as i32) {
        let y = py(10f64.powi(d));
        out.push_str(&format!(
            r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#ddd"/>"##,
            x0 + ml,
            x0 + w - mr
        ));
        out.push_str(&format!(
            r#"<text x="{}" y="{}" font-size="12" text-anchor="end">1e{d}</text>"#,
            x0 + ml - 6.0,
            y + 4.0
        ));
    }
    out.push_str(&format!(
        r#"<text x="{}" y="{}" font-size="13" text-anchor="middle">{x_label}</text>"#,
        x0 + ml + (w - ml - mr) / 2.0,
        y0 + h - 8.0
    ));
    out.push_str(&format!(
        r#"<text x="{}" y="{}" font-size="13" text-anchor="middle" transform="rotate(-90 {} {})">{y_label}</text>"#,
        x0 + 16.0,
        y0 + h / 2.0,
        x0 + 16.0,
        y0 + h / 2.0
    ));
    for (i, s) in series.iter().enumerate() {
        let pts: Vec<String> = s
            .points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        out.push_str(&format!(
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            pts.join(" "),
            s.color
        ));
        for &(x, y) in &s.points {
            out.push_str(&format!(
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"/>"#,
                px(x),
                py(y),
                s.color
            ));
        }
        let ly = y0 + mt + 16.0 + 16.0 * i as f64;
        out.push_str(&format!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>"#,
            x0 + ml + 10.0,
            ly - 4.0,
            x0 + ml + 30.0,
            ly - 4.0,
            s.color
        ));
        out.push_str(&format!(
            r#"<text x="{}" y="{ly}" font-size="12">{}</text>"#,
            x0 + ml + 36.0,
            s.name
        ));
    }
    out
}

/// The whole decades that enclose the values (log10).
fn decades(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v.log10()), b.max(v.log10()))
    });
    if lo.is_finite() && hi.is_finite() {
        (lo.floor(), hi.ceil().max(lo.floor() + 1.0))
    } else {
        (0.0, 1.0)
    }
}
