//! The elementwise loops of the `ops` rules: `Zip` over (broadcast) views, shared among rayon's
//! threads from [`PAR_ENTRIES`] entries, results in standard (row-major) layout.

use ndarray::{Array, ArrayBase, ArrayView, Data, Dimension, Zip};

use crate::Scalar;

/// From this many entries an elementwise pass runs on rayon's threads (measured: below it the
/// hand-off costs more than the second core saves).
pub(crate) const PAR_ENTRIES: usize = 1 << 15;

/// `x` as a view of shape `to` (the shapes were checked to broadcast).
fn spread<'a, T, S: Data<Elem = T>, D: Dimension, E: Dimension>(
    x: &'a ArrayBase<S, D>,
    to: &E,
) -> ArrayView<'a, T, E> {
    match x.broadcast(to.clone()) {
        Some(v) => v,
        None => unreachable!(
            "the rule checked that {:?} broadcasts to {:?}",
            x.shape(),
            to.slice()
        ),
    }
}

/// `f(x)` for every entry, as a new array.
pub(crate) fn map<T: Scalar, D: Dimension>(
    x: &ArrayBase<impl Data<Elem = T>, D>,
    f: impl Fn(T) -> T + Sync + Send,
) -> Array<T, D> {
    let z = Zip::from(x);
    if x.len() >= PAR_ENTRIES {
        z.par_map_collect(|&v| f(v))
    } else {
        z.map_collect(|&v| f(v))
    }
}

/// `f(a, b)` for every entry of `a` and `b` broadcast to `out`, as a new array.
pub(crate) fn map2<T: Scalar, D1: Dimension, D2: Dimension, E: Dimension>(
    a: &ArrayBase<impl Data<Elem = T>, D1>,
    b: &ArrayBase<impl Data<Elem = T>, D2>,
    out: &E,
    f: impl Fn(T, T) -> T + Sync + Send,
) -> Array<T, E> {
    let (a, b) = (spread(a, out), spread(b, out));
    let z = Zip::from(&a).and(&b);
    if a.len() >= PAR_ENTRIES {
        z.par_map_collect(|&u, &v| f(u, v))
    } else {
        z.map_collect(|&u, &v| f(u, v))
    }
}

/// `f(a, b, c)` for every entry of `a` (of the output's shape) and `b`, `c` broadcast to it, as
/// a new array.
pub(crate) fn map3<T: Scalar, D: Dimension, D1: Dimension, D2: Dimension>(
    a: &ArrayBase<impl Data<Elem = T>, D>,
    b: &ArrayBase<impl Data<Elem = T>, D1>,
    c: &ArrayBase<impl Data<Elem = T>, D2>,
    f: impl Fn(T, T, T) -> T + Sync + Send,
) -> Array<T, D> {
    let out = a.raw_dim();
    let (b, c) = (spread(b, &out), spread(c, &out));
    let z = Zip::from(a).and(&b).and(&c);
    if a.len() >= PAR_ENTRIES {
        z.par_map_collect(|&u, &v, &w| f(u, v, w))
    } else {
        z.map_collect(|&u, &v, &w| f(u, v, w))
    }
}

/// `d ← f(d)` in `d`'s buffer.
pub(crate) fn update<T: Scalar, D: Dimension>(
    mut d: Array<T, D>,
    f: impl Fn(T) -> T + Sync + Send,
) -> Array<T, D> {
    let n = d.len();
    let z = Zip::from(&mut d);
    if n >= PAR_ENTRIES {
        z.par_for_each(|e| *e = f(*e));
    } else {
        z.for_each(|e| *e = f(*e));
    }
    d
}

/// `d ← f(d, x)` in `d`'s buffer, `x` broadcast to `d`'s shape.
pub(crate) fn update2<T: Scalar, D: Dimension, E: Dimension>(
    mut d: Array<T, D>,
    x: &ArrayBase<impl Data<Elem = T>, E>,
    f: impl Fn(T, T) -> T + Sync + Send,
) -> Array<T, D> {
    let x = spread(x, &d.raw_dim());
    let n = d.len();
    let z = Zip::from(&mut d).and(&x);
    if n >= PAR_ENTRIES {
        z.par_for_each(|e, &v| *e = f(*e, v));
    } else {
        z.for_each(|e, &v| *e = f(*e, v));
    }
    d
}

/// `d ← f(d, x, y)` in `d`'s buffer, `x` and `y` broadcast to `d`'s shape.
pub(crate) fn update3<T: Scalar, D: Dimension, D1: Dimension, D2: Dimension>(
    mut d: Array<T, D>,
    x: &ArrayBase<impl Data<Elem = T>, D1>,
    y: &ArrayBase<impl Data<Elem = T>, D2>,
    f: impl Fn(T, T, T) -> T + Sync + Send,
) -> Array<T, D> {
    let out = d.raw_dim();
    let (x, y) = (spread(x, &out), spread(y, &out));
    let n = d.len();
    let z = Zip::from(&mut d).and(&x).and(&y);
    if n >= PAR_ENTRIES {
        z.par_for_each(|e, &u, &v| *e = f(*e, u, v));
    } else {
        z.for_each(|e, &u, &v| *e = f(*e, u, v));
    }
    d
}

/// `Σ f(a, b)` over the entries of two arrays of one shape (one running sum per thread).
pub(crate) fn sum2<T: Scalar, D: Dimension>(
    a: &ArrayBase<impl Data<Elem = T>, D>,
    b: &ArrayBase<impl Data<Elem = T>, D>,
    f: impl Fn(T, T) -> T + Sync + Send,
) -> T {
    let z = Zip::from(a).and(b);
    if a.len() >= PAR_ENTRIES {
        z.par_fold(|| T::zero(), |s, &u, &v| s + f(u, v), |s, t| s + t)
    } else {
        z.fold(T::zero(), |s, &u, &v| s + f(u, v))
    }
}

/// `Σ f(a, b, c)` over the entries of three arrays of one shape.
pub(crate) fn sum3<T: Scalar, D: Dimension>(
    a: &ArrayBase<impl Data<Elem = T>, D>,
    b: &ArrayBase<impl Data<Elem = T>, D>,
    c: &ArrayBase<impl Data<Elem = T>, D>,
    f: impl Fn(T, T, T) -> T + Sync + Send,
) -> T {
    let z = Zip::from(a).and(b).and(c);
    if a.len() >= PAR_ENTRIES {
        z.par_fold(|| T::zero(), |s, &u, &v, &w| s + f(u, v, w), |s, t| s + t)
    } else {
        z.fold(T::zero(), |s, &u, &v, &w| s + f(u, v, w))
    }
}
