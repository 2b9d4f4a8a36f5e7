//! The checks of [`test_rrule`](super::test_rrule), one function each: the value, `NoTangent`
//! where the input is not differentiable, a second call, and every pattern against the dense
//! pullback fed explicit zeros (finite differences are in `fd`).

use super::report::{first_mismatch, pattern_label, zeroed};
use super::{Config, Part, PartKind, Report, Rng, RuntimeTangent, Tangent};
use crate::{Differentiable, Patterns};

/// One rule at one point: what every check reads.
pub(super) struct Case<'a, X, C, P> {
    pub(super) inputs: &'a X,
    pub(super) pb: &'a P,
    pub(super) config: &'a Config,
    /// Input names (the rule's parameters) and output cotangent names.
    pub(super) in_names: &'static [&'static str],
    pub(super) out_names: &'static [&'static str],
    pub(super) x_parts: Vec<Part>,
    /// Relative and absolute tolerance for this case's precision.
    pub(super) rtol: f64,
    pub(super) atol: f64,
    pub(super) f32_inputs: bool,
    /// The random cotangent every check uses, and the dense pullback's result for it.
    pub(super) ybar: C,
    pub(super) xbar_parts: Vec<Part>,
    /// The generator, after drawing `ybar` (the finite differences draw their directions from it).
    pub(super) rng: Rng,
}

impl<'a, X, C, P> Case<'a, X, C, P>
where
    X: Tangent,
    C: Tangent + Clone,
    P: Patterns<C>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    pub(super) fn new<Y: Differentiable<Tangent = C>>(
        inputs: &'a X,
        y: &Y,
        pb: &'a P,
        config: &'a Config,
    ) -> Self {
        let x_parts = inputs.parts();
        let (rtol, atol, f32_inputs) = tolerances(&x_parts, config);
        let mut rng = Rng::new(config.seed);
        let ybar = rng.random_like(&y.zero_tangent());
        let xbar_parts = pb.pullback(ybar.clone()).parts();
        Case {
            inputs,
            pb,
            config,
            in_names: P::INPUTS,
            out_names: P::COTANGENTS,
            x_parts,
            rtol,
            atol,
            f32_inputs,
            ybar,
            xbar_parts,
            rng,
        }
    }

    /// The rule's name for input `i`, or `#i` (its position) where the rule names none.
    pub(super) fn input_name(&self, i: usize) -> String {
        match self.in_names.get(i) {
            Some(n) => (*n).to_owned(),
            None => format!("#{i}"),
        }
    }
}

/// `(rtol, atol, any input is f32)`: the configured tolerances for the inputs' precision.
pub(super) fn tolerances(x_parts: &[Part], config: &Config) -> (f64, f64, bool) {
    if x_parts.iter().any(|p| p.kind == PartKind::F32) {
        (config.f32_tol, config.f32_tol, true)
    } else {
        (config.rtol, config.atol, false)
    }
}

/// The value `rrule` returns equals the primal function's. Checked before the pullback runs.
pub(super) fn value<X: Tangent, Y: Tangent>(
    inputs: &X,
    y: &Y,
    y_rule: &Y,
    out_names: &[&str],
    config: &Config,
) -> Result<(), String> {
    let (rtol, atol, _) = tolerances(&inputs.parts(), config);
    for (i, (a, b)) in y.parts().iter().zip(y_rule.parts()).enumerate() {
        let name = out_names.get(i).copied().unwrap_or("?");
        if let Some((j, va, vb)) = first_mismatch(&a.values, &b.values, rtol, atol) {
            return Err(format!(
                "check_rrule: the value of output {i} (cotangent `{name}`) from rrule differs from the primal function's at element {j}: rrule gives {vb:e}, the primal {va:e}"
            ));
        }
    }
    Ok(())
}

impl<X, C, P> Case<'_, X, C, P>
where
    X: Tangent,
    C: Tangent + Clone,
    P: Patterns<C>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    /// `NoTangent` exactly where the input is not differentiable, and cotangents shaped like the
    /// inputs elsewhere.
    pub(super) fn no_tangent(&self) -> Result<(), String> {
        if self.xbar_parts.len() != self.x_parts.len() {
            return Err(format!(
                "check_rrule: the pullback returns {} cotangent(s) for {} input(s) ({})",
                self.xbar_parts.len(),
                self.x_parts.len(),
                self.in_names.join(", ")
            ));
        }
        for (i, (xp, gp)) in self.x_parts.iter().zip(&self.xbar_parts).enumerate() {
            let name = self.input_name(i);
            match (xp.kind, gp.kind) {
                // `Constant(..)`: whatever the rule returns. A rule declared
                // `#[non_differentiable]` returns `NoTangent` for every input.
                (PartKind::Constant, _) => {}
                (_, PartKind::NoTangent) if P::NOT_DIFFERENTIATED => {}
                (PartKind::Discrete(_), PartKind::NoTangent) => {}
                // Nothing to differentiate (a struct of `#[no_tangent]` fields): `NoTangent`
                // or an empty tangent.
                (PartKind::NoTangent, _) if xp.values.is_empty() && gp.values.is_empty() => {}
                (PartKind::Discrete(t), _) => {
                    return Err(format!(
                        "check_rrule: input `{name}` ({t}) is not differentiable, but the pullback returns a cotangent with {} entries for it; return `NoTangent`",
                        gp.values.len()
                    ));
                }
                (_, PartKind::NoTangent) => {
                    return Err(format!(
                        "check_rrule: input `{name}` is differentiable ({} entries), but the pullback returns `NoTangent` for it",
                        xp.values.len()
                    ));
                }
                _ if xp.values.len() != gp.values.len() => {
                    return Err(format!(
                        "check_rrule: the cotangent of input `{name}` has {} entries, the input has {}",
                        gp.values.len(),
                        xp.values.len()
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A hint for a failed finite-difference check: an input that is a symmetric square matrix
    /// with a symmetric cotangent is most likely read through one triangle (`eigh`,
    /// `cholesky`), which plain finite differences cannot check.
    pub(super) fn symmetric_hint(&self) -> Option<String> {
        let symmetric = |v: &[f64], n: usize| {
            let scale = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            (0..n).all(|i| (0..i).all(|j| (v[i * n + j] - v[j * n + i]).abs() <= 1e-10 * scale))
        };
        for (i, (xp, gp)) in self.x_parts.iter().zip(&self.xbar_parts).enumerate() {
            let len = xp.values.len();
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            let n = (len as f64).sqrt().round() as usize;
            let plain = xp.constraint == super::Constraint::None
                && matches!(xp.kind, PartKind::F64 | PartKind::F32);
            if plain
                && n >= 2
                && n * n == len
                && gp.values.len() == len
                && symmetric(&xp.values, n)
                && symmetric(&gp.values, n)
            {
                return Some(format!(
                    "hint: input `{}` is a symmetric {n}×{n} matrix and the rule's cotangent for it is symmetric too: if the rule reads one triangle of a symmetric input (as `eigh` and `cholesky` do), pass it as `testing::Symmetric(a)` so that finite differences perturb it symmetrically",
                    self.input_name(i)
                ));
            }
        }
        None
    }

    /// Calling the pullback twice with the same cotangent gives the same result.
    pub(super) fn repeat(&self) -> Result<(), String> {
        if self.pb.pullback(self.ybar.clone()).parts() != self.xbar_parts {
            return Err("check_rrule: a second call of the pullback with the same cotangent gives a different result".to_owned());
        }
        Ok(())
    }

    /// Every pattern equals the dense pullback fed explicit zeros, and each runtime `MaybeZero`
    /// pattern equals the static pattern it dispatches to.
    pub(super) fn patterns(&self, report: &mut Report) -> Result<(), String> {
        let (pb, ybar, config) = (self.pb, &self.ybar, self.config);
        let y_parts = ybar.parts();
        for mask in 0..(1u64 << self.out_names.len()) {
            let zeroed = zeroed(&y_parts, mask);
            let dense = pb.pullback(ybar.rebuild(&zeroed)).parts();
            let label = pattern_label(self.out_names, mask);
            let Some(stat) = pb.pullback_static(mask, ybar.clone()) else {
                continue;
            };
            let stat = stat.runtime_parts();
            let rt = pb.pullback_runtime(mask, ybar.clone()).runtime_parts();
            if stat != rt {
                return Err(format!(
                    "check_rrule: the runtime MaybeZero pattern {label} differs from the static pattern it must dispatch to"
                ));
            }
            for (i, (s, d)) in stat.iter().zip(&dense).enumerate() {
                let name = self.input_name(i);
                let scale = d.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                let tol = config.pattern_rtol * scale.max(f64::MIN_POSITIVE)
                    + if self.f32_inputs { 1e-6 * scale } else { 0.0 };
                match s {
                    None => {
                        if let Some((j, v)) =
                            d.values.iter().enumerate().find(|(_, v)| v.abs() > tol)
                        {
                            return Err(format!(
                                "check_rrule: pattern {label} returns Zero for input `{name}`, but the dense pullback fed explicit zeros gives {v:e} at element {j}"
                            ));
                        }
                    }
                    Some(values) => {
                        if values.len() != d.values.len() {
                            return Err(format!(
                                "check_rrule: pattern {label} returns {} entries for input `{name}`, the dense pullback {}",
                                values.len(),
                                d.values.len()
                            ));
                        }
                        if let Some((j, a, b)) =
                            first_mismatch(&d.values, values, config.pattern_rtol, tol)
                        {
                            return Err(format!(
                                "check_rrule: pattern {label} differs from the dense pullback fed explicit zeros for input `{name}` at element {j}: {b:e} vs {a:e}"
                            ));
                        }
                    }
                }
            }
            report.patterns += 1;
        }
        Ok(())
    }

    /// Every `PullbackFor` body (each selection of wanted inputs, each pattern of zeros) equals
    /// the dense pullback fed explicit zeros on the wanted inputs and returns zero for the
    /// skipped ones; the runtime `[bool; N]` form equals the static one. Rules without
    /// `PullbackFor` (beyond `PULLBACK_FOR_LIMIT`) have nothing to check here.
    pub(super) fn selections(&self, report: &mut Report) -> Result<(), String> {
        let (pb, ybar, config) = (self.pb, &self.ybar, self.config);
        let y_parts = ybar.parts();
        let n = self.in_names.len();
        if pb.pullback_for_static(0, 0, ybar.clone()).is_none() {
            return Ok(());
        }
        for mask in 0..(1u64 << self.out_names.len()) {
            let zeroed = zeroed(&y_parts, mask);
            let dense = pb.pullback(ybar.rebuild(&zeroed)).parts();
            for wanted in 0..(1u64 << n) {
                let label = format!(
                    "pullback_for {} with {}",
                    selection_label(self.in_names, wanted),
                    pattern_label(self.out_names, mask)
                );
                let (Some(stat), Some(run)) = (
                    pb.pullback_for_static(wanted, mask, ybar.clone()),
                    pb.pullback_for_runtime(wanted, mask, ybar.clone()),
                ) else {
                    return Err(format!("check_rrule: {label} is missing"));
                };
                let (stat, run) = (stat.runtime_parts(), run.runtime_parts());
                if stat != run {
                    return Err(format!(
                        "check_rrule: the runtime {label} differs from the static one it must dispatch to"
                    ));
                }
                for (j, (s, d)) in stat.iter().zip(&dense).enumerate() {
                    let name = self.input_name(j);
                    let skipped = wanted & (1 << j) == 0;
                    match s {
                        // Skipped or zero: nothing to compare, but a skipped input must be
                        // zero (or `NoTangent`, whose runtime form is an empty value).
                        None => {}
                        Some(v) if skipped && !v.is_empty() => {
                            return Err(format!(
                                "check_rrule: {label} computes the skipped input `{name}`"
                            ));
                        }
                        Some(_) if skipped => {}
                        Some(values) => {
                            let scale = d.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                            let tol = config.pattern_rtol * scale.max(f64::MIN_POSITIVE)
                                + if self.f32_inputs { 1e-6 * scale } else { 0.0 };
                            if let Some((e, a, b)) =
                                first_mismatch(&d.values, values, config.pattern_rtol, tol)
                            {
                                return Err(format!(
                                    "check_rrule: {label} differs from the dense pullback fed explicit zeros for input `{name}` at element {e}: {b:e} vs {a:e}"
                                ));
                            }
                        }
                    }
                    if s.is_none() && !skipped {
                        if let Some((e, v)) = (d.values.iter().enumerate())
                            .find(|(_, v)| v.abs() > config.pattern_rtol)
                        {
                            return Err(format!(
                                "check_rrule: {label} returns Zero for input `{name}`, but the dense pullback fed explicit zeros gives {v:e} at element {e}"
                            ));
                        }
                    }
                }
                report.selections += 1;
            }
        }
        Ok(())
    }
}

/// `(Need, Skip, Need)`: a selection written out with the inputs' names.
fn selection_label(names: &[&str], wanted: u64) -> String {
    let parts: Vec<String> = (names.iter().enumerate())
        .map(|(j, n)| {
            if wanted & (1 << j) != 0 {
                format!("Need {n}")
            } else {
                format!("Skip {n}")
            }
        })
        .collect();
    format!("({})", parts.join(", "))
}
