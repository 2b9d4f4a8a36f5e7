//! The pullback against finite differences of the loss `⟨ȳ, f(x)⟩`: fourth-order central
//! differences with a step scaled to each input, entry by entry on small inputs and through the
//! adjoint identity `⟨J v, ȳ⟩ = ⟨v, Jᵀ ȳ⟩` for random directions `v` on large ones. Each
//! difference estimates its own error by comparing the stencils with steps `h` and `h/2`, whose
//! Richardson extrapolation (sixth order) is the value compared, and a
//! check passes iff `|ad − fd| ≤ atol + rtol·scale + c·estimate` (`c` is
//! [`Config::fd_error_weight`](super::Config::fd_error_weight)). An estimate above
//! `sqrt(max(rtol, atol))` of the derivative (a kink, jump or pole near the input) fails the
//! check as unreliable rather than widening it.

use super::checks::Case;
use super::report::within;
use super::{PartKind, Report, RuntimeTangent, Tangent};
use crate::Patterns;

/// The fourth-order central difference of `f` at `0` with step `h` ([`difference`] computes two
/// of them at once).
#[cfg(test)]
fn central(f: impl Fn(f64) -> f64, h: f64) -> f64 {
    (-f(2.0 * h) + 8.0 * f(h) - 8.0 * f(-h) + f(-2.0 * h)) / (12.0 * h)
}

/// The derivative of `f` at `0` and an estimate of its error: the fourth-order stencils with
/// steps `h` (`wide`) and `h/2` (`narrow`), combined by Richardson's extrapolation,
/// `(16·narrow − wide)/15`, so that their common `h⁴` term cancels (sixth order); the estimate
/// is `|wide − narrow|`, about the wide stencil's own error, well above the extrapolation's
/// when truncation dominates (and of its size when rounding does). (Comparing the wide stencil
/// itself failed smooth rules on 70×70 inputs by exactly its 16/15 of the estimate: `qr`,
/// random directions.) The two stencils share `f(±h)`: six evaluations in all. A stencil that
/// left the function's domain (NaN) gives no estimate, and the wide one is the value then.
pub(super) fn difference(f: impl Fn(f64) -> f64, h: f64) -> (f64, f64) {
    let (p1, m1) = (f(h), f(-h));
    let wide = (-f(2.0 * h) + 8.0 * p1 - 8.0 * m1 + f(-2.0 * h)) / (12.0 * h);
    let narrow = (-p1 + 8.0 * f(0.5 * h) - 8.0 * f(-0.5 * h) + m1) / (6.0 * h);
    let estimate = (wide - narrow).abs();
    if estimate.is_finite() {
        (richardson(wide, narrow), estimate)
    } else {
        (wide, 0.0)
    }
}

/// `(16·narrow − wide)/15` (see [`difference`]).
fn richardson(wide: f64, narrow: f64) -> f64 {
    (16.0 * narrow - wide) / 15.0
}

impl<X, C, P> Case<'_, X, C, P>
where
    X: Tangent,
    C: Tangent + Clone,
    P: Patterns<C>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    /// Compares each differentiable input's cotangent with finite differences.
    pub(super) fn finite_differences<Y: Tangent>(
        &self,
        primal: &impl Fn(&X) -> Y,
        report: &mut Report,
    ) -> Result<(), String> {
        let (rtol, atol) = (self.rtol, self.atol);
        let ybar_flat: Vec<f64> = self
            .ybar
            .parts()
            .into_iter()
            .flat_map(|p| p.values)
            .collect();
        let loss = |x: &X| -> f64 {
            let out = primal(x);
            (out.parts().iter().flat_map(|p| p.values.iter().copied()))
                .zip(&ybar_flat)
                .map(|(a, b)| a * b)
                .sum()
        };
        let step = (self.config.step).unwrap_or(if self.f32_inputs { 1e-2 } else { 1e-3 });
        let total: usize = self.x_parts.iter().map(|p| p.values.len()).sum();
        let base: Vec<Vec<f64>> = self.x_parts.iter().map(|p| p.values.clone()).collect();
        let mut rng = self.rng.clone();
        let largest = core::cell::Cell::new(0.0f64);
        let report_estimate = |estimate: f64, fd: f64| {
            let relative = estimate / fd.abs().max(f64::MIN_POSITIVE);
            largest.set(largest.get().max(relative));
        };
        for (i, xp) in self.x_parts.iter().enumerate() {
            if !matches!(xp.kind, PartKind::F64 | PartKind::F32) || xp.values.is_empty() {
                continue;
            }
            let name = self.input_name(i);
            let scale = xp.values.iter().fold(1.0f64, |m, v| m.max(v.abs()));
            let h = step * scale;
            // The derivative along `dir`, and an estimate of its own error ([`difference`]): the
            // difference between the stencils with steps `h` and `h/2` (fourth order: about
            // 15/16 of the truncation error of the first, and it sees rounding too). Both stay
            // within `2h` of the input.
            let directional = |dir: &[f64]| -> (f64, f64) {
                let at = |t: f64| {
                    let mut parts = base.clone();
                    for (v, d) in parts[i].iter_mut().zip(dir) {
                        *v += t * d;
                    }
                    loss(&self.inputs.rebuild(&parts))
                };
                difference(at, h)
            };
            let fd_c = self.config.fd_error_weight;
            // An estimate above this fraction of the derivative means the function is not smooth
            // enough here for finite differences (a kink, a jump or a pole within `2h`): that
            // is a failure to check, never a reason to accept a wider difference.
            let unreliable = rtol.max(atol).sqrt();
            let trust = |fd: f64, ad: f64, estimate: f64, what: &str| -> Result<(), String> {
                report_estimate(estimate, fd);
                if estimate > unreliable * fd.abs().max(ad.abs()) + atol {
                    return Err(format!(
                        "check_rrule: finite differences are unreliable for {what} of input `{name}`: their estimated error {estimate:e} is more than {unreliable:e} of the derivative {fd:e} (the function may not be smooth within 2·h = {:e} of the input); check the rule at another point, or set `Config::step`",
                        2.0 * h
                    ));
                }
                Ok(())
            };
            let g = &self.xbar_parts[i].values;
            if total <= self.config.elementwise_limit {
                // Entry by entry, or along a basis of the directions the input allows.
                for (what, dir) in xp.constraint.basis(xp.values.len()) {
                    let (fd, estimate) = directional(&dir);
                    let ad: f64 = dir.iter().zip(g).map(|(a, b)| a * b).sum();
                    trust(fd, ad, estimate, &what)?;
                    let ratio =
                        (ad - fd).abs() / (atol + rtol * fd.abs().max(ad.abs()) + fd_c * estimate);
                    report.fd_checks += 1;
                    report.worst_fd_ratio = report.worst_fd_ratio.max(ratio);
                    if !within(ratio) {
                        return Err(format!(
                            "check_rrule: the cotangent of input `{name}` at {what} is {ad:e}, finite differences give {fd:e} (difference {:e}; rtol {rtol:e}, atol {atol:e}, estimated finite-difference error {estimate:e})",
                            (ad - fd).abs()
                        ));
                    }
                }
            } else {
                for d in 0..self.config.directions {
                    let mut dir: Vec<f64> = xp.values.iter().map(|_| rng.uniform()).collect();
                    xp.constraint.project(&mut dir);
                    let (fd, estimate) = directional(&dir);
                    let ad: f64 = dir.iter().zip(g).map(|(a, b)| a * b).sum();
                    let mag: f64 = dir.iter().zip(g).map(|(a, b)| (a * b).abs()).sum();
                    trust(fd, ad, estimate, &format!("random direction {d}"))?;
                    let ratio =
                        (ad - fd).abs() / (atol + rtol * fd.abs().max(mag) + fd_c * estimate);
                    report.fd_checks += 1;
                    report.worst_fd_ratio = report.worst_fd_ratio.max(ratio);
                    if !within(ratio) {
                        return Err(format!(
                            "check_rrule: adjoint identity fails for input `{name}` (random direction {d}): ⟨v, Jᵀȳ⟩ = {ad:e}, finite differences ⟨Jv, ȳ⟩ = {fd:e} (rtol {rtol:e}, atol {atol:e}, estimated finite-difference error {estimate:e})"
                        ));
                    }
                }
            }
        }
        report.largest_fd_error = report.largest_fd_error.max(largest.get());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{central, richardson};

    #[test]
    fn the_extrapolated_difference_is_exact_on_sextics() {
        // Sixth order: exact (to rounding) up to degree 6, where each stencil alone is not.
        let f = |x: f64| x.powi(6) - 2.0 * x.powi(5) + x.powi(3);
        let at = 0.9f64;
        let exact = 6.0 * at.powi(5) - 10.0 * at.powi(4) + 3.0 * at * at;
        let h = 0.05;
        let (wide, narrow) = (central(|t| f(at + t), h), central(|t| f(at + t), 0.5 * h));
        assert!(
            (wide - exact).abs() > 1e-6,
            "the wide stencil alone is off: {wide} vs {exact}"
        );
        let fd = richardson(wide, narrow);
        assert!((fd - exact).abs() < 1e-11, "{fd} vs {exact}");
        // `difference` shares the stencils' common points and gives the same.
        let (d, estimate) = super::difference(|t| f(at + t), h);
        assert!((d - fd).abs() < 1e-12 && (estimate - (wide - narrow).abs()).abs() < 1e-12);
    }

    #[test]
    fn central_differences_are_exact_on_quartics() {
        // Fourth order: exact (to rounding) for polynomials up to degree 4.
        let f = |x: f64| 3.0 * x.powi(4) - x.powi(3) + 2.0 * x - 1.0;
        let at = 0.7;
        let exact = 12.0 * at * at * at - 3.0 * at * at + 2.0;
        let fd = central(|t| f(at + t), 1e-2);
        assert!((fd - exact).abs() < 1e-10, "{fd} vs {exact}");
    }
}
