//! Generic scalars: the sealed [`Scalar`] trait (`f32`, `f64`), and the dispatch that lets a rule
//! whose output cotangent is a bare type parameter (`fn sum_sq<T: Scalar>(x: Array1<T>) -> T`)
//! have the patterns `T`, `Zero` and `MaybeZero<T>`.
//!
//! In the user's crate the impls `Pullback<T>` and `Pullback<Zero>` would overlap: rustc cannot
//! rule out that `Zero` implements `T`'s bounds one day. Here both [`Zero`] and [`Scalar`] are
//! local and `Scalar` is sealed, so [`ScalarSlot`]'s three impls do not overlap, and `#[rrule]`
//! writes one `Pullback<S>` impl for every `S: ScalarSlot<T>` that picks the pattern's body.

use crate::{MaybeZero, Zero};

/// The scalar types a generic rule can be instantiated at: `f64` and `f32`. Sealed.
///
/// A rule with a bare generic scalar output declares `T: Scalar` (or any bound that implies it);
/// [`num_traits::Float`] comes with it.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::{rrule, Pullback, Scalar, Zero};
///
/// /// Σ x², for f32 and f64.
/// #[rrule]
/// pub fn sum_sq<T: Scalar>(x: Array1<T>) -> T {
///     let s = x.iter().fold(T::zero(), |a, &v| a + v * v);
///     (s, move |ds: T| -> Array1<T> { x.mapv(|v| (v + v) * ds) })
/// }
///
/// fn main() {
///     let (s, pb) = sum_sq::rrule(array![1.0f32, 2.0]);
///     assert_eq!(s, 5.0);
///     assert_eq!(pb.pullback(1.0f32), array![2.0f32, 4.0]);
///     assert_eq!(pb.pullback(Zero), Zero);
///     let (_, pb) = sum_sq::rrule(array![3.0f64]);
///     assert_eq!(pb.pullback(0.5f64), array![3.0f64]);
/// }
/// ```
pub trait Scalar:
    num_traits::Float
    + crate::Differentiable<Tangent = Self>
    + ndarray::ScalarOperand
    + ndarray::LinalgScalar
    + core::fmt::Debug
    + core::fmt::Display
    + Default
    + core::ops::AddAssign
    + crate::Accumulate<Self, Output = Self>
    + Send
    + Sync
    + sealed::Sealed
    + 'static
{
}

impl Scalar for f64 {}
impl Scalar for f32 {}

pub(crate) mod sealed {
    use ndarray::{ArrayView2, ArrayViewMut2};

    /// Seals [`Scalar`](super::Scalar), and reaches the linear-algebra kernels for a generic
    /// `T: Scalar` (which cannot name [`Real`](crate::linalg::Real) as a supertrait: faer's
    /// operator traits would make `T += &T` ambiguous in users' generic code).
    pub trait Sealed: Sized {
        /// `c ← a·b` with faer's matrix product.
        fn gemm(c: ArrayViewMut2<'_, Self>, a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>);
        /// `eˣ` in straight-line code that vectorises (`ops::fastmath`), with fused multiply-adds
        /// if `fma` (true only in code compiled for them: see `ops::kernels::vectorised`).
        fn exp_v(self, fma: bool) -> Self;
        /// `tanh x`, as [`Sealed::exp_v`].
        fn tanh_v(self, fma: bool) -> Self;
        /// `eˣ`, as [`Sealed::exp_v`], with results below the smallest normal `f64` flushed to 0
        /// (for the normalised exponentials).
        fn exp_flushed_v(self, fma: bool) -> Self;
    }
    macro_rules! sealed {
        ($($t:ty),*) => {$(
            impl Sealed for $t {
                fn gemm(c: ArrayViewMut2<'_, $t>, a: ArrayView2<'_, $t>, b: ArrayView2<'_, $t>) {
                    crate::linalg::gemm(c, false, a, b, 1.0);
                }
                // In double precision for both types: `f32` rounds the double result once more.
                #[inline(always)]
                fn exp_v(self, fma: bool) -> $t {
                    crate::ops::fastmath::exp(self as f64, fma) as $t
                }
                #[inline(always)]
                fn tanh_v(self, fma: bool) -> $t {
                    crate::ops::fastmath::tanh(self as f64, fma) as $t
                }
                #[inline(always)]
                fn exp_flushed_v(self, fma: bool) -> $t {
                    crate::ops::fastmath::exp_flushed(self as f64, fma) as $t
                }
            }
        )*};
    }
    sealed!(f32, f64);
}

/// A cotangent for a bare scalar slot of type `T`: `T` itself, [`Zero`], or [`MaybeZero<T>`].
/// Used by the code `#[rrule]` generates; not meant to be implemented or called by hand.
#[doc(hidden)]
pub trait ScalarSlot<T: Scalar> {
    /// `D` for `T`, `Z` for `Zero`, `R` for `MaybeZero<T>`.
    type Pick<D, Z, R>;
    /// Runs the function for this slot's kind.
    fn pick<D, Z, R>(
        self,
        dense: impl FnOnce(T) -> D,
        zero: impl FnOnce(Zero) -> Z,
        runtime: impl FnOnce(MaybeZero<T>) -> R,
    ) -> Self::Pick<D, Z, R>;
}

impl<T: Scalar> ScalarSlot<T> for T {
    type Pick<D, Z, R> = D;
    #[inline]
    fn pick<D, Z, R>(
        self,
        dense: impl FnOnce(T) -> D,
        _: impl FnOnce(Zero) -> Z,
        _: impl FnOnce(MaybeZero<T>) -> R,
    ) -> D {
        dense(self)
    }
}

impl<T: Scalar> ScalarSlot<T> for Zero {
    type Pick<D, Z, R> = Z;
    #[inline]
    fn pick<D, Z, R>(
        self,
        _: impl FnOnce(T) -> D,
        zero: impl FnOnce(Zero) -> Z,
        _: impl FnOnce(MaybeZero<T>) -> R,
    ) -> Z {
        zero(self)
    }
}

impl<T: Scalar> ScalarSlot<T> for MaybeZero<T> {
    type Pick<D, Z, R> = R;
    #[inline]
    fn pick<D, Z, R>(
        self,
        _: impl FnOnce(T) -> D,
        _: impl FnOnce(Zero) -> Z,
        runtime: impl FnOnce(MaybeZero<T>) -> R,
    ) -> R {
        runtime(self)
    }
}

/// The cotangents of two bare scalar slots of type `T` (a rule with two outputs such as
/// `slogdet -> (T, T)`): `(T, T)`, `(Zero, T)`, `(T, Zero)`, `(Zero, Zero)` or
/// `(MaybeZero<T>, MaybeZero<T>)`. Used by the code `#[rrule]` generates.
#[doc(hidden)]
pub trait ScalarSlots2<T: Scalar> {
    /// `D`, `Z0`, `Z1`, `Z` or `R`, for the kinds above in that order.
    type Pick<D, Z0, Z1, Z, R>;
    /// Runs the function for this pair's kind.
    fn pick<D, Z0, Z1, Z, R>(
        self,
        dense: impl FnOnce(T, T) -> D,
        zero0: impl FnOnce(Zero, T) -> Z0,
        zero1: impl FnOnce(T, Zero) -> Z1,
        zero: impl FnOnce(Zero, Zero) -> Z,
        runtime: impl FnOnce((MaybeZero<T>, MaybeZero<T>)) -> R,
    ) -> Self::Pick<D, Z0, Z1, Z, R>;
}

macro_rules! slots2 {
    ($($ty:ty => $out:ident, |$c:ident, $f:ident| $call:expr;)*) => {$(
        impl<T: Scalar> ScalarSlots2<T> for $ty {
            type Pick<D, Z0, Z1, Z, R> = $out;
            #[inline]
            #[allow(unused_variables)]
            fn pick<D, Z0, Z1, Z, R>(
                self,
                dense: impl FnOnce(T, T) -> D,
                zero0: impl FnOnce(Zero, T) -> Z0,
                zero1: impl FnOnce(T, Zero) -> Z1,
                zero: impl FnOnce(Zero, Zero) -> Z,
                runtime: impl FnOnce((MaybeZero<T>, MaybeZero<T>)) -> R,
            ) -> $out {
                let $c = self;
                let $f = (dense, zero0, zero1, zero, runtime);
                $call
            }
        }
    )*};
}
slots2! {
    (T, T) => D, |c, f| (f.0)(c.0, c.1);
    (Zero, T) => Z0, |c, f| (f.1)(c.0, c.1);
    (T, Zero) => Z1, |c, f| (f.2)(c.0, c.1);
    (Zero, Zero) => Z, |c, f| (f.3)(c.0, c.1);
    (MaybeZero<T>, MaybeZero<T>) => R, |c, f| (f.4)(c);
}
