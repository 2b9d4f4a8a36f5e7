//! [`check_grad`]: a whole program's gradient, as [`value_and_grad`] computes it on the tape,
//! against finite differences of the program's value.

use super::checks::tolerances;
use super::fd::difference;
use super::report::within;
use super::{Config, PartKind, Report, Rng, Tangent};
use crate::tape::{self, Inputs, Seed, Tape, Var, value_and_grad};

/// Checks the gradient `value_and_grad(f, inputs)` computes against finite differences of `f`'s
/// value, entry by entry on small inputs and along random directions on large ones, with the
/// kit's tolerances and error estimates (see [`check_rrule`](super::check_rrule)). `f` is
/// called many times, so it is `Fn`; constants it borrows stay constant.
///
/// ```
/// use ndarray::{array, Array1, Array2};
/// use rules_core::ops;
/// use rules_core::tape::{Tape, Var};
/// use rules_core::testing::{check_grad, Config};
///
/// let x = array![[1.0, -2.0], [0.5, 3.0]];
/// let report = check_grad(
///     |t: &Tape, (w, b): (Var<'_, Array2<f64>>, Var<'_, Array1<f64>>)| {
///         let h = ops::tanh::on(t, &ops::add::on(t, &ops::matmul::on(t, &x, &w), &b));
///         ops::sum_sq::on(t, &h)
///     },
///     &(array![[0.3, -0.1], [0.2, 0.4]], array![0.1, -0.2]),
///     &Config::default(),
/// );
/// assert_eq!(report.fd_checks, 6);
/// ```
///
/// # Panics
/// When a gradient entry differs from finite differences beyond the tolerances, naming the
/// input (its position in the tuple) and the entry; when the value `value_and_grad` returns
/// differs from a plain run of `f`. The panic is reported at the caller's line.
#[track_caller]
pub fn check_grad<'env, I, Y, F>(f: F, inputs: &I, config: &Config) -> Report
where
    I: Inputs + Tangent + Clone,
    I::Gradients: Tangent,
    Y: Seed + Tangent,
    F: for<'t> Fn(&'t Tape<'t, 'env>, I::Vars<'t>) -> Var<'t, Y>,
{
    match test_grad(f, inputs, config) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// [`check_grad`], returning the failure message instead of panicking.
///
/// # Errors
/// The message of the first comparison that fails.
pub fn test_grad<'env, I, Y, F>(f: F, inputs: &I, config: &Config) -> Result<Report, String>
where
    I: Inputs + Tangent + Clone,
    I::Gradients: Tangent,
    Y: Seed + Tangent,
    F: for<'t> Fn(&'t Tape<'t, 'env>, I::Vars<'t>) -> Var<'t, Y>,
{
    let scalar = |y: &Y| y.parts().first().and_then(|p| p.values.first().copied());
    let value_at = |x: I| -> f64 { scalar(&tape::value(&f, x)).unwrap_or(f64::NAN) };
    let (y, grads) = value_and_grad(&f, inputs.clone());
    let y = scalar(&y).unwrap_or(f64::NAN);
    let x_parts = inputs.parts();
    let g_parts = grads.parts();
    let (rtol, atol, f32_inputs) = tolerances(&x_parts, config);
    let plain = value_at(inputs.clone());
    if !(y == plain || (y - plain).abs() <= atol + rtol * y.abs().max(plain.abs())) {
        return Err(format!(
            "check_grad: value_and_grad returns the value {y:e}, but the program alone gives {plain:e}"
        ));
    }
    if x_parts.len() != g_parts.len() {
        return Err(format!(
            "check_grad: the inputs have {} part(s) but the gradients {}",
            x_parts.len(),
            g_parts.len()
        ));
    }
    let step = config.step.unwrap_or(if f32_inputs { 1e-2 } else { 1e-3 });
    let base: Vec<Vec<f64>> = x_parts.iter().map(|p| p.values.clone()).collect();
    let total: usize = base.iter().map(Vec::len).sum();
    let mut rng = Rng::new(config.seed);
    let mut report = Report::default();
    let unreliable = rtol.max(atol).sqrt();
    for (i, (xp, gp)) in x_parts.iter().zip(&g_parts).enumerate() {
        if !matches!(xp.kind, PartKind::F64 | PartKind::F32) || xp.values.is_empty() {
            continue;
        }
        if gp.values.len() != xp.values.len() {
            return Err(format!(
                "check_grad: the gradient of input {i} has {} entries, the input {}",
                gp.values.len(),
                xp.values.len()
            ));
        }
        let h = step * xp.values.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        let directional = |dir: &[f64]| -> (f64, f64) {
            let at = |t: f64| {
                let mut parts = base.clone();
                for (v, d) in parts[i].iter_mut().zip(dir) {
                    *v += t * d;
                }
                value_at(inputs.rebuild(&parts))
            };
            difference(at, h)
        };
        let mut compare = |dir: &[f64], what: &str| -> Result<(), String> {
            let (fd, estimate) = directional(dir);
            let ad: f64 = dir.iter().zip(&gp.values).map(|(a, b)| a * b).sum();
            let mag: f64 = dir.iter().zip(&gp.values).map(|(a, b)| (a * b).abs()).sum();
            if estimate > unreliable * fd.abs().max(ad.abs()) + atol {
                return Err(format!(
                    "check_grad: finite differences are unreliable for {what} of input {i}: their estimated error {estimate:e} is more than {unreliable:e} of the derivative {fd:e} (the program may not be smooth within 2·h = {:e} of the input); check at another point, or set `Config::step`",
                    2.0 * h
                ));
            }
            let ratio = (ad - fd).abs()
                / (atol + rtol * fd.abs().max(mag) + config.fd_error_weight * estimate);
            report.fd_checks += 1;
            report.worst_fd_ratio = report.worst_fd_ratio.max(ratio);
            report.largest_fd_error =
                (report.largest_fd_error).max(estimate / fd.abs().max(f64::MIN_POSITIVE));
            if within(ratio) {
                Ok(())
            } else {
                Err(format!(
                    "check_grad: the gradient of input {i} at {what} is {ad:e}, finite differences give {fd:e} (difference {:e}; rtol {rtol:e}, atol {atol:e}, estimated finite-difference error {estimate:e})",
                    (ad - fd).abs()
                ))
            }
        };
        if total <= config.elementwise_limit {
            for (what, dir) in xp.constraint.basis(xp.values.len()) {
                compare(&dir, &what)?;
            }
        } else {
            for d in 0..config.directions {
                let mut dir: Vec<f64> = xp.values.iter().map(|_| rng.uniform()).collect();
                xp.constraint.project(&mut dir);
                compare(&dir, &format!("random direction {d}"))?;
            }
        }
    }
    Ok(report)
}
