//! The thin SVD and its singular values, with their pullbacks in projection-first form: the rules
//! here, faer's forward pass in `forward`, the k×k core and the projection terms in `pullback`.
//!
//! The derivation, the treatment of degenerate inputs and the specialisation are documented on
//! [`svd()`].

pub(crate) mod forward;
mod pullback;
pub(crate) mod pushforward;

use ndarray::{ArcArray2, Array1, Array2, ArrayView2};

use super::{Field, checks, matmul, tolerance};
use crate::{frule, reclaim, rrule};

/// The thin singular value decomposition `A = U · diag(S) · Vt`.
///
/// For `a` of shape m×n and `k = min(m, n)`, returns `U` (m×k, orthonormal columns), `S` (k,
/// non-negative, non-increasing) and `Vt` (k×n, orthonormal rows). `a` may have any strides
/// (transposed and reversed views included). An empty input (`k = 0`) gives `U` m×0, `S` empty
/// and `Vt` 0×n.
///
/// # Algorithm and accuracy
///
/// * **Tall or wide** (`m ≥ 4n` or `n ≥ 4m`): Cholesky QR reduces the input to its k×k
///   triangular factor `R` in passes that stream it in row blocks: CholeskyQR2, which reads and
///   writes it three times in all; shifted CholeskyQR3 when it is ill-conditioned (condition
///   number beyond about `ε^{-1/2}`). faer computes the SVD of `R`, and one more pass forms the
///   big factor. Cholesky QR checks its own result at every step (each intermediate basis must
///   have columns of norm at most `√2`, and the last step must start from a Gram matrix within
///   `1/2` of the identity); when a check fails (in the tests: condition numbers near 1e15,
///   exactly repeated or zero columns), the general path below runs instead.
/// * **Otherwise**, and as the fallback: faer's bidiagonal SVD of the whole matrix.
/// * An input whose largest entry is outside `[√min_positive / ε, ε / √min_positive]` is scaled
///   by a power of two first (exactly), as LAPACK does, so entries near `1e±200` neither
///   overflow nor underflow.
///
/// Both paths are backward stable where their checks pass, as LAPACK's is. The tests build
/// inputs with known singular values (tall, wide, square; condition numbers 1 to 1e15; rank-deficient, rank one,
/// zero; scaled by 1e200 and 1e-200). Every error stays within `1e-11` in `f64`: the singular
/// values (relative to `s_max`), `UᵀU − I`, `VᵀV − I`, `U S Vᵀ − A` (relative to `s_max`), and
/// [`svdvals()`] against `S`. The largest measured is `2e-14`, at 200000×10. In `f32` the bound
/// is `1e-4`, with `4e-6` measured. Singular vectors of clustered singular values are, as with
/// any SVD, determined only up to rotations within the cluster.
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
/// # Complex inputs
///
/// For `Complex<f64>` and `Complex<f32>` elements (see [`Field`]), `S` is real
/// (`Array1<T::Real>`) and `Vt` is `Vᴴ`. The forward pass is faer's bidiagonal SVD of the whole
/// matrix, scaled as above (complex inputs do not take the Cholesky QR path). Cotangents follow
/// ChainRules and PyTorch: `∂L/∂Re z + i·∂L/∂Im z` (JAX's are their conjugates). The pullback is
/// the formula below with Hermitian transposes (`P = UᴴŪ`, `Q = VᴴV̄`, skew-Hermitian parts),
/// plus an imaginary diagonal `i·(Im P_ii − Im Q_ii)/(2 s_i)`: the diagonal of `Uᴴ dA V` is
/// `ds_i + s_i·(dΩ_U − dΩ_V)_ii`, whose imaginary part fixes the difference of the two phase
/// rotations and nothing more. A complex matrix's singular vectors are defined only up to a phase
/// `e^{iφ}` per pair (`u_i` and `v_i` together), so a loss that depends on that phase has no
/// gradient. The pullback panics when `|Im P_ii + Im Q_ii|` exceeds `√ε·max(|P|, |Q|)`, as
/// PyTorch's does, rather than return a value that depends on faer's choice of phases. Losses
/// such as `|U|²`, `U S Vᴴ`, `U Vᴴ` and `U Uᴴ` are phase-invariant.
///
/// ```
/// use num_complex::Complex;
/// use rules_core::linalg::svd;
/// use rules_core::{Pullback, Zero};
///
/// let a = ndarray::array![[Complex::new(1.0, 1.0), Complex::new(0.0, 2.0)],
///                         [Complex::new(0.5, 0.0), Complex::new(1.0, -1.0)]];
/// let ((u, s, vt), pb) = svd::rrule(a.view());
/// // ∂(Σ s)/∂A = U Vᴴ, in the ChainRules convention.
/// let g = pb.pullback((Zero, ndarray::Array1::ones(2), Zero));
/// assert!((g - u.dot(&vt)).iter().all(|e| e.norm() < 1e-14));
/// # let _ = s;
/// ```
///
/// # Panics
/// If `a` holds NaN or ±∞ (the message names the first such element), if faer's iteration does
/// not converge (not observed on any finite input once scaled), and, in the pullback or the
/// pushforward, if a cotangent's or tangent's shape differs from its output's or input's (the
/// message names `svd`, the argument and both shapes).
///
/// # Forward mode
///
/// `svd::frule(a)` returns the value with the pushforward `Ȧ ↦ (U̇, ṡ, V̇ᵀ)`, the adjoint of the
/// pullback term by term (the same gaps `1/(s_j ∓ s_i)` dropped below the same tolerance, the
/// same projection-first terms; derivation in `linalg/svd/pushforward.rs`): for a tall input
/// three m×k×k products and one m×k array, the `U̇` it returns. For a complex input the phase
/// rotation that `Im (Uᴴ Ȧ V)_ii` fixes is split evenly between `U̇` and `V̇ᴴ`: only
/// phase-invariant combinations (`U̇ S Vᴴ + U S V̇ᴴ`, `d|U|²`, ..) are the derivative of faer's
/// factors, as for the pullback.
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
/// `Ū − U (UᵀŪ)`, never as `(I − UUᵀ) Ū`: no m×m or n×n matrix is ever formed. The code goes one
/// step further and splits each projection into a scaling of the cotangent's own buffer and a k×k
/// term, folded into one core matrix computed in a single pass:
///
/// ```text
/// C = M_off − P S⁻¹ [m > k] − S⁻¹ Qᵀ [n > k] + diag(s̄)
/// Ā = U C Vᵀ + Ū S⁻¹ Vᵀ [m > k] + U S⁻¹ V̄ᵀ [n > k]
/// ```
///
/// For a tall input this is three m×k×k products (`P`, `U (C Vᵀ)`, `Ū (S⁻¹ Vᵀ)`). The cotangents
/// are taken by value, and `Ū` has the output's shape: after the k×k work, one pass over row
/// blocks overwrites `Ū` with `U (C Vᵀ) + Ū (S⁻¹ Vᵀ)`, through a buffer of one block per thread. A wide input
/// is the mirror image, in `V̄ᵀ`'s buffer. So every pattern that receives that cotangent allocates
/// only k×k matrices (`P`, `Q`, `C`, the small factors) and a block per thread, nothing of the output's
/// size; the others (`Ū` zero for a tall input) allocate the output once.
///
/// # Degenerate and rank-deficient inputs
///
/// Each of `1/(s_j − s_i)`, `1/(s_j + s_i)` and `1/s_i` is taken as `0` when its denominator is
/// at or below the tolerance `max(m, n) · ε · s_max`. The result is therefore always finite, where the
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
/// zero cotangents in each pattern. With `Ū` and `V̄ᵀ` zero, every statement reading `P` or `Q`
/// disappears, `C` is the diagonal `diag(s̄)` (kept as its diagonal), and `assemble`, handed
/// `Zero` for both cotangents, computes `U·diag(s̄)·Vᵀ`: the pullback of [`svdvals()`].
///
/// ```text
/// checks::check_shape("svd", "dS", ds.shape(), s.shape());
/// let c = matmul::diag(&ds);
/// let da = pullback::assemble(u.view(), &c, &s, vt.view(), tol, Zero, Zero);
/// da
/// ```
#[rrule]
#[frule]
pub fn svd<T: Field>(a: ArrayView2<'_, T>) -> (ArcArray2<T>, Array1<T::Real>, ArcArray2<T>) {
    let (u, s, vt) = T::thin_svd("svd", a);
    // Shared: the value returned and the pullback hold the same U and Vᵀ, never a copy.
    let (u, vt) = (u.into_shared(), vt.into_shared());
    let (m, n) = a.dim();
    let tol = tolerance::relative(&s, m, n);
    (
        (u.clone(), s.clone(), vt.clone()),
        move |du: Array2<T>, ds: Array1<T::Real>, dvt: Array2<T>| -> Array2<T> {
            checks::check_shape("svd", "dU", du.shape(), u.shape());
            checks::check_shape("svd", "dS", ds.shape(), s.shape());
            checks::check_shape("svd", "dVt", dvt.shape(), vt.shape());
            // P = UᴴŪ and Q = VᴴV̄ (k×k; with V = Vtᴴ and V̄ = dVtᴴ, Q = Vt·dVtᴴ, computed as the
            // transpose of conj(dVt)·Vtᵀ).
            let p = matmul::t_mul(u.view(), du.view());
            let q = matmul::t_mul(dvt.t(), vt.t()).reversed_axes();
            // C = M_off − P S⁻¹ [m > k] − S⁻¹ Qᵀ [n > k], in one pass, in P's buffer ...
            #[pass_zero]
            let c = pullback::middle(&s, tol, (m, n), p, q);
            // ... plus M's diagonal, s̄.
            let c = c + matmul::diag(&ds);
            // Ā = U C Vᵀ + Ū S⁻¹ Vᵀ [m > k] + U S⁻¹ V̄ᵀ [n > k], in Ū's buffer (V̄ᵀ's if wide);
            // without one, in U's or Vᵀ's when `pullback_once` is given them.
            #[pass_zero]
            let da = pullback::assemble_reclaiming(reclaim!(u), &c, &s, reclaim!(vt), tol, du, dvt);
            da
        },
        move |da: Array2<T>| -> (Array2<T>, Array1<T::Real>, Array2<T>) {
            checks::check_shape("svd", "dA", da.shape(), &[m, n]);
            pushforward::tangents(u.view(), &s, vt.view(), tol, da.view())
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
/// # Memory
///
/// The rules compute `U` and `Vᵀ` (the plain function does not), so the heap is [`svd()`]'s: at
/// 500×500 the forward's peak holds `U`, `Vᵀ` and about 7× the input in faer's bidiagonal SVD
/// workspace (9.2× in all). A complex 500×500 input holds 8.2× its own bytes
/// (`perf_report`'s table, which divides by a real input's size, shows 16.4×).
///
/// # Panics
/// As [`svd()`].
#[rrule]
#[frule]
pub fn svdvals<T: Field>(a: ArrayView2<'_, T>) -> Array1<T::Real> {
    // The plain function needs the values only; the rule needs the vectors too.
    #[primal_only]
    let s = T::singular_values("svdvals", a);
    #[rrule_only]
    let (u, s, vt) = T::thin_svd("svdvals", a);
    (
        s,
        move |ds: Array1<T::Real>| -> Array2<T> {
            checks::check_shape("svdvals", "dS", ds.shape(), &[u.ncols()]);
            // U·diag(s̄)·Vᵀ, in U's or Vᵀ's buffer when `pullback_once` is given them.
            pullback::product_reclaiming(reclaim!(u), &matmul::diag(&ds), reclaim!(vt))
        },
        move |da: Array2<T>| -> Array1<T::Real> {
            checks::check_shape("svdvals", "dA", da.shape(), &[u.nrows(), vt.ncols()]);
            pushforward::singular_value_tangents(u.view(), vt.view(), da.view())
        },
    )
}
