//! What a rule's `on` accepts for a differentiable parameter of type `P`: a [`Var`] (or `&Var`)
//! whose value lends a `P`, or a constant.

use core::any::{Any, TypeId};
use std::rc::Rc;

use ndarray::{ArcArray, Array, ArrayBase, ArrayView, Data, Dimension};
use num_complex::Complex;

use super::{Source, Tape, Var, same_tape, slots::keep};
use crate::Differentiable;

/// A parameter's value, where its cotangent goes, and what keeps the value alive.
#[doc(hidden)]
pub struct Lent<P> {
    /// What the rule is called with.
    pub value: P,
    /// `None` for a constant.
    pub source: Option<Source>,
    /// The `Rc` the value is borrowed from, held by the node until its pullback has run.
    pub keep: Option<Rc<dyn Any>>,
}

impl<P> Lent<P> {
    fn constant(value: P) -> Self {
        Lent {
            value,
            source: None,
            keep: None,
        }
    }
}

/// An argument of a rule's `on` for a differentiable parameter of type `P` whose cotangent is
/// `D`: a `Var` or `&Var` whose value lends a `P` (see [`Lend`]), or a constant:
///
/// * for an array view parameter (`ArrayView<'_, T, D>`): `&a` for any array `a` that outlives
///   the closure, a view `a.view()` of one, or an owned `Array` (moved onto the tape);
/// * for `&Array`, `Array` and scalar (`f32`, `f64`, `Complex`) parameters: the same types;
/// * for `&S` with `S` a `#[derive(Differentiable)]` struct: `&s` (the derive implements it).
///
/// A constant's cotangent is never computed: the rule's `pullback_for` skips it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a differentiable parameter of type `{P}`",
    label = "expected a `Var` (or `&Var`) whose value lends a `{P}`, or a constant of that type",
    note = "a `Var` must hold a value whose tangent is the rule's cotangent type `{D}`; a constant array is passed as `&a`, `a.view()` or an owned `Array`"
)]
pub trait Arg<'a, P, D> {
    /// The parameter's value and, for a `Var`, its source. `tape` is the tape of the call.
    #[doc(hidden)]
    fn lend(self, tape: &Tape<'_>, rule: &'static str) -> Lent<P>;
}

/// A value that lends a `P` borrowed for `'a`: what a `Var<V>` can be passed as.
///
/// * any `V` as `&V`, and as `V` itself (cloned) when `V: Clone`;
/// * `Array<A, D>` and `ArcArray<A, D>` as `ArrayView<A, D>`; `ArcArray` as `Array` (copied).
pub trait Lend<'a, P> {
    /// Lends `v` as a `P`.
    fn lend(v: &'a Self) -> P;
}

impl<'a, V: Clone> Lend<'a, V> for V {
    fn lend(v: &'a V) -> V {
        v.clone()
    }
}

impl<'a, V> Lend<'a, &'a V> for V {
    fn lend(v: &'a V) -> &'a V {
        v
    }
}

impl<'a, A, D: Dimension> Lend<'a, ArrayView<'a, A, D>> for Array<A, D> {
    fn lend(v: &'a Self) -> ArrayView<'a, A, D> {
        v.view()
    }
}

impl<'a, A, D: Dimension> Lend<'a, ArrayView<'a, A, D>> for ArcArray<A, D> {
    fn lend(v: &'a Self) -> ArrayView<'a, A, D> {
        v.view()
    }
}

impl<'a, A: Clone, D: Dimension> Lend<'a, Array<A, D>> for ArcArray<A, D> {
    fn lend(v: &'a Self) -> Array<A, D> {
        v.to_owned()
    }
}

/// Lends a `Var`'s value for `'a`: the node that records the call keeps the `Rc`.
fn lend_var<'a, V, P, D>(var: &Var<'_, V>, tape: &Tape<'_>, rule: &'static str) -> Lent<P>
where
    V: Lend<'a, P> + Differentiable<Tangent = D> + 'static,
    D: 'static,
{
    same_tape(var, &tape.core, rule);
    if var.source.is_some() && var.slot.0 != TypeId::of::<D>() {
        panic!(
            "{rule}: this `Var` takes cotangents of type `{}` (its rule's declared cotangent), \
             but its value's tangent is `{}`: the tape cannot connect them",
            var.slot.1,
            core::any::type_name::<D>()
        );
    }
    // SAFETY: the value lives in an `Rc` that the returned `keep` holds; the node recording
    // this call drops its pullback (which may borrow the value) before `keep`. The value is
    // never mutated while shared.
    #[allow(unsafe_code)]
    let value: &'a V = unsafe { &*Rc::as_ptr(&var.value) };
    Lent {
        value: V::lend(value),
        source: var.source,
        keep: Some(keep(&var.value)),
    }
}

impl<'a, V, P, D> Arg<'a, P, D> for &Var<'_, V>
where
    V: Lend<'a, P> + Differentiable<Tangent = D> + 'static,
    D: 'static,
{
    fn lend(self, tape: &Tape<'_>, rule: &'static str) -> Lent<P> {
        lend_var(self, tape, rule)
    }
}

impl<'a, V, P, D> Arg<'a, P, D> for Var<'_, V>
where
    V: Lend<'a, P> + Differentiable<Tangent = D> + 'static,
    D: 'static,
{
    fn lend(self, tape: &Tape<'_>, rule: &'static str) -> Lent<P> {
        lend_var(&self, tape, rule)
    }
}

impl<'a, A, S, D, Ct> Arg<'a, ArrayView<'a, A, D>, Ct> for &'a ArrayBase<S, D>
where
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<ArrayView<'a, A, D>> {
        Lent::constant(self.view())
    }
}

impl<'a, A, S, D, Ct> Arg<'a, &'a ArrayBase<S, D>, Ct> for &'a ArrayBase<S, D>
where
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<&'a ArrayBase<S, D>> {
        Lent::constant(self)
    }
}

impl<'a, A, S, D, Ct> Arg<'a, Array<A, D>, Ct> for &'a ArrayBase<S, D>
where
    A: Clone,
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<Array<A, D>> {
        Lent::constant(self.to_owned())
    }
}

impl<'a, A, D, Ct> Arg<'a, ArrayView<'a, A, D>, Ct> for ArrayView<'a, A, D>
where
    D: Dimension,
{
    fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<ArrayView<'a, A, D>> {
        Lent::constant(self)
    }
}

impl<'a, A, D, Ct> Arg<'a, ArrayView<'a, A, D>, Ct> for Array<A, D>
where
    A: 'static,
    D: Dimension + 'static,
{
    fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<ArrayView<'a, A, D>> {
        let rc = Rc::new(self);
        // SAFETY: as in `lend_var`: `keep` holds the `Rc` for as long as the view is used.
        #[allow(unsafe_code)]
        let value: &'a Array<A, D> = unsafe { &*Rc::as_ptr(&rc) };
        Lent {
            value: value.view(),
            source: None,
            keep: Some(keep(&rc)),
        }
    }
}

impl<'a, A, D, Ct> Arg<'a, Array<A, D>, Ct> for Array<A, D> {
    fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<Array<A, D>> {
        Lent::constant(self)
    }
}

macro_rules! scalar_constants {
    ($($t:ty),*) => {$(
        impl<'a, Ct> Arg<'a, $t, Ct> for $t {
            fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<$t> {
                Lent::constant(self)
            }
        }
        impl<'a, Ct> Arg<'a, $t, Ct> for &$t {
            fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<$t> {
                Lent::constant(*self)
            }
        }
    )*};
}
scalar_constants!(Complex<f32>, Complex<f64>);

impl<'a, T: crate::Scalar, Ct> Arg<'a, T, Ct> for T {
    fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<T> {
        Lent::constant(self)
    }
}

impl<'a, T: crate::Scalar, Ct> Arg<'a, T, Ct> for &T {
    fn lend(self, _: &Tape<'_>, _: &'static str) -> Lent<T> {
        Lent::constant(*self)
    }
}

/// An argument of a `#[non_differentiable]` function's `on`: a `Var` (or `&Var`) whose value
/// lends a `P`, or a plain value (arrays as for [`Arg`], scalars, integers, `bool`, `char`,
/// `Axis`, and borrowed slices, `str`s and `Vec`s). Nothing is recorded.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a parameter of type `{P}` of a non-differentiable function",
    label = "expected a `Var` (or `&Var`) whose value lends a `{P}`, or a plain value of that type"
)]
pub trait Value<'a, P> {
    /// The value the function is called with.
    #[doc(hidden)]
    fn value(self) -> P;
}

impl<'a, V: Lend<'a, P>, P> Value<'a, P> for &'a Var<'_, V> {
    fn value(self) -> P {
        V::lend(&self.value)
    }
}

impl<'a, A, S, D> Value<'a, ArrayView<'a, A, D>> for &'a ArrayBase<S, D>
where
    S: Data<Elem = A>,
    D: Dimension,
{
    fn value(self) -> ArrayView<'a, A, D> {
        self.view()
    }
}

impl<'a, S: Data, D> Value<'a, &'a ArrayBase<S, D>> for &'a ArrayBase<S, D> {
    fn value(self) -> &'a ArrayBase<S, D> {
        self
    }
}

impl<'a, A, D> Value<'a, ArrayView<'a, A, D>> for ArrayView<'a, A, D> {
    fn value(self) -> Self {
        self
    }
}

impl<'a, A, D> Value<'a, Array<A, D>> for Array<A, D> {
    fn value(self) -> Self {
        self
    }
}

impl<'a, T: crate::Scalar> Value<'a, T> for T {
    fn value(self) -> T {
        self
    }
}

macro_rules! plain_values {
    ($($t:ty),*) => {$(
        impl<'a> Value<'a, $t> for $t {
            fn value(self) -> $t {
                self
            }
        }
    )*};
}
plain_values!(
    usize,
    isize,
    u8,
    u16,
    u32,
    u64,
    i8,
    i16,
    i32,
    i64,
    bool,
    char,
    ndarray::Axis
);

impl<'a, T> Value<'a, &'a [T]> for &'a [T] {
    fn value(self) -> &'a [T] {
        self
    }
}

impl<'a, T> Value<'a, &'a [T]> for &'a Vec<T> {
    fn value(self) -> &'a [T] {
        self
    }
}

impl<'a> Value<'a, &'a str> for &'a str {
    fn value(self) -> &'a str {
        self
    }
}
