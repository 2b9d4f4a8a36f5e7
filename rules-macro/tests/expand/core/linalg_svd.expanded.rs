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
#[allow(
    unused_variables,
    unused_mut,
    clippy::needless_pass_by_value,
    clippy::assign_op_pattern
)]
pub fn svd<T: Field>(
    a: ArrayView2<'_, T>,
) -> (ArcArray2<T>, Array1<T::Real>, ArcArray2<T>) {
    let (u, s, vt) = T::thin_svd("svd", a);
    let (u, vt) = (u.into_shared(), vt.into_shared());
    (u.clone(), s.clone(), vt.clone())
}
/// The differentiation rules of [`svd()`]: `svd::rrule` and `svd::frule` (value and pullback, or value and pushforward). Generated by `#[rrule]` and `#[frule]`.
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
pub struct svd {}
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
const _: () = {
    use ::rules_core::__private as __rt;
    #[doc(hidden)]
    pub struct __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        __M,
    > {
        caps: __C,
        f0: __F0,
        f1: __F1,
        f2: __F2,
        f3: __F3,
        f4: __F4,
        f5: __F5,
        f6: __F6,
        f7: __F7,
        f0w0: __F0w0,
        f1w0: __F1w0,
        f2w0: __F2w0,
        f3w0: __F3w0,
        f4w0: __F4w0,
        f5w0: __F5w0,
        f6w0: __F6w0,
        f7w0: __F7w0,
        g0: __G0,
        g1: __G1,
        g2: __G2,
        g3: __G3,
        g4: __G4,
        g5: __G5,
        g6: __G6,
        g7: __G7,
        g0w0: __G0w0,
        g1w0: __G1w0,
        g2w0: __G2w0,
        g3w0: __G3w0,
        g4w0: __G4w0,
        g5w0: __G5w0,
        g6w0: __G6w0,
        g7w0: __G7w0,
        marker: __rt::PhantomData<__M>,
    }
    #[doc(hidden)]
    #[inline]
    pub fn __new<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    >(
        caps: __C,
        f0: __F0,
        f1: __F1,
        f2: __F2,
        f3: __F3,
        f4: __F4,
        f5: __F5,
        f6: __F6,
        f7: __F7,
        f0w0: __F0w0,
        f1w0: __F1w0,
        f2w0: __F2w0,
        f3w0: __F3w0,
        f4w0: __F4w0,
        f5w0: __F5w0,
        f6w0: __F6w0,
        f7w0: __F7w0,
        g0: __G0,
        g1: __G1,
        g2: __G2,
        g3: __G3,
        g4: __G4,
        g5: __G5,
        g6: __G6,
        g7: __G7,
        g0w0: __G0w0,
        g1w0: __G1w0,
        g2w0: __G2w0,
        g3w0: __G3w0,
        g4w0: __G4w0,
        g5w0: __G5w0,
        g6w0: __G6w0,
        g7w0: __G7w0,
    ) -> __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F4w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F5w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F6w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __F7w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __G0: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G1: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G2: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __G3: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __G4: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __G5: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __G6: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __G7: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __G0w0: ::core::ops::Fn(
            __C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __G1w0: ::core::ops::Fn(
            __C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __G2w0: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __G3w0: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __G4w0: ::core::ops::Fn(
            __C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __G5w0: ::core::ops::Fn(
            __C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __G6w0: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __G7w0: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        __Pullback {
            caps,
            f0,
            f1,
            f2,
            f3,
            f4,
            f5,
            f6,
            f7,
            f0w0,
            f1w0,
            f2w0,
            f3w0,
            f4w0,
            f5w0,
            f6w0,
            f7w0,
            g0,
            g1,
            g2,
            g3,
            g4,
            g5,
            g6,
            g7,
            g0w0,
            g1w0,
            g2w0,
            g3w0,
            g4w0,
            g5w0,
            g6w0,
            g7w0,
            marker: __rt::PhantomData,
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<(Array2<T>, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(
            &self,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> Array2<T> {
            (self.f0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<(__rt::Zero, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(
            &self,
            cotangent: (__rt::Zero, Array1<T::Real>, Array2<T>),
        ) -> Array2<T> {
            (self.f1)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<(Array2<T>, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(&self, cotangent: (Array2<T>, __rt::Zero, Array2<T>)) -> Array2<T> {
            (self.f2)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<(__rt::Zero, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(&self, cotangent: (__rt::Zero, __rt::Zero, Array2<T>)) -> Array2<T> {
            (self.f3)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<(Array2<T>, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(
            &self,
            cotangent: (Array2<T>, Array1<T::Real>, __rt::Zero),
        ) -> Array2<T> {
            (self.f4)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<(__rt::Zero, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(
            &self,
            cotangent: (__rt::Zero, Array1<T::Real>, __rt::Zero),
        ) -> Array2<T> {
            (self.f5)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<(Array2<T>, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(&self, cotangent: (Array2<T>, __rt::Zero, __rt::Zero)) -> Array2<T> {
            (self.f6)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<(__rt::Zero, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
    {
        type Output = __rt::Zero;
        #[inline]
        fn pullback(
            &self,
            cotangent: (__rt::Zero, __rt::Zero, __rt::Zero),
        ) -> __rt::Zero {
            (self.f7)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Pullback<
        (
            __rt::MaybeZero<Array2<T>>,
            __rt::MaybeZero<Array1<T::Real>>,
            __rt::MaybeZero<Array2<T>>,
        ),
    >
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F4w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F5w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F6w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __F7w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::MaybeZero<Array2<T>>;
        fn pullback(
            &self,
            cotangent: (
                __rt::MaybeZero<Array2<T>>,
                __rt::MaybeZero<Array1<T::Real>>,
                __rt::MaybeZero<Array2<T>>,
            ),
        ) -> __rt::MaybeZero<Array2<T>> {
            match cotangent {
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    let __o = (self.f0)(&self.caps, __c0, __c1, __c2);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    let __o = (self.f1)(&self.caps, __rt::Zero, __c1, __c2);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    let __o = (self.f2)(&self.caps, __c0, __rt::Zero, __c2);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    let __o = (self.f3)(&self.caps, __rt::Zero, __rt::Zero, __c2);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Zero,
                ) => {
                    let __o = (self.f4)(&self.caps, __c0, __c1, __rt::Zero);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Zero,
                ) => {
                    let __o = (self.f5)(&self.caps, __rt::Zero, __c1, __rt::Zero);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Zero,
                ) => {
                    let __o = (self.f6)(&self.caps, __c0, __rt::Zero, __rt::Zero);
                    __rt::MaybeZero::Value(__o)
                }
                (__rt::MaybeZero::Zero, __rt::MaybeZero::Zero, __rt::MaybeZero::Zero) => {
                    __rt::MaybeZero::Zero
                }
            }
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::Patterns<(Array2<T>, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F4w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F5w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F6w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __F7w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Runtime = __rt::MaybeZero<Array2<T>>;
        const COTANGENTS: &'static [&'static str] = &["du", "ds", "dvt"];
        const INPUTS: &'static [&'static str] = &["a"];
        fn pullback_static(
            &self,
            zero_mask: u64,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            let (__c0, __c1, __c2) = cotangent;
            match zero_mask {
                0u64 => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0, __c1, __c2);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                1u64 => {
                    __rt::Option::Some({
                        let __o = (self.f1)(&self.caps, __rt::Zero, __c1, __c2);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                2u64 => {
                    __rt::Option::Some({
                        let __o = (self.f2)(&self.caps, __c0, __rt::Zero, __c2);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                3u64 => {
                    __rt::Option::Some({
                        let __o = (self.f3)(&self.caps, __rt::Zero, __rt::Zero, __c2);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                4u64 => {
                    __rt::Option::Some({
                        let __o = (self.f4)(&self.caps, __c0, __c1, __rt::Zero);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                5u64 => {
                    __rt::Option::Some({
                        let __o = (self.f5)(&self.caps, __rt::Zero, __c1, __rt::Zero);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                6u64 => {
                    __rt::Option::Some({
                        let __o = (self.f6)(&self.caps, __c0, __rt::Zero, __rt::Zero);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                7u64 => __rt::Option::Some(__rt::MaybeZero::Zero),
                _ => __rt::Option::None,
            }
        }
        fn pullback_runtime(
            &self,
            zero_mask: u64,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> __rt::MaybeZero<Array2<T>> {
            let (__c0, __c1, __c2) = cotangent;
            let __c0 = if zero_mask & 1u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c0)
            };
            let __c1 = if zero_mask & 2u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c1)
            };
            let __c2 = if zero_mask & 4u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c2)
            };
            <Self as __rt::Pullback<
                (
                    __rt::MaybeZero<Array2<T>>,
                    __rt::MaybeZero<Array1<T::Real>>,
                    __rt::MaybeZero<Array2<T>>,
                ),
            >>::pullback(self, (__c0, __c1, __c2))
        }
        fn pullback_for_static(
            &self,
            wanted: u64,
            zero_mask: u64,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            let (__c0, __c1, __c2) = cotangent;
            match (wanted, zero_mask) {
                (1u64, 0u64) => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0, __c1, __c2);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 1u64) => {
                    __rt::Option::Some({
                        let __o = (self.f1)(&self.caps, __rt::Zero, __c1, __c2);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 2u64) => {
                    __rt::Option::Some({
                        let __o = (self.f2)(&self.caps, __c0, __rt::Zero, __c2);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 3u64) => {
                    __rt::Option::Some({
                        let __o = (self.f3)(&self.caps, __rt::Zero, __rt::Zero, __c2);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 4u64) => {
                    __rt::Option::Some({
                        let __o = (self.f4)(&self.caps, __c0, __c1, __rt::Zero);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 5u64) => {
                    __rt::Option::Some({
                        let __o = (self.f5)(&self.caps, __rt::Zero, __c1, __rt::Zero);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 6u64) => {
                    __rt::Option::Some({
                        let __o = (self.f6)(&self.caps, __c0, __rt::Zero, __rt::Zero);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 7u64) => __rt::Option::Some(__rt::MaybeZero::Zero),
                (0u64, 0u64) => {
                    __rt::Option::Some({
                        let __o = (self.f0w0)(&self.caps, __c0, __c1, __c2);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 1u64) => {
                    __rt::Option::Some({
                        let __o = (self.f1w0)(&self.caps, __rt::Zero, __c1, __c2);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 2u64) => {
                    __rt::Option::Some({
                        let __o = (self.f2w0)(&self.caps, __c0, __rt::Zero, __c2);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 3u64) => {
                    __rt::Option::Some({
                        let __o = (self.f3w0)(&self.caps, __rt::Zero, __rt::Zero, __c2);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 4u64) => {
                    __rt::Option::Some({
                        let __o = (self.f4w0)(&self.caps, __c0, __c1, __rt::Zero);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 5u64) => {
                    __rt::Option::Some({
                        let __o = (self.f5w0)(&self.caps, __rt::Zero, __c1, __rt::Zero);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 6u64) => {
                    __rt::Option::Some({
                        let __o = (self.f6w0)(&self.caps, __c0, __rt::Zero, __rt::Zero);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 7u64) => __rt::Option::Some(__rt::MaybeZero::Zero),
                _ => __rt::Option::None,
            }
        }
        fn pullback_for_runtime(
            &self,
            wanted: u64,
            zero_mask: u64,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            if wanted >= 2u64 {
                return __rt::Option::None;
            }
            let __sel: [bool; 1usize] = ::core::array::from_fn(|j| {
                wanted & (1u64 << j) != 0
            });
            let (__c0, __c1, __c2) = cotangent;
            let __c0 = if zero_mask & 1u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c0)
            };
            let __c1 = if zero_mask & 2u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c1)
            };
            let __c2 = if zero_mask & 4u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c2)
            };
            __rt::Option::Some(
                <Self as __rt::PullbackFor<
                    [bool; 1usize],
                    (
                        __rt::MaybeZero<Array2<T>>,
                        __rt::MaybeZero<Array1<T::Real>>,
                        __rt::MaybeZero<Array2<T>>,
                    ),
                >>::pullback_for(self, __sel, (__c0, __c1, __c2)),
            )
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Need, (Array2<T>, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> Array2<T> {
            (self.f0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Need, (__rt::Zero, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (__rt::Zero, Array1<T::Real>, Array2<T>),
        ) -> Array2<T> {
            (self.f1)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Need, (Array2<T>, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (Array2<T>, __rt::Zero, Array2<T>),
        ) -> Array2<T> {
            (self.f2)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Need, (__rt::Zero, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (__rt::Zero, __rt::Zero, Array2<T>),
        ) -> Array2<T> {
            (self.f3)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Need, (Array2<T>, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (Array2<T>, Array1<T::Real>, __rt::Zero),
        ) -> Array2<T> {
            (self.f4)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Need, (__rt::Zero, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (__rt::Zero, Array1<T::Real>, __rt::Zero),
        ) -> Array2<T> {
            (self.f5)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Need, (Array2<T>, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (Array2<T>, __rt::Zero, __rt::Zero),
        ) -> Array2<T> {
            (self.f6)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Need, (__rt::Zero, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
    {
        type Output = __rt::Zero;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (__rt::Zero, __rt::Zero, __rt::Zero),
        ) -> __rt::Zero {
            (self.f7)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Skip, (Array2<T>, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> __rt::Skip {
            (self.f0w0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Skip, (__rt::Zero, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F1w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, Array1<T::Real>, Array2<T>),
        ) -> __rt::Skip {
            (self.f1w0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Skip, (Array2<T>, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (Array2<T>, __rt::Zero, Array2<T>),
        ) -> __rt::Skip {
            (self.f2w0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Skip, (__rt::Zero, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, __rt::Zero, Array2<T>),
        ) -> __rt::Skip {
            (self.f3w0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Skip, (Array2<T>, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F4w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (Array2<T>, Array1<T::Real>, __rt::Zero),
        ) -> __rt::Skip {
            (self.f4w0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Skip, (__rt::Zero, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F5w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, Array1<T::Real>, __rt::Zero),
        ) -> __rt::Skip {
            (self.f5w0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Skip, (Array2<T>, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F6w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (Array2<T>, __rt::Zero, __rt::Zero),
        ) -> __rt::Skip {
            (self.f6w0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<__rt::Skip, (__rt::Zero, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F7w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, __rt::Zero, __rt::Zero),
        ) -> __rt::Skip {
            (self.f7w0)(&self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackFor<
        [bool; 1usize],
        (
            __rt::MaybeZero<Array2<T>>,
            __rt::MaybeZero<Array1<T::Real>>,
            __rt::MaybeZero<Array2<T>>,
        ),
    >
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F4w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F5w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F6w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __F7w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::MaybeZero<Array2<T>>;
        fn pullback_for(
            &self,
            wanted: [bool; 1usize],
            cotangent: (
                __rt::MaybeZero<Array2<T>>,
                __rt::MaybeZero<Array1<T::Real>>,
                __rt::MaybeZero<Array2<T>>,
            ),
        ) -> __rt::MaybeZero<Array2<T>> {
            let __w = wanted
                .iter()
                .enumerate()
                .fold(0u64, |m, (j, &b)| if b { m | (1u64 << j) } else { m });
            match cotangent {
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self.f0w0)(&self.caps, __c0, __c1, __c2);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.f0)(&self.caps, __c0, __c1, __c2);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self.f1w0)(&self.caps, __rt::Zero, __c1, __c2);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.f1)(&self.caps, __rt::Zero, __c1, __c2);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self.f2w0)(&self.caps, __c0, __rt::Zero, __c2);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.f2)(&self.caps, __c0, __rt::Zero, __c2);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self
                                .f3w0)(&self.caps, __rt::Zero, __rt::Zero, __c2);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self
                                .f3)(&self.caps, __rt::Zero, __rt::Zero, __c2);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Zero,
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self.f4w0)(&self.caps, __c0, __c1, __rt::Zero);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.f4)(&self.caps, __c0, __c1, __rt::Zero);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Zero,
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self
                                .f5w0)(&self.caps, __rt::Zero, __c1, __rt::Zero);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self
                                .f5)(&self.caps, __rt::Zero, __c1, __rt::Zero);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Zero,
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self
                                .f6w0)(&self.caps, __c0, __rt::Zero, __rt::Zero);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self
                                .f6)(&self.caps, __c0, __rt::Zero, __rt::Zero);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (__rt::MaybeZero::Zero, __rt::MaybeZero::Zero, __rt::MaybeZero::Zero) => {
                    match __w {
                        0u64 => __rt::MaybeZero::Zero,
                        _ => __rt::MaybeZero::Zero,
                    }
                }
            }
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<(Array2<T>, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G0: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
    {
        #[inline]
        fn pullback_once(
            self,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> Array2<T> {
            (self.g0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<(__rt::Zero, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G1: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
    {
        #[inline]
        fn pullback_once(
            self,
            cotangent: (__rt::Zero, Array1<T::Real>, Array2<T>),
        ) -> Array2<T> {
            (self.g1)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<(Array2<T>, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __G2: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        #[inline]
        fn pullback_once(
            self,
            cotangent: (Array2<T>, __rt::Zero, Array2<T>),
        ) -> Array2<T> {
            (self.g2)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<(__rt::Zero, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __G3: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        #[inline]
        fn pullback_once(
            self,
            cotangent: (__rt::Zero, __rt::Zero, Array2<T>),
        ) -> Array2<T> {
            (self.g3)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<(Array2<T>, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __G4: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
    {
        #[inline]
        fn pullback_once(
            self,
            cotangent: (Array2<T>, Array1<T::Real>, __rt::Zero),
        ) -> Array2<T> {
            (self.g4)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<(__rt::Zero, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
        __G5: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, __rt::Zero) -> Array2<T>,
    {
        #[inline]
        fn pullback_once(
            self,
            cotangent: (__rt::Zero, Array1<T::Real>, __rt::Zero),
        ) -> Array2<T> {
            (self.g5)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<(Array2<T>, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __G6: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
    {
        #[inline]
        fn pullback_once(
            self,
            cotangent: (Array2<T>, __rt::Zero, __rt::Zero),
        ) -> Array2<T> {
            (self.g6)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<(__rt::Zero, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __G7: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
    {
        #[inline]
        fn pullback_once(
            self,
            cotangent: (__rt::Zero, __rt::Zero, __rt::Zero),
        ) -> __rt::Zero {
            (self.g7)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackOnce<
        (
            __rt::MaybeZero<Array2<T>>,
            __rt::MaybeZero<Array1<T::Real>>,
            __rt::MaybeZero<Array2<T>>,
        ),
    >
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F4w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F5w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F6w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __F7w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __G0: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G1: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G2: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __G3: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __G4: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __G5: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __G6: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __G7: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
    {
        fn pullback_once(
            self,
            cotangent: (
                __rt::MaybeZero<Array2<T>>,
                __rt::MaybeZero<Array1<T::Real>>,
                __rt::MaybeZero<Array2<T>>,
            ),
        ) -> __rt::MaybeZero<Array2<T>> {
            match cotangent {
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    let __o = (self.g0)(self.caps, __c0, __c1, __c2);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    let __o = (self.g1)(self.caps, __rt::Zero, __c1, __c2);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    let __o = (self.g2)(self.caps, __c0, __rt::Zero, __c2);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    let __o = (self.g3)(self.caps, __rt::Zero, __rt::Zero, __c2);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Zero,
                ) => {
                    let __o = (self.g4)(self.caps, __c0, __c1, __rt::Zero);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Zero,
                ) => {
                    let __o = (self.g5)(self.caps, __rt::Zero, __c1, __rt::Zero);
                    __rt::MaybeZero::Value(__o)
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Zero,
                ) => {
                    let __o = (self.g6)(self.caps, __c0, __rt::Zero, __rt::Zero);
                    __rt::MaybeZero::Value(__o)
                }
                (__rt::MaybeZero::Zero, __rt::MaybeZero::Zero, __rt::MaybeZero::Zero) => {
                    __rt::MaybeZero::Zero
                }
            }
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Need, (Array2<T>, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G0: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> Array2<T> {
            (self.g0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Need, (__rt::Zero, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G1: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: (__rt::Zero, Array1<T::Real>, Array2<T>),
        ) -> Array2<T> {
            (self.g1)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Need, (Array2<T>, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __G2: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: (Array2<T>, __rt::Zero, Array2<T>),
        ) -> Array2<T> {
            (self.g2)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Need, (__rt::Zero, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __G3: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: (__rt::Zero, __rt::Zero, Array2<T>),
        ) -> Array2<T> {
            (self.g3)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Need, (Array2<T>, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __G4: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: (Array2<T>, Array1<T::Real>, __rt::Zero),
        ) -> Array2<T> {
            (self.g4)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Need, (__rt::Zero, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
        __G5: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, __rt::Zero) -> Array2<T>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: (__rt::Zero, Array1<T::Real>, __rt::Zero),
        ) -> Array2<T> {
            (self.g5)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Need, (Array2<T>, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __G6: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: (Array2<T>, __rt::Zero, __rt::Zero),
        ) -> Array2<T> {
            (self.g6)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Need, (__rt::Zero, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __G7: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: (__rt::Zero, __rt::Zero, __rt::Zero),
        ) -> __rt::Zero {
            (self.g7)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Skip, (Array2<T>, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __G0w0: ::core::ops::Fn(
            __C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: (Array2<T>, Array1<T::Real>, Array2<T>),
        ) -> __rt::Skip {
            (self.g0w0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Skip, (__rt::Zero, Array1<T::Real>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F1w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __G1w0: ::core::ops::Fn(
            __C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, Array1<T::Real>, Array2<T>),
        ) -> __rt::Skip {
            (self.g1w0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Skip, (Array2<T>, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __G2w0: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: (Array2<T>, __rt::Zero, Array2<T>),
        ) -> __rt::Skip {
            (self.g2w0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Skip, (__rt::Zero, __rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __G3w0: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, __rt::Zero, Array2<T>),
        ) -> __rt::Skip {
            (self.g3w0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Skip, (Array2<T>, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F4w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __G4w0: ::core::ops::Fn(
            __C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: (Array2<T>, Array1<T::Real>, __rt::Zero),
        ) -> __rt::Skip {
            (self.g4w0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Skip, (__rt::Zero, Array1<T::Real>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F5w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __G5w0: ::core::ops::Fn(
            __C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, Array1<T::Real>, __rt::Zero),
        ) -> __rt::Skip {
            (self.g5w0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Skip, (Array2<T>, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F6w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __G6w0: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: (Array2<T>, __rt::Zero, __rt::Zero),
        ) -> __rt::Skip {
            (self.g6w0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<__rt::Skip, (__rt::Zero, __rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F7w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __G7w0: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, __rt::Zero, __rt::Zero),
        ) -> __rt::Skip {
            (self.g7w0)(self.caps, cotangent.0, cotangent.1, cotangent.2)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
    > __rt::PullbackForOnce<
        [bool; 1usize],
        (
            __rt::MaybeZero<Array2<T>>,
            __rt::MaybeZero<Array1<T::Real>>,
            __rt::MaybeZero<Array2<T>>,
        ),
    >
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F4,
        __F5,
        __F6,
        __F7,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __F4w0,
        __F5w0,
        __F6w0,
        __F7w0,
        __G0,
        __G1,
        __G2,
        __G3,
        __G4,
        __G5,
        __G6,
        __G7,
        __G0w0,
        __G1w0,
        __G2w0,
        __G3w0,
        __G4w0,
        __G5w0,
        __G6w0,
        __G7w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __F4: ::core::ops::Fn(&__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __F5: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> Array2<T>,
        __F6: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __F7: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F4w0: ::core::ops::Fn(
            &__C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F5w0: ::core::ops::Fn(
            &__C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __F6w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __F7w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __G0: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G1: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, Array2<T>) -> Array2<T>,
        __G2: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, Array2<T>) -> Array2<T>,
        __G3: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, Array2<T>) -> Array2<T>,
        __G4: ::core::ops::Fn(__C, Array2<T>, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __G5: ::core::ops::Fn(__C, __rt::Zero, Array1<T::Real>, __rt::Zero) -> Array2<T>,
        __G6: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, __rt::Zero) -> Array2<T>,
        __G7: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __G0w0: ::core::ops::Fn(
            __C,
            Array2<T>,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __G1w0: ::core::ops::Fn(
            __C,
            __rt::Zero,
            Array1<T::Real>,
            Array2<T>,
        ) -> __rt::Skip,
        __G2w0: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, Array2<T>) -> __rt::Skip,
        __G3w0: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, Array2<T>) -> __rt::Skip,
        __G4w0: ::core::ops::Fn(
            __C,
            Array2<T>,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __G5w0: ::core::ops::Fn(
            __C,
            __rt::Zero,
            Array1<T::Real>,
            __rt::Zero,
        ) -> __rt::Skip,
        __G6w0: ::core::ops::Fn(__C, Array2<T>, __rt::Zero, __rt::Zero) -> __rt::Skip,
        __G7w0: ::core::ops::Fn(__C, __rt::Zero, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        fn pullback_for_once(
            self,
            wanted: [bool; 1usize],
            cotangent: (
                __rt::MaybeZero<Array2<T>>,
                __rt::MaybeZero<Array1<T::Real>>,
                __rt::MaybeZero<Array2<T>>,
            ),
        ) -> __rt::MaybeZero<Array2<T>> {
            let __w = wanted
                .iter()
                .enumerate()
                .fold(0u64, |m, (j, &b)| if b { m | (1u64 << j) } else { m });
            match cotangent {
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self.g0w0)(self.caps, __c0, __c1, __c2);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.g0)(self.caps, __c0, __c1, __c2);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self.g1w0)(self.caps, __rt::Zero, __c1, __c2);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.g1)(self.caps, __rt::Zero, __c1, __c2);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self.g2w0)(self.caps, __c0, __rt::Zero, __c2);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.g2)(self.caps, __c0, __rt::Zero, __c2);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c2),
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self
                                .g3w0)(self.caps, __rt::Zero, __rt::Zero, __c2);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.g3)(self.caps, __rt::Zero, __rt::Zero, __c2);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Zero,
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self.g4w0)(self.caps, __c0, __c1, __rt::Zero);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.g4)(self.caps, __c0, __c1, __rt::Zero);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Value(__c1),
                    __rt::MaybeZero::Zero,
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self
                                .g5w0)(self.caps, __rt::Zero, __c1, __rt::Zero);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.g5)(self.caps, __rt::Zero, __c1, __rt::Zero);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (
                    __rt::MaybeZero::Value(__c0),
                    __rt::MaybeZero::Zero,
                    __rt::MaybeZero::Zero,
                ) => {
                    match __w {
                        0u64 => {
                            let __o = (self
                                .g6w0)(self.caps, __c0, __rt::Zero, __rt::Zero);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.g6)(self.caps, __c0, __rt::Zero, __rt::Zero);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (__rt::MaybeZero::Zero, __rt::MaybeZero::Zero, __rt::MaybeZero::Zero) => {
                    match __w {
                        0u64 => __rt::MaybeZero::Zero,
                        _ => __rt::MaybeZero::Zero,
                    }
                }
            }
        }
    }
    impl svd {
        /**Runs `svd` and returns its value with a pullback object that implements `Pullback` for each of the 8 patterns below and for the runtime `MaybeZero` pattern.

# Patterns

Each pattern below is a separately compiled body: the declared pullback with the statements that only feed zero terms removed. Mask bit `i` is set when cotangent `i` is `Zero`.

## `(du, ds, dvt)` (mask 0)

Keeps 9 of the 9 statements of the declared body.

```text
fn pattern_0(du: Array2<T>, ds: Array1<T::Real>, dvt: Array2<T>) -> Array2<T> {
    checks::check_shape("svd", "dU", du.shape(), u.shape());
    checks::check_shape("svd", "dS", ds.shape(), s.shape());
    checks::check_shape("svd", "dVt", dvt.shape(), vt.shape());
    let p = matmul::t_mul(u.view(), du.view());
    let q = matmul::t_mul(dvt.t(), vt.t()).reversed_axes();
    let c = pullback::middle(&s, tol, (m, n), p, q);
    let c = c + matmul::diag(&ds);
    let da = pullback::assemble_reclaiming(
        reclaim!(u),
        &c,
        &s,
        reclaim!(vt),
        tol,
        du,
        dvt,
    );
    da
}
```

## `(Zero, ds, dvt)` (mask 1)

Keeps 7 of the 9 statements of the declared body.

```text
fn pattern_1(_: Zero, ds: Array1<T::Real>, dvt: Array2<T>) -> Array2<T> {
    checks::check_shape("svd", "dS", ds.shape(), s.shape());
    checks::check_shape("svd", "dVt", dvt.shape(), vt.shape());
    let q = matmul::t_mul(dvt.t(), vt.t()).reversed_axes();
    let c = pullback::middle(&s, tol, (m, n), Zero, q);
    let c = c + matmul::diag(&ds);
    let da = pullback::assemble_reclaiming(
        reclaim!(u),
        &c,
        &s,
        reclaim!(vt),
        tol,
        Zero,
        dvt,
    );
    da
}
```

## `(du, Zero, dvt)` (mask 2)

Keeps 7 of the 9 statements of the declared body.

```text
fn pattern_2(du: Array2<T>, _: Zero, dvt: Array2<T>) -> Array2<T> {
    checks::check_shape("svd", "dU", du.shape(), u.shape());
    checks::check_shape("svd", "dVt", dvt.shape(), vt.shape());
    let p = matmul::t_mul(u.view(), du.view());
    let q = matmul::t_mul(dvt.t(), vt.t()).reversed_axes();
    let c = pullback::middle(&s, tol, (m, n), p, q);
    let da = pullback::assemble_reclaiming(
        reclaim!(u),
        &c,
        &s,
        reclaim!(vt),
        tol,
        du,
        dvt,
    );
    da
}
```

## `(Zero, Zero, dvt)` (mask 3)

Keeps 5 of the 9 statements of the declared body.

```text
fn pattern_3(_: Zero, _: Zero, dvt: Array2<T>) -> Array2<T> {
    checks::check_shape("svd", "dVt", dvt.shape(), vt.shape());
    let q = matmul::t_mul(dvt.t(), vt.t()).reversed_axes();
    let c = pullback::middle(&s, tol, (m, n), Zero, q);
    let da = pullback::assemble_reclaiming(
        reclaim!(u),
        &c,
        &s,
        reclaim!(vt),
        tol,
        Zero,
        dvt,
    );
    da
}
```

## `(du, ds, Zero)` (mask 4)

Keeps 7 of the 9 statements of the declared body.

```text
fn pattern_4(du: Array2<T>, ds: Array1<T::Real>, _: Zero) -> Array2<T> {
    checks::check_shape("svd", "dU", du.shape(), u.shape());
    checks::check_shape("svd", "dS", ds.shape(), s.shape());
    let p = matmul::t_mul(u.view(), du.view());
    let c = pullback::middle(&s, tol, (m, n), p, Zero);
    let c = c + matmul::diag(&ds);
    let da = pullback::assemble_reclaiming(
        reclaim!(u),
        &c,
        &s,
        reclaim!(vt),
        tol,
        du,
        Zero,
    );
    da
}
```

## `(Zero, ds, Zero)` (mask 5)

Keeps 4 of the 9 statements of the declared body.

```text
fn pattern_5(_: Zero, ds: Array1<T::Real>, _: Zero) -> Array2<T> {
    checks::check_shape("svd", "dS", ds.shape(), s.shape());
    let c = matmul::diag(&ds);
    let da = pullback::assemble_reclaiming(
        reclaim!(u),
        &c,
        &s,
        reclaim!(vt),
        tol,
        Zero,
        Zero,
    );
    da
}
```

## `(du, Zero, Zero)` (mask 6)

Keeps 5 of the 9 statements of the declared body.

```text
fn pattern_6(du: Array2<T>, _: Zero, _: Zero) -> Array2<T> {
    checks::check_shape("svd", "dU", du.shape(), u.shape());
    let p = matmul::t_mul(u.view(), du.view());
    let c = pullback::middle(&s, tol, (m, n), p, Zero);
    let da = pullback::assemble_reclaiming(
        reclaim!(u),
        &c,
        &s,
        reclaim!(vt),
        tol,
        du,
        Zero,
    );
    da
}
```

## `(Zero, Zero, Zero)` (mask 7)

Runs nothing: every result is `Zero` (`NoTangent` stays).

```text
fn pattern_7(_: Zero, _: Zero, _: Zero) -> Zero {
    Zero
}
```

*/
        pub fn rrule<T: Field>(
            a: ArrayView2<'_, T>,
        ) -> (
            (ArcArray2<T>, Array1<T::Real>, ArcArray2<T>),
            impl SvdPullback<T> + use<T>,
        ) {
            let (u, s, vt) = T::thin_svd("svd", a);
            let (u, vt) = (u.into_shared(), vt.into_shared());
            let (m, n) = a.dim();
            let tol = tolerance::relative(&s, m, n);
            let __value = (u.clone(), s.clone(), vt.clone());
            let __pb = __new(
                (u, s, vt, tol, m, n),
                |
                    __caps,
                    du: Array2<T>,
                    ds: Array1<T::Real>,
                    dvt: Array2<T>,
                | -> Array2<T> {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    let p = matmul::t_mul(__caps.0.view(), du.view());
                    let q = matmul::t_mul(dvt.t(), __caps.2.t()).reversed_axes();
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        p,
                        q,
                    );
                    let c = c + matmul::diag(&ds);
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ shared __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ shared __caps.2),
                        __caps.3,
                        du,
                        dvt,
                    );
                    da
                },
                |
                    __caps,
                    _: __rt::Zero,
                    ds: Array1<T::Real>,
                    dvt: Array2<T>,
                | -> Array2<T> {
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    let q = matmul::t_mul(dvt.t(), __caps.2.t()).reversed_axes();
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        __rt::Zero,
                        q,
                    );
                    let c = c + matmul::diag(&ds);
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ shared __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ shared __caps.2),
                        __caps.3,
                        __rt::Zero,
                        dvt,
                    );
                    da
                },
                |__caps, du: Array2<T>, _: __rt::Zero, dvt: Array2<T>| -> Array2<T> {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    let p = matmul::t_mul(__caps.0.view(), du.view());
                    let q = matmul::t_mul(dvt.t(), __caps.2.t()).reversed_axes();
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        p,
                        q,
                    );
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ shared __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ shared __caps.2),
                        __caps.3,
                        du,
                        dvt,
                    );
                    da
                },
                |__caps, _: __rt::Zero, _: __rt::Zero, dvt: Array2<T>| -> Array2<T> {
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    let q = matmul::t_mul(dvt.t(), __caps.2.t()).reversed_axes();
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        __rt::Zero,
                        q,
                    );
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ shared __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ shared __caps.2),
                        __caps.3,
                        __rt::Zero,
                        dvt,
                    );
                    da
                },
                |__caps, du: Array2<T>, ds: Array1<T::Real>, _: __rt::Zero| -> Array2<T> {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    let p = matmul::t_mul(__caps.0.view(), du.view());
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        p,
                        __rt::Zero,
                    );
                    let c = c + matmul::diag(&ds);
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ shared __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ shared __caps.2),
                        __caps.3,
                        du,
                        __rt::Zero,
                    );
                    da
                },
                |__caps, _: __rt::Zero, ds: Array1<T::Real>, _: __rt::Zero| -> Array2<T> {
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    let c = matmul::diag(&ds);
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ shared __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ shared __caps.2),
                        __caps.3,
                        __rt::Zero,
                        __rt::Zero,
                    );
                    da
                },
                |__caps, du: Array2<T>, _: __rt::Zero, _: __rt::Zero| -> Array2<T> {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    let p = matmul::t_mul(__caps.0.view(), du.view());
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        p,
                        __rt::Zero,
                    );
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ shared __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ shared __caps.2),
                        __caps.3,
                        du,
                        __rt::Zero,
                    );
                    da
                },
                |__caps, _: __rt::Zero, _: __rt::Zero, _: __rt::Zero| -> __rt::Zero {
                    __rt::Zero
                },
                |
                    __caps,
                    du: Array2<T>,
                    ds: Array1<T::Real>,
                    dvt: Array2<T>,
                | -> __rt::Skip {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    __rt::Skip
                },
                |
                    __caps,
                    _: __rt::Zero,
                    ds: Array1<T::Real>,
                    dvt: Array2<T>,
                | -> __rt::Skip {
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    __rt::Skip
                },
                |__caps, du: Array2<T>, _: __rt::Zero, dvt: Array2<T>| -> __rt::Skip {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    __rt::Skip
                },
                |__caps, _: __rt::Zero, _: __rt::Zero, dvt: Array2<T>| -> __rt::Skip {
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    __rt::Skip
                },
                |
                    __caps,
                    du: Array2<T>,
                    ds: Array1<T::Real>,
                    _: __rt::Zero,
                | -> __rt::Skip {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    __rt::Skip
                },
                |
                    __caps,
                    _: __rt::Zero,
                    ds: Array1<T::Real>,
                    _: __rt::Zero,
                | -> __rt::Skip {
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    __rt::Skip
                },
                |__caps, du: Array2<T>, _: __rt::Zero, _: __rt::Zero| -> __rt::Skip {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    __rt::Skip
                },
                |__caps, _: __rt::Zero, _: __rt::Zero, _: __rt::Zero| -> __rt::Skip {
                    __rt::Skip
                },
                |
                    __caps,
                    du: Array2<T>,
                    ds: Array1<T::Real>,
                    dvt: Array2<T>,
                | -> Array2<T> {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    let p = matmul::t_mul(__caps.0.view(), du.view());
                    let q = matmul::t_mul(dvt.t(), __caps.2.t()).reversed_axes();
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        p,
                        q,
                    );
                    let c = c + matmul::diag(&ds);
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ owned __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ owned __caps.2),
                        __caps.3,
                        du,
                        dvt,
                    );
                    da
                },
                |
                    __caps,
                    _: __rt::Zero,
                    ds: Array1<T::Real>,
                    dvt: Array2<T>,
                | -> Array2<T> {
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    let q = matmul::t_mul(dvt.t(), __caps.2.t()).reversed_axes();
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        __rt::Zero,
                        q,
                    );
                    let c = c + matmul::diag(&ds);
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ owned __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ owned __caps.2),
                        __caps.3,
                        __rt::Zero,
                        dvt,
                    );
                    da
                },
                |__caps, du: Array2<T>, _: __rt::Zero, dvt: Array2<T>| -> Array2<T> {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    let p = matmul::t_mul(__caps.0.view(), du.view());
                    let q = matmul::t_mul(dvt.t(), __caps.2.t()).reversed_axes();
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        p,
                        q,
                    );
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ owned __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ owned __caps.2),
                        __caps.3,
                        du,
                        dvt,
                    );
                    da
                },
                |__caps, _: __rt::Zero, _: __rt::Zero, dvt: Array2<T>| -> Array2<T> {
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    let q = matmul::t_mul(dvt.t(), __caps.2.t()).reversed_axes();
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        __rt::Zero,
                        q,
                    );
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ owned __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ owned __caps.2),
                        __caps.3,
                        __rt::Zero,
                        dvt,
                    );
                    da
                },
                |__caps, du: Array2<T>, ds: Array1<T::Real>, _: __rt::Zero| -> Array2<T> {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    let p = matmul::t_mul(__caps.0.view(), du.view());
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        p,
                        __rt::Zero,
                    );
                    let c = c + matmul::diag(&ds);
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ owned __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ owned __caps.2),
                        __caps.3,
                        du,
                        __rt::Zero,
                    );
                    da
                },
                |__caps, _: __rt::Zero, ds: Array1<T::Real>, _: __rt::Zero| -> Array2<T> {
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    let c = matmul::diag(&ds);
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ owned __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ owned __caps.2),
                        __caps.3,
                        __rt::Zero,
                        __rt::Zero,
                    );
                    da
                },
                |__caps, du: Array2<T>, _: __rt::Zero, _: __rt::Zero| -> Array2<T> {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    let p = matmul::t_mul(__caps.0.view(), du.view());
                    let c = pullback::middle(
                        &__caps.1,
                        __caps.3,
                        (__caps.4, __caps.5),
                        p,
                        __rt::Zero,
                    );
                    let da = pullback::assemble_reclaiming(
                        reclaim!(@ owned __caps.0),
                        &c,
                        &__caps.1,
                        reclaim!(@ owned __caps.2),
                        __caps.3,
                        du,
                        __rt::Zero,
                    );
                    da
                },
                |__caps, _: __rt::Zero, _: __rt::Zero, _: __rt::Zero| -> __rt::Zero {
                    __rt::Zero
                },
                |
                    __caps,
                    du: Array2<T>,
                    ds: Array1<T::Real>,
                    dvt: Array2<T>,
                | -> __rt::Skip {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    __rt::Skip
                },
                |
                    __caps,
                    _: __rt::Zero,
                    ds: Array1<T::Real>,
                    dvt: Array2<T>,
                | -> __rt::Skip {
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    __rt::Skip
                },
                |__caps, du: Array2<T>, _: __rt::Zero, dvt: Array2<T>| -> __rt::Skip {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    __rt::Skip
                },
                |__caps, _: __rt::Zero, _: __rt::Zero, dvt: Array2<T>| -> __rt::Skip {
                    checks::check_shape("svd", "dVt", dvt.shape(), __caps.2.shape());
                    __rt::Skip
                },
                |
                    __caps,
                    du: Array2<T>,
                    ds: Array1<T::Real>,
                    _: __rt::Zero,
                | -> __rt::Skip {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    __rt::Skip
                },
                |
                    __caps,
                    _: __rt::Zero,
                    ds: Array1<T::Real>,
                    _: __rt::Zero,
                | -> __rt::Skip {
                    checks::check_shape("svd", "dS", ds.shape(), __caps.1.shape());
                    __rt::Skip
                },
                |__caps, du: Array2<T>, _: __rt::Zero, _: __rt::Zero| -> __rt::Skip {
                    checks::check_shape("svd", "dU", du.shape(), __caps.0.shape());
                    __rt::Skip
                },
                |__caps, _: __rt::Zero, _: __rt::Zero, _: __rt::Zero| -> __rt::Skip {
                    __rt::Skip
                },
            );
            (__value, __pb)
        }
        /// Calls `svd` on a tape: each differentiable argument is a `Var` (or `&Var`) or a constant, each `NoTangent` argument is passed plain. With no `Var` argument nothing is recorded and the primal runs; otherwise the pullback is recorded, and the backward pass asks it only for the cotangents of the `Var` arguments. See `rules_core::tape`. Generated by `#[rrule]`.
        #[allow(clippy::too_many_arguments, clippy::type_complexity)]
        pub fn on<'__t, T: Field, __A0>(
            __tape: &'__t __rt::tape::Tape<'__t, '_>,
            a: __A0,
        ) -> (
            __rt::tape::Var<'__t, ArcArray2<T>>,
            __rt::tape::Var<'__t, Array1<T::Real>>,
            __rt::tape::Var<'__t, ArcArray2<T>>,
        )
        where
            T: 'static,
            __A0: for<'__s> __rt::tape::ArgRef<
                '__s,
                '__t,
                ArrayView2<'__s, T>,
                Array2<T>,
            >,
            (ArcArray2<T>, Array1<T::Real>, ArcArray2<T>): 'static,
            (
                __rt::MaybeZero<Array2<T>>,
                __rt::MaybeZero<Array1<T::Real>>,
                __rt::MaybeZero<Array2<T>>,
            ): __rt::tape::Cotangents<'__t>,
            __rt::MaybeZero<Array2<T>>: __rt::tape::Routes<'__t, 1usize>,
        {
            let __l0 = __rt::tape::ArgRef::lend_ref(&a, __tape, "svd");
            let __sources = [__l0.source()];
            if __sources.iter().all(__rt::Option::is_none) {
                let (__y0, __y1, __y2) = __tape
                    .primal((__l0,), move |(__v0,)| svd(__v0));
                return (
                    __tape.constant(__y0),
                    __tape.constant(__y1),
                    __tape.constant(__y2),
                );
            }
            let (__node, __value) = match __tape
                .record(
                    (__l0,),
                    __sources,
                    move |(__v0,)| ::core::result::Result::<
                        _,
                        ::core::convert::Infallible,
                    >::Ok(svd::rrule(__v0)),
                    |
                        __pb,
                        __need: [bool; 1usize],
                        __c: (
                            __rt::MaybeZero<Array2<T>>,
                            __rt::MaybeZero<Array1<T::Real>>,
                            __rt::MaybeZero<Array2<T>>,
                        )|
                    __rt::PullbackForOnce::<
                        [bool; 1usize],
                        (
                            __rt::MaybeZero<Array2<T>>,
                            __rt::MaybeZero<Array1<T::Real>>,
                            __rt::MaybeZero<Array2<T>>,
                        ),
                    >::pullback_for_once(__pb, __need, __c),
                )
            {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => match e {}
            };
            let (__y0, __y1, __y2) = __value;
            (
                __tape.output::<Array2<T>, _>(__node, 0u32, __y0),
                __tape.output::<Array1<T::Real>, _>(__node, 1u32, __y1),
                __tape.output::<Array2<T>, _>(__node, 2u32, __y2),
            )
        }
    }
    #[doc(hidden)]
    pub struct __Pushforward<__C, __F0, __F1, __M> {
        caps: __C,
        f0: __F0,
        f1: __F1,
        marker: __rt::PhantomData<__M>,
    }
    #[doc(hidden)]
    #[inline]
    pub fn __new_forward<T: Field, __C, __F0, __F1>(
        caps: __C,
        f0: __F0,
        f1: __F1,
    ) -> __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(
            &__C,
            Array2<T>,
        ) -> (Array2<T>, Array1<T::Real>, Array2<T>),
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> (__rt::Zero, __rt::Zero, __rt::Zero),
    {
        __Pushforward {
            caps,
            f0,
            f1,
            marker: __rt::PhantomData,
        }
    }
    impl<T: Field, __C, __F0, __F1> __rt::Pushforward<Array2<T>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(
            &__C,
            Array2<T>,
        ) -> (Array2<T>, Array1<T::Real>, Array2<T>),
    {
        type Output = (Array2<T>, Array1<T::Real>, Array2<T>);
        #[inline]
        fn pushforward(
            &self,
            cotangent: Array2<T>,
        ) -> (Array2<T>, Array1<T::Real>, Array2<T>) {
            (self.f0)(&self.caps, cotangent)
        }
    }
    impl<T: Field, __C, __F0, __F1> __rt::Pushforward<__rt::Zero>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> (__rt::Zero, __rt::Zero, __rt::Zero),
    {
        type Output = (__rt::Zero, __rt::Zero, __rt::Zero);
        #[inline]
        fn pushforward(
            &self,
            cotangent: __rt::Zero,
        ) -> (__rt::Zero, __rt::Zero, __rt::Zero) {
            (self.f1)(&self.caps, cotangent)
        }
    }
    impl<T: Field, __C, __F0, __F1> __rt::Pushforward<__rt::MaybeZero<Array2<T>>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(
            &__C,
            Array2<T>,
        ) -> (Array2<T>, Array1<T::Real>, Array2<T>),
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> (__rt::Zero, __rt::Zero, __rt::Zero),
    {
        type Output = (
            __rt::MaybeZero<Array2<T>>,
            __rt::MaybeZero<Array1<T::Real>>,
            __rt::MaybeZero<Array2<T>>,
        );
        fn pushforward(
            &self,
            cotangent: __rt::MaybeZero<Array2<T>>,
        ) -> (
            __rt::MaybeZero<Array2<T>>,
            __rt::MaybeZero<Array1<T::Real>>,
            __rt::MaybeZero<Array2<T>>,
        ) {
            match cotangent {
                __rt::MaybeZero::Value(__c0) => {
                    let __o = (self.f0)(&self.caps, __c0);
                    (
                        __rt::MaybeZero::Value(__o.0),
                        __rt::MaybeZero::Value(__o.1),
                        __rt::MaybeZero::Value(__o.2),
                    )
                }
                __rt::MaybeZero::Zero => {
                    (__rt::MaybeZero::Zero, __rt::MaybeZero::Zero, __rt::MaybeZero::Zero)
                }
            }
        }
    }
    impl<T: Field, __C, __F0, __F1> __rt::PushforwardPatterns<Array2<T>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(
            &__C,
            Array2<T>,
        ) -> (Array2<T>, Array1<T::Real>, Array2<T>),
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> (__rt::Zero, __rt::Zero, __rt::Zero),
    {
        type Runtime = (
            __rt::MaybeZero<Array2<T>>,
            __rt::MaybeZero<Array1<T::Real>>,
            __rt::MaybeZero<Array2<T>>,
        );
        const TANGENTS: &'static [&'static str] = &["da"];
        const OUTPUTS: &'static [&'static str] = &["output 0", "output 1", "output 2"];
        fn pushforward_static(
            &self,
            zero_mask: u64,
            cotangent: Array2<T>,
        ) -> __rt::Option<
            (
                __rt::MaybeZero<Array2<T>>,
                __rt::MaybeZero<Array1<T::Real>>,
                __rt::MaybeZero<Array2<T>>,
            ),
        > {
            let __c0 = cotangent;
            match zero_mask {
                0u64 => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0);
                        (
                            __rt::MaybeZero::Value(__o.0),
                            __rt::MaybeZero::Value(__o.1),
                            __rt::MaybeZero::Value(__o.2),
                        )
                    })
                }
                1u64 => {
                    __rt::Option::Some((
                        __rt::MaybeZero::Zero,
                        __rt::MaybeZero::Zero,
                        __rt::MaybeZero::Zero,
                    ))
                }
                _ => __rt::Option::None,
            }
        }
        fn pushforward_runtime(
            &self,
            zero_mask: u64,
            cotangent: Array2<T>,
        ) -> (
            __rt::MaybeZero<Array2<T>>,
            __rt::MaybeZero<Array1<T::Real>>,
            __rt::MaybeZero<Array2<T>>,
        ) {
            let __c0 = cotangent;
            let __c0 = if zero_mask & 1u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c0)
            };
            <Self as __rt::Pushforward<
                __rt::MaybeZero<Array2<T>>,
            >>::pushforward(self, __c0)
        }
    }
    impl svd {
        /**Runs `svd` and returns its value with a pushforward object that implements `Pushforward` for each of the 2 patterns below and for the runtime `MaybeZero` pattern.

# Patterns

Each pattern below is a separately compiled body: the declared pushforward with the statements that only feed zero terms removed. Mask bit `i` is set when tangent `i` is `Zero`.

## `da` (mask 0)

Keeps 2 of the 2 statements of the declared body.

```text
fn pattern_0(da: Array2<T>) -> (Array2<T>, Array1<T::Real>, Array2<T>) {
    checks::check_shape("svd", "dA", da.shape(), &[m, n]);
    pushforward::tangents(u.view(), &s, vt.view(), tol, da.view())
}
```

## `Zero` (mask 1)

Runs nothing: every result is `Zero` (`NoTangent` stays).

```text
fn pattern_1(_: Zero) -> (Zero, Zero, Zero) {
    (Zero, Zero, Zero)
}
```

*/
        pub fn frule<T: Field>(
            a: ArrayView2<'_, T>,
        ) -> (
            (ArcArray2<T>, Array1<T::Real>, ArcArray2<T>),
            impl SvdPushforward<T> + use<T>,
        ) {
            let (u, s, vt) = T::thin_svd("svd", a);
            let (u, vt) = (u.into_shared(), vt.into_shared());
            let (m, n) = a.dim();
            let tol = tolerance::relative(&s, m, n);
            let __value = (u.clone(), s.clone(), vt.clone());
            let __pb = __new_forward(
                (m, n, u, s, vt, tol),
                |__caps, da: Array2<T>| -> (Array2<T>, Array1<T::Real>, Array2<T>) {
                    checks::check_shape("svd", "dA", da.shape(), &[__caps.0, __caps.1]);
                    pushforward::tangents(
                        __caps.2.view(),
                        &__caps.3,
                        __caps.4.view(),
                        __caps.5,
                        da.view(),
                    )
                },
                |__caps, _: __rt::Zero| -> (__rt::Zero, __rt::Zero, __rt::Zero) {
                    (__rt::Zero, __rt::Zero, __rt::Zero)
                },
            );
            (__value, __pb)
        }
    }
};
/// The pullback of `svd::rrule`: every `Pullback` pattern it returns, and `Patterns`. A function that forwards to the rule can return `impl SvdPullback` without restating them. Generated by `#[rrule]`.
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
pub trait SvdPullback<
    T: Field,
>: ::rules_core::__private::Pullback<
        (::rules_core::__private::Zero, Array1<T::Real>, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::Pullback<
        (Array2<T>, ::rules_core::__private::Zero, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::Pullback<
        (::rules_core::__private::Zero, ::rules_core::__private::Zero, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::Pullback<
        (Array2<T>, Array1<T::Real>, ::rules_core::__private::Zero),
        Output = Array2<T>,
    > + ::rules_core::__private::Pullback<
        (::rules_core::__private::Zero, Array1<T::Real>, ::rules_core::__private::Zero),
        Output = Array2<T>,
    > + ::rules_core::__private::Pullback<
        (Array2<T>, ::rules_core::__private::Zero, ::rules_core::__private::Zero),
        Output = Array2<T>,
    > + ::rules_core::__private::Pullback<
        (
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
        ),
        Output = ::rules_core::__private::Zero,
    > + ::rules_core::__private::Pullback<
        (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
        Output = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::Patterns<
        (Array2<T>, Array1<T::Real>, Array2<T>),
        Output = Array2<T>,
        Runtime = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (Array2<T>, Array1<T::Real>, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (::rules_core::__private::Zero, Array1<T::Real>, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (Array2<T>, ::rules_core::__private::Zero, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (::rules_core::__private::Zero, ::rules_core::__private::Zero, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (Array2<T>, Array1<T::Real>, ::rules_core::__private::Zero),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (::rules_core::__private::Zero, Array1<T::Real>, ::rules_core::__private::Zero),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (Array2<T>, ::rules_core::__private::Zero, ::rules_core::__private::Zero),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
        ),
        Output = ::rules_core::__private::Zero,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (Array2<T>, Array1<T::Real>, Array2<T>),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (::rules_core::__private::Zero, Array1<T::Real>, Array2<T>),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (Array2<T>, ::rules_core::__private::Zero, Array2<T>),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (::rules_core::__private::Zero, ::rules_core::__private::Zero, Array2<T>),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (Array2<T>, Array1<T::Real>, ::rules_core::__private::Zero),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (::rules_core::__private::Zero, Array1<T::Real>, ::rules_core::__private::Zero),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (Array2<T>, ::rules_core::__private::Zero, ::rules_core::__private::Zero),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
        ),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        [bool; 1usize],
        (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
        Output = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::PullbackForOnce<
        [bool; 1usize],
        (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
    > + ::rules_core::__private::PullbackOnce<
        (Array2<T>, Array1<T::Real>, Array2<T>),
    > + ::rules_core::__private::PullbackOnce<
        (::rules_core::__private::Zero, Array1<T::Real>, Array2<T>),
    > + ::rules_core::__private::PullbackOnce<
        (Array2<T>, ::rules_core::__private::Zero, Array2<T>),
    > + ::rules_core::__private::PullbackOnce<
        (::rules_core::__private::Zero, ::rules_core::__private::Zero, Array2<T>),
    > + ::rules_core::__private::PullbackOnce<
        (Array2<T>, Array1<T::Real>, ::rules_core::__private::Zero),
    > + ::rules_core::__private::PullbackOnce<
        (::rules_core::__private::Zero, Array1<T::Real>, ::rules_core::__private::Zero),
    > + ::rules_core::__private::PullbackOnce<
        (Array2<T>, ::rules_core::__private::Zero, ::rules_core::__private::Zero),
    > + ::rules_core::__private::PullbackOnce<
        (
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
        ),
    > + ::rules_core::__private::PullbackOnce<
        (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
    > {}
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
impl<T: Field, __P> SvdPullback<T> for __P
where
    __P: ::rules_core::__private::Pullback<
            (::rules_core::__private::Zero, Array1<T::Real>, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::Pullback<
            (Array2<T>, ::rules_core::__private::Zero, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::Pullback<
            (::rules_core::__private::Zero, ::rules_core::__private::Zero, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::Pullback<
            (Array2<T>, Array1<T::Real>, ::rules_core::__private::Zero),
            Output = Array2<T>,
        >
        + ::rules_core::__private::Pullback<
            (
                ::rules_core::__private::Zero,
                Array1<T::Real>,
                ::rules_core::__private::Zero,
            ),
            Output = Array2<T>,
        >
        + ::rules_core::__private::Pullback<
            (Array2<T>, ::rules_core::__private::Zero, ::rules_core::__private::Zero),
            Output = Array2<T>,
        >
        + ::rules_core::__private::Pullback<
            (
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
            ),
            Output = ::rules_core::__private::Zero,
        >
        + ::rules_core::__private::Pullback<
            (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array1<T::Real>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
            Output = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::Patterns<
            (Array2<T>, Array1<T::Real>, Array2<T>),
            Output = Array2<T>,
            Runtime = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (Array2<T>, Array1<T::Real>, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (::rules_core::__private::Zero, Array1<T::Real>, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (Array2<T>, ::rules_core::__private::Zero, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (::rules_core::__private::Zero, ::rules_core::__private::Zero, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (Array2<T>, Array1<T::Real>, ::rules_core::__private::Zero),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (
                ::rules_core::__private::Zero,
                Array1<T::Real>,
                ::rules_core::__private::Zero,
            ),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (Array2<T>, ::rules_core::__private::Zero, ::rules_core::__private::Zero),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
            ),
            Output = ::rules_core::__private::Zero,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (Array2<T>, Array1<T::Real>, Array2<T>),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (::rules_core::__private::Zero, Array1<T::Real>, Array2<T>),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (Array2<T>, ::rules_core::__private::Zero, Array2<T>),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (::rules_core::__private::Zero, ::rules_core::__private::Zero, Array2<T>),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (Array2<T>, Array1<T::Real>, ::rules_core::__private::Zero),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (
                ::rules_core::__private::Zero,
                Array1<T::Real>,
                ::rules_core::__private::Zero,
            ),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (Array2<T>, ::rules_core::__private::Zero, ::rules_core::__private::Zero),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
            ),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            [bool; 1usize],
            (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array1<T::Real>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
            Output = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::PullbackForOnce<
            [bool; 1usize],
            (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array1<T::Real>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
        >
        + ::rules_core::__private::PullbackOnce<(Array2<T>, Array1<T::Real>, Array2<T>)>
        + ::rules_core::__private::PullbackOnce<
            (::rules_core::__private::Zero, Array1<T::Real>, Array2<T>),
        >
        + ::rules_core::__private::PullbackOnce<
            (Array2<T>, ::rules_core::__private::Zero, Array2<T>),
        >
        + ::rules_core::__private::PullbackOnce<
            (::rules_core::__private::Zero, ::rules_core::__private::Zero, Array2<T>),
        >
        + ::rules_core::__private::PullbackOnce<
            (Array2<T>, Array1<T::Real>, ::rules_core::__private::Zero),
        >
        + ::rules_core::__private::PullbackOnce<
            (
                ::rules_core::__private::Zero,
                Array1<T::Real>,
                ::rules_core::__private::Zero,
            ),
        >
        + ::rules_core::__private::PullbackOnce<
            (Array2<T>, ::rules_core::__private::Zero, ::rules_core::__private::Zero),
        >
        + ::rules_core::__private::PullbackOnce<
            (
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
            ),
        >
        + ::rules_core::__private::PullbackOnce<
            (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array1<T::Real>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
        >,
{}
/// The pushforward of `svd::frule`: every `Pushforward` pattern it returns, and `PushforwardPatterns`. A function that forwards to the rule can return `impl SvdPushforward` without restating them. Generated by `#[frule]`.
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
pub trait SvdPushforward<
    T: Field,
>: ::rules_core::__private::Pushforward<
        ::rules_core::__private::Zero,
        Output = (
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
            ::rules_core::__private::Zero,
        ),
    > + ::rules_core::__private::Pushforward<
        ::rules_core::__private::MaybeZero<Array2<T>>,
        Output = (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
    > + ::rules_core::__private::PushforwardPatterns<
        Array2<T>,
        Output = (Array2<T>, Array1<T::Real>, Array2<T>),
        Runtime = (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
    > {}
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
impl<T: Field, __P> SvdPushforward<T> for __P
where
    __P: ::rules_core::__private::Pushforward<
            ::rules_core::__private::Zero,
            Output = (
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
                ::rules_core::__private::Zero,
            ),
        >
        + ::rules_core::__private::Pushforward<
            ::rules_core::__private::MaybeZero<Array2<T>>,
            Output = (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array1<T::Real>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
        >
        + ::rules_core::__private::PushforwardPatterns<
            Array2<T>,
            Output = (Array2<T>, Array1<T::Real>, Array2<T>),
            Runtime = (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array1<T::Real>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
        >,
{}
const _: () = {
    #[allow(unused_imports)]
    use frule as _;
};
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
#[allow(
    unused_variables,
    unused_mut,
    clippy::needless_pass_by_value,
    clippy::assign_op_pattern
)]
pub fn svdvals<T: Field>(a: ArrayView2<'_, T>) -> Array1<T::Real> {
    let s = T::singular_values("svdvals", a);
    s
}
/// The differentiation rules of [`svdvals()`]: `svdvals::rrule` and `svdvals::frule` (value and pullback, or value and pushforward). Generated by `#[rrule]` and `#[frule]`.
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
pub struct svdvals {}
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
const _: () = {
    use ::rules_core::__private as __rt;
    #[doc(hidden)]
    pub struct __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        __M,
    > {
        caps: __C,
        f0: __F0,
        f1: __F1,
        f0w0: __F0w0,
        f1w0: __F1w0,
        g0: __G0,
        g1: __G1,
        g0w0: __G0w0,
        g1w0: __G1w0,
        marker: __rt::PhantomData<__M>,
    }
    #[doc(hidden)]
    #[inline]
    pub fn __new<T: Field, __C, __F0, __F1, __F0w0, __F1w0, __G0, __G1, __G0w0, __G1w0>(
        caps: __C,
        f0: __F0,
        f1: __F1,
        f0w0: __F0w0,
        f1w0: __F1w0,
        g0: __G0,
        g1: __G1,
        g0w0: __G0w0,
        g1w0: __G1w0,
    ) -> __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array1<T::Real>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Skip,
        __G0: ::core::ops::Fn(__C, Array1<T::Real>) -> Array2<T>,
        __G1: ::core::ops::Fn(__C, __rt::Zero) -> __rt::Zero,
        __G0w0: ::core::ops::Fn(__C, Array1<T::Real>) -> __rt::Skip,
        __G1w0: ::core::ops::Fn(__C, __rt::Zero) -> __rt::Skip,
    {
        __Pullback {
            caps,
            f0,
            f1,
            f0w0,
            f1w0,
            g0,
            g1,
            g0w0,
            g1w0,
            marker: __rt::PhantomData,
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::Pullback<Array1<T::Real>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(&self, cotangent: Array1<T::Real>) -> Array2<T> {
            (self.f0)(&self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::Pullback<__rt::Zero>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
    {
        type Output = __rt::Zero;
        #[inline]
        fn pullback(&self, cotangent: __rt::Zero) -> __rt::Zero {
            (self.f1)(&self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::Pullback<__rt::MaybeZero<Array1<T::Real>>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array1<T::Real>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::MaybeZero<Array2<T>>;
        fn pullback(
            &self,
            cotangent: __rt::MaybeZero<Array1<T::Real>>,
        ) -> __rt::MaybeZero<Array2<T>> {
            match cotangent {
                __rt::MaybeZero::Value(__c0) => {
                    let __o = (self.f0)(&self.caps, __c0);
                    __rt::MaybeZero::Value(__o)
                }
                __rt::MaybeZero::Zero => __rt::MaybeZero::Zero,
            }
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::Patterns<Array1<T::Real>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array1<T::Real>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Skip,
    {
        type Runtime = __rt::MaybeZero<Array2<T>>;
        const COTANGENTS: &'static [&'static str] = &["ds"];
        const INPUTS: &'static [&'static str] = &["a"];
        fn pullback_static(
            &self,
            zero_mask: u64,
            cotangent: Array1<T::Real>,
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            let __c0 = cotangent;
            match zero_mask {
                0u64 => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                1u64 => __rt::Option::Some(__rt::MaybeZero::Zero),
                _ => __rt::Option::None,
            }
        }
        fn pullback_runtime(
            &self,
            zero_mask: u64,
            cotangent: Array1<T::Real>,
        ) -> __rt::MaybeZero<Array2<T>> {
            let __c0 = cotangent;
            let __c0 = if zero_mask & 1u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c0)
            };
            <Self as __rt::Pullback<
                __rt::MaybeZero<Array1<T::Real>>,
            >>::pullback(self, __c0)
        }
        fn pullback_for_static(
            &self,
            wanted: u64,
            zero_mask: u64,
            cotangent: Array1<T::Real>,
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            let __c0 = cotangent;
            match (wanted, zero_mask) {
                (1u64, 0u64) => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 1u64) => __rt::Option::Some(__rt::MaybeZero::Zero),
                (0u64, 0u64) => {
                    __rt::Option::Some({
                        let __o = (self.f0w0)(&self.caps, __c0);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 1u64) => __rt::Option::Some(__rt::MaybeZero::Zero),
                _ => __rt::Option::None,
            }
        }
        fn pullback_for_runtime(
            &self,
            wanted: u64,
            zero_mask: u64,
            cotangent: Array1<T::Real>,
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            if wanted >= 2u64 {
                return __rt::Option::None;
            }
            let __sel: [bool; 1usize] = ::core::array::from_fn(|j| {
                wanted & (1u64 << j) != 0
            });
            let __c0 = cotangent;
            let __c0 = if zero_mask & 1u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c0)
            };
            __rt::Option::Some(
                <Self as __rt::PullbackFor<
                    [bool; 1usize],
                    __rt::MaybeZero<Array1<T::Real>>,
                >>::pullback_for(self, __sel, __c0),
            )
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackFor<__rt::Need, Array1<T::Real>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(&self, _: __rt::Need, cotangent: Array1<T::Real>) -> Array2<T> {
            (self.f0)(&self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackFor<__rt::Need, __rt::Zero>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
    {
        type Output = __rt::Zero;
        #[inline]
        fn pullback_for(&self, _: __rt::Need, cotangent: __rt::Zero) -> __rt::Zero {
            (self.f1)(&self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackFor<__rt::Skip, Array1<T::Real>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0w0: ::core::ops::Fn(&__C, Array1<T::Real>) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(&self, _: __rt::Skip, cotangent: Array1<T::Real>) -> __rt::Skip {
            (self.f0w0)(&self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackFor<__rt::Skip, __rt::Zero>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(&self, _: __rt::Skip, cotangent: __rt::Zero) -> __rt::Skip {
            (self.f1w0)(&self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackFor<[bool; 1usize], __rt::MaybeZero<Array1<T::Real>>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array1<T::Real>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::MaybeZero<Array2<T>>;
        fn pullback_for(
            &self,
            wanted: [bool; 1usize],
            cotangent: __rt::MaybeZero<Array1<T::Real>>,
        ) -> __rt::MaybeZero<Array2<T>> {
            let __w = wanted
                .iter()
                .enumerate()
                .fold(0u64, |m, (j, &b)| if b { m | (1u64 << j) } else { m });
            match cotangent {
                __rt::MaybeZero::Value(__c0) => {
                    match __w {
                        0u64 => {
                            let __o = (self.f0w0)(&self.caps, __c0);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.f0)(&self.caps, __c0);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                __rt::MaybeZero::Zero => {
                    match __w {
                        0u64 => __rt::MaybeZero::Zero,
                        _ => __rt::MaybeZero::Zero,
                    }
                }
            }
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackOnce<Array1<T::Real>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
        __G0: ::core::ops::Fn(__C, Array1<T::Real>) -> Array2<T>,
    {
        #[inline]
        fn pullback_once(self, cotangent: Array1<T::Real>) -> Array2<T> {
            (self.g0)(self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackOnce<__rt::Zero>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
        __G1: ::core::ops::Fn(__C, __rt::Zero) -> __rt::Zero,
    {
        #[inline]
        fn pullback_once(self, cotangent: __rt::Zero) -> __rt::Zero {
            (self.g1)(self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackOnce<__rt::MaybeZero<Array1<T::Real>>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array1<T::Real>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Skip,
        __G0: ::core::ops::Fn(__C, Array1<T::Real>) -> Array2<T>,
        __G1: ::core::ops::Fn(__C, __rt::Zero) -> __rt::Zero,
    {
        fn pullback_once(
            self,
            cotangent: __rt::MaybeZero<Array1<T::Real>>,
        ) -> __rt::MaybeZero<Array2<T>> {
            match cotangent {
                __rt::MaybeZero::Value(__c0) => {
                    let __o = (self.g0)(self.caps, __c0);
                    __rt::MaybeZero::Value(__o)
                }
                __rt::MaybeZero::Zero => __rt::MaybeZero::Zero,
            }
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackForOnce<__rt::Need, Array1<T::Real>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
        __G0: ::core::ops::Fn(__C, Array1<T::Real>) -> Array2<T>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Need,
            cotangent: Array1<T::Real>,
        ) -> Array2<T> {
            (self.g0)(self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackForOnce<__rt::Need, __rt::Zero>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
        __G1: ::core::ops::Fn(__C, __rt::Zero) -> __rt::Zero,
    {
        #[inline]
        fn pullback_for_once(self, _: __rt::Need, cotangent: __rt::Zero) -> __rt::Zero {
            (self.g1)(self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackForOnce<__rt::Skip, Array1<T::Real>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0w0: ::core::ops::Fn(&__C, Array1<T::Real>) -> __rt::Skip,
        __G0w0: ::core::ops::Fn(__C, Array1<T::Real>) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(
            self,
            _: __rt::Skip,
            cotangent: Array1<T::Real>,
        ) -> __rt::Skip {
            (self.g0w0)(self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackForOnce<__rt::Skip, __rt::Zero>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Skip,
        __G1w0: ::core::ops::Fn(__C, __rt::Zero) -> __rt::Skip,
    {
        #[inline]
        fn pullback_for_once(self, _: __rt::Skip, cotangent: __rt::Zero) -> __rt::Skip {
            (self.g1w0)(self.caps, cotangent)
        }
    }
    impl<
        T: Field,
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
    > __rt::PullbackForOnce<[bool; 1usize], __rt::MaybeZero<Array1<T::Real>>>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F0w0,
        __F1w0,
        __G0,
        __G1,
        __G0w0,
        __G1w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array1<T::Real>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array1<T::Real>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Skip,
        __G0: ::core::ops::Fn(__C, Array1<T::Real>) -> Array2<T>,
        __G1: ::core::ops::Fn(__C, __rt::Zero) -> __rt::Zero,
        __G0w0: ::core::ops::Fn(__C, Array1<T::Real>) -> __rt::Skip,
        __G1w0: ::core::ops::Fn(__C, __rt::Zero) -> __rt::Skip,
    {
        fn pullback_for_once(
            self,
            wanted: [bool; 1usize],
            cotangent: __rt::MaybeZero<Array1<T::Real>>,
        ) -> __rt::MaybeZero<Array2<T>> {
            let __w = wanted
                .iter()
                .enumerate()
                .fold(0u64, |m, (j, &b)| if b { m | (1u64 << j) } else { m });
            match cotangent {
                __rt::MaybeZero::Value(__c0) => {
                    match __w {
                        0u64 => {
                            let __o = (self.g0w0)(self.caps, __c0);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.g0)(self.caps, __c0);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                __rt::MaybeZero::Zero => {
                    match __w {
                        0u64 => __rt::MaybeZero::Zero,
                        _ => __rt::MaybeZero::Zero,
                    }
                }
            }
        }
    }
    impl svdvals {
        /**Runs `svdvals` and returns its value with a pullback object that implements `Pullback` for each of the 2 patterns below and for the runtime `MaybeZero` pattern.

# Patterns

Each pattern below is a separately compiled body: the declared pullback with the statements that only feed zero terms removed. Mask bit `i` is set when cotangent `i` is `Zero`.

## `ds` (mask 0)

Keeps 2 of the 2 statements of the declared body.

```text
fn pattern_0(ds: Array1<T::Real>) -> Array2<T> {
    checks::check_shape("svdvals", "dS", ds.shape(), &[u.ncols()]);
    pullback::product_reclaiming(reclaim!(u), &matmul::diag(&ds), reclaim!(vt))
}
```

## `Zero` (mask 1)

Runs nothing: every result is `Zero` (`NoTangent` stays).

```text
fn pattern_1(_: Zero) -> Zero {
    Zero
}
```

*/
        pub fn rrule<T: Field>(
            a: ArrayView2<'_, T>,
        ) -> (Array1<T::Real>, impl SvdvalsPullback<T> + use<T>) {
            let (u, s, vt) = T::thin_svd("svdvals", a);
            let __value = s;
            let __pb = __new(
                (u, vt),
                |__caps, ds: Array1<T::Real>| -> Array2<T> {
                    checks::check_shape(
                        "svdvals",
                        "dS",
                        ds.shape(),
                        &[__caps.0.ncols()],
                    );
                    pullback::product_reclaiming(
                        reclaim!(@ shared __caps.0),
                        &matmul::diag(&ds),
                        reclaim!(@ shared __caps.1),
                    )
                },
                |__caps, _: __rt::Zero| -> __rt::Zero { __rt::Zero },
                |__caps, ds: Array1<T::Real>| -> __rt::Skip {
                    checks::check_shape(
                        "svdvals",
                        "dS",
                        ds.shape(),
                        &[__caps.0.ncols()],
                    );
                    __rt::Skip
                },
                |__caps, _: __rt::Zero| -> __rt::Skip { __rt::Skip },
                |__caps, ds: Array1<T::Real>| -> Array2<T> {
                    checks::check_shape(
                        "svdvals",
                        "dS",
                        ds.shape(),
                        &[__caps.0.ncols()],
                    );
                    pullback::product_reclaiming(
                        reclaim!(@ owned __caps.0),
                        &matmul::diag(&ds),
                        reclaim!(@ owned __caps.1),
                    )
                },
                |__caps, _: __rt::Zero| -> __rt::Zero { __rt::Zero },
                |__caps, ds: Array1<T::Real>| -> __rt::Skip {
                    checks::check_shape(
                        "svdvals",
                        "dS",
                        ds.shape(),
                        &[__caps.0.ncols()],
                    );
                    __rt::Skip
                },
                |__caps, _: __rt::Zero| -> __rt::Skip { __rt::Skip },
            );
            (__value, __pb)
        }
        /// Calls `svdvals` on a tape: each differentiable argument is a `Var` (or `&Var`) or a constant, each `NoTangent` argument is passed plain. With no `Var` argument nothing is recorded and the primal runs; otherwise the pullback is recorded, and the backward pass asks it only for the cotangents of the `Var` arguments. See `rules_core::tape`. Generated by `#[rrule]`.
        #[allow(clippy::too_many_arguments, clippy::type_complexity)]
        pub fn on<'__t, T: Field, __A0>(
            __tape: &'__t __rt::tape::Tape<'__t, '_>,
            a: __A0,
        ) -> __rt::tape::Var<'__t, Array1<T::Real>>
        where
            T: 'static,
            __A0: for<'__s> __rt::tape::ArgRef<
                '__s,
                '__t,
                ArrayView2<'__s, T>,
                Array2<T>,
            >,
            Array1<T::Real>: 'static,
            __rt::MaybeZero<Array1<T::Real>>: __rt::tape::Cotangents<'__t>,
            __rt::MaybeZero<Array2<T>>: __rt::tape::Routes<'__t, 1usize>,
        {
            let __l0 = __rt::tape::ArgRef::lend_ref(&a, __tape, "svdvals");
            let __sources = [__l0.source()];
            if __sources.iter().all(__rt::Option::is_none) {
                let __y0 = __tape.primal((__l0,), move |(__v0,)| svdvals(__v0));
                return __tape.constant(__y0);
            }
            let (__node, __value) = match __tape
                .record(
                    (__l0,),
                    __sources,
                    move |(__v0,)| ::core::result::Result::<
                        _,
                        ::core::convert::Infallible,
                    >::Ok(svdvals::rrule(__v0)),
                    |
                        __pb,
                        __need: [bool; 1usize],
                        __c: __rt::MaybeZero<Array1<T::Real>>|
                    __rt::PullbackForOnce::<
                        [bool; 1usize],
                        __rt::MaybeZero<Array1<T::Real>>,
                    >::pullback_for_once(__pb, __need, __c),
                )
            {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => match e {}
            };
            let __y0 = __value;
            __tape.output::<Array1<T::Real>, _>(__node, 0u32, __y0)
        }
    }
    #[doc(hidden)]
    pub struct __Pushforward<__C, __F0, __F1, __M> {
        caps: __C,
        f0: __F0,
        f1: __F1,
        marker: __rt::PhantomData<__M>,
    }
    #[doc(hidden)]
    #[inline]
    pub fn __new_forward<T: Field, __C, __F0, __F1>(
        caps: __C,
        f0: __F0,
        f1: __F1,
    ) -> __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>) -> Array1<T::Real>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
    {
        __Pushforward {
            caps,
            f0,
            f1,
            marker: __rt::PhantomData,
        }
    }
    impl<T: Field, __C, __F0, __F1> __rt::Pushforward<Array2<T>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>) -> Array1<T::Real>,
    {
        type Output = Array1<T::Real>;
        #[inline]
        fn pushforward(&self, cotangent: Array2<T>) -> Array1<T::Real> {
            (self.f0)(&self.caps, cotangent)
        }
    }
    impl<T: Field, __C, __F0, __F1> __rt::Pushforward<__rt::Zero>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
    {
        type Output = __rt::Zero;
        #[inline]
        fn pushforward(&self, cotangent: __rt::Zero) -> __rt::Zero {
            (self.f1)(&self.caps, cotangent)
        }
    }
    impl<T: Field, __C, __F0, __F1> __rt::Pushforward<__rt::MaybeZero<Array2<T>>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>) -> Array1<T::Real>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
    {
        type Output = __rt::MaybeZero<Array1<T::Real>>;
        fn pushforward(
            &self,
            cotangent: __rt::MaybeZero<Array2<T>>,
        ) -> __rt::MaybeZero<Array1<T::Real>> {
            match cotangent {
                __rt::MaybeZero::Value(__c0) => {
                    let __o = (self.f0)(&self.caps, __c0);
                    __rt::MaybeZero::Value(__o)
                }
                __rt::MaybeZero::Zero => __rt::MaybeZero::Zero,
            }
        }
    }
    impl<T: Field, __C, __F0, __F1> __rt::PushforwardPatterns<Array2<T>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>) -> Array1<T::Real>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> __rt::Zero,
    {
        type Runtime = __rt::MaybeZero<Array1<T::Real>>;
        const TANGENTS: &'static [&'static str] = &["da"];
        const OUTPUTS: &'static [&'static str] = &["output 0"];
        fn pushforward_static(
            &self,
            zero_mask: u64,
            cotangent: Array2<T>,
        ) -> __rt::Option<__rt::MaybeZero<Array1<T::Real>>> {
            let __c0 = cotangent;
            match zero_mask {
                0u64 => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                1u64 => __rt::Option::Some(__rt::MaybeZero::Zero),
                _ => __rt::Option::None,
            }
        }
        fn pushforward_runtime(
            &self,
            zero_mask: u64,
            cotangent: Array2<T>,
        ) -> __rt::MaybeZero<Array1<T::Real>> {
            let __c0 = cotangent;
            let __c0 = if zero_mask & 1u64 != 0 {
                __rt::MaybeZero::Zero
            } else {
                __rt::MaybeZero::Value(__c0)
            };
            <Self as __rt::Pushforward<
                __rt::MaybeZero<Array2<T>>,
            >>::pushforward(self, __c0)
        }
    }
    impl svdvals {
        /**Runs `svdvals` and returns its value with a pushforward object that implements `Pushforward` for each of the 2 patterns below and for the runtime `MaybeZero` pattern.

# Patterns

Each pattern below is a separately compiled body: the declared pushforward with the statements that only feed zero terms removed. Mask bit `i` is set when tangent `i` is `Zero`.

## `da` (mask 0)

Keeps 2 of the 2 statements of the declared body.

```text
fn pattern_0(da: Array2<T>) -> Array1<T::Real> {
    checks::check_shape("svdvals", "dA", da.shape(), &[u.nrows(), vt.ncols()]);
    pushforward::singular_value_tangents(u.view(), vt.view(), da.view())
}
```

## `Zero` (mask 1)

Runs nothing: every result is `Zero` (`NoTangent` stays).

```text
fn pattern_1(_: Zero) -> Zero {
    Zero
}
```

*/
        pub fn frule<T: Field>(
            a: ArrayView2<'_, T>,
        ) -> (Array1<T::Real>, impl SvdvalsPushforward<T> + use<T>) {
            let (u, s, vt) = T::thin_svd("svdvals", a);
            let __value = s;
            let __pb = __new_forward(
                (u, vt),
                |__caps, da: Array2<T>| -> Array1<T::Real> {
                    checks::check_shape(
                        "svdvals",
                        "dA",
                        da.shape(),
                        &[__caps.0.nrows(), __caps.1.ncols()],
                    );
                    pushforward::singular_value_tangents(
                        __caps.0.view(),
                        __caps.1.view(),
                        da.view(),
                    )
                },
                |__caps, _: __rt::Zero| -> __rt::Zero { __rt::Zero },
            );
            (__value, __pb)
        }
    }
};
/// The pullback of `svdvals::rrule`: every `Pullback` pattern it returns, and `Patterns`. A function that forwards to the rule can return `impl SvdvalsPullback` without restating them. Generated by `#[rrule]`.
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
pub trait SvdvalsPullback<
    T: Field,
>: ::rules_core::__private::Pullback<
        ::rules_core::__private::Zero,
        Output = ::rules_core::__private::Zero,
    > + ::rules_core::__private::Pullback<
        ::rules_core::__private::MaybeZero<Array1<T::Real>>,
        Output = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::Patterns<
        Array1<T::Real>,
        Output = Array2<T>,
        Runtime = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        Array1<T::Real>,
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        ::rules_core::__private::Zero,
        Output = ::rules_core::__private::Zero,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        Array1<T::Real>,
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        ::rules_core::__private::Zero,
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        [bool; 1usize],
        ::rules_core::__private::MaybeZero<Array1<T::Real>>,
        Output = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::PullbackForOnce<
        [bool; 1usize],
        ::rules_core::__private::MaybeZero<Array1<T::Real>>,
    > + ::rules_core::__private::PullbackOnce<
        Array1<T::Real>,
    > + ::rules_core::__private::PullbackOnce<
        ::rules_core::__private::Zero,
    > + ::rules_core::__private::PullbackOnce<
        ::rules_core::__private::MaybeZero<Array1<T::Real>>,
    > {}
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
impl<T: Field, __P> SvdvalsPullback<T> for __P
where
    __P: ::rules_core::__private::Pullback<
            ::rules_core::__private::Zero,
            Output = ::rules_core::__private::Zero,
        >
        + ::rules_core::__private::Pullback<
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
            Output = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::Patterns<
            Array1<T::Real>,
            Output = Array2<T>,
            Runtime = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            Array1<T::Real>,
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            ::rules_core::__private::Zero,
            Output = ::rules_core::__private::Zero,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            Array1<T::Real>,
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            ::rules_core::__private::Zero,
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            [bool; 1usize],
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
            Output = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::PullbackForOnce<
            [bool; 1usize],
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
        > + ::rules_core::__private::PullbackOnce<Array1<T::Real>>
        + ::rules_core::__private::PullbackOnce<::rules_core::__private::Zero>
        + ::rules_core::__private::PullbackOnce<
            ::rules_core::__private::MaybeZero<Array1<T::Real>>,
        >,
{}
/// The pushforward of `svdvals::frule`: every `Pushforward` pattern it returns, and `PushforwardPatterns`. A function that forwards to the rule can return `impl SvdvalsPushforward` without restating them. Generated by `#[frule]`.
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
pub trait SvdvalsPushforward<
    T: Field,
>: ::rules_core::__private::Pushforward<
        ::rules_core::__private::Zero,
        Output = ::rules_core::__private::Zero,
    > + ::rules_core::__private::Pushforward<
        ::rules_core::__private::MaybeZero<Array2<T>>,
        Output = ::rules_core::__private::MaybeZero<Array1<T::Real>>,
    > + ::rules_core::__private::PushforwardPatterns<
        Array2<T>,
        Output = Array1<T::Real>,
        Runtime = ::rules_core::__private::MaybeZero<Array1<T::Real>>,
    > {}
#[allow(
    unused_imports,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_parens,
    unused_braces,
    unused_qualifications,
    unreachable_code,
    non_camel_case_types,
    dead_code,
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
impl<T: Field, __P> SvdvalsPushforward<T> for __P
where
    __P: ::rules_core::__private::Pushforward<
            ::rules_core::__private::Zero,
            Output = ::rules_core::__private::Zero,
        >
        + ::rules_core::__private::Pushforward<
            ::rules_core::__private::MaybeZero<Array2<T>>,
            Output = ::rules_core::__private::MaybeZero<Array1<T::Real>>,
        >
        + ::rules_core::__private::PushforwardPatterns<
            Array2<T>,
            Output = Array1<T::Real>,
            Runtime = ::rules_core::__private::MaybeZero<Array1<T::Real>>,
        >,
{}
const _: () = {
    #[allow(unused_imports)]
    use frule as _;
};
