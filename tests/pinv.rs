//! `pinv`: the four Penrose conditions on every shape and rank, the pullback against finite
//! differences where the rank is full, and, on rank-deficient inputs, against finite differences
//! along paths that keep the rank.

use ndarray::{Array1, Array2, array};
use rules_core::linalg::pinv;
use rules_core::testing::{Config, Rng, check_rrule, orthonormal, with_singular_values};
use rules_core::{Pullback, Zero};

use rules_tests::{max_abs, pow2, random};

#[test]
fn penrose_conditions_hold_on_every_shape_and_rank() {
    let mut rng = Rng::new(1);
    let cases = [
        random(6, 3, 1),
        random(3, 6, 2),
        random(4, 4, 3),
        with_singular_values(&mut rng, 7, 5, &[2.0, 1.0]),
        with_singular_values(&mut rng, 4, 9, &[1.0, 1.0, 0.5]),
        Array2::zeros((3, 2)),
    ];
    for a in &cases {
        let x = pinv(a.view());
        assert_eq!(x.dim(), (a.ncols(), a.nrows()));
        let (ax, xa) = (a.dot(&x), x.dot(a));
        let tol = 1e-13;
        assert!(max_abs(&(ax.dot(a) - a)) < tol, "A X A = A");
        assert!(max_abs(&(xa.dot(&x) - &x)) < tol, "X A X = X");
        assert!(max_abs(&(&ax - &ax.t())) < tol, "A X symmetric");
        assert!(max_abs(&(&xa - &xa.t())) < tol, "X A symmetric");
    }
    // Full column rank: A⁺ = (AᵀA)⁻¹ Aᵀ, checked as (AᵀA) A⁺ = Aᵀ.
    let a = random(8, 3, 4);
    let x = pinv(a.view());
    assert!(max_abs(&(a.t().dot(&a).dot(&x) - a.t())) < 1e-13);
    assert_eq!(
        pinv(array![[2.0, 0.0], [0.0, 0.0]].view()),
        array![[0.5, 0.0], [0.0, 0.0]]
    );
}

#[test]
fn pullback_matches_finite_differences_at_full_rank() {
    for (m, n) in [(5, 3), (3, 5), (4, 4), (30, 3)] {
        check_rrule(
            |(a,)| pinv(a.view()),
            |(a,)| pinv::rrule(a.view()),
            &(random(m, n, (m * 5 + n) as u64),),
            &Config::default(),
        );
    }
}

/// Along `A(t) = (Q₁ + t E₁) diag(s) (Q₂ + t E₂)ᵀ` the rank stays `r`, and `d/dt ⟨X̄, A(t)⁺⟩`
/// (central differences of the forward) must equal `⟨Ā, A′(0)⟩` with `A′(0) = E₁ S Q₂ᵀ + Q₁ S
/// E₂ᵀ`.
#[test]
fn pullback_is_the_fixed_rank_derivative_on_rank_deficient_inputs() {
    for (m, n, s) in [
        (7, 5, vec![2.0, 1.0]),
        (4, 9, vec![1.5, 1.0, 0.5]),
        (6, 6, vec![1.0]),
    ] {
        let mut rng = Rng::new((m * 13 + n) as u64);
        let r = s.len();
        let (q1, q2) = (orthonormal(&mut rng, m, r), orthonormal(&mut rng, n, r));
        let (e1, e2) = (random(m, r, 7), random(n, r, 8));
        let s = Array1::from(s);
        let at = |t: f64| (&(&q1 + &(&e1 * t)) * &s).dot(&(&q2 + &(&e2 * t)).t());
        let dx = random(n, m, 9);
        let loss = |t: f64| (&pinv(at(t).view()) * &dx).sum();
        let h = 1e-4;
        let fd = (loss(-2.0 * h) - 8.0 * loss(-h) + 8.0 * loss(h) - loss(2.0 * h)) / (12.0 * h);
        let (_, pb) = pinv::rrule(at(0.0).view());
        let g: Array2<f64> = pb.pullback(dx.clone());
        let da = (&e1 * &s).dot(&q2.t()) + (&q1 * &s).dot(&e2.t());
        let ad = (&g * &da).sum();
        assert!(
            (ad - fd).abs() <= 1e-7 * fd.abs().max(1.0),
            "{m}×{n} rank {r}: pullback {ad} against finite differences {fd}"
        );
        assert!(g.iter().all(|v| v.is_finite()));
    }
}

#[test]
fn the_zero_matrix_has_a_finite_gradient() {
    let (x, pb) = pinv::rrule(Array2::<f64>::zeros((3, 2)).view());
    assert_eq!(x, Array2::<f64>::zeros((2, 3)));
    let g: Array2<f64> = pb.pullback(random(2, 3, 1));
    assert!(g.iter().all(|v| v.is_finite()));
    // The Zero pattern runs nothing and returns Zero.
    let Zero = pb.pullback(Zero);
}

#[test]
#[should_panic(expected = "pinv: the cotangent dX has shape [3, 2], expected [2, 3]")]
fn a_cotangent_of_the_wrong_shape_is_reported() {
    let (_, pb) = pinv::rrule(random(3, 2, 1).view());
    let _: Array2<f64> = pb.pullback(Array2::zeros((3, 2)));
}

#[test]
fn f32_satisfies_the_penrose_conditions() {
    let a = random(6, 4, 3).mapv(|v| v as f32);
    let x = pinv(a.view());
    let err = (a.dot(&x).dot(&a) - &a)
        .iter()
        .fold(0.0f32, |m, e| m.max(e.abs()));
    assert!(err < 1e-5, "{err}");
}

#[test]
#[should_panic(expected = "pinv: the input must be finite, but a[[1, 0]] = inf")]
fn a_non_finite_input_is_reported_as_pinv_s() {
    let mut a = random(3, 2, 1);
    a[[1, 0]] = f64::INFINITY;
    let _ = pinv(a.view());
}

#[test]
fn empty_inputs_have_empty_results() {
    for (m, n) in [(0, 3), (3, 0), (0, 0)] {
        let (x, pb) = pinv::rrule(Array2::<f64>::zeros((m, n)).view());
        assert_eq!(x.dim(), (n, m));
        let g: Array2<f64> = pb.pullback(Array2::zeros((n, m)));
        assert_eq!(g.dim(), (m, n));
    }
}

#[test]
fn inputs_near_overflow_and_underflow_keep_the_penrose_conditions() {
    let base = random(4, 4, 7);
    let (x0, pb0) = pinv::rrule(base.view());
    let dx = random(4, 4, 8);
    let g0: Array2<f64> = pb0.pullback(dx.clone());
    for e in [1023, 1020, 600, 480, -480, -600, -1000, -1060] {
        let s = pow2(e);
        let a = &base * s;
        let (x, pb) = pinv::rrule(a.view());
        if e < -1022 {
            // A⁺ ≈ 2^1060 is beyond `MAX`: infinite, never NaN and never a silent zero.
            assert!(x.iter().all(|v| v.is_infinite()), "2^{e}: {x:?}");
            continue;
        }
        assert!(x.iter().all(|v| v.is_finite()), "2^{e}: not finite");
        // A⁺(sA) = A⁺(A) / s: compare after scaling back (exact).
        let back = &x * s;
        let tol = 1e-11;
        let err = max_abs(&(&back - &x0)) / max_abs(&x0);
        assert!(err < tol, "2^{e}: ‖s·pinv(sA) − pinv(A)‖ = {err:e}");
        // ‖A X A − A‖ / ‖A‖, in the scaled-back matrices.
        let ab = &a / s;
        let r = max_abs(&(ab.dot(&back).dot(&ab) - &ab)) / max_abs(&ab);
        assert!(r < tol, "2^{e}: Penrose residual {r:e}");
        // Ā(sA) = Ā(A) / s², where that is representable (2^±480: the input is outside the
        // safe range, so the scaled path runs, and s² is not).
        if e.abs() == 480 {
            let g: Array2<f64> = pb.pullback(dx.clone());
            let gb = &g * s * s;
            let err = max_abs(&(&gb - &g0)) / max_abs(&g0);
            assert!(err < 1e-10, "2^{e}: gradient off by {err:e}");
        }
    }
}
