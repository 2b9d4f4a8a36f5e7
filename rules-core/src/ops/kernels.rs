//! The elementwise loops of the `ops` rules.
//!
//! Each loop runs over the output and its operands (broadcast to the output's shape). From
//! [`PAR_ENTRIES`] entries it is split into tasks of about 2¹⁴ entries for rayon's threads. When
//! every array is contiguous in one memory order, a task is a loop over flat slices, compiled
//! twice: the AVX2+FMA copy runs where the processor has those (detected at run time, as
//! PyTorch's kernels are dispatched), so that the straight-line `fastmath` functions vectorise
//! four doubles wide (the closures passed in are inlined into it). Other layouts (broadcast
//! operands, transposed views) run through ndarray's `Zip`.

use core::mem::MaybeUninit;

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

/// Row-major strides of `shape`.
fn standard_strides(shape: &[usize]) -> Vec<isize> {
    let mut st = vec![0isize; shape.len()];
    let mut step = 1isize;
    for (s, &n) in st.iter_mut().zip(shape).rev() {
        *s = step;
        step *= n.max(1) as isize;
    }
    st
}

/// The loops over slices: `f(&mut o, x, .., fma)` for every entry of an output `o` (given as its
/// memory, its strides and its shape; `O` is `T` or `MaybeUninit<T>`) and operands of its shape.
/// *Flat*: every array contiguous with the output's strides, one loop over the memory. *Rows*:
/// the output in standard layout and every operand's rows (along the last axis) contiguous, as
/// a broadcast bias row is: one loop per row. Both in tasks of about 2¹⁴ entries from
/// [`PAR_ENTRIES`], each in [`vectorised`]. `false` when the layouts allow neither (the caller
/// then runs a `Zip`).
macro_rules! sliced {
    ($name:ident; $($x:ident),*) => {
        #[allow(clippy::too_many_arguments, clippy::extra_unused_type_parameters, unused_variables)]
        fn $name<T: Scalar, O: Send, D: Dimension>(
            o: &mut [O],
            strides: &[isize],
            shape: &[usize],
            $($x: &ArrayView<'_, T, D>,)*
            f: impl Fn(&mut O $(, sliced!(@t $x T))*, bool) + Sync,
        ) -> bool {
            let f = &f;
            let flat = true $(&& $x.strides() == strides && $x.as_slice_memory_order().is_some())*;
            if flat {
                $(let $x = $x.as_slice_memory_order().unwrap_or(&[]);)*
                let run = |o: &mut [O] $(, $x: &[T])*| {
                    vectorised(#[inline(always)] |fma| {
                        for sliced!(@pat o; $($x),*) in o.iter_mut()$(.zip($x))* {
                            f(o $(, *$x)*, fma);
                        }
                    })
                };
                if o.len() < PAR_ENTRIES {
                    run(o $(, $x)*);
                } else {
                    o.par_chunks_mut(TASK_ENTRIES)
                        $(.zip($x.par_chunks(TASK_ENTRIES)))*
                        .for_each(|sliced!(@pat o; $($x),*)| run(o $(, $x)*));
                }
                return true;
            }
            let Some(&n) = shape.last() else { return false };
            if n == 0 || strides != standard_strides(shape).as_slice() {
                return false;
            }
            let last = Axis(shape.len() - 1);
            $(
                let $x: Option<Vec<&[T]>> = $x.lanes(last).into_iter().map(|l| l.to_slice()).collect();
                let Some($x) = $x else { return false };
            )*
            let rows = (TASK_ENTRIES / n).max(1);
            let run = |first: usize, o: &mut [O]| {
                vectorised(#[inline(always)] |fma| {
                    for (i, o) in o.chunks_exact_mut(n).enumerate() {
                        $(let $x = $x[first + i];)*
                        for sliced!(@pat o; $($x),*) in o.iter_mut()$(.zip($x))* {
                            f(o $(, *$x)*, fma);
                        }
                    }
                })
            };
            if o.len() < PAR_ENTRIES {
                run(0, o);
            } else {
                o.par_chunks_mut(rows * n)
                    .enumerate()
                    .for_each(|(t, o)| run(t * rows, o));
            }
            true
        }
    };
    (@t $x:ident $T:ident) => { $T };
    (@pat $o:ident; ) => { $o };
    (@pat $o:ident; $a:ident) => { ($o, $a) };
    (@pat $o:ident; $a:ident, $b:ident) => { (($o, $a), $b) };
    (@pat $o:ident; $a:ident, $b:ident, $c:ident) => { ((($o, $a), $b), $c) };
}
sliced!(sliced0;);
sliced!(sliced1; x);
sliced!(sliced2; x, y);
sliced!(sliced3; x, y, z);

/// One pass over an output (in place) and `n` operands of its shape, `f(&mut out, x, .., fma)`
/// for each entry: over slices where the layouts allow ([`sliced1`] and the others), else over
/// a `Zip` (`fma` false).
macro_rules! apply {
    ($name:ident, $sliced:ident; $($x:ident),*) => {
        fn $name<T: Scalar, D: Dimension>(
            mut out: ArrayViewMut<'_, T, D>,
            $($x: ArrayView<'_, T, D>,)*
            f: impl Fn(&mut T $(, apply!(@t $x T))*, bool) + Sync,
        ) {
            let f = &f;
            let (strides, shape) = (out.strides().to_vec(), out.shape().to_vec());
            if let Some(o) = out.as_slice_memory_order_mut() {
                if $sliced::<T, T, D>(o, &strides, &shape $(, &$x)*, f) {
                    return;
                }
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
apply!(apply0, sliced0;);
apply!(apply1, sliced1; x);
apply!(apply2, sliced2; x, y);
apply!(apply3, sliced3; x, y, z);

/// A new array of shape `shape` in standard layout, every entry written by `fill` through
/// [`sliced1`] and the others (called with the output's memory, strides and shape), without
/// zeroing it first; `None` (nothing allocated) when `fill` says the layouts do not allow it.
fn fresh<T: Scalar, E: Dimension>(
    shape: &E,
    fill: impl FnOnce(&mut [MaybeUninit<T>], &[isize], &[usize]) -> bool,
) -> Option<Array<T, E>> {
    let len = shape.size();
    let mut v: Vec<T> = Vec::with_capacity(len);
    let strides = standard_strides(shape.slice());
    if !fill(&mut v.spare_capacity_mut()[..len], &strides, shape.slice()) {
        return None;
    }
    #[allow(unsafe_code)]
    // SAFETY: `fill` returned true, so its loops wrote every one of the `len` entries (the flat
    // and row loops of `sliced*` visit each entry of the output exactly once).
    unsafe {
        v.set_len(len)
    };
    Array::from_shape_vec(shape.clone(), v).ok()
}

/// `f(x)` for every entry, as a new array.
pub(crate) fn map<T: Scalar, D: Dimension>(
    x: &ArrayBase<impl Data<Elem = T>, D>,
    f: impl Fn(T) -> T + Sync + Send,
) -> Array<T, D> {
    map_fma(x, move |v, _| f(v))
}

/// `f(x, fma)` for every entry, as a new array: `fma` is for the `fastmath` functions that `f`
/// calls (see [`vectorised`]).
pub(crate) fn map_fma<T: Scalar, D: Dimension>(
    x: &ArrayBase<impl Data<Elem = T>, D>,
    f: impl Fn(T, bool) -> T + Sync + Send,
) -> Array<T, D> {
    let shape = x.raw_dim();
    let x = x.view();
    let f = &f;
    let filled = fresh(&shape, |o, st, sh| {
        sliced1(
            o,
            st,
            sh,
            &x,
            #[inline(always)]
            |o: &mut MaybeUninit<T>, x, fma| {
                o.write(f(x, fma));
            },
        )
    });
    if let Some(y) = filled {
        return y;
    }
    let mut y = Array::zeros(shape);
    apply1(
        y.view_mut(),
        x,
        #[inline(always)]
        |o, x, fma| *o = f(x, fma),
    );
    y
}

/// `f(a, b)` for every entry of `a` and `b` broadcast to `out`, as a new array.
pub(crate) fn map2<T: Scalar, D1: Dimension, D2: Dimension, E: Dimension>(
    a: &ArrayBase<impl Data<Elem = T>, D1>,
    b: &ArrayBase<impl Data<Elem = T>, D2>,
    out: &E,
    f: impl Fn(T, T) -> T + Sync + Send,
) -> Array<T, E> {
    let (a, b) = (spread(a, out), spread(b, out));
    let f = &f;
    let filled = fresh(out, |o, st, sh| {
        sliced2(
            o,
            st,
            sh,
            &a,
            &b,
            #[inline(always)]
            |o: &mut MaybeUninit<T>, a, b, _| {
                o.write(f(a, b));
            },
        )
    });
    if let Some(y) = filled {
        return y;
    }
    let mut y = Array::zeros(out.clone());
    apply2(
        y.view_mut(),
        a,
        b,
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
    let (a, b, c) = (a.view(), spread(b, &out), spread(c, &out));
    let f = &f;
    let filled = fresh(&out, |o, st, sh| {
        sliced3(
            o,
            st,
            sh,
            &a,
            &b,
            &c,
            #[inline(always)]
            |o: &mut MaybeUninit<T>, a, b, c, _| {
                o.write(f(a, b, c));
            },
        )
    });
    if let Some(y) = filled {
        return y;
    }
    let mut y = Array::zeros(out);
    apply3(
        y.view_mut(),
        a,
        b,
        c,
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

/// `v` as an `f64` (exactly, for both scalar types).
#[inline(always)]
fn wide<T: Scalar>(v: T) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

/// An `f64` sum back in `T` (rounded once, for `f32`).
fn narrow<T: Scalar>(s: f64) -> T {
    T::from(s).unwrap_or_else(T::nan)
}

/// `Σ f(..)` in `f64` (so that long `f32` sums do not lose digits to their running total) over
/// arrays of one shape, the same bits whatever the number of threads: contiguous
/// arrays of one layout are summed in fixed blocks of 2¹⁴ entries (eight running sums in each,
/// on rayon's threads from [`PAR_ENTRIES`]) whose sums are added in order; other layouts in one
/// pass of a `Zip`.
macro_rules! summed {
    ($name:ident; $a:ident $(, $x:ident)*) => {
        pub(crate) fn $name<T: Scalar, D: Dimension>(
            $a: &ArrayBase<impl Data<Elem = T>, D>,
            $($x: &ArrayBase<impl Data<Elem = T>, D>,)*
            f: impl Fn(T $(, summed!(@t $x T))*) -> T + Sync + Send,
        ) -> T {
            let f = &f;
            let flat = $a.as_slice_memory_order().is_some()
                $(&& $x.strides() == $a.strides() && $x.as_slice_memory_order().is_some())*;
            if !flat {
                return narrow(Zip::from($a)$(.and($x))*.fold(0.0, |s, &$a $(, &$x)*| s + wide(f($a $(, $x)*))));
            }
            let $a = $a.as_slice_memory_order().unwrap_or(&[]);
            $(let $x = $x.as_slice_memory_order().unwrap_or(&[]);)*
            let block = |$a: &[T] $(, $x: &[T])*| -> f64 {
                let mut acc = [0.0f64; 8];
                let n = $a.len();
                let mut i = 0;
                while i + 8 <= n {
                    for (k, s) in acc.iter_mut().enumerate() {
                        *s += wide(f($a[i + k] $(, $x[i + k])*));
                    }
                    i += 8;
                }
                let mut r = 0.0f64;
                while i < n {
                    r += wide(f($a[i] $(, $x[i])*));
                    i += 1;
                }
                let l = (acc[0] + acc[1]) + (acc[2] + acc[3]);
                let h = (acc[4] + acc[5]) + (acc[6] + acc[7]);
                (l + h) + r
            };
            if $a.len() < PAR_ENTRIES {
                return narrow(block($a $(, $x)*));
            }
            let parts: Vec<f64> = $a
                .par_chunks(TASK_ENTRIES)
                $(.zip($x.par_chunks(TASK_ENTRIES)))*
                .map(|summed!(@pat $a; $($x),*)| block($a $(, $x)*))
                .collect();
            narrow(parts.into_iter().fold(0.0, |s, p| s + p))
        }
    };
    (@t $x:ident $T:ident) => { $T };
    (@pat $a:ident; ) => { $a };
    (@pat $a:ident; $b:ident) => { ($a, $b) };
    (@pat $a:ident; $b:ident, $c:ident) => { (($a, $b), $c) };
}
summed!(sum1; a);
summed!(sum2; a, b);
summed!(sum3; a, b, c);
