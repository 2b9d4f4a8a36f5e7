//! The smallest rule: `y = k·x`, its pullback and pushforward from one declaration, and what the
//! `Zero` patterns compile to.
//!
//! Run with `cargo run --release --example scale`.

use ndarray::{Array1, array};
use rules_core::{MaybeZero, Pullback, Pushforward, Zero, frule, rrule};

/// y = k·x, differentiable in both x and k, in both directions.
#[rrule]
#[frule]
pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (
        y,
        move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) },
        move |dx: Array1<f64>, dk: f64| -> Array1<f64> { &dx * k + &(&x * dk) },
    )
}

fn main() {
    let (y, pb) = scale::rrule(array![1.0, 2.0, 3.0], 2.0);
    println!("y = {y}");
    let (dx, dk) = pb.pullback(array![1.0, 0.0, -1.0]);
    println!("dense pattern:   dx = {dx}, dk = {dk}");
    let (dx, dk): (Zero, Zero) = pb.pullback(Zero);
    println!("Zero pattern:    dx = {dx:?}, dk = {dk:?} (nothing ran)");
    let (dx, dk) = pb.pullback(MaybeZero::Value(array![1.0, 1.0, 1.0]));
    println!("runtime pattern: dx = {dx:?}, dk = {dk:?}");
    let (_, pf) = scale::frule(array![1.0, 2.0, 3.0], 2.0);
    println!(
        "pushforward of (Zero, 1.0): {} (the `dx·k` term is gone)",
        pf.pushforward((Zero, 1.0))
    );
}
