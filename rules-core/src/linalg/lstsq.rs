//! Minimum-norm least squares through the SVD's rule: `X = A⁺ B = V S⁺ (Uᵀ B)`, with the rank
//! decided by the SVD's tolerance, and derivatives that go through the SVD's pullback and
//! pushforward (so projection-first: no m×m or n×n matrix, for tall and wide `A` alike).
//!
//! With `W = Uᵀ B` (k×c) and `Z = S⁺ W`, so that `X = V Z`:
//!
//! ```text
//! Z̄   = Vᵀ X̄                       (k×c)
//! V̄ᵀ  = Z X̄ᵀ                       (k×n)
//! s̄_i = −(s⁺_i)² Σ_c Z̄_ic W_ic
//! W̄   = S⁺ Z̄
//! Ū   = B W̄ᵀ                       (m×k)
//! B̄   = U W̄                        (m×c)
//! Ā   = the SVD's pullback of (Ū, s̄, V̄ᵀ)
//! ```
//!
//! and forward, from the SVD's `(U̇, ṡ, V̇ᵀ)`:
//! `Ẋ = V̇ Z + V Ṡ⁺ W + V S⁺ (U̇ᵀ B) + V S⁺ Uᵀ Ḃ`, `ṡ⁺_i = −(s⁺_i)² ṡ_i`.

use ndarray::{Array1, Array2, ArrayView2, Axis};

use super::svd_rule::{pushforward, svd};
use super::{Real, checks, cholqr, matmul, tolerance};
use crate::{Pullback, frule, rrule};

/// The minimum-norm least-squares solution `X = A⁺ B` of `a·x ≈ b` (`a` m×n, `b` m×c, `x`
/// n×c), for tall, wide and rank-deficient `a`: singular values at or below the SVD's
/// tolerance `max(m, n)·ε·s_max` count as zero, as in [`pinv()`](super::pinv()) (LAPACK's
/// `gelsd` takes the cutoff as an argument; NumPy's `lstsq` defaults to the same `max(m, n)·ε`).
///
/// The derivatives are those of [`pinv()`](super::pinv()) applied to `b`, computed without `A⁺`:
/// the pullback maps `X̄` to the SVD's cotangents (module docs of `linalg/lstsq.rs`) and runs the
/// SVD's pullback, the pushforward runs the SVD's pushforward. At a rank-deficient `a` they are
/// the derivatives along perturbations that keep the rank (`A⁺` is not continuous where the rank
/// changes), and they stay finite.
///
/// An input outside LAPACK's safe range is scaled by a power of two first (as for `pinv`).
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::lstsq;
///
/// // The line through (0, 1), (1, 2), (2, 4) closest in least squares: y = 0.833 + 1.5 x.
/// let a: ndarray::Array2<f64> = array![[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]];
/// let b = array![[1.0], [2.0], [4.0]];
/// let x = lstsq(a.view(), b.view());
/// assert!((x[[0, 0]] - 5.0 / 6.0).abs() < 1e-14 && (x[[1, 0]] - 1.5).abs() < 1e-14);
/// // A wide system has many solutions: lstsq returns the one of least norm.
/// let x = lstsq(array![[1.0, 1.0]].view(), array![[2.0]].view());
/// assert!((x - array![[1.0], [1.0]]).iter().all(|e: &f64| e.abs() < 1e-14));
/// ```
///
/// # Memory
///
/// At 500×500 the whole gradient holds 9.2× the input, at the SVD's forward peak: `U`, `Vᵀ` and
/// about 7× in faer's bidiagonal SVD workspace (see the [module docs](crate::linalg#memory)); a tall
/// 20000×10 input holds 2–3×, through Cholesky QR.
///
/// # Panics
/// If `b` does not have `a`'s number of rows, if `a` or `b` holds NaN or ±∞ (the message names
/// `lstsq`, the argument and the entry), and in the pullback and the pushforward if a cotangent
/// or tangent has the wrong shape.
#[rrule]
#[frule]
pub fn lstsq<T: Real>(a: ArrayView2<'_, T>, b: ArrayView2<'_, T>) -> Array2<T> {
    let (m, n) = a.dim();
    assert!(
        b.nrows() == m,
        "lstsq: `b` must have as many rows as `a` ({m}), but it has shape {:?}",
        b.shape()
    );
    checks::check_finite("lstsq", a, checks::Part::All);
    if let Err(e) = checks::finite("lstsq", "b", b, checks::Part::All) {
        panic!("{e}");
    }
    // Outside LAPACK's safe range: work on αA, with A⁺ = α (αA)⁺.
    let max_abs = a.iter().fold(T::zero(), |m, v| m.max(v.abs()));
    let scaled = cholqr::scaled_into_safe_range(a, max_abs);
    let alpha = scaled.as_ref().map_or(T::one(), |(_, alpha)| *alpha);
    let scaled_a = scaled.as_ref().map_or(a, |(s, _)| s.view());
    #[primal_only]
    let (u, s, vt) = svd(scaled_a);
    #[rrule_only]
    let ((u, s, vt), pb) = svd::rrule(scaled_a);
    let tol = tolerance::relative(&s, m, n);
    let s_inv = s.mapv(|v| tolerance::inv(v, tol) * alpha);
    // W = Uᵀ B, Z = S⁺ W, X = V Z.
    let w = matmul::t_mul(u.view(), b);
    let z = &w * &s_inv.view().insert_axis(Axis(1));
    let x = matmul::mul(vt.t(), z.view());
    let c = b.ncols();
    (
        x,
        move |dx: Array2<T>| -> (Array2<T>, Array2<T>) {
            checks::check_shape("lstsq", "dX", dx.shape(), &[n, c]);
            let (du, ds, dvt, dw) =
                svd_cotangents(b, (&s_inv, alpha), vt.view(), &w, &z, dx.view());
            let db = matmul::mul(u.view(), dw.view());
            // Ā = α · (the SVD's pullback at αA).
            let da = pb.pullback((du, ds, dvt)) * alpha;
            (da, db)
        },
        move |da: Array2<T>, db: Array2<T>| -> Array2<T> {
            checks::check_shape("lstsq", "da", da.shape(), &[m, n]);
            checks::check_shape("lstsq", "db", db.shape(), &[m, c]);
            let ta = through_a(
                (u.view(), &s, vt.view(), tol),
                (&s_inv, alpha),
                (b, &w, &z),
                da * alpha,
            );
            let tb = through_b(u.view(), &s_inv, vt.view(), db.view());
            ta + tb
        },
    )
}

/// `(Ū, s̄, V̄ᵀ, W̄)` for the cotangent `X̄` (module docs), the SVD's at `αA`: `S⁺ = α/s` holds
/// α.
fn svd_cotangents<T: Real>(
    b: ArrayView2<'_, T>,
    (s_inv, alpha): (&Array1<T>, T),
    vt: ArrayView2<'_, T>,
    w: &Array2<T>,
    z: &Array2<T>,
    dx: ArrayView2<'_, T>,
) -> (Array2<T>, Array1<T>, Array2<T>, Array2<T>) {
    let dz = matmul::mul(vt, dx);
    let dvt = matmul::mul(z.view(), dx.t());
    let ds: Array1<T> = dz
        .rows()
        .into_iter()
        .zip(w.rows())
        .zip(s_inv)
        // ∂(α/s)/∂s = −(α/s)²/α.
        .map(|((zi, wi), &si)| -(si * si / alpha) * zi.dot(&wi))
        .collect();
    let dw = &dz * &s_inv.view().insert_axis(Axis(1));
    let du = matmul::mul(b, dw.t());
    (du, ds, dvt, dw)
}

/// `V̇ Z + V Ṡ⁺ W + V S⁺ U̇ᵀ B` for the SVD's tangents along `Ȧ` (already times α).
fn through_a<T: Real>(
    (u, s, vt, tol): (ArrayView2<'_, T>, &Array1<T>, ArrayView2<'_, T>, T),
    (s_inv, alpha): (&Array1<T>, T),
    (b, w, z): (ArrayView2<'_, T>, &Array2<T>, &Array2<T>),
    da: Array2<T>,
) -> Array2<T> {
    let (du, ds, dvt) = pushforward::tangents(u, s, vt, tol, da.view());
    // Y = Ṡ⁺ W + S⁺ (U̇ᵀ B) (k×c), with ṡ⁺_i = −(α/s_i)² ṡ_i / α (the SVD's at αA).
    let mut y = matmul::t_mul(du.view(), b);
    for (i, (mut row, wi)) in y.rows_mut().into_iter().zip(w.rows()).enumerate() {
        let (si, dsi) = (s_inv[i], -(s_inv[i] * s_inv[i] / alpha) * ds[i]);
        row.zip_mut_with(&wi, |yv, &wv| *yv = *yv * si + wv * dsi);
    }
    let mut x = matmul::mul(vt.t(), y.view());
    matmul::gemm(x.view_mut(), true, dvt.t(), z.view(), T::one());
    x
}

/// `V S⁺ Uᵀ Ḃ`: the solution for the right-hand side `Ḃ`.
fn through_b<T: Real>(
    u: ArrayView2<'_, T>,
    s_inv: &Array1<T>,
    vt: ArrayView2<'_, T>,
    db: ArrayView2<'_, T>,
) -> Array2<T> {
    let w = matmul::t_mul(u, db);
    let z = &w * &s_inv.view().insert_axis(Axis(1));
    matmul::mul(vt.t(), z.view())
}
