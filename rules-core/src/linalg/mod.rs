//! Linear-algebra rules on `ndarray` arrays, computed with faer.
//!
//! * [`svd()`]: the thin SVD `(U, S, Vt)`, with its pullback in projection-first form, for real
//!   and complex matrices ([`Field`]);
//! * [`svdvals()`]: the singular values, with the pullback `U·diag(s̄)·Vt`;
//! * [`solve()`], [`inv()`], [`det()`], [`slogdet()`]: through one LU factorisation reused by the
//!   pullback; the fallible ones return [`LinalgError`];
//! * [`cholesky()`]: the lower factor of a symmetric positive definite matrix, with a symmetric
//!   cotangent computed by two triangular solves;
//! * [`eigh()`], [`eigvalsh()`]: the eigendecomposition of a symmetric matrix, with a symmetric
//!   cotangent that stays finite at repeated eigenvalues;
//! * [`qr()`]: the thin QR factorisation (R's diagonal non-negative), with a projection-first
//!   pullback computed in `Q̄`'s buffer;
//! * [`pinv()`]: the pseudo-inverse, through [`svd()`]'s rule and its tolerance;
//! * [`lu()`]: the LU factorisation with partial pivoting, of any shape;
//! * [`solve_triangular()`]: a triangular system, reading one [`Triangle`];
//! * [`lstsq()`]: minimum-norm least squares through the SVD's rule;
//! * [`matrix_exp()`]: the matrix exponential (scaling and squaring, Padé), its derivatives the
//!   Fréchet derivative computed alongside the same steps;
//! * [`eig()`], [`eigvals()`]: the eigendecomposition of a general real matrix, complex results;
//! * [`matrix_norm()`]: the Frobenius, nuclear or spectral [`Norm`].
//!
//! Every rule is declared with `#[rrule]` and `#[frule]` stacked, so `name::rrule(..)` returns
//! the value with its pullback, whose type is named by `NamePullback` ([`SvdPullback`],
//! [`QrPullback`], ..), and `name::frule(..)` the value with its pushforward. Each pushforward is
//! the adjoint of its pullback term by term: the same gap and rank tolerances, the same
//! projection-first terms, so `testing::check_adjoint` holds also at degenerate inputs (for
//! [`eigh()`], [`eigvalsh()`] and [`cholesky()`], on symmetric tangents: the pushforward reads
//! the tangent's lower triangle, as the function reads its input's, while the pullback returns
//! the symmetric gradient). The pushforwards panic, as the pullbacks do, on a tangent of the
//! wrong shape (naming the rule and the argument).
//!
//! At a repeated singular value or eigenvalue the derivative exists only for what does not
//! depend on the basis chosen inside the block: `ṡ` and `λ̇` there are the diagonal of the
//! block of `Uᴴ Ȧ V` (of `Vᵀ Ȧ V`), so their sum over the block is exact, the individual values
//! are not (the one-sided derivatives are the eigenvalues of that block); the vectors'
//! tangents inside the block are a choice of gauge. The element type is `f64` or `f32` (see
//! [`Real`]).
//!
//! ```
//! use ndarray::array;
//! use rules_core::linalg::det;
//! use rules_core::Pushforward;
//!
//! // d det(A) along Ȧ is det(A) · tr(A⁻¹ Ȧ).
//! let a: ndarray::Array2<f64> = array![[2.0, 0.0], [0.0, 3.0]];
//! let (d, pf) = det::frule(a.view());
//! let dd = pf.pushforward(array![[1.0, 0.0], [0.0, 0.0]]);
//! assert!((d - 6.0).abs() < 1e-14 && (dd - 3.0).abs() < 1e-14);
//! ```
//!
//! # Memory
//!
//! The first matrix product on each thread reserves a packing buffer of twice the CPU's L3
//! cache: faer 0.24's x86 product kernel (its `private-gemm-x86` dependency) keeps it in a
//! thread-local, sized from CPUID, for the thread's life. On a machine with a 260 MB L3 that is
//! 520 MB per thread (68 MB where the L3 is 34 MB), and a counting allocator sees it: the first
//! 500×500 SVD of a process peaks at 1.58 GB of counted heap on 3 threads, the second at
//! 17.6 MB. The buffer is allocated uninitialised and only the part a product packs into is
//! ever touched, so the resident memory does not follow: it grew by 2.1 MB over that first
//! call (`VmRSS`, measured). faer has no setting for its size; `perf_report` warms up every case
//! before it counts heap, so its tables leave it out.
//!
//! The other heap a rule's whole gradient holds is its outputs, its residuals, the input
//! cotangent and faer's workspace; each rule's `# Memory` section says where it goes. At
//! 500×500, as multiples of the input: `cholesky` and `det` 3.0×, `inv` and
//! `solve_triangular` 4.0×, `eigvalsh` 4.1×, `eigh`, `qr` and `solve` 5.0×, `lu` 6.0×, the
//! SVD-based rules 9.2× (`pinv`, `lstsq`, nuclear and spectral norms), all of it at the
//! forward's peak: `U` and `Vᵀ`, and about 7× in faer's workspace for the bidiagonal SVD
//! (`perf_report`'s 500×500 SVD table: the forward alone peaks at 9.2×, the pullback at 2.0×);
//! and `matrix_exp` 21× (the squaring steps it keeps for the derivative). Most of the rules
//! above 3× hold two copies of each output (the caller's and the pullback's: the signatures
//! return owned arrays); faer's workspace held across calls, which would take the SVD-based
//! rules most of the way, is not built.
//!
//! On a pullback's last run ([`PullbackOnce`](crate::PullbackOnce), which the tape uses),
//! [`svd()`] and [`svdvals()`] write the gradient into a factor's buffer when no cotangent has
//! the output's shape and the caller dropped that factor: the whole gradient of `sum(U)` at
//! 10×200000 then holds 1.02× the output (2.00× with `pullback`, which must keep `Vᵀ`). For
//! tall inputs beyond 64 columns (2000×200: 2.25×) the forward's Cholesky QR passes are whole-
//! matrix faer calls, whose workspace is the rest of the peak.
//!
//! Layout: one folder per rule family (`svd/`), and the helpers every rule shares, named by what
//! they are: `matmul` (products of views, `U·C·Vᵀ` with a dense or diagonal core), `tolerance`
//! (when a gap or a singular value counts as zero), `checks` (shapes and finiteness, with
//! messages naming the rule and the argument). A new rule is one new file or folder using those.

mod checks;
#[path = "cholesky.rs"]
mod cholesky_rule;
mod cholqr;
#[path = "eig.rs"]
mod eig_rule;
#[path = "eigh.rs"]
mod eigh_rule;
mod error;
#[path = "expm.rs"]
mod expm_rule;
mod householder;
mod kernels;
#[path = "lstsq.rs"]
mod lstsq_rule;
#[path = "lu_factor.rs"]
mod lu_factor_rule;
#[path = "lu.rs"]
mod lu_rules;
mod matmul;
#[path = "norm.rs"]
mod norm_rule;
#[path = "pinv.rs"]
mod pinv_rule;
mod plu;
#[path = "qr.rs"]
mod qr_rule;
#[path = "svd/mod.rs"]
mod svd_rule;
mod tolerance;
#[path = "triangular.rs"]
mod triangular_rule;

pub use cholesky_rule::{CholeskyPullback, cholesky};
pub use eig_rule::{EigPullback, EigvalsPullback, eig, eigvals};
pub use eigh_rule::{EighPullback, EigvalshPullback, eigh, eigvalsh};
pub use error::LinalgError;
pub use expm_rule::{MatrixExpPullback, matrix_exp};
pub use lstsq_rule::{LstsqPullback, lstsq};
pub use lu_factor_rule::{LuPullback, lu};
pub use lu_rules::{
    DetPullback, InvPullback, SlogdetPullback, SolvePullback, det, inv, slogdet, solve,
};
pub(crate) use matmul::gemm;
pub use norm_rule::{MatrixNormPullback, Norm, matrix_norm};
pub use pinv_rule::{PinvPullback, pinv};
pub use qr_rule::{QrPullback, qr};
pub use svd_rule::{SvdPullback, SvdvalsPullback, svd, svdvals};
pub use triangular_rule::{SolveTriangularPullback, Triangle, solve_triangular};

/// The fastest of `runs` calls of `f`, in ms: the timers of the ignored `*_timing` tests.
#[cfg(test)]
pub(crate) fn best_ms(runs: usize, f: &mut dyn FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

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
    pub trait Sealed: super::kernels::SmallKernels {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
    use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};

    /// The SVD's forward pass for each element type: the real ones have their Cholesky QR path,
    /// the complex ones faer's bidiagonal SVD.
    pub trait SealedField: faer::traits::ComplexField<Real: super::Real> + Sized {
        /// `(U, S, Vt)`.
        fn thin_svd(
            rule: &str,
            a: ArrayView2<'_, Self>,
        ) -> (Array2<Self>, Array1<Self::Real>, Array2<Self>);
        /// `S` alone.
        fn singular_values(rule: &str, a: ArrayView2<'_, Self>) -> Array1<Self::Real>;
        /// [`SmallKernels::fused_rows`](super::kernels::SmallKernels::fused_rows) for a real
        /// type; `false` (not served) for a complex one.
        fn fused_rows(
            _out: ArrayViewMut2<'_, Self>,
            _x: ArrayView2<'_, Self>,
            _b: ArrayView2<'_, Self>,
            _own: Option<ArrayView2<'_, Self>>,
        ) -> bool {
            false
        }
        /// [`SmallKernels::gram`](super::kernels::SmallKernels::gram) for a real type (`xᵀ·y`
        /// is `xᴴ·y` there); `false` for a complex one.
        fn gram(
            _acc: ArrayViewMut2<'_, Self>,
            _x: ArrayView2<'_, Self>,
            _y: ArrayView2<'_, Self>,
        ) -> bool {
            false
        }
    }
    impl<T: super::Real> SealedField for T {
        fn thin_svd(rule: &str, a: ArrayView2<'_, T>) -> (Array2<T>, Array1<T>, Array2<T>) {
            super::svd_rule::forward::thin_svd(rule, a)
        }
        fn singular_values(rule: &str, a: ArrayView2<'_, T>) -> Array1<T> {
            super::svd_rule::forward::singular_values(rule, a)
        }
        fn fused_rows(
            out: ArrayViewMut2<'_, T>,
            x: ArrayView2<'_, T>,
            b: ArrayView2<'_, T>,
            own: Option<ArrayView2<'_, T>>,
        ) -> bool {
            <T as super::kernels::SmallKernels>::fused_rows(out, x, b, own)
        }
        fn gram(acc: ArrayViewMut2<'_, T>, x: ArrayView2<'_, T>, y: ArrayView2<'_, T>) -> bool {
            <T as super::kernels::SmallKernels>::gram(acc, x, y)
        }
    }
    macro_rules! complex_svd {
        ($($t:ty),*) => {$(
            impl SealedField for num_complex::Complex<$t> {
                fn thin_svd(rule: &str, a: ArrayView2<'_, Self>) -> (Array2<Self>, Array1<$t>, Array2<Self>) {
                    super::svd_rule::forward::complex_svd(rule, a, true)
                }
                fn singular_values(rule: &str, a: ArrayView2<'_, Self>) -> Array1<$t> {
                    super::svd_rule::forward::complex_svd(rule, a, false).1
                }
            }
        )*};
    }
    complex_svd!(f32, f64);
}

/// The element types [`svd()`] and [`svdvals()`] accept: the [`Real`] ones and their complex
/// numbers (`num_complex::Complex<f64>`, `Complex<f32>`); `T::Real` (faer's associated type) is
/// the type of their singular values. Sealed.
///
/// ```
/// use num_complex::Complex;
/// use rules_core::linalg::svdvals;
/// let a = ndarray::array![[Complex::new(0.0, 2.0), Complex::new(0.0, 0.0)],
///                         [Complex::new(0.0, 0.0), Complex::new(1.0, 0.0)]];
/// let s: ndarray::Array1<f64> = svdvals(a.view());
/// assert!((s[0] - 2.0).abs() < 1e-15 && (s[1] - 1.0).abs() < 1e-15);
/// ```
pub trait Field:
    faer::traits::ComplexField<Real: Real>
    + ndarray::LinalgScalar
    + ndarray::ScalarOperand
    + core::ops::Neg<Output = Self>
    + core::ops::SubAssign
    + core::ops::AddAssign
    + core::fmt::Debug
    + Send
    + Sync
    + sealed::SealedField
    + 'static
{
    /// `re + i·im` (`re` alone for a real type, which has no imaginary part).
    fn from_parts(re: Self::Real, im: Self::Real) -> Self;
    /// The complex conjugate (the value itself for a real type).
    fn conjugate(self) -> Self;
    /// The real part.
    fn real(self) -> Self::Real;
    /// The imaginary part (zero for a real type).
    fn imag(self) -> Self::Real;
    /// `|self|`.
    fn modulus(self) -> Self::Real;
    /// `self · r` for a real `r`.
    fn times_real(self, r: Self::Real) -> Self;
}

impl<T: Real> Field for T {
    fn from_parts(re: T, _: T) -> T {
        re
    }
    fn conjugate(self) -> T {
        self
    }
    fn real(self) -> T {
        self
    }
    fn imag(self) -> T {
        T::zero()
    }
    fn modulus(self) -> T {
        num_traits::Float::abs(self)
    }
    fn times_real(self, r: T) -> T {
        self * r
    }
}

macro_rules! complex_field {
    ($($t:ty),*) => {$(
        impl Field for num_complex::Complex<$t> {
            fn from_parts(re: $t, im: $t) -> Self { num_complex::Complex::new(re, im) }
            fn conjugate(self) -> Self { self.conj() }
            fn real(self) -> $t { self.re }
            fn imag(self) -> $t { self.im }
            fn modulus(self) -> $t { self.norm() }
            fn times_real(self, r: $t) -> Self { self * r }
        }
    )*};
}
complex_field!(f32, f64);
