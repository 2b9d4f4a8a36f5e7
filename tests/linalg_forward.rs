//! Forward mode of the linear-algebra rules: every `linalg` rule's `::frule` against finite
//! differences of the plain function (`check_frule`) and against its own pullback
//! (`check_adjoint`: `⟨ẏ, ȳ⟩ = ⟨ȧ, ā⟩` for random directions), on tall, wide and square inputs,
//! at repeated and zero singular values and eigenvalues, in `f32`, and with bad tangents.

use ndarray::{Array1, Array2, Axis};
use num_complex::Complex;
use rules_core::linalg::{
    cholesky, det, eigh, eigvalsh, inv, pinv, qr, slogdet, solve, svd, svdvals,
};
use rules_core::testing::{Config, Rng, check_adjoint, check_frule, with_singular_values};
use rules_core::{Pullback, Pushforward, frule, rrule};
use rules_tests::{max_abs, random};

const SHAPES: [(usize, usize); 4] = [(7, 3), (3, 7), (4, 4), (12, 2)];

/// `+1` or `−1` per column of `u`: the sign that makes its largest entry positive.
fn column_signs(u: ndarray::ArrayView2<'_, f64>) -> Array1<f64> {
    u.columns()
        .into_iter()
        .map(|c| {
            let big = c
                .iter()
                .fold(0.0f64, |m, &v| if v.abs() > m.abs() { v } else { m });
            if big < 0.0 { -1.0 } else { 1.0 }
        })
        .collect()
}

/// The SVD with a sign convention (as in `tests/svd.rs`), forward mode: finite differences of
/// `U` and `Vᵀ` then see no sign flip.
#[frule]
fn svd_signed(a: Array2<f64>) -> (Array2<f64>, Array1<f64>, Array2<f64>) {
    let ((u, s, vt), pf) = svd::frule(a.view());
    let d = column_signs(u.view());
    let dcol = d.clone().insert_axis(Axis(1));
    (
        (&u * &d, s, &vt * &dcol),
        move |da: Array2<f64>| -> (Array2<f64>, Array1<f64>, Array2<f64>) {
            let (du, ds, dvt) = pf.pushforward(da);
            (&du * &d, ds, &dvt * &dcol)
        },
    )
}

#[test]
fn svd_and_svdvals_pushforwards_match_finite_differences_and_their_pullbacks() {
    let config = Config::default();
    for (m, n) in SHAPES {
        let a = random(m, n, (m * 31 + n) as u64);
        check_frule(
            |(a,)| {
                let (u, s, vt) = svd(a.view());
                let d = column_signs(u.view());
                (&u * &d, s, &vt * &d.clone().insert_axis(Axis(1)))
            },
            |(a,)| svd_signed::frule(a.clone()),
            &(a.clone(),),
            &config,
        );
        check_adjoint(
            |(a,)| {
                let ((u, s, vt), pb) = svd::rrule(a.view());
                ((u.to_owned(), s, vt.to_owned()), pb)
            },
            |(a,)| {
                let ((u, s, vt), pf) = svd::frule(a.view());
                ((u.to_owned(), s, vt.to_owned()), pf)
            },
            &(a.clone(),),
            &config,
        );
        check_frule(
            |(a,)| svdvals(a.view()),
            |(a,)| svdvals::frule(a.view()),
            &(a.clone(),),
            &config,
        );
        check_adjoint(
            |(a,)| svdvals::rrule(a.view()),
            |(a,)| svdvals::frule(a.view()),
            &(a,),
            &config,
        );
    }
}

#[test]
fn the_svd_pushforward_is_the_adjoint_of_its_pullback_at_degenerate_inputs() {
    // Repeated and zero singular values: both directions drop the same 1/gap terms (the same
    // tolerance), so the adjoint identity holds exactly where finite differences do not exist.
    let mut rng = Rng::new(5);
    for (m, n, s) in [
        (6, 3, vec![2.0, 2.0, 1.0]),
        (3, 6, vec![1.0, 1.0, 1.0]),
        (5, 5, vec![3.0, 1.0, 1.0, 0.0, 0.0]),
        (8, 4, vec![1.0, 0.0, 0.0, 0.0]),
    ] {
        let a = with_singular_values(&mut rng, m, n, &s);
        check_adjoint(
            |(a,)| {
                let ((u, s, vt), pb) = svd::rrule(a.view());
                ((u.to_owned(), s, vt.to_owned()), pb)
            },
            |(a,)| {
                let ((u, s, vt), pf) = svd::frule(a.view());
                ((u.to_owned(), s, vt.to_owned()), pf)
            },
            &(a.clone(),),
            &Config::default(),
        );
        // Finite everywhere, where 1/(s_j − s_i) alone would be ∞.
        let (_, pf) = svd::frule(a.view());
        let (du, ds, dvt) = pf.pushforward(random(m, n, 9));
        assert!(du.iter().chain(&ds).chain(&dvt).all(|v| v.is_finite()));
    }
}

#[test]
fn the_svd_pushforward_reconstructs_the_input_tangent() {
    // d(U S Vᵀ) = U̇ S Vᵀ + U Ṡ Vᵀ + U S V̇ᵀ must be Ȧ, for a full-rank input of any shape.
    for (m, n) in [(200, 5), (5, 200), (30, 30)] {
        let a = random(m, n, 3);
        let da = random(m, n, 4);
        let ((u, s, vt), pf) = svd::frule(a.view());
        let (du, ds, dvt) = pf.pushforward(da.clone());
        let back = (&du * &s).dot(&vt) + (&u * &ds).dot(&vt) + (&u * &s).dot(&dvt);
        assert!(max_abs(&(back - &da)) < 1e-11, "{m}×{n}");
    }
}

type C = Complex<f64>;

fn random_complex(m: usize, n: usize, seed: u64) -> Array2<C> {
    let (re, im) = (random(m, n, seed), random(m, n, seed + 1000));
    Array2::from_shape_fn((m, n), |ij| C::new(re[ij], im[ij]))
}

fn adjoint(x: &Array2<C>) -> Array2<C> {
    x.t().mapv(|z| z.conj())
}

/// The polar factor `U Vᴴ`, phase-invariant: its pullback turns `W̄` into the SVD's cotangents.
#[rrule]
fn polar(a: Array2<C>) -> Array2<C> {
    let ((u, _, vt), pb) = svd::rrule(a.view());
    let (u, vt) = (u.to_owned(), vt.to_owned());
    (u.dot(&vt), move |dw: Array2<C>| -> Array2<C> {
        let g = pb.pullback((
            dw.dot(&adjoint(&vt)),
            Array1::zeros(vt.nrows()),
            adjoint(&u).dot(&dw),
        ));
        g
    })
}

/// `U Vᴴ` in forward mode: `U̇ Vᴴ + U V̇ᴴ`, which reads the pushforward's imaginary diagonal.
#[frule]
fn polar_forward(a: Array2<C>) -> Array2<C> {
    let ((u, _, vt), pf) = svd::frule(a.view());
    let (u, vt) = (u.to_owned(), vt.to_owned());
    (u.dot(&vt), move |da: Array2<C>| -> Array2<C> {
        let (du, _, dvt) = pf.pushforward(da);
        du.dot(&vt) + u.dot(&dvt)
    })
}

#[test]
fn complex_svd_pushforwards_match_finite_differences_and_the_pullback() {
    for (m, n) in [(5, 3), (3, 5), (4, 4)] {
        let a = random_complex(m, n, (m + 7 * n) as u64);
        check_frule(
            |(a,)| polar(a.clone()),
            |(a,)| polar_forward::frule(a.clone()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| polar::rrule(a.clone()),
            |(a,)| polar_forward::frule(a.clone()),
            &(a.clone(),),
            &Config::default(),
        );
        check_frule(
            |(a,)| svdvals(a.view()),
            |(a,)| svdvals::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| svdvals::rrule(a.view()),
            |(a,)| svdvals::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        // The reconstruction: U̇ S Vᴴ + U Ṡ Vᴴ + U S V̇ᴴ = Ȧ.
        let da = random_complex(m, n, 77);
        let ((u, s, vt), pf) = svd::frule(a.view());
        let (du, ds, dvt) = pf.pushforward(da.clone());
        let sc = s.mapv(|v| C::new(v, 0.0));
        let dsc = ds.mapv(|v| C::new(v, 0.0));
        let back = (&du * &sc).dot(&vt) + (&u * &dsc).dot(&vt) + (&u * &sc).dot(&dvt);
        let err = (back - &da).iter().fold(0.0f64, |e, z| e.max(z.norm()));
        assert!(err < 1e-12, "{m}×{n}: {err:e}");
    }
}

/// `x + xᵀ`: a symmetric matrix from any, so that the adjoint identity of the symmetric rules
/// is checked along symmetric directions.
fn sym(x: &Array2<f64>) -> Array2<f64> {
    x + &x.t()
}

/// A symmetric positive definite matrix with eigenvalues in `[1, 2]`-ish.
fn spd(n: usize, seed: u64) -> Array2<f64> {
    let x = random(n, n, seed);
    x.t().dot(&x) / n as f64 + Array2::<f64>::eye(n)
}

#[rrule]
fn eigh_of_sym(x: Array2<f64>) -> (Array1<f64>, Array2<f64>) {
    let ((w, v), pb) = eigh::rrule(sym(&x).view());
    (
        (w, v),
        move |dw: Array1<f64>, dv: Array2<f64>| -> Array2<f64> {
            #[pass_zero]
            let g = pb.pullback((dw, dv));
            sym(&g)
        },
    )
}

/// eigh in forward mode along `ẋ + ẋᵀ`, the eigenvectors' signs fixed (largest entry positive).
#[frule]
fn eigh_of_sym_forward(x: Array2<f64>) -> (Array1<f64>, Array2<f64>) {
    let ((w, v), pf) = eigh::frule(sym(&x).view());
    let d = column_signs(v.view());
    (
        (w, &v * &d),
        move |dx: Array2<f64>| -> (Array1<f64>, Array2<f64>) {
            let (dw, dv) = pf.pushforward(sym(&dx));
            (dw, &dv * &d)
        },
    )
}

#[rrule]
fn eigh_signed(x: Array2<f64>) -> (Array1<f64>, Array2<f64>) {
    let ((w, v), pb) = eigh::rrule(sym(&x).view());
    let d = column_signs(v.view());
    (
        (w, &v * &d),
        move |dw: Array1<f64>, dv: Array2<f64>| -> Array2<f64> {
            #[pass_zero]
            let g = pb.pullback((dw, &dv * &d));
            sym(&g)
        },
    )
}

#[test]
fn eigh_and_eigvalsh_pushforwards_match_finite_differences_and_their_pullbacks() {
    for n in [1, 3, 6] {
        let x = random(n, n, n as u64 + 40);
        check_frule(
            |(x,)| {
                let (w, v) = eigh(sym(x).view());
                let d = column_signs(v.view());
                (w, &v * &d)
            },
            |(x,)| eigh_of_sym_forward::frule(x.clone()),
            &(x.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(x,)| eigh_signed::rrule(x.clone()),
            |(x,)| eigh_of_sym_forward::frule(x.clone()),
            &(x.clone(),),
            &Config::default(),
        );
        // Directly: any direction is read through its lower triangle, as the function reads a.
        let a = sym(&x);
        check_frule(
            |(a,)| eigvalsh(a.view()),
            |(a,)| eigvalsh::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
    }
    // Beyond 64 columns `Vᵀ Ȧ V` is formed from its upper triangle: against the pullback.
    let x = random(70, 70, 47);
    check_adjoint(
        |(x,)| eigh_signed::rrule(x.clone()),
        |(x,)| eigh_of_sym_forward::frule(x.clone()),
        &(x,),
        &Config::default(),
    );
}

/// eigh in forward mode along `ẋ + ẋᵀ`, without a sign convention (for the adjoint identity,
/// which compares the two directions at one point).
#[frule]
fn eigh_of_sym_plain_forward(x: Array2<f64>) -> (Array1<f64>, Array2<f64>) {
    let ((w, v), pf) = eigh::frule(sym(&x).view());
    (
        (w, v),
        move |dx: Array2<f64>| -> (Array1<f64>, Array2<f64>) {
            let (dw, dv) = pf.pushforward(sym(&dx));
            (dw, dv)
        },
    )
}

#[test]
fn eigh_pushforward_is_finite_and_adjoint_at_repeated_eigenvalues() {
    // Q diag(1, 1, 1, 2, 2) Qᵀ: the gaps within each block are dropped in both directions.
    let mut rng = Rng::new(11);
    let q = rules_core::testing::orthonormal(&mut rng, 5, 5);
    let a = (&q * &Array1::from(vec![1.0, 1.0, 1.0, 2.0, 2.0])).dot(&q.t());
    check_adjoint(
        |(x,)| eigh_of_sym::rrule(x.clone()),
        |(x,)| eigh_of_sym_plain_forward::frule(x.clone()),
        &(&a / 2.0,),
        &Config::default(),
    );
    let (_, pf) = eigh::frule(a.view());
    let (dw, dv) = pf.pushforward(random(5, 5, 2));
    assert!(dw.iter().chain(&dv).all(|v| v.is_finite()));
}

#[rrule]
fn cholesky_of_sym(x: Array2<f64>) -> Array2<f64> {
    let (l, pb) = cholesky::rrule(sym(&x).view()).expect("positive definite");
    (l, move |dl: Array2<f64>| -> Array2<f64> {
        let g = pb.pullback(dl);
        sym(&g)
    })
}

#[frule]
fn cholesky_of_sym_forward(x: Array2<f64>) -> Array2<f64> {
    let (l, pf) = cholesky::frule(sym(&x).view()).expect("positive definite");
    (l, move |dx: Array2<f64>| -> Array2<f64> {
        let dl = pf.pushforward(sym(&dx));
        dl
    })
}

#[test]
fn cholesky_pushforward_matches_finite_differences_and_its_pullback() {
    // 70: faer's triangular products split into blocks there.
    for n in [1, 2, 5, 70] {
        let a = spd(n, n as u64);
        check_frule(
            |(a,)| cholesky(a.view()).expect("positive definite"),
            |(a,)| cholesky::frule(a.view()).expect("positive definite"),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(x,)| cholesky_of_sym::rrule(x.clone()),
            |(x,)| cholesky_of_sym_forward::frule(x.clone()),
            &(&a / 2.0,),
            &Config::default(),
        );
    }
}

#[test]
fn qr_and_pinv_pushforwards_match_finite_differences_and_their_pullbacks() {
    for (m, n) in SHAPES {
        // (A square random matrix can have a small r_nn, and then derivatives so large that
        // the finite differences' own error estimate is off: keep it conditioned.)
        let mut a = random(m, n, (m * 13 + n) as u64);
        if m == n {
            a += &(Array2::<f64>::eye(n) * 2.0);
        }
        check_frule(
            |(a,)| qr(a.view()),
            |(a,)| qr::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| qr::rrule(a.view()),
            |(a,)| qr::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_frule(
            |(a,)| pinv(a.view()),
            |(a,)| pinv::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| pinv::rrule(a.view()),
            |(a,)| pinv::frule(a.view()),
            &(a,),
            &Config::default(),
        );
    }
}

#[test]
fn qr_pushforward_beyond_64_columns_matches_finite_differences_and_its_pullback() {
    // The triangular products of the pushforward split into blocks there. A random tangent
    // moves all of the input at once, so the default step (1e-3 of the largest entry) bends
    // the path too much for entry-by-entry differences at this size: 1e-4.
    let config = Config {
        step: Some(1e-4),
        ..Config::default()
    };
    for (m, n) in [(70, 70), (150, 70), (66, 90)] {
        let mut a = random(m, n, (m * 13 + n) as u64);
        a.diag_mut().mapv_inplace(|v| v + 2.0);
        check_frule(
            |(a,)| qr(a.view()),
            |(a,)| qr::frule(a.view()),
            &(a.clone(),),
            &config,
        );
        check_adjoint(
            |(a,)| qr::rrule(a.view()),
            |(a,)| qr::frule(a.view()),
            &(a,),
            &Config::default(),
        );
    }
}

#[test]
fn pinv_pushforward_at_fixed_rank_is_the_pullbacks_adjoint() {
    // Rank 2 of 4: the derivative along rank-preserving paths, finite, and the adjoint of the
    // pullback (which drops the same 1/s terms).
    let mut rng = Rng::new(21);
    let a = with_singular_values(&mut rng, 6, 4, &[2.0, 1.0, 0.0, 0.0]);
    check_adjoint(
        |(a,)| pinv::rrule(a.view()),
        |(a,)| pinv::frule(a.view()),
        &(a,),
        &Config::default(),
    );
}

fn well_conditioned(n: usize, seed: u64) -> Array2<f64> {
    random(n, n, seed) + Array2::<f64>::eye(n) * 3.0
}

#[test]
fn lu_rules_pushforwards_match_finite_differences_and_their_pullbacks() {
    for n in [1, 3, 5] {
        let a = well_conditioned(n, n as u64 + 60);
        let b = random(n, 2, 61);
        check_frule(
            |(a, b)| solve(a.view(), b.view()).expect("nonsingular"),
            |(a, b)| solve::frule(a.view(), b.view()).expect("nonsingular"),
            &(a.clone(), b.clone()),
            &Config::default(),
        );
        check_adjoint(
            |(a, b)| solve::rrule(a.view(), b.view()).expect("nonsingular"),
            |(a, b)| solve::frule(a.view(), b.view()).expect("nonsingular"),
            &(a.clone(), b),
            &Config::default(),
        );
        check_frule(
            |(a,)| inv(a.view()).expect("nonsingular"),
            |(a,)| inv::frule(a.view()).expect("nonsingular"),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| inv::rrule(a.view()).expect("nonsingular"),
            |(a,)| inv::frule(a.view()).expect("nonsingular"),
            &(a.clone(),),
            &Config::default(),
        );
        check_frule(
            |(a,)| det(a.view()),
            |(a,)| det::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| det::rrule(a.view()),
            |(a,)| det::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_frule(
            |(a,)| slogdet(a.view()),
            |(a,)| slogdet::frule(a.view()),
            &(a.clone(),),
            &Config::default(),
        );
        check_adjoint(
            |(a,)| slogdet::rrule(a.view()),
            |(a,)| slogdet::frule(a.view()),
            &(a,),
            &Config::default(),
        );
    }
}

#[test]
fn f32_pushforwards_match_finite_differences() {
    let a = random(6, 3, 90).mapv(|v| v as f32);
    check_frule(
        |(a,)| svdvals(a.view()),
        |(a,)| svdvals::frule(a.view()),
        &(a.clone(),),
        &Config::default(),
    );
    check_frule(
        |(a,)| qr(a.view()),
        |(a,)| qr::frule(a.view()),
        &(a.clone(),),
        &Config::default(),
    );
    check_frule(
        |(a,)| pinv(a.view()),
        |(a,)| pinv::frule(a.view()),
        &(a,),
        &Config::default(),
    );
    let s = spd(4, 91).mapv(|v| v as f32);
    check_frule(
        |(a,)| eigvalsh(a.view()),
        |(a,)| eigvalsh::frule(a.view()),
        &(s.clone(),),
        &Config::default(),
    );
    check_frule(
        |(a,)| cholesky(a.view()).expect("positive definite"),
        |(a,)| cholesky::frule(a.view()).expect("positive definite"),
        &(s.clone(),),
        &Config::default(),
    );
    check_frule(
        |(a,)| slogdet(a.view()),
        |(a,)| slogdet::frule(a.view()),
        &(s,),
        &Config::default(),
    );
}

#[test]
fn a_tangent_of_the_wrong_shape_is_named() {
    let a = random(4, 3, 1);
    let (_, pf) = svd::frule(a.view());
    let msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pf.pushforward(random(3, 4, 2))
    }))
    .expect_err("a 3×4 tangent for a 4×3 input must panic");
    let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("svd") && msg.contains("dA"), "{msg}");
    let sq = well_conditioned(3, 4);
    let (_, pf) = solve::frule(sq.view(), random(3, 1, 5).view()).expect("nonsingular");
    let msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pf.pushforward((random(3, 3, 6), random(3, 2, 7)))
    }))
    .expect_err("a 3×2 db for a 3×1 b must panic");
    let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("solve") && msg.contains("db"), "{msg}");
}

#[test]
fn degenerate_pushforwards_match_finite_differences_of_invariant_quantities() {
    let mut rng = Rng::new(41);
    // A block of equal singular values: the sum over the block is differentiable, and the
    // pushforward's ṡ summed over it matches finite differences of svdvals.
    let a = with_singular_values(&mut rng, 7, 4, &[3.0, 1.0, 1.0, 0.5]);
    let da = random(7, 4, 42);
    let (_, pf) = svdvals::frule(a.view());
    let ds = pf.pushforward(da.clone());
    let block = |t: f64| {
        let s = svdvals((&a + &(&da * t)).view());
        s[1] + s[2]
    };
    let h = 1e-5;
    let fd = (block(h) - block(-h)) / (2.0 * h);
    assert!(
        (ds[1] + ds[2] - fd).abs() < 1e-7,
        "{} vs {fd}",
        ds[1] + ds[2]
    );
    // pinv at rank 2 of 4, along a rank-preserving path A (I + t B).
    let a = with_singular_values(&mut rng, 6, 4, &[2.0, 1.0, 0.0, 0.0]);
    let dir = a.dot(&random(4, 4, 43));
    let (_, pf) = pinv::frule(a.view());
    let dx = pf.pushforward(dir.clone());
    let fd = (pinv((&a + &(&dir * h)).view()) - pinv((&a - &(&dir * h)).view())) / (2.0 * h);
    assert!(
        max_abs(&(&dx - &fd)) < 1e-6 * max_abs(&fd).max(1.0),
        "{:e}",
        max_abs(&(dx - fd))
    );
    // Scaled far outside the safe range: d pinv(αA)[Ȧ] = α⁻² d pinv(A)[Ȧ].
    let b = random(5, 3, 44);
    let db = random(5, 3, 45);
    let (_, pf1) = pinv::frule(b.view());
    let (_, pfs) = pinv::frule((&b * 1e150).view());
    let (d1, ds) = (pf1.pushforward(db.clone()), pfs.pushforward(db));
    assert!(max_abs(&(ds * 1e300 - &d1)) < 1e-10 * max_abs(&d1));
}
