//! The SVD forward against LAPACK-level accuracy targets, on inputs with known singular values:
//! `Q₁ diag(s) Q₂ᵀ` from random orthonormal factors (built by the kit with plain Gram–Schmidt, not
//! by the code under test). For tall, wide and square shapes; condition numbers 1 to 1e15;
//! rank-deficient, zero and rank-one inputs; scaled by 1e200 and 1e-200. In `f64` every error is
//! within `1e-11` (relative to `s_max` where it is a value), in `f32` within `1e-4`.
//!
//! The largest shapes of the issue (200000×10, 50000×12) run in
//! `cargo test --release -p rules-tests --test svd_accuracy -- --ignored`.

use ndarray::{Array1, Array2};
use rules_core::linalg::{Real, svd, svdvals};
use rules_core::testing::{Rng, with_singular_values};

/// The prescribed singular values: `n` values geometric from 1 to `1/cond`, with `rank` nonzero.
fn spectrum(k: usize, cond: f64, rank: usize) -> Vec<f64> {
    (0..rank)
        .map(|i| {
            if rank == 1 {
                1.0
            } else {
                cond.powf(-(i as f64) / (rank - 1) as f64)
            }
        })
        .collect::<Vec<_>>()
        .into_iter()
        .chain(std::iter::repeat_n(0.0, k - rank))
        .collect()
}

fn max_abs(x: impl IntoIterator<Item = f64>) -> f64 {
    x.into_iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn orthonormality(q: &Array2<f64>) -> f64 {
    max_abs(q.t().dot(q) - Array2::<f64>::eye(q.ncols()))
}

/// Each error of `svd` (and `svdvals`) of `a`, whose singular values are `want`, relative to
/// `s_max` where it is a value: singular values, `UᵀU − I`, `VᵀV − I`, reconstruction, `svdvals`
/// against `svd`'s `S`. In the precision of `a`, measured in `f64`.
fn errors<T: Real + Into<f64>>(a: &Array2<T>, want: &[f64]) -> [(&'static str, f64); 5] {
    let (u, s, vt) = svd(a.view());
    let (u, s, vt) = (u.mapv(Into::into), s.mapv(Into::into), vt.mapv(Into::into));
    let values: Array1<f64> = svdvals(a.view()).mapv(Into::into);
    let s_max = max_abs(want.iter().copied()).max(f64::MIN_POSITIVE);
    let mut sorted = want.to_vec();
    sorted.sort_by(|x, y| y.total_cmp(x));
    let rebuilt = (&u * &s).dot(&vt);
    [
        (
            "singular values",
            max_abs(s.iter().zip(&sorted).map(|(x, y)| x - y)) / s_max,
        ),
        ("UᵀU − I", orthonormality(&u)),
        ("VᵀV − I", orthonormality(&vt.t().to_owned())),
        (
            "reconstruction",
            max_abs(&rebuilt - &a.mapv(Into::into)) / s_max,
        ),
        ("svdvals vs svd", max_abs(&values - &s) / s_max),
    ]
}

/// `f()`, or `None` if it panicked (so that one case's panic does not hide the others).
fn caught<R>(f: impl FnOnce() -> R) -> Option<R> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Adds the errors above `tol` (or the panic) to `failures`, and the largest to `worst`.
fn record(
    label: &str,
    precision: &str,
    errors: Option<[(&'static str, f64); 5]>,
    tol: f64,
    worst: &mut f64,
    failures: &mut Vec<String>,
) {
    let Some(errors) = errors else {
        failures.push(format!("{precision} {label}: panicked"));
        return;
    };
    for (what, err) in errors {
        *worst = worst.max(err);
        if err.is_nan() || err > tol {
            failures.push(format!("{precision} {label}: {what} error {err:e}"));
        }
    }
}

/// Checks every case on an m×n shape: conditions 1..1e15, rank-deficient, rank one, zero, and
/// the well- and ill-conditioned inputs scaled by 1e200 and 1e-200.
fn check_shape(m: usize, n: usize) {
    let k = m.min(n);
    let mut rng = Rng::new((m * 31 + n) as u64);
    let mut cases: Vec<(String, Vec<f64>)> = [1.0, 1e4, 1e8, 1e12, 1e15]
        .into_iter()
        .map(|c| (format!("cond {c:e}"), spectrum(k, c, k)))
        .collect();
    cases.push(("rank k/2".into(), spectrum(k, 1e3, k.div_ceil(2))));
    cases.push(("rank one".into(), spectrum(k, 1.0, 1)));
    cases.push(("zero".into(), vec![0.0; k]));
    let mut failures = Vec::new();
    let mut worst = [0.0f64; 2];
    for (name, s) in &cases {
        let base = with_singular_values(&mut rng, m, n, s);
        let scales: &[f64] = if name == "cond 1e0" || name == "cond 1e12" {
            &[1.0, 1e200, 1e-200]
        } else {
            &[1.0]
        };
        for &scale in scales {
            let a = &base * scale;
            let want: Vec<f64> = s.iter().map(|v| v * scale).collect();
            let label = format!("{m}×{n} {name} ×{scale:e}");
            record(
                &label,
                "f64",
                caught(|| errors(&a, &want)),
                1e-11,
                &mut worst[0],
                &mut failures,
            );
            // f32 cannot hold 1e±200, nor resolve a condition number beyond about 1e7.
            let resolvable = ["cond 1e0", "cond 1e4", "rank k/2", "rank one", "zero"];
            if scale == 1.0 && resolvable.contains(&name.as_str()) {
                let a32 = a.mapv(|v| v as f32);
                record(
                    &label,
                    "f32",
                    caught(|| errors(&a32, &want)),
                    1e-4,
                    &mut worst[1],
                    &mut failures,
                );
            }
        }
    }
    println!(
        "{m}×{n}: largest error {:.1e} in f64, {:.1e} in f32",
        worst[0], worst[1]
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tall() {
    check_shape(2000, 10);
    check_shape(300, 40);
    // Wider than 64 columns: the reduction works on the whole matrix, not on row blocks.
    check_shape(400, 90);
}

#[test]
fn wide() {
    check_shape(10, 2000);
    check_shape(40, 300);
    check_shape(90, 400);
}

#[test]
fn square_and_small() {
    check_shape(60, 60);
    check_shape(90, 30);
    check_shape(30, 90);
    check_shape(7, 5);
    check_shape(1, 9);
}

#[test]
#[ignore = "large: run with --release -- --ignored"]
fn the_issues_shapes() {
    check_shape(200_000, 10);
    check_shape(50_000, 12);
    check_shape(10, 200_000);
}
