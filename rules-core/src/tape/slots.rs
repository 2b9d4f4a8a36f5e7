//! The tuple plumbing of the tape: a node's output cotangents ([`Cotangents`]), where its input
//! cotangents go ([`Routes`]), the program's inputs ([`Input`], [`Inputs`]) and its scalar
//! output ([`Seed`]).
//!
//! [`Cotangents`] and [`Routes`] carry a lifetime they do not use: a generated `on` states them
//! as bounds on the rule's types, and a bound that names a lifetime parameter is checked where
//! `on` is called, not where the rule is declared. A rule whose cotangents cannot accumulate
//! still compiles; only recording it does not.

use core::any::Any;
use std::rc::Rc;

use ndarray::{ArcArray, Array, Dimension};

use super::{Leaf, Sink, Source, Tape, Var, add_into, take};
use crate::{Accumulate, Differentiable, MaybeZero, NoTangent};

/// A node's output cotangents as the rule's runtime pattern takes them: `MaybeZero<D>` for one
/// output, a tuple of them for several. Each output's cotangent type must accumulate
/// (`D: Accumulate<D, Output = D>`). Implemented here; not for users to implement.
pub trait Cotangents<'e>: Default {
    /// Adds the `Option<D>` behind `ct` into output `slot`.
    #[doc(hidden)]
    fn receive(&mut self, slot: usize, ct: &mut dyn Any);
    /// `true` if no output has received anything.
    #[doc(hidden)]
    fn all_zero(&self) -> bool;
}

impl<D: Accumulate<D, Output = D> + 'static> Cotangents<'_> for MaybeZero<D> {
    fn receive(&mut self, _: usize, ct: &mut dyn Any) {
        add_into(self, take::<D>(ct));
    }
    fn all_zero(&self) -> bool {
        self.is_zero()
    }
}

/// One input's cotangent as a runtime pattern returns it: `MaybeZero<D>`, or `NoTangent`.
pub trait Route {
    /// Sends the cotangent to `to`, if it is a `Var`'s and not zero.
    #[doc(hidden)]
    fn route_one(self, to: Option<Source>, sink: &mut Sink<'_>);
}

impl<D: 'static> Route for MaybeZero<D> {
    fn route_one(self, to: Option<Source>, sink: &mut Sink<'_>) {
        if let (Some(to), MaybeZero::Value(d)) = (to, self) {
            sink.send(to, d);
        }
    }
}

impl Route for NoTangent {
    fn route_one(self, _: Option<Source>, _: &mut Sink<'_>) {}
}

/// A rule's input cotangents as its runtime pattern returns them: one [`Route`] bare, or a
/// tuple of `N`. Implemented here; not for users to implement.
pub trait Routes<'e, const N: usize> {
    /// Sends each input's cotangent to its source.
    #[doc(hidden)]
    fn route(self, sources: &[Option<Source>; N], sink: &mut Sink<'_>);
}

impl<D: 'static> Routes<'_, 1> for MaybeZero<D> {
    fn route(self, sources: &[Option<Source>; 1], sink: &mut Sink<'_>) {
        self.route_one(sources[0], sink);
    }
}

impl Routes<'_, 1> for NoTangent {
    fn route(self, _: &[Option<Source>; 1], _: &mut Sink<'_>) {}
}

macro_rules! tuples {
    ($( $n:literal: ($($i:tt $t:ident),+) )*) => {$(
        impl<$($t: Accumulate<$t, Output = $t> + 'static),+> Cotangents<'_> for ($(MaybeZero<$t>,)+) {
            fn receive(&mut self, slot: usize, ct: &mut dyn Any) {
                match slot {
                    $($i => add_into(&mut self.$i, take::<$t>(ct)),)+
                    _ => unreachable!("tape: output {slot} of a rule with {} outputs", $n),
                }
            }
            fn all_zero(&self) -> bool {
                true $(&& self.$i.is_zero())+
            }
        }

        impl<$($t: Route),+> Routes<'_, $n> for ($($t,)+) {
            fn route(self, sources: &[Option<Source>; $n], sink: &mut Sink<'_>) {
                $(self.$i.route_one(sources[$i], sink);)+
            }
        }

        impl<$($t: Input),+> Inputs for ($($t,)+)
        where $($t::Tangent: Accumulate<$t::Tangent, Output = $t::Tangent> + 'static),+
        {
            type Vars<'t> = ($(Var<'t, $t>,)+);
            type Gradients = ($($t::Tangent,)+);
            fn enter<'t>(self, tape: &'t Tape<'t, '_>) -> Self::Vars<'t> {
                ($(tape.input(self.$i),)+)
            }
            fn gradients(leaves: &mut dyn Iterator<Item = Box<dyn Any>>) -> Self::Gradients {
                ($(gradient::<$t>(leaves),)+)
            }
        }
    )*};
}

tuples! {
    2: (0 A, 1 B)
    3: (0 A, 1 B, 2 C)
    4: (0 A, 1 B, 2 C, 3 D)
    5: (0 A, 1 B, 2 C, 3 D, 4 E)
    6: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F)
    7: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G)
    8: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H)
}

/// Routes for the rules with more inputs than the program may have (up to 12).
macro_rules! routes_only {
    ($( $n:literal: ($($i:tt $t:ident),+) )*) => {$(
        impl<$($t: Route),+> Routes<'_, $n> for ($($t,)+) {
            fn route(self, sources: &[Option<Source>; $n], sink: &mut Sink<'_>) {
                $(self.$i.route_one(sources[$i], sink);)+
            }
        }
    )*};
}

routes_only! {
    9: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I)
    10: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J)
    11: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K)
    12: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L)
}

/// A value a program can be differentiated with respect to: owned arrays (`Array`, `ArcArray`,
/// of real or complex entries), the real scalars `f32` and `f64`, and structs with
/// `#[derive(Differentiable)]` (the derive implements it). A complex scalar is not an input (its
/// tangent does not accumulate); a 0-dimensional complex array is.
///
/// Its tangent must accumulate (`V::Tangent: Accumulate<V::Tangent, Output = V::Tangent>`), as
/// every derived tangent and every array does.
pub trait Input: Differentiable + 'static {}

impl<A, D> Input for Array<A, D>
where
    A: Clone + num_traits::Zero + core::ops::AddAssign + 'static,
    D: Dimension + 'static,
{
}
impl<A, D> Input for ArcArray<A, D>
where
    A: Clone + num_traits::Zero + core::ops::AddAssign + 'static,
    D: Dimension + 'static,
{
}
impl Input for f64 {}
impl Input for f32 {}

/// The inputs of [`value_and_grad`](super::value_and_grad): one [`Input`] bare, or a tuple of
/// up to 8. `Vars` is what the closure receives, `Gradients` what comes back.
pub trait Inputs: Sized {
    /// `Var<'t, V>`, or the tuple of them.
    type Vars<'t>;
    /// `V::Tangent`, or the tuple of them.
    type Gradients;
    /// Puts the inputs on the tape.
    #[doc(hidden)]
    fn enter<'t>(self, tape: &'t Tape<'t, '_>) -> Self::Vars<'t>;
    /// The gradients, in order, from the inputs' accumulators.
    #[doc(hidden)]
    fn gradients(leaves: &mut dyn Iterator<Item = Box<dyn Any>>) -> Self::Gradients;
}

impl<V: Input> Inputs for V
where
    V::Tangent: Accumulate<V::Tangent, Output = V::Tangent> + 'static,
{
    type Vars<'t> = Var<'t, V>;
    type Gradients = V::Tangent;
    fn enter<'t>(self, tape: &'t Tape<'t, '_>) -> Var<'t, V> {
        tape.input(self)
    }
    fn gradients(leaves: &mut dyn Iterator<Item = Box<dyn Any>>) -> V::Tangent {
        gradient::<V>(leaves)
    }
}

fn gradient<V: Input>(leaves: &mut dyn Iterator<Item = Box<dyn Any>>) -> V::Tangent
where
    V::Tangent: Accumulate<V::Tangent, Output = V::Tangent> + 'static,
{
    let leaf = leaves.next().and_then(|l| l.downcast::<Leaf<V>>().ok());
    match leaf {
        Some(leaf) => leaf.gradient(),
        None => unreachable!("tape: the inputs' accumulators are out of order"),
    }
}

/// The scalar a program returns to [`value_and_grad`](super::value_and_grad): `f32` or `f64`,
/// seeded with 1.
pub trait Seed: Differentiable<Tangent = Self> + Copy + 'static {
    /// One.
    fn one() -> Self;
}

impl Seed for f64 {
    fn one() -> f64 {
        1.0
    }
}

impl Seed for f32 {
    fn one() -> f32 {
        1.0
    }
}

/// Keeps `Rc`s alive as `dyn Any`.
pub(super) fn keep<V: 'static>(rc: &Rc<V>) -> Rc<dyn Any> {
    Rc::clone(rc) as Rc<dyn Any>
}
