//! `matmul` (matrix·matrix, matrix·vector, vector·matrix, vector·vector), `dot` and `transpose`.
//!
//! Every product runs through faer's matrix multiplication on views (no copy of a transposed
//! operand), on its threads for large products; vectors are seen as 1×k or k×1 matrices.

use ndarray::{
    Array, Array1, Array2, ArrayView, ArrayView1, ArrayView2, Axis, Dimension, Ix0, Ix1, Ix2, IxDyn,
};

use super::kernels::{map, sum2};

use super::{check_cotangent, check_tangent};
use crate::{Scalar, frule, rrule};

/// The operand dimensions [`matmul()`] takes: `Ix2` (a matrix) and `Ix1` (a vector), in the four
/// pairs of NumPy's `matmul` for two dimensions at most. `Product` is the product's dimension:
/// `Ix2`, `Ix1`, or `Ix0` for two vectors. Sealed.
pub trait MatmulDim<DB: Dimension>: Dimension + sealed::Operand {
    /// The dimension of the product.
    type Product: Dimension;
}

impl MatmulDim<Ix2> for Ix2 {
    type Product = Ix2;
}
impl MatmulDim<Ix1> for Ix2 {
    type Product = Ix1;
}
impl MatmulDim<Ix2> for Ix1 {
    type Product = Ix1;
}
impl MatmulDim<Ix1> for Ix1 {
    type Product = Ix0;
}

/// The dimension of the product of a `DA` and a `DB` operand.
pub type Product<DA, DB> = <DA as MatmulDim<DB>>::Product;

mod sealed {
    /// `Ix1` or `Ix2`.
    pub trait Operand {
        /// Whether this is a vector.
        const VECTOR: bool;
    }
    impl Operand for ndarray::Ix1 {
        const VECTOR: bool = true;
    }
    impl Operand for ndarray::Ix2 {
        const VECTOR: bool = false;
    }
}

/// `x` as a matrix: a vector as a row (`row`) or a column.
fn as_matrix<'a, T, D: Dimension>(x: ArrayView<'a, T, D>, row: bool) -> ArrayView2<'a, T> {
    let x = x.into_dyn();
    let x = match (x.ndim(), row) {
        (0, _) => x.insert_axis(Axis(0)).insert_axis(Axis(0)),
        (1, true) => x.insert_axis(Axis(0)),
        (1, false) => x.insert_axis(Axis(1)),
        _ => x,
    };
    match x.into_dimensionality::<Ix2>() {
        Ok(m) => m,
        Err(_) => unreachable!("operands and products have at most two axes"),
    }
}

/// A product computed as a matrix, returned with the dimension `D` (its unit axes removed).
fn from_matrix<T, D: Dimension>(m: Array2<T>, drop_rows: bool, drop_cols: bool) -> Array<T, D> {
    let mut m = m.into_dyn();
    if drop_cols {
        m = m.remove_axis(Axis(1));
    }
    if drop_rows {
        m = m.remove_axis(Axis(0));
    }
    match m.into_dimensionality::<D>() {
        Ok(m) => m,
        Err(_) => unreachable!("the product has the dimension of its type"),
    }
}

/// `l · r` of two matrices (views of any layout), in a new row-major array.
fn product<T: Scalar>(l: ArrayView2<'_, T>, r: ArrayView2<'_, T>) -> Array2<T> {
    let mut c = Array2::zeros((l.nrows(), r.ncols()));
    T::gemm(c.view_mut(), l, r);
    c
}

/// The matrix product `a · b` of two matrices, a matrix and a vector, or two vectors (then a 0-d
/// array: `y.into_scalar()`), as NumPy's `matmul` for at most two dimensions.
///
/// Pullback: `ā = ȳ·bᵀ`, `b̄ = aᵀ·ȳ` (outer products where an operand is a vector), one product
/// each: `pullback_for((Skip, Need), ȳ)` runs one.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback, PullbackFor, Skip, Need};
///
/// let x = array![[1.0, 2.0], [3.0, 4.0]];
/// let w = array![[1.0], [-1.0]];
/// let (y, pb) = ops::matmul::rrule(x.view(), w.view());
/// assert_eq!(y, array![[-1.0], [-1.0]]);
/// let (_, dw) = pb.pullback_for((Skip, Need), array![[1.0], [1.0]]);
/// assert_eq!(dw, array![[4.0], [6.0]]);
/// // Matrix times vector, and a dot product:
/// assert_eq!(ops::matmul(x.view(), array![1.0, 1.0].view()), array![3.0, 7.0]);
/// assert_eq!(ops::matmul(array![1.0, 2.0].view(), array![3.0, 4.0].view()).into_scalar(), 11.0);
/// ```
///
/// # Panics
/// If the inner dimensions differ (the message names the rule and both shapes), and in the
/// pullback and the pushforward if a cotangent or tangent does not have the shape of the output
/// or input it belongs to.
#[rrule]
#[frule]
pub fn matmul<T: Scalar, DA: MatmulDim<DB>, DB: Dimension + sealed::Operand>(
    a: ArrayView<'_, T, DA>,
    b: ArrayView<'_, T, DB>,
) -> Array<T, Product<DA, DB>> {
    let (l, r) = (as_matrix(a.view(), true), as_matrix(b.view(), false));
    assert!(
        l.ncols() == r.nrows(),
        "matmul: the inner dimensions of `a` {:?} and `b` {:?} differ ({} against {})",
        a.shape(),
        b.shape(),
        l.ncols(),
        r.nrows()
    );
    let y: Array<T, Product<DA, DB>> = from_matrix(product(l, r), DA::VECTOR, DB::VECTOR);
    let shape = y.raw_dim();
    (
        y,
        move |dy: Array<T, Product<DA, DB>>| -> (Array<T, DA>, Array<T, DB>) {
            check_cotangent("matmul", dy.shape(), shape.slice());
            let da = from_matrix(
                product(
                    matrix_of(&dy, DA::VECTOR, DB::VECTOR),
                    as_matrix(b.view(), false).t(),
                ),
                DA::VECTOR,
                false,
            );
            let db = from_matrix(
                product(
                    as_matrix(a.view(), true).t(),
                    matrix_of(&dy, DA::VECTOR, DB::VECTOR),
                ),
                false,
                DB::VECTOR,
            );
            (da, db)
        },
        move |da: Array<T, DA>, db: Array<T, DB>| -> Array<T, Product<DA, DB>> {
            check_tangent("matmul", "da", da.shape(), a.shape());
            check_tangent("matmul", "db", db.shape(), b.shape());
            let ta: Array<T, Product<DA, DB>> = from_matrix(
                product(as_matrix(da.view(), true), as_matrix(b.view(), false)),
                DA::VECTOR,
                DB::VECTOR,
            );
            let tb: Array<T, Product<DA, DB>> = from_matrix(
                product(as_matrix(a.view(), true), as_matrix(db.view(), false)),
                DA::VECTOR,
                DB::VECTOR,
            );
            ta + tb
        },
    )
}

/// A product-shaped array (cotangent) as the matrix it was computed as.
fn matrix_of<'a, T, D: Dimension>(
    y: &'a Array<T, D>,
    a_vector: bool,
    b_vector: bool,
) -> ArrayView2<'a, T> {
    let v = y.view().into_dyn();
    let v = if a_vector { v.insert_axis(Axis(0)) } else { v };
    let v: ArrayView<'_, T, IxDyn> = if b_vector {
        let n = v.ndim();
        v.insert_axis(Axis(n))
    } else {
        v
    };
    match v.into_dimensionality::<Ix2>() {
        Ok(m) => m,
        Err(_) => unreachable!("products have at most two axes"),
    }
}

/// `aᵀ`, as a new array: a copy of `a`'s memory with the strides swapped, so a row-major `a` gives
/// a column-major result (`.as_standard_layout()` makes it row-major, at the cost of a transposing
/// copy).
///
/// Pullback: `ā = ȳᵀ`, `ȳ`'s own buffer with its axes swapped: no copy.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![[1.0, 2.0, 3.0]];
/// let (y, pb) = ops::transpose::rrule(a.view());
/// assert_eq!(y, array![[1.0], [2.0], [3.0]]);
/// assert_eq!(pb.pullback(array![[1.0], [0.0], [0.0]]), array![[1.0, 0.0, 0.0]]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn transpose<T: Scalar>(a: ArrayView2<'_, T>) -> Array2<T> {
    let y = a.t().to_owned();
    let shape = y.raw_dim();
    (
        y,
        move |dy: Array2<T>| -> Array2<T> {
            check_cotangent("transpose", dy.shape(), shape.slice());
            dy.reversed_axes()
        },
        move |da: Array2<T>| -> Array2<T> { da.reversed_axes() },
    )
}

/// The dot product `Σ aᵢbᵢ` of two vectors, as a scalar (`matmul` of two vectors gives the same
/// value as a 0-d array).
///
/// Pullback: `ā = ȳ·b`, `b̄ = ȳ·a`, each computed only if asked for.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let (a, b) = (array![1.0, 2.0], array![3.0, 4.0]);
/// let (d, pb) = ops::dot::rrule(a.view(), b.view());
/// assert_eq!(d, 11.0);
/// assert_eq!(pb.pullback(2.0), (array![6.0, 8.0], array![2.0, 4.0]));
/// ```
///
/// # Panics
/// If the lengths differ (naming the rule and both lengths), and in the pushforward if a tangent
/// does not have its input's length.
#[rrule]
#[frule]
pub fn dot<T: Scalar>(a: ArrayView1<'_, T>, b: ArrayView1<'_, T>) -> T {
    assert!(
        a.len() == b.len(),
        "dot: `a` has {} entries and `b` {}; they must be equal",
        a.len(),
        b.len()
    );
    let d = sum2(&a, &b, |u, v| u * v);
    (
        d,
        move |dd: T| -> (Array1<T>, Array1<T>) {
            let da = map(&b, |v| v * dd);
            let db = map(&a, |u| u * dd);
            (da, db)
        },
        move |da: Array1<T>, db: Array1<T>| -> T {
            check_tangent("dot", "da", da.shape(), a.shape());
            check_tangent("dot", "db", db.shape(), b.shape());
            let ta = sum2(&da, &b, |d, v| d * v);
            let tb = sum2(&a, &db, |u, d| u * d);
            ta + tb
        },
    )
}
