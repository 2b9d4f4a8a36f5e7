//! Normalised exponentials along an axis: `softmax`, `log_softmax`, `logsumexp`, and the loss
//! `cross_entropy` on logits. All subtract each lane's maximum before exponentiating, so that
//! logits of ±1000 (or ±1e300) give finite, exact results.
//!
//! A lane holding NaN gives NaN in that lane; a lane holding +∞, or only −∞, gives NaN too (as
//! in PyTorch and JAX): the normalisation is `∞/∞` there.

use ndarray::{
    Array, Array1, ArrayView, ArrayView1, ArrayView2, ArrayViewMut1, Axis, Dimension, Ix2,
    RemoveAxis, Zip,
};

use super::check_cotangent;
use super::kernels::PAR_ENTRIES;
use super::reduce::check_axis;
use crate::{NoTangent, Scalar, frule, rrule};

/// The largest entry of a lane, ignoring NaN (which the sum then propagates); −∞ when empty.
fn lane_max<T: Scalar>(x: &ArrayView1<'_, T>) -> T {
    x.fold(T::neg_infinity(), |m, &v| if v > m { v } else { m })
}

/// `(max, Σ exp(x − max))` of a lane.
fn lane_sum_exp<T: Scalar>(x: &ArrayView1<'_, T>) -> (T, T) {
    let m = lane_max(x);
    (m, x.fold(T::zero(), |s, &v| s + (v - m).exp()))
}

/// `log Σ exp(x)` of a lane.
fn lane_lse<T: Scalar>(x: &ArrayView1<'_, T>) -> T {
    let (m, s) = lane_sum_exp(x);
    m + s.ln()
}

/// Runs `f` on every pair of lanes along `axis` of `out` and `x` (of one shape), on rayon's
/// threads for large arrays.
fn per_lane<T: Scalar, D: Dimension>(
    out: &mut Array<T, D>,
    x: &ArrayView<'_, T, D>,
    axis: Axis,
    f: impl Fn(ArrayViewMut1<'_, T>, ArrayView1<'_, T>) + Sync + Send,
) {
    let big = x.len() >= PAR_ENTRIES;
    let z = Zip::from(out.lanes_mut(axis)).and(x.lanes(axis));
    if big {
        z.par_for_each(f);
    } else {
        z.for_each(f);
    }
}

/// `exp(x − max) / Σ exp(x − max)` along `axis`.
///
/// Pullback: `ā = y ∘ (ȳ − Σ_axis ȳ∘y)`, computed in `ȳ`'s buffer; the rule keeps a copy of `y`.
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
/// If `axis` is out of range (naming the rule, the axis and the shape), and in the pullback if
/// the cotangent does not have the output's shape.
#[rrule]
#[frule]
pub fn softmax<T: Scalar, D: Dimension + RemoveAxis>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
) -> Array<T, D> {
    check_axis("softmax", axis, a.shape());
    let mut y = Array::zeros(a.raw_dim());
    per_lane(&mut y, &a, axis, |mut o, x| {
        let m = lane_max(&x);
        let mut s = T::zero();
        o.zip_mut_with(&x, |o, &v| {
            *o = (v - m).exp();
            s = s + *o;
        });
        let inv = T::one() / s;
        o.mapv_inplace(|e| e * inv);
    });
    let p = y.clone();
    (
        y,
        move |dy: Array<T, D>| -> (Array<T, D>, NoTangent) {
            check_cotangent("softmax", dy.shape(), p.shape());
            let da = softmax_adjoint(dy, &p, axis);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D> { softmax_adjoint(da, &p, axis) },
    )
}

/// `y ∘ (d − Σ_axis d∘y)` in `d`'s buffer (the Jacobian of softmax is symmetric, so this is
/// both its pullback and its pushforward).
fn softmax_adjoint<T: Scalar, D: Dimension>(
    mut d: Array<T, D>,
    y: &Array<T, D>,
    axis: Axis,
) -> Array<T, D> {
    per_lane(&mut d, &y.view(), axis, |mut d, y| {
        let s = d.iter().zip(&y).fold(T::zero(), |s, (&d, &y)| s + d * y);
        d.zip_mut_with(&y, |d, &y| *d = y * (*d - s));
    });
    d
}

/// `x − log Σ exp(x)` along `axis`.
///
/// Pullback: `ā = ȳ − softmax(x) ∘ Σ_axis ȳ`, in `ȳ`'s buffer (the softmax is `exp(y)`, from
/// the kept output).
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
    per_lane(&mut y, &a, axis, |mut o, x| {
        let l = lane_lse(&x);
        o.zip_mut_with(&x, |o, &v| *o = v - l);
    });
    let ly = y.clone();
    (
        y,
        move |dy: Array<T, D>| -> (Array<T, D>, NoTangent) {
            check_cotangent("log_softmax", dy.shape(), ly.shape());
            let da = log_softmax_pullback(dy, &ly, axis);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D> {
            log_softmax_pushforward(da, &ly, axis)
        },
    )
}

/// `d − exp(y) ∘ Σ_axis d`, in `d`'s buffer.
fn log_softmax_pullback<T: Scalar, D: Dimension>(
    mut d: Array<T, D>,
    y: &Array<T, D>,
    axis: Axis,
) -> Array<T, D> {
    per_lane(&mut d, &y.view(), axis, |mut d, y| {
        let s = d.sum();
        d.zip_mut_with(&y, |d, &y| *d = *d - y.exp() * s);
    });
    d
}

/// `d − Σ_axis exp(y)∘d`, in `d`'s buffer.
fn log_softmax_pushforward<T: Scalar, D: Dimension>(
    mut d: Array<T, D>,
    y: &Array<T, D>,
    axis: Axis,
) -> Array<T, D> {
    per_lane(&mut d, &y.view(), axis, |mut d, y| {
        let s = d
            .iter()
            .zip(&y)
            .fold(T::zero(), |s, (&d, &y)| s + d * y.exp());
        d.mapv_inplace(|d| d - s);
    });
    d
}

/// `log Σ exp(x)` along `axis` (the result has that axis removed).
///
/// Pullback: `ā = ȳ ∘ softmax(x)`, with `ȳ` repeated along `axis`; the rule keeps a view of `x`
/// and the result.
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
    let lanes = Zip::from(a.lanes(axis)).map_collect(|x| Lane::of(&x));
    let y = lanes.map(|l| l.lse());
    (
        y,
        move |dy: Array<T, D::Smaller>| -> (Array<T, D>, NoTangent) {
            check_cotangent("logsumexp", dy.shape(), lanes.shape());
            let da = logsumexp_pullback(&dy, &a, &lanes, axis);
            (da, NoTangent)
        },
        move |da: Array<T, D>, _axis: NoTangent| -> Array<T, D::Smaller> {
            Zip::from(da.lanes(axis))
                .and(a.lanes(axis))
                .and(&lanes)
                .map_collect(|t, x, l| {
                    t.iter()
                        .zip(&x)
                        .fold(T::zero(), |s, (&t, &v)| s + t * l.p(v))
                })
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
    fn of(x: &ArrayView1<'_, T>) -> Self {
        let (max, sum) = lane_sum_exp(x);
        Lane {
            max,
            sum,
            inv_sum: T::one() / sum,
        }
    }
    /// `log Σ exp(x)`.
    fn lse(&self) -> T {
        self.max + self.sum.ln()
    }
    /// The softmax entry of `v`.
    fn p(&self, v: T) -> T {
        (v - self.max).exp() * self.inv_sum
    }
}

/// `d ∘ softmax(x)`, `d` repeated along `axis`, as a new array.
fn logsumexp_pullback<T: Scalar, D: Dimension + RemoveAxis>(
    d: &Array<T, D::Smaller>,
    x: &ArrayView<'_, T, D>,
    lanes: &Array<Lane<T>, D::Smaller>,
    axis: Axis,
) -> Array<T, D> {
    let mut out = Array::zeros(x.raw_dim());
    let z = Zip::from(out.lanes_mut(axis))
        .and(x.lanes(axis))
        .and(d)
        .and(lanes);
    let lane = |mut o: ArrayViewMut1<'_, T>, x: ArrayView1<'_, T>, &d: &T, l: &Lane<T>| {
        o.zip_mut_with(&x, |o, &v| *o = d * l.p(v));
    };
    if x.len() >= PAR_ENTRIES {
        z.par_for_each(lane);
    } else {
        z.for_each(lane);
    }
    out
}

/// `k·(softmax(x) − onehot(labels))`, row by row, as a new array.
fn cross_entropy_pullback<T: Scalar>(
    x: &ArrayView2<'_, T>,
    rows: &Array1<Lane<T>>,
    labels: &[usize],
    k: T,
) -> Array<T, Ix2> {
    let mut dx = Array::zeros(x.raw_dim());
    let z = Zip::from(dx.rows_mut()).and(x.rows()).and(rows).and(labels);
    let row = |mut o: ArrayViewMut1<'_, T>, x: ArrayView1<'_, T>, l: &Lane<T>, &label: &usize| {
        o.zip_mut_with(&x, |o, &v| *o = l.p(v) * k);
        o[label] = o[label] - k;
    };
    if x.len() >= PAR_ENTRIES {
        z.par_for_each(row);
    } else {
        z.for_each(row);
    }
    dx
}

/// The mean over the rows of the softmax cross-entropy: `(1/m) Σᵢ (log Σⱼ exp xᵢⱼ − xᵢ,labelᵢ)`
/// for logits `x` (m×c) and one class label per row; stable at any finite logits.
///
/// Pullback: `x̄ = ȳ·(softmax(x) − onehot(labels)) / m`; the rule keeps a view of `x`, the
/// labels and one `log Σ exp` per row.
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
/// (the message names the rule, the label and the shape).
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
    let z = Zip::from(logits.rows());
    let rows: Array1<Lane<T>> = if logits.len() >= PAR_ENTRIES {
        z.par_map_collect(|x| Lane::of(&x))
    } else {
        z.map_collect(|x| Lane::of(&x))
    };
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
            let per_row = Zip::from(dx.rows())
                .and(logits.rows())
                .and(&rows)
                .and(labels)
                .map_collect(|t, x, l, &label| {
                    t.iter()
                        .zip(&x)
                        .fold(T::zero(), |s, (&t, &v)| s + t * l.p(v))
                        - t[label]
                });
            per_row.sum() / n
        },
    )
}
