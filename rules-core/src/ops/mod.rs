//! Elementary rules: the arithmetic, reductions, elementwise functions and losses that programs
//! are made of, each declared with `#[rrule]` and `#[frule]` stacked, so that `f`, `f::rrule`
//! and `f::frule` exist for every one, with every `Zero` pattern and `pullback_for` selection
//! specialised.
//!
//! ```
//! use ndarray::{array, Axis};
//! use rules_core::{ops, Need, Pullback, PullbackFor, Skip};
//!
//! // A linear layer with a bias and a softmax cross-entropy, chained by hand.
//! let x = array![[1.0, 2.0], [0.5, -1.0]];
//! let w = array![[0.1, -0.2, 0.3], [0.0, 0.5, -0.1]];
//! let b = array![0.01, 0.02, 0.03];
//! let labels = [2, 0];
//! let (h, pb_mm) = ops::matmul::rrule(x.view(), w.view());
//! let (z, pb_add) = ops::add::rrule(h.view(), b.view());
//! let (loss, pb_ce) = ops::cross_entropy::rrule(z.view(), &labels);
//! let (dz, _) = pb_ce.pullback(1.0);
//! let (dh, db) = pb_add.pullback(dz);           // the bias's cotangent is summed over the rows
//! let (_, dw) = pb_mm.pullback_for((Skip, Need), dh); // x is data: one product, not two
//! assert!(loss > 0.0);
//! assert_eq!((dw.shape(), db.shape()), ([2, 3].as_slice(), [3].as_slice()));
//! ```
//!
//! Conventions:
//! * inputs are views (`ArrayView<'_, T, D>`, any strides), values are owned arrays (`T` for
//!   the reductions to a scalar); `T` is `f32` or `f64`; `D` is any dimension unless the rule
//!   says otherwise;
//! * `add`, `sub`, `mul`, `div` broadcast as NumPy does (a bias row onto a matrix, a 0-d or
//!   length-1 array onto anything, both sides at once), and the cotangent of a broadcast operand
//!   is summed back to that operand's shape (PyTorch's `sum_to_size`, ChainRules' `ProjectTo`);
//! * a cotangent that arrives owned becomes the first input's cotangent where the shapes allow
//!   (`add`, `sub`, `scale`, `neg`, the elementwise functions, `softmax`, `log_softmax`,
//!   `transpose`, `reshape`): their pullbacks allocate nothing, or only the second operand's
//!   cotangent;
//! * the pullback of a rule keeps views of its inputs where it needs them (so it borrows them),
//!   shapes, and small per-lane data; `exp`, `sqrt`, `tanh` and `sigmoid` keep a copy of their
//!   output;
//! * bad input panics with a message naming the rule, the argument and the shapes (shapes that
//!   do not broadcast, inner dimensions of a product, an axis out of range, a label or index out
//!   of range, a cotangent of the wrong shape), before any ndarray call could panic; NaN
//!   propagates through values and cotangents and never panics.
//!
//! | rule | shapes | notes |
//! |---|---|---|
//! | [`add()`], [`sub()`], [`mul()`], [`div()`] | `a: D1`, `b: D2` → [`Broadcast<D1, D2>`] | broadcasting; cotangents summed back |
//! | [`scale()`] | `a: D`, `k: T` → `D` | both differentiable |
//! | [`neg()`], [`exp()`], [`ln()`], [`log1p()`], [`sqrt()`], [`tanh()`], [`sigmoid()`], [`relu()`], [`softplus()`], [`abs()`], [`powi()`] | `D` → `D` | `relu'(0) = abs'(0) = 0`; `sigmoid`, `softplus` stable at ±1000 |
//! | [`matmul()`] | `Ix2·Ix2`, `Ix2·Ix1`, `Ix1·Ix2`, `Ix1·Ix1` (→ `Ix0`) | faer's product; `(Skip, Need)` runs one product |
//! | [`dot()`] | `Ix1·Ix1` → `T` | the scalar form of vector·vector `matmul` |
//! | [`transpose()`] | `Ix2` → `Ix2` | pullback swaps the cotangent's axes, no copy |
//! | [`sum()`], [`mean()`], [`sum_sq()`], [`norm()`] | `D` → `T` | `norm`: cotangent 0 at 0, no overflow |
//! | [`sum_axis()`], [`mean_axis()`], [`max_axis()`], [`min_axis()`], [`logsumexp()`] | `D`, `axis` → `D::Smaller` | max/min: the first extreme entry gets the cotangent |
//! | [`softmax()`], [`log_softmax()`] | `D`, `axis` → `D` | stable; keep each lane's max and `Σ exp`, not the output |
//! | [`mse()`] | `pred: D`, `target: D` → `T` | mean of squares |
//! | [`cross_entropy()`] | logits `Ix2` (m×c), `labels: &[usize]` → `T` | mean over rows; `x̄ = (softmax − onehot)/m` |
//! | [`reshape()`], [`concatenate()`], [`select()`] | row-major reshape; two arrays along an axis; a gather | `select`'s pullback adds repeated indices |
//!
//! Speed: the elementwise loops run on rayon's threads from 2¹⁵ entries, over flat slices where
//! the arrays are contiguous, compiled a second time for AVX2 and FMA and dispatched at run time;
//! `exp` and `tanh` are this crate's own straight-line kernels (within 2 and 3 ulps of the
//! standard library's) so that they vectorise. `bench/peers/run_peers.py --ops` and
//! `cargo run --release --example perf_report -- --ops` compare them with PyTorch and JAX (see
//! the README).

mod arith;
mod broadcast;
pub(crate) mod fastmath;
mod kernels;
mod lanes;
mod linear;
mod normalised;
mod reduce;
mod shape;
mod unary;

pub use arith::{Broadcast, add, div, mul, neg, scale, sub};
pub use linear::{MatmulDim, Product, dot, matmul, transpose};
pub use normalised::{cross_entropy, log_softmax, logsumexp, softmax};
pub use reduce::{mean, mean_axis, mse, norm, sum, sum_axis, sum_sq};
pub use shape::{concatenate, max_axis, min_axis, reshape, select};
pub use unary::{abs, exp, ln, log1p, powi, relu, sigmoid, softplus, sqrt, tanh};

/// Panics unless a tangent has the shape of the input it belongs to.
#[track_caller]
fn check_tangent(rule: &str, arg: &str, got: &[usize], expected: &[usize]) {
    assert!(
        got == expected,
        "{rule}: the tangent `{arg}` has shape {got:?}, expected {expected:?} (the shape of the input it belongs to)"
    );
}

/// Panics unless a cotangent has the shape of the output it belongs to.
#[track_caller]
fn check_cotangent(rule: &str, got: &[usize], expected: &[usize]) {
    assert!(
        got == expected,
        "{rule}: the output cotangent has shape {got:?}, expected {expected:?} (the output's shape)"
    );
}
