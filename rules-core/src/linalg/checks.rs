//! Checks of the inputs and cotangents the rules receive: shapes and finiteness, with messages
//! that name the rule, the argument and what was expected.

use ndarray::ArrayView2;

use super::{LinalgError, Real};

/// Panics with a message naming the rule, the argument and both shapes when `got != expected`.
#[track_caller]
pub(crate) fn check_shape(rule: &str, arg: &str, got: &[usize], expected: &[usize]) {
    assert!(
        got == expected,
        "{rule}: the cotangent {arg} has shape {got:?}, expected {expected:?} (the shape of the output it belongs to)"
    );
}

/// Panics with a message naming the rule and the first element of `a` that is NaN or ±∞.
#[track_caller]
pub(crate) fn check_finite<T: Real>(rule: &str, a: ArrayView2<'_, T>) {
    if let Some(((i, j), v)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        panic!("{rule}: the input must be finite, but a[[{i}, {j}]] = {v:?}");
    }
}

/// `Err(NonFinite)` naming the first entry of `x` that is NaN or ±∞.
pub(crate) fn finite<T: Real>(
    rule: &'static str,
    arg: &'static str,
    x: ArrayView2<'_, T>,
) -> Result<(), LinalgError> {
    match x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((i, j), _)) => Err(LinalgError::NonFinite {
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
        check_finite("svd", array![[1.0, 2.0], [f64::NAN, 0.0]].view());
    }
}
