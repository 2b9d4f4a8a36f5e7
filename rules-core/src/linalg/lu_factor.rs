//! The LU factorisation with partial pivoting (faer's), of any shape, and its derivatives through
//! the triangular factors.
//!
//! For `A` m×n, `k = min(m, n)`, `P A = L U` (`P A` is `a.select(Axis(0), &perm)`), `L` m×k unit
//! lower, `U` k×n upper. Split `L = [L₁; L₂]` (`L₁` k×k) and `U = [U₁ U₂]` (`U₁` k×k), and `P A`
//! alike into its leading k×k block `A₁` and the rest `A₂` (rows below for a tall input, columns
//! to the right for a wide one). From `d(P A₁) = dL₁ U₁ + L₁ dU₁`, `X = L₁⁻¹ (P Ȧ)₁ U₁⁻¹` splits
//! into the strictly lower `L₁⁻¹ L̇₁` and the upper `U̇₁ U₁⁻¹`:
//!
//! ```text
//! L̇₁ = L₁ tril₋(X)          U̇₁ = triu(X) U₁
//! L̇₂ = (P Ȧ)₂ U₁⁻¹ − L₂ triu(X)                       (tall: L₂ = A₂ U₁⁻¹)
//! U̇₂ = L₁⁻¹ (P Ȧ)₂ − tril₋(X) U₂                      (wide: U₂ = L₁⁻¹ A₂)
//! ```
//!
//! and, pairing with `L̄` and `Ū`, the pullback
//!
//! ```text
//! M       = tril₋(L₁ᵀ L̄₁) + triu(Ū₁ U₁ᵀ) − [tall] triu(L₂ᵀ L̄₂) − [wide] tril₋(Ū₂ U₂ᵀ)
//! (P Ā)₁  = L₁⁻ᵀ M U₁⁻ᵀ
//! (P Ā)₂  = L̄₂ U₁⁻ᵀ [tall]      L₁⁻ᵀ Ū₂ [wide]
//! ```
//!
//! Every inverse is a triangular solve; no inverse is formed.

use faer::linalg::matmul::triangular::BlockStructure;
use faer::linalg::triangular_solve::{
    solve_lower_triangular_in_place, solve_upper_triangular_in_place,
};
use faer_ext::IntoFaer;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, ShapeBuilder, s};

use super::checks::{self, Part, check_shape};
use super::matmul::{self, parallelism};
use super::{Real, cholqr};
use crate::{NoTangent, frule, rrule};

/// The LU factorisation with partial pivoting: `(perm, L, U)` with
/// `a.select(Axis(0), &perm) = L · U`, `L` m×k unit lower triangular, `U` k×n upper triangular,
/// `k = min(m, n)`, for any shape.
///
/// The row permutation is a `Vec<usize>` (not differentiated: its cotangent and tangent are
/// [`NoTangent`]); `a.select(Axis(0), &perm)` applies it. An input outside LAPACK's safe range
/// (entries near `MAX`, or subnormal) is factored as `αA` (α a power of two, exact) and `U` scaled
/// back, so the factors are as accurate as LAPACK's `getrf` wherever they are representable.
///
/// The derivatives (derivation in the module docs of `linalg/lu_factor.rs`) are triangular
/// solves with `L₁` and `U₁`, the leading k×k blocks: `(Zero, L̄, Zero)` and `(Zero, Zero, Ū)`
/// each drop the other factor's product.
///
/// ```
/// use ndarray::{array, Axis};
/// use rules_core::linalg::lu;
///
/// let a: ndarray::Array2<f64> = array![[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]];
/// let (perm, l, u) = lu(a.view());
/// assert_eq!(perm[0], 2); // the largest pivot first
/// assert!((a.select(Axis(0), &perm) - l.dot(&u)).iter().all(|e| e.abs() < 1e-14));
/// assert_eq!((l[[0, 0]], l[[0, 1]], u[[1, 0]]), (1.0, 0.0, 0.0));
/// ```
///
/// # Memory
///
/// The whole gradient at 500×500 holds 6.0× the input: the caller's `L` and `U`, the pullback's
/// copies of both (the signature returns owned arrays), and in the pullback the core `M` and
/// `P Ā` before it is scattered back to `A`'s rows.
///
/// # Panics
/// If `a` holds NaN or ±∞ (naming `lu` and the entry). In the pullback and the pushforward, if a
/// cotangent or tangent has the wrong shape, and where `U₁` has a zero on its diagonal (a
/// singular leading block, where the factors are not differentiable: the derivatives divide by
/// that pivot).
#[rrule]
#[frule]
pub fn lu<T: Real>(a: ArrayView2<'_, T>) -> (Vec<usize>, Array2<T>, Array2<T>) {
    let (perm, l, u) = factor(a);
    #[rrule_only]
    let (pk, lk, uk) = (perm.clone(), l.clone(), u.clone());
    (
        (perm, l, u),
        move |_dperm: NoTangent, dl: Array2<T>, du: Array2<T>| -> Array2<T> {
            check_shape("lu", "dL", dl.shape(), lk.shape());
            check_shape("lu", "dU", du.shape(), uk.shape());
            check_pivots(&uk);
            // M, one term per cotangent ...
            let ml = l_terms(&lk, &dl);
            let mu = u_terms(&uk, &du);
            let m = ml + mu;
            // ... then P Ā, scattered back to A's rows.
            #[pass_zero]
            let pa = assemble(&lk, &uk, m, dl, du);
            unpermute(&pk, pa)
        },
        move |da: Array2<T>| -> (NoTangent, Array2<T>, Array2<T>) {
            check_shape("lu", "dA", da.shape(), &[lk.nrows(), uk.ncols()]);
            check_pivots(&uk);
            let pa = permuted(&pk, &da);
            let (dl, du) = tangents(&lk, &uk, pa);
            (NoTangent, dl, du)
        },
    )
}

/// `(perm, L, U)` of `a`.
#[track_caller]
fn factor<T: Real>(a: ArrayView2<'_, T>) -> (Vec<usize>, Array2<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    let max_abs = checks::max_abs_finite("lu", a, Part::All);
    if k == 0 {
        return (
            (0..m).collect(),
            Array2::zeros((m, 0)),
            Array2::zeros((0, n)),
        );
    }
    let scaled = cholqr::scaled_into_safe_range(a, max_abs);
    let alpha = scaled.as_ref().map_or(T::one(), |(_, alpha)| *alpha);
    let b = scaled.as_ref().map_or(a, |(b, _)| b.view());
    let f = super::plu::Plu::new(b.into_faer());
    let p = f.packed();
    let l = Array2::from_shape_fn((m, k).f(), |(i, j)| match i.cmp(&j) {
        core::cmp::Ordering::Greater => p[(i, j)],
        core::cmp::Ordering::Equal => T::one(),
        core::cmp::Ordering::Less => T::zero(),
    });
    let u = Array2::from_shape_fn(
        (k, n),
        |(i, j)| {
            if i <= j { p[(i, j)] / alpha } else { T::zero() }
        },
    );
    let perm = f.P().arrays().0.to_vec();
    (perm, l, u)
}

#[track_caller]
fn check_pivots<T: Real>(u: &Array2<T>) {
    let k = u.nrows();
    if let Some(i) = (0..k).find(|&i| u[[i, i]] == T::zero()) {
        panic!(
            "lu: pivot {i} of U is zero, so the leading {k}×{k} block is singular and the factors are not differentiable there"
        );
    }
}

/// `tril₋(L₁ᵀ L̄₁) − [tall] triu(L₂ᵀ L̄₂)`. Beyond 64 columns only the triangles kept are
/// formed, with `L₁ᵀ` read as the unit upper triangle it is (a third of the full product).
fn l_terms<T: Real>(l: &Array2<T>, dl: &Array2<T>) -> Array2<T> {
    let k = l.ncols();
    let (l1, dl1) = (l.slice(s![..k, ..]), dl.slice(s![..k, ..]));
    let mut m = if k > 64 {
        matmul::tri_mul(
            BlockStructure::StrictTriangularLower,
            l1.t(),
            BlockStructure::UnitTriangularUpper,
            dl1,
            BlockStructure::Rectangular,
            T::one(),
        )
    } else {
        let mut m = matmul::t_mul(l1, dl1);
        strictly_lower(&mut m);
        m
    };
    if l.nrows() > k {
        let mut t = matmul::t_mul_upper(l.slice(s![k.., ..]), dl.slice(s![k.., ..]), false);
        upper(&mut t);
        m -= &t;
    }
    m
}

/// `triu(Ū₁ U₁ᵀ) − [wide] tril₋(Ū₂ U₂ᵀ)`, forming only those triangles, with `U₁ᵀ` read as
/// the lower triangle it is.
fn u_terms<T: Real>(u: &Array2<T>, du: &Array2<T>) -> Array2<T> {
    let k = u.nrows();
    let mut m = matmul::tri_mul(
        BlockStructure::TriangularUpper,
        du.slice(s![.., ..k]),
        BlockStructure::Rectangular,
        u.slice(s![.., ..k]).t(),
        BlockStructure::TriangularLower,
        T::one(),
    );
    if u.ncols() > k {
        let t = matmul::tri_mul(
            BlockStructure::StrictTriangularLower,
            du.slice(s![.., k..]),
            BlockStructure::Rectangular,
            u.slice(s![.., k..]).t(),
            BlockStructure::Rectangular,
            T::one(),
        );
        m -= &t;
    }
    m
}

/// `P Ā`: `L₁⁻ᵀ M U₁⁻ᵀ` in its leading block, `L̄₂ U₁⁻ᵀ` below it (tall), `L₁⁻ᵀ Ū₂` to its right
/// (wide).
fn assemble<T: Real>(
    l: &Array2<T>,
    u: &Array2<T>,
    m: Array2<T>,
    dl: impl Into<crate::MaybeZero<Array2<T>>>,
    du: impl Into<crate::MaybeZero<Array2<T>>>,
) -> Array2<T> {
    let (rows, k) = l.dim();
    let cols = u.ncols();
    let (l1, u1) = (l.slice(s![..k, ..]), u.slice(s![.., ..k]));
    let mut pa = Array2::<T>::zeros((rows, cols).f());
    pa.slice_mut(s![..k, ..k]).assign(&m);
    let mut lead = pa.slice_mut(s![..k, ..k]);
    left_solve(l1.t(), true, lead.view_mut());
    left_solve(u1, true, lead.reversed_axes());
    if let (true, crate::MaybeZero::Value(dl)) = (rows > k, dl.into()) {
        let mut below = pa.slice_mut(s![k.., ..]);
        below.assign(&dl.slice(s![k.., ..]));
        left_solve(u1, true, below.reversed_axes());
    }
    if let (true, crate::MaybeZero::Value(du)) = (cols > k, du.into()) {
        let mut right = pa.slice_mut(s![.., k..]);
        right.assign(&du.slice(s![.., k..]));
        left_solve(l1.t(), true, right);
    }
    pa
}

/// `(L̇, U̇)` for the permuted tangent `P Ȧ` (module docs), in its buffer where the shapes allow.
fn tangents<T: Real>(l: &Array2<T>, u: &Array2<T>, mut pa: Array2<T>) -> (Array2<T>, Array2<T>) {
    let (rows, k) = l.dim();
    let cols = u.ncols();
    let (l1, u1) = (l.slice(s![..k, ..]), u.slice(s![.., ..k]));
    // X = L₁⁻¹ (P Ȧ)₁ U₁⁻¹, and the off-block parts: (P Ȧ)₂ U₁⁻¹ (tall), L₁⁻¹ (P Ȧ)₂ (wide).
    left_solve(l1, false, pa.slice_mut(s![..k, ..]));
    left_solve(u1.t(), false, pa.slice_mut(s![.., ..k]).reversed_axes());
    let mut x_lower = pa.slice(s![..k, ..k]).to_owned();
    strictly_lower(&mut x_lower);
    let mut x_upper = pa.slice(s![..k, ..k]).to_owned();
    upper(&mut x_upper);
    let mut dl = Array2::<T>::zeros((rows, k).f());
    matmul::gemm(
        dl.slice_mut(s![..k, ..]),
        false,
        l1,
        x_lower.view(),
        T::one(),
    );
    if rows > k {
        let mut below = dl.slice_mut(s![k.., ..]);
        below.assign(&pa.slice(s![k.., ..]));
        matmul::gemm(below, true, l.slice(s![k.., ..]), x_upper.view(), -T::one());
    }
    let mut du = Array2::<T>::zeros((k, cols).f());
    matmul::gemm(
        du.slice_mut(s![.., ..k]),
        false,
        x_upper.view(),
        u1,
        T::one(),
    );
    if cols > k {
        let mut right = du.slice_mut(s![.., k..]);
        right.assign(&pa.slice(s![.., k..]));
        matmul::gemm(right, true, x_lower.view(), u.slice(s![.., k..]), -T::one());
    }
    (dl, du)
}

/// `x ← t⁻¹ x` for a triangular `t` (`upper` or lower), in place.
fn left_solve<T: Real>(t: ArrayView2<'_, T>, upper: bool, x: ArrayViewMut2<'_, T>) {
    let par = parallelism(t.nrows());
    if upper {
        solve_upper_triangular_in_place(t.into_faer(), x.into_faer(), par);
    } else {
        solve_lower_triangular_in_place(t.into_faer(), x.into_faer(), par);
    }
}

/// Zeroes the diagonal and everything above it.
fn strictly_lower<T: Real>(m: &mut Array2<T>) {
    for ((i, j), v) in m.indexed_iter_mut() {
        if j >= i {
            *v = T::zero();
        }
    }
}

/// Zeroes everything below the diagonal.
fn upper<T: Real>(m: &mut Array2<T>) {
    for ((i, j), v) in m.indexed_iter_mut() {
        if i > j {
            *v = T::zero();
        }
    }
}

/// `P Ȧ`: row `i` is row `perm[i]` of `Ȧ`.
fn permuted<T: Real>(perm: &[usize], da: &Array2<T>) -> Array2<T> {
    da.select(Axis(0), perm)
}

/// `Ā` from `P Ā`: row `i` of `P Ā` is row `perm[i]` of `Ā`.
fn unpermute<T: Real>(perm: &[usize], pa: Array2<T>) -> Array2<T> {
    let mut da = Array2::<T>::zeros(pa.dim());
    for (i, &p) in perm.iter().enumerate() {
        da.row_mut(p).assign(&pa.row(i));
    }
    da
}
