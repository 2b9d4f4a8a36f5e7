//! Elementwise functions of one array, any dimension: `exp`, `ln`, `log1p`, `sqrt`, `tanh`,
//! `sigmoid`, `relu`, `softplus`, `abs`, `powi`.
//!
//! Each is a rule with both directions. The pullback and the pushforward multiply the incoming
//! (co)tangent by the derivative in that (co)tangent's own buffer: no allocation. Where the
//! derivative is a function of the output (`exp`, `sqrt`, `tanh`, `sigmoid`) the rule keeps a
//! copy of the output, one buffer more than PyTorch, which shares its output with the graph:
//! measured on the `ops` benchmark, recomputing `tanh` from the input in the pullback instead
//! halved the rule's heap but took 1.6× the time. Otherwise the rule keeps a view of the input.
//! NaN propagates through the values and the cotangents, except `relu`'s cotangent at a NaN
//! input, which is 0 (the derivative `x > 0` is false there, as in PyTorch).
//!
//! `exp`, `tanh` and `sigmoid` compute `eˣ` and `tanh x` with straight-line kernels of this
//! crate's that vectorise (run with AVX2 and FMA where the processor has them), within 2 ulps
//! (`exp`) and 3 ulps (`tanh`) of the standard library's results; the other functions use the
//! standard library's.

use ndarray::{Array, ArrayView, Dimension};

use super::kernels::{map, map_fma, update2};
use super::{check_cotangent, check_tangent};
use crate::{NoTangent, Scalar, frule, rrule};

/// `eˣ`, elementwise.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![0.0, 1.0];
/// let (y, pb) = ops::exp::rrule(a.view());
/// // Within an ulp or two of `f64::exp` (see the module docs):
/// assert!((y[1] - 1.0f64.exp()).abs() < 1e-15);
/// assert_eq!(pb.pullback(array![2.0, 1.0]), array![2.0 * y[0], y[1]]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn exp<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map_fma(&a, |u, fma| u.exp_v(fma));
    let e = y.clone();
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("exp", dy.shape(), e.shape());
            update2(dy, &e, |d, v| d * v)
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("exp", "da", da.shape(), e.shape());
            update2(da, &e, |d, v| d * v)
        },
    )
}

/// The natural logarithm, elementwise (NaN below 0, −∞ at 0, as `f64::ln`).
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![1.0, 4.0];
/// let (y, pb) = ops::ln::rrule(a.view());
/// assert_eq!(y, array![0.0, 4.0f64.ln()]);
/// assert_eq!(pb.pullback(array![1.0, 1.0]), array![1.0, 0.25]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn ln<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map(&a, |u| u.ln());
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("ln", dy.shape(), a.shape());
            update2(dy, &a, |d, u| d / u)
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("ln", "da", da.shape(), a.shape());
            update2(da, &a, |d, u| d / u)
        },
    )
}

/// `ln(1 + x)`, elementwise, accurate for small `x`.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![1e-20, 1.0];
/// let (y, pb) = ops::log1p::rrule(a.view());
/// assert_eq!(y[0], 1e-20);
/// assert_eq!(pb.pullback(array![1.0, 1.0]), array![1.0, 0.5]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn log1p<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map(&a, |u| u.ln_1p());
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("log1p", dy.shape(), a.shape());
            update2(dy, &a, |d, u| d / (T::one() + u))
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("log1p", "da", da.shape(), a.shape());
            update2(da, &a, |d, u| d / (T::one() + u))
        },
    )
}

/// `√x`, elementwise. The derivative `1/(2√x)` is +∞ at 0 (as in PyTorch and JAX): a zero
/// cotangent there gives NaN.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![4.0, 9.0];
/// let (y, pb) = ops::sqrt::rrule(a.view());
/// assert_eq!(y, array![2.0, 3.0]);
/// assert_eq!(pb.pullback(array![1.0, 6.0]), array![0.25, 1.0]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn sqrt<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map(&a, |u| u.sqrt());
    let r = y.clone();
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("sqrt", dy.shape(), r.shape());
            update2(dy, &r, |d, v| d / (v + v))
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("sqrt", "da", da.shape(), r.shape());
            update2(da, &r, |d, v| d / (v + v))
        },
    )
}

/// `tanh x`, elementwise.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![0.0];
/// let (y, pb) = ops::tanh::rrule(a.view());
/// assert_eq!(y, array![0.0]);
/// assert_eq!(pb.pullback(array![3.0]), array![3.0]); // 1 − tanh²(0) = 1
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn tanh<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map_fma(&a, |u, fma| u.tanh_v(fma));
    let t = y.clone();
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("tanh", dy.shape(), t.shape());
            update2(dy, &t, |d, v| d * (T::one() - v * v))
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("tanh", "da", da.shape(), t.shape());
            update2(da, &t, |d, v| d * (T::one() - v * v))
        },
    )
}

/// The logistic function `1/(1 + e⁻ˣ)`, elementwise, computed without overflow for any `x`
/// (`eˣ/(1 + eˣ)` for negative `x`).
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![0.0, -1000.0, 1000.0];
/// let (y, pb) = ops::sigmoid::rrule(a.view());
/// assert_eq!(y, array![0.5, 0.0, 1.0]);
/// assert_eq!(pb.pullback(array![1.0, 1.0, 1.0]), array![0.25, 0.0, 0.0]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn sigmoid<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map_fma(&a, logistic);
    let s = y.clone();
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("sigmoid", dy.shape(), s.shape());
            update2(dy, &s, |d, v| d * v * (T::one() - v))
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("sigmoid", "da", da.shape(), s.shape());
            update2(da, &s, |d, v| d * v * (T::one() - v))
        },
    )
}

/// `1/(1 + e⁻ˣ)` without overflow.
#[inline(always)]
fn logistic<T: Scalar>(x: T, fma: bool) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp_v(fma))
    } else {
        let e = x.exp_v(fma);
        e / (T::one() + e)
    }
}

/// `max(x, 0)`, elementwise. The derivative at 0 is taken as 0 (as PyTorch and JAX do); NaN
/// stays NaN in the value, and its cotangent is 0.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![-1.0, 0.0, 2.0];
/// let (y, pb) = ops::relu::rrule(a.view());
/// assert_eq!(y, array![0.0, 0.0, 2.0]);
/// assert_eq!(pb.pullback(array![5.0, 5.0, 5.0]), array![0.0, 0.0, 5.0]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn relu<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map(&a, |u| if u < T::zero() { T::zero() } else { u });
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("relu", dy.shape(), a.shape());
            update2(dy, &a, |d, u| if u > T::zero() { d } else { T::zero() })
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("relu", "da", da.shape(), a.shape());
            update2(da, &a, |d, u| if u > T::zero() { d } else { T::zero() })
        },
    )
}

/// `ln(1 + eˣ)`, elementwise, computed as `max(x, 0) + ln(1 + e^−|x|)` (no overflow at any `x`);
/// its derivative is the logistic function.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![0.0, 1000.0];
/// let (y, pb) = ops::softplus::rrule(a.view());
/// assert_eq!(y, array![2.0f64.ln(), 1000.0]);
/// assert_eq!(pb.pullback(array![1.0, 1.0]), array![0.5, 1.0]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn softplus<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map(&a, |u| u.max(T::zero()) + (-u.abs()).exp().ln_1p());
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("softplus", dy.shape(), a.shape());
            update2(dy, &a, |d, u| d * logistic(u, false))
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("softplus", "da", da.shape(), a.shape());
            update2(da, &a, |d, u| d * logistic(u, false))
        },
    )
}

/// `|x|`, elementwise. The derivative at 0 is taken as 0 (PyTorch's `sgn(0) = 0`).
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback};
///
/// let a = array![-2.0, 0.0, 3.0];
/// let (y, pb) = ops::abs::rrule(a.view());
/// assert_eq!(y, array![2.0, 0.0, 3.0]);
/// assert_eq!(pb.pullback(array![1.0, 1.0, 1.0]), array![-1.0, 0.0, 1.0]);
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn abs<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>) -> Array<T, D> {
    let y = map(&a, |u| u.abs());
    (
        y,
        move |dy: Array<T, D>| -> Array<T, D> {
            check_cotangent("abs", dy.shape(), a.shape());
            update2(dy, &a, |d, u| d * sign(u))
        },
        move |da: Array<T, D>| -> Array<T, D> {
            check_tangent("abs", "da", da.shape(), a.shape());
            update2(da, &a, |d, u| d * sign(u))
        },
    )
}

/// `1`, `−1` or `0` (NaN for NaN).
#[inline(always)]
fn sign<T: Scalar>(u: T) -> T {
    if u > T::zero() {
        T::one()
    } else if u < T::zero() {
        -T::one()
    } else if u.is_nan() {
        u
    } else {
        T::zero()
    }
}

/// `xⁿ` for an integer `n` (not differentiated), elementwise.
///
/// ```
/// use ndarray::array;
/// use rules_core::{ops, Pullback, NoTangent};
///
/// let a = array![2.0, -1.0];
/// let (y, pb) = ops::powi::rrule(a.view(), 3);
/// assert_eq!(y, array![8.0, -1.0]);
/// assert_eq!(pb.pullback(array![1.0, 1.0]), (array![12.0, 3.0], NoTangent));
/// ```
///
/// # Panics
/// In the pullback and the pushforward, if a cotangent or tangent does not have the shape of
/// the output or input it belongs to (the message names the rule and both shapes).
#[rrule]
#[frule]
pub fn powi<T: Scalar, D: Dimension>(a: ArrayView<'_, T, D>, n: i32) -> Array<T, D> {
    let y = map(&a, |u| u.powi(n));
    let k = T::from(n).unwrap_or_else(T::nan);
    (
        y,
        move |dy: Array<T, D>| -> (Array<T, D>, NoTangent) {
            check_cotangent("powi", dy.shape(), a.shape());
            let da = update2(dy, &a, |d, u| d * power_slope(u, n, k));
            (da, NoTangent)
        },
        move |da: Array<T, D>, _dn: NoTangent| -> Array<T, D> {
            check_tangent("powi", "da", da.shape(), a.shape());
            update2(da, &a, |d, u| d * power_slope(u, n, k))
        },
    )
}

/// `n·xⁿ⁻¹`, exactly 0 for `n = 0` (also at `x = 0`, where `0·0⁻¹` would be NaN).
fn power_slope<T: Scalar>(u: T, n: i32, k: T) -> T {
    if n == 0 {
        return T::zero();
    }
    match n.checked_sub(1) {
        Some(m) => k * u.powi(m),
        None => k * u.powi(n) / u, // n = i32::MIN
    }
}
