//! `cholesky` against finite differences, its defining identity and its errors.

use ndarray::{Array2, array};
use rules_core::Pullback;
use rules_core::linalg::{LinalgError, cholesky};
use rules_core::testing::{Config, Symmetric, check_rrule};
use rules_tests::{max_abs, pow2};

/// A symmetric positive definite matrix: `B Bᵀ + n I` for a pseudo-random `B`.
fn spd(n: usize, seed: u64) -> Array2<f64> {
    let mut s = seed;
    let b = Array2::from_shape_fn((n, n), |_| {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    });
    b.dot(&b.t()) + Array2::<f64>::eye(n) * n as f64
}

fn sym(x: &Array2<f64>) -> Array2<f64> {
    (x + &x.t()) * 0.5
}

#[test]
fn factor_reproduces_the_matrix() {
    for n in [1, 4, 30] {
        let a = spd(n, 7 + n as u64);
        let l = cholesky(a.view()).expect("positive definite");
        for ((i, j), &v) in l.indexed_iter() {
            if j > i {
                assert_eq!(v, 0.0);
            }
        }
        let err = (l.dot(&l.t()) - &a)
            .iter()
            .fold(0.0f64, |m, e| m.max(e.abs()));
        assert!(
            err < 1e-13 * n as f64 * a[[0, 0]],
            "n = {n}: ‖LLᵀ − A‖ = {err}"
        );
    }
}

/// Through `x ↦ cholesky(sym(x))`, whose gradient is `sym(Ā) = Ā` for the symmetric `Ā` the rule
/// returns: finite differences on every entry of `x` check `Ā` whole.
#[test]
fn symmetric_cotangent_matches_finite_differences() {
    // 70 and 150: faer's triangular products split into blocks there.
    for n in [1, 2, 5, 70, 150] {
        let x = spd(n, n as u64);
        check_rrule(
            |(x,)| cholesky(sym(x).view()).expect("positive definite"),
            |(x,)| cholesky::rrule(sym(x).view()).expect("positive definite"),
            &(x,),
            &Config::default(),
        );
    }
}

/// The rule reads the lower triangle: the gradient with respect to its entries alone is
/// `tril(Ā + Āᵀ) − diag(Ā)`, as the docs say; checked by central differences on those entries.
#[test]
fn lower_triangle_gradient_matches_finite_differences() {
    let n = 4;
    let a = spd(n, 3);
    let w = Array2::from_shape_fn((n, n), |(i, j)| 1.0 + i as f64 - 0.5 * j as f64);
    let loss = |a: &Array2<f64>| (cholesky(a.view()).expect("positive definite") * &w).sum();
    let (_, pb) = cholesky::rrule(a.view()).expect("positive definite");
    let g = pb.pullback(w.clone());
    let h = 1e-6;
    for i in 0..n {
        for j in 0..=i {
            let mut plus = a.clone();
            plus[[i, j]] += h;
            let mut minus = a.clone();
            minus[[i, j]] -= h;
            let fd = (loss(&plus) - loss(&minus)) / (2.0 * h);
            let expected = if i == j { g[[i, i]] } else { 2.0 * g[[i, j]] };
            assert!(
                (fd - expected).abs() < 1e-7 * (1.0 + fd.abs()),
                "a[{i},{j}]: finite differences {fd}, rule {expected}"
            );
        }
    }
}

#[test]
fn f32_and_the_upper_triangle_is_not_read() {
    let a = array![
        [9.0f32, f32::NAN, f32::INFINITY],
        [3.0, 5.0, 0.0],
        [0.0, 2.0, 5.0]
    ];
    let l = cholesky(a.view()).expect("positive definite");
    assert_eq!(
        l,
        array![[3.0f32, 0.0, 0.0], [1.0, 2.0, 0.0], [0.0, 1.0, 2.0]]
    );
}

#[test]
fn bad_input_is_an_error_naming_the_rule_and_the_argument() {
    assert!(matches!(
        cholesky(array![[1.0, 2.0], [2.0, 1.0]].view()),
        Err(LinalgError::NotPositiveDefinite { rule: "cholesky" })
    ));
    assert!(matches!(
        cholesky(Array2::<f64>::zeros((2, 3)).view()),
        Err(LinalgError::NotSquare {
            rule: "cholesky",
            arg: "a",
            shape: (2, 3)
        })
    ));
    let err = cholesky(array![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, f64::NAN, 1.0]].view())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cholesky: `a` must be finite, but its entry [2, 1] is not"
    );
}

#[test]
#[should_panic(expected = "cholesky: the cotangent dL has shape [1, 2], expected [2, 2]")]
fn a_cotangent_of_the_wrong_shape_is_refused() {
    let (_, pb) =
        cholesky::rrule(array![[4.0, 0.0], [0.0, 4.0]].view()).expect("positive definite");
    let _ = pb.pullback(array![[1.0, 0.0]]);
}

#[test]
fn an_empty_matrix_gives_an_empty_factor() {
    let (l, pb) = cholesky::rrule(Array2::<f64>::zeros((0, 0)).view()).expect("empty is fine");
    assert_eq!(l.dim(), (0, 0));
    assert_eq!(pb.pullback(Array2::zeros((0, 0))).dim(), (0, 0));
}

/// The kit's symmetric perturbations: the input is the symmetric matrix itself, perturbed only
/// along `E_ij + E_ji` (the rule reads the lower triangle), and compared as `⟨Ā, E_ij + E_ji⟩`.
#[test]
fn matches_finite_differences_along_symmetric_directions() {
    for n in [1, 3, 9] {
        check_rrule(
            |(a,)| cholesky(a.0.view()).expect("positive definite"),
            |(a,)| cholesky::rrule(a.0.view()).expect("positive definite"),
            &(Symmetric(spd(n, 40 + n as u64)),),
            &Config::default(),
        );
    }
}

#[test]
fn inputs_near_overflow_and_underflow_are_scaled_into_range() {
    let base = spd(5, 4);
    let l0 = cholesky(base.view()).unwrap();
    let dl = spd(5, 9);
    let (_, pb0) = cholesky::rrule(base.view()).unwrap();
    let g0: Array2<f64> = pb0.pullback(dl.clone());
    for e in [1020, 1019, 600, -600, -1000, -1061] {
        let s = pow2(e);
        let a = &base * s;
        let l = cholesky(a.view()).unwrap();
        // chol(sA) = √s chol(A); compare against the input as rounded at that scale.
        let l_ref = cholesky((&a / s).view()).unwrap();
        let r = s.sqrt(); // correctly rounded, also for a subnormal `s`
        let err = max_abs(&(&l / r - &l_ref)) / max_abs(&l0);
        assert!(err < 1e-13, "2^{e}: L off by {err:e}");
        // ‖LLᵀ − A‖ / ‖A‖ in the scaled-back matrices: finite (was ∞ near `MAX`).
        let back = &l / r;
        let res = max_abs(&(back.dot(&back.t()) - &(&a / s))) / max_abs(&base);
        assert!(res < 1e-13, "2^{e}: ‖LLᵀ − A‖ = {res:e}");
        // The gradient, where the scaled path runs and the result is normal.
        if e.abs() == 600 {
            let (_, pb) = cholesky::rrule(a.view()).unwrap();
            let g: Array2<f64> = pb.pullback(dl.clone());
            // L(sA) = √s L(A): Ā(sA)[L̄] = Ā(A)[L̄] / √s.
            let err = max_abs(&(&g * r - &g0)) / max_abs(&g0);
            assert!(err < 1e-12, "2^{e}: gradient off by {err:e}");
        }
    }
}
