//! The testing kit: check a rule in one call, as ChainRulesTestUtils' `test_rrule` does in Julia.
//!
//! [`check_rrule`] takes the primal function, the rule's `rrule` and primal inputs, and checks:
//!
//! * the value `rrule` returns against the primal function's;
//! * the dense pullback against finite differences (fourth-order central differences at steps
//!   `h` and `h/2` scaled to each input, combined by Richardson extrapolation): entry by entry when the inputs are small, and through the adjoint
//!   identity `⟨J v, ȳ⟩ = ⟨v, Jᵀ ȳ⟩` for random directions `v` when they are large;
//! * every `Zero` pattern against the dense pullback fed explicit zeros, and every runtime
//!   `MaybeZero` pattern against its static twin (all patterns are found through [`Patterns`],
//!   which `#[rrule]` implements: the test author lists none of them);
//! * `NoTangent` exactly for the inputs that are not differentiable;
//! * a second call of the pullback gives the same result.
//!
//! Failures panic with a message that names the check, the input or output, the element, and
//! both values. [`test_rrule`] returns the same as a `Result` instead.
//!
//! Cotangents are random (seeded, so failures reproduce) and shaped like the outputs' tangents
//! ([`Differentiable`](trait@crate::Differentiable)): `f32`, `f64`, their complex numbers
//! (flattened as real and imaginary parts; see [`Elem`] for the cotangent convention), arrays of
//! any dimension,
//! derived structs, values that are not differentiated (`NoTangent`), and tuples of these. Inputs
//! may also be borrowed or not differentiated (`&[usize]`, `Vec<usize>`, `&str`): they are passed
//! through as they are. `check_rrule` also runs every `PullbackFor` body against the dense
//! pullback.
//!
//! Inputs: the inputs are passed as one tuple, so a rule that takes views is checked through
//! `|(a,)| f::rrule(a.view())`. `rrule` is only ever called with the tuple you pass (perturbed
//! copies go to `primal` alone), so a pullback may keep views of it: `ops::mul`'s pullback
//! borrows both operands and is checked this way. A borrowed input stored in the tuple itself
//! (`&(x, idx.as_slice())`) is fine too. The pattern check runs at one point with one random
//! cotangent.
//!
//! # Example: a rule of your own, checked in five lines
//!
//! ```
//! use ndarray::{array, Array1};
//! use rules_core::rrule;
//! use rules_core::testing::{check_rrule, Config};
//!
//! /// log Σ exp(x), computed stably.
//! #[rrule]
//! pub fn logsumexp(x: Array1<f64>) -> f64 {
//!     let m = x.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
//!     let w = x.mapv(|v| (v - m).exp());
//!     let total = w.sum();
//!     (m + total.ln(), move |dy: f64| -> Array1<f64> { &w * (dy / total) })
//! }
//!
//! fn main() {
//!     let x = array![0.5, -1.0, 2.0];
//!     check_rrule(|(x,)| logsumexp(x.clone()), |(x,)| logsumexp::rrule(x.clone()), &(x,), &Config::default());
//! }
//! ```

mod checks;
mod fd;
mod forward;
mod grad;
mod matrices;
mod report;
mod rng;
mod tangent;

use crate::{Differentiable, Patterns};

pub use forward::{
    Inputs, check_adjoint, check_frule, check_scalar, test_adjoint, test_frule, test_scalar,
};
pub use grad::{check_grad, test_grad};
pub use matrices::{orthonormal, with_singular_values};
pub use report::Report;
pub use rng::Rng;
pub use tangent::{Constant, Constraint, Elem, Part, PartKind, RuntimeTangent, Symmetric, Tangent};
#[doc(hidden)]
pub use tangent::{merge_parts, rebuild_field};

/// Tolerances and sizes of the checks. `Config::default()` follows ChainRulesTestUtils: relative and
/// absolute tolerance `1e-9` for `f64`, looser for `f32` (chosen automatically from the inputs).
///
/// ```
/// use rules_core::testing::Config;
/// let loose = Config { rtol: 1e-6, ..Config::default() };
/// assert_eq!(loose.atol, Config::default().atol);
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    /// Relative tolerance of the finite-difference and value checks.
    pub rtol: f64,
    /// Absolute tolerance of the finite-difference and value checks.
    pub atol: f64,
    /// Tolerances used instead of `rtol`/`atol` when any input holds `f32`.
    pub f32_tol: f64,
    /// Relative tolerance of "a pattern equals the dense pullback fed explicit zeros".
    pub pattern_rtol: f64,
    /// Finite-difference step, relative to each input's largest magnitude (at least 1).
    pub step: Option<f64>,
    /// How many of its own error estimates a finite difference may be off by (the estimate is
    /// the difference between the stencils with steps `h` and `h/2`); `0` turns it off.
    pub fd_error_weight: f64,
    /// Check entry by entry when the inputs have at most this many entries in all.
    pub elementwise_limit: usize,
    /// Random directions per input for the adjoint identity, on larger inputs.
    pub directions: usize,
    /// Seed of the cotangents and directions.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rtol: 1e-9,
            atol: 1e-9,
            f32_tol: 2e-3,
            pattern_rtol: 1e-12,
            step: None,
            fd_error_weight: 1.0,
            elementwise_limit: 64,
            directions: 3,
            seed: 0x5EED_2026,
        }
    }
}

/// Runs every check of the [module docs](self) and panics with a clear message on the first
/// failure; the module docs show a complete example, and [`Report`] a short one.
///
/// `primal` and `rrule` take the inputs as one tuple (`|(a, k)| f::rrule(a.view(), *k)`), so that
/// the kit can perturb owned copies of them even when the rule takes views.
///
/// # Panics
/// When a check fails; the message names the check, the input or output and the element. The
/// panic is reported at the caller's line.
#[track_caller]
pub fn check_rrule<'x, X, Y, P>(
    primal: impl Fn(&X) -> Y,
    rrule: impl Fn(&'x X) -> (Y, P),
    inputs: &'x X,
    config: &Config,
) -> Report
where
    X: Tangent,
    Y: Tangent + Differentiable,
    Y::Tangent: Tangent + Clone,
    P: Patterns<Y::Tangent>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    match test_rrule(primal, rrule, inputs, config) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// [`check_rrule`], returning the failure message instead of panicking.
///
/// ```
/// use rules_core::testing::{test_rrule, Config};
/// # use rules_core::rrule;
/// /// A planted mistake: the derivative of x² is 2x, not x.
/// #[rrule]
/// fn sq(x: f64) -> f64 {
///     (x * x, move |dy: f64| -> f64 { x * dy })
/// }
/// # fn main() {
/// let err = test_rrule(|(x,)| sq(*x), |(x,)| sq::rrule(*x), &(1.5,), &Config::default()).unwrap_err();
/// assert!(err.contains("the cotangent of input `x` at element 0 is"), "{err}");
/// assert!(err.contains("finite differences give"), "{err}");
/// # }
/// ```
///
/// # Errors
/// The message of the first check that fails.
pub fn test_rrule<'x, X, Y, P>(
    primal: impl Fn(&X) -> Y,
    rrule: impl Fn(&'x X) -> (Y, P),
    inputs: &'x X,
    config: &Config,
) -> Result<Report, String>
where
    X: Tangent,
    Y: Tangent + Differentiable,
    Y::Tangent: Tangent + Clone,
    P: Patterns<Y::Tangent>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    let y = primal(inputs);
    let (y_rule, pb) = rrule(inputs);
    checks::value(inputs, &y, &y_rule, P::COTANGENTS, config)?;
    let case = checks::Case::new(inputs, &y, &pb, config);
    let mut report = Report::default();
    case.no_tangent()?;
    case.repeat()?;
    if !P::NOT_DIFFERENTIATED {
        case.finite_differences(&primal, &mut report)
            .map_err(|e| match case.symmetric_hint() {
                Some(hint) => format!("{e}\n{hint}"),
                None => e,
            })?;
    }
    case.patterns(&mut report)?;
    case.selections(&mut report)?;
    Ok(report)
}
