//! A blocked Householder QR of a column-major matrix, and the thin `Q` formed from it: the
//! factorisation [`qr`](super::qr()) uses for the shapes Cholesky QR does not take.
//!
//! Each panel of [`PANEL`] columns is reduced one column at a time (a reflector, then its
//! product with the panel's remaining columns), the panel's reflectors are gathered into the
//! compact form `H₁⋯H_b = I − V T⁻¹ Vᵀ` (`T` upper triangular, faer's convention), and the
//! trailing columns are updated by that block through faer's block-reflector products, which
//! are matrix products. `Q` is then built from the identity by applying the blocks in reverse
//! order, each one to the rows and columns it can change only (`Q[j.., j..]`: the columns
//! before `j` are still columns of the identity there), as LAPACK's `orgqr` does, and for
//! `m ≥ n` in the factored matrix's own buffer. That is `4/3·n³` flops for a square input,
//! against `2·n³` for the whole sequence applied to the identity.
//!
//! Measured on the 2-core machine (`cargo test --release -p rules-core --lib householder_timing
//! -- --ignored --nocapture`, best of 9): at 500×500 faer's `Mat::qr` with its default
//! parallelism and its thin `Q` took 18.6–19.8 ms, this 5.9–7.5 ms; at 1000×1000 48–58
//! against 30–39 ms. faer's recursive sub-blocking of the panel under rayon cost the most (its panel
//! alone, sequential, was 3.6× faster at 500²).
//!
//! Unlike faer's factorisation, no column is treated as zero because its remaining norm is
//! small against its original norm (faer skips a column below `16·m·ε` of it, which bounds its
//! reconstruction error only to that level): every column gets its reflector, so `A = Q R`
//! holds to a few ulps of `‖A‖` for every finite input, rank-deficient ones included.

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::householder::{
    apply_block_householder_on_the_left_in_place_scratch,
    apply_block_householder_on_the_left_in_place_with_conj,
    apply_block_householder_transpose_on_the_left_in_place_scratch,
    apply_block_householder_transpose_on_the_left_in_place_with_conj, make_householder_in_place,
};
use faer::linalg::matmul::dot::inner_prod;
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::{Accum, ColMut, ColRef, Conj};
use faer_ext::IntoFaer;
use ndarray::{Array2, Axis, ShapeBuilder, s};

use super::{Real, matmul};

/// Columns per panel: the block reflectors' rank. Measured with faer's panel at 500² and
/// 1000²: 32 was as fast as 16 or 48 and faster than 64 or more.
const PANEL: usize = 32;

/// `A = Q R` by blocked Householder reflections, `A` (m×n) column-major and overwritten:
/// returns `Q` (m×k, orthonormal columns, column-major; in `A`'s buffer for `m ≥ n`) and `R`
/// (k×n, upper triangular, its diagonal of either sign), `k = min(m, n)`.
pub(crate) fn thin_qr<T: Real>(mut a: Array2<T>) -> (Array2<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    debug_assert!(m <= 1 || n <= 1 || a.stride_of(Axis(0)) == 1);
    let nb = PANEL.min(k).max(1);
    let par = matmul::parallelism(k);
    // T for every panel: the panel starting at column j keeps its b×b factor in t[..b, j..j+b].
    let mut t = Array2::<T>::zeros((nb, k).f());
    let req = StackReq::any_of(&[
        apply_block_householder_transpose_on_the_left_in_place_scratch::<T>(m, nb, n),
        apply_block_householder_on_the_left_in_place_scratch::<T>(m, nb, k),
    ]);
    let mut mem = MemBuffer::new(req);
    let stack = MemStack::new(&mut mem);
    let mut j = 0;
    while j < k {
        let b = nb.min(k - j);
        panel(&mut a, &mut t, j, b);
        let (left, right) = a.slice_mut(s![j.., ..]).split_at(Axis(1), j + b);
        let v = left.slice(s![.., j..]);
        let mut tb = t.slice_mut(s![..b, j..j + b]);
        block_factor(v.view(), tb.view_mut(), par);
        if right.ncols() > 0 {
            apply_block_householder_transpose_on_the_left_in_place_with_conj(
                v.into_faer(),
                tb.view().into_faer(),
                Conj::Yes,
                right.into_faer(),
                par,
                stack,
            );
        }
        j += b;
    }
    let mut r = Array2::<T>::zeros((k, n));
    for i in 0..k {
        for jj in i..n {
            r[[i, jj]] = a[[i, jj]];
        }
    }
    // Q from the identity, blocks in reverse, each on Q[j.., j..] only: before block j runs,
    // Q's columns before j are still the identity's there. For m ≥ n (k = n) Q is formed in
    // `a`'s own buffer, as LAPACK's `orgqr` does: each panel's reflectors are first copied into
    // an m×b buffer, then its columns set to the identity's (their rows above j are zero from
    // then on, which the later, earlier-numbered blocks rely on). A wide input's Q is m×m, a
    // new array.
    let in_place = k == n;
    let mut q = Array2::<T>::zeros(if in_place { (0, 0) } else { (m, k) }.f());
    let mut reflectors = Array2::<T>::zeros(if in_place { (m, nb) } else { (0, 0) }.f());
    if !in_place {
        for i in 0..k {
            q[[i, i]] = T::one();
        }
    }
    let mut j = k.div_ceil(nb).saturating_sub(1) * nb;
    loop {
        let b = nb.min(k - j);
        if b > 0 {
            let tb = t.slice(s![..b, j..j + b]);
            if in_place {
                let mut v = reflectors.slice_mut(s![..m - j, ..b]);
                v.assign(&a.slice(s![j.., j..j + b]));
                let mut cols = a.slice_mut(s![.., j..j + b]);
                cols.fill(T::zero());
                for c in 0..b {
                    cols[[j + c, c]] = T::one();
                }
                apply_block_householder_on_the_left_in_place_with_conj(
                    v.view().into_faer(),
                    tb.into_faer(),
                    Conj::No,
                    a.slice_mut(s![j.., j..]).into_faer(),
                    par,
                    stack,
                );
            } else {
                apply_block_householder_on_the_left_in_place_with_conj(
                    a.slice(s![j.., j..j + b]).into_faer(),
                    tb.into_faer(),
                    Conj::No,
                    q.slice_mut(s![j.., j..]).into_faer(),
                    par,
                    stack,
                );
            }
        }
        if j == 0 {
            break;
        }
        j -= nb;
    }
    (if in_place { a } else { q }, r)
}

/// Reduces the panel `a[j.., j..j+b]` column by column: each column's reflector (its vector
/// below the diagonal, `R`'s entry on it), applied to the panel's later columns; the reflectors'
/// `τ` on `t`'s diagonal block.
fn panel<T: Real>(a: &mut Array2<T>, t: &mut Array2<T>, j: usize, b: usize) {
    for c in j..j + b {
        let mut cols = a.slice_mut(s![c.., c..j + b]);
        let (mut first, mut rest) = cols.view_mut().split_at(Axis(1), 1);
        let Some(v) = first.as_slice_memory_order_mut() else {
            unreachable!("a column of a column-major matrix is contiguous")
        };
        let (head, tail) = v.split_first_mut().expect("c < m");
        let info = make_householder_in_place(head, ColMut::from_slice_mut(tail));
        t[[c - j, c]] = info.tau;
        // τ = ∞: the column below the diagonal is zero and the reflector is the identity.
        if !info.tau.is_finite() {
            continue;
        }
        let tau_inv = T::one() / info.tau;
        let tail = ColRef::from_slice(tail);
        for mut col in rest.columns_mut() {
            let Some(y) = col.as_slice_mut() else {
                unreachable!("a column of a column-major matrix is contiguous")
            };
            let (y0, y_tail) = y.split_first_mut().expect("c < m");
            let dot = *y0
                + inner_prod(
                    tail.transpose(),
                    Conj::No,
                    ColRef::from_slice(y_tail),
                    Conj::No,
                );
            let f = -dot * tau_inv;
            *y0 += f;
            for (yi, vi) in y_tail.iter_mut().zip(tail.iter()) {
                *yi += f * *vi;
            }
        }
    }
}

/// The strictly upper part of the panel's `T`: `T_pq = v_pᵀ v_q` for `p < q`, with each `v`
/// unit at its diagonal entry and zero above it (the diagonal, `τ`, is set by [`panel`]).
fn block_factor<T: Real>(
    v: ndarray::ArrayView2<'_, T>,
    mut tb: ndarray::ArrayViewMut2<'_, T>,
    par: faer::Par,
) {
    let b = v.ncols();
    let (top, bottom) = v.split_at(Axis(0), b);
    let (top, bottom) = (top.into_faer(), bottom.into_faer());
    triangular::matmul(
        tb.view_mut().into_faer(),
        BlockStructure::UnitTriangularUpper,
        Accum::Replace,
        top.transpose(),
        BlockStructure::UnitTriangularUpper,
        top,
        BlockStructure::UnitTriangularLower,
        T::one(),
        par,
    );
    triangular::matmul(
        tb.into_faer(),
        BlockStructure::UnitTriangularUpper,
        Accum::Add,
        bottom.transpose(),
        BlockStructure::Rectangular,
        bottom,
        BlockStructure::Rectangular,
        T::one(),
        par,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    fn check(a: &Array2<f64>) {
        let (m, n) = a.dim();
        let k = m.min(n);
        let mut w = Array2::<f64>::zeros((m, n).f());
        w.assign(a);
        let (q, r) = thin_qr(w);
        assert_eq!((q.dim(), r.dim()), ((m, k), (k, n)));
        let scale = a
            .iter()
            .fold(0.0f64, |s, v| s.max(v.abs()))
            .max(f64::MIN_POSITIVE);
        let eps = f64::EPSILON * (m.max(n) as f64);
        let rec = q.dot(&r) - a;
        let rec_err = rec.iter().fold(0.0f64, |s, v| s.max(v.abs())) / scale;
        assert!(rec_err < 10.0 * eps, "{m}×{n}: ‖QR − A‖ = {rec_err:e}");
        let orth = q.t().dot(&q) - Array2::<f64>::eye(k);
        let orth_err = orth.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        assert!(orth_err < 10.0 * eps, "{m}×{n}: ‖QᵀQ − I‖ = {orth_err:e}");
        for i in 0..k {
            for j in 0..i.min(n) {
                assert_eq!(r[[i, j]], 0.0);
            }
        }
    }

    #[test]
    fn reconstructs_and_is_orthonormal_across_panel_boundaries() {
        let mut rng = Rng::new(7);
        for (m, n) in [
            (1, 1),
            (3, 1),
            (1, 4),
            (5, 5),
            (31, 31),
            (32, 32),
            (33, 33),
            (70, 40),
            (40, 70),
            (65, 64),
            (129, 100),
            (200, 200),
        ] {
            let a = Array2::from_shape_fn((m, n), |_| rng.uniform() - 0.5);
            check(&a);
        }
    }

    /// Not a test: prints this factorisation's time against faer's `Mat::qr` with its thin `Q`.
    #[test]
    #[ignore]
    fn householder_timing() {
        let best = |f: &mut dyn FnMut()| crate::linalg::best_ms(9, f);
        let mut rng = Rng::new(1);
        for n in [500, 1000] {
            let a = Array2::from_shape_fn((n, n).f(), |_| rng.uniform() - 0.5);
            let ours = best(&mut || {
                std::hint::black_box(thin_qr(a.clone()));
            });
            let faer = best(&mut || {
                let f = a.view().into_faer().qr();
                std::hint::black_box((f.compute_thin_Q(), f.thin_R().to_owned()));
            });
            println!("{n}×{n}: thin_qr {ours:.2} ms, faer Mat::qr + thin Q {faer:.2} ms");
        }
    }

    #[test]
    fn rank_deficient_and_zero_columns_reconstruct_to_rounding() {
        let mut rng = Rng::new(8);
        // Rank 3 in 60×40: faer's factorisation skips columns here and reconstructs only to
        // 16·m·ε of their norms.
        let x = Array2::from_shape_fn((60, 3), |_| rng.uniform() - 0.5);
        let y = Array2::from_shape_fn((3, 40), |_| rng.uniform() - 0.5);
        check(&x.dot(&y));
        // Exactly zero columns, a zero matrix, and columns zero below the diagonal.
        let mut a = Array2::from_shape_fn((50, 45), |_| rng.uniform() - 0.5);
        a.column_mut(3).fill(0.0);
        a.column_mut(33).fill(0.0);
        check(&a);
        check(&Array2::zeros((40, 35)));
        check(&Array2::from_shape_fn((40, 35), |(i, j)| {
            if i <= j { 1.0 } else { 0.0 }
        }));
    }
}
