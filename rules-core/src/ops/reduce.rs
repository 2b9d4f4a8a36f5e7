//! Reductions: `sum`, `mean` (to a scalar), `sum_axis`, `mean_axis`, `sum_sq`, `norm`, and the
//! loss `mse`.

use ndarray::{Array, ArrayBase, ArrayView, Axis, Data, Dimension, RemoveAxis};

use super::kernels::{map, map2, sum1, sum2, sum3};
use super::{check_cotangent, check_tangent};
use crate::{NoTangent, Scalar, frule, rrule};

/// Panics unless `axis` is an axis of an array of `ndim` axes.
#[track_caller]
pub(crate) fn check_axis(rule: &str, axis: Axis, shape: &[usize]) {
    assert!(
        axis.index() < shape.len(),
        "{rule}: axis {} is out of range for an input of shape {shape:?} ({} axes)",
        axis.index(),
        shape.len()
    );
}

/// `Σ a` over every entry (see [`sum1`]: the same bits whatever the number of threads).
fn total<T: Scalar, S: Data<Elem = T>, D: Dimension>(a: &ArrayBase<S, D>) -> T {
    sum1(a, |v| v)
}

/// The sum of every entry.
///
/// Pullback: `ā = ȳ` in every entry.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![[1.0, 2.0], [3.0, 4.0]];
/// let (s, pb) = ops::sum::rrule(a.view());
/// assert_eq!(s, 10.0);
/// assert_eq!(pb.pullback(2.0), array![[2.0, 2.0], [2.0, 2.0]]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn sum<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> T {
    let s = total(&a);
    let shape = a.raw_dim();
    (
        s,
        move |ds: T| -> Array<T, D> { Array::from_elem(shape.clone(), ds) },
        move |da: Array<T, D>| -> T {
            check_tangent("sum", "da", da.shape(), shape.slice());
            total(&da)
        },
    )
}

/// The mean of every entry (NaN for an empty array, as `0/0`).
///
/// Pullback: `ā = ȳ / n` in every entry.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![1.0, 2.0, 6.0];
/// let (m, pb) = ops::mean::rrule(a.view());
/// assert_eq!(m, 3.0);
/// assert_eq!(pb.pullback(3.0), array![1.0, 1.0, 1.0]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn mean<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> T {
    let n = T::from(a.len()).unwrap_or_else(T::nan);
    let m = total(&a) / n;
    let shape = a.raw_dim();
    (
        m,
        move |dm: T| -> Array<T, D> { Array::from_elem(shape.clone(), dm / n) },
        move |da: Array<T, D>| -> T {
            check_tangent("mean", "da", da.shape(), shape.slice());
            total(&da) / n
        },
    )
}

/// `dy` (one axis fewer than `shape`) repeated along `axis` to `shape`, times `k`.
fn spread_axis<T: Scalar, S: Data<Elem = T>, E: Dimension, D: Dimension>(
    dy: &ArrayBase<S, E>,
    axis: Axis,
    shape: &D,
    k: T,
) -> Array<T, D> {
    let v = dy.view().into_dyn().insert_axis(axis);
    let v = match v.broadcast(shape.clone().into_dyn()) {
        Some(v) => v,
        None => unreachable!("the cotangent's shape was checked"),
    };
    match map(&v, |d| d * k).into_dimensionality::<D>() {
        Ok(x) => x,
        Err(_) => unreachable!("the broadcast has the input's dimension"),
    }
}

/// The sums along `axis` (the result has that axis removed).
///
/// Pullback: `ȳ` repeated along `axis`.
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback, NoTangent};
///
/// let a = array![[1.0, 2.0], [3.0, 4.0]];
/// let (s, pb) = ops::sum_axis::rrule(a.view(), Axis(0));
/// assert_eq!(s, array![4.0, 6.0]);
/// assert_eq!(pb.pullback(array![1.0, -1.0]), (array![[1.0, -1.0], [1.0, -1.0]], NoTangent));
/// ```
///
/// # Panics
/// If `axis` is out of range (naming the rule, the axis and the shape), and in the pullback and
/// the pushforward if a cotangent or tangent does not have the shape of the output or input it
/// belongs to.
#[rrule]
#[frule]
pub fn sum_axis<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D::Smaller> {
    check_axis("sum_axis", axis, a.shape());
    let y = a.sum_axis(axis);
    let (shape, out) = (a.raw_dim(), y.raw_dim());
    (
        y,
        move |dy: Array<T, D::Smaller>| -> (Array<T, D>, NoTangent) {
            check_cotangent("sum_axis", dy.shape(), out.slice());
            let da = spread_axis(&dy, axis, &shape, T::one());
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D::Smaller> {
            check_tangent("sum_axis", "da", da.shape(), shape.slice());
            da.sum_axis(axis)
        },
    )
}

/// The means along `axis` (NaN where the axis is empty).
///
/// Pullback: `ȳ / n` repeated along `axis`, `n` its length.
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback};
///
/// let a = array![[1.0, 2.0], [3.0, 4.0]];
/// let (m, pb) = ops::mean_axis::rrule(a.view(), Axis(1));
/// assert_eq!(m, array![1.5, 3.5]);
/// assert_eq!(pb.pullback(array![2.0, 4.0]).0, array![[1.0, 1.0], [2.0, 2.0]]);
/// ```
///
/// # Panics
/// As [`sum_axis()`].
#[rrule]
#[frule]
pub fn mean_axis<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D::Smaller> {
    check_axis("mean_axis", axis, a.shape());
    let n = T::from(a.len_of(axis)).unwrap_or_else(T::nan);
    let y = a.sum_axis(axis).mapv_into(|v| v / n);
    let (shape, out) = (a.raw_dim(), y.raw_dim());
    (
        y,
        move |dy: Array<T, D::Smaller>| -> (Array<T, D>, NoTangent) {
            check_cotangent("mean_axis", dy.shape(), out.slice());
            let da = spread_axis(&dy, axis, &shape, T::one() / n);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D::Smaller> {
            check_tangent("mean_axis", "da", da.shape(), shape.slice());
            da.sum_axis(axis).mapv_into(|v| v / n)
        },
    )
}

/// `Σ a²` over every entry.
///
/// Pullback: `ā = 2·ȳ·a`.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![3.0, 4.0];
/// let (s, pb) = ops::sum_sq::rrule(a.view());
/// assert_eq!(s, 25.0);
/// assert_eq!(pb.pullback(0.5), array![3.0, 4.0]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn sum_sq<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> T {
    let s = sum2(&a, &a, |u, v| u * v);
    (
        s,
        move |ds: T| -> Array<T, D> {
            let k = ds + ds;
            map(&a, |u| u * k)
        },
        move |da: Array<T, D>| -> T {
            check_tangent("sum_sq", "da", da.shape(), a.shape());
            let d = sum2(&da, &a, |d, u| d * u);
            d + d
        },
    )
}

/// The 2-norm of all entries (the Frobenius norm of a matrix), `√Σ a²`, computed without
/// overflow or underflow of the squares (scaled by the largest magnitude).
///
/// Pullback: `ā = ȳ·a / ‖a‖`, and `0` at `a = 0` (the subgradient of least norm; PyTorch and JAX
/// return NaN there).
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![3.0, 4.0];
/// let (r, pb) = ops::norm::rrule(a.view());
/// assert_eq!(r, 5.0);
/// assert_eq!(pb.pullback(10.0), array![6.0, 8.0]);
/// let a = array![0.0, 0.0];
/// let (r, pb) = ops::norm::rrule(a.view());
/// assert_eq!((r, pb.pullback(1.0)), (0.0, array![0.0, 0.0]));
/// assert_eq!(ops::norm(array![3e300, 4e300].view()), 5e300);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn norm<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> T {
    let r = stable_norm(&a);
    (
        r,
        move |dr: T| -> Array<T, D> { map(&a, |u| unit(u, r) * dr) },
        move |da: Array<T, D>| -> T {
            check_tangent("norm", "da", da.shape(), a.shape());
            sum2(&da, &a, |d, u| d * unit(u, r))
        },
    )
}

/// `u / r`, and 0 where `r = 0` (then every `u` is 0): divided rather than multiplied by `1/r`,
/// which overflows for a subnormal `r`; NaN for a NaN `r`.
fn unit<T: Scalar>(u: T, r: T) -> T {
    if r == T::zero() { T::zero() } else { u / r }
}

/// `√Σ a²` with the entries scaled by the largest magnitude (NaN if any entry is NaN, +∞ if any
/// is infinite).
fn stable_norm<T: Scalar, D: Dimension>(a: &ArrayView<'_, T, D>) -> T {
    let big = a.fold(T::zero(), |m, &v| {
        let v = v.abs();
        if v > m || v.is_nan() { v } else { m }
    });
    if big == T::zero() || !big.is_finite() {
        return big;
    }
    // Divided by `big`, not multiplied by `1/big`, which overflows for a subnormal `big`.
    let s = sum2(a, a, |u, v| (u / big) * (v / big));
    big * s.sqrt()
}

/// The mean squared error `Σ (pred − target)² / n` of two arrays of one shape.
///
/// Pullback: `p̄red = 2·ȳ·(pred − target)/n`, `t̄arget = −p̄red`, each computed only when asked
/// for.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![1.0, 3.0];
/// let b = array![0.0, 0.0];
/// let (l, pb) = ops::mse::rrule(a.view(), b.view());
/// assert_eq!(l, 5.0);
/// assert_eq!(pb.pullback(1.0), (array![1.0, 3.0], array![-1.0, -3.0]));
/// ```
///
/// # Panics
/// If the shapes differ, naming the rule and both shapes. In the pullback and the pushforward, if a
/// cotangent or tangent does not have the shape of the output or input it belongs to.
#[rrule]
#[frule]
pub fn mse<T: Scalar, D: Dimension>(pred: ArrayView<'_, T, D>, target: ArrayView<'_, T, D>) -> T {
    assert!(
        pred.shape() == target.shape(),
        "mse: `pred` has shape {:?} and `target` {:?}; they must be equal",
        pred.shape(),
        target.shape()
    );
    let n = T::from(pred.len()).unwrap_or_else(T::nan);
    let l = sum2(&pred, &target, |p, t| (p - t) * (p - t)) / n;
    (
        l,
        move |dl: T| -> (Array<T, D>, Array<T, D>) {
            let k = (dl + dl) / n;
            let dp = map2(&pred, &target, &pred.raw_dim(), |p, t| (p - t) * k);
            let dt = map2(&target, &pred, &pred.raw_dim(), |t, p| (t - p) * k);
            (dp, dt)
        },
        move |dp: Array<T, D>, dt: Array<T, D>| -> T {
            check_tangent("mse", "dp", dp.shape(), pred.shape());
            check_tangent("mse", "dt", dt.shape(), target.shape());
            let k = (T::one() + T::one()) / n;
            let lp = sum3(&dp, &pred, &target, |d, p, t| d * (p - t)) * k;
            let lt = sum3(&dt, &target, &pred, |d, t, p| d * (t - p)) * k;
            lp + lt
        },
    )
}
