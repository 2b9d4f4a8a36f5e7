//! Elementary rules.

mod arith;
mod broadcast;
mod kernels;

pub use arith::{Broadcast, add, div, mul, neg, scale, sub};

/// Panics unless a cotangent has the shape of the output it belongs to.
#[track_caller]
fn check_cotangent(rule: &str, got: &[usize], expected: &[usize]) {
    assert!(
        got == expected,
        "{rule}: the output cotangent has shape {got:?}, expected {expected:?} (the output's shape)"
    );
}
