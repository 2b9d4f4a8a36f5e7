//! What a check found: the [`Report`] of a passing one, and the comparisons behind every
//! failure message.

use core::fmt::Write as _;

/// What a passing check covered.
///
/// ```
/// use rules_core::testing::{check_rrule, Config};
/// # use rules_core::rrule;
/// # #[rrule] fn sq(x: f64) -> f64 { (x * x, move |dy: f64| -> f64 { 2.0 * x * dy }) }
/// # fn main() {
/// let report = check_rrule(|(x,)| sq(*x), |(x,)| sq::rrule(*x), &(1.5,), &Config::default());
/// assert_eq!((report.fd_checks, report.patterns), (1, 2));
/// assert!(report.worst_fd_ratio < 1.0);
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Finite-difference comparisons made.
    pub fd_checks: usize,
    /// Largest `|ad − fd| / (atol + rtol·scale + c·estimate)` seen (below 1 means within
    /// tolerance; `estimate` is the finite difference's own error estimate).
    pub worst_fd_ratio: f64,
    /// Largest error estimate of a finite difference, relative to the derivative.
    pub largest_fd_error: f64,
    /// Patterns compared with the dense pullback.
    pub patterns: usize,
    /// `PullbackFor` bodies (selections of wanted inputs × patterns) compared with it.
    pub selections: usize,
}

/// `ratio ≤ 1`, false for NaN (a NaN cotangent or difference is a failure).
pub(super) fn within(ratio: f64) -> bool {
    ratio <= 1.0
}

pub(super) fn pattern_label(names: &[&str], mask: u64) -> String {
    let mut s = String::from("(");
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{}", if mask & (1 << i) != 0 { "Zero" } else { n });
    }
    s.push(')');
    s
}

/// `parts`' entries with those of the parts whose bit is set in `mask` replaced by zeros: a
/// dense cotangent or tangent fed explicit zeros.
pub(super) fn zeroed(parts: &[super::Part], mask: u64) -> Vec<Vec<f64>> {
    (parts.iter().enumerate())
        .map(|(i, p)| {
            if mask & (1 << i) != 0 {
                vec![0.0; p.values.len()]
            } else {
                p.values.clone()
            }
        })
        .collect()
}

/// The first `(index, a, b)` with `|a − b| > atol + rtol·max(|a|, |b|)`; NaN never matches.
#[allow(clippy::neg_cmp_op_on_partial_ord)] // written so that NaN counts as a mismatch
pub(super) fn first_mismatch(
    a: &[f64],
    b: &[f64],
    rtol: f64,
    atol: f64,
) -> Option<(usize, f64, f64)> {
    if a.len() != b.len() {
        return Some((a.len().min(b.len()), f64::NAN, f64::NAN));
    }
    a.iter()
        .zip(b)
        .enumerate()
        .find(|(_, (x, y))| !((*x - *y).abs() <= atol + rtol * x.abs().max(y.abs())))
        .map(|(i, (x, y))| (i, *x, *y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatches_treat_nan_as_a_failure() {
        assert_eq!(
            first_mismatch(&[1.0, 2.0], &[1.0, 2.0 + 1e-12], 1e-9, 0.0),
            None
        );
        assert_eq!(
            first_mismatch(&[1.0, 2.0], &[1.0, 2.1], 1e-9, 0.0).map(|m| m.0),
            Some(1)
        );
        assert!(first_mismatch(&[f64::NAN], &[f64::NAN], 1e-9, 1e-9).is_some());
        assert!(!within(f64::NAN));
        assert_eq!(pattern_label(&["du", "ds"], 0b01), "(Zero, ds)");
    }
}
