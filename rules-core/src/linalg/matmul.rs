//! Matrix products on ndarray views of any strides, computed by faer: `a·b` into a new array,
//! `c ← α·a·b (+ c)` into an existing one, and `U·C·Vᵀ` associated the cheap way round with a
//! dense or diagonal core.

use faer::linalg::matmul::triangular::BlockStructure;
use faer_ext::IntoFaer;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, Axis, ShapeBuilder};
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use super::{Field, Real};

/// `c ← alpha·a·b + c` (`accumulate`) or `c ← alpha·a·b`, with faer's matrix product on views of
/// any strides.
pub(crate) fn gemm<T: Field>(
    c: ArrayViewMut2<'_, T>,
    accumulate: bool,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    alpha: T,
) {
    let beta = accum(accumulate);
    let par = product_parallelism(c.nrows(), c.ncols(), a.ncols());
    faer::linalg::matmul::matmul(
        c.into_faer(),
        beta,
        a.into_faer(),
        b.into_faer(),
        alpha,
        par,
    );
}

/// faer's `Accum` for `c ← … + c` (`accumulate`) or `c ← …`.
fn accum(accumulate: bool) -> faer::Accum {
    if accumulate {
        faer::Accum::Add
    } else {
        faer::Accum::Replace
    }
}

/// `c ← aᴴ·b + c` (`accumulate`) or `c ← aᴴ·b`: the conjugate transpose of `a` is faer's lazy
/// view, so nothing is copied (for a real type it is `aᵀ`).
pub(crate) fn gemm_adjoint<T: Field>(
    c: ArrayViewMut2<'_, T>,
    accumulate: bool,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) {
    let beta = accum(accumulate);
    let par = product_parallelism(c.nrows(), c.ncols(), a.nrows());
    faer::linalg::matmul::matmul(
        c.into_faer(),
        beta,
        a.into_faer().adjoint(),
        b.into_faer(),
        T::one(),
        par,
    );
}

/// `alpha·a·b` restricted to the `dst` structure (the rest of the result zero), reading only
/// the structures given of `a` and `b` (a triangular one must be square): faer's triangular
/// product, from half (a triangle of a full product) to a sixth (a triangle of a product of
/// triangles) of the full product's flops.
pub(crate) fn tri_mul<T: Field>(
    dst: BlockStructure,
    a: ArrayView2<'_, T>,
    a_part: BlockStructure,
    b: ArrayView2<'_, T>,
    b_part: BlockStructure,
    alpha: T,
) -> Array2<T> {
    let mut out = Array2::<T>::zeros((a.nrows(), b.ncols()).f());
    tri_gemm(out.view_mut(), false, dst, a, a_part, b, b_part, alpha);
    out
}

/// `c ← alpha·a·b (+ c)` on `dst`'s structure of `c` (the rest of `c` untouched), reading only
/// the structures given of `a` and `b`, as [`tri_mul`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn tri_gemm<T: Field>(
    c: ArrayViewMut2<'_, T>,
    accumulate: bool,
    dst: BlockStructure,
    a: ArrayView2<'_, T>,
    a_part: BlockStructure,
    b: ArrayView2<'_, T>,
    b_part: BlockStructure,
    alpha: T,
) {
    let beta = accum(accumulate);
    let par = product_parallelism(c.nrows(), c.ncols(), a.ncols());
    faer::linalg::matmul::triangular::matmul(
        c.into_faer(),
        dst,
        beta,
        a.into_faer(),
        a_part,
        b.into_faer(),
        b_part,
        alpha,
        par,
    );
}

/// The upper triangle (diagonal included) of `aᵀ·b` (`aᴴ·b`), with `b` lower triangular when
/// `b_lower` (its strict upper part not read). The result must be square (`a` m×k, `b` m×k):
/// faer's triangular product requires it. Its strict lower triangle is zero, except for a thin
/// result (`k ≤ 64`) of a full `b`, which is [`t_mul`] (the streamed product) with its lower
/// part kept.
pub(crate) fn t_mul_upper<T: Field>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    b_lower: bool,
) -> Array2<T> {
    if a.ncols() <= 64 && b.ncols() <= 64 && !b_lower {
        return t_mul(a, b);
    }
    let b_part = if b_lower {
        BlockStructure::TriangularLower
    } else {
        BlockStructure::Rectangular
    };
    // aᴴ b through faer's lazy adjoint, which an ndarray view passed to tri_mul cannot express.
    let (m, k) = a.dim();
    let c = b.ncols();
    let mut out = Array2::<T>::zeros((k, c).f());
    faer::linalg::matmul::triangular::matmul(
        out.view_mut().into_faer(),
        BlockStructure::TriangularUpper,
        faer::Accum::Replace,
        a.into_faer().adjoint(),
        BlockStructure::Rectangular,
        b.into_faer(),
        b_part,
        T::one(),
        product_parallelism(k, c, m),
    );
    out
}

/// `c += alpha · aᵀ·b` (`aᴴ·b`) on the upper triangle (diagonal included) of the square `c`, as
/// [`t_mul_upper`] computes it; for a thin result (`k ≤ 64`) the streamed [`t_mul`] is added to
/// all of `c`.
pub(crate) fn t_mul_upper_add<T: Field>(
    mut c: ArrayViewMut2<'_, T>,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    alpha: T,
) {
    let (m, k) = a.dim();
    let cols = b.ncols();
    if k <= 64 && cols <= 64 {
        c.scaled_add(alpha, &t_mul(a, b));
        return;
    }
    faer::linalg::matmul::triangular::matmul(
        c.into_faer(),
        BlockStructure::TriangularUpper,
        faer::Accum::Add,
        a.into_faer().adjoint(),
        BlockStructure::Rectangular,
        b.into_faer(),
        BlockStructure::Rectangular,
        alpha,
        product_parallelism(k, cols, m),
    );
}

/// faer's rayon pool (all cores) for a decomposition whose smallest dimension is at least 128,
/// else sequential: measured on a 2-core machine, threads paid off for SVDs and products whose
/// every dimension is large (500×500: 15–25% faster; the 200×200 factor of a 2000×200 SVD: its
/// forward 12.0 against 13.9 ms), and were slower for tall, thin shapes.
pub(crate) fn parallelism(smallest_dim: usize) -> faer::Par {
    if smallest_dim < 128 {
        faer::Par::Seq
    } else {
        faer::Par::rayon(0)
    }
}

/// Rows per block in the passes that stream a tall matrix (the SVD's Cholesky QR and its
/// pullback): about 16k entries, 128 KiB of `f64`, so that a block stays in cache while it is
/// read several times.
pub(crate) fn block_rows(cols: usize) -> usize {
    (16 * 1024 / cols.max(1)).max(1)
}

/// Whether a streaming pass over `entries` entries shares its blocks among rayon's threads: from
/// 2¹⁶ entries (512 KiB of `f64`), below which the hand-off costs more than it saves.
pub(crate) fn worth_threads(entries: usize) -> bool {
    entries >= 1 << 16
}

/// At most this many groups of row blocks are summed separately in the passes that accumulate a
/// small product over a tall matrix; a constant, so that the order of the sums does not depend on
/// the number of threads, and small, so that the partial sums stay few.
pub(crate) const GROUPS: usize = 16;

/// Rows per group of blocks of `rows` rows, for an m-row matrix: whole blocks, at most
/// [`GROUPS`] groups.
pub(crate) fn group_rows(m: usize, rows: usize) -> usize {
    (m.div_ceil(rows).div_ceil(GROUPS) * rows).max(1)
}

/// `aᴴ · b` (`aᵀ · b` for a real type) for `a` (m×k) and `b` (m×c) with many rows: for a thin result (`k, c ≤ 64`) over a
/// large input, the rows are split into at most [`GROUPS`] contiguous groups summed on rayon's
/// threads, each block by block in order, and the groups' sums are added in order, so that the
/// result does not depend on the scheduling (the same input gives the same bits); each block
/// through the hand-vectorised Gram kernel (`kernels`) for a real type with `k, c ≤ 16` and
/// operands of one memory order, faer's product otherwise. Otherwise faer's product.
pub(crate) fn t_mul<T: Field>(a: ArrayView2<'_, T>, b: ArrayView2<'_, T>) -> Array2<T> {
    let (m, k) = a.dim();
    let c = b.ncols();
    if k > 64 || c > 64 || !worth_threads(m * (k + c)) {
        let mut out = Array2::<T>::zeros((k, c).f());
        gemm_adjoint(out.view_mut(), false, a, b);
        return out;
    }
    let rows = block_rows(k + c);
    let group_rows = group_rows(m, rows);
    let sums: Vec<Array2<T>> = a
        .axis_chunks_iter(Axis(0), group_rows)
        .into_par_iter()
        .zip(b.axis_chunks_iter(Axis(0), group_rows))
        .map(|(ag, bg)| {
            let mut sum = Array2::<T>::zeros((k, c).f());
            for (ab, bb) in ag
                .axis_chunks_iter(Axis(0), rows)
                .zip(bg.axis_chunks_iter(Axis(0), rows))
            {
                // (For a real type, `aᴴ·b` is the small kernels' `aᵀ·b`.)
                if !T::gram(sum.view_mut(), ab, bb) {
                    gemm_adjoint(sum.view_mut(), true, ab, bb);
                }
            }
            sum
        })
        .collect();
    sum_in_order(sums, (k, c))
}

/// `Σ parts`, in order (`shape` when there are none).
pub(crate) fn sum_in_order<T: Field>(parts: Vec<Array2<T>>, shape: (usize, usize)) -> Array2<T> {
    let mut parts = parts.into_iter();
    let mut total = parts.next().unwrap_or_else(|| Array2::zeros(shape.f()));
    for p in parts {
        total += &p;
    }
    total
}

/// faer's rayon pool for a product of m×k by k×n when it has at least 2²² multiply-adds and no
/// dimension below 64 (a 2000×200 by 200×200 product: 80 million), else sequential. Thin
/// products (one dimension of 10, as in the SVD of a tall matrix) are split by rows instead, by
/// the callers that stream them.
fn product_parallelism(m: usize, n: usize, k: usize) -> faer::Par {
    if m.min(n).min(k) >= 64 && m.saturating_mul(n).saturating_mul(k) >= 1 << 22 {
        faer::Par::rayon(0)
    } else {
        faer::Par::Seq
    }
}

/// `a · b`, as a new column-major array (the layout faer's product writes fastest).
pub(crate) fn mul<T: Field>(a: ArrayView2<'_, T>, b: ArrayView2<'_, T>) -> Array2<T> {
    mul_by(a, b, T::one())
}

/// `alpha · a · b`, as [`mul`]: the scaling rides on the product, with no second pass or buffer.
pub(crate) fn mul_by<T: Field>(a: ArrayView2<'_, T>, b: ArrayView2<'_, T>, alpha: T) -> Array2<T> {
    let mut c = Array2::zeros((a.nrows(), b.ncols()).f());
    gemm(c.view_mut(), false, a, b, alpha);
    c
}

/// `a · bᴴ` (`a · bᵀ` for a real type), as a new column-major array: `bᴴ` is faer's lazy view,
/// so nothing is copied.
pub(crate) fn mul_adjoint<T: Field>(a: ArrayView2<'_, T>, b: ArrayView2<'_, T>) -> Array2<T> {
    let mut c = Array2::<T>::zeros((a.nrows(), b.nrows()).f());
    let par = product_parallelism(a.nrows(), b.nrows(), a.ncols());
    faer::linalg::matmul::matmul(
        c.view_mut().into_faer(),
        faer::Accum::Replace,
        a.into_faer(),
        b.into_faer().adjoint(),
        T::one(),
        par,
    );
    c
}

/// `diag(d)`, kept as its diagonal: added to a dense core in place, or applied as a scaling of the
/// small factor by [`sandwich`], so the `s̄` pattern never multiplies by a dense diagonal matrix.
pub(crate) struct Diagonal<'a, T>(&'a Array1<T>);

/// `diag(d)`; see [`Diagonal`].
pub(crate) fn diag<T>(d: &Array1<T>) -> Diagonal<'_, T> {
    Diagonal(d)
}

impl<T: Field> core::ops::Add<Diagonal<'_, T::Real>> for Array2<T> {
    type Output = Array2<T>;
    /// `C + diag(d)` (a real diagonal), in `C`'s buffer.
    fn add(mut self, d: Diagonal<'_, T::Real>) -> Array2<T> {
        self.diag_mut().zip_mut_with(d.0, |c, &x| {
            *c += T::from_parts(x, <T::Real as num_traits::Zero>::zero())
        });
        self
    }
}

/// The k×k core of [`sandwich`]: a dense matrix or a diagonal.
pub(crate) trait Core<T: Field> {
    /// `U · self · Vᵀ`, associated the cheap way round.
    fn between(&self, u: ArrayView2<'_, T>, vt: ArrayView2<'_, T>) -> Array2<T> {
        if u.nrows() >= vt.ncols() {
            mul(u, self.times(vt).view())
        } else {
            mul(self.times_left(u).view(), vt)
        }
    }

    /// `self · X` (k×c).
    fn times(&self, x: ArrayView2<'_, T>) -> Array2<T>;

    /// `X · self` (c×k).
    fn times_left(&self, x: ArrayView2<'_, T>) -> Array2<T>;
}

impl<T: Field> Core<T> for Array2<T> {
    fn times(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        mul(self.view(), x)
    }

    fn times_left(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        mul(x, self.view())
    }
}

impl<T: Field> Core<T> for Diagonal<'_, T::Real> {
    fn times(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        scale_rows(x, self.0)
    }

    fn times_left(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        scale_columns(x, self.0)
    }
}

/// `diag(d) · x`: row `i` of `x` times the real `d_i`.
pub(crate) fn scale_rows<T: Field>(x: ArrayView2<'_, T>, d: &Array1<T::Real>) -> Array2<T> {
    let mut out = x.to_owned();
    for (mut row, &di) in out.rows_mut().into_iter().zip(d) {
        row.mapv_inplace(|v| v.times_real(di));
    }
    out
}

/// `x · diag(d)`: column `j` of `x` times the real `d_j`.
pub(crate) fn scale_columns<T: Field>(x: ArrayView2<'_, T>, d: &Array1<T::Real>) -> Array2<T> {
    let mut out = x.to_owned();
    for (mut col, &dj) in out.columns_mut().into_iter().zip(d) {
        col.mapv_inplace(|v| v.times_real(dj));
    }
    out
}

/// `U C Vᵀ`, associated the cheap way round: `U (C Vᵀ)` for a tall input, `(U C) Vᵀ` for a wide
/// one, so the k×k core only ever meets the small factor first (for a [`Diagonal`] core, as a
/// scaling). This is the output's one large allocation.
pub(crate) fn sandwich<T: Field>(
    u: ArrayView2<'_, T>,
    c: &impl Core<T>,
    vt: ArrayView2<'_, T>,
) -> Array2<T> {
    c.between(u, vt)
}

/// `V C Vᵀ` for a symmetric `C`, without forming `Vᵀ`: `T = V C`, then only the upper triangle
/// of `T Vᵀ` (half the second product's flops), mirrored into the lower one, so the result is
/// exactly symmetric.
pub(crate) fn congruence<T: Real>(v: &Array2<T>, c: &impl Core<T>) -> Array2<T> {
    use faer::linalg::matmul::triangular::matmul;
    let (n, k) = v.dim();
    let t = c.times_left(v.view());
    let mut out = Array2::<T>::zeros((n, n).f());
    matmul(
        out.view_mut().into_faer(),
        BlockStructure::TriangularUpper,
        faer::Accum::Replace,
        t.view().into_faer(),
        BlockStructure::Rectangular,
        v.t().into_faer(),
        BlockStructure::Rectangular,
        T::one(),
        product_parallelism(n, n, k),
    );
    for j in 0..n {
        for i in j + 1..n {
            out[[i, j]] = out[[j, i]];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// The triangle-only products against plain products, at sizes where faer's triangular
    /// product splits into blocks (and below 64, where the thin paths run).
    #[test]
    fn triangular_products_match_plain_products_on_their_triangles() {
        let mut rng = crate::testing::Rng::new(11);
        let mut random =
            |m: usize, n: usize| Array2::<f64>::from_shape_fn((m, n), |_| rng.uniform() - 0.5);
        let close = |x: &Array2<f64>, y: &Array2<f64>| {
            assert_eq!(x.dim(), y.dim());
            let scale = y.iter().fold(1.0f64, |m, v| m.max(v.abs()));
            // (`f64::max` would skip a NaN: every entry is compared.)
            assert!(
                (x - y).iter().all(|v| v.abs() < 1e-12 * scale),
                "{:e}",
                (x - y).iter().fold(0.0f64, |m, v| m.max(v.abs()))
            );
        };
        let upper = |x: &Array2<f64>| {
            Array2::from_shape_fn(x.dim(), |(i, j)| if i <= j { x[[i, j]] } else { 0.0 })
        };
        let lower = |x: &Array2<f64>| {
            Array2::from_shape_fn(x.dim(), |(i, j)| if i >= j { x[[i, j]] } else { 0.0 })
        };
        for (m, k) in [(150, 70), (200, 150), (100, 20)] {
            let (a, b) = (random(m, k), random(m, k));
            let full = a.t().dot(&b);
            let got = t_mul_upper(a.view(), b.view(), false);
            if k > 64 {
                close(&got, &upper(&full));
            } else {
                close(&got, &full);
            }
            let mut c = random(k, k);
            let want = &c - &(&full * 2.0);
            t_mul_upper_add(c.view_mut(), a.view(), b.view(), -2.0);
            close(&upper(&c), &upper(&want));
            // b lower triangular: its strict upper part (NaN here) is not read.
            let (x, mut l) = (random(k, k), random(k, k));
            let want = upper(&x.t().dot(&lower(&l)));
            for ((i, j), v) in l.indexed_iter_mut() {
                if j > i {
                    *v = f64::NAN;
                }
            }
            let got = t_mul_upper(x.view(), l.view(), true);
            close(&(if k > 64 { got } else { upper(&got) }), &want);
        }
        let n = 150;
        let (l, x) = (lower(&random(n, n)), random(n, n));
        close(
            &tri_mul(
                BlockStructure::TriangularLower,
                l.view(),
                BlockStructure::TriangularLower,
                lower(&x).view(),
                BlockStructure::TriangularLower,
                -1.5,
            ),
            &(lower(&l.dot(&lower(&x))) * -1.5),
        );
        let mut c = random(n, n);
        let want = &c + &(upper(&l.t().dot(&x)) * 2.0);
        tri_gemm(
            c.view_mut(),
            true,
            BlockStructure::TriangularUpper,
            l.t(),
            BlockStructure::TriangularUpper,
            x.view(),
            BlockStructure::Rectangular,
            2.0,
        );
        close(&upper(&c), &upper(&want));
        let s = &x + &x.t();
        close(&congruence(&l, &s), &l.dot(&s).dot(&l.t()));
    }

    #[test]
    fn sandwich_matches_plain_products() {
        let u: Array2<f64> = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        let c: Array2<f64> = array![[1.0, 2.0], [3.0, 4.0]];
        let vt: Array2<f64> = array![[1.0, 0.5], [-1.0, 2.0]];
        assert_eq!(sandwich(u.view(), &c, vt.view()), u.dot(&c).dot(&vt));
        assert_eq!(sandwich(vt.view(), &c, u.t()), vt.dot(&c).dot(&u.t()));
        let d = array![2.0, -1.0];
        let dense = Array2::from_diag(&d);
        assert_eq!(
            sandwich(u.view(), &diag(&d), vt.view()),
            u.dot(&dense).dot(&vt)
        );
        assert_eq!(
            sandwich(vt.view(), &diag(&d), u.t()),
            vt.dot(&dense).dot(&u.t())
        );
        assert_eq!(c.clone() + diag(&d), &c + &dense);
        let cs = &c + &c.t();
        assert_eq!(congruence(&vt, &cs), vt.dot(&cs).dot(&vt.t()));
        assert_eq!(congruence(&vt, &diag(&d)), vt.dot(&dense).dot(&vt.t()));
    }

    #[test]
    fn gemm_accumulates_or_replaces() {
        let a: Array2<f64> = array![[1.0, 2.0], [3.0, 4.0]];
        let b: Array2<f64> = array![[0.5, 0.0], [1.0, -1.0]];
        let mut c = Array2::from_elem((2, 2), 1.0);
        gemm(c.view_mut(), true, a.view(), b.view(), 2.0);
        assert_eq!(c, a.dot(&b) * 2.0 + 1.0);
        gemm(c.view_mut(), false, a.t(), b.view(), 1.0);
        assert_eq!(c, a.t().dot(&b));
        assert_eq!(mul(a.view(), b.t()), a.dot(&b.t()));
        assert_eq!(mul_by(a.view(), b.view(), -2.0), a.dot(&b) * -2.0);
        // Large enough for the threaded, block-ordered sum; the same bits on every call.
        let mut rng = crate::testing::Rng::new(2);
        let x = Array2::from_shape_fn((50_000, 3), |_| rng.uniform());
        let y = Array2::from_shape_fn((50_000, 4), |_| rng.uniform());
        let p = t_mul(x.view(), y.view());
        let want = x.t().dot(&y);
        assert!((&p - &want).iter().all(|e| e.abs() < 1e-10));
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a pool of one thread");
        assert_eq!(p, one_thread.install(|| t_mul(x.view(), y.view())));
    }
}
