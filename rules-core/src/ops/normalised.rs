//! Normalised exponentials along an axis: `softmax`, `log_softmax`, `logsumexp`, and the loss
//! `cross_entropy` on logits. All subtract each lane's maximum before exponentiating, so that
//! logits of ±1000 (or ±1e300) give finite results, accurate to a few ulps.
//!
//! Their exponentials are `fastmath::exp_flushed`: terms below `2⁻¹⁰²²` count as 0, which
//! cannot move a sum whose largest term is 1.
//!
//! A lane holding NaN gives NaN in that lane; a lane holding +∞, or only −∞, gives NaN too (as
//! in PyTorch and JAX): the normalisation is `∞/∞` there.

use ndarray::{Array, ArrayView, ArrayView2, Axis, Dimension, Ix2, RemoveAxis, Zip};

use super::lanes::{map_lanes, max, per_lane, sum, sum_pairs};
use super::reduce::check_axis;
use super::{check_cotangent, check_tangent};
use crate::{NoTangent, Scalar, frule, rrule};

// The lane kernels: named and inlined into the vectorised loops of `lanes` (a closure with this
// much in it would not be inlined there, and would run without the vector instructions).

/// `o ← exp(x − max)`, and the lane's maximum and sum (the exponentials go through `o`, a loop
/// that vectorises, then their sum).
#[inline(always)]
fn exp_lane<T: Scalar>(o: &mut [T], x: &[T], fma: bool) -> Lane<T> {
    // An infinite maximum is not subtracted (∞ − ∞ is NaN): a lane of −∞ then has Σ = 0 and
    // log Σ exp = −∞, one holding +∞ has log Σ exp = +∞, as in PyTorch and JAX.
    let m = max(x);
    let m = if m.is_finite() { m } else { T::zero() };
    for (o, &v) in o.iter_mut().zip(x) {
        *o = (v - m).exp_flushed_v(fma);
    }
    let s = sum(o);
    Lane {
        max: m,
        sum: s,
        inv_sum: T::one() / s,
    }
}

/// `o ← softmax(x)`.
#[inline(always)]
fn softmax_lane<T: Scalar>(o: &mut [T], x: &[T], fma: bool) -> Lane<T> {
    let l = exp_lane(o, x, fma);
    for o in o.iter_mut() {
        *o = *o * l.inv_sum;
    }
    l
}

/// `d ← p ∘ (d − Σ d∘p)`, `p = softmax(x)` recomputed from the lane's maximum and sum.
#[inline(always)]
fn softmax_adjoint_lane<T: Scalar>(d: &mut [T], x: &[T], l: Lane<T>, fma: bool) {
    for (d, &v) in d.iter_mut().zip(x) {
        *d = *d * l.p(v, fma);
    }
    let s = sum(d);
    for (d, &v) in d.iter_mut().zip(x) {
        *d = *d - l.p(v, fma) * s;
    }
}

/// `o ← x − log Σ exp(x)`.
#[inline(always)]
fn log_softmax_lane<T: Scalar>(o: &mut [T], x: &[T], fma: bool) -> Lane<T> {
    let l = exp_lane(o, x, fma);
    // (x − max) − ln Σ, not x − (max + ln Σ): the rounding of max + ln Σ (an ulp of 1000 is
    // 10⁻¹³) would go into every entry.
    let ls = l.sum.ln();
    for (o, &v) in o.iter_mut().zip(x) {
        *o = (v - l.max) - ls;
    }
    l
}

/// `d ← d − softmax(x)·Σ d`.
#[inline(always)]
fn log_softmax_pullback_lane<T: Scalar>(d: &mut [T], x: &[T], l: Lane<T>, fma: bool) {
    let s = sum(d);
    for (d, &v) in d.iter_mut().zip(x) {
        *d = *d - l.p(v, fma) * s;
    }
}

/// `d ← d − Σ softmax(x)∘d`.
#[inline(always)]
fn log_softmax_pushforward_lane<T: Scalar>(d: &mut [T], x: &[T], l: Lane<T>, fma: bool) {
    let s = sum_pairs(d, x, |d, v| d * l.p(v, fma));
    for d in d.iter_mut() {
        *d = *d - s;
    }
}

/// `o ← k·softmax(x)`, from the lane's maximum and sum.
#[inline(always)]
fn scaled_softmax_lane<T: Scalar>(o: &mut [T], x: &[T], l: Lane<T>, k: T, fma: bool) {
    let scale = l.inv_sum * k;
    for (o, &v) in o.iter_mut().zip(x) {
        *o = (v - l.max).exp_flushed_v(fma) * scale;
    }
}

/// `exp(x − max) / Σ exp(x − max)` along `axis`.
///
/// Pullback: `ā = y ∘ (ȳ − Σ_axis ȳ∘y)`, computed in `ȳ`'s buffer; the rule keeps a view of
/// `x` and each lane's maximum and `Σ exp`, from which it recomputes `y` (no copy of the output).
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback};
///
/// let a = array![[1000.0, 1000.0], [0.0, -1000.0]];
/// let (y, pb) = ops::softmax::rrule(a.view(), Axis(1));
/// assert_eq!(y, array![[0.5, 0.5], [1.0, 0.0]]);
/// let (da, _) = pb.pullback(array![[1.0, 0.0], [1.0, 1.0]]);
/// assert_eq!(da, array![[0.25, -0.25], [0.0, 0.0]]);
/// ```
///
/// # Panics
/// If `axis` is out of range (naming the rule, the axis and the shape), and in the pullback and
/// the pushforward if a cotangent or tangent does not have the shape of the output or input it
/// belongs to.
#[rrule]
#[frule]
pub fn softmax<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D> {
    check_axis("softmax", axis, a.shape());
    let mut y = Array::zeros(a.raw_dim());
    let lanes = per_lane(
        &mut y,
        &a,
        axis,
        #[inline(always)]
        |_, o, x, fma| softmax_lane(o, x, fma),
    );
    (
        y,
        move |dy: Array<T, D>| -> (Array<T, D>, NoTangent) {
            check_cotangent("softmax", dy.shape(), a.shape());
            let da = softmax_adjoint(dy, &a, &lanes, axis);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D> {
            check_tangent("softmax", "da", da.shape(), a.shape());
            softmax_adjoint(da, &a, &lanes, axis)
        },
    )
}

/// `y ∘ (d − Σ_axis d∘y)` in `d`'s buffer, `y = softmax(x)` (the Jacobian of softmax is
/// symmetric, so this is both its pullback and its pushforward).
fn softmax_adjoint<T: Scalar, D: Dimension>(
    mut d: Array<T, D>,
    x: &ArrayView<'_, T, D>,
    lanes: &[Lane<T>],
    axis: Axis,
) -> Array<T, D> {
    per_lane(
        &mut d,
        x,
        axis,
        #[inline(always)]
        |i, d, x, fma| softmax_adjoint_lane(d, x, lanes[i], fma),
    );
    d
}

/// `x − log Σ exp(x)` along `axis`.
///
/// Pullback: `ā = ȳ − softmax(x) ∘ Σ_axis ȳ`, in `ȳ`'s buffer; the rule keeps a view of `x` and
/// each lane's maximum and `Σ exp` (no copy of the output).
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback};
///
/// let a = array![[0.0, 0.0], [1000.0, -1000.0]];
/// let (y, pb) = ops::log_softmax::rrule(a.view(), Axis(1));
/// assert_eq!(y, array![[-2.0f64.ln(), -2.0f64.ln()], [0.0, -2000.0]]);
/// let (da, _) = pb.pullback(array![[1.0, 0.0], [0.0, 1.0]]);
/// assert_eq!(da, array![[0.5, -0.5], [-1.0, 1.0]]);
/// ```
///
/// # Panics
/// As [`softmax()`].
#[rrule]
#[frule]
pub fn log_softmax<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D> {
    check_axis("log_softmax", axis, a.shape());
    let mut y = Array::zeros(a.raw_dim());
    let lanes = per_lane(
        &mut y,
        &a,
        axis,
        #[inline(always)]
        |_, o, x, fma| log_softmax_lane(o, x, fma),
    );
    (
        y,
        move |dy: Array<T, D>| -> (Array<T, D>, NoTangent) {
            check_cotangent("log_softmax", dy.shape(), a.shape());
            let da = log_softmax_pullback(dy, &a, &lanes, axis);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D> {
            check_tangent("log_softmax", "da", da.shape(), a.shape());
            log_softmax_pushforward(da, &a, &lanes, axis)
        },
    )
}

/// `d − softmax(x) ∘ Σ_axis d`, in `d`'s buffer.
fn log_softmax_pullback<T: Scalar, D: Dimension>(
    mut d: Array<T, D>,
    x: &ArrayView<'_, T, D>,
    lanes: &[Lane<T>],
    axis: Axis,
) -> Array<T, D> {
    per_lane(
        &mut d,
        x,
        axis,
        #[inline(always)]
        |i, d, x, fma| log_softmax_pullback_lane(d, x, lanes[i], fma),
    );
    d
}

/// `d − Σ_axis softmax(x)∘d`, in `d`'s buffer.
fn log_softmax_pushforward<T: Scalar, D: Dimension>(
    mut d: Array<T, D>,
    x: &ArrayView<'_, T, D>,
    lanes: &[Lane<T>],
    axis: Axis,
) -> Array<T, D> {
    per_lane(
        &mut d,
        x,
        axis,
        #[inline(always)]
        |i, d, x, fma| log_softmax_pushforward_lane(d, x, lanes[i], fma),
    );
    d
}

/// `log Σ exp(x)` along `axis` (the result has that axis removed).
///
/// Pullback: `ā = ȳ ∘ softmax(x)`, with `ȳ` repeated along `axis`; the rule keeps a view of `x`
/// and each lane's maximum and `Σ exp`.
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::{ops, Pullback};
///
/// let a = array![[1000.0, 1000.0], [-1000.0, -1000.0]];
/// let (l, pb) = ops::logsumexp::rrule(a.view(), Axis(1));
/// assert_eq!(l, array![1000.0 + 2.0f64.ln(), -1000.0 + 2.0f64.ln()]);
/// assert_eq!(pb.pullback(array![2.0, 1.0]).0, array![[1.0, 1.0], [0.5, 0.5]]);
/// ```
///
/// # Panics
/// As [`softmax()`].
#[rrule]
#[frule]
pub fn logsumexp<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D::Smaller> {
    check_axis("logsumexp", axis, a.shape());
    let lanes = map_lanes(
        &a,
        axis,
        #[inline(always)]
        |x, buf, fma| Lane::of(x, buf, fma),
    );
    let out = a.raw_dim().remove_axis(axis);
    let y = lane_values(&out, lanes.iter().map(Lane::lse));
    (
        y,
        move |dy: Array<T, D::Smaller>| -> (Array<T, D>, NoTangent) {
            check_cotangent("logsumexp", dy.shape(), out.slice());
            let da = logsumexp_pullback(&dy, &a, &lanes, axis);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D::Smaller> {
            check_tangent("logsumexp", "da", da.shape(), a.shape());
            let it = da.lanes(axis).into_iter().zip(a.lanes(axis)).zip(&lanes);
            let per_lane = it.map(|((t, x), l)| {
                t.iter()
                    .zip(&x)
                    .fold(T::zero(), |s, (&t, &v)| s + t * l.p(v, false))
            });
            lane_values(&out, per_lane)
        },
    )
}

/// A lane's largest entry and `Σ exp(x − max)`: its softmax entries are `exp(x − max)/Σ`, and
/// its `log Σ exp` is `max + ln Σ`. Kept instead of `log Σ exp` itself, whose rounding (an ulp
/// of 1000 is 10⁻¹³) would spoil `exp(x − log Σ exp)` at large logits.
#[derive(Clone, Copy, Debug)]
struct Lane<T> {
    max: T,
    inv_sum: T,
    sum: T,
}

impl<T: Scalar> Lane<T> {
    /// From a lane and a scratch buffer of its length.
    #[inline(always)]
    fn of(x: &[T], buf: &mut [T], fma: bool) -> Self {
        exp_lane(buf, x, fma)
    }
    /// `log Σ exp(x)`.
    fn lse(&self) -> T {
        self.max + self.sum.ln()
    }
    /// The softmax entry of `v`.
    #[inline(always)]
    fn p(&self, v: T, fma: bool) -> T {
        (v - self.max).exp_flushed_v(fma) * self.inv_sum
    }
}

/// An array of shape `shape` from one value per lane, in the lanes' logical order.
fn lane_values<T: Scalar, E: Dimension>(shape: &E, values: impl Iterator<Item = T>) -> Array<T, E> {
    let v: Vec<T> = values.collect();
    match Array::from_shape_vec(shape.clone(), v) {
        Ok(a) => a,
        Err(_) => unreachable!("one value per lane"),
    }
}

/// `d ∘ softmax(x)`, `d` repeated along `axis`, as a new array.
fn logsumexp_pullback<T: Scalar, D: Dimension + RemoveAxis>(
    d: &Array<T, D::Smaller>,
    x: &ArrayView<'_, T, D>,
    lanes: &[Lane<T>],
    axis: Axis,
) -> Array<T, D> {
    let d: Vec<T> = d.iter().copied().collect();
    let mut out = Array::zeros(x.raw_dim());
    per_lane(
        &mut out,
        x,
        axis,
        #[inline(always)]
        |i, o, x, fma| scaled_softmax_lane(o, x, lanes[i], d[i], fma),
    );
    out
}

/// `k·(softmax(x) − onehot(labels))`, row by row, as a new array.
fn cross_entropy_pullback<T: Scalar>(
    x: &ArrayView2<'_, T>,
    rows: &[Lane<T>],
    labels: &[usize],
    k: T,
) -> Array<T, Ix2> {
    let mut dx = Array::zeros(x.raw_dim());
    per_lane(
        &mut dx,
        x,
        Axis(1),
        #[inline(always)]
        |i, o, x, fma| {
            scaled_softmax_lane(o, x, rows[i], k, fma);
            o[labels[i]] = o[labels[i]] - k;
        },
    );
    dx
}

/// The mean over the rows of the softmax cross-entropy: `(1/m) Σᵢ (log Σⱼ exp xᵢⱼ − xᵢ,labelᵢ)`
/// for logits `x` (m×c) and one class label per row; stable at any finite logits.
///
/// Pullback: `x̄ = ȳ·(softmax(x) − onehot(labels)) / m`; the rule keeps a view of `x`, the
/// labels and three numbers per row (its maximum, `Σ exp` and its reciprocal).
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback, NoTangent};
///
/// let logits = array![[0.0, 0.0], [1000.0, -1000.0]];
/// let labels = [0, 0];
/// let (l, pb) = ops::cross_entropy::rrule(logits.view(), &labels);
/// assert_eq!(l, 2.0f64.ln() / 2.0);
/// let (dx, NoTangent) = pb.pullback(1.0);
/// assert_eq!(dx, array![[-0.25, 0.25], [0.0, 0.0]]);
/// ```
///
/// # Panics
/// If `labels` does not hold one label per row, or a label is not below the number of columns
/// (the message names the rule, the label and the shape). In the pushforward, if the tangent
/// does not have the logits' shape.
#[rrule]
#[frule]
pub fn cross_entropy<T: Scalar>(logits: ArrayView2<'_, T>, labels: &[usize]) -> T {
    let (m, c) = logits.dim();
    assert!(
        labels.len() == m,
        "cross_entropy: `labels` has {} entries, but `logits` has {m} rows (shape [{m}, {c}])",
        labels.len()
    );
    if let Some((i, &k)) = labels.iter().enumerate().find(|&(_, &k)| k >= c) {
        panic!(
            "cross_entropy: labels[{i}] = {k} is out of range for `logits` of shape [{m}, {c}] ({c} classes)"
        );
    }
    let rows = map_lanes(
        &logits,
        Axis(1),
        #[inline(always)]
        |x, buf, fma| Lane::of(x, buf, fma),
    );
    let n = T::from(m).unwrap_or_else(T::nan);
    // Σᵢ (maxᵢ − xᵢ,labelᵢ) + ln Σᵢ: the large terms cancel before the small ones are added.
    let loss = (rows.iter().zip(labels).enumerate()).fold(T::zero(), |s, (i, (l, &k))| {
        s + ((l.max - logits[[i, k]]) + l.sum.ln())
    }) / n;
    (
        loss,
        move |dl: T| -> (Array<T, Ix2>, NoTangent) {
            let dx = cross_entropy_pullback(&logits, &rows, labels, dl / n);
            (dx, NoTangent)
        },
        move |dx: Array<T, Ix2>, _labels: NoTangent| -> T {
            check_tangent("cross_entropy", "dx", dx.shape(), logits.shape());
            let per_row = Zip::from(dx.rows())
                .and(logits.rows())
                .and(&ndarray::ArrayView1::from(&rows[..]))
                .and(labels)
                .map_collect(|t, x, l, &label| {
                    t.iter()
                        .zip(&x)
                        .fold(T::zero(), |s, (&t, &v)| s + t * l.p(v, false))
                        - t[label]
                });
            per_row.sum() / n
        },
    )
}
