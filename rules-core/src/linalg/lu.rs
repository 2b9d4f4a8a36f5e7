//! Linear systems, inverses and determinants through one LU factorisation with partial pivoting
//! (faer's, through `plu`), computed in the forward pass and reused by the pullback.
//!
//! For `A = P L U`:
//!
//! ```text
//! solve:    X = A⁻¹ B           B̄ = A⁻ᵀ X̄,    Ā = −B̄ Xᵀ
//! inv:      Y = A⁻¹             Ā = −Yᵀ Ȳ Yᵀ
//! det:      d = sign(P) ∏ Uᵢᵢ   Ā = d̄ · d · A⁻ᵀ
//! slogdet:  (s, l = log|d|)     Ā = l̄ · A⁻ᵀ   (the sign is locally constant)
//! ```
//!
//! `A⁻ᵀ X̄` is a transposed solve with the same factors: no inverse is formed for `solve`.
//!
//! An input outside LAPACK's safe range (entries near `MAX`, or subnormal) is factored as `αA`,
//! α a power of two, and a right-hand side outside it is scaled the same way, so every result
//! is accurate wherever it is representable; one beyond `MAX` is infinite, never NaN.

use faer_ext::IntoFaer;
use ndarray::{Array2, ArrayView2, ShapeBuilder};

use super::checks::{Part, finite};
use super::plu::Plu;
use super::{LinalgError, Real, matmul};
use crate::{frule, rrule};

/// The LU factorisation of a square, finite, nonsingular matrix `A`, and its determinant.
///
/// An `A` outside LAPACK's safe range (entries near `MAX`, or subnormal) is factored as
/// `B = αA`, α a power of two (exact): the solves, the inverse and the determinant account for
/// α, so that a result is accurate wherever it is representable.
struct Lu<T: Real> {
    lu: Plu<T>,
    n: usize,
    /// `B = αA`; `1` for an input in the safe range.
    alpha: T,
}

impl<T: Real> Lu<T> {
    /// Factors `a`, or says why it cannot.
    fn new(rule: &'static str, a: ArrayView2<'_, T>) -> Result<Self, LinalgError> {
        let (m, n) = a.dim();
        if m != n {
            return Err(LinalgError::NotSquare {
                rule,
                arg: "a",
                shape: (m, n),
            });
        }
        finite(rule, "a", a, Part::All)?;
        let max_abs = a.iter().fold(T::zero(), |m, v| m.max(v.abs()));
        let scaled = super::cholqr::scaled_into_safe_range(a, max_abs);
        let alpha = scaled.as_ref().map_or(T::one(), |(_, alpha)| *alpha);
        let b = scaled.as_ref().map_or(a, |(b, _)| b.view());
        let lu = Plu::new(b.into_faer());
        if (0..n).any(|i| lu.pivot(i) == T::zero()) {
            return Err(LinalgError::Singular { rule });
        }
        Ok(Lu { lu, n, alpha })
    }

    /// `(sign, log|det B|)`: the factored matrix's, before α is accounted for.
    fn sign_log_det_scaled(&self) -> (T, T) {
        let mut sign = self.permutation_sign();
        let mut log = T::zero();
        for i in 0..self.n {
            let p = self.lu.pivot(i);
            if p < T::zero() {
                sign = -sign;
            }
            log += p.abs().ln();
        }
        (sign, log)
    }

    /// `(sign, log|det A|)` from the pivots and the permutation's parity:
    /// `log|det A| = log|det B| − n log α`.
    fn sign_log_det(&self) -> (T, T) {
        let (sign, log) = self.sign_log_det_scaled();
        if self.alpha == T::one() {
            return (sign, log);
        }
        let n = T::from(self.n).unwrap_or_else(T::max_value);
        (sign, log - n * self.alpha.ln())
    }

    /// `log₂ α`, an integer.
    fn alpha_log2(&self) -> i64 {
        self.alpha.log2().round().to_i64().unwrap_or(0)
    }

    /// `+1` or `−1`: the parity of the row permutation (by its cycles).
    fn permutation_sign(&self) -> T {
        let (forward, _) = self.lu.P().arrays();
        let mut seen = vec![false; forward.len()];
        let mut sign = T::one();
        for start in 0..forward.len() {
            let mut len = 0usize;
            let mut i = start;
            while !seen[i] {
                seen[i] = true;
                i = forward[i];
                len += 1;
            }
            if len > 0 && len % 2 == 0 {
                sign = -sign;
            }
        }
        sign
    }
}

// The solves are free functions, not methods: `#[rrule]` takes a method outside its read-only
// list to write its receiver, and a pullback's captured factorisation must stay readable.

/// `A⁻¹ B` (`transposed`: `A⁻ᵀ B`), solved in place in a new column-major array.
fn lu_solve<T: Real>(lu: &Lu<T>, b: ArrayView2<'_, T>, transposed: bool) -> Array2<T> {
    let mut x = Array2::<T>::zeros(b.dim().f());
    x.assign(&b);
    lu_solve_in_place(lu, x, transposed)
}

/// [`lu_solve`] in `b`'s own buffer when it is column-major (a copy into one otherwise).
fn lu_solve_owned<T: Real>(lu: &Lu<T>, b: Array2<T>, transposed: bool) -> Array2<T> {
    if b.t().is_standard_layout() {
        lu_solve_in_place(lu, b, transposed)
    } else {
        lu_solve(lu, b.view(), transposed)
    }
}

/// `A⁻¹ X` (`transposed`: `A⁻ᵀ X`) in `x`'s buffer.
fn lu_solve_in_place<T: Real>(lu: &Lu<T>, x: Array2<T>, transposed: bool) -> Array2<T> {
    // A right-hand side outside the safe range is scaled too (by β, a power of two), so that
    // the solve's intermediate values stay normal: x = (α/β) · B⁻¹ (β b).
    let max_abs = x.iter().fold(T::zero(), |m, v| m.max(v.abs()));
    let beta = super::cholqr::safe_range_scale(max_abs)
        .map_or(0, |beta| beta.log2().round().to_i64().unwrap_or(0));
    let mut x = times_pow2(x, beta);
    let rhs = x.view_mut().into_faer();
    lu.lu.solve_in_place(transposed, rhs);
    // A⁻¹ = α B⁻¹.
    times_pow2(x, lu.alpha_log2() - beta)
}

/// `A⁻¹ = α B⁻¹`.
fn lu_inverse<T: Real>(lu: &Lu<T>) -> Array2<T> {
    let inv = lu.lu.inverse();
    times_pow2(inv, lu.alpha_log2())
}

/// `det A · A⁻ᵀ` (the adjugate's transpose, the determinant's gradient), computed as
/// `det B · B⁻ᵀ · α^(1−n)`: accurate also where `det A` alone under- or overflows.
fn det_inverse_t<T: Real>(lu: &Lu<T>) -> Array2<T> {
    let (s, l) = lu.sign_log_det_scaled();
    let inv_b = lu.lu.inverse();
    let m = scaled_transpose(inv_b, s * l.exp());
    let n = i64::try_from(lu.n).unwrap_or(i64::MAX);
    times_pow2(m, lu.alpha_log2().saturating_mul(1 - n))
}

/// `m · 2^e`, exactly, in steps that stay representable (so that a representable result is not
/// lost to an intermediate power of two).
fn times_pow2<T: Real>(mut m: Array2<T>, mut e: i64) -> Array2<T> {
    let two = T::one() + T::one();
    // Half the exponent range: 511 for f64, 63 for f32.
    let limit = (T::max_value().log2().to_i64().unwrap_or(64) / 2).max(1);
    while e != 0 {
        let step = e.clamp(-limit, limit);
        let f = two.powi(i32::try_from(step).unwrap_or(0));
        m.mapv_inplace(|v| v * f);
        e -= step;
    }
    m
}

/// `s · Mᵀ`, scaling `M` in place and returning its transposed view of the same buffer.
fn scaled_transpose<T: Real>(mut m: Array2<T>, s: T) -> Array2<T> {
    m.mapv_inplace(|v| v * s);
    m.reversed_axes()
}

/// Solves `a·x = b` for `x` (`b` with any number of columns).
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::solve;
/// use rules_core::Pullback;
///
/// let a = array![[2.0, 0.0], [1.0, 4.0]];
/// let b = array![[2.0], [9.0]];
/// let (x, pb) = solve::rrule(a.view(), b.view()).unwrap();
/// assert_eq!(x, array![[1.0], [2.0]]);
/// let (da, db) = pb.pullback(array![[1.0], [0.0]]);
/// // b̄ = a⁻ᵀ x̄ and ā = −b̄ xᵀ.
/// assert_eq!(db, array![[0.5], [0.0]]);
/// assert_eq!(da, array![[-0.5, -1.0], [0.0, 0.0]]);
/// ```
///
/// # Memory
///
/// The whole gradient at 500×500 (`b` 500×500) holds 5.0× the input `a`: the caller's `x`, the
/// pullback's copy of it, the LU factors (one n×n, packed), `b̄` (in `x̄`'s buffer when that is
/// column-major, else a column-major copy) and `ā = −b̄ xᵀ`.
///
/// # Errors
/// [`LinalgError::NotSquare`] if `a` is not square, [`LinalgError::Shape`] if `b` does not have
/// `a`'s number of rows, [`LinalgError::NonFinite`] for NaN or ±∞ in either, and
/// [`LinalgError::Singular`] if `a` is exactly singular (a zero pivot; a nearly singular `a`
/// gives a large but finite answer, as LAPACK's `gesv` does).
///
/// # Panics
/// In the pullback, if the cotangent's shape differs from `x`'s; in the pushforward
/// (`ẋ = a⁻¹ (ḃ − ȧ x)`, one solve), if a tangent's differs from its input's.
#[rrule]
#[frule]
pub fn solve<T: Real>(
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
) -> Result<Array2<T>, LinalgError> {
    let lu = Lu::new("solve", a)?;
    if b.nrows() != a.nrows() {
        return Err(LinalgError::Shape {
            rule: "solve",
            arg: "b",
            expected: format!("{} rows (as `a`)", a.nrows()),
            got: b.shape().to_vec(),
        });
    }
    finite("solve", "b", b, Part::All)?;
    let x = lu_solve(&lu, b, false);
    let (a_shape, b_shape) = (a.dim(), b.dim());
    Ok((
        x.clone(),
        move |dx: Array2<T>| -> (Array2<T>, Array2<T>) {
            super::checks::check_shape("solve", "dx", dx.shape(), x.shape());
            // B̄ = A⁻ᵀ X̄ (a transposed solve with the same factors), Ā = −B̄ Xᵀ.
            let db = lu_solve_owned(&lu, dx, true);
            let da = matmul::mul_by(db.view(), x.t(), -T::one());
            (da, db)
        },
        move |da: Array2<T>, db: Array2<T>| -> Array2<T> {
            super::checks::check_shape("solve", "da", da.shape(), &[a_shape.0, a_shape.1]);
            super::checks::check_shape("solve", "db", db.shape(), &[b_shape.0, b_shape.1]);
            // Ẋ = A⁻¹ (Ḃ − Ȧ X): one solve, of the sum of the two terms.
            let t = matmul::mul_by(da.view(), x.view(), -T::one());
            // (In t's column-major buffer, which the solve then works in.)
            let rhs = t + db;
            lu_solve_owned(&lu, rhs, false)
        },
    ))
}

/// The inverse of `a`.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::inv;
///
/// assert_eq!(inv(array![[2.0, 0.0], [0.0, 4.0]].view()).unwrap(), array![[0.5, 0.0], [0.0, 0.25]]);
/// ```
///
/// # Memory
///
/// The whole gradient at 500×500 holds 4.0× the input: the caller's `Y`, the pullback's copy,
/// and the pullback's `Yᵀ Ȳ` and `Ā` (the LU factors are dropped once `Y` is formed).
///
/// # Errors
/// As [`solve()`] for `a`.
///
/// # Panics
/// In the pullback, if the cotangent's shape differs from the inverse's; in the pushforward
/// (`−Y ȧ Y`), if the tangent's differs from `a`'s.
#[rrule]
#[frule]
pub fn inv<T: Real>(a: ArrayView2<'_, T>) -> Result<Array2<T>, LinalgError> {
    let lu = Lu::new("inv", a)?;
    let y = lu_inverse(&lu);
    Ok((
        y.clone(),
        move |dy: Array2<T>| -> Array2<T> {
            super::checks::check_shape("inv", "dy", dy.shape(), y.shape());
            // Ā = −Yᵀ Ȳ Yᵀ.
            let t = matmul::mul(y.t(), dy.view());
            matmul::mul_by(t.view(), y.t(), -T::one())
        },
        move |da: Array2<T>| -> Array2<T> {
            super::checks::check_shape("inv", "da", da.shape(), y.shape());
            // Ẏ = −Y Ȧ Y.
            let t = matmul::mul(y.view(), da.view());
            matmul::mul_by(t.view(), y.view(), -T::one())
        },
    ))
}

/// The determinant of a square matrix, through its LU factorisation; `0` for an exactly
/// singular one.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::det;
/// use rules_core::Pullback;
///
/// let a: ndarray::Array2<f64> = array![[2.0, 1.0], [1.0, 3.0]];
/// let (d, pb) = det::rrule(a.view());
/// assert!((d - 5.0).abs() < 1e-12);
/// // ∂det/∂A = det · A⁻ᵀ.
/// let g = pb.pullback(1.0);
/// assert!((&g - &array![[3.0, -1.0], [-1.0, 2.0]]).iter().all(|e: &f64| e.abs() < 1e-12));
/// ```
///
/// # Panics
/// If `a` is not square or holds NaN or ±∞ (the message names `det` and the entry). The
/// pullback and the pushforward (`ḋ = ⟨d·A⁻ᵀ, ȧ⟩`) panic at an exactly singular `a`: the
/// derivative there is given by the adjugate, which this rule does not compute (`det · A⁻ᵀ`
/// would be `0 · ∞`); perturb the input.
#[rrule]
#[frule]
pub fn det<T: Real>(a: ArrayView2<'_, T>) -> T {
    let lu = match Lu::new("det", a) {
        Ok(lu) => Some(lu),
        Err(LinalgError::Singular { .. }) => None,
        Err(e) => panic!("{e}"),
    };
    let d = lu.as_ref().map_or_else(T::zero, |lu| {
        let (s, l) = lu.sign_log_det();
        s * l.exp()
    });
    (
        d,
        move |dd: T| -> Array2<T> {
            let Some(lu) = &lu else {
                panic!("{}", SINGULAR_DET);
            };
            // Ā = d̄ · d · A⁻ᵀ, with `d · A⁻ᵀ` formed without `d` alone (which may underflow).
            det_inverse_t(lu) * dd
        },
        move |da: Array2<T>| -> T {
            let Some(lu) = &lu else {
                panic!("{}", SINGULAR_DET);
            };
            super::checks::check_shape("det", "da", da.shape(), &[lu.n, lu.n]);
            // ḋ = ⟨d · A⁻ᵀ, Ȧ⟩ = d · tr(A⁻¹ Ȧ), with `d · A⁻ᵀ` as in the pullback.
            let g = det_inverse_t(lu);
            g.iter()
                .zip(&da)
                .fold(T::zero(), |acc, (&x, &y)| acc + x * y)
        },
    )
}

/// Why [`det()`]'s derivatives stop at an exactly singular matrix.
const SINGULAR_DET: &str = "det: the derivative at an exactly singular matrix is its adjugate, which this rule does not compute";

/// `(sign, log|det|)` of a square matrix, through its LU factorisation: the determinant without
/// overflow or underflow. An exactly singular matrix gives `(0, −∞)`.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::slogdet;
/// use rules_core::{Pullback, Zero};
///
/// let a: ndarray::Array2<f64> = array![[0.0, 2.0], [3.0, 0.0]];
/// let (s, l) = slogdet(a.view());
/// assert_eq!(s, -1.0);
/// assert!((l - 6.0f64.ln()).abs() < 1e-12);
/// // ∂ log|det| / ∂A = A⁻ᵀ; the sign's cotangent contributes nothing.
/// let (_, pb) = slogdet::rrule(a.view());
/// let g = pb.pullback((Zero, 1.0));
/// assert!((&g - &array![[0.0, 0.5], [1.0 / 3.0, 0.0]]).iter().all(|e: &f64| e.abs() < 1e-12));
/// ```
///
/// # Panics
/// As [`det()`]; the pullback (`Ā = l̄ · A⁻ᵀ`) and the pushforward (`l̇ = tr(A⁻¹ ȧ)`, the
/// sign's tangent `0`) panic at an exactly singular `a`.
#[rrule]
#[frule]
pub fn slogdet<T: Real>(a: ArrayView2<'_, T>) -> (T, T) {
    let lu = match Lu::new("slogdet", a) {
        Ok(lu) => Some(lu),
        Err(LinalgError::Singular { .. }) => None,
        Err(e) => panic!("{e}"),
    };
    let (s, l) = lu
        .as_ref()
        .map_or((T::zero(), T::neg_infinity()), Lu::sign_log_det);
    (
        (s, l),
        move |_ds: T, dl: T| -> Array2<T> {
            let Some(lu) = &lu else {
                panic!("{}", SINGULAR_LOGDET);
            };
            // Ā = l̄ · A⁻ᵀ; the sign is locally constant, so its cotangent adds nothing.
            scaled_transpose(lu_inverse(lu), dl)
        },
        move |da: Array2<T>| -> (T, T) {
            let Some(lu) = &lu else {
                panic!("{}", SINGULAR_LOGDET);
            };
            super::checks::check_shape("slogdet", "da", da.shape(), &[lu.n, lu.n]);
            // l̇ = tr(A⁻¹ Ȧ), one solve in Ȧ's buffer; the sign's tangent is zero.
            let x = lu_solve_owned(lu, da, false);
            (T::zero(), x.diag().sum())
        },
    )
}

/// Why [`slogdet()`]'s derivatives stop at an exactly singular matrix.
const SINGULAR_LOGDET: &str =
    "slogdet: the derivative at an exactly singular matrix is not defined";
