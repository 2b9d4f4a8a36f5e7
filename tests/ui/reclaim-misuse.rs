// `reclaim!` marks the last use of a captured value; each misuse is an error at the user's
// tokens, the same whichever pattern or form (`pullback` or `pullback_once`) would run it.
use ndarray::Array1;
use rules_core::{frule, reclaim, rrule};

// Not a captured value: a cotangent.
#[rrule]
fn not_captured(x: Array1<f64>) -> Array1<f64> {
    let y = &x * 2.0;
    (y, move |dy: Array1<f64>| -> Array1<f64> { (*reclaim!(dy)).clone() })
}

// Inside a loop: it could run more than once.
#[rrule]
fn in_loop(x: Array1<f64>) -> Array1<f64> {
    let y = &x * 2.0;
    (y, move |dy: Array1<f64>| -> Array1<f64> {
        let mut out = dy;
        for _ in 0..2 {
            out = &out * &*reclaim!(x);
        }
        out
    })
}

// Used after it: `pullback_once` has moved it.
#[rrule]
fn used_after(x: Array1<f64>) -> Array1<f64> {
    let y = &x * 2.0;
    (y, move |dy: Array1<f64>| -> Array1<f64> {
        let a = &dy * &*reclaim!(x);
        a + &x
    })
}

// Used beside it, before it in the same statement: the error points at that use.
#[rrule]
fn used_beside(x: Array1<f64>) -> Array1<f64> {
    let y = &x * 2.0;
    (y, move |dy: Array1<f64>| -> Array1<f64> { &(&dy * &x) * &*reclaim!(x) })
}

// Reclaimed twice.
#[rrule]
fn reclaimed_twice(x: Array1<f64>) -> Array1<f64> {
    let y = &x * 2.0;
    (y, move |dy: Array1<f64>| -> Array1<f64> {
        let a = &dy * &*reclaim!(x);
        &a * &*reclaim!(x)
    })
}

// Not one variable.
#[rrule]
fn not_a_variable(x: Array1<f64>) -> Array1<f64> {
    let y = &x * 2.0;
    (y, move |dy: Array1<f64>| -> Array1<f64> { &dy * &*reclaim!(x.view()) })
}

// In a pushforward.
#[frule]
fn forward(x: Array1<f64>) -> Array1<f64> {
    let y = &x * 2.0;
    (y, move |dx: Array1<f64>| -> Array1<f64> { &dx * &*reclaim!(x) })
}

// A bare scalar cotangent.
#[rrule]
fn scalar<T: rules_core::Scalar>(x: Array1<T>) -> T {
    let s = x.sum();
    (s, move |ds: T| -> Array1<T> { reclaim!(x).mapv(|v| v * ds) })
}

// Outside a pullback.
fn plain(x: Array1<f64>) -> f64 {
    reclaim!(x).sum()
}

fn main() {}
