//! The pieces of the SVD pullback (DESIGN §5) that are not plain products: the k×k core `C`,
//! computed in one pass, and the two projection terms, accumulated into the output without a
//! temporary of its size. Each takes the cotangent-dependent operands so that `#[rrule]` can pass
//! `Zero` for them (`#[pass_zero]`) or drop the statement.

use ndarray::{
    Array1, Array2, ArrayBase, ArrayView2, ArrayViewMut2, Axis, Data, Ix2, ShapeBuilder, s,
};
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use super::super::{Field, matmul, tolerance};
use crate::{MaybeZero, Reclaim, UniqueBuffer};

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
/// `tol`. `P` or `Q` may be `Zero`. Both are taken by value and `C` is written into `P`'s buffer
/// (`Q`'s if `P` is `Zero`; each pair of entries is read before it is written): for a square
/// input, where they are as large as the output, the core costs no buffer beyond them, and the
/// other one is freed here.
pub(crate) fn middle<T: Field>(
    s: &Array1<T::Real>,
    tol: T::Real,
    (m, n): (usize, usize),
    p: impl Into<MaybeZero<Array2<T>>>,
    q: impl Into<MaybeZero<Array2<T>>>,
) -> Array2<T> {
    let k = s.len();
    // Where P and Q are read from: the buffer C is written into, the other operand, or nowhere.
    let (mut c, p_in_c, q_in_c, q) = match (p.into(), q.into()) {
        (MaybeZero::Value(p), q) => (p, true, false, q),
        (MaybeZero::Zero, MaybeZero::Value(q)) => (q, false, true, MaybeZero::Zero),
        (MaybeZero::Zero, MaybeZero::Zero) => {
            (Array2::zeros((k, k)), false, false, MaybeZero::Zero)
        }
    };
    let zero_r = <T::Real as num_traits::Zero>::zero();
    let half = <T::Real as num_traits::One>::one()
        / (<T::Real as num_traits::One>::one() + <T::Real as num_traits::One>::one());
    let s_inv: Vec<T::Real> = s.iter().map(|&v| tolerance::inv(v, tol)).collect();
    let (tall, wide) = (m > k, n > k);
    let zero = T::zero();
    // A complex input's loss must not depend on the singular vectors' phases: then
    // Im P_ii + Im Q_ii = 0 for every i, and otherwise the gradient does not exist (`svd`'s docs).
    let entry = |x: &MaybeZero<Array2<T>>, in_c: bool, i: usize, j: usize| -> T {
        match x {
            _ if in_c => c[[i, j]],
            MaybeZero::Value(x) => x[[i, j]],
            MaybeZero::Zero => zero,
        }
    };
    // (A real type has no phases: nothing to check.)
    if !T::IS_REAL {
        let mut scale = zero_r;
        for i in 0..k {
            for j in 0..k {
                let p_ij = if p_in_c { c[[i, j]] } else { zero };
                scale = num_traits::Float::max(
                    num_traits::Float::max(scale, p_ij.modulus()),
                    entry(&q, q_in_c, i, j).modulus(),
                );
            }
        }
        let floor = num_traits::Float::sqrt(<T::Real as num_traits::Float>::epsilon()) * scale;
        for i in 0..k {
            let p_ii = if p_in_c { c[[i, i]] } else { zero };
            let phase = p_ii.imag() + entry(&q, q_in_c, i, i).imag();
            assert!(
                // (A NaN cotangent is not a phase dependence: it passes, and stays NaN.)
                num_traits::Float::abs(phase).partial_cmp(&floor)
                    != Some(core::cmp::Ordering::Greater),
                "svd: the loss depends on the phases of the singular vectors (Im (UᴴŪ)_ii + Im (VᴴV̄)_ii = {phase:?} at i = {i}, above rounding): a complex matrix's singular vectors are defined only up to a phase e^(iφ) per pair, so this gradient does not exist; make the loss invariant to those phases (as |U|², U S Vᴴ and U Uᴴ are)"
            );
        }
    }
    for i in 0..k {
        for j in i..k {
            let (cij0, cji0) = (c[[i, j]], c[[j, i]]);
            let (pij, pji) = if p_in_c { (cij0, cji0) } else { (zero, zero) };
            let (qij, qji) = match &q {
                _ if q_in_c => (cij0, cji0),
                MaybeZero::Value(q) => (q[[i, j]], q[[j, i]]),
                MaybeZero::Zero => (zero, zero),
            };
            // The projection terms: −P S⁻¹ (column scaling) and −S⁻¹ Qᴴ (row scaling).
            let mut cij = zero;
            let mut cji = zero;
            if tall {
                cij -= pij.times_real(s_inv[j]);
                cji -= pji.times_real(s_inv[i]);
            }
            if wide {
                cij -= qji.conjugate().times_real(s_inv[i]);
                cji -= qij.conjugate().times_real(s_inv[j]);
            }
            if i != j {
                // The skew-Hermitian parts aX = (X − Xᴴ)/2 at (i, j).
                let ap = (pij - pji.conjugate()).times_real(half);
                let aq = (qij - qji.conjugate()).times_real(half);
                let d = tolerance::inv(s[j] - s[i], tol);
                let e = tolerance::inv(s[j] + s[i], tol);
                // (i, j) as written; (j, i) from aX_ji = −conj(aX_ij) and 1/(s_i − s_j) = −d.
                cij += (ap + aq).times_real(d) + (ap - aq).times_real(e);
                cji += (ap + aq).conjugate().times_real(d) - (ap - aq).conjugate().times_real(e);
                c[[j, i]] = cji;
            } else {
                // The imaginary diagonal of a complex input: i·(Im P_ii − Im Q_ii)/(2 s_i),
                // which is i·Im P_ii/s_i for a phase-invariant loss (zero for a real one). From
                // (Uᴴ dA V)_ii = ds_i + s_i·(dΩ_U − dΩ_V)_ii, whose imaginary part fixes the
                // difference of the two phase rotations and nothing else.
                let (pim, qim) = (pij.imag(), qij.imag());
                cij += T::from_parts(zero_r, (pim - qim) * half * s_inv[i]);
            }
            c[[i, j]] = cij;
        }
    }
    c
}

/// `Ā = U C Vᵀ + [m > k] Ū S⁻¹ Vᵀ + [n > k] U S⁻¹ V̄ᵀ`, written into the buffer of the cotangent
/// that has the output's shape when there is one: `Ū` for a tall or square input, `V̄ᵀ` for a
/// wide one (or a square one whose `Ū` is `Zero`). Then the pullback allocates nothing of the
/// output's size: one pass over row blocks reads `U` and `Ū` (for a wide input, `V` and `V̄`)
/// and overwrites `Ū` with `U (C Vᵀ) + Ū (S⁻¹ Vᵀ)`, through a per-block buffer. Without such a
/// cotangent (`Ū`, and `V̄ᵀ` unless square, are `Zero`), `U C Vᵀ` is the one output-sized
/// allocation. `Ū` or `V̄ᵀ` may be `Zero`; `C` may be a [`Diagonal`](matmul::Diagonal).
pub(crate) fn assemble<T: Field>(
    u: ArrayView2<'_, T>,
    c: &impl matmul::Core<T>,
    s: &Array1<T::Real>,
    vt: ArrayView2<'_, T>,
    tol: T::Real,
    du: impl Into<MaybeZero<Array2<T>>>,
    dvt: impl Into<MaybeZero<Array2<T>>>,
) -> Array2<T> {
    let (m, k) = u.dim();
    let n = vt.ncols();
    let s_inv = s.mapv(|v| tolerance::inv(v, tol));
    match (du.into(), dvt.into()) {
        // Tall or square, into Ū: rows of U (C Vᵀ) + [m > k] Ū (S⁻¹ Vᵀ).
        (MaybeZero::Value(mut du), _) if m >= n => {
            let own = (m > k).then(|| matmul::scale_rows(vt, &s_inv));
            rows_in_place(du.view_mut(), u, c.times(vt).view(), own.as_ref());
            du
        }
        // Wide or square, into V̄ᵀ seen transposed: Āᵀ = V (U C)ᵀ + [n > k] V̄ (U S⁻¹)ᵀ.
        (_, MaybeZero::Value(mut dvt)) if n >= m => {
            let own = (n > k).then(|| matmul::scale_columns(u, &s_inv).reversed_axes());
            let uc_t = c.times_left(u).reversed_axes();
            rows_in_place(
                dvt.view_mut().reversed_axes(),
                vt.t(),
                uc_t.view(),
                own.as_ref(),
            );
            dvt
        }
        // No cotangent of the output's shape: U C Vᵀ is the only term.
        _ => matmul::sandwich(u, c, vt),
    }
}

/// A factor the pullback captured (`U` or `Vᵀ`), as `reclaim!` hands it over: read, or taken
/// to hold the result.
pub(crate) trait Factor<T> {
    /// The factor, to read.
    fn read(&self) -> ArrayView2<'_, T>;
    /// The factor's buffer, when the pullback gave it up and nothing else shares it.
    fn take(self) -> Result<Array2<T>, Self>
    where
        Self: Sized;
}

impl<T, S> Factor<T> for Reclaim<'_, ArrayBase<S, Ix2>>
where
    S: Data<Elem = T>,
    ArrayBase<S, Ix2>: UniqueBuffer<Owned = Array2<T>>,
{
    fn read(&self) -> ArrayView2<'_, T> {
        (**self).view()
    }
    fn take(self) -> Result<Array2<T>, Self> {
        self.try_unique()
    }
}

/// [`assemble`], for the last run of the pullback: where no cotangent has the output's shape
/// (`Ā = U C Vᵀ`, e.g. the gradient of `sum(U)` for a wide input), [`product_reclaiming`].
pub(crate) fn assemble_reclaiming<T: Field>(
    u: impl Factor<T>,
    c: &impl matmul::Core<T>,
    s: &Array1<T::Real>,
    vt: impl Factor<T>,
    tol: T::Real,
    du: impl Into<MaybeZero<Array2<T>>>,
    dvt: impl Into<MaybeZero<Array2<T>>>,
) -> Array2<T> {
    let (du, dvt) = (du.into(), dvt.into());
    let (m, n) = (u.read().nrows(), vt.read().ncols());
    if (!du.is_zero() && m >= n) || (!dvt.is_zero() && n >= m) {
        assemble(u.read(), c, s, vt.read(), tol, du, dvt)
    } else {
        product_reclaiming(u, c, vt)
    }
}

/// `U C Vᵀ` ([`matmul::sandwich`]), written into `U`'s buffer (tall or square) or `Vᵀ`'s (wide)
/// when the pullback was given it (`pullback_once`, with the rule's value dropped), so that the
/// whole gradient allocates nothing of the output's size beyond the factors the forward pass
/// made; a new array when the buffer is still shared. The products are `sandwich`'s, in the same
/// association, up to rounding.
pub(crate) fn product_reclaiming<T: Field>(
    u: impl Factor<T>,
    c: &impl matmul::Core<T>,
    vt: impl Factor<T>,
) -> Array2<T> {
    let (m, n) = (u.read().nrows(), vt.read().ncols());
    if m >= n {
        // U (m×n here) ← U · (C Vᵀ), row block by row block.
        let cvt = c.times(vt.read());
        match u.take() {
            Ok(mut buf) => {
                right_multiply(buf.view_mut(), &cvt);
                buf
            }
            Err(u) => matmul::mul(u.read(), cvt.view()),
        }
    } else {
        // Vᵀ (m×n here), seen transposed: Āᵀ = Vᵀᵀ · (U C)ᵀ.
        let uc = c.times_left(u.read());
        match vt.take() {
            Ok(mut buf) => {
                right_multiply(buf.view_mut().reversed_axes(), &uc.reversed_axes());
                buf
            }
            Err(vt) => matmul::mul(uc.view(), vt.read()),
        }
    }
}

/// `out ← out · b` in place (`b` square), row block by row block: [`rows_in_place`] with no
/// `x · b` term.
fn right_multiply<T: Field>(out: ArrayViewMut2<'_, T>, b: &Array2<T>) {
    let (m, c) = out.dim();
    let none: [T; 0] = [];
    let (x, zero) = match (
        ArrayView2::from_shape((m, 0), &none),
        ArrayView2::from_shape((0, c), &none),
    ) {
        (Ok(x), Ok(z)) => (x, z),
        _ => unreachable!("empty views of any shape"),
    };
    rows_in_place(out, x, zero, Some(b));
}

/// `out ← x · b + [own] out · own`, row block by row block (`out` m×c, `x` m×k, `b` and `own`
/// k×c), the blocks shared among the threads of rayon's pool when `out` is large. With `own`,
/// `out` is read and written: where `x` and `out` are both row-major or both column-major and
/// `k, c ≤ 16`, the hand-vectorised kernel (`kernels`) updates each block in place, a few rows
/// at a time; otherwise each block's result goes through a small buffer (one per task, made when
/// first needed) and is then copied over the block. Without `own`, `x · b` is written straight into `out`.
fn rows_in_place<T: Field>(
    mut out: ArrayViewMut2<'_, T>,
    x: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    own: Option<&Array2<T>>,
) {
    let Some(own) = own else {
        matmul::gemm(out, false, x, b, T::one());
        return;
    };
    let (m, c) = out.dim();
    let rows = matmul::block_rows(c);
    // The buffer in `out`'s memory order, so that the copy back streams.
    let f_order = out.strides()[1] != 1 && c > 1;
    // The buffer is made when a block first needs it: never where the kernel serves every block.
    let new_tmp = || Array2::<T>::zeros((rows.min(m), c).set_f(f_order));
    let block = |tmp: &mut Option<Array2<T>>,
                 (mut ob, xb): (ArrayViewMut2<'_, T>, ArrayView2<'_, T>)| {
        // The hand-vectorised kernel where it serves the layouts (`kernels`), in place.
        if T::fused_rows(ob.view_mut(), xb, b, Some(own.view())) {
            return;
        }
        let tmp = tmp.get_or_insert_with(new_tmp);
        let mut t = tmp.slice_mut(s![..ob.nrows(), ..]);
        matmul::gemm(t.view_mut(), false, xb, b, T::one());
        matmul::gemm(t.view_mut(), true, ob.view(), own.view(), T::one());
        ob.assign(&t);
    };
    if matmul::worth_threads(m * c) {
        out.axis_chunks_iter_mut(Axis(0), rows)
            .into_par_iter()
            .zip(x.axis_chunks_iter(Axis(0), rows))
            .for_each_init(|| None, block);
    } else {
        let mut tmp = None;
        out.axis_chunks_iter_mut(Axis(0), rows)
            .zip(x.axis_chunks_iter(Axis(0), rows))
            .for_each(|pair| block(&mut tmp, pair));
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
        let m = middle(&s, 1e-12, (3, 3), p.clone(), q.clone());
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
                middle(&s, 1e-12, shape, p.clone(), Zero),
                middle(&s, 1e-12, shape, p.clone(), z.clone())
            );
            assert_eq!(
                middle(&s, 1e-12, shape, Zero, q.clone()),
                middle(&s, 1e-12, shape, z.clone(), q.clone())
            );
            assert_eq!(
                middle::<f64>(&s, 1e-12, shape, Zero, Zero),
                middle(&s, 1e-12, shape, z.clone(), z.clone())
            );
        }
        // Tall: − P S⁻¹ joins; wide: − S⁻¹ Qᵀ.
        let tall = middle(&s, 1e-12, (5, 3), p.clone(), z.clone())
            - middle(&s, 1e-12, (3, 3), p.clone(), z.clone());
        assert!((tall + &p / &s).iter().all(|e| e.abs() < 1e-12));
        let wide = middle(&s, 1e-12, (3, 5), z.clone(), q.clone())
            - middle(&s, 1e-12, (3, 3), z.clone(), q.clone());
        assert!(
            (wide + &q.t() / &s.view().insert_axis(ndarray::Axis(1)))
                .iter()
                .all(|e| e.abs() < 1e-12)
        );
    }

    #[test]
    fn assemble_matches_plain_products_in_every_shape_and_pattern() {
        use crate::linalg::matmul::diag;
        let mut rng = crate::testing::Rng::new(8);
        let mut rand = |r: usize, c: usize| Array2::from_shape_fn((r, c), |_| rng.uniform());
        for (m, n) in [(40_000, 3), (5, 3), (3, 3), (3, 5), (3, 40_000)] {
            let k = m.min(n);
            let (u, vt, c) = (rand(m, k), rand(k, n), rand(k, k));
            let (du, dvt) = (rand(m, k), rand(k, n));
            let s: Array1<f64> = (0..k).map(|i| 2.0 + i as f64).collect();
            let s_inv = s.mapv(f64::recip);
            let core = u.dot(&c).dot(&vt);
            let left = (&du * &s_inv).dot(&vt);
            let right = (&u * &s_inv).dot(&dvt);
            let want = |with_du: bool, with_dvt: bool| {
                let mut a = core.clone();
                if with_du && m > k {
                    a += &left;
                }
                if with_dvt && n > k {
                    a += &right;
                }
                a
            };
            let close = |got: Array2<f64>, want: Array2<f64>, what: &str| {
                let err = (&got - &want).iter().fold(0.0f64, |e, v| e.max(v.abs()));
                assert!(err < 1e-12, "{m}×{n} {what}: {err:e}");
            };
            let a = |du, dvt| assemble(u.view(), &c, &s, vt.view(), 1e-14, du, dvt);
            close(
                a(MaybeZero::Value(du.clone()), MaybeZero::Value(dvt.clone())),
                want(true, true),
                "both",
            );
            close(
                a(MaybeZero::Value(du.clone()), MaybeZero::Zero),
                want(true, false),
                "dU",
            );
            close(
                a(MaybeZero::Zero, MaybeZero::Value(dvt.clone())),
                want(false, true),
                "dVt",
            );
            close(
                a(MaybeZero::Zero, MaybeZero::Zero),
                want(false, false),
                "neither",
            );
            // A diagonal core.
            let d: Array1<f64> = (0..k).map(|i| 1.0 - i as f64).collect();
            let got = assemble(u.view(), &diag(&d), &s, vt.view(), 1e-14, du.clone(), Zero);
            let mut want = (&u * &d).dot(&vt);
            if m > k {
                want += &left;
            }
            close(got, want, "diagonal core");
        }
    }
}
