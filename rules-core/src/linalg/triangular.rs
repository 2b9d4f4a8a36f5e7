//! Triangular systems `A X = B` by substitution (faer's blocked triangular solve), with the
//! pullback and pushforward reusing the same triangle:
//!
//! ```text
//! X  = A⁻¹ B
//! B̄  = A⁻ᵀ X̄                 (a solve with the transposed triangle)
//! Ā  = −tri(B̄ Xᵀ)            (only the triangle that is read has a gradient)
//! Ẋ  = A⁻¹ (Ḃ − tri(Ȧ) X)
//! ```

use faer::linalg::matmul::triangular::BlockStructure;
use faer::linalg::triangular_solve::{
    solve_lower_triangular_in_place, solve_upper_triangular_in_place,
};
use faer_ext::IntoFaer;
use ndarray::{Array2, ArrayView2, ShapeBuilder};

use super::checks::{Part, check_shape, finite};
use super::matmul::{self, parallelism};
use super::{LinalgError, Real};
use crate::{NoTangent, frule, rrule};

/// Which triangle of a matrix [`solve_triangular()`] reads; the other one may hold anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Triangle {
    /// The diagonal and the entries below it.
    Lower,
    /// The diagonal and the entries above it.
    Upper,
}

impl crate::Differentiable for Triangle {
    type Tangent = NoTangent;
    fn zero_tangent(&self) -> NoTangent {
        NoTangent
    }
}

impl Triangle {
    fn part(self) -> Part {
        match self {
            Triangle::Lower => Part::Lower,
            Triangle::Upper => Part::Upper,
        }
    }

    /// The triangle as faer's product reads or writes it.
    fn structure(self) -> BlockStructure {
        match self {
            Triangle::Lower => BlockStructure::TriangularLower,
            Triangle::Upper => BlockStructure::TriangularUpper,
        }
    }

    /// The other triangle (that of the transposed matrix).
    fn transposed(self) -> Triangle {
        match self {
            Triangle::Lower => Triangle::Upper,
            Triangle::Upper => Triangle::Lower,
        }
    }
}

/// Solves `a·x = b` for a triangular `a`, reading only `triangle` of it (the other entries may
/// hold anything, NaN included), by substitution as LAPACK's `trtrs` does: the error is
/// backward stable, and like `trtrs` the substitution does not rescale, so an `a` whose
/// diagonal is many orders of magnitude smaller than its off-diagonal entries can overflow.
///
/// Pullback: `b̄ = a⁻ᵀ x̄` (a solve with the other triangle of `aᵀ`), `ā = −tri(b̄ xᵀ)`, nonzero
/// only in the triangle read. Pushforward: `ẋ = a⁻¹ (ḃ − tri(ȧ) x)`, one solve; a `Zero` `ȧ`
/// drops the product, a `Zero` `ḃ` the addition.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::{solve_triangular, Triangle};
/// use rules_core::{Pullback, Pushforward};
///
/// let a = array![[2.0, f64::NAN], [1.0, 4.0]]; // the upper entry is not read
/// let b = array![[2.0], [9.0]];
/// let (x, pb) = solve_triangular::rrule(a.view(), b.view(), Triangle::Lower).unwrap();
/// assert_eq!(x, array![[1.0], [2.0]]);
/// let (da, db, _) = pb.pullback(array![[1.0], [0.0]]);
/// assert_eq!(db, array![[0.5], [0.0]]);
/// assert_eq!(da, array![[-0.5, 0.0], [0.0, 0.0]]);
/// // Forward mode: along ḃ alone, ẋ = a⁻¹ ḃ.
/// let (_, pf) = solve_triangular::frule(a.view(), b.view(), Triangle::Lower).unwrap();
/// let dx = pf.pushforward((ndarray::Array2::zeros((2, 2)), array![[2.0], [0.0]], rules_core::NoTangent));
/// assert_eq!(dx, array![[1.0], [-0.25]]);
/// ```
///
/// # Memory
///
/// The whole gradient at 500×500 (`b` 500×500) holds 4.0× the input `a`: the caller's `x`, the
/// pullback's copy, and the pullback's `b̄` and `ā`.
///
/// # Errors
/// [`LinalgError::NotSquare`] if `a` is not square, [`LinalgError::Shape`] if `b` does not have
/// `a`'s number of rows, [`LinalgError::NonFinite`] for NaN or ±∞ in the triangle read or in
/// `b`, [`LinalgError::Singular`] for a zero on the diagonal.
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// its output or input (the message names the rule and the argument).
#[rrule]
#[frule]
pub fn solve_triangular<T: Real>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    triangle: Triangle,
) -> Result<Array2<T>, LinalgError> {
    const RULE: &str = "solve_triangular";
    let (m, n) = a.dim();
    if m != n {
        return Err(LinalgError::NotSquare {
            rule: RULE,
            arg: "a",
            shape: (m, n),
        });
    }
    if b.nrows() != n {
        return Err(LinalgError::Shape {
            rule: RULE,
            arg: "b",
            expected: format!("{n} rows (as `a`)"),
            got: b.shape().to_vec(),
        });
    }
    finite(RULE, "a", a, triangle.part())?;
    finite(RULE, "b", b, Part::All)?;
    if (0..n).any(|i| a[[i, i]] == T::zero()) {
        return Err(LinalgError::Singular { rule: RULE });
    }
    let x = substitute(a, owned_f(b), triangle);
    let (b_shape, other, structure) = (b.dim(), triangle.transposed(), triangle.structure());
    Ok((
        x.clone(),
        move |dx: Array2<T>| -> (Array2<T>, Array2<T>, NoTangent) {
            check_shape(RULE, "dx", dx.shape(), x.shape());
            // B̄ = A⁻ᵀ X̄, with the other triangle of Aᵀ; Ā = −tri(B̄ Xᵀ).
            let db = substitute(a.t(), owned_f(dx.view()), other);
            let da = matmul::tri_mul(
                structure,
                db.view(),
                BlockStructure::Rectangular,
                x.t(),
                BlockStructure::Rectangular,
                -T::one(),
            );
            (da, db, NoTangent)
        },
        move |da: Array2<T>, db: Array2<T>, _triangle: NoTangent| -> Array2<T> {
            check_shape(RULE, "da", da.shape(), &[n, n]);
            check_shape(RULE, "db", db.shape(), &[b_shape.0, b_shape.1]);
            // Ẋ = A⁻¹ (Ḃ − tri(Ȧ) X).
            let t = matmul::tri_mul(
                BlockStructure::Rectangular,
                da.view(),
                structure,
                x.view(),
                BlockStructure::Rectangular,
                -T::one(),
            );
            let rhs = t + db;
            substitute(a, rhs, triangle)
        },
    ))
}

/// `b` as a new column-major array, the layout faer's solve works in.
fn owned_f<T: Real>(b: ArrayView2<'_, T>) -> Array2<T> {
    let mut x = Array2::<T>::zeros(b.dim().f());
    x.assign(&b);
    x
}

/// `A⁻¹ X` in `x`'s buffer, reading `triangle` of `a`.
fn substitute<T: Real>(a: ArrayView2<'_, T>, mut x: Array2<T>, triangle: Triangle) -> Array2<T> {
    let par = parallelism(a.nrows());
    match triangle {
        Triangle::Lower => {
            solve_lower_triangular_in_place(a.into_faer(), x.view_mut().into_faer(), par);
        }
        Triangle::Upper => {
            solve_upper_triangular_in_place(a.into_faer(), x.view_mut().into_faer(), par);
        }
    }
    x
}
