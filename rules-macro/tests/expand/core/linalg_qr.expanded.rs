use faer::linalg::matmul::triangular::BlockStructure;
use faer_ext::IntoFaer;
use ndarray::{Array2, ArrayView2, ShapeBuilder, s};
use super::checks::{self, Part, check_shape};
use super::{Real, matmul};
use super::{cholqr, householder};
use crate::{MaybeZero, frule, rrule};
/// The thin QR factorisation `A = Q R`: `Q` (m×k, orthonormal columns) and `R` (k×n, upper
/// triangular, diagonal non-negative), `k = min(m, n)`.
///
/// With R's diagonal positive the factorisation of a full-rank matrix is unique, so the pullback
/// has no sign gauge to worry about. Tall inputs (`m ≥ 4n`) go through the same Cholesky QR as
/// [`svd`](super::svd()) (streamed row blocks on all cores, its accuracy checked); the others, and
/// any input Cholesky QR cannot certify, through a blocked Householder QR (32-column panels, the
/// trailing updates and the forming of `Q` as faer's matrix products; `linalg/householder.rs`). Inputs outside LAPACK's
/// safe range are scaled by a power of two first.
///
/// The pullback is `Ā = (Q̄ + Q N) R⁻ᵀ` with `N` the symmetric matrix built from the upper
/// triangle of `R̄ Rᵀ − Qᵀ Q̄` (derivation below). It never forms `Q Qᵀ`, and it
/// writes `Ā` into `Q̄`'s buffer when `Q̄` has the output's shape (`m ≥ n`), so that pattern
/// allocates only n×n matrices. The signature returns `Array2`, so `qr::rrule` keeps its own copy
/// of `Q` and `R` for the pullback (the plain `qr` makes none). The `(Zero, R̄)` pattern is `Q · sym_upper(R̄ Rᵀ) · R⁻ᵀ`; the
/// `(Q̄, Zero)` pattern drops `R̄ Rᵀ`.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::qr;
/// use rules_core::{Pullback, Zero};
///
/// let a: ndarray::Array2<f64> = array![[3.0, 1.0], [4.0, 2.0], [0.0, 2.0]];
/// let ((q, r), pb) = qr::rrule(a.view());
/// assert!((q.dot(&r) - &a).iter().all(|e| e.abs() < 1e-14));
/// assert!(r[[0, 0]] > 0.0 && r[[1, 1]] > 0.0 && r[[1, 0]] == 0.0);
/// // ‖R‖²_F = ‖A‖²_F, so R̄ = 2R must give Ā = 2A.
/// let g = pb.pullback((Zero, &r * 2.0));
/// assert!((g - &a * 2.0).iter().all(|e: &f64| e.abs() < 1e-13));
/// ```
///
/// # Derivation
///
/// For `A = Q R` with `m ≥ n` and cotangents `Q̄`, `R̄`: from `dA = dQ R + Q dR`, the matrix
/// `X = Qᵀ dA R⁻¹` splits into the antisymmetric `QᵀdQ` (its strictly lower part minus that
/// part's transpose) and the upper triangular `dR R⁻¹`. Pairing with the cotangents gives
///
/// ```text
/// M = R̄ Rᵀ − Qᵀ Q̄                    (n×n)
/// N = sym_upper(M)                     the upper triangle of M, mirrored
/// Ā = (Q̄ + Q N) R⁻ᵀ                    a triangular solve, in Q̄'s buffer
/// ```
///
/// For `m < n`, `A = Q [R₁ R₂]` with `R₁` m×m: `Q R₁` is a square factorisation and `R₂ = Qᵀ Y`
/// for the trailing columns `Y`, so the square rule runs with `Q̄ + Y R̄₂ᵀ` in place of `Q̄`
/// (folded into `M` and `N` as `∓ R₂ R̄₂ᵀ`), and the trailing columns of `Ā` are `Q R̄₂`.
///
/// # Patterns
///
/// `(Q̄, R̄)` as above; `(Zero, R̄)` drops `Qᵀ Q̄` and computes `Q N` into a new array;
/// `(Q̄, Zero)` drops `R̄ Rᵀ` (and, for a wide input, the trailing columns' product); `(Zero,
/// Zero)` runs nothing.
///
/// # Accuracy
///
/// The Cholesky QR path checks its own result (see `linalg/cholqr.rs`). The Householder path
/// gives every column its reflector, however small its remaining norm, so `Q R = A` holds to a
/// few ulps of `‖A‖` on every finite input, rank-deficient ones included (tested normwise at
/// `20·ε`, measured 4–5·ε), and `Q` is orthonormal to rounding.
///
/// # Rank-deficient inputs
///
/// When a diagonal entry of `R` is zero (`A` without full rank `k` in its leading columns), the
/// corresponding columns of `Q` are not determined by `A` and the derivative does not exist:
/// the pullback divides by that entry and returns ±∞ or NaN, as PyTorch's and JAX's do. Use
/// [`svd`](super::svd()) or [`pinv`](super::pinv()) there: their pullbacks stay finite (the
/// gauge-invariant, respectively fixed-rank, derivative). Near a rank deficiency the gradient is
/// large; `min_i r_ii` against `r_00` tells how near.
///
/// # Memory
///
/// The whole gradient at 500×500 holds 5.0× the input (`perf_report -- --linalg`): the caller's
/// `Q` and `R`, the pullback's own copies (the signature returns owned arrays), and one k×k
/// core; `Ā` is written into `Q̄`'s buffer (for `m ≥ n`; a wide input's `Ā` is a new array).
/// The forward alone holds its column-major copy of the input, which becomes `Q` (for
/// `m ≥ n`), and `R`.
///
/// # Panics
/// If `a` holds NaN or ±∞ (naming the entry), and in the pullback or the pushforward if a
/// cotangent's or tangent's shape differs from its output's or input's. The pushforward (`Q̇ =
/// B − Q W`, `Ṙ = W R` with `B = Ȧ R⁻¹`) divides by `R`'s diagonal as the pullback does: ±∞ or
/// NaN at a rank-deficient input.
#[allow(
    unused_variables,
    unused_mut,
    clippy::needless_pass_by_value,
    clippy::assign_op_pattern
)]
pub fn qr<T: Real>(a: ArrayView2<'_, T>) -> (Array2<T>, Array2<T>) {
    let (q, r) = factor(a);
    (q, r)
}
/// The differentiation rules of [`qr()`]: `qr::rrule` and `qr::frule` (value and pullback, or value and pushforward). Generated by `#[rrule]` and `#[frule]`.
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
pub struct qr {}
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
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __M,
    > {
        caps: __C,
        f0: __F0,
        f1: __F1,
        f2: __F2,
        f3: __F3,
        f0w0: __F0w0,
        f1w0: __F1w0,
        f2w0: __F2w0,
        f3w0: __F3w0,
        marker: __rt::PhantomData<__M>,
    }
    #[doc(hidden)]
    #[inline]
    pub fn __new<T: Real, __C, __F0, __F1, __F2, __F3, __F0w0, __F1w0, __F2w0, __F3w0>(
        caps: __C,
        f0: __F0,
        f1: __F1,
        f2: __F2,
        f3: __F3,
        f0w0: __F0w0,
        f1w0: __F1w0,
        f2w0: __F2w0,
        f3w0: __F3w0,
    ) -> __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        __Pullback {
            caps,
            f0,
            f1,
            f2,
            f3,
            f0w0,
            f1w0,
            f2w0,
            f3w0,
            marker: __rt::PhantomData,
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::Pullback<(Array2<T>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(&self, cotangent: (Array2<T>, Array2<T>)) -> Array2<T> {
            (self.f0)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::Pullback<(__rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(&self, cotangent: (__rt::Zero, Array2<T>)) -> Array2<T> {
            (self.f1)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::Pullback<(Array2<T>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback(&self, cotangent: (Array2<T>, __rt::Zero)) -> Array2<T> {
            (self.f2)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::Pullback<(__rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Zero,
    {
        type Output = __rt::Zero;
        #[inline]
        fn pullback(&self, cotangent: (__rt::Zero, __rt::Zero)) -> __rt::Zero {
            (self.f3)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::Pullback<(__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::MaybeZero<Array2<T>>;
        fn pullback(
            &self,
            cotangent: (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>),
        ) -> __rt::MaybeZero<Array2<T>> {
            match cotangent {
                (__rt::MaybeZero::Value(__c0), __rt::MaybeZero::Value(__c1)) => {
                    let __o = (self.f0)(&self.caps, __c0, __c1);
                    __rt::MaybeZero::Value(__o)
                }
                (__rt::MaybeZero::Zero, __rt::MaybeZero::Value(__c1)) => {
                    let __o = (self.f1)(&self.caps, __rt::Zero, __c1);
                    __rt::MaybeZero::Value(__o)
                }
                (__rt::MaybeZero::Value(__c0), __rt::MaybeZero::Zero) => {
                    let __o = (self.f2)(&self.caps, __c0, __rt::Zero);
                    __rt::MaybeZero::Value(__o)
                }
                (__rt::MaybeZero::Zero, __rt::MaybeZero::Zero) => __rt::MaybeZero::Zero,
            }
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::Patterns<(Array2<T>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Runtime = __rt::MaybeZero<Array2<T>>;
        const COTANGENTS: &'static [&'static str] = &["dq", "dr"];
        const INPUTS: &'static [&'static str] = &["a"];
        fn pullback_static(
            &self,
            zero_mask: u64,
            cotangent: (Array2<T>, Array2<T>),
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            let (__c0, __c1) = cotangent;
            match zero_mask {
                0u64 => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0, __c1);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                1u64 => {
                    __rt::Option::Some({
                        let __o = (self.f1)(&self.caps, __rt::Zero, __c1);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                2u64 => {
                    __rt::Option::Some({
                        let __o = (self.f2)(&self.caps, __c0, __rt::Zero);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                3u64 => __rt::Option::Some(__rt::MaybeZero::Zero),
                _ => __rt::Option::None,
            }
        }
        fn pullback_runtime(
            &self,
            zero_mask: u64,
            cotangent: (Array2<T>, Array2<T>),
        ) -> __rt::MaybeZero<Array2<T>> {
            let (__c0, __c1) = cotangent;
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
            <Self as __rt::Pullback<
                (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>),
            >>::pullback(self, (__c0, __c1))
        }
        fn pullback_for_static(
            &self,
            wanted: u64,
            zero_mask: u64,
            cotangent: (Array2<T>, Array2<T>),
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            let (__c0, __c1) = cotangent;
            match (wanted, zero_mask) {
                (1u64, 0u64) => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0, __c1);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 1u64) => {
                    __rt::Option::Some({
                        let __o = (self.f1)(&self.caps, __rt::Zero, __c1);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 2u64) => {
                    __rt::Option::Some({
                        let __o = (self.f2)(&self.caps, __c0, __rt::Zero);
                        __rt::MaybeZero::Value(__o)
                    })
                }
                (1u64, 3u64) => __rt::Option::Some(__rt::MaybeZero::Zero),
                (0u64, 0u64) => {
                    __rt::Option::Some({
                        let __o = (self.f0w0)(&self.caps, __c0, __c1);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 1u64) => {
                    __rt::Option::Some({
                        let __o = (self.f1w0)(&self.caps, __rt::Zero, __c1);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 2u64) => {
                    __rt::Option::Some({
                        let __o = (self.f2w0)(&self.caps, __c0, __rt::Zero);
                        __rt::MaybeZero::Zero
                    })
                }
                (0u64, 3u64) => __rt::Option::Some(__rt::MaybeZero::Zero),
                _ => __rt::Option::None,
            }
        }
        fn pullback_for_runtime(
            &self,
            wanted: u64,
            zero_mask: u64,
            cotangent: (Array2<T>, Array2<T>),
        ) -> __rt::Option<__rt::MaybeZero<Array2<T>>> {
            if wanted >= 2u64 {
                return __rt::Option::None;
            }
            let __sel: [bool; 1usize] = ::core::array::from_fn(|j| {
                wanted & (1u64 << j) != 0
            });
            let (__c0, __c1) = cotangent;
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
            __rt::Option::Some(
                <Self as __rt::PullbackFor<
                    [bool; 1usize],
                    (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>),
                >>::pullback_for(self, __sel, (__c0, __c1)),
            )
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<__rt::Need, (Array2<T>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (Array2<T>, Array2<T>),
        ) -> Array2<T> {
            (self.f0)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<__rt::Need, (__rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (__rt::Zero, Array2<T>),
        ) -> Array2<T> {
            (self.f1)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<__rt::Need, (Array2<T>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> Array2<T>,
    {
        type Output = Array2<T>;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (Array2<T>, __rt::Zero),
        ) -> Array2<T> {
            (self.f2)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<__rt::Need, (__rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Zero,
    {
        type Output = __rt::Zero;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Need,
            cotangent: (__rt::Zero, __rt::Zero),
        ) -> __rt::Zero {
            (self.f3)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<__rt::Skip, (Array2<T>, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F0w0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (Array2<T>, Array2<T>),
        ) -> __rt::Skip {
            (self.f0w0)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<__rt::Skip, (__rt::Zero, Array2<T>)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, Array2<T>),
        ) -> __rt::Skip {
            (self.f1w0)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<__rt::Skip, (Array2<T>, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (Array2<T>, __rt::Zero),
        ) -> __rt::Skip {
            (self.f2w0)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<__rt::Skip, (__rt::Zero, __rt::Zero)>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::Skip;
        #[inline]
        fn pullback_for(
            &self,
            _: __rt::Skip,
            cotangent: (__rt::Zero, __rt::Zero),
        ) -> __rt::Skip {
            (self.f3w0)(&self.caps, cotangent.0, cotangent.1)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
    > __rt::PullbackFor<
        [bool; 1usize],
        (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>),
    >
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> Array2<T>,
        __F1: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> Array2<T>,
        __F2: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> Array2<T>,
        __F3: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Zero,
        __F0w0: ::core::ops::Fn(&__C, Array2<T>, Array2<T>) -> __rt::Skip,
        __F1w0: ::core::ops::Fn(&__C, __rt::Zero, Array2<T>) -> __rt::Skip,
        __F2w0: ::core::ops::Fn(&__C, Array2<T>, __rt::Zero) -> __rt::Skip,
        __F3w0: ::core::ops::Fn(&__C, __rt::Zero, __rt::Zero) -> __rt::Skip,
    {
        type Output = __rt::MaybeZero<Array2<T>>;
        fn pullback_for(
            &self,
            wanted: [bool; 1usize],
            cotangent: (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>),
        ) -> __rt::MaybeZero<Array2<T>> {
            let __w = wanted
                .iter()
                .enumerate()
                .fold(0u64, |m, (j, &b)| if b { m | (1u64 << j) } else { m });
            match cotangent {
                (__rt::MaybeZero::Value(__c0), __rt::MaybeZero::Value(__c1)) => {
                    match __w {
                        0u64 => {
                            let __o = (self.f0w0)(&self.caps, __c0, __c1);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.f0)(&self.caps, __c0, __c1);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (__rt::MaybeZero::Zero, __rt::MaybeZero::Value(__c1)) => {
                    match __w {
                        0u64 => {
                            let __o = (self.f1w0)(&self.caps, __rt::Zero, __c1);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.f1)(&self.caps, __rt::Zero, __c1);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (__rt::MaybeZero::Value(__c0), __rt::MaybeZero::Zero) => {
                    match __w {
                        0u64 => {
                            let __o = (self.f2w0)(&self.caps, __c0, __rt::Zero);
                            __rt::MaybeZero::Zero
                        }
                        _ => {
                            let __o = (self.f2)(&self.caps, __c0, __rt::Zero);
                            __rt::MaybeZero::Value(__o)
                        }
                    }
                }
                (__rt::MaybeZero::Zero, __rt::MaybeZero::Zero) => {
                    match __w {
                        0u64 => __rt::MaybeZero::Zero,
                        _ => __rt::MaybeZero::Zero,
                    }
                }
            }
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __X,
    > __rt::PullbackOnce<__X>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        Self: __rt::Pullback<__X>,
    {
        #[inline]
        fn pullback_once(self, cotangent: __X) -> <Self as __rt::Pullback<__X>>::Output {
            __rt::Pullback::pullback(&self, cotangent)
        }
    }
    impl<
        T: Real,
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        __W,
        __X,
    > __rt::PullbackForOnce<__W, __X>
    for __Pullback<
        __C,
        __F0,
        __F1,
        __F2,
        __F3,
        __F0w0,
        __F1w0,
        __F2w0,
        __F3w0,
        fn() -> (T,),
    >
    where
        Self: __rt::PullbackFor<__W, __X>,
    {
        #[inline]
        fn pullback_for_once(
            self,
            wanted: __W,
            cotangent: __X,
        ) -> <Self as __rt::PullbackFor<__W, __X>>::Output {
            __rt::PullbackFor::pullback_for(&self, wanted, cotangent)
        }
    }
    impl qr {
        /**Runs `qr` and returns its value with a pullback object that implements `Pullback` for each of the 4 patterns below and for the runtime `MaybeZero` pattern.

# Patterns

Each pattern below is a separately compiled body: the declared pullback with the statements that only feed zero terms removed. Mask bit `i` is set when cotangent `i` is `Zero`.

## `(dq, dr)` (mask 0)

Keeps 6 of the 6 statements of the declared body.

```text
fn pattern_0(dq: Array2<T>, dr: Array2<T>) -> Array2<T> {
    check_shape("qr", "dQ", dq.shape(), qk.shape());
    check_shape("qr", "dR", dr.shape(), rk.shape());
    let rt = r_terms(&rk, &dr);
    let core = core(rt, &qk, &dq);
    let da = assemble(&qk, &rk, core, dq, &dr);
    da
}
```

## `(Zero, dr)` (mask 1)

Keeps 5 of the 6 statements of the declared body.

```text
fn pattern_1(_: Zero, dr: Array2<T>) -> Array2<T> {
    check_shape("qr", "dR", dr.shape(), rk.shape());
    let rt = r_terms(&rk, &dr);
    let core = core(rt, &qk, Zero);
    let da = assemble(&qk, &rk, core, Zero, &dr);
    da
}
```

## `(dq, Zero)` (mask 2)

Keeps 4 of the 6 statements of the declared body.

```text
fn pattern_2(dq: Array2<T>, _: Zero) -> Array2<T> {
    check_shape("qr", "dQ", dq.shape(), qk.shape());
    let core = core(Zero, &qk, &dq);
    let da = assemble(&qk, &rk, core, dq, Zero);
    da
}
```

## `(Zero, Zero)` (mask 3)

Runs nothing: every result is `Zero` (`NoTangent` stays).

```text
fn pattern_3(_: Zero, _: Zero) -> Zero {
    Zero
}
```

*/
        pub fn rrule<T: Real>(
            a: ArrayView2<'_, T>,
        ) -> ((Array2<T>, Array2<T>), impl QrPullback<T> + use<T>) {
            let (q, r) = factor(a);
            let (qk, rk) = (q.clone(), r.clone());
            let __value = (q, r);
            let __pb = __new(
                (qk, rk),
                |__caps, dq: Array2<T>, dr: Array2<T>| -> Array2<T> {
                    check_shape("qr", "dQ", dq.shape(), __caps.0.shape());
                    check_shape("qr", "dR", dr.shape(), __caps.1.shape());
                    let rt = r_terms(&__caps.1, &dr);
                    let core = core(rt, &__caps.0, &dq);
                    let da = assemble(&__caps.0, &__caps.1, core, dq, &dr);
                    da
                },
                |__caps, _: __rt::Zero, dr: Array2<T>| -> Array2<T> {
                    check_shape("qr", "dR", dr.shape(), __caps.1.shape());
                    let rt = r_terms(&__caps.1, &dr);
                    let core = core(rt, &__caps.0, __rt::Zero);
                    let da = assemble(&__caps.0, &__caps.1, core, __rt::Zero, &dr);
                    da
                },
                |__caps, dq: Array2<T>, _: __rt::Zero| -> Array2<T> {
                    check_shape("qr", "dQ", dq.shape(), __caps.0.shape());
                    let core = core(__rt::Zero, &__caps.0, &dq);
                    let da = assemble(&__caps.0, &__caps.1, core, dq, __rt::Zero);
                    da
                },
                |__caps, _: __rt::Zero, _: __rt::Zero| -> __rt::Zero { __rt::Zero },
                |__caps, dq: Array2<T>, dr: Array2<T>| -> __rt::Skip {
                    check_shape("qr", "dQ", dq.shape(), __caps.0.shape());
                    check_shape("qr", "dR", dr.shape(), __caps.1.shape());
                    __rt::Skip
                },
                |__caps, _: __rt::Zero, dr: Array2<T>| -> __rt::Skip {
                    check_shape("qr", "dR", dr.shape(), __caps.1.shape());
                    __rt::Skip
                },
                |__caps, dq: Array2<T>, _: __rt::Zero| -> __rt::Skip {
                    check_shape("qr", "dQ", dq.shape(), __caps.0.shape());
                    __rt::Skip
                },
                |__caps, _: __rt::Zero, _: __rt::Zero| -> __rt::Skip { __rt::Skip },
            );
            (__value, __pb)
        }
        /// Calls `qr` on a tape: each differentiable argument is a `Var` (or `&Var`) or a constant, each `NoTangent` argument is passed plain. With no `Var` argument nothing is recorded and the primal runs; otherwise the pullback is recorded, and the backward pass asks it only for the cotangents of the `Var` arguments. See `rules_core::tape`. Generated by `#[rrule]`.
        #[allow(clippy::too_many_arguments, clippy::type_complexity)]
        pub fn on<'__t, T: Real, __A0>(
            __tape: &'__t __rt::tape::Tape<'__t, '_>,
            a: __A0,
        ) -> (__rt::tape::Var<'__t, Array2<T>>, __rt::tape::Var<'__t, Array2<T>>)
        where
            T: 'static,
            __A0: for<'__s> __rt::tape::ArgRef<
                '__s,
                '__t,
                ArrayView2<'__s, T>,
                Array2<T>,
            >,
            (Array2<T>, Array2<T>): 'static,
            (
                __rt::MaybeZero<Array2<T>>,
                __rt::MaybeZero<Array2<T>>,
            ): __rt::tape::Cotangents<'__t>,
            __rt::MaybeZero<Array2<T>>: __rt::tape::Routes<'__t, 1usize>,
        {
            let __l0 = __rt::tape::ArgRef::lend_ref(&a, __tape, "qr");
            let __sources = [__l0.source()];
            if __sources.iter().all(__rt::Option::is_none) {
                let (__y0, __y1) = __tape.primal((__l0,), move |(__v0,)| qr(__v0));
                return (__tape.constant(__y0), __tape.constant(__y1));
            }
            let (__node, __value) = match __tape
                .record(
                    (__l0,),
                    __sources,
                    move |(__v0,)| ::core::result::Result::<
                        _,
                        ::core::convert::Infallible,
                    >::Ok(qr::rrule(__v0)),
                    |
                        __pb,
                        __need: [bool; 1usize],
                        __c: (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>)|
                    __rt::PullbackForOnce::<
                        [bool; 1usize],
                        (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>),
                    >::pullback_for_once(__pb, __need, __c),
                )
            {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => match e {}
            };
            let (__y0, __y1) = __value;
            (
                __tape.output::<Array2<T>, _>(__node, 0u32, __y0),
                __tape.output::<Array2<T>, _>(__node, 1u32, __y1),
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
    pub fn __new_forward<T: Real, __C, __F0, __F1>(
        caps: __C,
        f0: __F0,
        f1: __F1,
    ) -> __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>) -> (Array2<T>, Array2<T>),
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> (__rt::Zero, __rt::Zero),
    {
        __Pushforward {
            caps,
            f0,
            f1,
            marker: __rt::PhantomData,
        }
    }
    impl<T: Real, __C, __F0, __F1> __rt::Pushforward<Array2<T>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>) -> (Array2<T>, Array2<T>),
    {
        type Output = (Array2<T>, Array2<T>);
        #[inline]
        fn pushforward(&self, cotangent: Array2<T>) -> (Array2<T>, Array2<T>) {
            (self.f0)(&self.caps, cotangent)
        }
    }
    impl<T: Real, __C, __F0, __F1> __rt::Pushforward<__rt::Zero>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> (__rt::Zero, __rt::Zero),
    {
        type Output = (__rt::Zero, __rt::Zero);
        #[inline]
        fn pushforward(&self, cotangent: __rt::Zero) -> (__rt::Zero, __rt::Zero) {
            (self.f1)(&self.caps, cotangent)
        }
    }
    impl<T: Real, __C, __F0, __F1> __rt::Pushforward<__rt::MaybeZero<Array2<T>>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>) -> (Array2<T>, Array2<T>),
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> (__rt::Zero, __rt::Zero),
    {
        type Output = (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>);
        fn pushforward(
            &self,
            cotangent: __rt::MaybeZero<Array2<T>>,
        ) -> (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>) {
            match cotangent {
                __rt::MaybeZero::Value(__c0) => {
                    let __o = (self.f0)(&self.caps, __c0);
                    (__rt::MaybeZero::Value(__o.0), __rt::MaybeZero::Value(__o.1))
                }
                __rt::MaybeZero::Zero => (__rt::MaybeZero::Zero, __rt::MaybeZero::Zero),
            }
        }
    }
    impl<T: Real, __C, __F0, __F1> __rt::PushforwardPatterns<Array2<T>>
    for __Pushforward<__C, __F0, __F1, fn() -> (T,)>
    where
        __F0: ::core::ops::Fn(&__C, Array2<T>) -> (Array2<T>, Array2<T>),
        __F1: ::core::ops::Fn(&__C, __rt::Zero) -> (__rt::Zero, __rt::Zero),
    {
        type Runtime = (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>);
        const TANGENTS: &'static [&'static str] = &["da"];
        const OUTPUTS: &'static [&'static str] = &["output 0", "output 1"];
        fn pushforward_static(
            &self,
            zero_mask: u64,
            cotangent: Array2<T>,
        ) -> __rt::Option<(__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>)> {
            let __c0 = cotangent;
            match zero_mask {
                0u64 => {
                    __rt::Option::Some({
                        let __o = (self.f0)(&self.caps, __c0);
                        (__rt::MaybeZero::Value(__o.0), __rt::MaybeZero::Value(__o.1))
                    })
                }
                1u64 => {
                    __rt::Option::Some((__rt::MaybeZero::Zero, __rt::MaybeZero::Zero))
                }
                _ => __rt::Option::None,
            }
        }
        fn pushforward_runtime(
            &self,
            zero_mask: u64,
            cotangent: Array2<T>,
        ) -> (__rt::MaybeZero<Array2<T>>, __rt::MaybeZero<Array2<T>>) {
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
    impl qr {
        /**Runs `qr` and returns its value with a pushforward object that implements `Pushforward` for each of the 2 patterns below and for the runtime `MaybeZero` pattern.

# Patterns

Each pattern below is a separately compiled body: the declared pushforward with the statements that only feed zero terms removed. Mask bit `i` is set when tangent `i` is `Zero`.

## `da` (mask 0)

Keeps 2 of the 2 statements of the declared body.

```text
fn pattern_0(da: Array2<T>) -> (Array2<T>, Array2<T>) {
    check_shape("qr", "dA", da.shape(), &[qk.nrows(), rk.ncols()]);
    pushforward(&qk, &rk, da)
}
```

## `Zero` (mask 1)

Runs nothing: every result is `Zero` (`NoTangent` stays).

```text
fn pattern_1(_: Zero) -> (Zero, Zero) {
    (Zero, Zero)
}
```

*/
        pub fn frule<T: Real>(
            a: ArrayView2<'_, T>,
        ) -> ((Array2<T>, Array2<T>), impl QrPushforward<T> + use<T>) {
            let (q, r) = factor(a);
            let (qk, rk) = (q.clone(), r.clone());
            let __value = (q, r);
            let __pb = __new_forward(
                (qk, rk),
                |__caps, da: Array2<T>| -> (Array2<T>, Array2<T>) {
                    check_shape(
                        "qr",
                        "dA",
                        da.shape(),
                        &[__caps.0.nrows(), __caps.1.ncols()],
                    );
                    pushforward(&__caps.0, &__caps.1, da)
                },
                |__caps, _: __rt::Zero| -> (__rt::Zero, __rt::Zero) {
                    (__rt::Zero, __rt::Zero)
                },
            );
            (__value, __pb)
        }
    }
};
/// The pullback of `qr::rrule`: every `Pullback` pattern it returns, and `Patterns`. A function that forwards to the rule can return `impl QrPullback` without restating them. Generated by `#[rrule]`.
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
pub trait QrPullback<
    T: Real,
>: ::rules_core::__private::Pullback<
        (::rules_core::__private::Zero, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::Pullback<
        (Array2<T>, ::rules_core::__private::Zero),
        Output = Array2<T>,
    > + ::rules_core::__private::Pullback<
        (::rules_core::__private::Zero, ::rules_core::__private::Zero),
        Output = ::rules_core::__private::Zero,
    > + ::rules_core::__private::Pullback<
        (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
        Output = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::Patterns<
        (Array2<T>, Array2<T>),
        Output = Array2<T>,
        Runtime = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (Array2<T>, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (::rules_core::__private::Zero, Array2<T>),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (Array2<T>, ::rules_core::__private::Zero),
        Output = Array2<T>,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Need,
        (::rules_core::__private::Zero, ::rules_core::__private::Zero),
        Output = ::rules_core::__private::Zero,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (Array2<T>, Array2<T>),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (::rules_core::__private::Zero, Array2<T>),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (Array2<T>, ::rules_core::__private::Zero),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        ::rules_core::__private::Skip,
        (::rules_core::__private::Zero, ::rules_core::__private::Zero),
        Output = ::rules_core::__private::Skip,
    > + ::rules_core::__private::PullbackFor<
        [bool; 1usize],
        (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
        Output = ::rules_core::__private::MaybeZero<Array2<T>>,
    > + ::rules_core::__private::PullbackForOnce<
        [bool; 1usize],
        (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
    > + ::rules_core::__private::PullbackOnce<
        (Array2<T>, Array2<T>),
    > + ::rules_core::__private::PullbackOnce<
        (::rules_core::__private::Zero, Array2<T>),
    > + ::rules_core::__private::PullbackOnce<
        (Array2<T>, ::rules_core::__private::Zero),
    > + ::rules_core::__private::PullbackOnce<
        (::rules_core::__private::Zero, ::rules_core::__private::Zero),
    > + ::rules_core::__private::PullbackOnce<
        (
            ::rules_core::__private::MaybeZero<Array2<T>>,
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
impl<T: Real, __P> QrPullback<T> for __P
where
    __P: ::rules_core::__private::Pullback<
            (::rules_core::__private::Zero, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::Pullback<
            (Array2<T>, ::rules_core::__private::Zero),
            Output = Array2<T>,
        >
        + ::rules_core::__private::Pullback<
            (::rules_core::__private::Zero, ::rules_core::__private::Zero),
            Output = ::rules_core::__private::Zero,
        >
        + ::rules_core::__private::Pullback<
            (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
            Output = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::Patterns<
            (Array2<T>, Array2<T>),
            Output = Array2<T>,
            Runtime = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (Array2<T>, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (::rules_core::__private::Zero, Array2<T>),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (Array2<T>, ::rules_core::__private::Zero),
            Output = Array2<T>,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Need,
            (::rules_core::__private::Zero, ::rules_core::__private::Zero),
            Output = ::rules_core::__private::Zero,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (Array2<T>, Array2<T>),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (::rules_core::__private::Zero, Array2<T>),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (Array2<T>, ::rules_core::__private::Zero),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            ::rules_core::__private::Skip,
            (::rules_core::__private::Zero, ::rules_core::__private::Zero),
            Output = ::rules_core::__private::Skip,
        >
        + ::rules_core::__private::PullbackFor<
            [bool; 1usize],
            (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
            Output = ::rules_core::__private::MaybeZero<Array2<T>>,
        >
        + ::rules_core::__private::PullbackForOnce<
            [bool; 1usize],
            (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
        > + ::rules_core::__private::PullbackOnce<(Array2<T>, Array2<T>)>
        + ::rules_core::__private::PullbackOnce<
            (::rules_core::__private::Zero, Array2<T>),
        >
        + ::rules_core::__private::PullbackOnce<
            (Array2<T>, ::rules_core::__private::Zero),
        >
        + ::rules_core::__private::PullbackOnce<
            (::rules_core::__private::Zero, ::rules_core::__private::Zero),
        >
        + ::rules_core::__private::PullbackOnce<
            (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
        >,
{}
/// The pushforward of `qr::frule`: every `Pushforward` pattern it returns, and `PushforwardPatterns`. A function that forwards to the rule can return `impl QrPushforward` without restating them. Generated by `#[frule]`.
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
pub trait QrPushforward<
    T: Real,
>: ::rules_core::__private::Pushforward<
        ::rules_core::__private::Zero,
        Output = (::rules_core::__private::Zero, ::rules_core::__private::Zero),
    > + ::rules_core::__private::Pushforward<
        ::rules_core::__private::MaybeZero<Array2<T>>,
        Output = (
            ::rules_core::__private::MaybeZero<Array2<T>>,
            ::rules_core::__private::MaybeZero<Array2<T>>,
        ),
    > + ::rules_core::__private::PushforwardPatterns<
        Array2<T>,
        Output = (Array2<T>, Array2<T>),
        Runtime = (
            ::rules_core::__private::MaybeZero<Array2<T>>,
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
impl<T: Real, __P> QrPushforward<T> for __P
where
    __P: ::rules_core::__private::Pushforward<
            ::rules_core::__private::Zero,
            Output = (::rules_core::__private::Zero, ::rules_core::__private::Zero),
        >
        + ::rules_core::__private::Pushforward<
            ::rules_core::__private::MaybeZero<Array2<T>>,
            Output = (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
        >
        + ::rules_core::__private::PushforwardPatterns<
            Array2<T>,
            Output = (Array2<T>, Array2<T>),
            Runtime = (
                ::rules_core::__private::MaybeZero<Array2<T>>,
                ::rules_core::__private::MaybeZero<Array2<T>>,
            ),
        >,
{}
const _: () = {
    #[allow(unused_imports)]
    use frule as _;
};
/// `(Q̇, Ṙ)` for the tangent `Ȧ`. For `m ≥ n`: `B = Ȧ R⁻¹` (a triangular solve in `Ȧ`'s
/// buffer), `X = Qᵀ B`, split into the antisymmetric `Ω = QᵀQ̇` (its strictly lower part minus
/// that part's transpose) and the upper triangular `W = X − Ω = Ṙ R⁻¹`:
///
/// ```text
/// Ṙ = W R
/// Q̇ = B − Q W          (= (I − Q Qᵀ) Ȧ R⁻¹ + Q Ω, projection-first, in Ȧ's buffer)
/// ```
///
/// For `m < n` the leading m×m block runs the square rule, and the trailing columns `R₂ = Qᵀ A₂`
/// get `Ṙ₂ = Q̇ᵀ A₂ + Qᵀ Ȧ₂ = −Ω R₂ + Qᵀ Ȧ₂`.
fn pushforward<T: Real>(
    q: &Array2<T>,
    r: &Array2<T>,
    mut da: Array2<T>,
) -> (Array2<T>, Array2<T>) {
    let k = q.ncols();
    let n = r.ncols();
    let r1 = r.slice(s![.., ..k]);
    faer::linalg::triangular_solve::solve_lower_triangular_in_place(
        r1.t().into_faer(),
        da.slice_mut(s![.., ..k]).reversed_axes().into_faer(),
        matmul::parallelism(k),
    );
    let x = matmul::t_mul(q.view(), da.slice(s![.., ..k]));
    let omega = (n > k)
        .then(|| {
            Array2::from_shape_fn(
                (k, k),
                |(i, j)| match i.cmp(&j) {
                    core::cmp::Ordering::Greater => x[[i, j]],
                    core::cmp::Ordering::Less => -x[[j, i]],
                    core::cmp::Ordering::Equal => T::zero(),
                },
            )
        });
    let mut w = x;
    for j in 0..k {
        for i in 0..j {
            let below = w[[j, i]];
            w[[i, j]] += below;
            w[[j, i]] = T::zero();
        }
    }
    let mut dr = Array2::<T>::zeros((k, n));
    matmul::tri_gemm(
        dr.slice_mut(s![.., ..k]),
        false,
        BlockStructure::TriangularUpper,
        w.view(),
        BlockStructure::TriangularUpper,
        r1,
        BlockStructure::TriangularUpper,
        T::one(),
    );
    if let Some(omega) = omega {
        let mut dr2 = dr.slice_mut(s![.., k..]);
        matmul::gemm_adjoint(dr2.view_mut(), false, q.view(), da.slice(s![.., k..]));
        matmul::gemm(dr2, true, omega.view(), r.slice(s![.., k..]), -T::one());
    }
    let mut dq = if n > k { da.slice(s![.., ..k]).to_owned() } else { da };
    matmul::tri_gemm(
        dq.view_mut(),
        true,
        BlockStructure::Rectangular,
        q.view(),
        BlockStructure::Rectangular,
        w.view(),
        BlockStructure::TriangularUpper,
        -T::one(),
    );
    (dq, dr)
}
/// `(Q, R)` of `a`, R's diagonal non-negative.
#[track_caller]
fn factor<T: Real>(a: ArrayView2<'_, T>) -> (Array2<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    let max_abs = checks::max_abs_finite("qr", a, Part::All);
    if max_abs > T::zero() && m >= 4 * n {
        if let Some(red) = cholqr::reduce(a, max_abs) {
            let alpha = red.alpha;
            let r = red.r().mapv(|v| v / alpha);
            let q = red.finish(Array2::eye(n).view());
            return (q, r);
        }
    }
    let mut w = Array2::<T>::zeros((m, n).f());
    w.assign(&a);
    let scale = cholqr::safe_range_scale(max_abs);
    if let Some(alpha) = scale {
        w.mapv_inplace(|v| v * alpha);
    }
    let (mut q, mut r) = householder::thin_qr(w);
    if let Some(alpha) = scale {
        r.mapv_inplace(|v| v / alpha);
    }
    for i in 0..k {
        if r[[i, i]] < T::zero() {
            r.row_mut(i).mapv_inplace(|v| -v);
            q.column_mut(i).mapv_inplace(|v| -v);
        }
    }
    (q, r)
}
/// The terms of `R̄`: `R̄₁ R₁ᵀ − R₂ R̄₂ᵀ`, and `R₂ R̄₂ᵀ` for a wide input (`R = [R₁ R₂]`, `R₁`
/// k×k; for `m ≥ n`, `R₂` is empty and only `R̄ Rᵀ` remains).
pub(crate) struct RTerms<T> {
    m: Array2<T>,
    wide: Option<Array2<T>>,
}
impl<T> From<RTerms<T>> for MaybeZero<RTerms<T>> {
    fn from(t: RTerms<T>) -> Self {
        MaybeZero::Value(t)
    }
}
/// [`RTerms`] of `R̄`. For a wide input `Qᵀ Y = R₂` with `Y = Q R₂`, so the `Y R̄₂ᵀ` that `R̄₂`
/// adds to `Q̄` contributes `−R₂ R̄₂ᵀ` to `M` and `+R₂ R̄₂ᵀ` to the multiplier of `Q`.
fn r_terms<T: Real>(r: &Array2<T>, dr: &Array2<T>) -> RTerms<T> {
    let (k, n) = r.dim();
    let (r1, dr1) = (r.slice(s![.., ..k]), dr.slice(s![.., ..k]));
    let mut m = matmul::t_mul_upper(dr1.t(), r1.t(), true);
    let wide = (n > k)
        .then(|| {
            let w = matmul::mul(r.slice(s![.., k..]), dr.slice(s![.., k..]).t());
            m -= &w;
            w
        });
    RTerms { m, wide }
}
/// `N = sym_upper(M)` (+ `R₂ R̄₂ᵀ` for a wide input), with `M = R̄ Rᵀ − Qᵀ Q̄` assembled from the
/// terms that are not `Zero`: `−Qᵀ Q̄` is accumulated into the upper triangle of `R̄`'s term, or
/// computed alone into a new array when `R̄` is `Zero`.
fn core<'a, T: Real>(
    rt: impl Into<MaybeZero<RTerms<T>>>,
    q: &Array2<T>,
    dq: impl Into<MaybeZero<&'a Array2<T>>>,
) -> Array2<T> {
    let k = q.ncols();
    let (mut m, wide) = match (rt.into(), dq.into()) {
        (MaybeZero::Value(mut rt), MaybeZero::Value(dq)) => {
            matmul::t_mul_upper_add(rt.m.view_mut(), q.view(), dq.view(), -T::one());
            (rt.m, rt.wide)
        }
        (MaybeZero::Value(rt), MaybeZero::Zero) => (rt.m, rt.wide),
        (MaybeZero::Zero, MaybeZero::Value(dq)) => {
            let mut m = Array2::<T>::zeros((k, k).f());
            matmul::t_mul_upper_add(m.view_mut(), q.view(), dq.view(), -T::one());
            (m, None)
        }
        (MaybeZero::Zero, MaybeZero::Zero) => return Array2::zeros((0, 0)),
    };
    for j in 0..k {
        for i in j + 1..k {
            m[[i, j]] = m[[j, i]];
        }
    }
    if let Some(w) = wide {
        m += &w;
    }
    m
}
/// `Ā = (Q̄ + Q N) R₁⁻ᵀ`, followed for a wide input by the columns `Q R̄₂`. For `m ≥ n`, `Q̄` (when
/// given) has the output's shape and `Ā` is computed in its buffer: `Q̄ += Q N`, then the
/// triangular solve in place.
fn assemble<'a, T: Real>(
    q: &Array2<T>,
    r: &Array2<T>,
    core: Array2<T>,
    dq: impl Into<MaybeZero<Array2<T>>>,
    dr: impl Into<MaybeZero<&'a Array2<T>>>,
) -> Array2<T> {
    let (m, k) = q.dim();
    let n = r.ncols();
    let mut da = match dq.into() {
        MaybeZero::Value(dq) if n == k => dq,
        MaybeZero::Value(dq) => {
            let mut da = Array2::<T>::zeros((m, n));
            da.slice_mut(s![.., ..k]).assign(&dq);
            da
        }
        MaybeZero::Zero => Array2::<T>::zeros((m, n)),
    };
    let mut b = da.slice_mut(s![.., ..k]);
    matmul::gemm(b.view_mut(), true, q.view(), core.view(), T::one());
    faer::linalg::triangular_solve::solve_upper_triangular_in_place(
        r.slice(s![.., ..k]).into_faer(),
        b.reversed_axes().into_faer(),
        matmul::parallelism(k),
    );
    if let (true, MaybeZero::Value(dr)) = (n > k, dr.into()) {
        matmul::gemm(
            da.slice_mut(s![.., k..]),
            false,
            q.view(),
            dr.slice(s![.., k..]),
            T::one(),
        );
    }
    da
}
