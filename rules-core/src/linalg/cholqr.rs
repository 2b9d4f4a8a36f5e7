//! The QR factorisation of a tall matrix by Cholesky QR, in fused passes over row blocks: the
//! reduction the SVD uses for tall and wide inputs (and any rule that needs an orthonormal basis
//! of a tall matrix's range).
//!
//! Cholesky QR computes `R` as the Cholesky factor of the Gram matrix `AᵀA` and `Q = A R⁻¹`. The
//! triangular solve is backward stable row by row (`A = Q R` to a few ulps of `‖Q‖·‖R‖`, so of
//! `‖A‖` as long as `Q`'s columns stay of norm about 1), but `Q` is orthonormal only to about
//! `κ(A)²·ε`; repeating the step on `Q`
//! (CholeskyQR2, Yamamoto, Nakatsukasa, Yanagisawa and Fukaya 2015) makes it orthonormal to `ε`
//! once the first `Q` is well conditioned. For `κ(A)` beyond about `ε^{-1/2}` the first step adds
//! a shift `σ = 11 (mn + n(n+1)) ε ‖A‖²_F` to the Gram matrix (shifted CholeskyQR3, Fukaya,
//! Kannan, Nakatsukasa, Yamamoto and Yanagisawa 2020), which keeps `Q` well enough conditioned for
//! the following steps.
//!
//! Nothing here trusts the theory's constants. Every intermediate basis `W` must have columns of
//! norm at most `√2` (so that the rounding errors of the steps stay of order `ε‖A‖` in the
//! reconstruction); a step is the last one only when the Gram matrix of its input is within `1/2`
//! of the identity in the Frobenius norm (so that its own rounding errors are amplified by at
//! most `3`); and [`reduce`] returns `None` when that is not reached in three refinement steps,
//! or when a Cholesky factorisation fails. In the tests that happens near condition number 1e15
//! and for exactly repeated or zero columns, while inputs that are rank-deficient only up to
//! rounding are reduced (their noise directions come out orthonormal). The caller then falls back
//! to a Householder-based method.
//!
//! Each pass streams the matrix once in blocks of rows that fit in cache: copy-and-scale with the
//! Gram matrix of the copy, then triangular solve with the Gram matrix of the result, then one
//! final product. CholeskyQR2 reads and writes the matrix three times in all (the final product
//! included), where a Householder QR followed by forming `Q` needs about twice that.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::factor::{cholesky_in_place, cholesky_in_place_scratch};
use faer::linalg::triangular_solve::solve_lower_triangular_in_place;
use faer_ext::IntoFaer;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, ShapeBuilder, s};
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use super::Real;
use super::matmul;

/// A tall matrix reduced to a nearly orthonormal `W`: `α·A = W · R_w` (exactly, up to the
/// rounding of backward-stable steps), with `Wᵀ W = Fᵀ F` and `‖Wᵀ W − I‖_F ≤ 1/2`, so that `Q =
/// W F⁻¹` is orthonormal to a few ulps and `α·A = Q · (F R_w)`.
pub(crate) struct Reduced<T> {
    /// `W` (m×n, column-major).
    pub w: Array2<T>,
    /// `R_w` (n×n, upper triangular).
    pub r_w: Array2<T>,
    /// `F` (n×n, upper triangular, close to the identity): the last step, not yet applied.
    pub f: Array2<T>,
    /// The power of two `α` that brings `max |A|` into `[1, 2)`, so that no Gram matrix
    /// overflows or underflows.
    pub alpha: T,
}

impl<T: Real> Reduced<T> {
    /// `R = F · R_w`, the triangular factor of `α·A = Q R`.
    pub fn r(&self) -> Array2<T> {
        matmul::mul(self.f.view(), self.r_w.view())
    }

    /// `W ← W · F⁻¹ · M` for an n×n matrix `M`, in one pass over row blocks, with `F⁻¹ M` formed
    /// once (`F` is close to the identity, so this is as accurate as a triangular solve): with
    /// `M = I` this is `Q`; with the left singular vectors of `R`, the SVD's `U`. In `W`'s buffer.
    pub fn finish(self, m_small: ArrayView2<'_, T>) -> Array2<T> {
        let n = self.w.ncols();
        debug_assert_eq!(m_small.dim(), (n, n));
        let mut fm = Array2::<T>::zeros((n, n).f());
        fm.assign(&m_small);
        solve_upper(self.f.view(), fm.view_mut());
        let mut w = self.w;
        let f_order = is_f(&w);
        let m = w.nrows();
        if n > BLOCKED_COLUMNS {
            // Wide enough for faer's threads on each product: eight row chunks through one
            // buffer of an eighth of W (a whole-matrix buffer doubled the forward's peak heap).
            let rows = m.div_ceil(8).max(matmul::block_rows(n)).min(m).max(1);
            let mut t = Array2::<T>::zeros((rows, n).set_f(f_order));
            for mut b in w.axis_chunks_iter_mut(Axis(0), rows) {
                let mut tb = t.slice_mut(s![..b.nrows(), ..]);
                matmul::gemm(tb.view_mut(), false, b.view(), fm.view(), T::one());
                b.assign(&tb);
            }
            return w;
        }
        for_blocks(&mut w, |_, mut b| {
            // Through a block-sized buffer in W's memory order, since the block is an operand.
            let mut t = Array2::<T>::zeros(b.raw_dim().set_f(f_order));
            matmul::gemm(t.view_mut(), false, b.view(), fm.view(), T::one());
            b.assign(&t);
        });
        w
    }
}

/// Whether `w` is stored column by column (an m×1 matrix counts as row-major).
fn is_f<T>(w: &Array2<T>) -> bool {
    w.strides()[1] != 1 && w.ncols() > 1
}

/// Up to this many columns the passes stream row blocks (shared among rayon's threads); beyond
/// it, each pass is one faer call on the whole matrix (a product or solve with every dimension
/// large, which faer runs on its own threads), so no per-block partial sums are kept.
const BLOCKED_COLUMNS: usize = 64;

/// Rows per block, and whether the blocks go to rayon's threads, for an m×n matrix.
fn blocking(m: usize, n: usize) -> (usize, bool) {
    if n > BLOCKED_COLUMNS {
        (m.max(1), false)
    } else {
        (matmul::block_rows(n), matmul::worth_threads(m * n))
    }
}

/// faer's parallelism for a call on one block: its own threads only when the block is the whole
/// matrix (wide enough, see [`BLOCKED_COLUMNS`]).
fn block_par(n: usize) -> faer::Par {
    if n > BLOCKED_COLUMNS {
        matmul::parallelism(n)
    } else {
        faer::Par::Seq
    }
}

/// `f(first row, block)` for each row block of `w` ([`blocking`]).
fn for_blocks<T: Real>(w: &mut Array2<T>, f: impl Fn(usize, ArrayViewMut2<'_, T>) + Sync + Send) {
    let (m, n) = w.dim();
    let (rows, threaded) = blocking(m, n);
    let blocks = w.axis_chunks_iter_mut(Axis(0), rows);
    if threaded {
        blocks
            .into_par_iter()
            .enumerate()
            .for_each(|(i, b)| f(i * rows, b));
    } else {
        blocks.enumerate().for_each(|(i, b)| f(i * rows, b));
    }
}

/// The n×n sum accumulated by `f(first row, block, sum)` over the row blocks of `w`
/// ([`blocking`]): the blocks are split into at most [`matmul::GROUPS`] contiguous groups, each
/// summed in order into its own matrix (in parallel when threaded), and the groups' sums are
/// added in order. The grouping depends on the shape only, so the result does not depend on the
/// threads' scheduling, and at most `GROUPS` n×n matrices are held (one for a wide `w`).
fn for_blocks_summed<T: Real>(
    w: &mut Array2<T>,
    f: impl Fn(usize, ArrayViewMut2<'_, T>, &mut Array2<T>) + Sync + Send,
) -> Array2<T> {
    let (m, n) = w.dim();
    let (rows, threaded) = blocking(m, n);
    let group_rows = matmul::group_rows(m, rows);
    let group = |(g, mut chunk): (usize, ArrayViewMut2<'_, T>)| {
        let mut sum = Array2::<T>::zeros((n, n).f());
        for (b, block) in chunk.axis_chunks_iter_mut(Axis(0), rows).enumerate() {
            f(g * group_rows + b * rows, block, &mut sum);
        }
        sum
    };
    let groups = w.axis_chunks_iter_mut(Axis(0), group_rows);
    let sums: Vec<Array2<T>> = if threaded {
        groups.into_par_iter().enumerate().map(group).collect()
    } else {
        groups.enumerate().map(group).collect()
    };
    matmul::sum_in_order(sums, (n, n))
}

/// `⌊log₂ x⌋` for a finite `x > 0`.
fn floor_log2<T: Real>(x: T) -> i32 {
    let (mantissa, exponent, _) = x.integer_decode();
    // x = mantissa · 2^exponent, and the mantissa has `bits` significant bits.
    let bits = 64 - mantissa.leading_zeros() as i32;
    i32::from(exponent) + bits - 1
}

/// The power of two `2^-e` with `2^e ≤ x < 2^(e+1)` (`x > 0`, finite), so that `x·2^-e ∈ [1, 2)`;
/// for a subnormal `x` the largest power of two that is finite (`x·2^-e` is then below 1 but
/// normal).
pub(crate) fn power_of_two_scale<T: Real>(x: T) -> T {
    let limit = floor_log2(T::max_value());
    let e = floor_log2(x).clamp(-limit, limit);
    let two = T::one() + T::one();
    two.powi(-e)
}

/// `a` scaled by a power of two (exactly) when its largest modulus `max_abs` lies outside
/// LAPACK's safe range `[√min_positive / ε, ε / √min_positive]`: `Some((α·a, α))`, else `None`
/// (no copy). Used by the paths that hand the whole matrix to faer.
pub(crate) fn scaled_into_safe_range<T: super::Field>(
    a: ArrayView2<'_, T>,
    max_abs: T::Real,
) -> Option<(Array2<T>, T::Real)> {
    safe_range_scale(max_abs).map(|alpha| (a.mapv(|v| v.times_real(alpha)), alpha))
}

/// The power of two that brings a largest modulus `max_abs` outside LAPACK's safe range into
/// it, or `None` when it is inside (or zero).
pub(crate) fn safe_range_scale<T: Real>(max_abs: T) -> Option<T> {
    let small = T::min_positive_value().sqrt() / T::epsilon();
    let outside = max_abs > T::zero() && !(small..=small.recip()).contains(&max_abs);
    outside.then(|| power_of_two_scale(max_abs))
}

/// Reduces the tall `a` (m ≥ n ≥ 1, finite, `max |a| = max_abs > 0`) as in [`Reduced`], or
/// `None` when Cholesky QR cannot certify its result (see the module docs).
pub(crate) fn reduce<T: Real>(a: ArrayView2<'_, T>, max_abs: T) -> Option<Reduced<T>> {
    let (m, n) = a.dim();
    debug_assert!(m >= n && n >= 1 && max_abs > T::zero());
    let alpha = power_of_two_scale(max_abs);
    // W takes A's memory order, so that the copy streams both (row-major A: row-major W).
    let mut w = Array2::<T>::zeros((m, n).set_f(a.strides()[1] != 1 && n > 1));
    // σ = 11 (mn + n(n+1)) ε ‖A‖²_F (with ‖A‖²_F = tr(G) ≥ ‖A‖²₂). When the factor in front of
    // ‖A‖²_F is not small (f32 with a large m·n), the shift swamps the Gram matrix and leaves
    // κ(W₁) ≈ κ(A): no shifted attempt then.
    let size = T::from(m).unwrap_or_else(T::max_value) * T::from(n).unwrap_or_else(T::max_value)
        + T::from(n * (n + 1)).unwrap_or_else(T::max_value);
    let shift = T::from(11).unwrap_or_else(T::one) * size * T::epsilon();
    let attempts: &[bool] = if shift <= T::from(1e-2).unwrap_or_else(T::zero) {
        &[false, true]
    } else {
        &[false]
    };
    let two = T::one() + T::one();
    let n_t = T::from(n).unwrap_or_else(T::max_value);
    for &shifted in attempts {
        let mut g = copy_scaled_with_gram(a, alpha, &mut w);
        if shifted {
            let sigma = shift * g.diag().sum();
            g.diag_mut().mapv_inplace(|d| d + sigma);
        }
        // Unshifted, the first factor is of use only if κ(A) is well below ε^(-1/2); its diagonal
        // bounds κ(A) from below, so a worse ratio goes straight to the shifted attempt.
        let floor = if shifted {
            T::epsilon()
        } else {
            T::epsilon().sqrt()
        };
        let Some(mut r_w) = cholesky_upper(g, floor) else {
            continue;
        };
        let mut last = r_w.clone();
        for _ in 0..3 {
            let g = solve_with_gram(&mut w, &last);
            // On every valid path each W is close to orthonormal in norm (‖W‖₂ ≈ 1: the shifted
            // step makes it at most 1, and each later step is a Cholesky QR of a W that was). A
            // W with larger columns means a factor was inaccurate, and its rounding errors, of
            // size ε·‖W‖·‖R‖, would not be bounded by ε·‖A‖ in the reconstruction: give up the
            // attempt instead.
            let diag_max = g.diag().iter().copied().fold(T::zero(), T::max);
            if !(diag_max <= two && g.diag().sum() <= two * n_t) {
                break;
            }
            let close = distance_to_identity(&g) <= T::from(0.5).unwrap_or_else(T::one);
            let Some(f) = cholesky_upper(g, T::epsilon()) else {
                break;
            };
            if close {
                return Some(Reduced { w, r_w, f, alpha });
            }
            r_w = matmul::mul(f.view(), r_w.view());
            last = f;
        }
    }
    None
}

/// `W = α·A`, returning `Wᵀ W`, in one pass over row blocks ([`for_blocks_summed`]).
fn copy_scaled_with_gram<T: Real>(a: ArrayView2<'_, T>, alpha: T, w: &mut Array2<T>) -> Array2<T> {
    for_blocks_summed(w, |start, mut b, g| {
        let rows = b.nrows();
        b.zip_mut_with(&a.slice(s![start..start + rows, ..]), |w, &a| {
            *w = a * alpha
        });
        matmul::gemm(g.view_mut(), true, b.t(), b.view(), T::one());
    })
}

/// `W ← W R⁻¹` (`R` upper triangular), returning the new `Wᵀ W`, in one pass over row blocks.
fn solve_with_gram<T: Real>(w: &mut Array2<T>, r: &Array2<T>) -> Array2<T> {
    for_blocks_summed(w, |_, mut b, g| {
        // X R = B ⇔ Rᵀ Xᵀ = Bᵀ.
        solve_lower_triangular_in_place(
            r.t().into_faer(),
            b.view_mut().reversed_axes().into_faer(),
            block_par(r.nrows()),
        );
        matmul::gemm(g.view_mut(), true, b.t(), b.view(), T::one());
    })
}

/// `X ← F⁻¹ X` for an upper triangular `F`.
fn solve_upper<T: Real>(f: ArrayView2<'_, T>, x: ndarray::ArrayViewMut2<'_, T>) {
    faer::linalg::triangular_solve::solve_upper_triangular_in_place(
        f.into_faer(),
        x.into_faer(),
        faer::Par::Seq,
    );
}

/// `‖G − I‖_F`, or +∞ if `G` is not finite.
fn distance_to_identity<T: Real>(g: &Array2<T>) -> T {
    let mut sum = T::zero();
    for ((i, j), &v) in g.indexed_iter() {
        let d = if i == j { v - T::one() } else { v };
        sum += d * d;
    }
    if sum.is_finite() {
        sum.sqrt()
    } else {
        T::infinity()
    }
}

/// The upper triangular `R` with `RᵀR = G`, or `None` if `G` is not finite, not (numerically)
/// positive definite, or has a pivot below `floor` times the largest.
fn cholesky_upper<T: Real>(mut g: Array2<T>, floor: T) -> Option<Array2<T>> {
    let n = g.nrows();
    if g.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut mem = MemBuffer::new(cholesky_in_place_scratch::<T>(
        n,
        faer::Par::Seq,
        Default::default(),
    ));
    cholesky_in_place(
        g.view_mut().into_faer(),
        Default::default(),
        faer::Par::Seq,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .ok()?;
    // faer wrote L in the lower triangle; R = Lᵀ, with the strict lower part cleared.
    let mut r = g.reversed_axes();
    for j in 0..n {
        r.slice_mut(s![j + 1.., j]).fill(T::zero());
    }
    // A pivot of R below `floor` times the largest: with `floor = ε`, the Gram matrix's own pivot
    // (its square) is below ε² of its largest, far under its rounding level, so the direction is
    // lost and no later step could recover it. Pivots between that and √ε are let through; the
    // norm and distance checks of the next step judge what they produced.
    let d_max = r.diag().iter().copied().fold(T::zero(), T::max);
    let d_min = r.diag().iter().copied().fold(T::infinity(), T::min);
    (d_min > d_max * floor).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Rng, with_singular_values};

    fn max_abs(x: impl IntoIterator<Item = f64>) -> f64 {
        x.into_iter().fold(0.0, |m, v| m.max(v.abs()))
    }

    #[test]
    fn power_of_two_scale_brings_the_maximum_into_one_two() {
        for x in [1.0, 1.5, 2.0, 3.0, 1e200, 1e-200, 3e-308, f64::MAX] {
            let y = x * power_of_two_scale(x);
            assert!((1.0..2.0).contains(&y), "{x:e} → {y}");
        }
        let y: f64 = 5e-310 * power_of_two_scale(5e-310);
        assert!(y.is_normal() && y > 1e-3, "{y}");
        assert_eq!(power_of_two_scale(3.0f32), 0.5);
        assert_eq!(
            f32::MAX * power_of_two_scale(f32::MAX),
            f32::MAX / 2f32.powi(127)
        );
    }

    #[test]
    fn reduces_well_and_ill_conditioned_tall_matrices() {
        for cond in [1.0f64, 1e6, 1e12] {
            let s: Vec<f64> = (0..6).map(|i| cond.powf(-(i as f64) / 5.0)).collect();
            let a = with_singular_values(&mut Rng::new(4), 500, 6, &s) * 3.0;
            let red = reduce(a.view(), max_abs(a.iter().copied())).expect("reduced");
            let r = red.r();
            let alpha = red.alpha;
            let q = red.finish(Array2::eye(6).view());
            let orth = max_abs(q.t().dot(&q) - Array2::<f64>::eye(6));
            let rec = max_abs(q.dot(&r) / alpha - &a) / 3.0;
            assert!(
                orth < 1e-14 && rec < 1e-14,
                "cond {cond:e}: {orth:e} {rec:e}"
            );
            assert!(r.indexed_iter().all(|((i, j), v)| i <= j || *v == 0.0));
        }
    }

    #[test]
    fn numerical_rank_deficiency_is_reduced_and_exact_rank_deficiency_is_refused() {
        // Rank 2 up to the rounding of the product: the noise directions are a valid part of a
        // backward-stable QR, and come out orthonormal.
        let a = with_singular_values(&mut Rng::new(4), 100, 5, &[1.0, 1.0]);
        let red = reduce(a.view(), max_abs(a.iter().copied())).expect("reduced");
        let (r, alpha) = (red.r(), red.alpha);
        let q = red.finish(Array2::eye(5).view());
        let orth = max_abs(q.t().dot(&q) - Array2::<f64>::eye(5));
        let rec = max_abs(q.dot(&r) / alpha - &a);
        assert!(orth < 1e-13 && rec < 1e-14, "{orth:e} {rec:e}");
        // An exactly repeated column and an exactly zero one: the Gram matrix is singular.
        let mut b = a.clone();
        let first = b.column(0).to_owned();
        b.column_mut(1).assign(&first);
        b.column_mut(3).fill(0.0);
        assert!(reduce(b.view(), max_abs(b.iter().copied())).is_none());
    }
}
