//! The Moore–Penrose pseudo-inverse through the SVD's rule: the forward pass calls
//! `svd::rrule`, and the pullback turns `X̄` into the cotangents of `(U, S, Vᵀ)` and calls the SVD's
//! pullback, so the pseudo-inverse inherits its tolerance, its in-place assembly and its
//! behaviour at repeated singular values.
//!
//! ```text
//! X  = V S⁺ Uᵀ,   s⁺_i = 1/s_i above the SVD's tolerance max(m, n)·ε·s_max, else 0
//! Ū  = X̄ᵀ V S⁺            (m×k)
//! V̄ᵀ = S⁺ Uᵀ X̄ᵀ           (k×n)
//! s̄_i = −(s⁺_i)² (Uᵀ X̄ᵀ V)_ii
//! ```

use ndarray::{Array1, Array2, ArrayView2, Axis};

use super::cholqr;
use super::svd_rule::{pushforward, svd};
use super::{Real, checks, matmul, tolerance};
use crate::{Pullback, frule, rrule};

/// The Moore–Penrose pseudo-inverse `A⁺` (n×m for `a` m×n), from the thin SVD, with singular
/// values at or below `max(m, n)·ε·s_max` treated as zero (the default of SciPy's and
/// PyTorch's `pinv`; NumPy's default cutoff is `1e-15·s_max`).
///
/// The rule is a composition: `pinv::rrule` calls `svd::rrule`, and its pullback maps `X̄` to
/// `(Ū, s̄, V̄ᵀ)` (derivation below) and runs the SVD's dense pullback, which
/// writes `Ā` into `Ū`'s buffer for a tall input (so the one output-sized buffer it allocates is
/// `Ū`). The tolerance is fixed; a loss that wants another cutoff composes `svd::rrule` itself,
/// as this rule does.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::pinv;
///
/// let a: ndarray::Array2<f64> = array![[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]];
/// let x = pinv(a.view());
/// assert!((x - array![[1.0, 0.0, 0.0], [0.0, 0.5, 0.0]]).iter().all(|e| e.abs() < 1e-15));
/// ```
///
/// # Derivation
///
/// With `X = V S⁺ Uᵀ` (`s⁺_i = 1/s_i` above the tolerance, else 0), `⟨X̄, dX⟩` splits over `dU`,
/// `dS` and `dV` into
///
/// ```text
/// Ū  = X̄ᵀ V S⁺            (m×k)
/// V̄ᵀ = S⁺ Uᵀ X̄ᵀ           (k×n)
/// s̄_i = −(s⁺_i)² (Uᵀ X̄ᵀ V)_ii
/// ```
///
/// and the SVD's pullback maps those to `Ā`. The rule has one output, so its patterns are the
/// dense one and `Zero` (which runs nothing).
///
/// # Rank-deficient inputs
///
/// `A⁺` is not continuous where the rank changes (a singular value crossing the tolerance), so
/// it has no derivative there in every direction. The pullback returns the derivative along
/// perturbations that keep the rank. That is the gradient a loss sees when the rank is fixed by
/// the model (a low-rank factorisation), and it is finite: the SVD's tolerance drops `1/s` for
/// the zero singular values. The tests check it against finite differences along fixed-rank
/// paths.
///
/// An input outside LAPACK's safe range (entries near `MAX`, or subnormal) is scaled by a power
/// of two first, so `A⁺` and `Ā` keep full accuracy wherever they are representable; a `A⁺`
/// beyond `MAX` (the input is subnormal) is infinite, never NaN.
///
/// # Memory
///
/// At 500×500 the whole gradient holds 9.2× the input, at the SVD's forward peak: `U`, `Vᵀ` and
/// about 7× in faer's bidiagonal SVD workspace (see the [module docs](crate::linalg#memory)); a tall
/// 20000×10 input holds 2–3×, through Cholesky QR.
///
/// # Panics
/// If `a` holds NaN or ±∞ (naming `pinv` and the entry), if the SVD does not converge, and in
/// the pullback if `X̄`'s shape is not `A⁺`'s (in the pushforward, `Ȧ`'s not `a`'s). The
/// pushforward goes through the SVD's, with the same tolerance.
#[rrule]
#[frule]
pub fn pinv<T: Real>(a: ArrayView2<'_, T>) -> Array2<T> {
    // Checked here too, so that a bad input is reported as pinv's, not svd's.
    checks::check_finite("pinv", a, checks::Part::All);
    // Outside LAPACK's safe range (entries near `MAX`, or subnormal) the singular values or
    // their reciprocals overflow: work on `B = αA` (α a power of two, exact) instead, with
    // `A⁺ = α B⁺` and `Ā = α² B̄`.
    let max_abs = a.iter().fold(T::zero(), |m, v| m.max(v.abs()));
    let scaled = cholqr::scaled_into_safe_range(a, max_abs);
    let alpha = scaled.as_ref().map_or(T::one(), |(_, alpha)| *alpha);
    let b = scaled.as_ref().map_or(a, |(b, _)| b.view());
    #[primal_only]
    let (u, s, vt) = svd(b);
    #[rrule_only]
    let ((u, s, vt), pb) = svd::rrule(b);
    let (m, n) = a.dim();
    let tol = tolerance::relative(&s, m, n);
    let s_inv = s.mapv(|v| tolerance::inv(v, tol));
    // X = α (V S⁺) Uᵀ.
    let mut x = matmul::mul((&vt * &s_inv.view().insert_axis(Axis(1))).t(), u.t());
    if alpha != T::one() {
        x.mapv_inplace(|v| v * alpha);
    }
    (
        x,
        move |dx: Array2<T>| -> Array2<T> {
            checks::check_shape("pinv", "dX", dx.shape(), &[n, m]);
            let db = pb.pullback(svd_cotangents(&u.view(), &s_inv, &vt.view(), dx.view()));
            times_alpha_squared(db, alpha)
        },
        move |da: Array2<T>| -> Array2<T> {
            checks::check_shape("pinv", "dA", da.shape(), &[m, n]);
            // The SVD's pushforward (its tolerance and gaps), then X's tangent from (U̇, ṡ, V̇ᵀ).
            let (du, ds, dvt) = pushforward::tangents(u.view(), &s, vt.view(), tol, da.view());
            let dx = pinv_tangent(u.view(), &s_inv, vt.view(), (du, ds, dvt));
            times_alpha_squared(dx, alpha)
        },
    )
}

/// `Ẋ = V̇ S⁺ Uᵀ + V Ṡ⁺ Uᵀ + V S⁺ U̇ᵀ` with `ṡ⁺_i = −(s⁺_i)² ṡ_i`: the adjoint of
/// [`svd_cotangents`]. Computed transposed, `Ẋᵀ = U (S⁺ V̇ᵀ + Ṡ⁺ Vᵀ) + U̇ (S⁺ Vᵀ)`, as one
/// product into a new m×n array and one accumulated into it; returned as its n×m view.
fn pinv_tangent<T: Real>(
    u: ArrayView2<'_, T>,
    s_inv: &Array1<T>,
    vt: ArrayView2<'_, T>,
    (du, ds, mut dvt): (Array2<T>, Array1<T>, Array2<T>),
) -> Array2<T> {
    // Z = S⁺ V̇ᵀ + Ṡ⁺ Vᵀ (k×n), in V̇ᵀ's buffer.
    for (i, (mut row, v)) in dvt.rows_mut().into_iter().zip(vt.rows()).enumerate() {
        let (si, dsi) = (s_inv[i], -(s_inv[i] * s_inv[i]) * ds[i]);
        row.zip_mut_with(&v, |d, &x| *d = *d * si + x * dsi);
    }
    let mut xt = matmul::mul(u, dvt.view());
    let svt = &vt * &s_inv.view().insert_axis(Axis(1));
    matmul::gemm(xt.view_mut(), true, du.view(), svt.view(), T::one());
    xt.reversed_axes()
}

/// `α² B̄` in `B̄`'s buffer, by α twice (so that a representable result is not lost to α²
/// alone); nothing to do for α = 1, the common case.
fn times_alpha_squared<T: Real>(mut db: Array2<T>, alpha: T) -> Array2<T> {
    if alpha != T::one() {
        db.mapv_inplace(|v| v * alpha * alpha);
    }
    db
}

/// `(Ū, s̄, V̄ᵀ)` of `X = V S⁺ Uᵀ` for the cotangent `X̄` (module docs).
fn svd_cotangents<T: Real>(
    u: &ArrayView2<'_, T>,
    s_inv: &Array1<T>,
    vt: &ArrayView2<'_, T>,
    dx: ArrayView2<'_, T>,
) -> (Array2<T>, Array1<T>, Array2<T>) {
    // W = Uᵀ X̄ᵀ (k×n): V̄ᵀ = S⁺ W, and s̄_i = −(s⁺_i)² (W V)_ii = −(s⁺_i)² Σ_j W_ij Vᵀ_ij.
    let w = matmul::mul(u.t(), dx.t());
    let ds: Array1<T> = w
        .rows()
        .into_iter()
        .zip(vt.rows())
        .zip(s_inv)
        .map(|((wi, vi), &si)| -(si * si) * wi.dot(&vi))
        .collect();
    let dvt = &w * &s_inv.view().insert_axis(Axis(1));
    // Ū = X̄ᵀ (V S⁺) (m×k).
    let vs = &vt.t() * s_inv;
    let du = matmul::mul(dx.t(), vs.view());
    (du, ds, dvt)
}
