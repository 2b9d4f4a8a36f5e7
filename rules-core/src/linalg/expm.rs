//! The matrix exponential by scaling and squaring with a Padé approximant (Higham 2005, "The
//! scaling and squaring method for the matrix exponential revisited"), and its Fréchet
//! derivative by differentiating the same steps (Al-Mohy and Higham 2009, "Computing the Fréchet
//! derivative of the matrix exponential"): every product of the forward pass becomes a pair,
//! `d(XY) = dX·Y + X·dY`, and the solve reuses the forward's LU factors. That costs about twice
//! the forward's products (13 against 6 for degree 13, and two per squaring against one), where
//! the 2n×2n block matrix `exp([[A, E], [0, A]])` costs eight times.
//!
//! ```text
//! r_m(A) = (V − U)⁻¹ (U + V),   U = A Σ b_{2j+1} A^{2j},   V = Σ b_{2j} A^{2j}
//! exp(A) = r_m(A / 2^s)^(2^s)
//! L(A, E): dR = (V − U)⁻¹ [(dU + dV) + (dU − dV) R],  then  L ← R_j L + L R_j  per squaring
//! ```
//!
//! The pullback is `Ā = L(Aᵀ, Ȳ)`, the adjoint of `L(A, ·)`; since every intermediate of `Aᵀ` is
//! the transpose of `A`'s, it runs on the forward's intermediates seen transposed.

use faer_ext::IntoFaer;
use ndarray::{Array2, ArrayView2, ShapeBuilder};

use super::checks::{Part, check_finite, check_shape};
use super::plu::Plu;
use super::{Real, matmul};
use crate::{frule, rrule};

/// Padé coefficients `b_0 ..= b_m` for the degrees used (Higham 2005, eq. 2.1 ff.).
const B3: [f64; 4] = [120.0, 60.0, 12.0, 1.0];
const B5: [f64; 6] = [30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0];
const B7: [f64; 8] = [
    17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0,
];
const B9: [f64; 10] = [
    17643225600.0,
    8821612800.0,
    2075673600.0,
    302702400.0,
    30270240.0,
    2162160.0,
    110880.0,
    3960.0,
    90.0,
    1.0,
];
const B13: [f64; 14] = [
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
];

/// `θ_m`: the largest `‖A‖₁` for which `r_m` meets the unit roundoff (Higham 2005, Table 2.3):
/// double precision uses degrees 3, 5, 7, 9, 13; single precision 3, 5, 7.
fn degrees<T: Real>() -> &'static [(f64, &'static [f64])] {
    if core::mem::size_of::<T>() == 4 {
        &[
            (4.258730016922831e-1, &B3),
            (1.880152677804762, &B5),
            (3.925_724_783_138_66, &B7),
        ]
    } else {
        &[
            (1.495585217958292e-2, &B3),
            (2.539_398_330_063_23e-1, &B5),
            (9.504178996162932e-1, &B7),
            (2.097847961257068, &B9),
            (5.371920351148152, &B13),
        ]
    }
}

/// The intermediates of one evaluation: what the Fréchet derivative reuses.
struct Parts<T: Real> {
    /// The scaled input `A / 2^s`.
    a: Array2<T>,
    s: i32,
    b: &'static [f64],
    /// `A², A⁴, A⁶, ..` of the scaled input (up to `A⁶` for degree 13, whose evaluation nests).
    powers: Vec<Array2<T>>,
    /// `Σ b_{2j+1} A^{2j}` (degree 13: `A⁶ W₁ + W₂`), so that `U = A W`.
    w: Array2<T>,
    /// Degree 13: `W₁ = b₁₃A⁶ + b₁₁A⁴ + b₉A²` and `Z₁ = b₁₂A⁶ + b₁₀A⁴ + b₈A²`.
    w1z1: Option<(Array2<T>, Array2<T>)>,
    /// The LU factors of `V − U`.
    lu: Plu<T>,
    /// `R_0 = r_m(A / 2^s)` and its squares, `R_j = R_0^(2^j)`, `j < s`.
    squares: Vec<Array2<T>>,
}

/// `exp(a)` for a square matrix, by scaling and squaring with a Padé approximant of degree 3 to
/// 13 chosen from `‖a‖₁` (Higham 2005; the method of MATLAB's `expm` and SciPy's `expm`).
///
/// Accuracy: backward stable in exact arithmetic for the degree chosen; in floating point the
/// relative error is a modest multiple of `ε·cond(exp, A)` for most matrices. Two known limits of
/// the 2005 algorithm (improved in Al-Mohy and Higham 2009, not implemented here): for a highly
/// non-normal `A`, `‖A‖₁` overestimates what matters and `s` can be larger than needed, which
/// loses a few digits; and an `A` with large negative eigenvalues and large `‖A‖` can lose
/// relative accuracy in small entries of `exp(A)`.
///
/// Derivatives: the pushforward is the Fréchet derivative `L(A, Ȧ)`, computed by differentiating
/// each step of the forward pass (module docs of `linalg/expm.rs`); the pullback is
/// `Ā = L(Aᵀ, Ȳ)`, on the forward's intermediates seen transposed, so neither recomputes the
/// exponential. `matrix_exp::rrule` keeps those intermediates (the powers of the scaled input,
/// the Padé sums, the LU factors and the `s` squares): `7 + s` n×n matrices for degree 9 and
/// below, `8 + s` for degree 13.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::matrix_exp;
/// use rules_core::Pullback;
///
/// // exp of a rotation generator: [[cos t, −sin t], [sin t, cos t]].
/// let t = 0.5f64;
/// let e = matrix_exp(array![[0.0, -t], [t, 0.0]].view());
/// assert!((e[[0, 0]] - t.cos()).abs() < 1e-15 && (e[[1, 0]] - t.sin()).abs() < 1e-15);
/// // d/dA tr(exp A) = exp(A)ᵀ.
/// let a = array![[1.0, 2.0], [0.0, -1.0]];
/// let (y, pb) = matrix_exp::rrule(a.view());
/// let g = pb.pullback(ndarray::Array2::eye(2));
/// assert!((g - y.t()).iter().all(|v: &f64| v.abs() < 1e-13));
/// ```
///
/// # Memory
///
/// The intermediates the rules keep (above) are most of the heap: 21–22× the input for the whole
/// gradient at 500×500 (`perf_report -- --linalg`, whose input is `X/√n`).
///
/// # Panics
/// If `a` is not square or holds NaN or ±∞ (naming `matrix_exp` and the entry), and in the
/// pullback and the pushforward if a cotangent or tangent does not have `a`'s shape.
#[rrule]
#[frule]
pub fn matrix_exp<T: Real>(a: ArrayView2<'_, T>) -> Array2<T> {
    let (m, n) = a.dim();
    assert!(
        m == n,
        "matrix_exp: the input must be square, but `a` has shape [{m}, {n}]"
    );
    check_finite("matrix_exp", a, Part::All);
    let parts = evaluate(a);
    // exp(A) = R_{s−1}², or R_0 itself when s = 0.
    let y = match parts.squares.last() {
        Some(r) if parts.s > 0 => square(r),
        Some(r) => r.clone(),
        None => Array2::zeros((n, n)),
    };
    (
        y,
        move |dy: Array2<T>| -> Array2<T> {
            check_shape("matrix_exp", "dY", dy.shape(), &[n, n]);
            frechet(&parts, dy, true)
        },
        move |da: Array2<T>| -> Array2<T> {
            check_shape("matrix_exp", "dA", da.shape(), &[n, n]);
            frechet(&parts, da, false)
        },
    )
}

/// `x²`.
fn square<T: Real>(x: &Array2<T>) -> Array2<T> {
    matmul::mul(x.view(), x.view())
}

/// `‖a‖₁`, the largest column sum of absolute values.
fn norm1<T: Real>(a: ArrayView2<'_, T>) -> T {
    a.columns()
        .into_iter()
        .map(|c| c.iter().fold(T::zero(), |s, v| s + v.abs()))
        .fold(T::zero(), T::max)
}

fn c<T: Real>(x: f64) -> T {
    T::from(x).unwrap_or_else(T::zero)
}

/// `Σ coef_j X_j` over matrices of one shape (`I` for `None`).
fn combination<T: Real>(n: usize, terms: &[(f64, Option<&Array2<T>>)]) -> Array2<T> {
    let mut out = Array2::<T>::zeros((n, n).f());
    for &(coef, x) in terms {
        let k = c::<T>(coef);
        match x {
            Some(x) => out.scaled_add(k, x),
            None => out.diag_mut().mapv_inplace(|v| v + k),
        }
    }
    out
}

/// The Padé approximant of the chosen degree at the scaled input, and its `s` squares but the
/// last (which is `exp(a)` itself and left to the caller).
fn evaluate<T: Real>(a: ArrayView2<'_, T>) -> Parts<T> {
    let n = a.nrows();
    let norm = norm1(a).to_f64().unwrap_or(f64::INFINITY);
    let table = degrees::<T>();
    let (theta, b, s) = match table.iter().find(|(theta, _)| norm <= *theta) {
        Some(&(theta, b)) => (theta, b, 0),
        None => {
            let &(theta, b) = table.last().unwrap_or(&(1.0, &B3));
            let s = (norm / theta).log2().ceil().max(0.0);
            (theta, b, s as i32)
        }
    };
    let _ = theta;
    let scale = c::<T>(2f64.powi(-s));
    let a = a.mapv(|v| v * scale);
    let a2 = square(&a);
    let (powers, w, v, w1z1) = if b.len() == 14 {
        // Degree 13, nested (Higham 2005, eq. 2.3 ff.): six products.
        let a4 = square(&a2);
        let a6 = matmul::mul(a4.view(), a2.view());
        let w1 = combination(
            n,
            &[(b[13], Some(&a6)), (b[11], Some(&a4)), (b[9], Some(&a2))],
        );
        let z1 = combination(
            n,
            &[(b[12], Some(&a6)), (b[10], Some(&a4)), (b[8], Some(&a2))],
        );
        let mut w = combination(
            n,
            &[
                (b[7], Some(&a6)),
                (b[5], Some(&a4)),
                (b[3], Some(&a2)),
                (b[1], None),
            ],
        );
        matmul::gemm(w.view_mut(), true, a6.view(), w1.view(), T::one());
        let mut v = combination(
            n,
            &[
                (b[6], Some(&a6)),
                (b[4], Some(&a4)),
                (b[2], Some(&a2)),
                (b[0], None),
            ],
        );
        matmul::gemm(v.view_mut(), true, a6.view(), z1.view(), T::one());
        (vec![a2, a4, a6], w, v, Some((w1, z1)))
    } else {
        // A², A⁴, .., A^(m−1) for the degree m = b.len() − 1.
        let mut powers = vec![a2];
        while powers.len() < (b.len() - 2) / 2 {
            let next = matmul::mul(powers[powers.len() - 1].view(), powers[0].view());
            powers.push(next);
        }
        let odd: Vec<(f64, Option<&Array2<T>>)> = core::iter::once((b[1], None))
            .chain(
                powers
                    .iter()
                    .enumerate()
                    .map(|(j, p)| (b[2 * j + 3], Some(p))),
            )
            .collect();
        let even: Vec<(f64, Option<&Array2<T>>)> = core::iter::once((b[0], None))
            .chain(
                powers
                    .iter()
                    .enumerate()
                    .map(|(j, p)| (b[2 * j + 2], Some(p))),
            )
            .collect();
        let (w, v) = (combination(n, &odd), combination(n, &even));
        (powers, w, v, None)
    };
    let u = matmul::mul(a.view(), w.view());
    // R = (V − U)⁻¹ (U + V).
    let lu = Plu::new((&v - &u).view().into_faer());
    let mut r = &u + &v;
    let mut r = to_f(&mut r);
    lu.solve_in_place(false, r.view_mut().into_faer());
    let mut squares = vec![r];
    for _ in 1..s.max(1) {
        let next = squares.last().map(square);
        squares.extend(next);
    }
    squares.truncate(s.max(1) as usize);
    Parts {
        a,
        s,
        b,
        powers,
        w,
        w1z1,
        lu,
        squares,
    }
}

/// A column-major copy (the layout faer's solve works in).
fn to_f<T: Real>(x: &mut Array2<T>) -> Array2<T> {
    let mut out = Array2::<T>::zeros(x.dim().f());
    out.assign(x);
    out
}

/// `x`, or `xᵀ` when `transposed`.
fn seen<T>(x: &Array2<T>, transposed: bool) -> ArrayView2<'_, T> {
    if transposed { x.t() } else { x.view() }
}

/// `L(A, E)` (`transposed`: `L(Aᵀ, E)`, on the intermediates of `A` seen transposed).
fn frechet<T: Real>(p: &Parts<T>, e: Array2<T>, transposed: bool) -> Array2<T> {
    let n = p.a.nrows();
    let mul = |x: ArrayView2<'_, T>, y: ArrayView2<'_, T>| matmul::mul(x, y);
    // The scaled direction E / 2^s.
    let e = e * c::<T>(2f64.powi(-p.s));
    let a = seen(&p.a, transposed);
    // M₂ = A E + E A; then M_{2j+2} = M_{2j} A² + A^{2j} M₂.
    let mut m2 = mul(a, e.view());
    matmul::gemm(m2.view_mut(), true, e.view(), a, T::one());
    let a2 = seen(&p.powers[0], transposed);
    let mut ms = vec![m2];
    for j in 1..p.powers.len() {
        let mut next = mul(ms[j - 1].view(), a2);
        matmul::gemm(
            next.view_mut(),
            true,
            seen(&p.powers[j - 1], transposed),
            ms[0].view(),
            T::one(),
        );
        ms.push(next);
    }
    let b = p.b;
    let (du, dv) = if let Some((w1, z1)) = &p.w1z1 {
        let (m2, m4, m6) = (&ms[0], &ms[1], &ms[2]);
        let a6 = seen(&p.powers[2], transposed);
        let dw1 = combination(n, &[(b[13], Some(m6)), (b[11], Some(m4)), (b[9], Some(m2))]);
        let dz1 = combination(n, &[(b[12], Some(m6)), (b[10], Some(m4)), (b[8], Some(m2))]);
        // dW = A⁶ dW₁ + M₆ W₁ + dW₂, dV = A⁶ dZ₁ + M₆ Z₁ + dZ₂.
        let mut dw = combination(n, &[(b[7], Some(m6)), (b[5], Some(m4)), (b[3], Some(m2))]);
        matmul::gemm(dw.view_mut(), true, a6, dw1.view(), T::one());
        matmul::gemm(
            dw.view_mut(),
            true,
            m6.view(),
            seen(w1, transposed),
            T::one(),
        );
        let mut dv = combination(n, &[(b[6], Some(m6)), (b[4], Some(m4)), (b[2], Some(m2))]);
        matmul::gemm(dv.view_mut(), true, a6, dz1.view(), T::one());
        matmul::gemm(
            dv.view_mut(),
            true,
            m6.view(),
            seen(z1, transposed),
            T::one(),
        );
        (dw, dv)
    } else {
        let odd: Vec<(f64, Option<&Array2<T>>)> = ms
            .iter()
            .enumerate()
            .map(|(j, m)| (b[2 * j + 3], Some(m)))
            .collect();
        let even: Vec<(f64, Option<&Array2<T>>)> = ms
            .iter()
            .enumerate()
            .map(|(j, m)| (b[2 * j + 2], Some(m)))
            .collect();
        (combination(n, &odd), combination(n, &even))
    };
    // U = A W: dU = A dW + E W (for the transposed input, Aᵀ and Wᵀ).
    let mut du_full = mul(a, du.view());
    matmul::gemm(
        du_full.view_mut(),
        true,
        e.view(),
        seen(&p.w, transposed),
        T::one(),
    );
    // dR = (V − U)⁻¹ [(dU + dV) + (dU − dV) R].
    let r0 = seen(&p.squares[0], transposed);
    let diff = &du_full - &dv;
    let mut rhs = &du_full + &dv;
    matmul::gemm(rhs.view_mut(), true, diff.view(), r0, T::one());
    let mut l = to_f(&mut rhs);
    p.lu.solve_in_place(transposed, l.view_mut().into_faer());
    // Squaring: L ← R_j L + L R_j.
    for j in 0..p.s as usize {
        let r = seen(&p.squares[j], transposed);
        let mut next = mul(r, l.view());
        matmul::gemm(next.view_mut(), true, l.view(), r, T::one());
        l = next;
    }
    l
}
