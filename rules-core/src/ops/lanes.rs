//! Loops over the lanes of an array along one axis (the rows of a matrix along its last axis),
//! with the lane kernels of the normalised exponentials written on slices.
//!
//! When the axis is the last one and the arrays are in standard layout, each lane is a slice of
//! the array's memory: the lanes are split into tasks of about 2¹⁴ entries for rayon's threads,
//! and each task's loop runs in [`vectorised`]. Other layouts copy each lane to a buffer, run
//! the same kernel, and copy it back.

use ndarray::{Array, ArrayView, Axis, Dimension};
use rayon::iter::{IndexedParallelIterator, ParallelIterator};
use rayon::slice::{ParallelSlice, ParallelSliceMut};

use super::kernels::{PAR_ENTRIES, vectorised};
use crate::Scalar;

/// Entries per parallel task.
const TASK_ENTRIES: usize = 1 << 14;

/// `f(i, out_lane, x_lane, fma)` for every lane `i` along `axis` (lanes numbered in the logical
/// row-major order of the other axes), `out` read and written, `x` read; the values `f`
/// returns, in lane order. `fma` is for the `fastmath` functions `f` calls (see
/// [`vectorised`]).
pub(crate) fn per_lane<T: Scalar, D: Dimension, R: Send>(
    out: &mut Array<T, D>,
    x: &ArrayView<'_, T, D>,
    axis: Axis,
    f: impl Fn(usize, &mut [T], &[T], bool) -> R + Sync,
) -> Vec<R> {
    let f = &f;
    let n = x.len_of(axis);
    let last = axis.index() + 1 == x.ndim();
    if let (true, Some(o), Some(xs)) = (last && n > 0, out.as_slice_mut(), x.as_slice()) {
        let rows = (TASK_ENTRIES / n).max(1);
        let task = |t: usize, o: &mut [T], xs: &[T]| {
            vectorised(
                #[inline(always)]
                |fma| lanes_of(t * rows, n, o, xs, f, fma),
            )
        };
        if xs.len() < PAR_ENTRIES {
            return task(0, o, xs);
        }
        let parts: Vec<Vec<R>> = (o.par_chunks_mut(rows * n))
            .zip(xs.par_chunks(rows * n))
            .enumerate()
            .map(|(t, (o, xs))| task(t, o, xs))
            .collect();
        return parts.into_iter().flatten().collect();
    }
    let (mut bo, mut bx) = (vec![T::zero(); n], vec![T::zero(); n]);
    let lanes = out.lanes_mut(axis).into_iter().zip(x.lanes(axis));
    lanes
        .enumerate()
        .map(|(i, (mut o, xl))| {
            for (b, &v) in bx.iter_mut().zip(&xl) {
                *b = v;
            }
            for (b, &v) in bo.iter_mut().zip(&o) {
                *b = v;
            }
            let r = f(i, &mut bo, &bx, false);
            for (v, &b) in o.iter_mut().zip(&bo) {
                *v = b;
            }
            r
        })
        .collect()
}

/// `f(x_lane, scratch)` for every lane along `axis`, in the logical row-major order of the other
/// axes; `scratch` is a buffer of the lane's length, for `f` to use as it likes.
pub(crate) fn map_lanes<T: Scalar, D: Dimension, R: Send>(
    x: &ArrayView<'_, T, D>,
    axis: Axis,
    f: impl Fn(&[T], &mut [T], bool) -> R + Sync,
) -> Vec<R> {
    let f = &f;
    let n = x.len_of(axis);
    if let (true, Some(xs)) = (axis.index() + 1 == x.ndim() && n > 0, x.as_slice()) {
        let rows = (TASK_ENTRIES / n).max(1);
        let task = |xs: &[T]| {
            let mut buf = vec![T::zero(); n];
            vectorised(
                #[inline(always)]
                |fma| mapped_lanes(n, xs, &mut buf, f, fma),
            )
        };
        if xs.len() < PAR_ENTRIES {
            return task(xs);
        }
        let parts: Vec<Vec<R>> = xs.par_chunks(rows * n).map(task).collect();
        return parts.into_iter().flatten().collect();
    }
    let (mut b, mut buf) = (vec![T::zero(); n], vec![T::zero(); n]);
    x.lanes(axis)
        .into_iter()
        .map(|l| {
            for (b, &v) in b.iter_mut().zip(&l) {
                *b = v;
            }
            f(&b, &mut buf, false)
        })
        .collect()
}

// The loops of one task, as functions inlined into `vectorised`'s closure: a closure with the
// loop in it was not inlined into the vectorised copy, and ran without its instructions.

/// `f(first + j, o_j, x_j)` for the consecutive lanes of length `n` of `o` and `xs`.
#[inline(always)]
fn lanes_of<T, R>(
    first: usize,
    n: usize,
    o: &mut [T],
    xs: &[T],
    f: &impl Fn(usize, &mut [T], &[T], bool) -> R,
    fma: bool,
) -> Vec<R> {
    let mut out = Vec::with_capacity(xs.len() / n);
    for (j, (o, x)) in o.chunks_exact_mut(n).zip(xs.chunks_exact(n)).enumerate() {
        out.push(f(first + j, o, x, fma));
    }
    out
}

/// `f(x_j, buf)` for the consecutive lanes of length `n` of `xs`.
#[inline(always)]
fn mapped_lanes<T, R>(
    n: usize,
    xs: &[T],
    buf: &mut [T],
    f: &impl Fn(&[T], &mut [T], bool) -> R,
    fma: bool,
) -> Vec<R> {
    let mut out = Vec::with_capacity(xs.len() / n);
    for x in xs.chunks_exact(n) {
        out.push(f(x, buf, fma));
    }
    out
}

/// Eight independent accumulators, so that a reduction over a slice vectorises (a single
/// running value is a chain the compiler may not reorder).
#[inline(always)]
fn reduce8<T: Scalar>(x: &[T], init: T, step: impl Fn(T, T) -> T, join: impl Fn(T, T) -> T) -> T {
    let mut acc = [init; 8];
    let mut chunks = x.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            acc[k] = step(acc[k], c[k]);
        }
    }
    let mut r = init;
    for &v in chunks.remainder() {
        r = step(r, v);
    }
    let a = join(join(acc[0], acc[1]), join(acc[2], acc[3]));
    let b = join(join(acc[4], acc[5]), join(acc[6], acc[7]));
    join(join(a, b), r)
}

/// The largest entry, ignoring NaN (which the sums then propagate); −∞ when empty.
#[inline(always)]
pub(crate) fn max<T: Scalar>(x: &[T]) -> T {
    let pick = |m: T, v: T| if v > m { v } else { m };
    reduce8(x, T::neg_infinity(), pick, pick)
}

/// `Σ x`.
#[inline(always)]
pub(crate) fn sum<T: Scalar>(x: &[T]) -> T {
    reduce8(x, T::zero(), |s, v| s + v, |a, b| a + b)
}

/// `Σ f(a, b)` over two slices of one length.
#[inline(always)]
pub(crate) fn sum_pairs<T: Scalar>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> T {
    let mut acc = [T::zero(); 8];
    let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (u, v) in (&mut ca).zip(&mut cb) {
        for k in 0..8 {
            acc[k] += f(u[k], v[k]);
        }
    }
    let mut r = T::zero();
    for (&u, &v) in ca.remainder().iter().zip(cb.remainder()) {
        r += f(u, v);
    }
    let s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    s + r
}
