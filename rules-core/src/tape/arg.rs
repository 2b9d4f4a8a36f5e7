//! What a rule's `on` accepts for a differentiable parameter of type `P`: a [`Var`] (or `&Var`)
//! whose value lends a `P`, or a constant.
//!
//! Two traits, one per way the rule uses the parameter, chosen by the macro from the rule's
//! signature:
//!
//! * [`Arg`]: the pullback may keep the value (the parameter's type names a lifetime, or the
//!   pullback captures it). The value is lent for the tape's brand `'t`: a `Var`'s value stays
//!   alive until the tape is dropped, and a constant must be borrowed for `'t`, that is from
//!   outside the closure.
//! * [`ArgRef`]: the pullback cannot keep the value (its type says so: the lifetime is not among
//!   those the pullback captures). The value is borrowed for the call only, so a constant may be
//!   a local of the closure and a `Var`'s value is not kept alive by the node.
//!
//! A lent value leaves this module only inside a [`Lent`], whose fields are private: only
//! [`Tape::primal`] and [`Tape::record`] open it, and both move what keeps the value alive into
//! the tape, which holds it until it is dropped.

use core::any::{Any, TypeId};
use core::marker::PhantomData;
use std::rc::Rc;

use ndarray::{ArcArray, Array, ArrayBase, ArrayView, Data, Dimension};
use num_complex::Complex;

use super::{Brand, Source, Tape, Var, same_tape, slots::keep};
use crate::Differentiable;

/// A parameter's value, where its cotangent goes, and what keeps the value alive: an argument
/// of a rule's `on`, lent. Opened only by the tape.
#[doc(hidden)]
pub struct Lent<'t, P> {
    value: P,
    source: Option<Source>,
    keep: Option<Rc<dyn Any>>,
    _brand: Brand<'t>,
}

impl<'t, P> Lent<'t, P> {
    /// A constant: a value that needs nothing kept alive.
    pub fn constant(value: P) -> Self {
        Lent {
            value,
            source: None,
            keep: None,
            _brand: PhantomData,
        }
    }

    /// Where the cotangent goes: `None` for a constant.
    #[must_use]
    pub fn source(&self) -> Option<Source> {
        self.source
    }
}

mod sealed {
    /// Splits lent arguments into the values and what keeps them alive. Not nameable outside
    /// this module, so only the tape can separate the two.
    pub trait Split {
        type Values;
        type Keep: IntoIterator<Item = Option<std::rc::Rc<dyn core::any::Any>>>;
        fn split(self) -> (Self::Values, Self::Keep);
    }
}

use sealed::Split;

/// A rule's lent arguments, a tuple of [`Lent`]s (up to 12), as [`Tape::record`] takes them.
#[doc(hidden)]
pub trait Lents<'t>: Split {}

macro_rules! lents {
    ($( $n:literal: ($($i:tt $p:ident),+) )*) => {$(
        impl<'t, $($p),+> Split for ($(Lent<'t, $p>,)+) {
            type Values = ($($p,)+);
            type Keep = [Option<Rc<dyn Any>>; $n];
            fn split(self) -> (Self::Values, Self::Keep) {
                (($(self.$i.value,)+), [$(self.$i.keep),+])
            }
        }
        impl<'t, $($p),+> Lents<'t> for ($(Lent<'t, $p>,)+) {}
    )*};
}

lents! {
    1: (0 A)
    2: (0 A, 1 B)
    3: (0 A, 1 B, 2 C)
    4: (0 A, 1 B, 2 C, 3 D)
    5: (0 A, 1 B, 2 C, 3 D, 4 E)
    6: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F)
    7: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G)
    8: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H)
    9: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I)
    10: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J)
    11: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K)
    12: (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L)
}

/// An argument of a rule's `on` for a differentiable parameter of type `P` (cotangent `D`)
/// whose pullback may keep the value: a `Var` or `&Var` of this tape whose value lends a `P`
/// (see [`Lend`]), or a constant that outlives the closure:
///
/// * for an array view parameter (`ArrayView<'_, T, D>`): `&a` for an array `a` declared
///   outside the closure, a view of one, or an owned `Array` (moved onto the tape);
/// * for `&Array`, `Array` and scalar (`f32`, `f64`, `Complex`) parameters: the same types;
/// * for `&S` with `S` a `#[derive(Differentiable)]` struct: `&s` (the derive implements it).
///
/// A constant's cotangent is never computed where the rule has a `pullback_for`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a differentiable parameter of type `{P}`",
    label = "expected a `Var` (or `&Var`) of this tape whose value lends a `{P}`, or a constant of that type",
    note = "a `Var` must hold a value whose tangent is the rule's cotangent type `{D}`; a constant array is passed as `&a`, `a.view()` or an owned `Array`, and the pullback keeps it: borrow it from outside the closure, or move it in"
)]
pub trait Arg<'t, P, D> {
    /// The parameter's value and, for a `Var`, its source. `tape` is the tape of the call.
    #[doc(hidden)]
    fn lend(self, tape: &'t Tape<'t, '_>, rule: &'static str) -> Lent<'t, P>;
}

/// An argument of a rule's `on` for a differentiable parameter of type `P` (cotangent `D`)
/// whose pullback cannot keep the value, borrowed for `'s`, the call: a `Var` or `&Var` of this
/// tape whose value lends a `P` (see [`Lend`]), or a constant (`&a`, a view, an owned array, a
/// scalar), which may be a local of the closure.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a differentiable parameter of type `{P}`",
    label = "expected a `Var` (or `&Var`) of this tape whose value lends a `{P}`, or a constant of that type",
    note = "a `Var` must hold a value whose tangent is the rule's cotangent type `{D}`; a constant array is passed as `&a`, `a.view()` or an owned `Array`"
)]
pub trait ArgRef<'s, 't, P, D> {
    /// The parameter's value, borrowed from `self`, and, for a `Var`, its source.
    #[doc(hidden)]
    fn lend_ref(&'s self, tape: &'t Tape<'t, '_>, rule: &'static str) -> Lent<'t, P>;
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

/// Checks that `var` belongs to `tape` and that its cotangent type is `D`.
fn check_var<V, D: 'static>(var: &Var<'_, V>, tape: &Tape<'_, '_>, rule: &'static str) {
    same_tape(var, &tape.core, rule);
    if var.source.is_some() && var.slot.0 != TypeId::of::<D>() {
        panic!(
            "{rule}: this `Var` takes cotangents of type `{}` (its rule's declared cotangent), \
             but its value's tangent is `{}`: the tape cannot connect them",
            var.slot.1,
            core::any::type_name::<D>()
        );
    }
}

/// Lends a `Var`'s value for the brand `'t`: the `Lent` holds the `Rc`, which the tape keeps
/// next to the pullback.
fn lend_var<'t, V, P, D>(
    var: &Var<'t, V>,
    tape: &'t Tape<'t, '_>,
    rule: &'static str,
) -> Lent<'t, P>
where
    V: Lend<'t, P> + Differentiable<Tangent = D> + 'static,
    D: 'static,
{
    check_var::<V, D>(var, tape, rule);
    // SAFETY: the value lives in an `Rc` that the returned `Lent` holds; a `Lent` is opened
    // only by `Tape::primal` and `Tape::record`, which first move the `Rc` into the tape's
    // `Core::kept`, dropped with the core after every node. Whatever holds the `&'t V` is
    // typed with the brand `'t`, so it cannot be used after the core is dropped (the closure
    // that owns the tape has returned, or its `Vjp` is gone). A `Lent` dropped unopened drops
    // the value before the `Rc`. The value is never mutated while shared.
    #[allow(unsafe_code)]
    let value: &'t V = unsafe { &*Rc::as_ptr(&var.value) };
    Lent {
        value: V::lend(value),
        source: var.source,
        keep: Some(keep(&var.value)),
        _brand: PhantomData,
    }
}

impl<'t, V, P, D> Arg<'t, P, D> for &Var<'t, V>
where
    V: Lend<'t, P> + Differentiable<Tangent = D> + 'static,
    D: 'static,
{
    fn lend(self, tape: &'t Tape<'t, '_>, rule: &'static str) -> Lent<'t, P> {
        lend_var(self, tape, rule)
    }
}

impl<'t, V, P, D> Arg<'t, P, D> for Var<'t, V>
where
    V: Lend<'t, P> + Differentiable<Tangent = D> + 'static,
    D: 'static,
{
    fn lend(self, tape: &'t Tape<'t, '_>, rule: &'static str) -> Lent<'t, P> {
        lend_var(&self, tape, rule)
    }
}

/// Lends a `Var`'s value for the call.
fn lend_var_ref<'s, 't, V, P, D>(
    var: &'s Var<'t, V>,
    tape: &'t Tape<'t, '_>,
    rule: &'static str,
) -> Lent<'t, P>
where
    V: Lend<'s, P> + Differentiable<Tangent = D>,
    D: 'static,
{
    check_var::<V, D>(var, tape, rule);
    Lent {
        value: V::lend(&var.value),
        source: var.source,
        keep: None,
        _brand: PhantomData,
    }
}

impl<'s, 't, V, P, D> ArgRef<'s, 't, P, D> for &Var<'t, V>
where
    V: Lend<'s, P> + Differentiable<Tangent = D>,
    D: 'static,
{
    fn lend_ref(&'s self, tape: &'t Tape<'t, '_>, rule: &'static str) -> Lent<'t, P> {
        let var: &'s Var<'t, V> = self;
        lend_var_ref(var, tape, rule)
    }
}

impl<'s, 't, V, P, D> ArgRef<'s, 't, P, D> for Var<'t, V>
where
    V: Lend<'s, P> + Differentiable<Tangent = D>,
    D: 'static,
{
    fn lend_ref(&'s self, tape: &'t Tape<'t, '_>, rule: &'static str) -> Lent<'t, P> {
        lend_var_ref(self, tape, rule)
    }
}

// Constants the pullback may keep: borrowed for `'t`, or owned.

impl<'t, A, S, D, Ct> Arg<'t, ArrayView<'t, A, D>, Ct> for &'t ArrayBase<S, D>
where
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, ArrayView<'t, A, D>> {
        Lent::constant(self.view())
    }
}

impl<'t, A, S, D, Ct> Arg<'t, &'t ArrayBase<S, D>, Ct> for &'t ArrayBase<S, D>
where
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, &'t ArrayBase<S, D>> {
        Lent::constant(self)
    }
}

impl<'t, A, S, D, Ct> Arg<'t, Array<A, D>, Ct> for &ArrayBase<S, D>
where
    A: Clone,
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, Array<A, D>> {
        Lent::constant(self.to_owned())
    }
}

impl<'t, A, D, Ct> Arg<'t, ArrayView<'t, A, D>, Ct> for ArrayView<'t, A, D>
where
    D: Dimension,
{
    fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, ArrayView<'t, A, D>> {
        Lent::constant(self)
    }
}

impl<'t, A, D, Ct> Arg<'t, ArrayView<'t, A, D>, Ct> for Array<A, D>
where
    A: 'static,
    D: Dimension + 'static,
{
    fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, ArrayView<'t, A, D>> {
        let rc = Rc::new(self);
        // SAFETY: as in `lend_var`: the `Lent` holds the `Rc` the view borrows from, which the
        // tape keeps until it is dropped.
        #[allow(unsafe_code)]
        let value: &'t Array<A, D> = unsafe { &*Rc::as_ptr(&rc) };
        Lent {
            value: value.view(),
            source: None,
            keep: Some(keep(&rc)),
            _brand: PhantomData,
        }
    }
}

impl<'t, A, D, Ct> Arg<'t, Array<A, D>, Ct> for Array<A, D> {
    fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, Array<A, D>> {
        Lent::constant(self)
    }
}

// Constants borrowed for the call.

impl<'s, 't, A, S, D, Ct> ArgRef<'s, 't, ArrayView<'s, A, D>, Ct> for &ArrayBase<S, D>
where
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, ArrayView<'s, A, D>> {
        Lent::constant(self.view())
    }
}

impl<'s, 't, A, S, D, Ct> ArgRef<'s, 't, &'s ArrayBase<S, D>, Ct> for &ArrayBase<S, D>
where
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, &'s ArrayBase<S, D>> {
        Lent::constant(*self)
    }
}

impl<'s, 't, A, S, D, Ct> ArgRef<'s, 't, Array<A, D>, Ct> for &ArrayBase<S, D>
where
    A: Clone,
    S: Data<Elem = A>,
    D: Dimension,
{
    fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, Array<A, D>> {
        Lent::constant((**self).to_owned())
    }
}

impl<'s, 't, A, D, Ct> ArgRef<'s, 't, ArrayView<'s, A, D>, Ct> for ArrayView<'_, A, D>
where
    D: Dimension,
{
    fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, ArrayView<'s, A, D>> {
        Lent::constant(self.view())
    }
}

impl<'s, 't, A, D, Ct> ArgRef<'s, 't, ArrayView<'s, A, D>, Ct> for Array<A, D>
where
    D: Dimension,
{
    fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, ArrayView<'s, A, D>> {
        Lent::constant(self.view())
    }
}

/// An owned array for an owned parameter is copied: the argument is borrowed.
impl<'s, 't, A: Clone, D, Ct> ArgRef<'s, 't, Array<A, D>, Ct> for Array<A, D>
where
    D: Dimension,
{
    fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, Array<A, D>> {
        Lent::constant(self.clone())
    }
}

macro_rules! scalar_constants {
    ($($t:ty),*) => {$(
        impl<'t, Ct> Arg<'t, $t, Ct> for $t {
            fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, $t> {
                Lent::constant(self)
            }
        }
        impl<'t, Ct> Arg<'t, $t, Ct> for &$t {
            fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, $t> {
                Lent::constant(*self)
            }
        }
        impl<'s, 't, Ct> ArgRef<'s, 't, $t, Ct> for $t {
            fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, $t> {
                Lent::constant(*self)
            }
        }
        impl<'s, 't, Ct> ArgRef<'s, 't, $t, Ct> for &$t {
            fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, $t> {
                Lent::constant(**self)
            }
        }
    )*};
}
scalar_constants!(Complex<f32>, Complex<f64>);

impl<'t, T: crate::Scalar, Ct> Arg<'t, T, Ct> for T {
    fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, T> {
        Lent::constant(self)
    }
}

impl<'t, T: crate::Scalar, Ct> Arg<'t, T, Ct> for &T {
    fn lend(self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, T> {
        Lent::constant(*self)
    }
}

impl<'s, 't, T: crate::Scalar, Ct> ArgRef<'s, 't, T, Ct> for T {
    fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, T> {
        Lent::constant(*self)
    }
}

impl<'s, 't, T: crate::Scalar, Ct> ArgRef<'s, 't, T, Ct> for &T {
    fn lend_ref(&'s self, _: &'t Tape<'t, '_>, _: &'static str) -> Lent<'t, T> {
        Lent::constant(**self)
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
