//! Elementary rules.

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
pub use linear::{MatmulDim, Product, matmul, transpose};
pub use normalised::{cross_entropy, log_softmax, logsumexp, softmax};
pub use reduce::{mean, mean_axis, mse, norm, sum, sum_axis, sum_sq};
pub use shape::{concatenate, max_axis, min_axis, reshape, select};
pub use unary::{abs, exp, ln, log1p, powi, relu, sigmoid, softplus, sqrt, tanh};

/// Panics unless a cotangent has the shape of the output it belongs to.
#[track_caller]
fn check_cotangent(rule: &str, got: &[usize], expected: &[usize]) {
    assert!(
        got == expected,
        "{rule}: the output cotangent has shape {got:?}, expected {expected:?} (the output's shape)"
    );
}
