//! The newer linear-algebra rules (`lu`, `solve_triangular`, `matrix_norm`, `lstsq`,
//! `matrix_exp`, `eig`, `eigvals`): values against closed forms and reconstructions, both
//! derivatives against finite differences, the pullback against the pushforward, degenerate
//! inputs, `f32`, and bad input.

use ndarray::{Array2, Axis, array};
use rules_core::linalg::{LinalgError, Norm, Triangle, lu, matrix_norm, solve_triangular};
use rules_core::testing::{
    Config, Rng, check_adjoint, check_frule, check_rrule, with_singular_values,
};
use rules_core::{NoTangent, Pullback, Pushforward};
use rules_tests::{max_abs, random};

fn triangular(n: usize, seed: u64, triangle: Triangle) -> Array2<f64> {
    let mut a = random(n, n, seed);
    for ((i, j), v) in a.indexed_iter_mut() {
        if i == j {
            *v += 3.0f64.copysign(*v);
        } else if (triangle == Triangle::Lower) == (j > i) {
            *v = f64::NAN; // the other triangle is never read
        }
    }
    a
}

/// `a` with its unread triangle zeroed, for finite differences (which perturb every entry).
fn clean(a: &Array2<f64>) -> Array2<f64> {
    a.mapv(|v| if v.is_nan() { 0.0 } else { v })
}

#[test]
fn solve_triangular_solves_and_its_rules_check() {
    for triangle in [Triangle::Lower, Triangle::Upper] {
        // 70 and 80: faer's triangular products split into blocks there (their off-diagonal
        // entries scaled by 1/n, so that the solve stays well conditioned).
        for (n, c) in [(1, 1), (4, 2), (6, 3), (70, 5), (80, 80)] {
            let mut a = triangular(n, (n * 3 + c) as u64, triangle);
            if n > 64 {
                for ((i, j), v) in a.indexed_iter_mut() {
                    if i != j {
                        *v /= n as f64;
                    }
                }
            }
            let b = random(n, c, 7);
            let x = solve_triangular(a.view(), b.view(), triangle).expect("nonsingular");
            assert!(max_abs(&(clean(&a).dot(&x) - &b)) < 1e-13);
            let inputs = (clean(&a), b, triangle);
            check_rrule(
                |(a, b, t)| solve_triangular(a.view(), b.view(), *t).expect("nonsingular"),
                |(a, b, t)| solve_triangular::rrule(a.view(), b.view(), *t).expect("nonsingular"),
                &inputs,
                &Config::default(),
            );
            check_frule(
                |(a, b, t)| solve_triangular(a.view(), b.view(), *t).expect("nonsingular"),
                |(a, b, t)| solve_triangular::frule(a.view(), b.view(), *t).expect("nonsingular"),
                &inputs,
                &Config::default(),
            );
            check_adjoint(
                |(a, b, t)| solve_triangular::rrule(a.view(), b.view(), *t).expect("nonsingular"),
                |(a, b, t)| solve_triangular::frule(a.view(), b.view(), *t).expect("nonsingular"),
                &inputs,
                &Config::default(),
            );
            // The gradient lives in the triangle read.
            let (_, pb) =
                solve_triangular::rrule(a.view(), inputs.1.view(), triangle).expect("nonsingular");
            let (da, _, NoTangent) = pb.pullback(Array2::ones((n, c)));
            for ((i, j), &v) in da.indexed_iter() {
                let outside = match triangle {
                    Triangle::Lower => j > i,
                    Triangle::Upper => i > j,
                };
                if outside {
                    assert_eq!(v, 0.0);
                }
            }
        }
    }
}

#[test]
fn solve_triangular_reports_bad_input() {
    let a = array![[1.0, 0.0], [2.0, 0.0]];
    let b = array![[1.0], [1.0]];
    assert_eq!(
        solve_triangular(a.view(), b.view(), Triangle::Lower),
        Err(LinalgError::Singular {
            rule: "solve_triangular"
        })
    );
    let e = solve_triangular(array![[1.0, 2.0]].view(), b.view(), Triangle::Upper).unwrap_err();
    assert_eq!(
        e.to_string(),
        "solve_triangular: `a` must be square, but it is 1×2"
    );
    let e = solve_triangular(Array2::eye(3).view(), b.view(), Triangle::Upper).unwrap_err();
    assert!(matches!(e, LinalgError::Shape { arg: "b", .. }), "{e}");
    let nan_below = array![[1.0, 0.0], [f64::NAN, 1.0]];
    assert!(solve_triangular(nan_below.view(), b.view(), Triangle::Upper).is_ok());
    assert!(matches!(
        solve_triangular(nan_below.view(), b.view(), Triangle::Lower),
        Err(LinalgError::NonFinite { arg: "a", .. })
    ));
    let f32_a = array![[2.0f32, 0.0], [1.0, 4.0]];
    let x = solve_triangular(
        f32_a.view(),
        array![[2.0f32], [9.0]].view(),
        Triangle::Lower,
    )
    .expect("nonsingular");
    assert_eq!(x, array![[1.0f32], [2.0]]);
}

#[test]
fn matrix_norms_match_closed_forms_and_their_rules_check() {
    let mut rng = Rng::new(4);
    for (m, n) in [(5, 3), (3, 5), (4, 4)] {
        let s = [3.0, 2.0, 0.5];
        let a = with_singular_values(&mut rng, m, n, &s[..m.min(n).min(3)]);
        let k = m.min(n).min(3);
        let fro = s[..k].iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((matrix_norm(a.view(), Norm::Fro) - fro).abs() < 1e-13);
        assert!((matrix_norm(a.view(), Norm::Nuclear) - s[..k].iter().sum::<f64>()).abs() < 1e-13);
        assert!((matrix_norm(a.view(), Norm::Spectral) - 3.0).abs() < 1e-13);
        for norm in [Norm::Fro, Norm::Nuclear, Norm::Spectral] {
            let inputs = (random(m, n, (m * n) as u64), norm);
            check_rrule(
                |(a, k)| matrix_norm(a.view(), *k),
                |(a, k)| matrix_norm::rrule(a.view(), *k),
                &inputs,
                &Config::default(),
            );
            check_frule(
                |(a, k)| matrix_norm(a.view(), *k),
                |(a, k)| matrix_norm::frule(a.view(), *k),
                &inputs,
                &Config::default(),
            );
            check_adjoint(
                |(a, k)| matrix_norm::rrule(a.view(), *k),
                |(a, k)| matrix_norm::frule(a.view(), *k),
                &inputs,
                &Config::default(),
            );
        }
    }
}

#[test]
fn matrix_norms_at_degenerate_inputs_are_finite_subgradients() {
    // Zero matrix: every norm 0, gradient 0 (the minimum-norm subgradient).
    let z = Array2::<f64>::zeros((3, 2));
    for norm in [Norm::Fro, Norm::Nuclear, Norm::Spectral] {
        let (y, pb) = matrix_norm::rrule(z.view(), norm);
        assert_eq!(y, 0.0);
        assert!(pb.pullback(1.0).0.iter().all(|&v| v == 0.0), "{norm:?}");
    }
    // Rank one: the nuclear norm's gradient is u₀v₀ᵀ, with nothing from the null space.
    let a = array![[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]];
    let (_, pb) = matrix_norm::rrule(a.view(), Norm::Nuclear);
    let g = pb.pullback(1.0).0;
    let expected = &a / matrix_norm(a.view(), Norm::Fro);
    assert!(max_abs(&(g - expected)) < 1e-14);
    // Huge and tiny entries: the Frobenius norm neither overflows nor underflows.
    let big: Array2<f64> = array![[1e300, 1e300]];
    assert!((matrix_norm(big.view(), Norm::Fro) / (1e300 * 2f64.sqrt()) - 1.0).abs() < 1e-15);
    let tiny: Array2<f64> = array![[3e-310, 4e-310]];
    assert!((matrix_norm(tiny.view(), Norm::Fro) / 5e-310 - 1.0).abs() < 1e-9);
    let f = array![[3.0f32, 4.0]];
    assert_eq!(matrix_norm(f.view(), Norm::Fro), 5.0f32);
}

#[test]
#[should_panic(expected = "matrix_norm: the input must be finite, but a[[0, 1]] = NaN")]
fn matrix_norm_names_a_non_finite_entry() {
    matrix_norm(array![[1.0, f64::NAN]].view(), Norm::Nuclear);
}

#[test]
fn lu_factors_every_shape() {
    for (m, n) in [(1, 1), (4, 4), (7, 3), (3, 7), (1, 5), (5, 1)] {
        let a = random(m, n, (m * 11 + n) as u64);
        let (perm, l, u) = lu(a.view());
        let k = m.min(n);
        assert_eq!((l.dim(), u.dim()), ((m, k), (k, n)));
        assert!(
            max_abs(&(a.select(Axis(0), &perm) - l.dot(&u))) < 1e-14,
            "{m}×{n}"
        );
        for ((i, j), &v) in l.indexed_iter() {
            if i == j {
                assert_eq!(v, 1.0);
            } else if j > i {
                assert_eq!(v, 0.0);
            } else {
                assert!(v.abs() <= 1.0, "partial pivoting keeps |L| ≤ 1");
            }
        }
        for ((i, j), &v) in u.indexed_iter() {
            if i > j {
                assert_eq!(v, 0.0);
            }
        }
        let mut sorted = perm.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..m).collect::<Vec<_>>());
    }
    // Scaled far from 1: the factors keep their accuracy.
    let a = random(5, 5, 3) * 1e-300;
    let (perm, l, u) = lu(a.view());
    let err = max_abs(&(a.select(Axis(0), &perm) - l.dot(&u))) / max_abs(&a);
    assert!(err < 1e-14, "{err:e}");
    // Empty.
    let (perm, l, u) = lu(Array2::<f64>::zeros((0, 3)).view());
    assert_eq!((perm.len(), l.dim(), u.dim()), (0, (0, 0), (0, 3)));
}

/// An m×n matrix whose partial pivots are clear winners, in rows shuffled so that the
/// permutation is not the identity: finite differences then never see the pivoting change.
fn clear_pivots(m: usize, n: usize, seed: u64) -> Array2<f64> {
    let mut a = random(m, n, seed);
    // Column diagonally dominant (for k ≤ 4, +4 is enough), so that partial pivoting's choices
    // have a wide margin and finite differences do not cross a change of pivot.
    let k = m.min(n);
    for i in 0..k {
        a[[i, i]] += 4.0f64.max(k as f64);
    }
    let order: Vec<usize> = (0..m).rev().collect();
    a.select(Axis(0), &order)
}

#[test]
fn lu_rules_match_finite_differences_on_every_shape() {
    // Beyond 64 columns (the last three) the pullback forms only the triangles it keeps.
    for (m, n) in [
        (4, 4),
        (7, 3),
        (3, 7),
        (1, 1),
        (2, 5),
        (6, 1),
        (70, 70),
        (90, 66),
        (66, 90),
    ] {
        let a = clear_pivots(m, n, (m * 5 + n) as u64 + 100);
        check_rrule(
            |(a,)| lu(a.view()),
            |(a,)| lu::rrule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_frule(
            |(a,)| lu(a.view()),
            |(a,)| lu::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| lu::rrule(a.view()),
            |(a,)| lu::frule(a.view()),
            &(a,),
            &Config::default(),
        );
    }
    let a = clear_pivots(5, 3, 8).mapv(|v| v as f32);
    check_frule(
        |(a,)| lu(a.view()),
        |(a,)| lu::frule(a.view()),
        &(a.clone(),),
        &Config::default(),
    );
    check_rrule(
        |(a,)| lu(a.view()),
        |(a,)| lu::rrule(a.view()),
        &(a,),
        &Config::default(),
    );
}

#[test]
#[should_panic(expected = "lu: pivot 1 of U is zero")]
fn lu_derivative_at_a_singular_block_is_refused() {
    let a = array![[1.0, 2.0], [2.0, 4.0]];
    let (_, pf) = lu::frule(a.view());
    let _ = pf.pushforward(array![[1.0, 0.0], [0.0, 1.0]]);
}

#[test]
fn lstsq_solves_tall_wide_and_rank_deficient_systems() {
    use rules_core::linalg::{lstsq, pinv};
    let mut rng = Rng::new(17);
    for (m, n) in [(8, 3), (3, 8), (5, 5), (40, 2)] {
        let a = random(m, n, (m + 3 * n) as u64);
        let b = random(m, 2, 5);
        let x = lstsq(a.view(), b.view());
        assert!(max_abs(&(&x - &pinv(a.view()).dot(&b))) < 1e-12, "{m}×{n}");
        // Normal equations: Aᵀ (A X − B) = 0.
        assert!(max_abs(&a.t().dot(&(a.dot(&x) - &b))) < 1e-12, "{m}×{n}");
        let inputs = (a, b);
        check_rrule(
            |(a, b)| lstsq(a.view(), b.view()),
            |(a, b)| lstsq::rrule(a.view(), b.view()),
            &inputs,
            &Config::default(),
        );
        check_frule(
            |(a, b)| lstsq(a.view(), b.view()),
            |(a, b)| lstsq::frule(a.view(), b.view()),
            &inputs,
            &Config::default(),
        );
        check_adjoint(
            |(a, b)| lstsq::rrule(a.view(), b.view()),
            |(a, b)| lstsq::frule(a.view(), b.view()),
            &inputs,
            &Config::default(),
        );
    }
    // Rank 2 of 3, tall and wide: finite, the adjoint of each other, and the minimum-norm
    // solution (orthogonal to the null space).
    for (m, n) in [(6, 3), (3, 6)] {
        let a = with_singular_values(&mut rng, m, n, &[2.0, 1.0, 0.0]);
        let b = random(m, 1, 9);
        let x = lstsq(a.view(), b.view());
        let (_, _, vt) = rules_core::linalg::svd(a.view());
        assert!(vt.row(2).dot(&x.column(0)).abs() < 1e-12);
        check_adjoint(
            |(a, b)| lstsq::rrule(a.view(), b.view()),
            |(a, b)| lstsq::frule(a.view(), b.view()),
            &(a, b),
            &Config::default(),
        );
    }
    // Scaled far from 1: the solution scales back exactly.
    let a = random(6, 3, 2);
    let b = random(6, 1, 3);
    let x = lstsq(a.view(), b.view());
    let tiny = lstsq((&a * 1e-300).view(), b.view());
    assert!(max_abs(&(&tiny * 1e-300 - &x)) < 1e-12 * max_abs(&x));
    // Its gradient scales as 1/scale²: at 1e150 (outside the safe range, so scaled first),
    // 1e-300 of the unscaled one, still accurate.
    let (_, pb) = lstsq::rrule((&a * 1e150).view(), b.view());
    let (da, _) = pb.pullback(Array2::ones((3, 1)));
    let (_, pb1) = lstsq::rrule(a.view(), b.view());
    let (da1, _) = pb1.pullback(Array2::ones((3, 1)));
    assert!(max_abs(&(da * 1e300 - &da1)) < 1e-10 * max_abs(&da1));
    check_adjoint(
        |(a, b)| lstsq::rrule(a.view(), b.view()),
        |(a, b)| lstsq::frule(a.view(), b.view()),
        &(&a * 1e150, b.clone()),
        &Config::default(),
    );
    let f = lstsq(a.mapv(|v| v as f32).view(), b.mapv(|v| v as f32).view());
    assert!((f.mapv(f64::from) - &x).iter().all(|e| e.abs() < 1e-4));
}

#[test]
#[should_panic(expected = "lstsq: `b` must have as many rows as `a` (3)")]
fn lstsq_names_a_mismatched_right_hand_side() {
    rules_core::linalg::lstsq(Array2::<f64>::eye(3).view(), Array2::zeros((2, 1)).view());
}

#[test]
fn matrix_exp_matches_closed_forms_at_every_degree() {
    use rules_core::linalg::{eigh, matrix_exp};
    // Nilpotent, rotation, diagonal.
    let e = matrix_exp(array![[0.0, 1.0], [0.0, 0.0]].view());
    assert!(max_abs(&(e - array![[1.0, 1.0], [0.0, 1.0]])) < 1e-15);
    let d = matrix_exp(array![[1.0, 0.0], [0.0, -2.0]].view());
    assert!(max_abs(&(d - array![[1f64.exp(), 0.0], [0.0, (-2f64).exp()]])) < 1e-15);
    // Symmetric matrices of norms from 1e-3 to 60 (degrees 3 to 13, s from 0 to 4): against
    // V exp(Λ) Vᵀ, relative to the largest entry.
    for scale in [1e-3, 0.1, 0.5, 1.5, 4.0, 60.0] {
        let x = random(6, 6, 12);
        let a = (&x + &x.t()) * (scale / 6.0);
        let (w, v) = eigh(a.view());
        let want = (&v * &w.mapv(f64::exp)).dot(&v.t());
        let got = matrix_exp(a.view());
        let err = max_abs(&(&got - &want)) / max_abs(&want);
        assert!(err < 1e-13, "scale {scale}: {err:e}");
        // exp(A) exp(−A) = I.
        let inv = matrix_exp((-&a).view());
        assert!(
            max_abs(&(got.dot(&inv) - Array2::<f64>::eye(6)))
                < 1e-12 * max_abs(&got).max(1.0) * max_abs(&inv).max(1.0)
        );
    }
    let f = matrix_exp(array![[0.0f32, -1.0], [1.0, 0.0]].view());
    assert!((f[[0, 0]] - 1f32.cos()).abs() < 1e-6 && (f[[1, 0]] - 1f32.sin()).abs() < 1e-6);
}

#[test]
fn matrix_exp_derivatives_match_finite_differences_and_closed_forms() {
    use rules_core::linalg::matrix_exp;
    for scale in [0.01, 0.2, 0.8, 2.0, 5.0, 20.0] {
        let a = random(4, 4, 30) * scale;
        check_rrule(
            |(a,)| matrix_exp(a.view()),
            |(a,)| matrix_exp::rrule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_frule(
            |(a,)| matrix_exp(a.view()),
            |(a,)| matrix_exp::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| matrix_exp::rrule(a.view()),
            |(a,)| matrix_exp::frule(a.view()),
            &(a,),
            &Config::default(),
        );
    }
    // Diagonal A: L(A, E)_ij = E_ij (e^{a_i} − e^{a_j}) / (a_i − a_j), e^{a_i} on the diagonal.
    let d = [0.3, -1.2, 2.5];
    let a = Array2::from_diag(&ndarray::arr1(&d));
    let e = random(3, 3, 4);
    let (_, pf) = matrix_exp::frule(a.view());
    let l = pf.pushforward(e.clone());
    for i in 0..3 {
        for j in 0..3 {
            let q = if i == j {
                d[i].exp()
            } else {
                (d[i].exp() - d[j].exp()) / (d[i] - d[j])
            };
            assert!((l[[i, j]] - e[[i, j]] * q).abs() < 1e-13, "({i}, {j})");
        }
    }
    let a = random(3, 3, 31).mapv(|v| v as f32);
    check_frule(
        |(a,)| matrix_exp(a.view()),
        |(a,)| matrix_exp::frule(a.view()),
        &(a.clone(),),
        &Config::default(),
    );
    check_rrule(
        |(a,)| matrix_exp(a.view()),
        |(a,)| matrix_exp::rrule(a.view()),
        &(a,),
        &Config::default(),
    );
}

#[test]
#[should_panic(expected = "matrix_exp: the input must be square, but `a` has shape [2, 3]")]
fn matrix_exp_names_a_non_square_input() {
    rules_core::linalg::matrix_exp(Array2::<f64>::zeros((2, 3)).view());
}

/// A real matrix with eigenvalues `2 ± i`, `−1`, `0.5` and `3` (well separated), as `S D S⁻¹`.
fn general(seed: u64) -> Array2<f64> {
    let d = array![
        [2.0, 1.0, 0.0, 0.0, 0.0],
        [-1.0, 2.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, -1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.5, 0.0],
        [0.0, 0.0, 0.0, 0.0, 3.0]
    ];
    let s = random(5, 5, seed) + Array2::<f64>::eye(5) * 2.0;
    let s_inv = rules_core::linalg::inv(s.view()).expect("nonsingular");
    s.dot(&d).dot(&s_inv)
}

#[test]
fn eig_factorises_and_normalises() {
    use num_complex::Complex;
    use rules_core::linalg::{eig, eigvals};
    let a = general(3);
    let (w, v) = eig(a.view());
    let ac = a.mapv(|x| Complex::new(x, 0.0));
    let av = ac.dot(&v);
    let vw = &v * &w;
    let err = (av - vw).iter().fold(0.0f64, |m, z| m.max(z.norm()));
    assert!(err < 1e-13, "{err:e}");
    for col in v.columns() {
        let norm: f64 = col.iter().map(|z| z.norm_sqr()).sum();
        assert!((norm - 1.0).abs() < 1e-14);
        let p = (0..5)
            .max_by(|&i, &j| col[i].norm().total_cmp(&col[j].norm()))
            .unwrap_or(0);
        assert!(col[p].im == 0.0 && col[p].re > 0.0);
    }
    let mut re: Vec<f64> = w.iter().map(|z| z.re).collect();
    re.sort_by(f64::total_cmp);
    for (got, want) in re.iter().zip([-1.0, 0.5, 2.0, 2.0, 3.0]) {
        assert!((got - want).abs() < 1e-12);
    }
    let wv = eigvals(a.view());
    assert!(
        wv.iter().zip(&w).all(|(x, y)| (x - y).norm() < 1e-12),
        "same order"
    );
    // f32: the same eigenvalues to single precision (sorted by real, then imaginary part).
    let key = |z: &num_complex::Complex<f64>| (z.re, z.im);
    let mut f: Vec<_> = eigvals(a.mapv(|x| x as f32).view())
        .iter()
        .map(|z| num_complex::Complex::new(f64::from(z.re), f64::from(z.im)))
        .collect();
    let mut d: Vec<_> = w.to_vec();
    f.sort_by(|x, y| {
        key(x)
            .partial_cmp(&key(y))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    d.sort_by(|x, y| {
        key(x)
            .partial_cmp(&key(y))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    assert!(
        f.iter().zip(&d).all(|(x, y)| (x - y).norm() < 1e-4),
        "{f:?} vs {d:?}"
    );
}

#[test]
fn eig_derivatives_match_finite_differences_and_each_other() {
    use rules_core::linalg::{eig, eigvals};
    for seed in [3, 8] {
        let a = general(seed);
        check_frule(
            |(a,)| eig(a.view()),
            |(a,)| eig::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_rrule(
            |(a,)| eig(a.view()),
            |(a,)| eig::rrule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| eig::rrule(a.view()),
            |(a,)| eig::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_frule(
            |(a,)| eigvals(a.view()),
            |(a,)| eigvals::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_rrule(
            |(a,)| eigvals(a.view()),
            |(a,)| eigvals::rrule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| eigvals::rrule(a.view()),
            |(a,)| eigvals::frule(a.view()),
            &(a,),
            &Config::default(),
        );
    }
    // A symmetric input: the eigenvalues' gradient is the one eigh gives, v vᵀ.
    let x = random(4, 4, 2);
    let s = &x + &x.t();
    let (w, pb) = eigvals::rrule(s.view());
    let i = (0..4)
        .max_by(|&i, &j| w[i].re.total_cmp(&w[j].re))
        .unwrap_or(0);
    let mut dw = ndarray::Array1::zeros(4);
    dw[i] = num_complex::Complex::new(1.0, 0.0);
    let g = pb.pullback(dw);
    let (_, vs) = rules_core::linalg::eigh(s.view());
    let top = vs.column(3);
    let want = Array2::from_shape_fn((4, 4), |(r, c)| top[r] * top[c]);
    assert!(max_abs(&(g - want)) < 1e-12);
}

#[test]
fn eig_at_repeated_eigenvalues_stays_finite() {
    use rules_core::linalg::eig;
    // A diagonalisable matrix with a double eigenvalue: the 1/gap terms inside the pair are
    // dropped, and both directions stay finite and adjoint.
    let d = Array2::from_diag(&ndarray::arr1(&[1.0, 1.0, 2.0]));
    let s = random(3, 3, 5) + Array2::<f64>::eye(3) * 2.0;
    let a = s
        .dot(&d)
        .dot(&rules_core::linalg::inv(s.view()).expect("nonsingular"));
    let (_, pf) = eig::frule(a.view());
    let (dw, dv) = pf.pushforward(random(3, 3, 6));
    assert!(
        dw.iter()
            .chain(&dv)
            .all(|z| z.re.is_finite() && z.im.is_finite())
    );
    check_adjoint(
        |(a,)| eig::rrule(a.view()),
        |(a,)| eig::frule(a.view()),
        &(a,),
        &Config::default(),
    );
}

#[test]
#[should_panic(expected = "eig: the input must be square, but `a` has shape [2, 3]")]
fn eig_names_a_non_square_input() {
    rules_core::linalg::eig(Array2::<f64>::zeros((2, 3)).view());
}
