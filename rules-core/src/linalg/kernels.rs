//! Building blocks shared by the linear-algebra rules.
//!
//! The accumulating kernels take their accumulator and their cotangent-dependent operands as
//! `impl Into<MaybeZero<_>>`, so a rule can mark the statement `#[pass_zero]` and let `#[rrule]`
//! pass `Zero` where an operand is statically zero: each pattern then compiles to the kernel
//! specialised for it, with the zero branch removed.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer_ext::IntoFaer;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, ShapeBuilder};

use super::Real;
use crate::MaybeZero;

/// The relative tolerance below which a gap or a singular value counts as zero:
/// `max(m, n) · ε · s_max`, the default rank tolerance of LAPACK-based libraries.
pub(crate) fn tolerance<T: Real>(s: &Array1<T>, m: usize, n: usize) -> T {
    let s_max = s.iter().copied().fold(T::zero(), T::max);
    T::from(m.max(n)).unwrap_or_else(T::one) * T::epsilon() * s_max
}

/// `1/x`, or `0` when `|x| ≤ tol`.
#[inline]
fn inv<T: Real>(x: T, tol: T) -> T {
    if x.abs() <= tol { T::zero() } else { x.recip() }
}

/// Panics with a message naming the rule, the argument and both shapes when `got != expected`.
#[track_caller]
pub(crate) fn check_shape(rule: &str, arg: &str, got: &[usize], expected: &[usize]) {
    assert!(
        got == expected,
        "{rule}: the cotangent {arg} has shape {got:?}, expected {expected:?} (the shape of the output it belongs to)"
    );
}

/// The thin SVD `(U, S, Vt)` of `a`, computed by faer on a zero-copy view of `a` (any strides) and
/// written straight into the ndarray buffers returned.
///
/// # Panics
/// If `a` holds NaN or ±∞, or if the iteration does not converge.
#[track_caller]
pub(crate) fn thin_svd<T: Real>(
    rule: &str,
    a: ArrayView2<'_, T>,
) -> (Array2<T>, Array1<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    check_finite(rule, a);
    let mut u = Array2::<T>::zeros((m, k).f());
    let mut vt = Array2::<T>::zeros((k, n));
    let mut s = faer::diag::Diag::<T>::zeros(k);
    if k > 0 {
        let par = faer::Par::Seq;
        let params = Default::default();
        let mut mem = MemBuffer::new(faer::linalg::svd::svd_scratch::<T>(
            m,
            n,
            faer::linalg::svd::ComputeSvdVectors::Thin,
            faer::linalg::svd::ComputeSvdVectors::Thin,
            par,
            params,
        ));
        let result = faer::linalg::svd::svd(
            a.into_faer(),
            s.as_mut(),
            Some(u.view_mut().into_faer()),
            // Vᵀ's buffer, seen transposed, is V: faer writes V straight into it.
            Some(vt.view_mut().reversed_axes().into_faer()),
            par,
            MemStack::new(&mut mem),
            params,
        );
        if let Err(e) = result {
            panic!("{rule}: the SVD of the {m}×{n} input did not converge ({e:?})");
        }
    }
    let s = s.column_vector();
    let s = Array1::from_iter((0..k).map(|i| s[i]));
    (u, s, vt)
}

/// The singular values of `a`, without the vectors.
///
/// # Panics
/// As [`thin_svd`].
#[track_caller]
pub(crate) fn singular_values<T: Real>(rule: &str, a: ArrayView2<'_, T>) -> Array1<T> {
    let (m, n) = a.dim();
    check_finite(rule, a);
    if m.min(n) == 0 {
        return Array1::zeros(0);
    }
    match a.into_faer().singular_values() {
        Ok(s) => Array1::from(s),
        Err(e) => panic!("{rule}: the SVD of the {m}×{n} input did not converge ({e:?})"),
    }
}

#[track_caller]
fn check_finite<T: Real>(rule: &str, a: ArrayView2<'_, T>) {
    if let Some(((i, j), v)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        panic!("{rule}: the input must be finite, but a[[{i}, {j}]] = {v:?}");
    }
}

/// The off-diagonal part of the SVD pullback's middle matrix, in one pass over the pairs `i < j`
/// (DESIGN §5):
///
/// `M_ij = (aP + aQ)_ij / (s_j − s_i) + (aP − aQ)_ij / (s_j + s_i)`, with `aX = (X − Xᵀ)/2` and
/// each inverse taken as `0` below `tol`. `P` or `Q` may be `Zero`. The diagonal is zero.
pub(crate) fn middle<'a, T: Real>(
    s: &Array1<T>,
    tol: T,
    p: impl Into<MaybeZero<&'a Array2<T>>>,
    q: impl Into<MaybeZero<&'a Array2<T>>>,
) -> Array2<T> {
    let (p, q) = (p.into(), q.into());
    let k = s.len();
    let half = T::from(0.5).unwrap_or_else(T::one);
    let anti = |x: &MaybeZero<&Array2<T>>, i: usize, j: usize| match x {
        MaybeZero::Value(x) => (x[[i, j]] - x[[j, i]]) * half,
        MaybeZero::Zero => T::zero(),
    };
    let mut m = Array2::<T>::zeros((k, k));
    for i in 0..k {
        for j in (i + 1)..k {
            let (ap, aq) = (anti(&p, i, j), anti(&q, i, j));
            let d = inv(s[j] - s[i], tol);
            let e = inv(s[j] + s[i], tol);
            // (i, j) as written; (j, i) from aX_ji = −aX_ij and 1/(s_i − s_j) = −d.
            m[[i, j]] = (ap + aq) * d + (ap - aq) * e;
            m[[j, i]] = (ap + aq) * d - (ap - aq) * e;
        }
    }
    m
}

/// `(Ū − U P) S⁻¹`, in `Ū`'s own buffer: the part of `Ū` outside the span of `U`, present only
/// when `m > k` (when `U` is square it is zero).
pub(crate) fn project_columns<T: Real>(
    mut du: Array2<T>,
    u: &Array2<T>,
    p: &Array2<T>,
    s: &Array1<T>,
    tol: T,
) -> Array2<T> {
    let (m, k) = u.dim();
    if m > k {
        general_mat_mul(-T::one(), u, p, T::one(), &mut du);
        for (mut col, &sj) in du.columns_mut().into_iter().zip(s) {
            let f = inv(sj, tol);
            col.mapv_inplace(|x| x * f);
        }
    } else {
        du.fill(T::zero());
    }
    du
}

/// `S⁻¹ (V̄ᵀ − Qᵀ Vᵀ)`, in `V̄ᵀ`'s own buffer: the mirror of [`project_columns`] for the rows,
/// present only when `n > k`.
pub(crate) fn project_rows<T: Real>(
    mut dvt: Array2<T>,
    vt: &Array2<T>,
    q: &Array2<T>,
    s: &Array1<T>,
    tol: T,
) -> Array2<T> {
    let (k, n) = vt.dim();
    if n > k {
        general_mat_mul(-T::one(), &q.t(), vt, T::one(), &mut dvt);
        for (mut row, &si) in dvt.rows_mut().into_iter().zip(s) {
            let f = inv(si, tol);
            row.mapv_inplace(|x| x * f);
        }
    } else {
        dvt.fill(T::zero());
    }
    dvt
}

/// `acc + U M`, accumulated in `acc`'s buffer.
pub(crate) fn add_product<'a, T: Real>(
    acc: impl Into<MaybeZero<Array2<T>>>,
    u: &Array2<T>,
    m: impl Into<MaybeZero<&'a Array2<T>>>,
) -> Array2<T> {
    match (acc.into(), m.into()) {
        (MaybeZero::Value(mut acc), MaybeZero::Value(m)) => {
            general_mat_mul(T::one(), u, m, T::one(), &mut acc);
            acc
        }
        (MaybeZero::Zero, MaybeZero::Value(m)) => u.dot(m),
        (MaybeZero::Value(acc), MaybeZero::Zero) => acc,
        (MaybeZero::Zero, MaybeZero::Zero) => Array2::zeros(u.raw_dim()),
    }
}

/// `acc + U diag(d)`, accumulated in `acc`'s buffer.
pub(crate) fn add_scaled_columns<'a, T: Real>(
    acc: impl Into<MaybeZero<Array2<T>>>,
    u: &Array2<T>,
    d: impl Into<MaybeZero<&'a Array1<T>>>,
) -> Array2<T> {
    match (acc.into(), d.into()) {
        (MaybeZero::Value(mut acc), MaybeZero::Value(d)) => {
            ndarray::Zip::from(&mut acc)
                .and(u)
                .and_broadcast(d)
                .for_each(|a, &x, &w| *a += x * w);
            acc
        }
        (MaybeZero::Zero, MaybeZero::Value(d)) => u * d,
        (MaybeZero::Value(acc), MaybeZero::Zero) => acc,
        (MaybeZero::Zero, MaybeZero::Zero) => Array2::zeros(u.raw_dim()),
    }
}

/// `left · Vᵀ + U · right`: the only allocation of the output.
pub(crate) fn assemble<T: Real>(
    left: impl Into<MaybeZero<Array2<T>>>,
    vt: &Array2<T>,
    u: &Array2<T>,
    right: impl Into<MaybeZero<Array2<T>>>,
) -> Array2<T> {
    let (m, n) = (u.nrows(), vt.ncols());
    match (left.into(), right.into()) {
        (MaybeZero::Value(left), MaybeZero::Value(right)) => {
            let mut out = left.dot(vt);
            general_mat_mul(T::one(), u, &right, T::one(), &mut out);
            out
        }
        (MaybeZero::Value(left), MaybeZero::Zero) => left.dot(vt),
        (MaybeZero::Zero, MaybeZero::Value(right)) => u.dot(&right),
        (MaybeZero::Zero, MaybeZero::Zero) => Array2::zeros((m, n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Zero;
    use ndarray::array;

    #[test]
    fn inverse_below_tolerance_is_zero() {
        assert_eq!(inv(1e-20, 1e-15), 0.0);
        assert_eq!(inv(-1e-20, 1e-15), 0.0);
        assert_eq!(inv(0.5, 1e-15), 2.0);
    }

    #[test]
    fn middle_matches_the_textbook_form_on_distinct_values() {
        // M_ij = F_ij ((P − Pᵀ) S + S (Q − Qᵀ))_ij with F_ij = 1/(s_j² − s_i²).
        let s: Array1<f64> = array![3.0, 2.0, 0.5];
        let p: Array2<f64> = array![[0.1, 0.2, -0.3], [0.7, 0.0, 0.4], [0.5, -0.6, 0.2]];
        let q: Array2<f64> = array![[0.0, -0.1, 0.9], [0.3, 0.2, -0.2], [0.8, 0.1, 0.0]];
        let m = middle(&s, 1e-12, &p, &q);
        for i in 0..3 {
            for j in 0..3 {
                let expected = if i == j {
                    0.0
                } else {
                    ((p[[i, j]] - p[[j, i]]) * s[j] + s[i] * (q[[i, j]] - q[[j, i]]))
                        / (s[j] * s[j] - s[i] * s[i])
                };
                assert!(
                    (m[[i, j]] - expected).abs() < 1e-12,
                    "({i}, {j}): {} vs {expected}",
                    m[[i, j]]
                );
            }
        }
        // Zero operands are the same as explicit zeros.
        let z = Array2::zeros((3, 3));
        assert_eq!(middle(&s, 1e-12, &p, Zero), middle(&s, 1e-12, &p, &z));
        assert_eq!(middle(&s, 1e-12, Zero, &q), middle(&s, 1e-12, &z, &q));
    }

    #[test]
    fn accumulating_kernels_reuse_the_buffer_and_accept_zero() {
        let u = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        let acc = Array2::<f64>::ones((3, 2));
        let ptr = acc.as_ptr();
        let acc = add_scaled_columns(acc, &u, &array![2.0, 3.0]);
        assert_eq!(acc.as_ptr(), ptr);
        assert_eq!(acc, array![[3.0, 1.0], [1.0, 4.0], [3.0, 4.0]]);
        let acc = add_product(acc, &u, &Array2::eye(2));
        assert_eq!(acc.as_ptr(), ptr);
        assert_eq!(acc, array![[4.0, 1.0], [1.0, 5.0], [4.0, 5.0]]);
        assert_eq!(
            add_scaled_columns(Zero, &u, &array![2.0, 3.0]),
            array![[2.0, 0.0], [0.0, 3.0], [2.0, 3.0]]
        );
        assert_eq!(add_product(Zero, &u, Zero), Array2::<f64>::zeros((3, 2)));
    }

    #[test]
    fn thin_svd_reconstructs_strided_and_negative_stride_views() {
        let a: Array2<f64> = array![
            [1.0, 2.0, 3.0],
            [4.0, 5.0, 6.5],
            [7.0, 8.5, 9.0],
            [1.0, 0.0, -1.0]
        ];
        for view in [a.view(), a.t(), a.slice(ndarray::s![..;-1, ..;2])] {
            let (u, s, vt) = thin_svd("svd", view);
            let rebuilt = (&u * &s).dot(&vt);
            let err = (&rebuilt - &view)
                .iter()
                .fold(0.0f64, |m, e: &f64| m.max(e.abs()));
            assert!(err < 1e-12, "reconstruction error {err}");
            assert!(
                s.windows(2).into_iter().all(|w| w[0] >= w[1]),
                "not sorted: {s}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "svd: the input must be finite, but a[[1, 0]] = NaN")]
    fn non_finite_input_is_reported() {
        let _ = thin_svd("svd", array![[1.0, 2.0], [f64::NAN, 0.0]].view());
    }
}
