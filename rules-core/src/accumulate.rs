//! Accumulation of cotangents: the `add!!` of ChainRules.

use core::ops::AddAssign;

use ndarray::{ArrayBase, Data, DataMut, Dimension, RawData};

use crate::{MaybeZero, Zero};

/// Adds a cotangent into an accumulator, in the accumulator's own buffer when it owns one.
///
/// `Zero` is handled on both sides without allocating: `Zero` accumulated into `x` is `x`, and
/// `x` accumulated into `Zero` is `x` itself (moved, not copied). Use it from generic code with a
/// `A: Accumulate<B>` bound, or through [`accumulate`].
///
/// ```
/// use ndarray::array;
/// use rules_core::{Accumulate, Zero};
///
/// let acc = array![1.0, 2.0];
/// let p = acc.as_ptr();
/// let acc = acc.accumulate(&array![10.0, 10.0]);
/// assert_eq!(acc, array![11.0, 12.0]);
/// assert_eq!(acc.as_ptr(), p); // added in place
/// let acc = acc.accumulate(Zero); // nothing to do
/// let fresh = Zero.accumulate(acc); // the term becomes the accumulator
/// assert_eq!(fresh.as_ptr(), p);
/// ```
pub trait Accumulate<Rhs> {
    /// The accumulated cotangent.
    type Output;
    /// Returns `self + rhs`, reusing `self`'s storage where possible.
    ///
    /// # Panics
    /// For arrays, if `rhs` cannot be broadcast to `self`'s shape.
    fn accumulate(self, rhs: Rhs) -> Self::Output;
}

/// `acc + term`, in `acc`'s buffer where possible; see [`Accumulate`].
///
/// ```
/// use rules_core::{accumulate, Zero};
/// assert_eq!(accumulate(1.0, 2.0), 3.0);
/// assert_eq!(accumulate(Zero, 2.0f32), 2.0);
/// assert_eq!(accumulate(Zero, Zero), Zero);
/// ```
pub fn accumulate<A: Accumulate<B>, B>(acc: A, term: B) -> A::Output {
    acc.accumulate(term)
}

impl<A, S, D, S2, E> Accumulate<&ArrayBase<S2, E>> for ArrayBase<S, D>
where
    A: Clone + AddAssign<A>,
    S: DataMut<Elem = A>,
    S2: Data<Elem = A>,
    D: Dimension,
    E: Dimension,
{
    type Output = Self;
    #[track_caller]
    fn accumulate(mut self, rhs: &ArrayBase<S2, E>) -> Self {
        self += rhs;
        self
    }
}

impl<A, S, D, S2, E> Accumulate<ArrayBase<S2, E>> for ArrayBase<S, D>
where
    A: Clone + AddAssign<A>,
    S: DataMut<Elem = A>,
    S2: Data<Elem = A>,
    D: Dimension,
    E: Dimension,
{
    type Output = Self;
    #[track_caller]
    fn accumulate(mut self, rhs: ArrayBase<S2, E>) -> Self {
        self += &rhs;
        self
    }
}

impl<S: RawData, D> Accumulate<Zero> for ArrayBase<S, D> {
    type Output = Self;
    fn accumulate(self, _: Zero) -> Self {
        self
    }
}

impl<S: RawData, D> Accumulate<ArrayBase<S, D>> for Zero {
    type Output = ArrayBase<S, D>;
    fn accumulate(self, rhs: ArrayBase<S, D>) -> ArrayBase<S, D> {
        rhs
    }
}

impl Accumulate<crate::NoTangent> for crate::NoTangent {
    type Output = crate::NoTangent;
    fn accumulate(self, _: crate::NoTangent) -> crate::NoTangent {
        crate::NoTangent
    }
}

impl Accumulate<Zero> for Zero {
    type Output = Zero;
    fn accumulate(self, _: Zero) -> Zero {
        Zero
    }
}

macro_rules! scalar_accumulate {
    ($($t:ty),*) => {$(
        impl Accumulate<$t> for $t {
            type Output = $t;
            fn accumulate(self, rhs: $t) -> $t {
                self + rhs
            }
        }
        impl Accumulate<Zero> for $t {
            type Output = $t;
            fn accumulate(self, _: Zero) -> $t {
                self
            }
        }
        impl Accumulate<$t> for Zero {
            type Output = $t;
            fn accumulate(self, rhs: $t) -> $t {
                rhs
            }
        }
    )*};
}
scalar_accumulate!(f32, f64);

impl<T, R> Accumulate<R> for MaybeZero<T>
where
    T: Accumulate<R, Output = T>,
    R: Into<MaybeZero<T>>,
{
    type Output = MaybeZero<T>;
    fn accumulate(self, rhs: R) -> MaybeZero<T> {
        match self {
            MaybeZero::Zero => rhs.into(),
            MaybeZero::Value(acc) => MaybeZero::Value(acc.accumulate(rhs)),
        }
    }
}

/// Accumulates `term` into `*acc` in place; `Zero` terms cost nothing.
///
/// ```
/// use ndarray::array;
/// use rules_core::{accumulate_into, Zero};
/// let mut g = array![1.0, 1.0];
/// accumulate_into(&mut g, &array![1.0, 2.0]);
/// accumulate_into(&mut g, Zero);
/// assert_eq!(g, array![2.0, 3.0]);
/// ```
///
/// # Panics
/// If `term` cannot be broadcast to `acc`'s shape.
#[track_caller]
pub fn accumulate_into<T: AddAssign<R>, R>(acc: &mut T, term: R) {
    *acc += term;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, array};

    #[test]
    fn arrays_accumulate_in_place() {
        let a = array![1.0, 2.0];
        let p = a.as_ptr();
        let a = a.accumulate(array![1.0, 1.0]);
        assert_eq!(a.as_ptr(), p);
        assert_eq!(a, array![2.0, 3.0]);
        let a = a.accumulate(&array![1.0, 1.0].view());
        assert_eq!(a, array![3.0, 4.0]);
        assert_eq!(a.as_ptr(), p);
    }

    #[test]
    fn zero_on_either_side_moves_the_other() {
        let a = array![1.0f32, 2.0];
        let p = a.as_ptr();
        let a = Zero.accumulate(a);
        assert_eq!(a.as_ptr(), p);
        let a = a.accumulate(Zero);
        assert_eq!(a.as_ptr(), p);
        assert_eq!(accumulate(2.0f64, Zero), 2.0);
    }

    #[test]
    fn maybe_zero_accumulates() {
        let m: MaybeZero<Array1<f64>> = MaybeZero::Zero;
        let m = m.accumulate(array![1.0]);
        assert_eq!(m, MaybeZero::Value(array![1.0]));
        let m = m.accumulate(array![1.0]);
        assert_eq!(m, MaybeZero::Value(array![2.0]));
        let m = m.accumulate(Zero);
        assert_eq!(m, MaybeZero::Value(array![2.0]));
        let s = MaybeZero::Value(1.0).accumulate(2.0);
        assert_eq!(s, MaybeZero::Value(3.0));
    }

    #[test]
    #[should_panic]
    fn mismatched_shapes_panic() {
        let _ = array![1.0, 2.0].accumulate(array![1.0, 2.0, 3.0]);
    }
}
