//! `svd` and `svdvals` on complex matrices: the factorisation against an independent real
//! computation, the pullback against finite differences through phase-invariant losses and
//! against the identity `U S Vᴴ = A`, and the panic for a loss that depends on the singular
//! vectors' phases.

use ndarray::{Array1, Array2, s};
use num_complex::Complex;
use rules_core::linalg::{svd, svdvals};
use rules_core::testing::{Config, Rng, check_rrule};
use rules_core::{NoTangent, Pullback, Zero, rrule};

type C = Complex<f64>;

fn random(m: usize, n: usize, seed: u64) -> Array2<C> {
    let mut rng = Rng::new(seed);
    Array2::from_shape_fn((m, n), |_| C::new(rng.uniform(), rng.uniform()))
}

fn max_abs(x: &Array2<C>) -> f64 {
    x.iter().fold(0.0f64, |m, v| m.max(v.norm()))
}

fn adjoint(x: &Array2<C>) -> Array2<C> {
    x.t().mapv(|v| v.conj())
}

const SHAPES: [(usize, usize); 5] = [(6, 3), (3, 6), (4, 4), (30, 4), (4, 30)];

#[test]
fn factorises_and_agrees_with_the_real_embedding() {
    for (m, n) in SHAPES {
        let a = random(m, n, (m * 7 + n) as u64);
        let (u, s, vt) = svd(a.view());
        let k = m.min(n);
        let us = &u * &s.mapv(|v| C::new(v, 0.0));
        assert!(max_abs(&(us.dot(&vt) - &a)) < 1e-13, "{m}×{n}: U S Vᴴ − A");
        assert!(max_abs(&(adjoint(&u.to_owned()).dot(&u) - Array2::<C>::eye(k))) < 1e-13);
        assert!(max_abs(&(vt.dot(&adjoint(&vt.to_owned())) - Array2::<C>::eye(k))) < 1e-13);
        // The singular values of A are those of the real matrix [[Re A, −Im A], [Im A, Re A]],
        // each twice: computed by the real path, independently of the complex one.
        let (re, im) = (a.mapv(|v| v.re), a.mapv(|v| v.im));
        let mut big = Array2::<f64>::zeros((2 * m, 2 * n));
        big.slice_mut(s![..m, ..n]).assign(&re);
        big.slice_mut(s![..m, n..]).assign(&(-&im));
        big.slice_mut(s![m.., ..n]).assign(&im);
        big.slice_mut(s![m.., n..]).assign(&re);
        let twice = svdvals(big.view());
        for i in 0..k {
            assert!((twice[2 * i] - s[i]).abs() < 1e-13 && (twice[2 * i + 1] - s[i]).abs() < 1e-13);
        }
        let values: Array1<f64> = svdvals(a.view());
        assert!((&values - &s).iter().all(|e| e.abs() < 1e-13));
    }
    // f32 too.
    let a = random(5, 3, 9).mapv(|v| Complex::new(v.re as f32, v.im as f32));
    let (u, s, vt) = svd(a.view());
    let us = &u * &s.mapv(|v| Complex::new(v, 0.0f32));
    let err = (us.dot(&vt) - &a)
        .iter()
        .fold(0.0f32, |m, v| m.max(v.norm()));
    assert!(err < 1e-5, "{err}");
}

/// `U S Vᴴ = A`, so feeding the SVD's pullback the cotangents of that reconstruction
/// (`Ū = X̄ V S`, `s̄_i = Re (Uᴴ X̄ V)_ii`, `V̄ᴴ = S Uᴴ X̄`) must give `Ā = X̄` exactly: a closed form
/// that exercises every term of the complex pullback, the imaginary diagonal included.
#[test]
fn the_reconstruction_pulls_back_to_the_identity() {
    for (m, n) in SHAPES {
        let a = random(m, n, (m * 3 + n) as u64);
        let ((u, s, vt), pb) = svd::rrule(a.view());
        let xbar = random(m, n, 99);
        let sc = s.mapv(|v| C::new(v, 0.0));
        let v = adjoint(&vt.to_owned());
        let du = xbar.dot(&v) * &sc;
        let w = adjoint(&u.to_owned()).dot(&xbar).dot(&v);
        let ds: Array1<f64> = w.diag().mapv(|z| z.re);
        let dvt = &adjoint(&u.to_owned()).dot(&xbar) * &sc.view().insert_axis(ndarray::Axis(1));
        let g = pb.pullback((du, ds, dvt));
        assert!(max_abs(&(g - &xbar)) < 1e-12, "{m}×{n}");
    }
}

/// Phase-invariant outputs: `|U|²` and `|Vᴴ|²` entry by entry, and `S`. The wrapper's pullback
/// turns their (real) cotangents into `Ū = 2 U∘W̄` and `V̄ᴴ = 2 Vᴴ∘Z̄` and runs the SVD's.
#[rrule]
fn moduli(a: Array2<C>) -> (Array2<f64>, Array1<f64>, Array2<f64>) {
    let ((u, s, vt), pb) = svd::rrule(a.view());
    let (u, vt) = (u.to_owned(), vt.to_owned());
    (
        (u.mapv(|z| z.norm_sqr()), s, vt.mapv(|z| z.norm_sqr())),
        move |dw: Array2<f64>, ds: Array1<f64>, dz: Array2<f64>| -> Array2<C> {
            let du = twice_times(&u, dw);
            let dvt = twice_times(&vt, dz);
            #[pass_zero]
            let g = pb.pullback((du, ds, dvt));
            g
        },
    )
}

/// `2 X∘W`, the cotangent of `X` for the output `|X|²` with cotangent `W`.
fn twice_times(x: &Array2<C>, w: Array2<f64>) -> Array2<C> {
    x * &w.mapv(|v| C::new(2.0 * v, 0.0))
}

/// The polar factor `U Vᴴ`: phase-invariant, and its cotangents `Ū = W̄ V`, `V̄ᴴ = Uᴴ W̄` have
/// `Im (UᴴŪ)_ii ≠ 0`, so finite differences check the complex pullback's imaginary diagonal.
#[rrule]
fn polar(a: Array2<C>) -> Array2<C> {
    let ((u, _, vt), pb) = svd::rrule(a.view());
    let (u, vt) = (u.to_owned(), vt.to_owned());
    (u.dot(&vt), move |dw: Array2<C>| -> Array2<C> {
        let du = dw.dot(&adjoint(&vt));
        let dvt = adjoint(&u).dot(&dw);
        #[pass_zero]
        let g = pb.pullback((du, Zero, dvt));
        g
    })
}

#[test]
fn phase_invariant_losses_match_finite_differences() {
    for (m, n) in [(5, 3), (3, 5), (4, 4)] {
        check_rrule(
            |(a,)| polar(a.clone()),
            |(a,)| polar::rrule(a.clone()),
            &(random(m, n, (m + 7 * n) as u64),),
            &Config::default(),
        );
    }
    for (m, n) in [(5, 3), (3, 5), (4, 4)] {
        check_rrule(
            |(a,)| moduli(a.clone()),
            |(a,)| moduli::rrule(a.clone()),
            &(random(m, n, (m + 13 * n) as u64),),
            &Config::default(),
        );
        check_rrule(
            |(a,)| svdvals(a.view()),
            |(a,)| svdvals::rrule(a.view()),
            &(random(m, n, (m + 17 * n) as u64),),
            &Config::default(),
        );
    }
    let _ = NoTangent;
}

#[test]
fn f32_singular_values_match_finite_differences() {
    let a = random(4, 3, 21).mapv(|v| Complex::new(v.re as f32, v.im as f32));
    check_rrule(
        |(a,)| svdvals(a.view()),
        |(a,)| svdvals::rrule(a.view()),
        &(a,),
        &Config::default(),
    );
}

#[test]
#[should_panic(expected = "svd: the loss depends on the phases of the singular vectors")]
fn a_phase_dependent_loss_is_refused() {
    let a = random(5, 3, 4);
    let (_, pb) = svd::rrule(a.view());
    // Re Σ U: changes when a column of U (and of V) is multiplied by e^(iφ).
    let du = Array2::from_elem((5, 3), C::new(1.0, 0.0));
    let _ = pb.pullback((du, Zero, Zero));
}

#[test]
fn empty_and_non_finite_complex_inputs() {
    for (m, n) in [(0, 3), (3, 0), (0, 0)] {
        let a = Array2::<C>::zeros((m, n));
        let ((u, s, vt), pb) = svd::rrule(a.view());
        assert_eq!((u.dim(), s.len(), vt.dim()), ((m, 0), 0, (0, n)));
        let g = pb.pullback((u.to_owned(), s, vt.to_owned()));
        assert_eq!(g.dim(), (m, n));
    }
    let mut a = random(3, 2, 1);
    a[[1, 1]] = C::new(0.0, f64::NAN);
    let err = std::panic::catch_unwind(|| svdvals(a.view())).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        msg.starts_with("svdvals: the input must be finite, but a[[1, 1]]"),
        "{msg}"
    );
}

#[test]
fn phase_invariant_gradients_at_extreme_scales() {
    // |U|² does not change with the scale s of A, so its gradient scales as 1/s: compare
    // s·Ā(sA) with Ā(A), where the input is outside the safe range and 1/s is representable.
    let a = random(5, 3, 77);
    let (w0, pb0) = moduli::rrule(a.clone());
    let dw = Array2::from_shape_fn(w0.0.dim(), |(i, j)| (i as f64 - j as f64) * 0.25);
    let g0: Array2<C> = pb0.pullback((dw.clone(), Zero, Zero));
    for e in [-990, -600, 600, 990] {
        let s = 2f64.powi(e);
        let (_, pb) = moduli::rrule(a.mapv(|z| z * s));
        let g: Array2<C> = pb.pullback((dw.clone(), Zero, Zero));
        assert!(
            g.iter().all(|z| z.re.is_finite() && z.im.is_finite()),
            "2^{e}: not finite"
        );
        let err = max_abs(&(g.mapv(|z| z * s) - &g0)) / max_abs(&g0);
        assert!(err < 1e-9, "2^{e}: off by {err:e}");
    }
}
