//! Functions that are not differentiated: the pullback and pushforward `#[non_differentiable]`
//! returns, which accept any cotangent or tangent and run nothing.

use core::marker::PhantomData;

use crate::{Patterns, Pullback, Pushforward, PushforwardPatterns};

/// The pullback and the pushforward of a function that is not differentiable (an `argmax`, a
/// `round`, a count): every input's cotangent is `NoTangent`, and so is the output's tangent,
/// whatever is passed in (`NoTangent`, `Zero`, `MaybeZero`, or a value of the output's type).
/// `O` is what it returns: `NoTangent`, or a tuple of them. `N` names the inputs for the
/// testing kit (`#[non_differentiable]` sets it; see [`InputNames`]).
///
/// ```
/// use ndarray::{array, ArrayView1};
/// use rules_core::{non_differentiable, NoTangent, Pullback, Pushforward, Zero};
///
/// /// The index of the largest entry.
/// #[non_differentiable]
/// pub fn argmax(x: ArrayView1<'_, f64>) -> usize {
///     let mut best = 0;
///     for (i, v) in x.iter().enumerate() {
///         if *v > x[best] {
///             best = i;
///         }
///     }
///     best
/// }
///
/// fn main() {
///     let x = array![1.0, 3.0, 2.0];
///     let (i, pb) = argmax::rrule(x.view());
///     assert_eq!(i, 1);
///     assert_eq!(pb.pullback(NoTangent), NoTangent);
///     assert_eq!(pb.pullback(Zero), NoTangent);
///     assert_eq!(pb.pullback(2.5), NoTangent);
///     let (_, pf) = argmax::frule(x.view());
///     assert_eq!(pf.pushforward(array![1.0, 1.0, 1.0]), NoTangent);
/// }
/// ```
pub struct NoDerivative<O, N = ()>(PhantomData<fn() -> (O, N)>);

/// The names of a non-differentiable function's inputs, for the testing kit's messages.
/// `#[non_differentiable]` implements it for the item it generates next to the function.
pub trait InputNames {
    /// The parameters' names, in order.
    const INPUTS: &'static [&'static str];
}

impl InputNames for () {
    const INPUTS: &'static [&'static str] = &[];
}

impl<O, N> NoDerivative<O, N> {
    /// The pullback (or pushforward) that returns `O::default()`.
    #[must_use]
    pub const fn new() -> Self {
        NoDerivative(PhantomData)
    }
}

impl<O, N> Default for NoDerivative<O, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<O, N> Clone for NoDerivative<O, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O, N> Copy for NoDerivative<O, N> {}

impl<O, N> core::fmt::Debug for NoDerivative<O, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("NoDerivative")
    }
}

impl<C, O: Default, N> Pullback<C> for NoDerivative<O, N> {
    type Output = O;
    #[inline]
    fn pullback(&self, _: C) -> O {
        O::default()
    }
}

impl<T, O: Default, N> Pushforward<T> for NoDerivative<O, N> {
    type Output = O;
    #[inline]
    fn pushforward(&self, _: T) -> O {
        O::default()
    }
}

/// For the testing kit: every pattern is the same, `NoTangent` everywhere, and the kit accepts
/// it for every input.
impl<C, O: Default, N: InputNames> Patterns<C> for NoDerivative<O, N> {
    type Runtime = O;
    const COTANGENTS: &'static [&'static str] = &["output"];
    const INPUTS: &'static [&'static str] = N::INPUTS;
    const NOT_DIFFERENTIATED: bool = true;
    fn pullback_static(&self, zero_mask: u64, _: C) -> Option<O> {
        (zero_mask < 2).then(O::default)
    }
    fn pullback_runtime(&self, _: u64, _: C) -> O {
        O::default()
    }
}

/// For the testing kit, as [`Patterns`].
impl<T, O: Default, N> PushforwardPatterns<T> for NoDerivative<O, N> {
    type Runtime = O;
    const TANGENTS: &'static [&'static str] = &[];
    const OUTPUTS: &'static [&'static str] = &["output"];
    fn pushforward_static(&self, zero_mask: u64, _: T) -> Option<O> {
        (zero_mask == 0).then(O::default)
    }
    fn pushforward_runtime(&self, _: u64, _: T) -> O {
        O::default()
    }
}
