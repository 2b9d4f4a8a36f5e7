//! The Cholesky factor of a symmetric positive definite matrix (faer's), and its pullback by two
//! triangular solves with the factor the forward pass computed.
//!
//! ```text
//! A = L Lᵀ (lower triangle of A read)
//! P = Φ(Lᵀ L̄)          Φ: the lower triangle, its diagonal halved
//! S = L⁻ᵀ P L⁻¹         two triangular solves, no inverse formed
//! Ā = ½ (S + Sᵀ)        symmetric
//! ```

use faer::linalg::solvers::Llt;
use faer::linalg::triangular_solve::solve_upper_triangular_in_place;
use faer_ext::{IntoFaer, IntoNdarray};
use ndarray::{Array2, ArrayView2};

use super::checks::{Part, check_shape, finite};
use super::matmul::{self, parallelism};
use super::{LinalgError, Real};
use crate::rrule;

/// The lower Cholesky factor `L` of `a = L Lᵀ`, reading only the lower triangle of `a` (the upper
/// one may hold anything, NaN included).
///
/// The pullback returns a **symmetric** `Ā`, the gradient with respect to a symmetric `a`
/// (PyTorch's and JAX's convention): the gradient with respect to the entries of the lower
/// triangle alone is `tril(Ā + Āᵀ) − diag(Ā)`.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::cholesky;
/// use rules_core::Pullback;
///
/// let a = array![[4.0, f64::NAN], [2.0, 5.0]]; // the upper triangle is not read
/// let (l, pb) = cholesky::rrule(a.view()).unwrap();
/// assert_eq!(l, array![[2.0, 0.0], [1.0, 2.0]]);
/// // d L₀₀ / d a₀₀ = 1 / (2 √a₀₀) = 1/4.
/// let g = pb.pullback(array![[1.0, 0.0], [0.0, 0.0]]);
/// assert!((g[[0, 0]] - 0.25).abs() < 1e-15);
/// assert_eq!(g[[0, 1]], g[[1, 0]]);
/// ```
///
/// # Errors
/// [`LinalgError::NotSquare`] for a non-square `a`, [`LinalgError::NonFinite`] for NaN or ±∞ in
/// its lower triangle, [`LinalgError::NotPositiveDefinite`] when a pivot is not positive.
///
/// # Panics
/// In the pullback, if the cotangent's shape differs from `L`'s.
#[rrule]
pub fn cholesky<T: Real>(a: ArrayView2<'_, T>) -> Result<Array2<T>, LinalgError> {
    let l = factor(a)?;
    Ok((l.clone(), move |dl: Array2<T>| -> Array2<T> {
        check_shape("cholesky", "dL", dl.shape(), l.shape());
        llt_pullback(&l, dl.view())
    }))
}

/// `L`, or why there is none.
fn factor<T: Real>(a: ArrayView2<'_, T>) -> Result<Array2<T>, LinalgError> {
    let (m, n) = a.dim();
    if m != n {
        return Err(LinalgError::NotSquare {
            rule: "cholesky",
            arg: "a",
            shape: (m, n),
        });
    }
    finite("cholesky", "a", a, Part::Lower)?;
    let llt = Llt::new(a.into_faer(), faer::Side::Lower)
        .map_err(|_| LinalgError::NotPositiveDefinite { rule: "cholesky" })?;
    Ok(llt.L().into_ndarray().to_owned())
}

/// `Ā = ½ (S + Sᵀ)` with `S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹`.
fn llt_pullback<T: Real>(l: &Array2<T>, dl: ArrayView2<'_, T>) -> Array2<T> {
    let n = l.nrows();
    let half = T::one() / (T::one() + T::one());
    // P = Φ(Lᵀ L̄), into a column-major faer matrix that the solves overwrite.
    let p = matmul::mul(l.t(), dl);
    let mut s = faer::Mat::<T>::from_fn(n, n, |i, j| match i.cmp(&j) {
        core::cmp::Ordering::Greater => p[[i, j]],
        core::cmp::Ordering::Equal => p[[i, j]] * half,
        core::cmp::Ordering::Less => T::zero(),
    });
    let lt = l.t();
    let lt = lt.into_faer();
    let par = parallelism(n);
    // S₁ = L⁻ᵀ P, then Sᵀ = L⁻ᵀ S₁ᵀ.
    solve_upper_triangular_in_place(lt, s.as_mut(), par);
    let mut st = s.transpose().to_owned();
    solve_upper_triangular_in_place(lt, st.as_mut(), par);
    // Ā = ½ (S + Sᵀ), where st holds Sᵀ.
    Array2::from_shape_fn((n, n), |(i, j)| (st[(j, i)] + st[(i, j)]) * half)
}
