//! The eigendecomposition of a symmetric matrix (faer's, reading the lower triangle), and its
//! pullback in the gap-split form of the SVD's, so that it stays finite at repeated eigenvalues.
//!
//! For `A = V diag(λ) Vᵀ` with λ ascending and cotangents `λ̄`, `V̄`; `P = VᵀV̄`, `aP = (P − Pᵀ)/2`:
//!
//! ```text
//! M_ij = aP_ij / (λ_j − λ_i)    (i ≠ j; 0 when |λ_j − λ_i| ≤ tol)
//! M_ii = λ̄_i
//! Ā    = V M Vᵀ                 symmetric
//! ```
//!
//! `tol = 100 · n · ε · max|λ|`. Rounding alone (in the input as the caller built it and in the
//! eigensolver) splits a repeated eigenvalue by a few `n·ε·max|λ|`: with `Q diag(1,1,1,2,2) Qᵀ`
//! the computed pairs differ by up to `4e-15`, twice the SVD's rank tolerance. Below `tol` a pair's
//! eigenvectors are not determined by the matrix to better than about 1% (their forward error is
//! about `n·ε·max|λ| / gap`), so the term `1/gap` would only amplify rounding noise. A loss
//! that depends on the individual eigenvectors of such a pair gets the terms between them
//! dropped. A loss that does not depend on the basis chosen inside a block of equal
//! eigenvalues has `aP = 0` on that block, so dropping the `0/0` there is exact; the textbook
//! `1/(λ_j − λ_i)` gives ∞ or NaN there. With `V̄ = 0` the body is `V diag(λ̄) Vᵀ`, the pullback
//! of [`eigvalsh()`].
//!
//! An input whose lower triangle lies outside LAPACK's safe range (entries near `MAX`, or
//! subnormal) is scaled by a power of two before faer sees it, and `λ` scaled back, as the SVD
//! does; eigenvalues that are subnormal keep the few bits they have, and one beyond `MAX`
//! (possible for `n·max|a|` near it) is infinite.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{ComputeEigenvectors, self_adjoint_evd, self_adjoint_evd_scratch};
use faer_ext::IntoFaer;
use ndarray::{Array1, Array2, ArrayView2, ShapeBuilder};

use super::checks::{Part, check_shape};
use super::{Real, matmul, tolerance};
use crate::{frule, rrule};

/// The eigenvalues (ascending) and eigenvectors (the columns of `V`) of a symmetric matrix,
/// reading only its lower triangle.
///
/// The pullback returns a **symmetric** `Ā` (the gradient with respect to a symmetric `a`, as
/// PyTorch and JAX return it), finite at repeated eigenvalues, where PyTorch and JAX return ∞ or
/// NaN. Inside a block of equal eigenvalues the eigenvectors are not unique. The pullback is
/// exact for losses that depend on such a block only through its subspace: functions of the
/// eigenvalues, projectors onto a group of eigenvectors separated from the rest by a gap.
///
/// It is **not** exact for a loss that mixes a block's eigenvectors with a function of its
/// eigenvalues, such as `⟨W, V diag(λ³) Vᵀ⟩ = ⟨W, A³⟩`. Its gradient needs the `0/0` limit
/// `(f(λ_j) − f(λ_i)) / (λ_j − λ_i) → f′(λ)` inside the block, which the cotangents do not carry.
/// The pullback drops those terms: the result is finite, but it is not the gradient. Give such
/// a matrix function its own rule. The tolerance for "equal" is in the module docs of
/// `linalg/eigh.rs`: `100·n·ε·max|λ|`.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::eigh;
/// use rules_core::{Pullback, Zero};
///
/// let a: ndarray::Array2<f64> = array![[2.0, 1.0], [1.0, 2.0]];
/// let ((w, _v), pb) = eigh::rrule(a.view());
/// assert!((w[0] - 1.0).abs() < 1e-14 && (w[1] - 3.0).abs() < 1e-14);
/// // ∂λ_max/∂A = v vᵀ with v = (1, 1)/√2.
/// let g = pb.pullback((array![0.0, 1.0], Zero));
/// assert!(g.iter().all(|&x| (x - 0.5).abs() < 1e-14));
/// ```
///
/// # Memory
///
/// The whole gradient at 500×500 holds 5.0× the input (`perf_report -- --linalg`): the
/// caller's `V`, the pullback's own copy of it (the signature returns an owned `Array2`), and in
/// the pullback `P = Vᵀ V̄` (turned into the core `M` in place), `V M` and `Ā`. The forward's
/// peak is 4×: `V` and faer's workspace (a copy of the input for the tridiagonal reduction and
/// two n×n merge buffers for divide and conquer).
///
/// # Panics
/// If `a` is not square or its lower triangle holds NaN or ±∞ (naming the rule and the entry),
/// if the iteration does not converge, and in the pullback or the pushforward if a cotangent's
/// or tangent's shape differs from its output's or input's. The pushforward reads the tangent's
/// lower triangle only (as the function reads the input's), so it is the adjoint of the
/// (symmetric) pullback on symmetric tangents.
#[rrule]
#[frule]
pub fn eigh<T: Real>(a: ArrayView2<'_, T>) -> (Array1<T>, Array2<T>) {
    let (w, v) = decompose("eigh", a, true);
    let tol = gap_tolerance(&w);
    (
        (w.clone(), v.clone()),
        move |dw: Array1<T>, dv: Array2<T>| -> Array2<T> {
            check_shape("eigh", "dW", dw.shape(), w.shape());
            check_shape("eigh", "dV", dv.shape(), v.shape());
            // P = VᵀV̄, and its antisymmetric part over the gaps.
            let p = matmul::mul(v.t(), dv.view());
            let m = gap_core(&w, tol, p);
            // ... plus diag(λ̄).
            let m = m + matmul::diag(&dw);
            matmul::congruence(&v, &m)
        },
        move |da: Array2<T>| -> (Array1<T>, Array2<T>) {
            check_shape("eigh", "dA", da.shape(), v.shape());
            // G = Vᵀ Ȧ V for the symmetric Ȧ whose lower triangle is `da`'s (as the input's).
            let g = rotated(&v, da);
            let dw = g.diag().to_owned();
            // V̇ = V (F ∘ G), F_ij = 1/(λ_j − λ_i) over the gaps, in G's buffer.
            let f = gap_quotients(&w, tol, g);
            let dv = matmul::mul(v.view(), f.view());
            (dw, dv)
        },
    )
}

/// The eigenvalues (ascending) of a symmetric matrix, reading only its lower triangle. The plain
/// function computes no eigenvectors; the rule does, for its pullback `V diag(λ̄) Vᵀ` (symmetric).
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::eigvalsh;
///
/// let w = eigvalsh(array![[2.0, f64::NAN], [1.0, 2.0]].view()); // the upper triangle is not read
/// assert!((w[0] - 1.0).abs() < 1e-14 && (w[1] - 3.0).abs() < 1e-14);
/// ```
///
/// # Memory
///
/// The rules compute `V` (the plain function does not): the whole gradient at 500×500 peaks at
/// 4.1× the input, in the forward (`V` and faer's three n×n of workspace, as for [`eigh()`]);
/// the pullback holds `V`, `V diag(λ̄)` and `Ā`.
///
/// # Panics
/// As [`eigh()`].
#[rrule]
#[frule]
pub fn eigvalsh<T: Real>(a: ArrayView2<'_, T>) -> Array1<T> {
    #[primal_only]
    let (w, _) = decompose("eigvalsh", a, false);
    #[rrule_only]
    let (w, v) = decompose("eigvalsh", a, true);
    (
        w,
        move |dw: Array1<T>| -> Array2<T> {
            check_shape("eigvalsh", "dW", dw.shape(), &[v.ncols()]);
            matmul::congruence(&v, &matmul::diag(&dw))
        },
        move |da: Array2<T>| -> Array1<T> {
            check_shape("eigvalsh", "dA", da.shape(), v.shape());
            // λ̇_i = v_iᵀ Ȧ v_i for the symmetric Ȧ of `da`'s lower triangle.
            let da = symmetric_from_lower(da);
            let av = matmul::mul(da.view(), v.view());
            av.columns()
                .into_iter()
                .zip(v.columns())
                .map(|(a, x)| a.dot(&x))
                .collect()
        },
    )
}

/// The symmetric matrix whose lower triangle is `a`'s, in `a`'s buffer: the tangent the
/// pushforwards of [`eigh()`] and [`eigvalsh()`] see, since the functions read only the lower
/// triangle of their input.
pub(crate) fn symmetric_from_lower<T: Real>(mut a: Array2<T>) -> Array2<T> {
    let n = a.nrows();
    for j in 0..n {
        for i in 0..j {
            a[[i, j]] = a[[j, i]];
        }
    }
    a
}

/// `Vᵀ Ȧ V` for the symmetric `Ȧ` of `da`'s lower triangle: symmetric, so only the upper
/// triangle of `Vᵀ (Ȧ V)` is formed (half the second product) and mirrored.
fn rotated<T: Real>(v: &Array2<T>, da: Array2<T>) -> Array2<T> {
    let da = symmetric_from_lower(da);
    let av = matmul::mul(da.view(), v.view());
    let mut g = matmul::t_mul_upper(v.view(), av.view(), false);
    let n = g.nrows();
    for j in 0..n {
        for i in j + 1..n {
            g[[i, j]] = g[[j, i]];
        }
    }
    g
}

/// `F ∘ G` with `F_ij = 1/(λ_j − λ_i)` off the diagonal (`0` within `tol`) and `0` on it, in
/// `G`'s buffer: the adjoint of [`gap_core`] on symmetric matrices.
fn gap_quotients<T: Real>(w: &Array1<T>, tol: T, mut g: Array2<T>) -> Array2<T> {
    let n = w.len();
    for j in 0..n {
        g[[j, j]] = T::zero();
        for i in 0..j {
            let f = tolerance::inv(w[j] - w[i], tol);
            g[[i, j]] *= f;
            g[[j, i]] *= -f;
        }
    }
    g
}

/// `(λ, V)` of the symmetric matrix whose lower triangle is `a`'s (`V` empty without `vectors`),
/// written by faer straight into the ndarray buffers returned.
#[track_caller]
fn decompose<T: Real>(rule: &str, a: ArrayView2<'_, T>, vectors: bool) -> (Array1<T>, Array2<T>) {
    let (m, n) = a.dim();
    assert!(
        m == n,
        "{rule}: the input must be square, but `a` has shape [{m}, {n}]"
    );
    // An input whose entries lie outside LAPACK's safe range (near `MAX`, or subnormal) is
    // scaled by a power of two first (exactly), as the SVD does: faer's iteration does not
    // converge there. λ is scaled back; V is the same.
    let max_abs = super::checks::max_abs_finite(rule, a, Part::Lower);
    let scaled = super::cholqr::scaled_into_safe_range(a, max_abs);
    let alpha = scaled.as_ref().map(|(_, alpha)| *alpha);
    let a = scaled.as_ref().map_or(a, |(s, _)| s.view());
    let mut v = Array2::<T>::zeros(if vectors { (n, n) } else { (0, 0) }.f());
    let mut w = faer::diag::Diag::<T>::zeros(n);
    if n > 0 {
        let par = matmul::parallelism(n);
        let compute = if vectors {
            ComputeEigenvectors::Yes
        } else {
            ComputeEigenvectors::No
        };
        // The tridiagonal reduction on one thread up to 1024×1024 (faer's default hands it to
        // the pool from 192×256 entries): on a 2-core machine its threaded panels synchronise
        // more than they gain. Measured (whole gradient, best of 7, in one process, two runs):
        // eigvalsh at 1000×1000 160–168 ms against 177–185 ms; eigh and 500×500 within noise.
        let mut params: faer::Spec<faer::linalg::evd::SelfAdjointEvdParams, T> = Default::default();
        params.config.tridiag.par_threshold = 1024 * 1024;
        let mut mem = MemBuffer::new(self_adjoint_evd_scratch::<T>(n, compute, par, params));
        let result = self_adjoint_evd(
            a.into_faer(),
            w.as_mut(),
            vectors.then(|| v.view_mut().into_faer()),
            par,
            MemStack::new(&mut mem),
            params,
        );
        if let Err(e) = result {
            panic!("{rule}: the eigendecomposition of the {n}×{n} input did not converge ({e:?})");
        }
    }
    let w = w.column_vector();
    let back = alpha.map_or(T::one(), T::recip);
    (Array1::from_iter((0..n).map(|i| w[i] * back)), v)
}

/// `100 · n · ε · max|λ|`: below it a gap between eigenvalues counts as zero (see the module
/// docs for why 100).
fn gap_tolerance<T: Real>(w: &Array1<T>) -> T {
    tolerance::gap(w.iter().fold(T::zero(), |m, v| m.max(v.abs())), w.len())
}

/// `M_ij = (P_ij − P_ji) / 2 / (λ_j − λ_i)` off the diagonal, `0` on it, in `P`'s buffer.
fn gap_core<T: Real>(w: &Array1<T>, tol: T, mut p: Array2<T>) -> Array2<T> {
    let n = w.len();
    let half = T::one() / (T::one() + T::one());
    for j in 0..n {
        p[[j, j]] = T::zero();
        for i in 0..j {
            let a = (p[[i, j]] - p[[j, i]]) * half;
            let f = tolerance::inv(w[j] - w[i], tol);
            // (i, j) gets a·f; (j, i) gets (−a)·(−f), the same: M is symmetric.
            p[[i, j]] = a * f;
            p[[j, i]] = a * f;
        }
    }
    p
}
