//! `solve`, `inv`, `det` and `slogdet` against finite differences, closed forms and their errors.

use ndarray::{Array2, array};
use rules_core::Pullback;
use rules_core::Zero;
use rules_core::linalg::{LinalgError, det, inv, slogdet, solve};
use rules_core::testing::{Config, check_rrule};
use rules_tests::{max_abs, pow2};

fn well_conditioned(n: usize, seed: u64) -> Array2<f64> {
    let mut s = seed;
    let mut next = || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    Array2::from_shape_fn((n, n), |(i, j)| next() + if i == j { 3.0 } else { 0.0 })
}

#[test]
fn solve_inv_and_det_match_finite_differences() {
    for n in [1, 3, 5] {
        let a = well_conditioned(n, n as u64);
        let b = Array2::from_shape_fn((n, 2), |(i, j)| (i + 2 * j) as f64 - 1.0);
        check_rrule(
            |(a, b)| solve(a.view(), b.view()).expect("nonsingular"),
            |(a, b)| solve::rrule(a.view(), b.view()).expect("nonsingular"),
            &(a.clone(), b),
            &Config::default(),
        );
        check_rrule(
            |(a,)| inv(a.view()).expect("nonsingular"),
            |(a,)| inv::rrule(a.view()).expect("nonsingular"),
            &(a.clone(),),
            &Config::default(),
        );
        check_rrule(
            |(a,)| det(a.view()),
            |(a,)| det::rrule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_rrule(
            |(a,)| slogdet(a.view()),
            |(a,)| slogdet::rrule(a.view()),
            &(a,),
            &Config::default(),
        );
    }
}

#[test]
fn slogdet_where_det_overflows() {
    // det = 1e3^200 overflows f64; its logarithm does not, nor does the gradient A⁻ᵀ.
    let n = 200;
    let mut a = Array2::<f64>::eye(n) * 1e3;
    a[[0, 0]] = -1e3;
    assert_eq!(det(a.view()), f64::NEG_INFINITY);
    let (s, l) = slogdet(a.view());
    assert_eq!(s, -1.0);
    assert!((l - n as f64 * 1e3f64.ln()).abs() < 1e-9 * l);
    let (_, pb) = slogdet::rrule(a.view());
    // Only log|det| is wanted: the sign's cotangent is a structural Zero.
    let g = pb.pullback((Zero, 2.0));
    for ((i, j), &v) in g.indexed_iter() {
        let expected = if i != j {
            0.0
        } else if i == 0 {
            -2e-3
        } else {
            2e-3
        };
        assert!((v - expected).abs() < 1e-15, "g[{i},{j}] = {v}");
    }
    // An exactly singular matrix: sign 0, log|det| = −∞, no error.
    assert_eq!(
        slogdet(array![[1.0, 2.0], [2.0, 4.0]].view()),
        (0.0, f64::NEG_INFINITY)
    );
}

#[test]
fn closed_forms() {
    let a = array![[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]];
    let y = inv(a.view()).expect("nonsingular");
    assert!(
        (a.dot(&y) - Array2::<f64>::eye(3))
            .iter()
            .all(|e| e.abs() < 1e-14)
    );
    // det of a permutation of the rows changes sign; ∂det = det · A⁻ᵀ.
    let (d, pb) = det::rrule(a.view());
    let swapped = array![[1.0, 3.0, 1.0], [2.0, 1.0, 0.0], [0.0, 1.0, 4.0]];
    assert!((det(swapped.view()) + d).abs() < 1e-12);
    let g = pb.pullback(1.0);
    assert!(
        (&g - &(y.t().to_owned() * d))
            .iter()
            .all(|e| e.abs() < 1e-12)
    );
    assert_eq!(det(array![[1.0, 2.0], [2.0, 4.0]].view()), 0.0);
}

#[test]
fn bad_input_is_an_error_naming_the_rule_and_the_argument() {
    let square = array![[1.0, 0.0], [0.0, 1.0]];
    assert!(matches!(
        solve(array![[1.0, 2.0]].view(), square.view()),
        Err(LinalgError::NotSquare {
            rule: "solve",
            arg: "a",
            shape: (1, 2)
        })
    ));
    let err = solve(square.view(), array![[1.0], [2.0], [3.0]].view()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "solve: `b` has shape [3, 1], expected 2 rows (as `a`)"
    );
    assert!(matches!(
        solve(array![[1.0, 2.0], [2.0, 4.0]].view(), square.view()),
        Err(LinalgError::Singular { rule: "solve" })
    ));
    assert!(matches!(
        inv(array![[1.0, f64::NAN], [0.0, 1.0]].view()),
        Err(LinalgError::NonFinite {
            rule: "inv",
            arg: "a",
            ..
        })
    ));
}

#[test]
#[should_panic(expected = "det: the derivative at an exactly singular matrix")]
fn the_gradient_of_det_at_a_singular_matrix_is_refused() {
    let (_, pb) = det::rrule(array![[1.0, 2.0], [2.0, 4.0]].view());
    let _ = pb.pullback(1.0);
}

#[test]
fn inputs_near_overflow_and_underflow_are_scaled_into_range() {
    let base = well_conditioned(4, 3);
    let y0 = inv(base.view()).unwrap();
    let b = array![[1.0], [-2.0], [0.5], [3.0]];
    let x0 = solve(base.view(), b.view()).unwrap();
    for e in [1020, 600, -600, -1000, -1060] {
        let s = pow2(e);
        let a = &base * s;
        // inv(sA) = inv(A) / s, where representable; infinite (never NaN) beyond `MAX`.
        let y = inv(a.view()).unwrap();
        if e < -1022 {
            assert!(y.iter().all(|v| v.is_infinite()), "inv at 2^{e}: {y:?}");
        } else {
            let err = max_abs(&(&y * s - &y0)) / max_abs(&y0);
            assert!(err < 1e-13, "inv at 2^{e}: off by {err:e}");
            // ‖A Y − I‖ in the scaled-back matrices.
            let r = max_abs(&((&a / s).dot(&(&y * s)) - Array2::<f64>::eye(4)));
            assert!(r < 1e-13, "inv at 2^{e}: ‖AY − I‖ = {r:e}");
        }
        // solve(sA, sb) = solve(A, b), for the inputs as rounded at that scale (scaling them
        // back is exact).
        let bs = &b * s;
        let x = solve(a.view(), bs.view()).unwrap();
        let x_ref = solve((&a / s).view(), (&bs / s).view()).unwrap();
        let err = max_abs(&(&x - &x_ref)) / max_abs(&x0);
        assert!(err < 1e-12, "solve at 2^{e}: off by {err:e}");
    }
}

#[test]
fn the_determinant_s_gradient_survives_an_underflowing_determinant() {
    // A 2×2 of subnormals: det ≈ 2^-2120 underflows to 0, but its gradient, the adjugate's
    // transpose, is ≈ 2^-1060: representable, and exact.
    let s = pow2(-1060);
    let a = array![[3.0, 1.0], [1.0, 2.0]] * s;
    let (d, pb) = det::rrule(a.view());
    assert_eq!(d, 0.0);
    let g: Array2<f64> = pb.pullback(1.0);
    let adj_t = array![[2.0, -1.0], [-1.0, 3.0]] * s;
    assert!(
        max_abs(&(&g - &adj_t)) <= 1e-14 * max_abs(&adj_t),
        "∂det/∂A = adj(A)ᵀ: {g:?}"
    );
    // Near `MAX` the determinant overflows, the gradient (≈ 2^1020) does not.
    let s = pow2(1020);
    let a = array![[3.0, 1.0], [1.0, 2.0]] * s;
    let (d, pb) = det::rrule(a.view());
    assert!(d.is_infinite());
    let g: Array2<f64> = pb.pullback(1.0);
    let adj_t = array![[2.0, -1.0], [-1.0, 3.0]] * s;
    assert!(
        max_abs(&(&g - &adj_t)) <= 1e-14 * max_abs(&adj_t),
        "near MAX: {g:?}"
    );
    // And slogdet stays exact at both scales.
    let (sign, l) = slogdet(a.view());
    assert_eq!(sign, 1.0);
    assert!((l - (5f64.ln() + 2040.0 * 2f64.ln())).abs() < 1e-12);
}
