//! Rules that move entries without arithmetic: `reshape`, `concatenate`, `select` (a gather
//! along an axis), and the reductions `max_axis` / `min_axis`, whose cotangent goes to one entry
//! per lane.

use ndarray::{Array, ArrayView, Axis, Dimension, Order, RemoveAxis, Slice};

use super::reduce::check_axis;
use super::{check_cotangent, check_tangent};
use crate::{NoTangent, Scalar, frule, rrule};

/// `a` with the shape `shape`, its entries in row-major order (NumPy's `reshape`, C order).
///
/// Pullback: `ȳ` with `a`'s shape, in `ȳ`'s own buffer when it is in standard layout.
///
/// ```
/// use ndarray::{array, Ix1, Ix2};
/// use rules_core::{ops, Pullback, NoTangent};
///
/// let a = array![[1.0, 2.0], [3.0, 4.0]];
/// let (y, pb) = ops::reshape::rrule(a.view(), Ix1(4));
/// assert_eq!(y, array![1.0, 2.0, 3.0, 4.0]);
/// let back = pb.pullback(array![0.0, 1.0, 0.0, 0.0]);
/// assert_eq!(back, (array![[0.0, 1.0], [0.0, 0.0]], NoTangent));
/// ```
///
/// # Panics
/// If `shape` does not have as many entries as `a` (naming the rule and both shapes), and in the
/// pullback and the pushforward if a cotangent or tangent does not have the shape of the output
/// or input it belongs to.
#[rrule]
#[frule]
pub fn reshape<T: Scalar, D: Dimension, E: Dimension>(
    a: ArrayView<'_, T, D>,
    shape: E,
) -> Array<T, E> {
    assert!(
        shape.size() == a.len(),
        "reshape: `a` of shape {:?} has {} entries, but the shape {:?} has {}",
        a.shape(),
        a.len(),
        shape.slice(),
        shape.size()
    );
    let from = a.raw_dim();
    let y = rows_as(a.view(), shape.clone());
    (
        y,
        move |dy: Array<T, E>| -> (Array<T, D>, NoTangent) {
            check_cotangent("reshape", dy.shape(), shape.slice());
            let da = rows_as(dy, from.clone());
            (da, NoTangent)
        },
        move |da: Array<T, D>, _shape: NoTangent| -> Array<T, E> {
            check_tangent("reshape", "da", da.shape(), from.slice());
            rows_as(da, shape.clone())
        },
    )
}

/// `x` (owned or a view) with the shape `to` in row-major order: its own buffer when it is
/// owned and in standard layout, else one copy.
fn rows_as<T: Scalar, S: ndarray::Data<Elem = T>, D: Dimension, E: Dimension>(
    x: ndarray::ArrayBase<S, D>,
    to: E,
) -> Array<T, E> {
    let x = if x.is_standard_layout() {
        x.into_owned()
    } else {
        x.as_standard_layout().into_owned()
    };
    match x.into_shape_with_order((to, Order::RowMajor)) {
        Ok(y) => y,
        Err(_) => unreachable!("the sizes were checked"),
    }
}

/// `a` and `b` joined along `axis` (every other axis of equal length).
///
/// Pullback: the cotangent split at `a`'s length along `axis`, each part copied only if asked
/// for.
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback};
///
/// let (a, b) = (array![[1.0], [2.0]], array![[3.0, 4.0], [5.0, 6.0]]);
/// let (y, pb) = ops::concatenate::rrule(a.view(), b.view(), Axis(1));
/// assert_eq!(y, array![[1.0, 3.0, 4.0], [2.0, 5.0, 6.0]]);
/// let (da, db, _) = pb.pullback(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
/// assert_eq!((da, db), (array![[1.0], [4.0]], array![[2.0, 3.0], [5.0, 6.0]]));
/// ```
///
/// # Panics
/// If `axis` is out of range or the other axes differ, naming the rule and both shapes. In the
/// pullback and the pushforward, if a cotangent or tangent does not have the shape of the output or
/// input it belongs to.
#[rrule]
#[frule]
pub fn concatenate<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    b: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D> {
    check_axis("concatenate", axis, a.shape());
    let other = |s: &[usize]| -> Vec<usize> {
        (s.iter().enumerate())
            .filter(|&(i, _)| i != axis.index())
            .map(|(_, &n)| n)
            .collect()
    };
    assert!(
        other(a.shape()) == other(b.shape()),
        "concatenate: `a` {:?} and `b` {:?} must have equal lengths on every axis but axis {}",
        a.shape(),
        b.shape(),
        axis.index()
    );
    let y = match ndarray::concatenate(axis, &[a.view(), b.view()]) {
        Ok(y) => y,
        Err(_) => unreachable!("the shapes were checked"),
    };
    let (na, shape) = (a.len_of(axis), y.raw_dim());
    (
        y,
        move |dy: Array<T, D>| -> (Array<T, D>, Array<T, D>, NoTangent) {
            check_cotangent("concatenate", dy.shape(), shape.slice());
            let da = part_along(&dy, axis, Slice::from(..na));
            let db = part_along(&dy, axis, Slice::from(na..));
            (da, db, NoTangent)
        },
        move |da: Array<T, D>, db: Array<T, D>, _axis: NoTangent| -> Array<T, D> {
            check_tangent("concatenate", "da", da.shape(), a.shape());
            check_tangent("concatenate", "db", db.shape(), b.shape());
            let ta = pad_along(da.view(), axis, &shape, 0);
            let tb = pad_along(db.view(), axis, &shape, na);
            ta + tb
        },
    )
}

/// A copy of the part `range` of `x` along `axis` (a free function, as [`take`]).
fn part_along<T: Scalar, D: Dimension>(x: &Array<T, D>, axis: Axis, range: Slice) -> Array<T, D> {
    x.slice_axis(axis, range).to_owned()
}

/// `x.select(axis, indices)`, as a free function: `#[rrule]` takes a method outside its short
/// read-only list to write its receiver.
fn take<T: Scalar, D: Dimension + RemoveAxis>(
    x: &Array<T, D>,
    axis: Axis,
    indices: &[usize],
) -> Array<T, D> {
    x.select(axis, indices)
}

/// `x` placed at offset `at` along `axis` in zeros of shape `shape`.
fn pad_along<T: Scalar, D: Dimension>(
    x: ArrayView<'_, T, D>,
    axis: Axis,
    shape: &D,
    at: usize,
) -> Array<T, D> {
    let mut out = Array::zeros(shape.clone());
    out.slice_axis_mut(axis, Slice::from(at..at + x.len_of(axis)))
        .assign(&x);
    out
}

/// The entries of `a` at `indices` along `axis` (a gather, NumPy's `take`; an index may repeat).
///
/// Pullback: the cotangent added back into zeros of `a`'s shape at `indices` (repeated indices
/// add up).
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback};
///
/// let a = array![10.0, 20.0, 30.0];
/// let idx = [2, 0, 2];
/// let (y, pb) = ops::select::rrule(a.view(), Axis(0), &idx);
/// assert_eq!(y, array![30.0, 10.0, 30.0]);
/// assert_eq!(pb.pullback(array![1.0, 2.0, 3.0]).0, array![2.0, 0.0, 4.0]);
/// ```
///
/// # Panics
/// If `axis` is out of range or an index is not below `a`'s length along it (naming the rule,
/// the index and the shape). In the pullback and the pushforward, if a cotangent
/// or tangent does not have the shape of the output or input it belongs to.
#[rrule]
#[frule]
pub fn select<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
    indices: &[usize],
) -> Array<T, D> {
    check_axis("select", axis, a.shape());
    let n = a.len_of(axis);
    if let Some((i, &k)) = indices.iter().enumerate().find(|&(_, &k)| k >= n) {
        panic!(
            "select: indices[{i}] = {k} is out of range for axis {} of `a` of shape {:?}",
            axis.index(),
            a.shape()
        );
    }
    let y = a.select(axis, indices);
    let (from, out) = (a.raw_dim(), y.raw_dim());
    (
        y,
        move |dy: Array<T, D>| -> (Array<T, D>, NoTangent, NoTangent) {
            check_cotangent("select", dy.shape(), out.slice());
            let da = scatter_add(&dy, axis, indices, &from);
            (da, NoTangent, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent, _indices: NoTangent| -> Array<T, D> {
            check_tangent("select", "da", da.shape(), from.slice());
            take(&da, axis, indices)
        },
    )
}

/// Zeros of shape `shape` with each subview `d[j]` along `axis` added at `indices[j]`.
fn scatter_add<T: Scalar, D: Dimension + RemoveAxis>(
    d: &Array<T, D>,
    axis: Axis,
    indices: &[usize],
    shape: &D,
) -> Array<T, D> {
    let mut out = Array::zeros(shape.clone());
    for (j, &k) in indices.iter().enumerate() {
        let mut dst = out.index_axis_mut(axis, k);
        dst.zip_mut_with(&d.index_axis(axis, j), |o, &v| *o += v);
    }
    out
}

/// The position of each lane's extreme entry along `axis`: the first where `better(v, best)`
/// never holds afterwards; the first NaN if the lane holds one.
fn arg_extreme<T: Scalar, D: Dimension + RemoveAxis>(
    a: &ArrayView<'_, T, D>,
    axis: Axis,
    better: impl Fn(T, T) -> bool,
) -> Vec<usize> {
    a.lanes(axis)
        .into_iter()
        .map(|lane| {
            let mut at = 0;
            for (i, &v) in lane.iter().enumerate() {
                if v.is_nan() {
                    return i;
                }
                if better(v, lane[at]) {
                    at = i;
                }
            }
            at
        })
        .collect()
}

/// Reads `a` at one position per lane along `axis` (`at`, in lane order) into an array of the
/// lanes' shape.
fn gather_lanes<T: Scalar, D: Dimension + RemoveAxis>(
    a: &ArrayView<'_, T, D>,
    axis: Axis,
    at: &[usize],
) -> Array<T, D::Smaller> {
    let v: Vec<T> = a
        .lanes(axis)
        .into_iter()
        .zip(at)
        .map(|(l, &i)| l[i])
        .collect();
    match Array::from_shape_vec(a.raw_dim().remove_axis(axis), v) {
        Ok(y) => y,
        Err(_) => unreachable!("one value per lane"),
    }
}

/// Zeros of shape `shape` with `d`'s entries (one per lane) at the lanes' positions `at`.
fn place_lanes<T: Scalar, D: Dimension + RemoveAxis>(
    d: &Array<T, D::Smaller>,
    axis: Axis,
    at: &[usize],
    shape: &D,
) -> Array<T, D> {
    let mut out = Array::zeros(shape.clone());
    for ((mut lane, &i), &v) in out.lanes_mut(axis).into_iter().zip(at).zip(d.iter()) {
        lane[i] = v;
    }
    out
}

/// The largest entry of each lane along `axis` (the result has that axis removed); NaN if the
/// lane holds one.
///
/// Pullback: each lane's cotangent goes to its largest entry; at a tie, to the first of the
/// equal entries (as PyTorch's `max(dim)`; JAX and PyTorch's `amax` split it among them). An
/// empty lane panics.
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback};
///
/// let a = array![[1.0, 3.0, 3.0], [-1.0, -2.0, -5.0]];
/// let (m, pb) = ops::max_axis::rrule(a.view(), Axis(1));
/// assert_eq!(m, array![3.0, -1.0]);
/// assert_eq!(pb.pullback(array![1.0, 2.0]).0, array![[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]]);
/// ```
///
/// # Panics
/// If `axis` is out of range or has length 0 (naming the rule and the shape). In the pullback and
/// the pushforward, if a cotangent or tangent does not have the shape of the output or input it
/// belongs to.
#[rrule]
#[frule]
pub fn max_axis<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D::Smaller> {
    let (at, y) = extreme("max_axis", &a, axis, |v, best| v > best);
    let (shape, out) = (a.raw_dim(), y.raw_dim());
    (
        y,
        move |dy: Array<T, D::Smaller>| -> (Array<T, D>, NoTangent) {
            check_cotangent("max_axis", dy.shape(), out.slice());
            let da = place_lanes(&dy, axis, &at, &shape);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D::Smaller> {
            check_tangent("max_axis", "da", da.shape(), shape.slice());
            gather_lanes(&da.view(), axis, &at)
        },
    )
}

/// The smallest entry of each lane along `axis`; as [`max_axis()`], with the same tie rule.
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback};
///
/// let a = array![[1.0, 3.0], [-1.0, -2.0]];
/// let (m, pb) = ops::min_axis::rrule(a.view(), Axis(0));
/// assert_eq!(m, array![-1.0, -2.0]);
/// assert_eq!(pb.pullback(array![1.0, 1.0]).0, array![[0.0, 0.0], [1.0, 1.0]]);
/// ```
///
/// # Panics
/// As [`max_axis()`].
#[rrule]
#[frule]
pub fn min_axis<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D::Smaller> {
    let (at, y) = extreme("min_axis", &a, axis, |v, best| v < best);
    let (shape, out) = (a.raw_dim(), y.raw_dim());
    (
        y,
        move |dy: Array<T, D::Smaller>| -> (Array<T, D>, NoTangent) {
            check_cotangent("min_axis", dy.shape(), out.slice());
            let da = place_lanes(&dy, axis, &at, &shape);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D::Smaller> {
            check_tangent("min_axis", "da", da.shape(), shape.slice());
            gather_lanes(&da.view(), axis, &at)
        },
    )
}

/// The forward pass of `max_axis` and `min_axis`: each lane's extreme position and entries.
fn extreme<T: Scalar, D: Dimension + RemoveAxis>(
    rule: &str,
    a: &ArrayView<'_, T, D>,
    axis: Axis,
    better: impl Fn(T, T) -> bool,
) -> (Vec<usize>, Array<T, D::Smaller>) {
    check_lanes(rule, axis, a.shape());
    let at = arg_extreme(a, axis, better);
    let y = gather_lanes(a, axis, &at);
    (at, y)
}

/// Panics unless `axis` is an axis of `shape` and not empty.
#[track_caller]
fn check_lanes(rule: &str, axis: Axis, shape: &[usize]) {
    check_axis(rule, axis, shape);
    assert!(
        shape[axis.index()] > 0,
        "{rule}: axis {} of the input of shape {shape:?} is empty: there is no extreme entry",
        axis.index()
    );
}
