//! The [`Pullback`] trait and the [`Patterns`] trait that `#[rrule]` implements for testing.

/// A pullback: maps the cotangent of a function's output to the cotangents of its inputs.
///
/// `#[rrule]` implements `Pullback<C>` for every *pattern* `C` of output cotangents in which each
/// cotangent is either its declared type or [`Zero`](crate::Zero) (each pattern a separately
/// compiled body with the work that only feeds zero terms removed), and for the runtime pattern in
/// which each cotangent is a [`MaybeZero`](crate::MaybeZero).
///
/// A single output takes its cotangent bare; several outputs take a tuple. The output is the bare
/// input cotangent for one input and a tuple for several.
///
/// `pullback` takes `&self`: a pullback may be called any number of times (rows of a Jacobian,
/// a second derivative pass). Cotangents are taken by value so that a rule may reuse their storage.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::{rrule, Pullback, Zero};
///
/// #[rrule]
/// fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
///     let y = &x * k;
///     (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) })
/// }
///
/// fn main() {
///     let (y, pb) = scale::rrule(array![1.0, 2.0], 3.0);
///     assert_eq!(y, array![3.0, 6.0]);
///     let (dx, dk) = pb.pullback(array![1.0, 1.0]);
///     assert_eq!((dx, dk), (array![3.0, 3.0], 3.0));
///     // The Zero pattern runs nothing and returns typed zeros.
///     let (dx, dk): (Zero, Zero) = pb.pullback(Zero);
///     assert_eq!((dx, dk), (Zero, Zero));
/// }
/// ```
pub trait Pullback<C> {
    /// The input cotangents this pattern produces.
    type Output;
    /// Maps output cotangents to input cotangents.
    fn pullback(&self, cotangent: C) -> Self::Output;
}

/// Every pattern of a rule, reachable from one dense cotangent: the hook the testing kit uses.
///
/// `#[rrule]` implements this for its pullback object with `C` the dense cotangent (the declared
/// closure parameter types, bare for one output, a tuple for several). Bit `i` of `zero_mask` set
/// means "output cotangent `i` is zero in this pattern". Both methods return the input cotangents
/// in runtime form: each one a [`MaybeZero`](crate::MaybeZero), with
/// [`NoTangent`](crate::NoTangent) left as it is.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::{rrule, MaybeZero, Patterns};
///
/// #[rrule]
/// fn add_mul(x: Array1<f64>, y: Array1<f64>) -> (Array1<f64>, Array1<f64>) {
///     let s = &x + &y;
///     let p = &x * &y;
///     ((s, p), move |ds: Array1<f64>, dp: Array1<f64>| -> (Array1<f64>, Array1<f64>) {
///         (&ds + &(&dp * &y), &ds + &(&dp * &x))
///     })
/// }
///
/// fn cotangent_names<P: Patterns<C>, C>(_: &P) -> &'static [&'static str] {
///     P::COTANGENTS
/// }
///
/// fn main() {
///     let (_, pb) = add_mul::rrule(array![1.0, 2.0], array![3.0, 4.0]);
///     assert_eq!(cotangent_names::<_, (Array1<f64>, Array1<f64>)>(&pb), ["ds", "dp"]);
///     // Pattern (ds, Zero): only the `ds` terms run.
///     let out = pb.pullback_static(0b10, (array![1.0, 1.0], array![5.0, 5.0])).unwrap();
///     assert_eq!(out, (MaybeZero::Value(array![1.0, 1.0]), MaybeZero::Value(array![1.0, 1.0])));
/// }
/// ```
pub trait Patterns<C>: Pullback<C> {
    /// The input cotangents in runtime form.
    type Runtime;
    /// The names of the output cotangents (the closure's parameters), in order.
    const COTANGENTS: &'static [&'static str];
    /// The names of the inputs (the function's parameters), in order.
    const INPUTS: &'static [&'static str];
    /// `true` for a function declared `#[non_differentiable]`: its pullback returns `NoTangent`
    /// for every input, and the testing kit checks its value only.
    const NOT_DIFFERENTIATED: bool = false;
    /// Runs the statically specialised body for `zero_mask`, with the cotangents whose bit is set
    /// replaced by [`Zero`](crate::Zero). `None` when `zero_mask` is out of range (`≥ 2^k` for `k`
    /// cotangents); `#[rrule]` generates every pattern below that.
    fn pullback_static(&self, zero_mask: u64, cotangent: C) -> Option<Self::Runtime>;
    /// Runs the runtime pattern, with the cotangents whose bit is set passed as
    /// [`MaybeZero::Zero`](crate::MaybeZero::Zero) and the others as `MaybeZero::Value`.
    fn pullback_runtime(&self, zero_mask: u64, cotangent: C) -> Self::Runtime;
    /// Runs the [`PullbackFor`] body for the inputs whose bit is set in `wanted` and the
    /// cotangents whose bit is set in `zero_mask` zero; skipped inputs come back as
    /// [`MaybeZero::Zero`](crate::MaybeZero::Zero). `None` when the rule has no `PullbackFor`
    /// (too many inputs and outputs) or a mask is out of range.
    fn pullback_for_static(
        &self,
        wanted: u64,
        zero_mask: u64,
        cotangent: C,
    ) -> Option<Self::Runtime> {
        let _ = (wanted, zero_mask, cotangent);
        None
    }
    /// Runs the runtime [`PullbackFor`] with `wanted` as `[bool; N]` and the cotangents whose bit
    /// is set in `zero_mask` passed as `MaybeZero::Zero`; `None` as for
    /// [`Patterns::pullback_for_static`].
    fn pullback_for_runtime(
        &self,
        wanted: u64,
        zero_mask: u64,
        cotangent: C,
    ) -> Option<Self::Runtime> {
        let _ = (wanted, zero_mask, cotangent);
        None
    }
}

/// In [`PullbackFor`]'s selection: compute this input's cotangent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Need;

/// In [`PullbackFor`]'s selection: do not compute this input's cotangent. It comes back as the
/// value `Skip`, and every statement that only fed it is not run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Skip;

/// A pullback that computes only the input cotangents it is asked for, like PyTorch's
/// `needs_input_grad` or JAX's `symbolic_zeros`, decided at compile time.
///
/// `#[rrule]` implements `PullbackFor<W, C>` for every pattern `C` of its [`Pullback`] impls and
/// every selection `W`: one [`Need`] or [`Skip`] per input (`NoTangent` inputs included; a bare
/// marker for a rule with one input). Each is a separately compiled body in which the statements
/// that only feed skipped cotangents are removed, for every `Zero` pattern of the cotangent. The
/// runtime form takes `[bool; N]` (`true` = needed) and `MaybeZero` cotangents, and returns
/// `MaybeZero`s, `Zero` where skipped. Rules whose inputs and outputs together number more than
/// [`PULLBACK_FOR_LIMIT`] do not implement it (the bodies would number `2^(outputs + inputs)`).
///
/// ```
/// use ndarray::{array, Array1, Array2, Axis};
/// use rules_core::{rrule, Need, PullbackFor, Skip, Zero};
///
/// /// `x·W + b`.
/// #[rrule]
/// pub fn affine(x: Array2<f64>, w: Array2<f64>, b: Array1<f64>) -> Array2<f64> {
///     let y = x.dot(&w) + &b;
///     (y, move |dy: Array2<f64>| -> (Array2<f64>, Array2<f64>, Array1<f64>) {
///         let dx = dy.dot(&w.t());
///         let dw = x.t().dot(&dy);
///         let db = dy.sum_axis(Axis(0));
///         (dx, dw, db)
///     })
/// }
///
/// fn main() {
///     let (_, pb) = affine::rrule(array![[1.0, 2.0]], array![[1.0], [1.0]], array![0.5]);
///     // Only the weights' gradient: `dx` and `db` are never computed.
///     let (dx, dw, db) = pb.pullback_for((Skip, Need, Skip), array![[1.0]]);
///     assert_eq!((dx, db), (Skip, Skip));
///     assert_eq!(dw, array![[1.0], [2.0]]);
///     // Decided at run time: `MaybeZero`s, `Zero` where skipped.
///     let (dx, dw, _) = pb.pullback_for([true, false, false], rules_core::MaybeZero::Value(array![[1.0]]));
///     assert!(dw.is_zero() && !dx.is_zero());
///     let _ = (Zero,);
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "this pullback has no `pullback_for` with the selection `{W}` and the cotangent `{C}`",
    note = "give one `Need` or `Skip` per input of the rule, in order (a bare marker for a rule with one input), or `[bool; N]` with `MaybeZero` cotangents; rules with more than `PULLBACK_FOR_LIMIT` inputs and outputs together have none"
)]
pub trait PullbackFor<W, C> {
    /// The selected input cotangents: `Skip` where not needed.
    type Output;
    /// Maps output cotangents to the needed input cotangents.
    fn pullback_for(&self, wanted: W, cotangent: C) -> Self::Output;
}

/// The most inputs and outputs together for which `#[rrule]` implements [`PullbackFor`]
/// (`2^4 = 16` bodies, each a closure type of the pullback object).
pub const PULLBACK_FOR_LIMIT: usize = 4;

/// A pullback run for the last time: [`Pullback`] taking `self`, so that the rule may hand the
/// buffers it kept from the forward pass to its result instead of allocating one.
///
/// `#[rrule]` implements it for every pattern `C` of its `Pullback` impls, with the same output.
/// A rule whose pullback marks a captured value with [`reclaim!`](crate::reclaim) gets a second
/// set of bodies in which that value is moved out of the pullback; every other rule's
/// `pullback_once` is its `pullback`. The result is `pullback`'s with the same cotangent up to
/// rounding: a rule that writes in place may sum in another order (the SVD's in-place product
/// goes through its small kernels, `pullback`'s new array through faer's). The tape ([`crate::tape`]) runs each rule's
/// pullback this way, once.
///
/// ```
/// use ndarray::{Array2, ArcArray2};
/// use rules_core::{rrule, reclaim, Pullback, PullbackOnce};
///
/// /// `y = k·x`, with `x` kept as the shared buffer the value also holds.
/// #[rrule]
/// fn scaled(x: Array2<f64>, k: f64) -> ArcArray2<f64> {
///     let y = (x * k).into_shared();
///     (y.clone(), move |dy: Array2<f64>| -> (Array2<f64>, f64) {
///         let dk = (&dy * &y).sum() / k;
///         // The last use of `y`: by value in `pullback_once`, by reference in `pullback`.
///         let dx = match reclaim!(y).try_unique() {
///             // The value's other owners are gone: write `k·dy` into y's buffer.
///             Ok(mut buf) => {
///                 buf.zip_mut_with(&dy, |b, &d| *b = k * d);
///                 buf
///             }
///             Err(_) => &dy * k,
///         };
///         (dx, dk)
///     })
/// }
///
/// fn main() {
///     let x = Array2::from_elem((2, 2), 1.0);
///     let (y, pb) = scaled::rrule(x.clone(), 3.0);
///     let again = pb.pullback(Array2::ones((2, 2)));
///     drop(y);
///     let once = pb.pullback_once(Array2::ones((2, 2)));
///     assert_eq!(again, once);
/// }
/// ```
pub trait PullbackOnce<C>: Pullback<C> {
    /// Maps output cotangents to input cotangents, consuming the pullback.
    fn pullback_once(self, cotangent: C) -> Self::Output;
}

/// [`PullbackFor`] taking `self`: the selections of [`PullbackOnce`]. `#[rrule]` implements it
/// wherever it implements `PullbackFor`, with the same output.
pub trait PullbackForOnce<W, C>: PullbackFor<W, C> {
    /// Maps output cotangents to the needed input cotangents, consuming the pullback.
    fn pullback_for_once(self, wanted: W, cotangent: C) -> Self::Output;
}
