//! Reverse-mode differentiation rules for [`ndarray`], declared once and specialised at compile
//! time.
//!
//! A rule is an ordinary function whose body computes the value and ends with
//! `(value, pullback_closure)`. [`macro@rrule`] turns it into the plain function, an `rrule` entry
//! point, and one compiled pullback body per pattern of [`Zero`] cotangents, each with the work that
//! only feeds zero terms removed.
//!
//! ```
//! use ndarray::{array, Array1};
//! use rules_core::{rrule, Pullback, Zero};
//!
//! /// y = k·x, differentiable in both x and k.
//! #[rrule]
//! pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
//!     let y = &x * k;
//!     (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) {
//!         (&dy * k, dy.dot(&x))
//!     })
//! }
//!
//! fn main() {
//!     assert_eq!(scale(array![1.0, 2.0], 2.0), array![2.0, 4.0]);
//!     let (y, pb) = scale::rrule(array![1.0, 2.0], 2.0);
//!     let (dx, dk) = pb.pullback(array![1.0, 0.5]);
//!     assert_eq!(dx, array![2.0, 1.0]);
//!     assert_eq!(dk, 2.0);
//!     // Where the output cotangent is statically zero, nothing runs:
//!     let (dx, dk): (Zero, Zero) = pb.pullback(Zero);
//!     # let _ = (y, dx, dk);
//! }
//! ```
//!
//! A rule can be declared wherever a function can, inside function bodies too: `scale::rrule` is
//! an associated function of a type named `scale` that the attribute generates next to the
//! function.
//!
//! The pieces:
//! * the tangent algebra: [`Zero`], [`NoTangent`], [`MaybeZero`] (with [`Materialise`] for a
//!   dense zero of a given shape), and [`Accumulate`] / [`accumulate`] / [`accumulate_into`];
//! * [`Pullback`], implemented by every generated pullback, and [`Patterns`], the hook the testing
//!   kit uses to run every pattern of a rule;
//! * [`Scalar`]: the float types a generic rule with a bare `T` output is instantiated at;
//! * [`ops`]: the elementary rules (arithmetic with broadcasting, `matmul`, reductions,
//!   elementwise functions, `softmax` and friends, losses);
//! * [`linalg`]: the linear-algebra rules, the SVD first;
//! * [`testing`]: check any rule against finite differences and its own patterns in one call;
//! * [`tape`]: the reverse-mode engine for any program made of rules;
//! * [`mod@derive`]: what `#[rrule(derive)]` rules use beyond their callees (the scalar arithmetic
//!   rules and the arena a derived pullback keeps intermediates in).

#[allow(unused_extern_crates)] // used by code that `#[rrule]` generates inside this crate
extern crate self as rules_core;

mod accumulate;
pub mod derive;
mod differentiable;
mod elementwise;
pub mod linalg;
mod non_differentiable;
pub mod ops;
mod pullback;
mod pushforward;
mod reclaim;
mod scalar;
mod tangent;
pub mod tape;
pub mod testing;

pub use accumulate::{Accumulate, accumulate, accumulate_into};
pub use differentiable::Differentiable;
pub use elementwise::Elementwise;
pub use non_differentiable::{InputNames, NoDerivative};
pub use pullback::{
    Need, PULLBACK_FOR_LIMIT, Patterns, Pullback, PullbackFor, PullbackForOnce, PullbackOnce, Skip,
};
pub use pushforward::{Pushforward, PushforwardPatterns};
pub use reclaim::{Reclaim, UniqueBuffer};
/// Derives [`Differentiable`](trait@Differentiable) for a struct: see the trait.
pub use rules_macro::Differentiable;
/// Declares a forward-mode rule: one function whose body computes the value and ends with
/// `(value, pushforward_closure)`, the closure mapping the input tangents (one parameter per
/// input, typed) to the output tangent (typed; a tuple for several outputs).
///
/// It generates the plain function and `name::frule(..) -> (Y, impl Pushforward<..>)`, with one
/// separately compiled body per pattern of `Zero` input tangents (the terms of zero tangents
/// removed; all zero gives `Zero` without running anything) and the runtime `MaybeZero`
/// pattern; see [`Pushforward`]. Stacked with `#[rrule]` (either order) on one function whose
/// tail is `(value, pullback, pushforward)`, it generates both `name::rrule` and `name::frule`.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::{frule, rrule, Pullback, Pushforward, Zero};
///
/// #[rrule]
/// #[frule]
/// fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
///     let y = &x * k;
///     (
///         y,
///         move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) },
///         move |dx: Array1<f64>, dk: f64| -> Array1<f64> { &dx * k + &x * dk },
///     )
/// }
///
/// fn main() {
///     let (_, pb) = scale::rrule(array![1.0, 2.0], 3.0);
///     let (_, pf) = scale::frule(array![1.0, 2.0], 3.0);
///     assert_eq!(pb.pullback(array![1.0, 1.0]), (array![3.0, 3.0], 3.0));
///     assert_eq!(pf.pushforward((Zero, 1.0)), array![1.0, 2.0]);
/// }
/// ```
///
/// `#[frule(derive)]` takes a function with only its forward body and derives the pushforward
/// from the `frule`s of the rules it calls, as `#[rrule(derive)]` does the pullback:
///
/// ```
/// use rules_core::{frule, Pushforward, Zero};
///
/// #[frule(derive)]
/// fn ratio(a: f64, b: f64) -> f64 {
///     a / (a + b)
/// }
///
/// fn main() {
///     let (_, pf) = ratio::frule(1.0, 3.0);
///     // ∂/∂b = −a/(a + b)², the `a` tangent's terms removed.
///     assert_eq!(pf.pushforward((Zero, 1.0)), -1.0 / 16.0);
/// }
/// ```
#[doc(inline)]
pub use rules_macro::frule;
/// Marks a function that is not differentiated (`argmax`, `round`, a count), like ChainRules'
/// `@non_differentiable`: the function is unchanged, and `name::rrule` / `name::frule` return its
/// value with a [`NoDerivative`], whose pullback returns `NoTangent` for every input and whose
/// pushforward returns `NoTangent`, whatever cotangent or tangent is passed (`NoTangent`,
/// `Zero`, `MaybeZero`, or a value of the output's type) and without running anything. See
/// [`NoDerivative`] for an example.
#[doc(inline)]
pub use rules_macro::non_differentiable;
/// Declares a differentiation rule: one function whose body computes the value and ends with
/// `(value, pullback_closure)`.
///
/// From
///
/// ```
/// use ndarray::Array1;
/// use rules_core::{rrule, NoTangent};
///
/// /// Repeats `x` `n` times and scales it.
/// #[rrule]
/// pub fn tile(x: Array1<f64>, n: usize, k: f64) -> (Array1<f64>, f64) {
///     let y = Array1::from_iter((0..n).flat_map(|_| x.iter().map(move |v| v * k)));
///     let total = y.sum();
///     ((y, total), move |dy: Array1<f64>, dt: f64| -> (Array1<f64>, NoTangent, f64) {
///         let len = x.len();
///         let mut dx = Array1::zeros(len);
///         for c in dy.exact_chunks(len) {
///             dx += &c;
///         }
///         let dk_y = dx.dot(&x);
///         let dx = dx * k;
///         let dx_t = Array1::from_elem(len, dt * k * n as f64);
///         let dk_t = dt * x.sum() * n as f64;
///         (dx + dx_t, NoTangent, dk_y + dk_t)
///     })
/// }
///
/// fn main() {
///     // Every pattern, against finite differences and against the dense pullback fed zeros:
///     use rules_core::testing::{check_rrule, Config};
///     let x = ndarray::array![1.0, -2.0, 0.5];
///     check_rrule(|(x, n, k)| tile(x.clone(), *n, *k), |(x, n, k)| tile::rrule(x.clone(), *n, *k), &(x, 3, 1.5), &Config::default());
/// }
/// ```
///
/// the attribute generates, with the function's visibility and generics:
///
/// * `fn tile(x, n, k) -> (Array1<f64>, f64)`: the plain function, without the statements only
///   the pullback reads;
/// * `tile::rrule(x, n, k)`, returning the value and a pullback object that implements
///   [`Pullback<C>`](Pullback) for every pattern `C` in which each output cotangent is its declared
///   type or [`Zero`] (each a separately compiled body with the zero terms removed; zero input
///   cotangents come back as `Zero`, [`NoTangent`] stays), for the runtime pattern of
///   [`MaybeZero`]s, and [`Patterns`] for the testing kit. Its rustdoc lists every pattern's body.
///
/// Rules of the declaration:
/// * the closure's parameters are the output cotangents (one per element of a tuple output) and
///   its return is the input cotangents (bare for one input, a tuple for several); both must be
///   written with their types; a cotangent type may be a bare type parameter `T` only in a rule
///   with one output, or with two outputs that are both `T` (`-> (T, T)`, as `slogdet`), and
///   `rrule` then requires `T:` [`Scalar`] (`f32` or `f64`); such a `(T, T)` rule has no
///   `pullback_for`;
/// * `-> Result<T, E>` with the tail `Ok((value, closure))` makes `rrule` fallible (`?` works);
/// * at most 6 outputs (64 patterns);
/// * `name::rrule` is an associated function of an empty struct `name` generated next to the
///   function (the struct lives in the type namespace, the function in the value namespace), so
///   rules work at module level and inside function bodies alike;
/// * the pullback captures the generics in scope and the elided lifetimes (`&T`, `'_`) of the
///   parameters it captures itself, nothing else; a lifetime hidden in a path
///   (`ArrayView1<f64>`) must be written `'_` or named if the pullback keeps that parameter.
///
/// Statement markers, removed by the attribute: `#[pass_zero]` on a pullback statement passes
/// `Zero` for its zero cotangents (the callee must accept it, e.g. through
/// `impl Into<MaybeZero<_>>`) instead of rejecting the statement; `#[primal_only]` and
/// `#[rrule_only]` keep a forward statement out of `rrule` or out of the plain function.
/// `#[rrule(crate = path)]` names this crate when it is re-exported elsewhere.
///
/// `#[rrule(derive)]` takes a function with only its forward body, made of calls of rules, and
/// derives the pullback from the callees' (the README's "Derived rules"); `#[no_grad]` marks a
/// parameter or a statement that is not differentiated. `#[frule(derive)]` derives the
/// pushforward likewise, alone or stacked with it.
///
/// ```
/// use ndarray::{array, ArrayView1};
/// use rules_core::{ops, rrule, Need, Pullback, PullbackFor, Skip};
///
/// #[rrule(derive)]
/// fn weighted(x: ArrayView1<'_, f64>, w: ArrayView1<'_, f64>) -> f64 {
///     let p = ops::mul(x, w);
///     p.sum() * 2.0
/// }
///
/// fn main() {
///     let (x, w) = (array![1.0, 2.0], array![3.0, 4.0]);
///     let (v, pb) = weighted::rrule(x.view(), w.view());
///     assert_eq!(v, 22.0);
///     let (dx, dw) = pb.pullback(1.0);
///     assert_eq!((dx, dw), (array![6.0, 8.0], array![2.0, 4.0]));
///     // Only x: `mul` is asked for `(Need, Skip)` and never computes `dw`.
///     assert_eq!(pb.pullback_for((Need, Skip), 1.0), (array![6.0, 8.0], Skip));
/// }
/// ```
///
/// A statement the specialisation cannot decide (a call taking a zero and a non-zero cotangent, a
/// write it could lose) is a compile error at that statement; the README lists the rules.
#[doc(inline)]
pub use rules_macro::rrule;
/// Makes the methods marked `#[rrule]` of an inherent impl block rules.
///
/// For a method `fn forward(&self, x) -> Y` marked `#[rrule]`, the impl gets `forward` (the
/// plain method) and `forward_rrule(&self, x) -> (Y, impl DenseForwardPullback)`; the
/// pullback's closure returns `self`'s cotangent first (the type's tangent, from
/// [`derive(Differentiable)`](macro@Differentiable)), then one per other input. The trait named
/// after the type and the method (`DenseForwardPullback`) follows the impl. A rule cannot take
/// `&mut self`.
///
/// ```
/// use ndarray::{array, Array1, Array2, Axis};
/// use rules_core::{rrules, Differentiable, Pullback, Zero};
///
/// #[derive(Clone, Differentiable)]
/// pub struct Dense {
///     pub w: Array2<f64>,
///     pub b: Array1<f64>,
/// }
///
/// #[rrules]
/// impl Dense {
///     /// `x·W + b`.
///     #[rrule]
///     pub fn forward(&self, x: Array2<f64>) -> Array2<f64> {
///         let y = x.dot(&self.w) + &self.b;
///         (y, move |dy: Array2<f64>| -> (DenseTangent, Array2<f64>) {
///             let dw = x.t().dot(&dy);
///             let db = dy.sum_axis(Axis(0));
///             let dx = dy.dot(&self.w.t());
///             (DenseTangent { w: dw, b: db }, dx)
///         })
///     }
/// }
///
/// fn main() {
///     let layer = Dense { w: array![[1.0, 2.0], [3.0, 4.0]], b: array![0.5, -0.5] };
///     let (y, pb) = layer.forward_rrule(array![[1.0, 1.0]]);
///     assert_eq!(y, layer.forward(array![[1.0, 1.0]]));
///     let (dlayer, dx) = pb.pullback(array![[1.0, 0.0]]);
///     assert_eq!(dlayer.b, array![1.0, 0.0]);
///     assert_eq!(dx, array![[1.0, 3.0]]);
///     assert_eq!(pb.pullback(Zero), (Zero, Zero));
/// }
/// ```
#[doc(inline)]
pub use rules_macro::rrules;
/// Declares the rules of a function of scalars from its partial derivatives, like ChainRules'
/// `@scalar_rule`: `#[scalar_rule(|y| ∂f/∂x)]`, the closure's parameter naming the output and the
/// inputs named as in the function (`#[scalar_rule(|r| (x / r, y / r))]` for several).
///
/// It generates the function, `name::rrule` and `name::frule` (the same as `#[rrule]` and
/// `#[frule]` would, with every `Zero` pattern), and elementwise versions over arrays of any
/// dimension whose inputs share one shape (each passed as `&a` or `a.view()`): `name::map`,
/// `name::map_rrule` and `name::map_frule`. These compute the value and the partials in one pass
/// over the data, and their [`Elementwise`] pullback and pushforward own the partials (they
/// borrow nothing). Generic scalar functions (`T: Float`, partials with `T::one()`) need
/// `T:` [`Scalar`] for the rules. Limits: `map_rrule`/`map_frule` exist for one or two inputs,
/// and a generic rule with several inputs has no `frule` (its bare generic tangents would give
/// overlapping patterns).
///
/// ```
/// use ndarray::array;
/// use rules_core::{scalar_rule, Pullback, Pushforward, Zero};
///
/// #[scalar_rule(|r| (x / r, y / r))]
/// pub fn hypot(x: f64, y: f64) -> f64 {
///     x.hypot(y)
/// }
///
/// fn main() {
///     let (r, pb) = hypot::rrule(3.0, 4.0);
///     assert_eq!((r, pb.pullback(1.0)), (5.0, (0.6, 0.8)));
///     let (_, pf) = hypot::frule(3.0, 4.0);
///     assert_eq!(pf.pushforward((Zero, 5.0)), 4.0);
///     let (r, pb) = hypot::map_rrule(&array![3.0, 5.0], &array![4.0, 12.0]);
///     assert_eq!(r, array![5.0, 13.0]);
///     assert_eq!(pb.pullback(array![1.0, 13.0]).1, array![0.8, 12.0]);
/// }
/// ```
///
/// # Panics
/// The `map` functions panic when the inputs' shapes differ, naming the rule and the input.
#[doc(inline)]
pub use rules_macro::scalar_rule;
pub use scalar::Scalar;
pub use tangent::{Materialise, MaybeZero, NoTangent, Zero};

/// Items the code generated by `#[rrule]` refers to. Not public API: no stability guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::scalar::{ScalarSlot, ScalarSlots2};
    pub use crate::tape;
    pub use crate::{
        Elementwise, MaybeZero, Need, NoTangent, Patterns, Pullback, PullbackFor, PullbackForOnce,
        PullbackOnce, Pushforward, PushforwardPatterns, Scalar, Skip, Zero,
    };
    pub use core::marker::PhantomData;
    pub use core::option::Option;
    pub use ndarray;

    /// The value of a sum whose other terms are statically zero, with the type the full sum had:
    /// owned arrays and scalars pass through; borrowed ones are copied once, as `&a + &b` would.
    pub trait Owned {
        /// The owned type.
        type Out;
        /// Converts to the owned type.
        fn owned(self) -> Self::Out;
    }
    impl<A: Clone, S: ndarray::Data<Elem = A>, D: ndarray::Dimension> Owned
        for &ndarray::ArrayBase<S, D>
    {
        type Out = ndarray::Array<A, D>;
        fn owned(self) -> Self::Out {
            self.to_owned()
        }
    }
    impl Owned for &f64 {
        type Out = f64;
        fn owned(self) -> f64 {
            *self
        }
    }
    impl Owned for &f32 {
        type Out = f32;
        fn owned(self) -> f32 {
            *self
        }
    }

    /// See [`Owned`].
    pub fn owned<T: Owned>(x: T) -> T::Out {
        x.owned()
    }
}

/// The README's complete examples compile and run as doctests (its snippets are marked `ignore`).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

#[cfg(test)]
mod alloc_tests {
    //! `Zero` paths must not allocate: counted with a per-thread counting allocator.
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    use ndarray::{Array2, array};

    use crate::{Accumulate, MaybeZero, Zero};

    struct Counting;
    thread_local!(static ALLOCS: Cell<usize> = const { Cell::new(0) });

    #[allow(unsafe_code)]
    // SAFETY: forwards to the system allocator; only counts.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
            // SAFETY: same contract as ours.
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: same contract as ours.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;

    fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
        let before = ALLOCS.with(Cell::get);
        let r = f();
        (ALLOCS.with(Cell::get) - before, r)
    }

    #[test]
    fn zero_paths_allocate_nothing() {
        let x: Array2<f64> = array![[1.0, 2.0], [3.0, 4.0]];
        let (n, y) = allocations(|| {
            let y = Zero + x;
            let y = y + Zero;
            let y = y - Zero;
            let _ = Zero * &y;
            let _ = &y * Zero;
            let y = y.accumulate(Zero);
            let y = Zero.accumulate(y);
            let m = MaybeZero::Value(y) + MaybeZero::Zero;
            let m = MaybeZero::Zero + m;
            let m = m.accumulate(Zero);
            m.value()
        });
        assert_eq!(n, 0, "Zero paths allocated {n} times");
        assert_eq!(y, Some(array![[1.0, 2.0], [3.0, 4.0]]));
        let (n, _) = allocations(|| Array2::<f64>::zeros((2, 2)));
        assert_eq!(n, 1, "the counter sees allocations");
    }
}
