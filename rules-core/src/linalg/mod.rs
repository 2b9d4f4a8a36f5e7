//! Linear-algebra rules on `ndarray` arrays, computed with faer.
//!
//! * [`svd()`]: the thin SVD `(U, S, Vt)`, with its pullback in projection-first form;
//! * [`svdvals()`]: the singular values, with the pullback `U·diag(s̄)·Vt`;
//! * [`solve()`], [`inv()`], [`det()`], [`slogdet()`]: through one LU factorisation reused by the
//!   pullback; the fallible ones return [`LinalgError`];
//! * [`cholesky()`]: the lower factor of a symmetric positive definite matrix, with a symmetric
//!   cotangent computed by two triangular solves;
//! * [`eigh()`], [`eigvalsh()`]: the eigendecomposition of a symmetric matrix, with a symmetric
//!   cotangent that stays finite at repeated eigenvalues;
//! * [`qr()`]: the thin QR factorisation (R's diagonal non-negative), with a projection-first
//!   pullback computed in `Q̄`'s buffer;
//! * [`pinv()`]: the pseudo-inverse, through [`svd()`]'s rule and its tolerance.
//!
//! Every rule is declared with `#[rrule]`, so `name::rrule(..)` returns the value with its
//! pullback, whose type is named by `NamePullback` ([`SvdPullback`], [`QrPullback`], ..). The
//! element type is `f64` or `f32` (see [`Real`]).
//!
//! Layout: one folder per rule family (`svd/`), and the helpers every rule shares, named by what
//! they are: `matmul` (products of views, `U·C·Vᵀ` with a dense or diagonal core), `tolerance`
//! (when a gap or a singular value counts as zero), `checks` (shapes and finiteness, with
//! messages naming the rule and the argument). A new rule is one new file or folder using those.

mod checks;
#[path = "cholesky.rs"]
mod cholesky_rule;
mod cholqr;
#[path = "eigh.rs"]
mod eigh_rule;
mod error;
#[path = "lu.rs"]
mod lu_rules;
mod matmul;
#[path = "pinv.rs"]
mod pinv_rule;
#[path = "qr.rs"]
mod qr_rule;
#[path = "svd/mod.rs"]
mod svd_rule;
mod tolerance;

pub use cholesky_rule::{CholeskyPullback, cholesky};
pub use eigh_rule::{EighPullback, EigvalshPullback, eigh, eigvalsh};
pub use error::LinalgError;
pub use lu_rules::{
    DetPullback, InvPullback, SlogdetPullback, SolvePullback, det, inv, slogdet, solve,
};
pub use pinv_rule::{PinvPullback, pinv};
pub use qr_rule::{QrPullback, qr};
pub use svd_rule::{SvdPullback, SvdvalsPullback, svd, svdvals};

/// The element types the linear-algebra rules accept: `f64` and `f32`.
///
/// Sealed: it gathers what faer, ndarray and the pullback kernels need of a real scalar.
///
/// ```
/// fn largest<T: rules_core::linalg::Real>(a: ndarray::ArrayView2<'_, T>) -> T {
///     rules_core::linalg::svdvals(a)[0]
/// }
/// assert_eq!(largest(ndarray::array![[2.0f32, 0.0], [0.0, 1.0]].view()), 2.0);
/// ```
pub trait Real:
    faer::traits::RealField
    + ndarray::LinalgScalar
    + ndarray::ScalarOperand
    + num_traits::Float
    + core::fmt::Debug
    + core::fmt::Display
    + Send
    + Sync
    + sealed::Sealed
    + 'static
{
}

impl Real for f32 {}
impl Real for f64 {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}
