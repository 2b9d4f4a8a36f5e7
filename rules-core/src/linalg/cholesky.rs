//! The Cholesky factor of a symmetric positive definite matrix (faer's), and its pullback by two
//! triangular solves with the factor the forward pass computed.
//!
//! ```text
//! A = L Lᵀ (lower triangle of A read)
//! P = Φ(Lᵀ L̄)          Φ: the lower triangle, its diagonal halved
//! S = L⁻ᵀ P L⁻¹         two triangular solves, no inverse formed
//! Ā = ½ (S + Sᵀ)        symmetric
//! ```
//!
//! An input outside LAPACK's safe range (entries near `MAX`, or subnormal) is factored as
//! `4^k A` and `L` scaled back by `2^-k`, exactly.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::factor::{cholesky_in_place, cholesky_in_place_scratch};
use faer::linalg::matmul::triangular::BlockStructure;
use faer::linalg::triangular_solve::{
    solve_lower_triangular_in_place, solve_upper_triangular_in_place,
};
use faer_ext::IntoFaer;
use ndarray::{Array2, ArrayView2, ShapeBuilder, s};

use super::checks::{Part, check_shape, finite};
use super::matmul::{self, parallelism};
use super::{LinalgError, Real};
use crate::{frule, rrule};

/// The lower Cholesky factor `L` of `a = L Lᵀ`, reading only the lower triangle of `a` (the upper
/// one may hold anything, NaN included).
///
/// The pullback returns a **symmetric** `Ā`, the gradient with respect to a symmetric `a`
/// (PyTorch's and JAX's convention): the gradient with respect to the entries of the lower
/// triangle alone is `tril(Ā + Āᵀ) − diag(Ā)`.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::cholesky;
/// use rules_core::Pullback;
///
/// let a = array![[4.0, f64::NAN], [2.0, 5.0]]; // the upper triangle is not read
/// let (l, pb) = cholesky::rrule(a.view()).unwrap();
/// assert_eq!(l, array![[2.0, 0.0], [1.0, 2.0]]);
/// // d L₀₀ / d a₀₀ = 1 / (2 √a₀₀) = 1/4.
/// let g = pb.pullback(array![[1.0, 0.0], [0.0, 0.0]]);
/// assert!((g[[0, 0]] - 0.25).abs() < 1e-15);
/// assert_eq!(g[[0, 1]], g[[1, 0]]);
/// ```
///
/// # Errors
/// [`LinalgError::NotSquare`] for a non-square `a`, [`LinalgError::NonFinite`] for NaN or ±∞ in
/// its lower triangle, [`LinalgError::NotPositiveDefinite`] when a pivot is not positive.
///
/// # Panics
/// In the pullback, if the cotangent's shape differs from `L`'s; in the pushforward
/// (`L Φ(L⁻¹ Ȧ L⁻ᵀ)`, reading `Ȧ`'s lower triangle), if the tangent's differs from `a`'s.
#[rrule]
#[frule]
pub fn cholesky<T: Real>(a: ArrayView2<'_, T>) -> Result<Array2<T>, LinalgError> {
    let l = factor(a)?;
    Ok((
        l.clone(),
        move |dl: Array2<T>| -> Array2<T> {
            check_shape("cholesky", "dL", dl.shape(), l.shape());
            llt_pullback(&l, dl.view())
        },
        move |da: Array2<T>| -> Array2<T> {
            check_shape("cholesky", "dA", da.shape(), l.shape());
            llt_pushforward(&l, da)
        },
    ))
}

/// `L`, or why there is none.
fn factor<T: Real>(a: ArrayView2<'_, T>) -> Result<Array2<T>, LinalgError> {
    let (m, n) = a.dim();
    if m != n {
        return Err(LinalgError::NotSquare {
            rule: "cholesky",
            arg: "a",
            shape: (m, n),
        });
    }
    finite("cholesky", "a", a, Part::Lower)?;
    // The lower triangle of `a`, factored in place in the buffer returned.
    let mut l = Array2::<T>::zeros((n, n).f());
    for j in 0..n {
        l.slice_mut(s![j.., j]).assign(&a.slice(s![j.., j]));
    }
    // Outside LAPACK's safe range (entries near `MAX`, or subnormal), factor `4^k A` instead
    // (exact), and scale `L` back by `2^-k`: `LLᵀ` of `A`'s entries near `MAX` overflowed.
    let max_abs = l.iter().fold(T::zero(), |m, v| m.max(v.abs()));
    let half_exponent = super::cholqr::safe_range_scale(max_abs).map(|alpha| {
        let e = alpha.log2().round().to_i32().unwrap_or(0);
        e.div_euclid(2)
    });
    let two = T::one() + T::one();
    if let Some(k) = half_exponent {
        let alpha = two.powi(k) * two.powi(k);
        l.mapv_inplace(|v| v * alpha);
    }
    let par = parallelism(n);
    let mut mem = MemBuffer::new(cholesky_in_place_scratch::<T>(n, par, Default::default()));
    cholesky_in_place(
        l.view_mut().into_faer(),
        Default::default(),
        par,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .map_err(|_| LinalgError::NotPositiveDefinite { rule: "cholesky" })?;
    // The factorisation may leave scratch values above the diagonal.
    for j in 1..n {
        l.slice_mut(s![..j, j]).fill(T::zero());
    }
    if let Some(k) = half_exponent {
        let back = two.powi(-k);
        l.mapv_inplace(|v| v * back);
    }
    Ok(l)
}

/// `L̇ = L Φ(L⁻¹ Ȧ L⁻ᵀ)` for the symmetric `Ȧ` of `da`'s lower triangle (the function reads
/// only that triangle): two triangular solves in `da`'s buffer and one product. It is the adjoint
/// of [`llt_pullback`] on symmetric directions: `⟨L̄, L Φ(X)⟩ = ⟨Φ(Lᵀ L̄), X⟩` (`Φ` is
/// self-adjoint) `= ⟨L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, Ȧ⟩`.
fn llt_pushforward<T: Real>(l: &Array2<T>, da: Array2<T>) -> Array2<T> {
    let n = l.nrows();
    let half = T::one() / (T::one() + T::one());
    let mut x = super::eigh_rule::symmetric_from_lower(da);
    let par = parallelism(n);
    // L⁻¹ Ȧ, then on the buffer seen transposed L⁻¹ (L⁻¹ Ȧ)ᵀ = (L⁻¹ Ȧ L⁻ᵀ)ᵀ, symmetric.
    solve_lower_triangular_in_place(l.view().into_faer(), x.view_mut().into_faer(), par);
    solve_lower_triangular_in_place(
        l.view().into_faer(),
        x.view_mut().reversed_axes().into_faer(),
        par,
    );
    // Φ: the lower triangle, its diagonal halved.
    for j in 0..n {
        x[[j, j]] *= half;
    }
    // L Φ(X), a product of two lower triangles: lower triangular, a sixth of the flops.
    matmul::tri_mul(
        BlockStructure::TriangularLower,
        l.view(),
        BlockStructure::TriangularLower,
        x.view(),
        BlockStructure::TriangularLower,
        T::one(),
    )
}

/// `Ā = ½ (S + Sᵀ)` with `S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹`, in the one n×n buffer of `Lᵀ L̄`.
fn llt_pullback<T: Real>(l: &Array2<T>, dl: ArrayView2<'_, T>) -> Array2<T> {
    let n = l.nrows();
    let half = T::one() / (T::one() + T::one());
    // P = Φ(Lᵀ L̄): the lower triangle, its diagonal halved. Its entry (i, j), i ≥ j, is
    // Σ_{k ≥ i} L_ki L̄_kj, so only the triangles of Lᵀ (upper) and L̄ (lower) are read, and only
    // the lower triangle is formed: a sixth of the full product's flops.
    let mut m = matmul::tri_mul(
        BlockStructure::TriangularLower,
        l.t(),
        BlockStructure::TriangularUpper,
        dl,
        BlockStructure::TriangularLower,
        T::one(),
    );
    for j in 0..n {
        m[[j, j]] *= half;
    }
    let lt = l.t();
    let lt = lt.into_faer();
    let par = parallelism(n);
    // Y = L⁻ᵀ P in place; then, on the buffer seen transposed, L⁻ᵀ Yᵀ = Sᵀ: the buffer holds S.
    solve_upper_triangular_in_place(lt, m.view_mut().into_faer(), par);
    solve_upper_triangular_in_place(lt, m.view_mut().reversed_axes().into_faer(), par);
    // Ā = ½ (S + Sᵀ), in place.
    for j in 0..n {
        for i in 0..j {
            let v = (m[[i, j]] + m[[j, i]]) * half;
            m[[i, j]] = v;
            m[[j, i]] = v;
        }
    }
    m
}
