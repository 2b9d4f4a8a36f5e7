//! Forward mode: the [`Pushforward`] trait that `#[frule]` implements, and
//! [`PushforwardPatterns`], the hook the testing kit uses to run every pattern.

/// A pushforward: maps the tangents of a function's inputs to the tangent of its output, like
/// ChainRules' `frule` or JAX's `jvp`.
///
/// `#[frule]` implements `Pushforward<T>` for every *pattern* `T` of input tangents in which each
/// tangent is either its declared type or [`Zero`](crate::Zero) (each a separately compiled body
/// with the terms of zero tangents removed; an output tangent that vanishes comes back as
/// `Zero`), and for the runtime pattern in which each is a [`MaybeZero`](crate::MaybeZero). A
/// single input takes its tangent bare, several a tuple; the output tangent is bare for one
/// output and a tuple for several.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::{frule, Pushforward, Zero};
///
/// /// y = k·x.
/// #[frule]
/// fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
///     let y = &x * k;
///     (y, move |dx: Array1<f64>, dk: f64| -> Array1<f64> { &dx * k + &x * dk })
/// }
///
/// fn main() {
///     let (y, pf) = scale::frule(array![1.0, 2.0], 3.0);
///     assert_eq!(pf.pushforward((array![1.0, 0.0], 0.5)), array![3.5, 1.0]);
///     // The `&dx * k` term is gone:
///     assert_eq!(pf.pushforward((Zero, 1.0)), array![1.0, 2.0]);
///     assert_eq!(pf.pushforward((Zero, Zero)), Zero);
///     # let _ = y;
/// }
/// ```
pub trait Pushforward<T> {
    /// The output tangent this pattern produces.
    type Output;
    /// Maps input tangents to the output tangent.
    fn pushforward(&self, tangent: T) -> Self::Output;
}

/// Every pattern of a pushforward, reachable from one dense tangent: the forward-mode twin of
/// [`Patterns`](crate::Patterns), which `#[frule]` implements for the testing kit.
pub trait PushforwardPatterns<T>: Pushforward<T> {
    /// The output tangents in runtime form (`MaybeZero` each).
    type Runtime;
    /// The names of the input tangents (the closure's parameters), in order.
    const TANGENTS: &'static [&'static str];
    /// The names of the outputs, in order.
    const OUTPUTS: &'static [&'static str];
    /// Runs the statically specialised body for `zero_mask` (bit `i` set: tangent `i` is
    /// [`Zero`](crate::Zero)); `None` when the mask is out of range.
    fn pushforward_static(&self, zero_mask: u64, tangent: T) -> Option<Self::Runtime>;
    /// Runs the runtime pattern with the tangents whose bit is set passed as
    /// [`MaybeZero::Zero`](crate::MaybeZero::Zero).
    fn pushforward_runtime(&self, zero_mask: u64, tangent: T) -> Self::Runtime;
}
