//! The pieces of the SVD pullback (DESIGN §5) that are not plain products: the k×k core `C`,
//! computed in one pass, and the two projection terms, accumulated into the output without a
//! temporary of its size. Each takes the cotangent-dependent operands so that `#[rrule]` can pass
//! `Zero` for them (`#[pass_zero]`) or drop the statement.

use ndarray::{Array1, Array2};

use super::super::{Real, matmul, tolerance};
use crate::MaybeZero;

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
    let s_inv: Vec<T> = s.iter().map(|&v| tolerance::inv(v, tol)).collect();
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
                let d = tolerance::inv(s[j] - s[i], tol);
                let e = tolerance::inv(s[j] + s[i], tol);
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
            let svt = t.vt
                * &t.s
                    .mapv(|v| tolerance::inv(v, t.tol))
                    .insert_axis(ndarray::Axis(1));
            matmul::gemm(self.view_mut(), true, t.du.view(), svt.view(), T::one());
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
            let us = t.u * &t.s.mapv(|v| tolerance::inv(v, t.tol));
            matmul::gemm(self.view_mut(), true, us.view(), t.dvt.view(), T::one());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Zero;
    use ndarray::array;

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
    fn projection_terms_match_plain_products() {
        let vt: Array2<f64> = array![[1.0, 0.5], [-1.0, 2.0]];
        let c: Array2<f64> = array![[1.0, 2.0], [3.0, 4.0]];
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
}
