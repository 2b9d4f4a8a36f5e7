//! The SVD's forward pass, as accurate as LAPACK's on every finite input.
//!
//! * **Tall and wide inputs** (one side at least [`REDUCE_RATIO`] times the other) are first
//!   reduced to a k×k triangular factor by Cholesky QR ([`cholqr`]: CholeskyQR2, or shifted
//!   CholeskyQR3 for ill-conditioned inputs, in fused passes over row blocks), whose SVD faer
//!   computes; one more pass over the matrix forms the big factor. Cholesky QR checks its own
//!   result at every step; when a check fails (very ill-conditioned or rank-deficient inputs, in
//!   the tests: condition numbers near 1e15, exactly repeated or zero columns), the general path
//!   runs instead.
//! * **Everything else** goes to faer's bidiagonal SVD applied to the whole matrix. faer's own
//!   QR pre-reduction for tall inputs is turned off: it treats a column whose remaining norm is
//!   below `16·m·ε` of its norm as zero, which loses the small singular values of ill-conditioned
//!   tall inputs (2e-11 relative error at 200000×10 with condition number 1e12, 5% in `f32`).
//! * **Scaling**: an input whose largest entry lies outside `[√min / ε, ε / √min]` (LAPACK's
//!   thresholds) is scaled by a power of two first, which is exact; Cholesky QR always scales, for
//!   free, in the pass that copies the input. Without it faer does not converge on a finite
//!   50000×12 input scaled by 1e200, and loses the small values of one scaled by 1e-200.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::svd::{ComputeSvdVectors, SvdParams};
use faer_ext::IntoFaer;
use ndarray::{Array1, Array2, ArrayView2, ShapeBuilder};

use super::super::cholqr::{self, scaled_into_safe_range};
use super::super::{Field, Real, checks, matmul};

/// `(U, S, Vt)`.
type Usv<T> = (
    Array2<T>,
    Array1<<T as faer::traits::ComplexField>::Real>,
    Array2<T>,
);

/// Inputs with `m ≥ REDUCE_RATIO · n` (or the transpose) are reduced by Cholesky QR first.
///
/// Measured when the ratio was chosen (f64, well conditioned, the reduction still on one
/// thread): at 200000×10 it took 9.4 ms against 20 ms for faer's bidiagonal SVD of the whole
/// matrix; at 4000×100, 7.9 against 15.6 ms; at 1000×400 (ratio 2.5) it was slower, 42 against
/// 35 ms.
pub(crate) const REDUCE_RATIO: usize = 4;

/// The thin SVD `(U, S, Vt)` of `a`, any strides; `U` and `Vt` are written straight into the
/// buffers returned.
///
/// # Panics
/// If `a` holds NaN or ±∞, or if faer's iteration does not converge.
#[track_caller]
pub(crate) fn thin_svd<T: Real>(
    rule: &str,
    a: ArrayView2<'_, T>,
) -> (Array2<T>, Array1<T>, Array2<T>) {
    let (m, n) = a.dim();
    let max_abs = checks::max_abs_finite(rule, a, checks::Part::All);
    if max_abs > T::zero() && m.min(n) > 0 {
        if m >= REDUCE_RATIO * n {
            if let Some((big, s, small)) = reduced(a, max_abs, true) {
                return (big, s, small);
            }
        } else if n >= REDUCE_RATIO * m {
            // Aᵀ = (Q U_r) S V_rᵀ, so A = V_r S (Q U_r)ᵀ.
            if let Some((big, s, small)) = reduced(a.t(), max_abs, true) {
                return (small.reversed_axes(), s, big.reversed_axes());
            }
        }
    }
    general(rule, a, max_abs, true)
}

/// The singular values of `a`, without the vectors, by the same path as [`thin_svd`].
///
/// # Panics
/// As [`thin_svd`].
#[track_caller]
pub(crate) fn singular_values<T: Real>(rule: &str, a: ArrayView2<'_, T>) -> Array1<T> {
    let (m, n) = a.dim();
    let max_abs = checks::max_abs_finite(rule, a, checks::Part::All);
    if max_abs > T::zero() && m.min(n) > 0 {
        let tall = if m >= REDUCE_RATIO * n {
            Some(a)
        } else if n >= REDUCE_RATIO * m {
            Some(a.t())
        } else {
            None
        };
        if let Some((_, s, _)) = tall.and_then(|t| reduced(t, max_abs, false)) {
            return s;
        }
    }
    general(rule, a, max_abs, false).1
}

/// `(Q U_r, S, V_rᵀ)` for the tall `a = Q R` with `R = U_r S V_rᵀ`, or `None` when Cholesky QR
/// cannot certify its factorisation. Without `vectors`, only `S` (the others are empty).
fn reduced<T: Real>(a: ArrayView2<'_, T>, max_abs: T, vectors: bool) -> Option<Usv<T>> {
    let red = cholqr::reduce(a, max_abs)?;
    let r = red.r();
    let alpha = red.alpha;
    // R is k×k and its entries are O(1): no scaling, no reduction.
    let (ur, s, vrt) = faer_svd(r.view(), vectors);
    let s = s.mapv(|v| v / alpha);
    if !vectors {
        return Some((ur, s, vrt));
    }
    Some((red.finish(ur.view()), s, vrt))
}

/// faer's bidiagonal SVD of the whole of `a`, scaled by a power of two first when its largest
/// entry is outside LAPACK's safe range.
#[track_caller]
pub(crate) fn general<T: Field>(
    rule: &str,
    a: ArrayView2<'_, T>,
    max_abs: T::Real,
    vectors: bool,
) -> Usv<T> {
    let (m, n) = a.dim();
    let scaled = scaled_into_safe_range(a, max_abs);
    let view = scaled.as_ref().map_or(a, |(c, _)| c.view());
    let (u, s, vt) = match try_faer_svd(view, vectors) {
        Ok(usv) => usv,
        Err(e) => panic!("{rule}: the SVD of the {m}×{n} input did not converge ({e:?})"),
    };
    match scaled {
        Some((_, alpha)) => (u, s.mapv(|v| v / alpha), vt),
        None => (u, s, vt),
    }
}

/// The thin SVD of a complex matrix (`U`, `S`, `Vᴴ`; without `vectors`, `S` alone): the
/// general path, since complex inputs do not take the Cholesky QR one.
///
/// # Panics
/// If an entry is NaN or infinite (naming it), or if faer does not converge.
#[track_caller]
pub(crate) fn complex_svd<T: Field>(rule: &str, a: ArrayView2<'_, T>, vectors: bool) -> Usv<T> {
    let max_abs = checks::max_abs_finite(rule, a, checks::Part::All);
    general(rule, a, max_abs, vectors)
}

/// faer's SVD of a small, well-scaled matrix (the reduced factor).
fn faer_svd<T: Field>(a: ArrayView2<'_, T>, vectors: bool) -> Usv<T> {
    match try_faer_svd(a, vectors) {
        Ok(usv) => usv,
        Err(e) => panic!(
            "svd: the SVD of the reduced {}×{} factor did not converge ({e:?})",
            a.nrows(),
            a.ncols()
        ),
    }
}

/// faer's bidiagonal SVD (its QR pre-reduction off), written into the buffers returned: `U`
/// column-major, and `Vt` row-major, whose transpose is the `V` faer writes (conjugated in place
/// afterwards for a complex type, to give `Vᴴ`). `S` is real. Without `vectors`,
/// `U` and `Vt` are empty.
fn try_faer_svd<T: Field>(
    a: ArrayView2<'_, T>,
    vectors: bool,
) -> Result<Usv<T>, faer::linalg::svd::SvdError> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let (um, vn) = if vectors { (m, n) } else { (0, 0) };
    let mut u = Array2::<T>::zeros((um, k).f());
    let mut vt = Array2::<T>::zeros((k, vn));
    let mut s = faer::diag::Diag::<T>::zeros(k);
    if k > 0 {
        // On one thread below 256 (the R of a 2000×200 Cholesky QR is 200×200): measured on 2
        // cores, best of 9, the 200×200 SVD took 5.1–5.2 ms sequential against 5.6–6.2 ms
        // threaded at every recursion threshold from 32 to 128; level at 300×300.
        let par = if k < 256 {
            faer::Par::Seq
        } else {
            matmul::parallelism(k)
        };
        let mut params: faer::Spec<SvdParams, T> = Default::default();
        params.config.qr_ratio_threshold = f64::INFINITY;
        // The bidiagonal reduction on one thread up to 512×512 (faer's default threads it from
        // 192×256 entries): measured on 2 cores, the gradient of Σ U at 500×500 took 61–67 ms
        // with it against 80–88 ms threaded (best of 7, alternating runs); no change at
        // 1000×1000. The divide-and-conquer threshold (128) was measured at 16 to ∞: the
        // default was as fast as any, and QR iteration alone 1.8× slower.
        params.config.bidiag.par_threshold = 512 * 512;
        let compute = if vectors {
            ComputeSvdVectors::Thin
        } else {
            ComputeSvdVectors::No
        };
        let mut mem = MemBuffer::new(faer::linalg::svd::svd_scratch::<T>(
            m, n, compute, compute, par, params,
        ));
        faer::linalg::svd::svd(
            a.into_faer(),
            s.as_mut(),
            vectors.then(|| u.view_mut().into_faer()),
            // Vᵀ's buffer, seen transposed, is V: faer writes V straight into it.
            vectors.then(|| vt.view_mut().reversed_axes().into_faer()),
            par,
            MemStack::new(&mut mem),
            params,
        )?;
    }
    if !T::IS_REAL {
        vt.mapv_inplace(|x| x.conjugate());
    }
    let s = s.column_vector();
    Ok((u, Array1::from_iter((0..k).map(|i| s[i].real())), vt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn tall_and_wide_inputs_take_the_cholesky_qr_path() {
        // The accuracy suites would pass on the general path alone: make sure the reduction
        // really serves well-conditioned tall inputs (and, transposed, wide ones).
        let mut rng = crate::testing::Rng::new(6);
        let a = crate::testing::with_singular_values(
            &mut rng,
            400,
            8,
            &[3.0, 2.0, 1.5, 1.0, 0.9, 0.5, 0.2, 0.1],
        );
        let max = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let (u, s, vt) = reduced(a.view(), max, true).expect("reduced");
        let err = ((&u * &s).dot(&vt) - &a)
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(err < 1e-14, "{err:e}");
        // A wide input is reduced through its transpose: a tall view in column-major order.
        let wide = a.t().to_owned();
        assert!(reduced(wide.t(), max, false).is_some());
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
            assert_eq!(singular_values("svd", view), s);
        }
    }

    #[test]
    #[should_panic(expected = "svd: the input must be finite, but a[[1, 0]] = NaN")]
    fn non_finite_input_is_reported() {
        let _ = thin_svd("svd", array![[1.0, 2.0], [f64::NAN, 0.0]].view());
    }
}
