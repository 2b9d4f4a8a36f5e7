//! The eigendecomposition of a general real matrix (faer's real Schur form and its eigenvectors),
//! complex results, and its derivatives.
//!
//! For `A V = V Λ` with `G = V⁻¹ Ȧ V`, `F_ij = 1/(λ_j − λ_i)` off the diagonal (`0` within the gap
//! tolerance) and `Y = V (F ∘ G)`:
//!
//! ```text
//! λ̇   = diag(G)
//! v̇_i = y_i + (α_i + i β_i) v_i,   α_i = −Re(v_iᴴ y_i),   β_i = −Im(y_pi) / v_pi
//! ```
//!
//! where `α_i` keeps `‖v_i‖ = 1` and `β_i` keeps `v_i`'s largest component `p` real (the
//! normalisation of [`eig()`]). The pullback is its adjoint: with `ρ_i = v̄_iᴴ v_i` and
//! `w_i = v̄_i − Re(ρ_i) v_i + i (Im(ρ_i) / v_pi) e_p`,
//!
//! ```text
//! K = diag(λ̄) + conj(F) ∘ (Vᴴ W)      Ā = Re(V⁻ᴴ K Vᴴ)
//! ```

use faer::linalg::solvers::{PartialPivLu, SolveCore};
use faer_ext::{IntoFaer, IntoNdarray};
use ndarray::{Array1, Array2, ArrayView2, ShapeBuilder};
use num_complex::Complex;

use super::checks::{Part, check_finite, check_shape};
use super::{Field, Real, matmul, tolerance};
use crate::{MaybeZero, frule, rrule};

/// The factors the derivatives reuse: `V` (normalised), its LU factors, `λ`, the gap tolerance
/// and each column's largest component.
struct Kept<T: Real> {
    w: Array1<Complex<T>>,
    v: Array2<Complex<T>>,
    lu: PartialPivLu<Complex<T>>,
    tol: T,
    largest: Vec<usize>,
}

/// The eigenvalues and eigenvectors of a square real matrix: `a · v_i = λ_i · v_i`, complex in
/// general (a real matrix's complex eigenvalues come in conjugate pairs, with conjugate
/// eigenvectors).
///
/// **Normalisation**: each eigenvector has unit 2-norm and its component of largest modulus (the
/// first such) real and positive. LAPACK's `geev` also makes that component real but does not fix
/// its sign, so eigenvectors may differ from NumPy's and SciPy's by a sign or phase. The input is
/// not scaled into LAPACK's safe range (faer's iteration is used as it is). The eigenvalues are in the order faer's
/// real Schur form gives them (not sorted).
///
/// **Derivatives** (module docs of `linalg/eig.rs`): the pushforward is the derivative of `λ`
/// and of `V` with this normalisation; the pullback is its adjoint, so `check_adjoint` holds
/// for any cotangent. For a loss invariant to each eigenvector's phase (`|v_i|²`, `v_i v_iᴴ`,
/// functions of `λ`) the gradient is the one PyTorch returns (JAX does not differentiate these
/// eigenvectors). A loss that depends on the
/// phase gets the derivative of this normalisation, which is continuous except where the largest
/// component of an eigenvector changes from one entry to another (PyTorch refuses such a loss;
/// here it has the derivative of a stated convention). `Ā` is real: the gradient with respect to
/// the real input.
///
/// **Degenerate inputs:** `1/(λ_j − λ_i)` is taken as `0` when `|λ_j − λ_i| ≤ 100·n·ε·max|λ|`
/// (the policy of [`eigh()`](super::eigh())), so the derivatives stay finite at repeated
/// eigenvalues. For a defective matrix (a repeated eigenvalue with one eigenvector), `V` is
/// singular and the eigenvectors are not differentiable at all: the derivatives divide by its
/// near-zero pivots and are large or infinite, as PyTorch's and JAX's.
///
/// ```
/// use ndarray::array;
/// use num_complex::Complex;
/// use rules_core::linalg::eig;
///
/// // A rotation by 90°: eigenvalues ±i.
/// let (w, v) = eig(array![[0.0, -1.0], [1.0, 0.0]].view());
/// let mut im: Vec<f64> = w.iter().map(|z| z.im).collect();
/// im.sort_by(f64::total_cmp);
/// assert!((im[0] + 1.0).abs() < 1e-15 && (im[1] - 1.0).abs() < 1e-15);
/// assert!(w.iter().all(|z| z.re.abs() < 1e-15));
/// let norm: f64 = v.column(0).iter().map(|z| z.norm_sqr()).sum();
/// assert!((norm - 1.0).abs() < 1e-15);
/// # let _ = Complex::new(0.0, 0.0);
/// ```
///
/// # Memory
///
/// The whole gradient at 500×500 holds 12× the input's bytes: `V` and `V`'s LU are complex
/// (each twice the input's size), held by the pullback beside the caller's `V`, and the forward
/// adds faer's real Schur form and eigenvector workspace at its peak.
///
/// # Panics
/// If `a` is not square or holds NaN or ±∞ (naming `eig` and the entry), if the iteration does
/// not converge, and in the pullback and pushforward if a cotangent or tangent has the wrong
/// shape.
#[rrule]
#[frule]
pub fn eig<T: Real>(a: ArrayView2<'_, T>) -> (Array1<Complex<T>>, Array2<Complex<T>>)
where
    Complex<T>: Field,
{
    let kept = decompose("eig", a);
    let n = a.nrows();
    (
        (kept.w.clone(), kept.v.clone()),
        move |dw: Array1<Complex<T>>, dv: Array2<Complex<T>>| -> Array2<T> {
            check_shape("eig", "dW", dw.shape(), &[n]);
            check_shape("eig", "dV", dv.shape(), &[n, n]);
            // Ā = Re(V⁻ᴴ K Vᴴ), K = diag(λ̄) + conj(F) ∘ (Vᴴ W): one term per cotangent.
            let kv = vector_core(&kept, dv);
            #[pass_zero]
            let da = rotate_back(&kept, kv, &dw);
            da
        },
        move |da: Array2<T>| -> (Array1<Complex<T>>, Array2<Complex<T>>) {
            check_shape("eig", "dA", da.shape(), &[n, n]);
            let g = rotated(&kept, da.view());
            let dw = g.diag().to_owned();
            let dv = vector_tangents(&kept, g);
            (dw, dv)
        },
    )
}

/// The eigenvalues of a square real matrix, as [`eig()`] returns them (in the same order); the
/// plain function computes no eigenvectors, the rules do (for `Ā = Re(V⁻ᴴ diag(λ̄) Vᴴ)` and
/// `λ̇ = diag(V⁻¹ Ȧ V)`).
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::eigvals;
/// use rules_core::Pullback;
///
/// let a: ndarray::Array2<f64> = array![[2.0, 1.0], [0.0, 3.0]];
/// let (w, pb) = eigvals::rrule(a.view());
/// let i = if w[0].re < w[1].re { 1 } else { 0 }; // λ = 3
/// // ∂λ/∂A = u vᵀ / (uᵀ v) for the left and right eigenvectors u, v of λ.
/// let mut dw = ndarray::Array1::zeros(2);
/// dw[i] = num_complex::Complex::new(1.0, 0.0);
/// let g = pb.pullback(dw);
/// assert!((g - array![[0.0, 0.0], [1.0, 1.0]]).iter().all(|e: &f64| e.abs() < 1e-14));
/// ```
///
/// # Memory
///
/// The rules compute `V` (the plain function does not): the whole gradient at 500×500 holds 10×
/// the input's bytes, for the complex `V` and its LU that the pullback keeps (each twice the
/// input's size) and faer's Schur workspace at the forward's peak.
///
/// # Panics
/// As [`eig()`].
#[rrule]
#[frule]
pub fn eigvals<T: Real>(a: ArrayView2<'_, T>) -> Array1<Complex<T>>
where
    Complex<T>: Field,
{
    #[primal_only]
    let w = values_only("eigvals", a);
    #[rrule_only]
    let kept = decompose("eigvals", a);
    #[rrule_only]
    let w = kept.w.clone();
    let n = a.nrows();
    (
        w,
        move |dw: Array1<Complex<T>>| -> Array2<T> {
            check_shape("eigvals", "dW", dw.shape(), &[n]);
            rotate_back(&kept, crate::Zero, &dw)
        },
        move |da: Array2<T>| -> Array1<Complex<T>> {
            check_shape("eigvals", "dA", da.shape(), &[n, n]);
            let g = rotated(&kept, da.view());
            g.diag().to_owned()
        },
    )
}

#[track_caller]
fn check_input<T: Real>(rule: &str, a: ArrayView2<'_, T>) {
    let (m, n) = a.dim();
    assert!(
        m == n,
        "{rule}: the input must be square, but `a` has shape [{m}, {n}]"
    );
    check_finite(rule, a, Part::All);
}

/// `λ` alone.
#[track_caller]
fn values_only<T: Real>(rule: &str, a: ArrayView2<'_, T>) -> Array1<Complex<T>>
where
    Complex<T>: Field,
{
    check_input(rule, a);
    match a.into_faer().eigenvalues() {
        Ok(w) => Array1::from(w),
        Err(e) => panic!("{rule}: the eigenvalue iteration did not converge ({e:?})"),
    }
}

/// `λ` and `V`, normalised, with the LU factors of `V`.
#[track_caller]
fn decompose<T: Real>(rule: &str, a: ArrayView2<'_, T>) -> Kept<T>
where
    Complex<T>: Field,
{
    check_input(rule, a);
    let n = a.nrows();
    let e = match faer::linalg::solvers::Eigen::new_from_real(a.into_faer()) {
        Ok(e) => e,
        Err(e) => panic!("{rule}: the eigenvalue iteration did not converge ({e:?})"),
    };
    let s = e.S();
    let w: Array1<Complex<T>> = (0..n).map(|i| s[i]).collect();
    let mut v = Array2::<Complex<T>>::zeros((n, n).f());
    v.assign(&e.U().into_ndarray());
    let (v, largest) = normalise(v);
    let lu = PartialPivLu::new(v.view().into_faer());
    let tol = tolerance::gap(w.iter().fold(T::zero(), |m, z| m.max(z.norm())), n);
    Kept {
        w,
        v,
        lu,
        tol,
        largest,
    }
}

/// Each column to unit norm with its (first) largest component real and positive.
fn normalise<T: Real>(mut v: Array2<Complex<T>>) -> (Array2<Complex<T>>, Vec<usize>) {
    let mut largest = Vec::with_capacity(v.ncols());
    for mut col in v.columns_mut() {
        let (p, big) = col
            .iter()
            .enumerate()
            .fold((0, T::zero()), |(p, m), (i, z)| {
                if z.norm() > m { (i, z.norm()) } else { (p, m) }
            });
        let norm = col.iter().fold(T::zero(), |s, z| s + z.norm_sqr()).sqrt();
        if big > T::zero() {
            // Divide by the phase of the largest component and by the norm.
            let phase = col[p] / Complex::new(big, T::zero());
            let f = phase.conj() / Complex::new(norm, T::zero());
            col.mapv_inplace(|z| z * f);
            col[p] = Complex::new(col[p].re, T::zero());
        }
        largest.push(p);
    }
    (v, largest)
}

/// `G = V⁻¹ Ȧ V`, with `Ȧ V = Ȧ Re V + i Ȧ Im V` as two real products (half the work of a complex
/// one).
fn rotated<T: Real>(k: &Kept<T>, da: ArrayView2<'_, T>) -> Array2<Complex<T>>
where
    Complex<T>: Field,
{
    let re = matmul::mul(da, k.v.mapv(|z| z.re).view());
    let im = matmul::mul(da, k.v.mapv(|z| z.im).view());
    let mut g = Array2::<Complex<T>>::zeros(re.dim().f());
    ndarray::Zip::from(&mut g)
        .and(&re)
        .and(&im)
        .for_each(|g, &r, &i| *g = Complex::new(r, i));
    k.lu.solve_in_place_with_conj(faer::Conj::No, g.view_mut().into_faer());
    g
}

/// `1/(λ_j − λ_i)` off the diagonal, `0` on it and within the tolerance.
fn gap<T: Real>(k: &Kept<T>, i: usize, j: usize) -> Complex<T> {
    let d = k.w[j] - k.w[i];
    if i == j || d.norm() <= k.tol {
        Complex::new(T::zero(), T::zero())
    } else {
        d.inv()
    }
}

/// `V̇` from `G` (module docs), in `G`'s buffer for `F ∘ G`.
fn vector_tangents<T: Real>(k: &Kept<T>, mut g: Array2<Complex<T>>) -> Array2<Complex<T>>
where
    Complex<T>: Field,
{
    for ((i, j), x) in g.indexed_iter_mut() {
        *x *= gap(k, i, j);
    }
    let mut y = matmul::mul(k.v.view(), g.view());
    for (i, mut col) in y.columns_mut().into_iter().enumerate() {
        let v = k.v.column(i);
        let p = k.largest[i];
        let alpha = -v
            .iter()
            .zip(&col)
            .fold(T::zero(), |s, (a, b)| s + (a.conj() * b).re);
        let beta = if v[p].re > T::zero() {
            -col[p].im / v[p].re
        } else {
            T::zero()
        };
        let gamma = Complex::new(alpha, beta);
        col.zip_mut_with(&v, |c, &x| *c += gamma * x);
    }
    y
}

/// `conj(F) ∘ (Vᴴ W)` with `W` the cotangent of `Y = V (F ∘ G)` (module docs): `V̄` with the
/// normalisation's terms, in `V̄`'s buffer.
fn vector_core<T: Real>(k: &Kept<T>, mut dv: Array2<Complex<T>>) -> Array2<Complex<T>>
where
    Complex<T>: Field,
{
    let zero = Complex::new(T::zero(), T::zero());
    for (i, mut col) in dv.columns_mut().into_iter().enumerate() {
        let v = k.v.column(i);
        let p = k.largest[i];
        let rho = col.iter().zip(&v).fold(zero, |s, (a, b)| s + a.conj() * b);
        col.zip_mut_with(&v, |c, &x| *c -= x * Complex::new(rho.re, T::zero()));
        if v[p].re > T::zero() {
            col[p] += Complex::new(T::zero(), rho.im / v[p].re);
        }
    }
    let mut kk = matmul::t_mul(k.v.view(), dv.view());
    for ((i, j), x) in kk.indexed_iter_mut() {
        *x *= gap(k, i, j).conj();
    }
    kk
}

/// `Ā = Re(V⁻ᴴ K Vᴴ)` with `K = K_v + diag(λ̄)`, either part `Zero`. Without `K_v`, `diag(λ̄) Vᴴ`
/// is a row scaling of `Vᴴ`: no n×n diagonal is formed to feed a product.
fn rotate_back<'a, T: Real>(
    k: &Kept<T>,
    kv: impl Into<MaybeZero<Array2<Complex<T>>>>,
    dw: impl Into<MaybeZero<&'a Array1<Complex<T>>>>,
) -> Array2<T>
where
    Complex<T>: Field,
{
    let n = k.w.len();
    let mut z = match (kv.into(), dw.into()) {
        (MaybeZero::Value(mut kk), dw) => {
            if let MaybeZero::Value(dw) = dw {
                kk.diag_mut().zip_mut_with(dw, |x, &d| *x += d);
            }
            // (column-major, as faer's solve works in)
            matmul::mul_adjoint(kk.view(), k.v.view())
        }
        (MaybeZero::Zero, MaybeZero::Value(dw)) => {
            let mut z = Array2::<Complex<T>>::zeros((n, n).f());
            for ((i, j), x) in z.indexed_iter_mut() {
                *x = dw[i] * k.v[[j, i]].conj();
            }
            z
        }
        // Only the all-Zero pattern, which runs nothing, would get here.
        (MaybeZero::Zero, MaybeZero::Zero) => return Array2::zeros((n, n)),
    };
    k.lu.solve_transpose_in_place_with_conj(faer::Conj::Yes, z.view_mut().into_faer());
    z.mapv(|z| z.re)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_is_used_for_equal_eigenvalues() {
        let kept = decompose("eig", ndarray::Array2::<f64>::eye(3).view());
        assert_eq!(gap(&kept, 0, 1), Complex::new(0.0, 0.0));
    }
}
