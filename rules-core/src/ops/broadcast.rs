//! Broadcasting for the elementwise binary rules: the output shape of two operands (checked, with
//! a message naming the rule), the forward expansion of a tangent to that shape, and the
//! reduction of a cotangent back to an operand's shape (PyTorch's `sum_to_size`, ChainRules'
//! `ProjectTo`).

use ndarray::{Array, ArrayBase, ArrayD, ArrayView, Axis, Data, DimMax, Dimension, IxDyn};
use rayon::iter::{IntoParallelIterator, ParallelIterator};

use super::kernels::PAR_ENTRIES;

use crate::Scalar;

/// The output shape of a broadcast between `a` and `b` (NumPy's rules: align the trailing axes;
/// each pair is equal or one of them is 1).
///
/// # Panics
/// If the shapes do not broadcast, naming the rule and both shapes.
#[track_caller]
pub(crate) fn co_shape<D1, D2>(rule: &str, a: &D1, b: &D2) -> <D1 as DimMax<D2>>::Output
where
    D1: Dimension + DimMax<D2>,
    D2: Dimension,
{
    let (sa, sb) = (a.slice(), b.slice());
    let n = sa.len().max(sb.len());
    let mut out = <D1 as DimMax<D2>>::Output::zeros(n);
    for i in 0..n {
        let ea = (i + sa.len()).checked_sub(n).map_or(1, |j| sa[j]);
        let eb = (i + sb.len()).checked_sub(n).map_or(1, |j| sb[j]);
        out.slice_mut()[i] = if ea == eb || eb == 1 {
            ea
        } else if ea == 1 {
            eb
        } else {
            panic!(
                "{rule}: the shapes of `a` {sa:?} and `b` {sb:?} do not broadcast (axis {i} of the aligned shapes: {ea} against {eb}; each pair must be equal or 1)"
            )
        };
    }
    out
}

/// `x`, of a shape that broadcasts to `to`, as an array of shape `to`: `x`'s own buffer when the
/// shapes already agree, else one new array.
pub(crate) fn expand_to<T: Scalar, D: Dimension, E: Dimension>(
    x: Array<T, D>,
    to: &E,
) -> Array<T, E> {
    if x.shape() == to.slice() {
        return retyped(x);
    }
    match x.broadcast(to.clone()) {
        Some(v) => v.to_owned(),
        None => unreachable!("the forward pass checked that the shapes broadcast"),
    }
}

/// `dy`, of the output's shape, summed back to the shape `to` of an operand that was broadcast
/// to it: over the leading axes the operand does not have, and over the axes where it has
/// length 1. `dy`'s own buffer is returned when the shapes agree.
pub(crate) fn sum_to<T: Scalar, D: Dimension, E: Dimension>(
    dy: Array<T, D>,
    to: &E,
) -> Array<T, E> {
    if dy.shape() == to.slice() {
        return retyped(dy);
    }
    reduce(&dy, to)
}

/// [`sum_to`] for a borrowed cotangent: a copy when the shapes agree.
pub(crate) fn sum_to_ref<T: Scalar, S: Data<Elem = T>, D: Dimension, E: Dimension>(
    dy: &ArrayBase<S, D>,
    to: &E,
) -> Array<T, E> {
    if dy.shape() == to.slice() {
        return retyped(dy.to_owned());
    }
    reduce(dy, to)
}

/// `x` summed along `axis`; a large sum along the leading axis runs on rayon's threads, over
/// blocks of rows fixed by the shape alone, whose sums are added in order (the same bits
/// whatever the number of threads).
fn sum_along<T: Scalar>(x: ArrayView<'_, T, IxDyn>, axis: Axis) -> ArrayD<T> {
    let n = x.len_of(axis);
    if axis.index() != 0 || x.len() < PAR_ENTRIES || n < 2 {
        return x.sum_axis(axis);
    }
    let rows = ((1 << 14) / (x.len() / n).max(1)).max(1);
    let parts: Vec<ArrayD<T>> = (x.axis_chunks_iter(axis, rows).into_par_iter())
        .map(|c| c.sum_axis(axis))
        .collect();
    let mut it = parts.into_iter();
    let first = it.next().unwrap_or_else(|| x.sum_axis(axis));
    it.fold(first, |acc, p| acc + p)
}

/// The sum of `dy` over the axes that `to` broadcast along.
fn reduce<T: Scalar, S: Data<Elem = T>, D: Dimension, E: Dimension>(
    dy: &ArrayBase<S, D>,
    to: &E,
) -> Array<T, E> {
    let (sd, st) = (dy.shape(), to.slice());
    let lead = sd.len().checked_sub(st.len());
    assert!(
        lead.is_some_and(|l| st.iter().zip(&sd[l..]).all(|(&t, &d)| t == d || t == 1)),
        "a cotangent of shape {sd:?} cannot be summed to the operand's shape {st:?}"
    );
    let view = dy.view().into_dyn();
    let mut cur: Option<ArrayD<T>> = None;
    let sum = |cur: Option<ArrayD<T>>, axis: usize, keep: bool| {
        let s = match cur {
            Some(c) => sum_along(c.view(), Axis(axis)),
            None => sum_along(view.view(), Axis(axis)),
        };
        if keep { s.insert_axis(Axis(axis)) } else { s }
    };
    for _ in to.ndim()..dy.ndim() {
        cur = Some(sum(cur, 0, false));
    }
    for (i, &len) in to.slice().iter().enumerate() {
        let have = cur
            .as_ref()
            .map_or(view.len_of(Axis(dy.ndim() - to.ndim() + i)), |c| {
                c.len_of(Axis(i))
            });
        if len == 1 && have != 1 {
            cur = Some(sum(cur, i, true));
        }
    }
    retyped(cur.unwrap_or_else(|| view.to_owned()))
}

/// `x` with the dimension type `E` of the shape it already has.
fn retyped<T, D: Dimension, E: Dimension>(x: Array<T, D>) -> Array<T, E> {
    match x.into_dimensionality::<E>() {
        Ok(x) => x,
        Err(_) => unreachable!("the array has the shape of the operand"),
    }
}
