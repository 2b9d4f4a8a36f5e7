//! Matrix norms: Frobenius directly, nuclear and spectral through the SVD's singular values, so
//! that their pullbacks are the singular-value body of the SVD's, `U · diag(s̄) · Vᵀ`.

use ndarray::{Array1, Array2, ArrayView2};

use super::checks::{Part, check_finite, check_shape};
use super::svd_rule::{forward, pushforward};
use super::{Real, matmul, tolerance};
use crate::{NoTangent, frule, rrule};

/// Which norm [`matrix_norm()`] computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Norm {
    /// `‖A‖_F = √(Σ a_ij²)`.
    Fro,
    /// `‖A‖_* = Σ s_i`, the sum of the singular values.
    Nuclear,
    /// `‖A‖_2 = s_max`, the largest singular value.
    Spectral,
}

impl crate::Differentiable for Norm {
    type Tangent = NoTangent;
    fn zero_tangent(&self) -> NoTangent {
        NoTangent
    }
}

/// What the derivatives of a norm need: the norm itself (Frobenius), or the thin SVD and the
/// weights `w` with `∂‖A‖/∂s = w` (nuclear: `1` above the SVD's tolerance; spectral: `e₀`).
enum Kept<T> {
    Fro(T),
    Svd(Array2<T>, Array2<T>, Array1<T>),
    /// The plain function, which keeps nothing.
    Nothing,
}

/// The Frobenius, nuclear or spectral norm of `a` (`0` for an empty matrix).
///
/// * `Norm::Fro`: computed with the largest entry factored out, so it neither overflows nor
///   underflows where the norm is representable. Pullback `ā = ȳ · A / ‖A‖`, pushforward
///   `⟨A, Ȧ⟩ / ‖A‖`; both `0` at `A = 0`, the minimum-norm subgradient.
/// * `Norm::Nuclear`: `Σ s_i`. Pullback `ȳ · U_r V_rᵀ` over the singular values above the SVD's
///   tolerance `max(m, n)·ε·s_max` (the singular-value pullback of [`svd()`](super::svd())
///   with `s̄_i = ȳ` there and `0` below), pushforward `Σ_{i<r} u_iᵀ Ȧ v_i`. At a rank-deficient
///   `A` the norm is not differentiable; this is its minimum-norm subgradient (PyTorch's
///   `U Vᵀ` adds arbitrary null-space directions).
/// * `Norm::Spectral`: `s_0`. Pullback `ȳ · u_0 v_0ᵀ`, pushforward `u_0ᵀ Ȧ v_0`. Where the largest
///   singular value is repeated the norm is not differentiable, and `u_0 v_0ᵀ` (for the pair the
///   SVD returns) is a subgradient; at `A = 0`, `0`.
///
/// The plain function computes the singular values only; the rules compute the thin SVD.
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::{matrix_norm, Norm};
/// use rules_core::{NoTangent, Pullback};
///
/// let a: ndarray::Array2<f64> = array![[3.0, 0.0], [0.0, -4.0]];
/// assert_eq!(matrix_norm(a.view(), Norm::Fro), 5.0);
/// assert!((matrix_norm(a.view(), Norm::Nuclear) - 7.0).abs() < 1e-14);
/// assert!((matrix_norm(a.view(), Norm::Spectral) - 4.0).abs() < 1e-14);
/// let (_, pb) = matrix_norm::rrule(a.view(), Norm::Spectral);
/// let (g, NoTangent) = pb.pullback(1.0);
/// assert!((g - array![[0.0, 0.0], [0.0, -1.0]]).iter().all(|e: &f64| e.abs() < 1e-14));
/// ```
///
/// # Memory
///
/// For the nuclear and spectral norms, at 500×500 the whole gradient holds 9.2× the input, at the SVD's forward
/// peak: `U`, `Vᵀ` and about 7× in faer's bidiagonal SVD workspace (see the [module docs](crate::linalg#memory)); a tall
/// 20000×10 input holds 2×, through Cholesky QR. The Frobenius norm holds only its result.
///
/// # Panics
/// If `a` holds NaN or ±∞ (naming `matrix_norm` and the entry), and in the pushforward if the
/// tangent's shape differs from `a`'s.
#[rrule]
#[frule]
pub fn matrix_norm<T: Real>(a: ArrayView2<'_, T>, norm: Norm) -> T {
    check_finite("matrix_norm", a, Part::All);
    #[primal_only]
    let (y, kept) = value(a, norm, false);
    #[rrule_only]
    let (y, kept) = value(a, norm, true);
    let shape = a.dim();
    (
        y,
        move |dy: T| -> (Array2<T>, NoTangent) {
            let da = pullback(&kept, a, dy);
            (da, NoTangent)
        },
        move |da: Array2<T>, _norm: NoTangent| -> T {
            check_shape("matrix_norm", "da", da.shape(), &[shape.0, shape.1]);
            pushforward_of(&kept, a, da.view())
        },
    )
}

/// The norm, and what its derivatives need (with `keep`).
fn value<T: Real>(a: ArrayView2<'_, T>, norm: Norm, keep: bool) -> (T, Kept<T>) {
    let (m, n) = a.dim();
    match norm {
        Norm::Fro => {
            let big = a.iter().fold(T::zero(), |m, v| m.max(v.abs()));
            let y = if big == T::zero() {
                T::zero()
            } else {
                big * a
                    .iter()
                    .fold(T::zero(), |s, &v| s + (v / big) * (v / big))
                    .sqrt()
            };
            (y, if keep { Kept::Fro(y) } else { Kept::Nothing })
        }
        Norm::Nuclear | Norm::Spectral if !keep => {
            let s = forward::singular_values("matrix_norm", a);
            (of_singular_values(&s, norm), Kept::Nothing)
        }
        Norm::Nuclear | Norm::Spectral => {
            let (u, s, vt) = forward::thin_svd("matrix_norm", a);
            let tol = tolerance::relative(&s, m, n);
            let w = Array1::from_shape_fn(s.len(), |i| match norm {
                Norm::Spectral => {
                    T::from(u8::from(i == 0 && s[0] > T::zero())).unwrap_or_else(T::zero)
                }
                _ => T::from(u8::from(s[i] > tol)).unwrap_or_else(T::zero),
            });
            (of_singular_values(&s, norm), Kept::Svd(u, vt, w))
        }
    }
}

fn of_singular_values<T: Real>(s: &Array1<T>, norm: Norm) -> T {
    match norm {
        Norm::Spectral => s.first().copied().unwrap_or_else(T::zero),
        _ => s.sum(),
    }
}

/// `Ā` for the cotangent `ȳ`.
fn pullback<T: Real>(kept: &Kept<T>, a: ArrayView2<'_, T>, dy: T) -> Array2<T> {
    match kept {
        Kept::Fro(y) if *y > T::zero() => a.mapv(|v| v / *y * dy),
        Kept::Svd(u, vt, w) => {
            let ds = w.mapv(|wi| wi * dy);
            matmul::sandwich(u.view(), &matmul::diag(&ds), vt.view())
        }
        _ => Array2::zeros(a.dim()),
    }
}

/// `ẏ` for the tangent `Ȧ`.
fn pushforward_of<T: Real>(kept: &Kept<T>, a: ArrayView2<'_, T>, da: ArrayView2<'_, T>) -> T {
    match kept {
        Kept::Fro(y) if *y > T::zero() => {
            // Σ (x/‖A‖)·d: no overflow of the products where the result is representable.
            a.iter()
                .zip(&da)
                .fold(T::zero(), |s, (&x, &d)| s + (x / *y) * d)
        }
        Kept::Svd(u, vt, w) => {
            let ds = pushforward::singular_value_tangents(u.view(), vt.view(), da);
            ds.iter().zip(w).fold(T::zero(), |s, (&d, &wi)| s + d * wi)
        }
        _ => T::zero(),
    }
}
