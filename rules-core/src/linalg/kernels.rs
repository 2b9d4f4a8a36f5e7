//! Building blocks shared by the linear-algebra rules.
//!
//! The accumulating kernels take their accumulator and their cotangent-dependent operands as
//! `impl Into<MaybeZero<_>>`, so a rule can mark the statement `#[pass_zero]` and let `#[rrule]`
//! pass `Zero` where an operand is statically zero: each pattern then compiles to the kernel
//! specialised for it, with the zero branch removed.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer_ext::IntoFaer;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, ShapeBuilder};

use super::Real;
use crate::MaybeZero;

/// `c ← alpha·a·b + c` (`accumulate`) or `c ← alpha·a·b`, with faer's matrix product on views of
/// any strides.
fn gemm<T: Real>(
    c: ArrayViewMut2<'_, T>,
    accumulate: bool,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    alpha: T,
) {
    let beta = if accumulate {
        faer::Accum::Add
    } else {
        faer::Accum::Replace
    };
    let par = parallelism(c.nrows().min(c.ncols()).min(a.ncols()));
    faer::linalg::matmul::matmul(
        c.into_faer(),
        beta,
        a.into_faer(),
        b.into_faer(),
        alpha,
        par,
    );
}

/// faer's rayon pool (all cores) when the smallest dimension of the work is at least 256, else
/// sequential: measured on a 2-core machine, threads only paid off for products and SVDs whose
/// every dimension is large (500×500: 15–25% faster); for tall, thin shapes they were slower.
fn parallelism(smallest_dim: usize) -> faer::Par {
    if smallest_dim < 256 {
        faer::Par::Seq
    } else {
        faer::Par::rayon(0)
    }
}

/// `a · b`, as a new column-major array (the layout faer's product writes fastest).
pub(crate) fn mul<T: Real>(a: ArrayView2<'_, T>, b: ArrayView2<'_, T>) -> Array2<T> {
    let mut c = Array2::zeros((a.nrows(), b.ncols()).f());
    gemm(c.view_mut(), false, a, b, T::one());
    c
}

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
        let par = parallelism(k);
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

/// The k×k core of the SVD pullback, in one pass over the pairs `i < j` (DESIGN §5):
///
/// ```text
/// C = M_off − [m > k] P S⁻¹ − [n > k] S⁻¹ Qᵀ
/// M_ij = (aP + aQ)_ij / (s_j − s_i) + (aP − aQ)_ij / (s_j + s_i)   (i ≠ j),  aX = (X − Xᵀ)/2
/// ```
///
/// so that `Ā = U (C + diag(s̄)) Vᵀ + [m > k] Ū S⁻¹ Vᵀ + [n > k] U S⁻¹ V̄ᵀ`: the projections
/// `(Ū − U P) S⁻¹` and `S⁻¹ (V̄ᵀ − Qᵀ Vᵀ)` are split into a scaling of the cotangent's own
/// buffer and a k×k term here, which saves one m×k×k product. Each inverse is taken as `0` below
/// `tol`. `P` or `Q` may be `Zero`.
pub(crate) fn middle<'a, T: Real>(
    s: &Array1<T>,
    tol: T,
    (m, n): (usize, usize),
    p: impl Into<MaybeZero<&'a Array2<T>>>,
    q: impl Into<MaybeZero<&'a Array2<T>>>,
) -> Array2<T> {
    let (p, q) = (p.into(), q.into());
    let k = s.len();
    let half = T::from(0.5).unwrap_or_else(T::one);
    let at = |x: &MaybeZero<&Array2<T>>, i: usize, j: usize| match x {
        MaybeZero::Value(x) => x[[i, j]],
        MaybeZero::Zero => T::zero(),
    };
    let s_inv: Vec<T> = s.iter().map(|&v| inv(v, tol)).collect();
    let (tall, wide) = (m > k, n > k);
    let mut c = Array2::<T>::zeros((k, k));
    for i in 0..k {
        for j in i..k {
            let (pij, pji, qij, qji) = (at(&p, i, j), at(&p, j, i), at(&q, i, j), at(&q, j, i));
            // The projection terms: −P S⁻¹ (column scaling) and −S⁻¹ Qᵀ (row scaling).
            let mut cij = T::zero();
            let mut cji = T::zero();
            if tall {
                cij -= pij * s_inv[j];
                cji -= pji * s_inv[i];
            }
            if wide {
                cij -= s_inv[i] * qji;
                cji -= s_inv[j] * qij;
            }
            if i != j {
                let (ap, aq) = ((pij - pji) * half, (qij - qji) * half);
                let d = inv(s[j] - s[i], tol);
                let e = inv(s[j] + s[i], tol);
                // (i, j) as written; (j, i) from aX_ji = −aX_ij and 1/(s_i − s_j) = −d.
                cij += (ap + aq) * d + (ap - aq) * e;
                cji += (ap + aq) * d - (ap - aq) * e;
                c[[j, i]] = cji;
            }
            c[[i, j]] = cij;
        }
    }
    c
}

/// `diag(d)`, kept as its diagonal: added to a dense core in place, or applied as a scaling of the
/// small factor by [`sandwich`], so the `s̄` pattern never multiplies by a dense diagonal matrix.
pub(crate) struct Diagonal<'a, T>(&'a Array1<T>);

/// `diag(d)`; see [`Diagonal`].
pub(crate) fn diag<T>(d: &Array1<T>) -> Diagonal<'_, T> {
    Diagonal(d)
}

impl<T: Real> core::ops::Add<Diagonal<'_, T>> for Array2<T> {
    type Output = Array2<T>;
    /// `C + diag(d)`, in `C`'s buffer.
    fn add(mut self, d: Diagonal<'_, T>) -> Array2<T> {
        self.diag_mut().zip_mut_with(d.0, |c, &x| *c += x);
        self
    }
}

/// The k×k core of [`sandwich`]: a dense matrix or a diagonal.
pub(crate) trait Core<T: Real> {
    /// `U · self · Vᵀ`, associated the cheap way round.
    fn between(&self, u: &Array2<T>, vt: &Array2<T>) -> Array2<T>;
}

impl<T: Real> Core<T> for Array2<T> {
    fn between(&self, u: &Array2<T>, vt: &Array2<T>) -> Array2<T> {
        if u.nrows() >= vt.ncols() {
            mul(u.view(), mul(self.view(), vt.view()).view())
        } else {
            mul(mul(u.view(), self.view()).view(), vt.view())
        }
    }
}

impl<T: Real> Core<T> for Diagonal<'_, T> {
    fn between(&self, u: &Array2<T>, vt: &Array2<T>) -> Array2<T> {
        if u.nrows() >= vt.ncols() {
            mul(
                u.view(),
                (vt * &self.0.view().insert_axis(ndarray::Axis(1))).view(),
            )
        } else {
            mul((u * self.0).view(), vt.view())
        }
    }
}

/// `U C Vᵀ`, associated the cheap way round: `U (C Vᵀ)` for a tall input, `(U C) Vᵀ` for a wide
/// one, so the k×k core only ever meets the small factor first (for a [`Diagonal`] core, as a
/// scaling). This is the output's one large allocation.
pub(crate) fn sandwich<T: Real>(u: &Array2<T>, c: &impl Core<T>, vt: &Array2<T>) -> Array2<T> {
    c.between(u, vt)
}

/// The term `Ū S⁻¹ Vᵀ`, present when `m > k`, added into the output by `+=` without a temporary
/// of the output's size (see [`middle`] for where `−U P S⁻¹` went).
pub(crate) struct LeftProjection<'a, T> {
    du: Array2<T>,
    s: &'a Array1<T>,
    vt: &'a Array2<T>,
    tol: T,
}

/// [`LeftProjection`] of the cotangent `du`.
pub(crate) fn left_projection<'a, T: Real>(
    du: Array2<T>,
    s: &'a Array1<T>,
    vt: &'a Array2<T>,
    tol: T,
) -> LeftProjection<'a, T> {
    LeftProjection { du, s, vt, tol }
}

impl<T: Real> core::ops::AddAssign<LeftProjection<'_, T>> for Array2<T> {
    fn add_assign(&mut self, t: LeftProjection<'_, T>) {
        if t.du.nrows() > t.s.len() {
            // Ū (S⁻¹ Vᵀ): the scaling lands on the k×n factor, not on Ū.
            let svt = t.vt * &t.s.mapv(|v| inv(v, t.tol)).insert_axis(ndarray::Axis(1));
            gemm(self.view_mut(), true, t.du.view(), svt.view(), T::one());
        }
    }
}

/// The term `U S⁻¹ V̄ᵀ`, present when `n > k`: the mirror of [`LeftProjection`].
pub(crate) struct RightProjection<'a, T> {
    u: &'a Array2<T>,
    s: &'a Array1<T>,
    dvt: Array2<T>,
    tol: T,
}

/// [`RightProjection`] of the cotangent `dvt`.
pub(crate) fn right_projection<'a, T: Real>(
    u: &'a Array2<T>,
    s: &'a Array1<T>,
    dvt: Array2<T>,
    tol: T,
) -> RightProjection<'a, T> {
    RightProjection { u, s, dvt, tol }
}

impl<T: Real> core::ops::AddAssign<RightProjection<'_, T>> for Array2<T> {
    fn add_assign(&mut self, t: RightProjection<'_, T>) {
        if t.dvt.ncols() > t.s.len() {
            let us = t.u * &t.s.mapv(|v| inv(v, t.tol));
            gemm(self.view_mut(), true, us.view(), t.dvt.view(), T::one());
        }
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
        // Square: no projection terms, C is M's off-diagonal.
        let m = middle(&s, 1e-12, (3, 3), &p, &q);
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
        for shape in [(3, 3), (5, 3), (3, 5)] {
            assert_eq!(
                middle(&s, 1e-12, shape, &p, Zero),
                middle(&s, 1e-12, shape, &p, &z)
            );
            assert_eq!(
                middle(&s, 1e-12, shape, Zero, &q),
                middle(&s, 1e-12, shape, &z, &q)
            );
        }
        // Tall: − P S⁻¹ joins; wide: − S⁻¹ Qᵀ.
        let tall = middle(&s, 1e-12, (5, 3), &p, &z) - middle(&s, 1e-12, (3, 3), &p, &z);
        assert!((tall + &p / &s).iter().all(|e| e.abs() < 1e-12));
        let wide = middle(&s, 1e-12, (3, 5), &z, &q) - middle(&s, 1e-12, (3, 3), &z, &q);
        assert!(
            (wide + &q.t() / &s.view().insert_axis(ndarray::Axis(1)))
                .iter()
                .all(|e| e.abs() < 1e-12)
        );
    }

    #[test]
    fn sandwich_and_projection_terms_match_plain_products() {
        let u: Array2<f64> = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        let c: Array2<f64> = array![[1.0, 2.0], [3.0, 4.0]];
        let vt: Array2<f64> = array![[1.0, 0.5], [-1.0, 2.0]];
        assert_eq!(sandwich(&u, &c, &vt), u.dot(&c).dot(&vt));
        assert_eq!(sandwich(&vt, &c, &u.t().to_owned()), vt.dot(&c).dot(&u.t()));
        let d = array![2.0, -1.0];
        let dense = Array2::from_diag(&d);
        assert_eq!(sandwich(&u, &diag(&d), &vt), u.dot(&dense).dot(&vt));
        assert_eq!(
            sandwich(&vt, &diag(&d), &u.t().to_owned()),
            vt.dot(&dense).dot(&u.t())
        );
        assert_eq!(c.clone() + diag(&d), &c + &dense);
        let s = array![2.0, 0.5];
        let du = array![[1.0, 1.0], [2.0, 0.0], [0.0, 3.0]];
        let mut out = Array2::zeros((3, 2));
        out += left_projection(du.clone(), &s, &vt, 1e-12);
        assert_eq!(out, (&du / &s).dot(&vt));
        // Square: the term is absent.
        let mut sq = Array2::zeros((2, 2));
        sq += left_projection(c.clone(), &s, &vt, 1e-12);
        sq += right_projection(&vt, &s, c.clone(), 1e-12);
        assert_eq!(sq, Array2::zeros((2, 2)));
        let mut wide = Array2::zeros((2, 3));
        let dvt = array![[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]];
        wide += right_projection(&vt, &s, dvt.clone(), 1e-12);
        assert_eq!(wide, (&vt / &s).dot(&dvt));
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
