//! The thin QR factorisation, with R's diagonal non-negative, and its pullback in
//! projection-first form: no `Q Qᵀ`, no m×m matrix, and `Ā` written into `Q̄`'s buffer.
//!
//! For `A = Q R` with `m ≥ n` (`Q` m×n with orthonormal columns, `R` n×n upper triangular) and
//! cotangents `Q̄`, `R̄`: from `dA = dQ R + Q dR`, `X = Qᵀ dA R⁻¹` splits into the antisymmetric
//! `QᵀdQ` (its strictly lower part minus the transpose) and the upper triangular `dR R⁻¹`, so
//!
//! ```text
//! M = R̄ Rᵀ − Qᵀ Q̄                    (n×n)
//! N = sym_upper(M)                     the upper triangle of M, mirrored
//! Ā = (Q̄ + Q N) R⁻ᵀ                    a triangular solve, in Q̄'s buffer
//! ```
//!
//! For `m < n`, `A = Q [R₁ R₂]` with `R₁` m×m: `X = Q R₁` is a square factorisation, and
//! `Y = Q R₂` gives `R₂ = Qᵀ Y`, so the square rule runs with `Q̄ + Y R̄₂ᵀ` in place of `Q̄`, and
//! `Ȳ = Q R̄₂`.

use faer::linalg::matmul::triangular::BlockStructure;
use faer_ext::IntoFaer;
use ndarray::{Array2, ArrayView2, ShapeBuilder, s};

use super::checks::{self, Part, check_shape};
use super::{Real, matmul};
use super::{cholqr, householder};
use crate::{MaybeZero, frule, rrule};

/// The thin QR factorisation `A = Q R`: `Q` (m×k, orthonormal columns) and `R` (k×n, upper
/// triangular, diagonal non-negative), `k = min(m, n)`.
///
/// With R's diagonal positive the factorisation of a full-rank matrix is unique, so the pullback
/// has no sign gauge to worry about. Tall inputs (`m ≥ 4n`) go through the same Cholesky QR as
/// [`svd`](super::svd()) (streamed row blocks on all cores, its accuracy checked); the others, and
/// any input Cholesky QR cannot certify, through a blocked Householder QR (32-column panels, the
/// trailing updates and the forming of `Q` as faer's matrix products; `linalg/householder.rs`). Inputs outside LAPACK's
/// safe range are scaled by a power of two first.
///
/// The pullback is `Ā = (Q̄ + Q N) R⁻ᵀ` with `N` the symmetric matrix built from the upper
/// triangle of `R̄ Rᵀ − Qᵀ Q̄` (derivation below). It never forms `Q Qᵀ`, and it
/// writes `Ā` into `Q̄`'s buffer when `Q̄` has the output's shape (`m ≥ n`), so that pattern
/// allocates only n×n matrices. The signature returns `Array2`, so `qr::rrule` keeps its own copy
/// of `Q` and `R` for the pullback (the plain `qr` makes none). The `(Zero, R̄)` pattern is `Q · sym_upper(R̄ Rᵀ) · R⁻ᵀ`; the
/// `(Q̄, Zero)` pattern drops `R̄ Rᵀ`.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::qr;
/// use rules_core::{Pullback, Zero};
///
/// let a: ndarray::Array2<f64> = array![[3.0, 1.0], [4.0, 2.0], [0.0, 2.0]];
/// let ((q, r), pb) = qr::rrule(a.view());
/// assert!((q.dot(&r) - &a).iter().all(|e| e.abs() < 1e-14));
/// assert!(r[[0, 0]] > 0.0 && r[[1, 1]] > 0.0 && r[[1, 0]] == 0.0);
/// // ‖R‖²_F = ‖A‖²_F, so R̄ = 2R must give Ā = 2A.
/// let g = pb.pullback((Zero, &r * 2.0));
/// assert!((g - &a * 2.0).iter().all(|e: &f64| e.abs() < 1e-13));
/// ```
///
/// # Derivation
///
/// For `A = Q R` with `m ≥ n` and cotangents `Q̄`, `R̄`: from `dA = dQ R + Q dR`, the matrix
/// `X = Qᵀ dA R⁻¹` splits into the antisymmetric `QᵀdQ` (its strictly lower part minus that
/// part's transpose) and the upper triangular `dR R⁻¹`. Pairing with the cotangents gives
///
/// ```text
/// M = R̄ Rᵀ − Qᵀ Q̄                    (n×n)
/// N = sym_upper(M)                     the upper triangle of M, mirrored
/// Ā = (Q̄ + Q N) R⁻ᵀ                    a triangular solve, in Q̄'s buffer
/// ```
///
/// For `m < n`, `A = Q [R₁ R₂]` with `R₁` m×m: `Q R₁` is a square factorisation and `R₂ = Qᵀ Y`
/// for the trailing columns `Y`, so the square rule runs with `Q̄ + Y R̄₂ᵀ` in place of `Q̄`
/// (folded into `M` and `N` as `∓ R₂ R̄₂ᵀ`), and the trailing columns of `Ā` are `Q R̄₂`.
///
/// # Patterns
///
/// `(Q̄, R̄)` as above; `(Zero, R̄)` drops `Qᵀ Q̄` and computes `Q N` into a new array;
/// `(Q̄, Zero)` drops `R̄ Rᵀ` (and, for a wide input, the trailing columns' product); `(Zero,
/// Zero)` runs nothing.
///
/// # Accuracy
///
/// The Cholesky QR path checks its own result (see `linalg/cholqr.rs`). The Householder path
/// gives every column its reflector, however small its remaining norm, so `Q R = A` holds to a
/// few ulps of `‖A‖` on every finite input, rank-deficient ones included (tested normwise at
/// `20·ε`, measured 4–5·ε), and `Q` is orthonormal to rounding.
///
/// # Rank-deficient inputs
///
/// When a diagonal entry of `R` is zero (`A` without full rank `k` in its leading columns), the
/// corresponding columns of `Q` are not determined by `A` and the derivative does not exist:
/// the pullback divides by that entry and returns ±∞ or NaN, as PyTorch's and JAX's do. Use
/// [`svd`](super::svd()) or [`pinv`](super::pinv()) there: their pullbacks stay finite (the
/// gauge-invariant, respectively fixed-rank, derivative). Near a rank deficiency the gradient is
/// large; `min_i r_ii` against `r_00` tells how near.
///
/// # Memory
///
/// The whole gradient at 500×500 holds 5.0× the input (`perf_report -- --linalg`): the caller's
/// `Q` and `R`, the pullback's own copies (the signature returns owned arrays), and one k×k
/// core; `Ā` is written into `Q̄`'s buffer (for `m ≥ n`; a wide input's `Ā` is a new array).
/// The forward alone holds its column-major copy of the input, which becomes `Q` (for
/// `m ≥ n`), and `R`.
///
/// # Panics
/// If `a` holds NaN or ±∞ (naming the entry), and in the pullback or the pushforward if a
/// cotangent's or tangent's shape differs from its output's or input's. The pushforward (`Q̇ =
/// B − Q W`, `Ṙ = W R` with `B = Ȧ R⁻¹`) divides by `R`'s diagonal as the pullback does: ±∞ or
/// NaN at a rank-deficient input.
#[rrule]
#[frule]
pub fn qr<T: Real>(a: ArrayView2<'_, T>) -> (Array2<T>, Array2<T>) {
    let (q, r) = factor(a);
    // The pullback keeps its own copy; the plain function returns the factors without one.
    #[rrule_only]
    let (qk, rk) = (q.clone(), r.clone());
    (
        (q, r),
        move |dq: Array2<T>, dr: Array2<T>| -> Array2<T> {
            check_shape("qr", "dQ", dq.shape(), qk.shape());
            check_shape("qr", "dR", dr.shape(), rk.shape());
            // M = R̄ Rᵀ − Qᵀ Q̄ (k×k): the first term, then the second accumulated into its
            // buffer, and N, M's upper triangle mirrored (plus R₂ R̄₂ᵀ for a wide input).
            let rt = r_terms(&rk, &dr);
            #[pass_zero]
            let core = core(rt, &qk, &dq);
            // Ā = (Q̄ + Q N) R₁⁻ᵀ, in Q̄'s buffer when it has the output's shape.
            #[pass_zero]
            let da = assemble(&qk, &rk, core, dq, &dr);
            da
        },
        move |da: Array2<T>| -> (Array2<T>, Array2<T>) {
            check_shape("qr", "dA", da.shape(), &[qk.nrows(), rk.ncols()]);
            pushforward(&qk, &rk, da)
        },
    )
}

/// `(Q̇, Ṙ)` for the tangent `Ȧ`. For `m ≥ n`: `B = Ȧ R⁻¹` (a triangular solve in `Ȧ`'s
/// buffer), `X = Qᵀ B`, split into the antisymmetric `Ω = QᵀQ̇` (its strictly lower part minus
/// that part's transpose) and the upper triangular `W = X − Ω = Ṙ R⁻¹`:
///
/// ```text
/// Ṙ = W R
/// Q̇ = B − Q W          (= (I − Q Qᵀ) Ȧ R⁻¹ + Q Ω, projection-first, in Ȧ's buffer)
/// ```
///
/// For `m < n` the leading m×m block runs the square rule, and the trailing columns `R₂ = Qᵀ A₂`
/// get `Ṙ₂ = Q̇ᵀ A₂ + Qᵀ Ȧ₂ = −Ω R₂ + Qᵀ Ȧ₂`.
fn pushforward<T: Real>(q: &Array2<T>, r: &Array2<T>, mut da: Array2<T>) -> (Array2<T>, Array2<T>) {
    let k = q.ncols();
    let n = r.ncols();
    let r1 = r.slice(s![.., ..k]);
    // B = Ȧ₁ R₁⁻¹: X R₁ = Ȧ₁ ⇔ R₁ᵀ Xᵀ = Ȧ₁ᵀ.
    faer::linalg::triangular_solve::solve_lower_triangular_in_place(
        r1.t().into_faer(),
        da.slice_mut(s![.., ..k]).reversed_axes().into_faer(),
        matmul::parallelism(k),
    );
    let x = matmul::t_mul(q.view(), da.slice(s![.., ..k]));
    // Ω: X's strictly lower part minus its transpose (needed for a wide input's R₂ only).
    let omega = (n > k).then(|| {
        Array2::from_shape_fn((k, k), |(i, j)| match i.cmp(&j) {
            core::cmp::Ordering::Greater => x[[i, j]],
            core::cmp::Ordering::Less => -x[[j, i]],
            core::cmp::Ordering::Equal => T::zero(),
        })
    });
    // W = X − Ω: upper triangular, W_ij = X_ij + X_ji above the diagonal, in X's buffer.
    let mut w = x;
    for j in 0..k {
        for i in 0..j {
            let below = w[[j, i]];
            w[[i, j]] += below;
            w[[j, i]] = T::zero();
        }
    }
    // Ṙ₁ = W R₁, a product of upper triangles (a sixth of the flops).
    let mut dr = Array2::<T>::zeros((k, n));
    matmul::tri_gemm(
        dr.slice_mut(s![.., ..k]),
        false,
        BlockStructure::TriangularUpper,
        w.view(),
        BlockStructure::TriangularUpper,
        r1,
        BlockStructure::TriangularUpper,
        T::one(),
    );
    if let Some(omega) = omega {
        // Ṙ₂ = Qᵀ Ȧ₂ − Ω R₂.
        let mut dr2 = dr.slice_mut(s![.., k..]);
        matmul::gemm_adjoint(dr2.view_mut(), false, q.view(), da.slice(s![.., k..]));
        matmul::gemm(dr2, true, omega.view(), r.slice(s![.., k..]), -T::one());
    }
    // Q̇ = B − Q W, in B's buffer (a copy of Ȧ's leading block for a wide input).
    let mut dq = if n > k {
        da.slice(s![.., ..k]).to_owned()
    } else {
        da
    };
    matmul::tri_gemm(
        dq.view_mut(),
        true,
        BlockStructure::Rectangular,
        q.view(),
        BlockStructure::Rectangular,
        w.view(),
        BlockStructure::TriangularUpper,
        -T::one(),
    );
    (dq, dr)
}

/// `(Q, R)` of `a`, R's diagonal non-negative.
#[track_caller]
fn factor<T: Real>(a: ArrayView2<'_, T>) -> (Array2<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    let max_abs = checks::max_abs_finite("qr", a, Part::All);
    if max_abs > T::zero() && m >= 4 * n {
        if let Some(red) = cholqr::reduce(a, max_abs) {
            let alpha = red.alpha;
            let r = red.r().mapv(|v| v / alpha);
            let q = red.finish(Array2::eye(n).view());
            return (q, r);
        }
    }
    // The blocked Householder QR, on a column-major copy, scaled by a power of two when the
    // input is outside LAPACK's safe range.
    let mut w = Array2::<T>::zeros((m, n).f());
    w.assign(&a);
    let scale = cholqr::safe_range_scale(max_abs);
    if let Some(alpha) = scale {
        w.mapv_inplace(|v| v * alpha);
    }
    let (mut q, mut r) = householder::thin_qr(w);
    if let Some(alpha) = scale {
        r.mapv_inplace(|v| v / alpha);
    }
    // R's diagonal non-negative: flip row i of R and column i of Q together.
    for i in 0..k {
        if r[[i, i]] < T::zero() {
            r.row_mut(i).mapv_inplace(|v| -v);
            q.column_mut(i).mapv_inplace(|v| -v);
        }
    }
    (q, r)
}

/// The terms of `R̄`: `R̄₁ R₁ᵀ − R₂ R̄₂ᵀ`, and `R₂ R̄₂ᵀ` for a wide input (`R = [R₁ R₂]`, `R₁`
/// k×k; for `m ≥ n`, `R₂` is empty and only `R̄ Rᵀ` remains).
pub(crate) struct RTerms<T> {
    m: Array2<T>,
    wide: Option<Array2<T>>,
}

impl<T> From<RTerms<T>> for MaybeZero<RTerms<T>> {
    fn from(t: RTerms<T>) -> Self {
        MaybeZero::Value(t)
    }
}

/// [`RTerms`] of `R̄`. For a wide input `Qᵀ Y = R₂` with `Y = Q R₂`, so the `Y R̄₂ᵀ` that `R̄₂`
/// adds to `Q̄` contributes `−R₂ R̄₂ᵀ` to `M` and `+R₂ R̄₂ᵀ` to the multiplier of `Q`.
fn r_terms<T: Real>(r: &Array2<T>, dr: &Array2<T>) -> RTerms<T> {
    let (k, n) = r.dim();
    let (r1, dr1) = (r.slice(s![.., ..k]), dr.slice(s![.., ..k]));
    // Only M's upper triangle is read (N mirrors it), and R₁ᵀ is lower triangular.
    let mut m = matmul::t_mul_upper(dr1.t(), r1.t(), true);
    let wide = (n > k).then(|| {
        let w = matmul::mul(r.slice(s![.., k..]), dr.slice(s![.., k..]).t());
        m -= &w;
        w
    });
    RTerms { m, wide }
}

/// `N = sym_upper(M)` (+ `R₂ R̄₂ᵀ` for a wide input), with `M = R̄ Rᵀ − Qᵀ Q̄` assembled from the
/// terms that are not `Zero`: `−Qᵀ Q̄` is accumulated into the upper triangle of `R̄`'s term, or
/// computed alone into a new array when `R̄` is `Zero`.
fn core<'a, T: Real>(
    rt: impl Into<MaybeZero<RTerms<T>>>,
    q: &Array2<T>,
    dq: impl Into<MaybeZero<&'a Array2<T>>>,
) -> Array2<T> {
    let k = q.ncols();
    let (mut m, wide) = match (rt.into(), dq.into()) {
        (MaybeZero::Value(mut rt), MaybeZero::Value(dq)) => {
            matmul::t_mul_upper_add(rt.m.view_mut(), q.view(), dq.view(), -T::one());
            (rt.m, rt.wide)
        }
        (MaybeZero::Value(rt), MaybeZero::Zero) => (rt.m, rt.wide),
        (MaybeZero::Zero, MaybeZero::Value(dq)) => {
            let mut m = Array2::<T>::zeros((k, k).f());
            matmul::t_mul_upper_add(m.view_mut(), q.view(), dq.view(), -T::one());
            (m, None)
        }
        // Only the all-Zero pattern, which runs nothing, would get here.
        (MaybeZero::Zero, MaybeZero::Zero) => return Array2::zeros((0, 0)),
    };
    for j in 0..k {
        for i in j + 1..k {
            m[[i, j]] = m[[j, i]];
        }
    }
    if let Some(w) = wide {
        m += &w;
    }
    m
}

/// `Ā = (Q̄ + Q N) R₁⁻ᵀ`, followed for a wide input by the columns `Q R̄₂`. For `m ≥ n`, `Q̄` (when
/// given) has the output's shape and `Ā` is computed in its buffer: `Q̄ += Q N`, then the
/// triangular solve in place.
fn assemble<'a, T: Real>(
    q: &Array2<T>,
    r: &Array2<T>,
    core: Array2<T>,
    dq: impl Into<MaybeZero<Array2<T>>>,
    dr: impl Into<MaybeZero<&'a Array2<T>>>,
) -> Array2<T> {
    let (m, k) = q.dim();
    let n = r.ncols();
    // Ā, or for a wide input its leading m×m block X̄: in Q̄'s buffer when Q̄ has the output's
    // shape, else in the output allocated here (a wide Q̄ is m×m, copied into its block).
    let mut da = match dq.into() {
        MaybeZero::Value(dq) if n == k => dq,
        MaybeZero::Value(dq) => {
            let mut da = Array2::<T>::zeros((m, n));
            da.slice_mut(s![.., ..k]).assign(&dq);
            da
        }
        MaybeZero::Zero => Array2::<T>::zeros((m, n)),
    };
    let mut b = da.slice_mut(s![.., ..k]);
    // B = Q̄ + Q N (Q̄ already in place, or zero).
    matmul::gemm(b.view_mut(), true, q.view(), core.view(), T::one());
    // B R₁⁻ᵀ: X R₁ᵀ = B ⇔ R₁ Xᵀ = Bᵀ.
    faer::linalg::triangular_solve::solve_upper_triangular_in_place(
        r.slice(s![.., ..k]).into_faer(),
        b.reversed_axes().into_faer(),
        matmul::parallelism(k),
    );
    // Wide: the trailing columns are Q R̄₂.
    if let (true, MaybeZero::Value(dr)) = (n > k, dr.into()) {
        matmul::gemm(
            da.slice_mut(s![.., k..]),
            false,
            q.view(),
            dr.slice(s![.., k..]),
            T::one(),
        );
    }
    da
}
