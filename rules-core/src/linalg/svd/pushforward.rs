//! The SVD's pushforward, the adjoint of its pullback term by term: the same gaps, the same
//! tolerance, the same projection-first terms, so that `check_adjoint` holds exactly also at
//! repeated and zero singular values.
//!
//! For `A = U S Vᴴ` and a tangent `Ȧ`, with `G = Uᴴ Ȧ V` (k×k), `d_ij = 1/(s_j − s_i)` and
//! `e_ij = 1/(s_j + s_i)` (each `0` at or below the tolerance), `X_ij = (d_ij + e_ij) G_ij` and
//! `Y_ij = (d_ij − e_ij) G_ij` off the diagonal, `sk(Z) = (Z − Zᴴ)/2` and
//! `D = diag(i·Im G_ii / (2 s_i))` (zero for a real input):
//!
//! ```text
//! ṡ  = Re diag(G)
//! U̇  = U (sk(X) + D − [m > k] G S⁻¹)  +  [m > k] (Ȧ V) S⁻¹
//! V̇ᴴ = (−sk(Y) + D − [n > k] S⁻¹ G) Vᴴ  +  [n > k] S⁻¹ (Uᴴ Ȧ)
//! ```
//!
//! `sk(X)` is the textbook `F ∘ (G S + S Gᴴ)` with `F_ij = 1/(s_j² − s_i²)`, split over the two
//! gaps as the pullback splits it. The projections `(I − U Uᴴ) Ȧ V S⁻¹` are applied as a k×k
//! term folded into the core and a column scaling of `Ȧ V`'s own buffer: for a tall input the
//! pushforward is three m×k×k products (`Ȧ V`, `Uᴴ (Ȧ V)`, `U·core`) and allocates one m×k
//! array, the one it returns.

use ndarray::{Array1, Array2, ArrayView2, Axis};

use super::super::{Field, matmul, tolerance};

/// `(U̇, ṡ, V̇ᴴ)` for the tangent `da` of the input (module docs).
pub(crate) fn tangents<T: Field>(
    u: ArrayView2<'_, T>,
    s: &Array1<T::Real>,
    vt: ArrayView2<'_, T>,
    tol: T::Real,
    da: ArrayView2<'_, T>,
) -> (Array2<T>, Array1<T::Real>, Array2<T>) {
    let (m, k) = u.dim();
    let n = vt.ncols();
    let (tall, wide) = (m > k, n > k);
    // G = Uᴴ Ȧ V, through whichever of Ȧ V (m×k) and Uᴴ Ȧ (k×n) the projection needs.
    let (g, av, uha) = if m >= n {
        let av = matmul::mul_adjoint(da, vt);
        (matmul::t_mul(u, av.view()), Some(av), None)
    } else {
        let uha = matmul::t_mul(u, da);
        (matmul::mul_adjoint(uha.view(), vt), None, Some(uha))
    };
    let ds = g.diag().mapv(Field::real);
    let s_inv = s.mapv(|v| tolerance::inv(v, tol));
    let (core_u, core_vt) = cores(&g, s, &s_inv, tol, (tall, wide));
    // U̇ = U·core_U + [m > k] (Ȧ V) S⁻¹, in Ȧ V's buffer.
    let du = match av {
        Some(mut av) if tall => {
            scale_columns_in_place(&mut av, &s_inv);
            matmul::gemm(av.view_mut(), true, u, core_u.view(), T::one());
            av
        }
        _ => matmul::mul(u, core_u.view()),
    };
    // V̇ᴴ = core_Vᴴ·Vᴴ + [n > k] S⁻¹ (Uᴴ Ȧ), in Uᴴ Ȧ's buffer.
    let dvt = match uha {
        Some(mut uha) if wide => {
            for (mut row, &si) in uha.axis_iter_mut(Axis(0)).zip(&s_inv) {
                row.mapv_inplace(|v| v.times_real(si));
            }
            matmul::gemm(uha.view_mut(), true, core_vt.view(), vt, T::one());
            uha
        }
        _ => matmul::mul(core_vt.view(), vt),
    };
    (du, ds, dvt)
}

/// `ṡ = Re diag(Uᴴ Ȧ V)` alone: one product with the smaller intermediate (`Uᴴ Ȧ` for a tall
/// input, `Ȧ V` for a wide one) and a row-by-row dot product with the other factor.
pub(crate) fn singular_value_tangents<T: Field>(
    u: ArrayView2<'_, T>,
    vt: ArrayView2<'_, T>,
    da: ArrayView2<'_, T>,
) -> Array1<T::Real> {
    let (m, n) = da.dim();
    let zero = <T::Real as num_traits::Zero>::zero();
    if m >= n {
        // G_ii = Σ_j (Uᴴ Ȧ)_ij · conj(Vᴴ_ij).
        let uha = matmul::t_mul(u, da);
        uha.rows()
            .into_iter()
            .zip(vt.rows())
            .map(|(a, v)| {
                a.iter()
                    .zip(v)
                    .fold(zero, |acc, (&x, &y)| acc + (x * y.conjugate()).real())
            })
            .collect()
    } else {
        // G_ii = Σ_r conj(U_ri) · (Ȧ V)_ri.
        let av = matmul::mul_adjoint(da, vt);
        av.columns()
            .into_iter()
            .zip(u.columns())
            .map(|(a, w)| {
                a.iter()
                    .zip(w)
                    .fold(zero, |acc, (&x, &y)| acc + (y.conjugate() * x).real())
            })
            .collect()
    }
}

/// The k×k cores of `U̇` and `V̇ᴴ` (module docs), in one pass over the pairs `i ≤ j`.
fn cores<T: Field>(
    g: &Array2<T>,
    s: &Array1<T::Real>,
    s_inv: &Array1<T::Real>,
    tol: T::Real,
    (tall, wide): (bool, bool),
) -> (Array2<T>, Array2<T>) {
    let k = s.len();
    let zero_r = <T::Real as num_traits::Zero>::zero();
    let half = <T::Real as num_traits::One>::one()
        / (<T::Real as num_traits::One>::one() + <T::Real as num_traits::One>::one());
    let mut cu = Array2::<T>::zeros((k, k));
    let mut cv = Array2::<T>::zeros((k, k));
    for i in 0..k {
        for j in i..k {
            let (gij, gji) = (g[[i, j]], g[[j, i]]);
            if i == j {
                // D_ii = i·Im G_ii / (2 s_i): the phase rotation, shared by U and V.
                let d = T::from_parts(zero_r, gij.imag() * half * s_inv[i]);
                cu[[i, i]] = d;
                cv[[i, i]] = d;
            } else {
                let d = tolerance::inv(s[j] - s[i], tol);
                let e = tolerance::inv(s[j] + s[i], tol);
                // sk(X)_ij with X_ij = (d + e) G_ij and X_ji = (e − d) G_ji; sk(X)_ji = −conj.
                let xu =
                    (gij.times_real(d + e) - gji.conjugate().times_real(e - d)).times_real(half);
                // −sk(Y)_ij with Y_ij = (d − e) G_ij and Y_ji = −(d + e) G_ji.
                let yv =
                    -(gij.times_real(d - e) + gji.conjugate().times_real(d + e)).times_real(half);
                cu[[i, j]] = xu;
                cu[[j, i]] = -xu.conjugate();
                cv[[i, j]] = yv;
                cv[[j, i]] = -yv.conjugate();
            }
        }
    }
    // The projections' k×k terms: −G S⁻¹ (tall) and −S⁻¹ G (wide).
    for i in 0..k {
        for j in 0..k {
            if tall {
                cu[[i, j]] -= g[[i, j]].times_real(s_inv[j]);
            }
            if wide {
                cv[[i, j]] -= g[[i, j]].times_real(s_inv[i]);
            }
        }
    }
    (cu, cv)
}

/// `x · diag(d)` in `x`'s buffer.
fn scale_columns_in_place<T: Field>(x: &mut Array2<T>, d: &Array1<T::Real>) {
    for (mut col, &dj) in x.axis_iter_mut(Axis(1)).zip(d) {
        col.mapv_inplace(|v| v.times_real(dj));
    }
}
