//! The checks of forward rules: [`check_frule`] (value, pushforward against finite differences,
//! every `Zero` pattern against the dense pushforward fed explicit zeros, the runtime pattern),
//! and [`check_adjoint`], which ties a function's two rules together through
//! `⟨ẏ, ȳ⟩ = ⟨ẋ, x̄⟩`.

use super::fd::difference;
use super::report::{first_mismatch, pattern_label, zeroed};
use super::{Config, PartKind, Report, Rng, RuntimeTangent, Tangent, checks};
use crate::{Differentiable, Patterns, PushforwardPatterns};

/// A tuple of inputs, seen as the pushforward sees their tangents: bare for one input, a tuple
/// for several (the convention of `#[frule]`'s closure parameters).
pub trait Inputs: Tangent {
    /// The tangents of the inputs, as the pushforward takes them.
    type Tangents: Tangent + Clone;
    /// Zero tangents shaped like the inputs.
    fn zero_tangents(&self) -> Self::Tangents;
}

impl<A: Tangent + Differentiable> Inputs for (A,)
where
    A::Tangent: Tangent + Clone,
{
    type Tangents = A::Tangent;
    fn zero_tangents(&self) -> A::Tangent {
        self.0.zero_tangent()
    }
}

macro_rules! inputs {
    ($( ($($n:tt $t:ident),+) )*) => {$(
        impl<$($t: Tangent + Differentiable),+> Inputs for ($($t,)+)
        where
            $($t::Tangent: Tangent + Clone,)+
        {
            type Tangents = ($($t::Tangent,)+);
            fn zero_tangents(&self) -> Self::Tangents {
                ($(self.$n.zero_tangent(),)+)
            }
        }
    )*};
}
inputs! {
    (0 A, 1 B)
    (0 A, 1 B, 2 C)
    (0 A, 1 B, 2 C, 3 D)
    (0 A, 1 B, 2 C, 3 D, 4 E)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F)
}

/// Checks a forward rule the way [`check_rrule`](super::check_rrule) checks a reverse one: the
/// value against the primal function; the pushforward of a random input tangent against
/// fourth-order finite differences of the primal along it (each with its own error estimate);
/// every `Zero` pattern against the dense pushforward fed explicit zeros; the runtime pattern
/// against its static twin.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::frule;
/// use rules_core::testing::{check_frule, Config};
///
/// #[frule]
/// fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
///     let y = &x * k;
///     (y, move |dx: Array1<f64>, dk: f64| -> Array1<f64> { &dx * k + &x * dk })
/// }
///
/// fn main() {
///     let r = check_frule(|(x, k)| scale(x.clone(), *k), |(x, k)| scale::frule(x.clone(), *k), &(array![1.0, -2.0], 0.5), &Config::default());
///     assert_eq!(r.patterns, 4);
/// }
/// ```
///
/// # Panics
/// When a check fails, at the caller's line.
#[track_caller]
pub fn check_frule<'x, X, Y, P>(
    primal: impl Fn(&X) -> Y,
    frule: impl Fn(&'x X) -> (Y, P),
    inputs: &'x X,
    config: &Config,
) -> Report
where
    X: Inputs,
    Y: Tangent,
    P: PushforwardPatterns<X::Tangents>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    match test_frule(primal, frule, inputs, config) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// [`check_frule`], returning the failure message instead of panicking.
///
/// # Errors
/// The message of the first check that fails.
pub fn test_frule<'x, X, Y, P>(
    primal: impl Fn(&X) -> Y,
    frule: impl Fn(&'x X) -> (Y, P),
    inputs: &'x X,
    config: &Config,
) -> Result<Report, String>
where
    X: Inputs,
    Y: Tangent,
    P: PushforwardPatterns<X::Tangents>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    let y = primal(inputs);
    let (y_rule, pf) = frule(inputs);
    checks::value(inputs, &y, &y_rule, P::OUTPUTS, config)?;
    let mut report = Report::default();
    let x_parts = inputs.parts();
    let f32_inputs = x_parts.iter().any(|p| p.kind == PartKind::F32);
    let (rtol, atol) = if f32_inputs {
        (config.f32_tol, config.f32_tol)
    } else {
        (config.rtol, config.atol)
    };
    let mut rng = Rng::new(config.seed);
    let xdot = rng.random_like(&inputs.zero_tangents());
    let step = config.step.unwrap_or(if f32_inputs { 1e-2 } else { 1e-3 });
    let base: Vec<Vec<f64>> = x_parts.iter().map(|p| p.values.clone()).collect();
    let xdot_parts: Vec<Vec<f64>> = xdot.parts().into_iter().map(|p| p.values).collect();
    // One input at a time, its random tangent scaled to that input's magnitude (so a small
    // input's column is checked on its own, with a step that fits it).
    for i in 0..xdot_parts.len() {
        if xdot_parts[i].is_empty() {
            continue;
        }
        let name = P::TANGENTS.get(i).copied().unwrap_or("?");
        let scale = base
            .get(i)
            .map_or(1.0, |p| p.iter().fold(1.0f64, |m, v| m.max(v.abs())));
        let dir: Vec<Vec<f64>> = (xdot_parts.iter().enumerate())
            .map(|(j, p)| {
                if j == i {
                    p.iter().map(|v| v * scale).collect()
                } else {
                    vec![0.0; p.len()]
                }
            })
            .collect();
        let ydot = pf.pushforward(xdot.rebuild(&dir)).parts();
        let outputs_at = |t: f64| -> Vec<f64> {
            let mut parts = base.clone();
            for (p, d) in parts.iter_mut().zip(&dir) {
                for (v, dv) in p.iter_mut().zip(d) {
                    *v += t * dv;
                }
            }
            primal(&inputs.rebuild(&parts))
                .parts()
                .into_iter()
                .flat_map(|p| p.values)
                .collect()
        };
        // The stencils with steps `h` and `h/2` sample ±h/2, ±h and ±2h.
        let samples: Vec<(f64, Vec<f64>)> = [-2.0, -1.0, -0.5, 0.5, 1.0, 2.0]
            .iter()
            .map(|&s| (s, outputs_at(s * step)))
            .collect();
        let at = |s: f64, e: usize| {
            samples
                .iter()
                .find(|(t, _)| (*t - s).abs() < 1e-12)
                .and_then(|(_, v)| v.get(e).copied())
                .unwrap_or(f64::NAN)
        };
        let ad: Vec<f64> = ydot.iter().flat_map(|p| p.values.iter().copied()).collect();
        for (e, &a) in ad.iter().enumerate() {
            let (fine, estimate) = difference(|t| at(t / step, e), step);
            if estimate > rtol.max(atol).sqrt() * fine.abs().max(a.abs()) + atol {
                return Err(format!(
                    "check_frule: finite differences are unreliable along `{name}` for output entry {e}: their estimated error {estimate:e} is large against the derivative {fine:e}; check the rule at another point, or set `Config::step`"
                ));
            }
            let ratio = (a - fine).abs()
                / (atol + rtol * fine.abs().max(a.abs()) + config.fd_error_weight * estimate);
            report.fd_checks += 1;
            report.worst_fd_ratio = report.worst_fd_ratio.max(ratio);
            if !super::report::within(ratio) {
                return Err(format!(
                    "check_frule: along `{name}`, the output tangent at entry {e} is {a:e}, finite differences give {fine:e} (difference {:e}; rtol {rtol:e}, atol {atol:e})",
                    (a - fine).abs()
                ));
            }
        }
    }

    // Every pattern against the dense pushforward fed explicit zeros; runtime against static.
    let names = P::TANGENTS;
    let t_parts = xdot.parts();
    for mask in 0..(1u64 << names.len()) {
        let zeroed = zeroed(&t_parts, mask);
        let dense = pf.pushforward(xdot.rebuild(&zeroed)).parts();
        let label = pattern_label(names, mask);
        let Some(stat) = pf.pushforward_static(mask, xdot.clone()) else {
            continue;
        };
        let stat = stat.runtime_parts();
        if pf.pushforward_runtime(mask, xdot.clone()).runtime_parts() != stat {
            return Err(format!(
                "check_frule: the runtime MaybeZero pattern {label} differs from the static pattern it must dispatch to"
            ));
        }
        for (o, (s, d)) in stat.iter().zip(&dense).enumerate() {
            let scale = d.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let tol = config.pattern_rtol * scale.max(f64::MIN_POSITIVE)
                + if f32_inputs { 1e-6 * scale } else { 0.0 };
            let ok = match s {
                None => d.values.iter().all(|v| v.abs() <= tol),
                Some(values) => {
                    first_mismatch(&d.values, values, config.pattern_rtol, tol).is_none()
                }
            };
            if !ok {
                return Err(format!(
                    "check_frule: pattern {label} differs from the dense pushforward fed explicit zeros for output {o}"
                ));
            }
        }
        report.patterns += 1;
    }
    Ok(report)
}

/// Checks that a function's two rules agree: for random `ẋ` and `ȳ`, the pushforward and the
/// pullback satisfy `⟨ẏ, ȳ⟩ = ⟨ẋ, x̄⟩` (the definition of the adjoint), to the relative tolerance
/// of `config`.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::{frule, rrule};
/// use rules_core::testing::{check_adjoint, Config};
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
///     check_adjoint(|(x, k)| scale::rrule(x.clone(), *k), |(x, k)| scale::frule(x.clone(), *k), &(array![1.0, 2.0], 3.0), &Config::default());
/// }
/// ```
///
/// # Panics
/// When they disagree, at the caller's line.
#[track_caller]
pub fn check_adjoint<'x, X, Y, PB, PF>(
    rrule: impl Fn(&'x X) -> (Y, PB),
    frule: impl Fn(&'x X) -> (Y, PF),
    inputs: &'x X,
    config: &Config,
) where
    X: Inputs,
    Y: Tangent + Differentiable,
    Y::Tangent: Tangent + Clone,
    PB: Patterns<Y::Tangent>,
    PB::Output: Tangent,
    PF: PushforwardPatterns<X::Tangents>,
    PF::Output: Tangent,
{
    if let Err(e) = test_adjoint(rrule, frule, inputs, config) {
        panic!("{e}");
    }
}

/// [`check_adjoint`], returning the failure message instead of panicking.
///
/// # Errors
/// When `⟨ẏ, ȳ⟩` and `⟨ẋ, x̄⟩` differ beyond the tolerance.
pub fn test_adjoint<'x, X, Y, PB, PF>(
    rrule: impl Fn(&'x X) -> (Y, PB),
    frule: impl Fn(&'x X) -> (Y, PF),
    inputs: &'x X,
    config: &Config,
) -> Result<(), String>
where
    X: Inputs,
    Y: Tangent + Differentiable,
    Y::Tangent: Tangent + Clone,
    PB: Patterns<Y::Tangent>,
    PB::Output: Tangent,
    PF: PushforwardPatterns<X::Tangents>,
    PF::Output: Tangent,
{
    let (y, pb) = rrule(inputs);
    let (_, pf) = frule(inputs);
    let mut rng = Rng::new(config.seed);
    let xdot = rng.random_like(&inputs.zero_tangents());
    let ybar = rng.random_like(&y.zero_tangent());
    let flat = |parts: Vec<super::Part>| -> Vec<f64> {
        parts.into_iter().flat_map(|p| p.values).collect()
    };
    let ydot = flat(pf.pushforward(xdot.clone()).parts());
    let xbar = flat(pb.pullback(ybar.clone()).parts());
    let (yb, xd) = (flat(ybar.parts()), flat(xdot.parts()));
    let dot = |a: &[f64], b: &[f64]| -> (f64, f64) {
        a.iter()
            .zip(b)
            .fold((0.0, 0.0), |(s, m), (x, y)| (s + x * y, m + (x * y).abs()))
    };
    let (lhs, lm) = dot(&ydot, &yb);
    let (rhs, rm) = dot(&xd, &xbar);
    // The two sides add the same products in different orders: they agree to the precision of
    // the inputs, relative to the sizes of the terms.
    let (rtol, atol, _) = super::checks::tolerances(&inputs.parts(), config);
    let tol = atol + rtol * lm.max(rm);
    if (lhs - rhs).abs() > tol || !lhs.is_finite() || !rhs.is_finite() {
        return Err(format!(
            "check_adjoint: the rules disagree: ⟨ẏ, ȳ⟩ = {lhs:e} but ⟨ẋ, x̄⟩ = {rhs:e} (difference {:e})",
            (lhs - rhs).abs()
        ));
    }
    Ok(())
}

/// Checks a function with both rules in one call: [`check_rrule`](super::check_rrule),
/// [`check_frule`] and [`check_adjoint`] at `inputs`. Made for `#[scalar_rule]`, whose
/// elementwise versions are checked the same way with arrays as inputs.
///
/// ```
/// use ndarray::array;
/// use rules_core::scalar_rule;
/// use rules_core::testing::{check_scalar, Config};
///
/// #[scalar_rule(|y| y * (1.0 - y))]
/// fn sigmoid(x: f64) -> f64 {
///     1.0 / (1.0 + (-x).exp())
/// }
///
/// fn main() {
///     check_scalar(|(x,)| sigmoid(*x), |(x,)| sigmoid::rrule(*x), |(x,)| sigmoid::frule(*x), &(0.3,), &Config::default());
///     let a = array![[0.5, -1.0], [2.0, 0.0]];
///     check_scalar(|(a,)| sigmoid::map(a), |(a,)| sigmoid::map_rrule(a), |(a,)| sigmoid::map_frule(a), &(a,), &Config::default());
/// }
/// ```
///
/// # Panics
/// When a check fails, at the caller's line.
#[track_caller]
pub fn check_scalar<'x, X, Y, PB, PF>(
    primal: impl Fn(&X) -> Y,
    rrule: impl Fn(&'x X) -> (Y, PB),
    frule: impl Fn(&'x X) -> (Y, PF),
    inputs: &'x X,
    config: &Config,
) -> Report
where
    X: Inputs,
    Y: Tangent + Differentiable,
    Y::Tangent: Tangent + Clone,
    PB: Patterns<Y::Tangent>,
    PB::Output: Tangent,
    PB::Runtime: RuntimeTangent,
    PF: PushforwardPatterns<X::Tangents>,
    PF::Output: Tangent,
    PF::Runtime: RuntimeTangent,
{
    match test_scalar(primal, rrule, frule, inputs, config) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// [`check_scalar`], returning the failure message instead of panicking.
///
/// # Errors
/// The message of the first check that fails.
pub fn test_scalar<'x, X, Y, PB, PF>(
    primal: impl Fn(&X) -> Y,
    rrule: impl Fn(&'x X) -> (Y, PB),
    frule: impl Fn(&'x X) -> (Y, PF),
    inputs: &'x X,
    config: &Config,
) -> Result<Report, String>
where
    X: Inputs,
    Y: Tangent + Differentiable,
    Y::Tangent: Tangent + Clone,
    PB: Patterns<Y::Tangent>,
    PB::Output: Tangent,
    PB::Runtime: RuntimeTangent,
    PF: PushforwardPatterns<X::Tangents>,
    PF::Output: Tangent,
    PF::Runtime: RuntimeTangent,
{
    let mut report = super::test_rrule(&primal, &rrule, inputs, config)?;
    let forward = test_frule(&primal, &frule, inputs, config)?;
    test_adjoint(&rrule, &frule, inputs, config)?;
    report.fd_checks += forward.fd_checks;
    report.worst_fd_ratio = report.worst_fd_ratio.max(forward.worst_fd_ratio);
    report.patterns += forward.patterns;
    Ok(report)
}
