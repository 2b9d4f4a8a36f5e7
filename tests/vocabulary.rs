//! The vocabulary beyond `#[rrule]`: `pullback_for` with `Need`/`Skip`, `#[frule]` (alone and
//! stacked), `#[scalar_rule]` with its elementwise versions, `#[non_differentiable]`. Side-effect
//! counters show which statements each body runs.

use ndarray::{Array1, Array2, ArrayView1, Axis, array};
use rules_core::testing::{Config, check_adjoint, check_frule, check_rrule};
use rules_core::{
    MaybeZero, Need, NoTangent, Pullback, PullbackFor, Pushforward, Scalar, Skip, Zero, frule,
    non_differentiable, rrule, scalar_rule,
};
use rules_tests::{calls_during, counted};

/// `x·W + b`, with every product counted.
#[rrule]
pub fn affine(x: Array2<f64>, w: Array2<f64>, b: Array1<f64>) -> Array2<f64> {
    let y = x.dot(&w) + &b;
    (
        y,
        move |dy: Array2<f64>| -> (Array2<f64>, Array2<f64>, Array1<f64>) {
            let dx = counted(dy.dot(&w.t()));
            let dw = counted(x.t().dot(&dy));
            let db = counted(dy.sum_axis(Axis(0)));
            (dx, dw, db)
        },
    )
}

#[test]
fn skipped_inputs_run_nothing_that_only_feeds_them() {
    let (x, w, b) = (
        array![[1.0, 2.0]],
        array![[1.0, -1.0], [0.5, 2.0]],
        array![0.5, 0.0],
    );
    let (_, pb) = affine::rrule(x.clone(), w.clone(), b.clone());
    let dy = array![[1.0, 2.0]];
    let (n, (dx, dw, db)) = calls_during(|| pb.pullback_for((Skip, Need, Skip), dy.clone()));
    assert_eq!(n, 1, "only dw is computed");
    assert_eq!((dx, db), (Skip, Skip));
    assert_eq!(dw, x.t().dot(&dy));
    let (n, out) = calls_during(|| pb.pullback_for((Need, Skip, Need), dy.clone()));
    assert_eq!(n, 2);
    assert_eq!(out.1, Skip);
    let (n, out) = calls_during(|| pb.pullback_for((Need, Need, Need), Zero));
    assert_eq!((n, out), (0, (Zero, Zero, Zero)));
    // Decided at run time: the same bodies, `Zero` where skipped.
    let (n, (dx, dw, db)) =
        calls_during(|| pb.pullback_for([false, true, false], MaybeZero::Value(dy.clone())));
    assert_eq!(n, 1);
    assert!(dx.is_zero() && db.is_zero());
    assert_eq!(dw, MaybeZero::Value(x.t().dot(&dy)));
    // The kit runs every selection against the dense pullback.
    let r = check_rrule(
        |(x, w, b)| affine(x.clone(), w.clone(), b.clone()),
        |(x, w, b)| affine::rrule(x.clone(), w.clone(), b.clone()),
        &(x, w, b),
        &Config::default(),
    );
    assert_eq!(r.selections, 16);
}

/// y = k·x with both rules; every term counted.
#[rrule]
#[frule]
pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (
        y,
        move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, counted(dy.dot(&x))) },
        move |dx: Array1<f64>, dk: f64| -> Array1<f64> { counted(&dx * k) + &(&x * dk) },
    )
}

/// The same rule with the attributes in the other order.
#[frule]
#[rrule]
pub fn scale_flipped(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (
        y,
        move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) },
        move |dx: Array1<f64>, dk: f64| -> Array1<f64> { &dx * k + &(&x * dk) },
    )
}

#[test]
fn zero_tangents_run_nothing_that_only_feeds_them() {
    let x = array![1.0, 2.0];
    let (_, pf) = scale::frule(x.clone(), 3.0);
    let (n, y) = calls_during(|| pf.pushforward((Zero, 1.0)));
    assert_eq!((n, y), (0, array![1.0, 2.0]));
    let (n, y) = calls_during(|| pf.pushforward((array![1.0, 1.0], Zero)));
    assert_eq!((n, y), (1, array![3.0, 3.0]));
    assert_eq!(pf.pushforward((Zero, Zero)), Zero);
    assert_eq!(
        pf.pushforward((MaybeZero::Zero, MaybeZero::Value(2.0))),
        MaybeZero::Value(array![2.0, 4.0])
    );
    let (_, pb) = scale_flipped::rrule(x.clone(), 3.0);
    assert_eq!(pb.pullback(array![1.0, 0.0]), (array![3.0, 0.0], 1.0));
    let inputs = (x, 3.0);
    check_frule(
        |(x, k)| scale(x.clone(), *k),
        |(x, k)| scale::frule(x.clone(), *k),
        &inputs,
        &Config::default(),
    );
    check_adjoint(
        |(x, k)| scale::rrule(x.clone(), *k),
        |(x, k)| scale::frule(x.clone(), *k),
        &inputs,
        &Config::default(),
    );
}

/// The logistic function.
#[scalar_rule(|y| y * (1.0 - y))]
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `√(x² + y²)`.
#[scalar_rule(|r| (x / r, y / r))]
pub fn hypot(x: f64, y: f64) -> f64 {
    x.hypot(y)
}

/// A generic scalar rule: partials written with the type's own constants.
#[scalar_rule(|y| T::one() - y * y)]
pub fn tanh<T: Scalar>(x: T) -> T {
    x.tanh()
}

#[test]
fn scalar_rules_check_at_a_point_and_elementwise() {
    check_rrule(
        |(x,)| sigmoid(*x),
        |(x,)| sigmoid::rrule(*x),
        &(0.3,),
        &Config::default(),
    );
    check_frule(
        |(x,)| sigmoid(*x),
        |(x,)| sigmoid::frule(*x),
        &(0.3,),
        &Config::default(),
    );
    check_rrule(
        |(x, y)| hypot(*x, *y),
        |(x, y)| hypot::rrule(*x, *y),
        &(3.0, -4.0),
        &Config::default(),
    );
    check_frule(
        |(x, y)| hypot(*x, *y),
        |(x, y)| hypot::frule(*x, *y),
        &(3.0, -4.0),
        &Config::default(),
    );
    check_rrule(
        |(x,)| tanh(*x),
        |(x,)| tanh::rrule(*x),
        &(0.4f64,),
        &Config::default(),
    );
    check_rrule(
        |(x,)| tanh(*x),
        |(x,)| tanh::rrule(*x),
        &(0.4f32,),
        &Config::default(),
    );
    // Elementwise, any dimension: the map versions against the scalar function and the kit.
    let a = array![[0.5, -1.0], [2.0, 0.0]];
    assert_eq!(sigmoid::map(&a), a.mapv(sigmoid));
    check_rrule(
        |(a,)| sigmoid::map(a),
        |(a,)| sigmoid::map_rrule(a),
        &(a.clone(),),
        &Config::default(),
    );
    check_frule(
        |(a,)| sigmoid::map(a),
        |(a,)| sigmoid::map_frule(a.view()),
        &(a.clone(),),
        &Config::default(),
    );
    let b = array![[1.5, 2.0], [-1.0, 3.0]];
    check_rrule(
        |(a, b)| hypot::map(a, b),
        |(a, b)| hypot::map_rrule(a, b),
        &(a.clone(), b.clone()),
        &Config::default(),
    );
    check_frule(
        |(a, b)| hypot::map(a, b),
        |(a, b)| hypot::map_frule(a, b),
        &(a, b),
        &Config::default(),
    );
}

#[test]
#[should_panic(expected = "hypot: input `y` has shape [3], expected [2] (the shape of `x`)")]
fn map_inputs_of_different_shapes_are_named() {
    let _ = hypot::map(&array![1.0, 2.0], &array![1.0, 2.0, 3.0]);
}

/// The index of the largest entry.
#[non_differentiable]
pub fn argmax(x: ArrayView1<'_, f64>) -> usize {
    let mut best = 0;
    for (i, v) in x.iter().enumerate() {
        if *v > x[best] {
            best = i;
        }
    }
    best
}

#[test]
fn a_non_differentiable_function_returns_no_tangent_for_anything() {
    let x = array![1.0, 3.0, 2.0];
    assert_eq!(argmax(x.view()), 1);
    let (i, pb) = argmax::rrule(x.view());
    assert_eq!(i, 1);
    assert_eq!(pb.pullback(NoTangent), NoTangent);
    assert_eq!(pb.pullback(Zero), NoTangent);
    assert_eq!(pb.pullback(MaybeZero::Value(1.0)), NoTangent);
    let (_, pf) = argmax::frule(x.view());
    assert_eq!(pf.pushforward(array![1.0, 2.0, 3.0]), NoTangent);
}

/// A body with an early `return` (evaluated as a closure, so `return` leaves the body only).
#[scalar_rule(|y| if y > 0.0 { 1.0 } else { 0.0 })]
pub fn relu(x: f64) -> f64 {
    if x < 0.0 {
        return 0.0;
    }
    x
}

/// The first positive entry, with `return` and `?`-free early exit.
#[non_differentiable]
pub fn first_positive(x: &[f64]) -> Option<usize> {
    for (i, v) in x.iter().enumerate() {
        if *v > 0.0 {
            return Some(i);
        }
    }
    None
}

#[test]
fn bodies_with_early_returns_work_in_every_generated_function() {
    assert_eq!(relu::rrule(-1.0).0, 0.0);
    assert_eq!(relu::frule(2.0).1.pushforward(3.0), 3.0);
    assert_eq!(relu::map(&array![-1.0, 2.0]), array![0.0, 2.0]);
    let (y, pb) = relu::map_rrule(&array![-1.0, 2.0]);
    assert_eq!(
        (y, pb.pullback(array![1.0, 1.0])),
        (array![0.0, 2.0], array![0.0, 1.0])
    );
    assert_eq!(first_positive::rrule(&[-1.0, 2.0]).0, Some(1));
}
