//! Checks of the inputs and cotangents the rules receive: shapes and finiteness, with messages
//! that name the rule, the argument and what was expected.

use ndarray::ArrayView2;

use num_traits::Float;

use super::{Field, LinalgError};

/// Panics with a message naming the rule, the argument and both shapes when `got != expected`.
#[track_caller]
pub(crate) fn check_shape(rule: &str, arg: &str, got: &[usize], expected: &[usize]) {
    assert!(
        got == expected,
        "{rule}: the cotangent {arg} has shape {got:?}, expected {expected:?} (the shape of the output it belongs to)"
    );
}

/// Which entries of a matrix a rule reads.
#[derive(Clone, Copy)]
pub(crate) enum Part {
    /// Every entry.
    All,
    /// The lower triangle, diagonal included (`eigh`, `cholesky`).
    Lower,
    /// The upper triangle, diagonal included (`solve_triangular`).
    Upper,
}

/// The first entry (in logical row-major order) of the `part` of `a` that is NaN or ±∞ (for a
/// complex entry: either part).
fn first_non_finite<T: Field>(a: ArrayView2<'_, T>, part: Part) -> Option<(usize, usize, T)> {
    a.indexed_iter()
        .filter(|((i, j), _)| match part {
            Part::All => true,
            Part::Lower => i >= j,
            Part::Upper => i <= j,
        })
        .find(|(_, v)| !Float::is_finite(v.modulus()))
        .map(|((i, j), &v)| (i, j, v))
}

/// Panics with a message naming the rule and the first entry of the `part` of `a` that is NaN
/// or ±∞.
#[track_caller]
pub(crate) fn check_finite<T: Field>(rule: &str, a: ArrayView2<'_, T>, part: Part) {
    if let Some((i, j, v)) = first_non_finite(a, part) {
        panic!("{rule}: the input must be finite, but a[[{i}, {j}]] = {v:?}");
    }
}

/// `max |a|` (the largest modulus) over the `part` of `a`, in one pass; panics as
/// [`check_finite`] if an entry is NaN or ±∞.
#[track_caller]
pub(crate) fn max_abs_finite<T: Field>(rule: &str, a: ArrayView2<'_, T>, part: Part) -> T::Real {
    // One pass in memory order, over the rows (or columns) as slices where the layout allows,
    // with independent lanes so that the loop vectorises; NaN and ±∞ are caught by comparing
    // against the largest finite value (`!(|v| <= max)` is true for both). The entry is located
    // only when there is one to report.
    let zero = <T::Real as num_traits::Zero>::zero();
    let one_entry = |(m, f): (T::Real, bool), v: T| {
        let v = v.modulus();
        (Float::max(m, v), f & Float::is_finite(v))
    };
    let lanes = |x: &[T]| -> (T::Real, bool) {
        let big = <T::Real as Float>::max_value();
        let chunks = x.chunks_exact(8);
        let rest = chunks.remainder();
        let mut acc = [zero; 8];
        let mut ok = [true; 8];
        for c in chunks {
            for l in 0..8 {
                let v = c[l].modulus();
                ok[l] &= v <= big;
                acc[l] = if v > acc[l] { v } else { acc[l] };
            }
        }
        let max = acc.iter().copied().fold(zero, Float::max);
        let finite = ok.iter().all(|&b| b);
        rest.iter().fold((max, finite), |acc, &v| one_entry(acc, v))
    };
    let (max, finite) = match (part, a.as_slice_memory_order()) {
        (Part::All, Some(x)) => lanes(x),
        (Part::All, None) => a
            .lanes(ndarray::Axis(1))
            .into_iter()
            .map(|row| match row.as_slice() {
                Some(x) => lanes(x),
                None => row.iter().fold((zero, true), |acc, &v| one_entry(acc, v)),
            })
            .fold((zero, true), |(m, f), (rm, rf)| (Float::max(m, rm), f & rf)),
        (Part::Lower, _) => a
            .indexed_iter()
            .filter(|((i, j), _)| i >= j)
            .fold((zero, true), |acc, (_, &v)| one_entry(acc, v)),
        (Part::Upper, _) => a
            .indexed_iter()
            .filter(|((i, j), _)| i <= j)
            .fold((zero, true), |acc, (_, &v)| one_entry(acc, v)),
    };
    if !finite {
        check_finite(rule, a, part);
    }
    max
}

/// `Err(NonFinite)` naming the first entry of the `part` of `x` that is NaN or ±∞.
pub(crate) fn finite<T: Field>(
    rule: &'static str,
    arg: &'static str,
    x: ArrayView2<'_, T>,
    part: Part,
) -> Result<(), LinalgError> {
    match first_non_finite(x, part) {
        Some((i, j, _)) => Err(LinalgError::NonFinite {
            rule,
            arg,
            index: vec![i, j],
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    #[should_panic(expected = "svd: the cotangent dU has shape [2, 1], expected [2, 2]")]
    fn shape_mismatch_is_reported() {
        check_shape("svd", "dU", &[2, 1], &[2, 2]);
    }

    #[test]
    #[should_panic(expected = "svd: the input must be finite, but a[[1, 0]] = NaN")]
    fn non_finite_input_is_reported() {
        check_finite("svd", array![[1.0, 2.0], [f64::NAN, 0.0]].view(), Part::All);
    }

    #[test]
    fn the_lower_part_skips_the_upper_triangle() {
        let a = array![[1.0, f64::NAN], [f64::INFINITY, 0.0]];
        assert_eq!(
            first_non_finite(a.view(), Part::All).map(|e| (e.0, e.1)),
            Some((0, 1))
        );
        assert_eq!(
            first_non_finite(a.view(), Part::Lower).map(|e| (e.0, e.1)),
            Some((1, 0))
        );
        let upper_only = array![[1.0, f64::NAN], [2.0, 0.0]];
        assert!(finite("cholesky", "a", upper_only.view(), Part::Lower).is_ok());
        assert!(finite("inv", "a", upper_only.view(), Part::All).is_err());
    }
}
