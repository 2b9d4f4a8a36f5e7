//! The thin SVD and its singular values, with their pullbacks in projection-first form.
//!
//! The derivation, the treatment of degenerate inputs and the specialisation are documented on
//! [`svd()`].

use ndarray::{Array1, Array2, ArrayView2};

use super::{Real, kernels};
use crate::rrule;

/// The thin singular value decomposition `A = U · diag(S) · Vt`.
///
/// For `a` of shape m×n and `k = min(m, n)`, returns `U` (m×k, orthonormal columns), `S` (k,
/// non-negative, non-increasing) and `Vt` (k×n, orthonormal rows). Computed by faer on a zero-copy
/// view of `a` (any strides, including transposed and reversed views) and written straight into
/// the returned arrays. An empty input (`k = 0`) gives `U` m×0, `S` empty and `Vt` 0×n.
///
/// `svd::rrule(a)` also returns the pullback, derived below.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::svd;
/// use rules_core::{Pullback, Zero};
///
/// let a: ndarray::Array2<f64> = array![[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]];
/// let (u, s, vt) = svd(a.view());
/// assert_eq!(s, array![3.0, 2.0]);
/// assert!(((&u * &s).dot(&vt) - &a).iter().all(|e| e.abs() < 1e-12));
///
/// // Gradient of sum(S): only the s̄ pattern runs, U·diag(s̄)·Vt.
/// let (_, pb) = svd::rrule(a.view());
/// let grad = pb.pullback((Zero, array![1.0, 1.0], Zero));
/// assert!((grad - u.dot(&vt)).iter().all(|e: &f64| e.abs() < 1e-12));
/// ```
///
/// # Panics
/// If `a` holds NaN or ±∞ (the message names the first such element), if faer's iteration does
/// not converge, and, in the pullback, if a cotangent's shape differs from its output's (the
/// message names `svd`, the cotangent and both shapes).
///
/// # Derivation
///
/// For `A = U S Vᵀ` (`A` is m×n, `k = min(m, n)`, `U` m×k, `S = diag(s)`, `Vᵀ` k×n) and the
/// cotangents `Ū` (m×k), `s̄` (k) and `V̄ᵀ` (k×n), let `P = UᵀŪ` and `Q = VᵀV̄` (both k×k; `Q` is
/// computed as `Vᵀ · V̄ᵀᵀ`, never forming `V`) and `aX = (X − Xᵀ)/2`. Then
///
/// ```text
/// M_ij = (aP + aQ)_ij / (s_j − s_i) + (aP − aQ)_ij / (s_j + s_i)     (i ≠ j)
/// M_ii = s̄_i
/// Ā    = U M Vᵀ + (Ū − U P) S⁻¹ Vᵀ  [m > k]  +  U S⁻¹ (V̄ᵀ − Qᵀ Vᵀ)  [n > k]
/// ```
///
/// which equals the textbook `U [F∘(P − Pᵀ) S + diag(s̄) + S F∘(Q − Qᵀ)] Vᵀ + (I − UUᵀ) Ū S⁻¹ Vᵀ +
/// U S⁻¹ V̄ᵀ (I − VVᵀ)` with `F_ij = 1/(s_j² − s_i²)`. The projections are applied as
/// `Ū − U (UᵀŪ)`, never as `(I − UUᵀ) Ū`: no m×m or n×n matrix is ever formed, and the dense
/// pullback allocates the output, `P`, `Q` and `M`, reusing the buffers of `Ū` and `V̄ᵀ` for the
/// rest.
///
/// # Degenerate and rank-deficient inputs
///
/// Each of `1/(s_j − s_i)`, `1/(s_j + s_i)` and `1/s_i` is taken as `0` when its denominator is
/// below the tolerance `max(m, n) · ε · s_max`. The result is therefore always finite, where the
/// textbook form gives ∞ or NaN as soon as two singular values coincide. It is exact whenever the
/// loss depends on a block of equal singular values only through that block's subspace (a
/// projector `U_r U_rᵀ` onto a group separated from the rest by a gap, or any function of the
/// singular values): then `aP + aQ` vanishes on the block and the dropped terms are `0/0` limits
/// whose value is `0`. It is *not* determined by the cotangents alone when the loss depends on
/// the particular basis chosen inside a degenerate block (for example `Σ W∘(U S Vᵀ)` at `A = I`,
/// which needs the limit along a path): there the rule returns the gauge-invariant part, and no
/// rule can do better from `(Ū, s̄, V̄ᵀ)` alone. For zero singular values the same tolerance gives
/// the pseudo-inverse: directions in the null space receive no gradient through `S⁻¹`.
///
/// # Specialisation
///
/// The pullback is written once, one statement per term, and `#[rrule]` removes the terms of the
/// zero cotangents in each pattern. With `Ū` and `V̄ᵀ` zero, every statement reading `P`, `Q`,
/// `M` or the projections disappears and the body is `U·diag(s̄)`, then `·Vᵀ`: exactly the
/// pullback of [`svdvals()`].
#[rrule]
pub fn svd<T: Real>(a: ArrayView2<'_, T>) -> (Array2<T>, Array1<T>, Array2<T>) {
    let (u, s, vt) = kernels::thin_svd("svd", a);
    let tol = kernels::tolerance(&s, a.nrows(), a.ncols());
    (
        (u.clone(), s.clone(), vt.clone()),
        move |du: Array2<T>, ds: Array1<T>, dvt: Array2<T>| -> Array2<T> {
            kernels::check_shape("svd", "dU", du.shape(), u.shape());
            kernels::check_shape("svd", "dS", ds.shape(), s.shape());
            kernels::check_shape("svd", "dVt", dvt.shape(), vt.shape());
            // P = UᵀŪ and Q = VᵀV̄ (k×k).
            let p = u.t().dot(&du);
            let q = vt.dot(&dvt.t());
            // The off-diagonal of M from aP and aQ, in one pass.
            #[pass_zero]
            let m = kernels::middle(&s, tol, &p, &q);
            // The left factor L, with Ā = L·Vᵀ + U·R: first (Ū − U P) S⁻¹ in Ū's buffer ...
            let left = kernels::project_columns(du, &u, &p, &s, tol);
            // ... plus U M ...
            #[pass_zero]
            let left = kernels::add_product(left, &u, &m);
            // ... plus U diag(s̄), M's diagonal.
            #[pass_zero]
            let left = kernels::add_scaled_columns(left, &u, &ds);
            // The right factor R = S⁻¹ (V̄ᵀ − Qᵀ Vᵀ), in V̄ᵀ's buffer.
            let right = kernels::project_rows(dvt, &vt, &q, &s, tol);
            #[pass_zero]
            let da = kernels::assemble(left, &vt, &u, right);
            da
        },
    )
}

/// The singular values of `a`, non-increasing; `svdvals::rrule(a)` also returns the pullback
/// `s̄ ↦ U · diag(s̄) · Vᵀ`.
///
/// The plain function computes the values only (its forward statement is marked
/// `#[primal_only]`); the rule computes the thin SVD once (`#[rrule_only]`), since the pullback
/// needs the vectors.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::svdvals;
/// use rules_core::Pullback;
///
/// let a = array![[0.0, 2.0], [1.0, 0.0]];
/// assert_eq!(svdvals(a.view()), array![2.0, 1.0]);
/// let (s, pb) = svdvals::rrule(a.view());
/// // d(s₀)/dA is u₀ v₀ᵀ.
/// assert_eq!(pb.pullback(array![1.0, 0.0]), array![[0.0, 1.0], [0.0, 0.0]]);
/// # let _ = s;
/// ```
///
/// # Panics
/// As [`svd()`].
#[rrule]
pub fn svdvals<T: Real>(a: ArrayView2<'_, T>) -> Array1<T> {
    // The plain function needs the values only; the rule needs the vectors too.
    #[primal_only]
    let s = kernels::singular_values("svdvals", a);
    #[rrule_only]
    let (u, s, vt) = kernels::thin_svd("svdvals", a);
    (s, move |ds: Array1<T>| -> Array2<T> {
        kernels::check_shape("svdvals", "dS", ds.shape(), &[u.ncols()]);
        let left = kernels::add_scaled_columns(rules_core::Zero, &u, &ds);
        left.dot(&vt)
    })
}
