//! Twenty rules of assorted shapes (one, two and three outputs, generic, fallible, loops): the
//! crate whose build time the closing notes of macro changes report. Measure with
//! `bash bench/buildtime/measure.sh` (median of five builds after `touch`).
#![allow(missing_docs, clippy::needless_pass_by_value)]

use ndarray::{Array1, Array2, LinalgScalar, ScalarOperand};
use num_traits::Float;
use rules_core::{NoTangent, rrule};

/// Rule 0: a scaled product and its sum.
#[rrule]
pub fn two_0(a: Array2<f64>, b: Array2<f64>, k: f64) -> (Array2<f64>, f64) {
    let p = a.dot(&b) * k;
    let t = p.sum();
    (
        (p, t),
        move |dp: Array2<f64>, dt: f64| -> (Array2<f64>, Array2<f64>, f64) {
            let g = dp + Array2::from_elem((a.nrows(), b.ncols()), dt);
            let da = g.dot(&b.t()) * k;
            let db = a.t().dot(&g) * k;
            let dk = (&g * &a.dot(&b)).sum();
            (da, db, dk)
        },
    )
}

/// Rule 1: an elementwise map with an accumulation loop.
#[rrule]
pub fn one_1(x: Array1<f64>, w: Array1<f64>) -> Array1<f64> {
    let y = &x * &w + 1.0;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, Array1<f64>) {
        let mut dx = Array1::zeros(x.len());
        for (d, wi) in dx.iter_mut().zip(w.iter()) {
            *d += wi;
        }
        let dx = dx * &dy;
        let dw = &dy * &x;
        (dx, dw)
    })
}

/// Rule 2: three outputs, generic over the element type.
#[rrule]
pub fn three_2<T: LinalgScalar + ScalarOperand + Float>(
    x: Array1<T>,
    flag: bool,
) -> (Array1<T>, Array1<T>, Array1<T>) {
    let sq = &x * &x;
    let twice = &x + &x;
    let neg = x.mapv(|v| -v);
    (
        (sq, twice, neg),
        move |dsq: Array1<T>, dt: Array1<T>, dn: Array1<T>| -> (Array1<T>, NoTangent) {
            let two = T::one() + T::one();
            let a = &dsq * &x * two;
            let b = &dt * two;
            let c = dn.mapv(|v| -v);
            let s = if flag { T::one() } else { two };
            let g = a + b + c;
            (g * s, NoTangent)
        },
    )
}

/// Rule 3: a fallible forward.
#[rrule]
pub fn fallible_3(x: Array1<f64>) -> Result<(Array1<f64>, f64), String> {
    if x.is_empty() {
        return Err("empty".to_owned());
    }
    let y = x.mapv(f64::exp);
    let s = y.sum();
    Ok((
        (y.clone(), s),
        move |dy: Array1<f64>, ds: f64| -> Array1<f64> {
            let a = &dy * &y;
            let b = &y * ds;
            a + b
        },
    ))
}

/// Rule 4: a scaled product and its sum.
#[rrule]
pub fn two_4(a: Array2<f64>, b: Array2<f64>, k: f64) -> (Array2<f64>, f64) {
    let p = a.dot(&b) * k;
    let t = p.sum();
    (
        (p, t),
        move |dp: Array2<f64>, dt: f64| -> (Array2<f64>, Array2<f64>, f64) {
            let g = dp + Array2::from_elem((a.nrows(), b.ncols()), dt);
            let da = g.dot(&b.t()) * k;
            let db = a.t().dot(&g) * k;
            let dk = (&g * &a.dot(&b)).sum();
            (da, db, dk)
        },
    )
}

/// Rule 5: an elementwise map with an accumulation loop.
#[rrule]
pub fn one_5(x: Array1<f64>, w: Array1<f64>) -> Array1<f64> {
    let y = &x * &w + 5.0;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, Array1<f64>) {
        let mut dx = Array1::zeros(x.len());
        for (d, wi) in dx.iter_mut().zip(w.iter()) {
            *d += wi;
        }
        let dx = dx * &dy;
        let dw = &dy * &x;
        (dx, dw)
    })
}

/// Rule 6: three outputs, generic over the element type.
#[rrule]
pub fn three_6<T: LinalgScalar + ScalarOperand + Float>(
    x: Array1<T>,
    flag: bool,
) -> (Array1<T>, Array1<T>, Array1<T>) {
    let sq = &x * &x;
    let twice = &x + &x;
    let neg = x.mapv(|v| -v);
    (
        (sq, twice, neg),
        move |dsq: Array1<T>, dt: Array1<T>, dn: Array1<T>| -> (Array1<T>, NoTangent) {
            let two = T::one() + T::one();
            let a = &dsq * &x * two;
            let b = &dt * two;
            let c = dn.mapv(|v| -v);
            let s = if flag { T::one() } else { two };
            let g = a + b + c;
            (g * s, NoTangent)
        },
    )
}

/// Rule 7: a fallible forward.
#[rrule]
pub fn fallible_7(x: Array1<f64>) -> Result<(Array1<f64>, f64), String> {
    if x.is_empty() {
        return Err("empty".to_owned());
    }
    let y = x.mapv(f64::exp);
    let s = y.sum();
    Ok((
        (y.clone(), s),
        move |dy: Array1<f64>, ds: f64| -> Array1<f64> {
            let a = &dy * &y;
            let b = &y * ds;
            a + b
        },
    ))
}

/// Rule 8: a scaled product and its sum.
#[rrule]
pub fn two_8(a: Array2<f64>, b: Array2<f64>, k: f64) -> (Array2<f64>, f64) {
    let p = a.dot(&b) * k;
    let t = p.sum();
    (
        (p, t),
        move |dp: Array2<f64>, dt: f64| -> (Array2<f64>, Array2<f64>, f64) {
            let g = dp + Array2::from_elem((a.nrows(), b.ncols()), dt);
            let da = g.dot(&b.t()) * k;
            let db = a.t().dot(&g) * k;
            let dk = (&g * &a.dot(&b)).sum();
            (da, db, dk)
        },
    )
}

/// Rule 9: an elementwise map with an accumulation loop.
#[rrule]
pub fn one_9(x: Array1<f64>, w: Array1<f64>) -> Array1<f64> {
    let y = &x * &w + 9.0;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, Array1<f64>) {
        let mut dx = Array1::zeros(x.len());
        for (d, wi) in dx.iter_mut().zip(w.iter()) {
            *d += wi;
        }
        let dx = dx * &dy;
        let dw = &dy * &x;
        (dx, dw)
    })
}

/// Rule 10: three outputs, generic over the element type.
#[rrule]
pub fn three_10<T: LinalgScalar + ScalarOperand + Float>(
    x: Array1<T>,
    flag: bool,
) -> (Array1<T>, Array1<T>, Array1<T>) {
    let sq = &x * &x;
    let twice = &x + &x;
    let neg = x.mapv(|v| -v);
    (
        (sq, twice, neg),
        move |dsq: Array1<T>, dt: Array1<T>, dn: Array1<T>| -> (Array1<T>, NoTangent) {
            let two = T::one() + T::one();
            let a = &dsq * &x * two;
            let b = &dt * two;
            let c = dn.mapv(|v| -v);
            let s = if flag { T::one() } else { two };
            let g = a + b + c;
            (g * s, NoTangent)
        },
    )
}

/// Rule 11: a fallible forward.
#[rrule]
pub fn fallible_11(x: Array1<f64>) -> Result<(Array1<f64>, f64), String> {
    if x.is_empty() {
        return Err("empty".to_owned());
    }
    let y = x.mapv(f64::exp);
    let s = y.sum();
    Ok((
        (y.clone(), s),
        move |dy: Array1<f64>, ds: f64| -> Array1<f64> {
            let a = &dy * &y;
            let b = &y * ds;
            a + b
        },
    ))
}

/// Rule 12: a scaled product and its sum.
#[rrule]
pub fn two_12(a: Array2<f64>, b: Array2<f64>, k: f64) -> (Array2<f64>, f64) {
    let p = a.dot(&b) * k;
    let t = p.sum();
    (
        (p, t),
        move |dp: Array2<f64>, dt: f64| -> (Array2<f64>, Array2<f64>, f64) {
            let g = dp + Array2::from_elem((a.nrows(), b.ncols()), dt);
            let da = g.dot(&b.t()) * k;
            let db = a.t().dot(&g) * k;
            let dk = (&g * &a.dot(&b)).sum();
            (da, db, dk)
        },
    )
}

/// Rule 13: an elementwise map with an accumulation loop.
#[rrule]
pub fn one_13(x: Array1<f64>, w: Array1<f64>) -> Array1<f64> {
    let y = &x * &w + 13.0;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, Array1<f64>) {
        let mut dx = Array1::zeros(x.len());
        for (d, wi) in dx.iter_mut().zip(w.iter()) {
            *d += wi;
        }
        let dx = dx * &dy;
        let dw = &dy * &x;
        (dx, dw)
    })
}

/// Rule 14: three outputs, generic over the element type.
#[rrule]
pub fn three_14<T: LinalgScalar + ScalarOperand + Float>(
    x: Array1<T>,
    flag: bool,
) -> (Array1<T>, Array1<T>, Array1<T>) {
    let sq = &x * &x;
    let twice = &x + &x;
    let neg = x.mapv(|v| -v);
    (
        (sq, twice, neg),
        move |dsq: Array1<T>, dt: Array1<T>, dn: Array1<T>| -> (Array1<T>, NoTangent) {
            let two = T::one() + T::one();
            let a = &dsq * &x * two;
            let b = &dt * two;
            let c = dn.mapv(|v| -v);
            let s = if flag { T::one() } else { two };
            let g = a + b + c;
            (g * s, NoTangent)
        },
    )
}

/// Rule 15: a fallible forward.
#[rrule]
pub fn fallible_15(x: Array1<f64>) -> Result<(Array1<f64>, f64), String> {
    if x.is_empty() {
        return Err("empty".to_owned());
    }
    let y = x.mapv(f64::exp);
    let s = y.sum();
    Ok((
        (y.clone(), s),
        move |dy: Array1<f64>, ds: f64| -> Array1<f64> {
            let a = &dy * &y;
            let b = &y * ds;
            a + b
        },
    ))
}

/// Rule 16: a scaled product and its sum.
#[rrule]
pub fn two_16(a: Array2<f64>, b: Array2<f64>, k: f64) -> (Array2<f64>, f64) {
    let p = a.dot(&b) * k;
    let t = p.sum();
    (
        (p, t),
        move |dp: Array2<f64>, dt: f64| -> (Array2<f64>, Array2<f64>, f64) {
            let g = dp + Array2::from_elem((a.nrows(), b.ncols()), dt);
            let da = g.dot(&b.t()) * k;
            let db = a.t().dot(&g) * k;
            let dk = (&g * &a.dot(&b)).sum();
            (da, db, dk)
        },
    )
}

/// Rule 17: an elementwise map with an accumulation loop.
#[rrule]
pub fn one_17(x: Array1<f64>, w: Array1<f64>) -> Array1<f64> {
    let y = &x * &w + 17.0;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, Array1<f64>) {
        let mut dx = Array1::zeros(x.len());
        for (d, wi) in dx.iter_mut().zip(w.iter()) {
            *d += wi;
        }
        let dx = dx * &dy;
        let dw = &dy * &x;
        (dx, dw)
    })
}

/// Rule 18: three outputs, generic over the element type.
#[rrule]
pub fn three_18<T: LinalgScalar + ScalarOperand + Float>(
    x: Array1<T>,
    flag: bool,
) -> (Array1<T>, Array1<T>, Array1<T>) {
    let sq = &x * &x;
    let twice = &x + &x;
    let neg = x.mapv(|v| -v);
    (
        (sq, twice, neg),
        move |dsq: Array1<T>, dt: Array1<T>, dn: Array1<T>| -> (Array1<T>, NoTangent) {
            let two = T::one() + T::one();
            let a = &dsq * &x * two;
            let b = &dt * two;
            let c = dn.mapv(|v| -v);
            let s = if flag { T::one() } else { two };
            let g = a + b + c;
            (g * s, NoTangent)
        },
    )
}

/// Rule 19: a fallible forward.
#[rrule]
pub fn fallible_19(x: Array1<f64>) -> Result<(Array1<f64>, f64), String> {
    if x.is_empty() {
        return Err("empty".to_owned());
    }
    let y = x.mapv(f64::exp);
    let s = y.sum();
    Ok((
        (y.clone(), s),
        move |dy: Array1<f64>, ds: f64| -> Array1<f64> {
            let a = &dy * &y;
            let b = &y * ds;
            a + b
        },
    ))
}

#[cfg(feature = "derived")]
pub mod derived;
