//! Elementwise arithmetic with NumPy's broadcasting: `add`, `sub`, `mul`, `div`, `scale`, `neg`.
//!
//! The cotangent of an operand that was broadcast is summed back to that operand's shape (what
//! PyTorch's `sum_to_size` and ChainRules' `ProjectTo` do). The output cotangent's buffer becomes
//! the first operand's cotangent when their shapes agree, so `add` and `sub` allocate only the
//! second operand's cotangent (a copy if it has the output's shape, the small reduced array if
//! it was broadcast), `scale` nothing, and `mul`/`div` an output-shaped array for the second
//! operand (then reduced, if it was broadcast). Put the operand of the output's shape first:
//! `add(bias, h)` copies `ȳ` for `h` where `add(h, bias)` hands it over.

use ndarray::{Array, ArrayView, DimMax, Dimension};

use super::broadcast::{co_shape, expand_to, sum_to, sum_to_ref};
use super::kernels::{map2, sum2, update, update2, update3};
use super::{check_cotangent, check_tangent};
use crate::{Scalar, frule, rrule};

/// The dimension type of the broadcast of a `D1` and a `D2` array (ndarray's `DimMax`): `Ix2`
/// for a matrix and a row, `IxDyn` if either is dynamic.
pub type Broadcast<D1, D2> = <D1 as DimMax<D2>>::Output;

/// `a + b`, elementwise, with broadcasting (a bias row onto a matrix, a 0-d or length-1 array onto
/// anything).
///
/// Pullback: `ā = ȳ` and `b̄ = ȳ`, each summed back to its operand's shape; `ā` is `ȳ`'s own
/// buffer when `a` has the output's shape.
///
/// ```
/// use ndarray::{array, Array1, Array2};
/// use rules_core::{ops, Pullback};
///
/// let h: Array2<f64> = array![[1.0, 2.0], [3.0, 4.0]];
/// let bias: Array1<f64> = array![10.0, 20.0];
/// let (y, pb) = ops::add::rrule(h.view(), bias.view());
/// assert_eq!(y, array![[11.0, 22.0], [13.0, 24.0]]);
/// let (dh, dbias) = pb.pullback(array![[1.0, 1.0], [1.0, 0.0]]);
/// assert_eq!(dh, array![[1.0, 1.0], [1.0, 0.0]]);
/// assert_eq!(dbias, array![2.0, 1.0]); // summed over the rows the bias was broadcast to
/// ```
///
/// # Panics
/// If the shapes do not broadcast (the message names the rule and both shapes), and in the
/// pullback and the pushforward if a cotangent or tangent does not have the shape of the output
/// or input it belongs to. NaN propagates.
#[rrule]
#[frule]
pub fn add<T: Scalar, D1: Dimension + DimMax<D2>, D2: Dimension>(
    a: ArrayView<'_, T, D1>,
    b: ArrayView<'_, T, D2>,
) -> Array<T, Broadcast<D1, D2>> {
    let out = co_shape("add", &a.raw_dim(), &b.raw_dim());
    let y = map2(&a, &b, &out, |u, v| u + v);
    let (sa, sb) = (a.raw_dim(), b.raw_dim());
    (
        y,
        move |dy: Array<T, Broadcast<D1, D2>>| -> (Array<T, D1>, Array<T, D2>) {
            check_cotangent("add", dy.shape(), out.slice());
            let db = sum_to_ref(&dy, &sb);
            let da = sum_to(dy, &sa);
            (da, db)
        },
        move |da: Array<T, D1>, db: Array<T, D2>| -> Array<T, Broadcast<D1, D2>> {
            check_tangent("add", "da", da.shape(), sa.slice());
            check_tangent("add", "db", db.shape(), sb.slice());
            let ta = expand_to(da, &out);
            let tb = expand_to(db, &out);
            ta + tb
        },
    )
}

/// `a − b`, elementwise, with broadcasting as [`add()`].
///
/// Pullback: `ā = ȳ`, `b̄ = −ȳ`, each summed back to its operand's shape.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![3.0, 4.0];
/// let b = array![1.0];
/// let (y, pb) = ops::sub::rrule(a.view(), b.view());
/// assert_eq!(y, array![2.0, 3.0]);
/// assert_eq!(pb.pullback(array![1.0, 2.0]), (array![1.0, 2.0], array![-3.0]));
/// ```
///
/// # Panics
/// As [`add()`].
#[rrule]
#[frule]
pub fn sub<T: Scalar, D1: Dimension + DimMax<D2>, D2: Dimension>(
    a: ArrayView<'_, T, D1>,
    b: ArrayView<'_, T, D2>,
) -> Array<T, Broadcast<D1, D2>> {
    let out = co_shape("sub", &a.raw_dim(), &b.raw_dim());
    let y = map2(&a, &b, &out, |u, v| u - v);
    let (sa, sb) = (a.raw_dim(), b.raw_dim());
    (
        y,
        move |dy: Array<T, Broadcast<D1, D2>>| -> (Array<T, D1>, Array<T, D2>) {
            check_cotangent("sub", dy.shape(), out.slice());
            let db = -sum_to_ref(&dy, &sb);
            let da = sum_to(dy, &sa);
            (da, db)
        },
        move |da: Array<T, D1>, db: Array<T, D2>| -> Array<T, Broadcast<D1, D2>> {
            check_tangent("sub", "da", da.shape(), sa.slice());
            check_tangent("sub", "db", db.shape(), sb.slice());
            let ta = expand_to(da, &out);
            let tb = expand_to(db, &out);
            ta - tb
        },
    )
}

/// `a · b`, elementwise (the Hadamard product), with broadcasting as [`add()`].
///
/// Pullback: `ā = ȳ·b`, `b̄ = ȳ·a`, each summed back to its operand's shape; `ā` is computed in
/// `ȳ`'s buffer.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![[1.0, 2.0], [3.0, 4.0]];
/// let b = array![10.0, 100.0];
/// let (y, pb) = ops::mul::rrule(a.view(), b.view());
/// assert_eq!(y, array![[10.0, 200.0], [30.0, 400.0]]);
/// let (da, db) = pb.pullback(array![[1.0, 1.0], [1.0, 1.0]]);
/// assert_eq!(da, array![[10.0, 100.0], [10.0, 100.0]]);
/// assert_eq!(db, array![4.0, 6.0]);
/// ```
///
/// # Panics
/// As [`add()`].
#[rrule]
#[frule]
pub fn mul<T: Scalar, D1: Dimension + DimMax<D2>, D2: Dimension>(
    a: ArrayView<'_, T, D1>,
    b: ArrayView<'_, T, D2>,
) -> Array<T, Broadcast<D1, D2>> {
    let out = co_shape("mul", &a.raw_dim(), &b.raw_dim());
    let y = map2(&a, &b, &out, |u, v| u * v);
    (
        y,
        move |dy: Array<T, Broadcast<D1, D2>>| -> (Array<T, D1>, Array<T, D2>) {
            check_cotangent("mul", dy.shape(), out.slice());
            let db = sum_to(map2(&dy, &a, &out, |d, u| d * u), &b.raw_dim());
            let da = sum_to(update2(dy, &b, |d, v| d * v), &a.raw_dim());
            (da, db)
        },
        move |da: Array<T, D1>, db: Array<T, D2>| -> Array<T, Broadcast<D1, D2>> {
            check_tangent("mul", "da", da.shape(), a.shape());
            check_tangent("mul", "db", db.shape(), b.shape());
            let ta = map2(&da, &b, &out, |d, v| d * v);
            let tb = map2(&db, &a, &out, |d, u| d * u);
            ta + tb
        },
    )
}

/// `a / b`, elementwise, with broadcasting as [`add()`].
///
/// Pullback: `ā = ȳ / b`, `b̄ = −ȳ·a / b²`, each summed back to its operand's shape. Division by
/// zero gives ±∞ or NaN, as IEEE arithmetic does, in the value and the cotangents.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![1.0, 6.0];
/// let b = array![2.0];
/// let (y, pb) = ops::div::rrule(a.view(), b.view());
/// assert_eq!(y, array![0.5, 3.0]);
/// let (da, db) = pb.pullback(array![1.0, 1.0]);
/// assert_eq!(da, array![0.5, 0.5]);
/// assert_eq!(db, array![-(1.0 + 6.0) / 4.0]);
/// ```
///
/// # Panics
/// As [`add()`].
#[rrule]
#[frule]
pub fn div<T: Scalar, D1: Dimension + DimMax<D2>, D2: Dimension>(
    a: ArrayView<'_, T, D1>,
    b: ArrayView<'_, T, D2>,
) -> Array<T, Broadcast<D1, D2>> {
    let out = co_shape("div", &a.raw_dim(), &b.raw_dim());
    let y = map2(&a, &b, &out, |u, v| u / v);
    (
        y,
        move |dy: Array<T, Broadcast<D1, D2>>| -> (Array<T, D1>, Array<T, D2>) {
            check_cotangent("div", dy.shape(), out.slice());
            let db = sum_to(
                super::kernels::map3(&dy, &a, &b, |d, u, v| -(d * (u / v)) / v),
                &b.raw_dim(),
            );
            let da = sum_to(update2(dy, &b, |d, v| d / v), &a.raw_dim());
            (da, db)
        },
        move |da: Array<T, D1>, db: Array<T, D2>| -> Array<T, Broadcast<D1, D2>> {
            check_tangent("div", "da", da.shape(), a.shape());
            check_tangent("div", "db", db.shape(), b.shape());
            let ta = map2(&da, &b, &out, |d, v| d / v);
            let tb = update3(expand_to(db, &out), &a, &b, |d, u, v| -(d * (u / v)) / v);
            ta + tb
        },
    )
}

/// `a · k` for a scalar `k`, both differentiable.
///
/// Pullback: `ā = ȳ·k` (in `ȳ`'s buffer), `k̄ = Σ ȳ∘a`.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback, Need, PullbackFor, Skip};
///
/// let a = array![1.0, 2.0];
/// let (y, pb) = ops::scale::rrule(a.view(), 3.0);
/// assert_eq!(y, array![3.0, 6.0]);
/// assert_eq!(pb.pullback(array![1.0, 1.0]), (array![3.0, 3.0], 3.0));
/// // Only k's cotangent: ȳ's buffer is not touched, one dot product runs.
/// assert_eq!(pb.pullback_for((Skip, Need), array![1.0, 1.0]), (Skip, 3.0));
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule(crate = crate)]
#[frule]
pub fn scale<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>, k: T) -> Array<T, D> {
    let y = super::kernels::map(&a, |u| u * k);
    (
        y,
        move |dy: Array<T, D>| -> (Array<T, D>, T) {
            check_cotangent("scale", dy.shape(), a.shape());
            let dk = sum2(&dy, &a, |d, u| d * u);
            let da = update(dy, |d| d * k);
            (da, dk)
        },
        move |da: Array<T, D>, dk: T| -> Array<T, D> {
            check_tangent("scale", "da", da.shape(), a.shape());
            let ta = update(da, |d| d * k);
            let tk = super::kernels::map(&a, |u| u * dk);
            ta + tk
        },
    )
}

/// `−a`.
///
/// Pullback: `ā = −ȳ`, in `ȳ`'s buffer.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![1.0, -2.0];
/// let (y, pb) = ops::neg::rrule(a.view());
/// assert_eq!(y, array![-1.0, 2.0]);
/// assert_eq!(pb.pullback(array![1.0, 0.5]), array![-1.0, -0.5]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn neg<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = super::kernels::map(&a, |u| -u);
    let shape = a.raw_dim();
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("neg", dy.shape(), shape.slice());
            update(dy, |d| -d)
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("neg", "da", da.shape(), shape.slice());
            update(da, |d| -d)
        },
    )
}
