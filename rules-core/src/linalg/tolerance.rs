//! When a gap or a singular value counts as zero: the relative tolerance of LAPACK-based
//! libraries, and the inverse that is `0` below it. This is what keeps the decompositions'
//! pullbacks finite at degenerate inputs (repeated or zero singular values, equal eigenvalues).

use ndarray::Array1;

use super::Real;

/// The relative tolerance below which a gap or a singular value counts as zero:
/// `max(m, n) · ε · s_max`, the default rank tolerance of LAPACK-based libraries.
pub(crate) fn relative<T: Real>(s: &Array1<T>, m: usize, n: usize) -> T {
    let s_max = s.iter().copied().fold(T::zero(), T::max);
    T::from(m.max(n)).unwrap_or_else(T::one) * T::epsilon() * s_max
}

/// `100 · n · ε · max_abs`: below it a gap between two of n eigenvalues counts as zero (`eigh`'s
/// and `eig`'s policy; `linalg/eigh.rs` says why 100).
pub(crate) fn gap<T: Real>(max_abs: T, n: usize) -> T {
    let hundred = T::from(100).unwrap_or_else(T::one);
    hundred * T::from(n).unwrap_or_else(T::one) * T::epsilon() * max_abs
}

/// `1/x`, or `0` when `|x| ≤ tol`.
#[inline]
pub(crate) fn inv<T: Real>(x: T, tol: T) -> T {
    if x.abs() <= tol { T::zero() } else { x.recip() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn inverse_below_tolerance_is_zero() {
        assert_eq!(inv(1e-20, 1e-15), 0.0);
        assert_eq!(inv(-1e-20, 1e-15), 0.0);
        assert_eq!(inv(0.5, 1e-15), 2.0);
    }

    #[test]
    fn tolerance_scales_with_size_and_largest_value() {
        let s: Array1<f64> = array![4.0, 1.0, 0.0];
        assert_eq!(relative(&s, 10, 3), 10.0 * f64::EPSILON * 4.0);
        assert_eq!(relative(&Array1::<f64>::zeros(0), 3, 0), 0.0);
    }
}
