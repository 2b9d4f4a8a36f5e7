//! The elementwise loops of the `ops` rules.
//!
//! Each loop runs over the output and its operands (broadcast to the output's shape). From
//! [`PAR_ENTRIES`] entries it is split into tasks of about 2¹⁴ entries for rayon's threads. When
//! every array is contiguous in one memory order, a task is a loop over flat slices, compiled
//! twice: the AVX2+FMA copy runs where the processor has those (detected at run time, as
//! PyTorch's kernels are dispatched), so that the straight-line `fastmath` functions vectorise
//! four doubles wide (the closures passed in are inlined into it). Other layouts (broadcast
//! operands, transposed views) run through ndarray's `Zip`.

use ndarray::{Array, ArrayBase, ArrayView, ArrayViewMut, Axis, Data, Dimension, Zip};
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};
use rayon::slice::{ParallelSlice, ParallelSliceMut};

use crate::Scalar;

/// From this many entries an elementwise pass runs on rayon's threads (below it the hand-off
/// costs more than the second core saves).
pub(crate) const PAR_ENTRIES: usize = 1 << 15;

/// Entries per parallel task.
const TASK_ENTRIES: usize = 1 << 14;

/// Runs `f` compiled with AVX2 and FMA where the processor has them (`f(true)`), else as it
/// is (`f(false)`): the flag tells the `fastmath` functions inlined into `f` whether fused
/// multiply-adds are instructions.
#[inline(always)]
pub(crate) fn vectorised<R>(f: impl FnOnce(bool) -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[allow(unsafe_code)] // `unsafe` only because of the target feature: it has no contract beyond it
        #[target_feature(enable = "avx2,fma")]
        unsafe fn wide<R>(f: impl FnOnce(bool) -> R) -> R {
            f(true)
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            #[allow(unsafe_code)]
            // SAFETY: the processor has the features `wide` is compiled for (checked above).
            return unsafe { wide(f) };
        }
    }
    f(false)
}

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

/// Rows of the leading axis per task, or `None` to run on this thread alone.
fn task_rows(shape: &[usize]) -> Option<usize> {
    let len: usize = shape.iter().product();
    if shape.is_empty() || len < PAR_ENTRIES {
        return None;
    }
    let inner = len / shape[0].max(1);
    Some((TASK_ENTRIES / inner.max(1)).max(1))
}

/// One loop over an output and `n` operands of its shape, `f(&mut out, x, ..)` for each entry.
/// When every array is contiguous in one memory order, the loop runs over flat slices (which
/// vectorise); otherwise over a `Zip`.
macro_rules! apply {
    ($name:ident; $($x:ident),*) => {
        fn $name<T: Scalar, D: Dimension>(
            mut out: ArrayViewMut<'_, T, D>,
            $($x: ArrayView<'_, T, D>,)*
            f: impl Fn(&mut T $(, apply!(@t $x T))*, bool) + Sync,
        ) {
            let f = &f;
            let flat = true $(&& $x.strides() == out.strides() && $x.as_slice_memory_order().is_some())*;
            if let (true, Some(o)) = (flat, out.as_slice_memory_order_mut()) {
                $(let $x = $x.as_slice_memory_order().unwrap_or(&[]);)*
                let run = |o: &mut [T] $(, $x: &[T])*| {
                    vectorised(#[inline(always)] |fma| {
                        for apply!(@pat o; $($x),*) in o.iter_mut()$(.zip($x))* {
                            f(o $(, *$x)*, fma);
                        }
                    })
                };
                if o.len() < PAR_ENTRIES {
                    run(o $(, $x)*);
                } else {
                    o.par_chunks_mut(TASK_ENTRIES)
                        $(.zip($x.par_chunks(TASK_ENTRIES)))*
                        .for_each(|apply!(@pat o; $($x),*)| run(o $(, $x)*));
                }
                return;
            }
            match task_rows(out.shape()) {
                None => Zip::from(out)$(.and($x))*.for_each(|o $(, &$x)*| f(o $(, $x)*, false)),
                Some(rows) => out
                    .axis_chunks_iter_mut(Axis(0), rows)
                    .into_par_iter()
                    $(.zip($x.axis_chunks_iter(Axis(0), rows).into_par_iter()))*
                    .for_each(|apply!(@pat o; $($x),*)| {
                        Zip::from(o)$(.and($x))*.for_each(|o $(, &$x)*| f(o $(, $x)*, false))
                    }),
            }
        }
    };
    (@t $x:ident $T:ident) => { $T };
    (@pat $o:ident; ) => { $o };
    (@pat $o:ident; $a:ident) => { ($o, $a) };
    (@pat $o:ident; $a:ident, $b:ident) => { (($o, $a), $b) };
    (@pat $o:ident; $a:ident, $b:ident, $c:ident) => { ((($o, $a), $b), $c) };
}
apply!(apply0;);
apply!(apply1; x);
apply!(apply2; x, y);
apply!(apply3; x, y, z);

/// `f(x)` for every entry, as a new array.
pub(crate) fn map<T: Scalar, D: Dimension>(
    x: &ArrayBase<impl Data<Elem = T>, D>,
    f: impl Fn(T) -> T + Sync + Send,
) -> Array<T, D> {
    let mut out = Array::zeros(x.raw_dim());
    apply1(
        out.view_mut(),
        x.view(),
        #[inline(always)]
        |o, x, _| *o = f(x),
    );
    out
}

/// `f(x, fma)` for every entry, as a new array: `fma` is for the `fastmath` functions that `f`
/// calls (see [`vectorised`]).
pub(crate) fn map_fma<T: Scalar, D: Dimension>(
    x: &ArrayBase<impl Data<Elem = T>, D>,
    f: impl Fn(T, bool) -> T + Sync + Send,
) -> Array<T, D> {
    let mut out = Array::zeros(x.raw_dim());
    apply1(
        out.view_mut(),
        x.view(),
        #[inline(always)]
        |o, x, fma| *o = f(x, fma),
    );
    out
}

/// `f(a, b)` for every entry of `a` and `b` broadcast to `out`, as a new array.
pub(crate) fn map2<T: Scalar, D1: Dimension, D2: Dimension, E: Dimension>(
    a: &ArrayBase<impl Data<Elem = T>, D1>,
    b: &ArrayBase<impl Data<Elem = T>, D2>,
    out: &E,
    f: impl Fn(T, T) -> T + Sync + Send,
) -> Array<T, E> {
    let mut y = Array::zeros(out.clone());
    apply2(
        y.view_mut(),
        spread(a, out),
        spread(b, out),
        #[inline(always)]
        |o, a, b, _| *o = f(a, b),
    );
    y
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
    let mut y = Array::zeros(out.clone());
    apply3(
        y.view_mut(),
        a.view(),
        spread(b, &out),
        spread(c, &out),
        #[inline(always)]
        |o, a, b, c, _| *o = f(a, b, c),
    );
    y
}

/// `d ← f(d)` in `d`'s buffer.
pub(crate) fn update<T: Scalar, D: Dimension>(
    mut d: Array<T, D>,
    f: impl Fn(T) -> T + Sync + Send,
) -> Array<T, D> {
    apply0(
        d.view_mut(),
        #[inline(always)]
        |o, _| *o = f(*o),
    );
    d
}

/// `d ← f(d, x)` in `d`'s buffer, `x` broadcast to `d`'s shape.
pub(crate) fn update2<T: Scalar, D: Dimension, E: Dimension>(
    mut d: Array<T, D>,
    x: &ArrayBase<impl Data<Elem = T>, E>,
    f: impl Fn(T, T) -> T + Sync + Send,
) -> Array<T, D> {
    let shape = d.raw_dim();
    apply1(
        d.view_mut(),
        spread(x, &shape),
        #[inline(always)]
        |o, x, _| *o = f(*o, x),
    );
    d
}

/// `d ← f(d, x, y)` in `d`'s buffer, `x` and `y` broadcast to `d`'s shape.
pub(crate) fn update3<T: Scalar, D: Dimension, D1: Dimension, D2: Dimension>(
    mut d: Array<T, D>,
    x: &ArrayBase<impl Data<Elem = T>, D1>,
    y: &ArrayBase<impl Data<Elem = T>, D2>,
    f: impl Fn(T, T, T) -> T + Sync + Send,
) -> Array<T, D> {
    let shape = d.raw_dim();
    apply2(
        d.view_mut(),
        spread(x, &shape),
        spread(y, &shape),
        #[inline(always)]
        |o, x, y, _| *o = f(*o, x, y),
    );
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
