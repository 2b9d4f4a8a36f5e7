//! The SVD rule: against finite differences and closed forms, on every shape, with repeated and
//! zero singular values, in `f32` and `f64`, and on bad input.

use ndarray::{Array1, Array2, ArrayView2, array, s};
use rules_core::linalg::{svd, svdvals};
use rules_core::testing::{Config, check_rrule};
use rules_core::{Pullback, Zero, rrule};

/// A deterministic matrix with distinct singular values.
fn matrix(m: usize, n: usize, seed: u64) -> Array2<f64> {
    let mut rng = rules_core::testing::Rng::new(seed);
    Array2::from_shape_fn((m, n), |_| rng.uniform())
}

/// `Q₁ diag(s) Q₂ᵀ` with orthonormal `Q₁` (m×k) and `Q₂` (n×k), from the SVD of random matrices.
fn with_singular_values(m: usize, n: usize, s: &[f64]) -> Array2<f64> {
    let (q1, _, _) = svd(matrix(m, m, 11).view());
    let (q2, _, _) = svd(matrix(n, n, 12).view());
    let k = s.len();
    (&q1.slice(s![.., ..k]) * &Array1::from(s.to_vec())).dot(&q2.slice(s![.., ..k]).t())
}

/// Fourth-order central difference of `loss` at `a`, entry by entry.
fn fd_gradient(a: &Array2<f64>, loss: &dyn Fn(ArrayView2<'_, f64>) -> f64) -> Array2<f64> {
    let h = 1e-3 * a.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let mut g = Array2::zeros(a.raw_dim());
    for idx in 0..a.len() {
        let at = |t: f64| {
            let mut b = a.clone();
            let (i, j) = (idx / a.ncols(), idx % a.ncols());
            b[[i, j]] += t;
            loss(b.view())
        };
        let (i, j) = (idx / a.ncols(), idx % a.ncols());
        g[[i, j]] = (-at(2.0 * h) + 8.0 * at(h) - 8.0 * at(-h) + at(-2.0 * h)) / (12.0 * h);
    }
    g
}

fn assert_close(got: &Array2<f64>, want: &Array2<f64>, rtol: f64, what: &str) {
    let scale = want.iter().fold(1e-300f64, |m, v| m.max(v.abs()));
    let err = (got - want).iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(
        err <= rtol * scale,
        "{what}: max error {err:e} against scale {scale:e}\ngot  {got}\nwant {want}"
    );
}

const SHAPES: [(usize, usize); 6] = [(6, 3), (3, 6), (4, 4), (1, 5), (5, 1), (7, 2)];

/// The SVD with a sign convention (each column of `U` has its largest entry positive), so that
/// finite differences do not see a sign flip. Its pullback calls the SVD's pullback, and with
/// `#[pass_zero]` a `Zero` cotangent stays `Zero` on the way in: every pattern of this rule runs
/// the matching pattern of `svd`.
#[rrule]
pub fn svd_signed(a: Array2<f64>) -> (Array2<f64>, Array1<f64>, Array2<f64>) {
    let ((u, s, vt), pb) = svd::rrule(a.view());
    let d: Array1<f64> = u
        .columns()
        .into_iter()
        .map(|c| {
            if c.iter()
                .fold(0.0f64, |m, &v| if v.abs() > m.abs() { v } else { m })
                < 0.0
            {
                -1.0
            } else {
                1.0
            }
        })
        .collect();
    let dcol = d.clone().insert_axis(ndarray::Axis(1));
    (
        (&u * &d, s, &vt * &dcol),
        move |du: Array2<f64>, ds: Array1<f64>, dvt: Array2<f64>| -> Array2<f64> {
            #[pass_zero]
            let g = pb.pullback((&du * &d, ds, &dvt * &dcol));
            g
        },
    )
}

#[test]
fn the_kit_passes_svd_and_svdvals_on_every_shape() {
    // The defaults: each finite difference estimates its own error, so a correct SVD-based rule
    // passes without loosened tolerances.
    let config = Config::default();
    for (m, n) in SHAPES {
        let a = matrix(m, n, (m * 10 + n) as u64);
        let r = check_rrule(
            |(a,)| svd_signed(a.clone()),
            |(a,)| svd_signed::rrule(a.clone()),
            &(a.clone(),),
            &config,
        );
        assert_eq!(r.patterns, 8, "{m}×{n}");
        check_rrule(
            |(a,)| svdvals(a.view()),
            |(a,)| svdvals::rrule(a.view()),
            &(a,),
            &config,
        );
    }
}

#[test]
fn sign_invariant_losses_match_finite_differences() {
    for (m, n) in SHAPES {
        let a = matrix(m, n, 3 + (m * n) as u64);
        let k = m.min(n);
        let wu = matrix(m, k, 5);
        let ws = matrix(k, 1, 6).column(0).to_owned();
        let wv = matrix(k, n, 7);
        // L = Σ Wu∘U∘U + Σ ws·s + Σ Wv∘Vt∘Vt.
        let loss = |a: ArrayView2<'_, f64>| {
            let (u, s, vt) = svd(a);
            (&wu * &u * &u).sum() + ws.dot(&s) + (&wv * &vt * &vt).sum()
        };
        let ((u, _, vt), pb) = svd::rrule(a.view());
        let grad = pb.pullback((&wu * &u * 2.0, ws.clone(), &wv * &vt * 2.0));
        assert_close(
            &grad,
            &fd_gradient(&a, &loss),
            1e-6,
            &format!("{m}×{n} dense"),
        );
        // One cotangent at a time, through the specialised patterns.
        let only_u: Array2<f64> = pb.pullback((&wu * &u * 2.0, Zero, Zero));
        let fd_u = fd_gradient(&a, &|a| {
            let (u, _, _) = svd(a);
            (&wu * &u * &u).sum()
        });
        assert_close(&only_u, &fd_u, 1e-6, &format!("{m}×{n} U only"));
        let only_vt: Array2<f64> = pb.pullback((Zero, Zero, &wv * &vt * 2.0));
        let fd_vt = fd_gradient(&a, &|a| {
            let (_, _, vt) = svd(a);
            (&wv * &vt * &vt).sum()
        });
        assert_close(&only_vt, &fd_vt, 1e-6, &format!("{m}×{n} Vt only"));
    }
}

#[test]
fn gradient_of_the_nuclear_norm_is_u_vt() {
    for (m, n) in SHAPES {
        let a = matrix(m, n, 40 + m as u64);
        let (u, s, vt) = svd(a.view());
        let (_, pb) = svd::rrule(a.view());
        let grad: Array2<f64> = pb.pullback((Zero, Array1::ones(s.len()), Zero));
        assert_close(&grad, &u.dot(&vt), 1e-12, "closed form U·Vt");
        let (_, pbv) = svdvals::rrule(a.view());
        assert_close(
            &pbv.pullback(Array1::ones(s.len())),
            &grad,
            1e-12,
            "svdvals agrees with the svd pattern",
        );
    }
}

#[test]
fn f32_agrees_with_f64() {
    for (m, n) in SHAPES {
        let a = matrix(m, n, 77);
        let a32 = a.mapv(|v| v as f32);
        let ((u, s, vt), pb) = svd::rrule(a.view());
        let ((u32_, s32, vt32), pb32) = svd::rrule(a32.view());
        // Align the signs of the singular vectors before comparing cotangents that depend on them.
        let k = s.len();
        let signs: Array1<f64> = (0..k)
            .map(|j| {
                if u.column(j).dot(&u32_.column(j).mapv(f64::from)) < 0.0 {
                    -1.0
                } else {
                    1.0
                }
            })
            .collect();
        let du = matrix(m, k, 1);
        let dvt = matrix(k, n, 2);
        let ds = Array1::from_iter((0..k).map(|i| 0.3 + i as f64));
        let g = pb.pullback((
            &du * &signs,
            ds.clone(),
            &dvt * &signs.view().insert_axis(ndarray::Axis(1)),
        ));
        let g32 = pb32.pullback((
            du.mapv(|v| v as f32),
            ds.mapv(|v| v as f32),
            dvt.mapv(|v| v as f32),
        ));
        assert_close(
            &g32.mapv(f64::from),
            &g,
            2e-3,
            &format!("{m}×{n} f32 vs f64"),
        );
        assert!((s32.mapv(f64::from) - &s).iter().all(|e| e.abs() < 1e-5));
        let _ = (vt, vt32);
    }
}

/// A loss that depends on a degenerate block only through its subspace: Σ W∘(U_r U_rᵀ), with a gap
/// after the repeated pair.
#[test]
fn repeated_singular_values_subspace_loss_is_exact_and_finite() {
    let a = with_singular_values(6, 4, &[3.0, 3.0, 1.0, 0.5]);
    let w = matrix(6, 6, 9);
    let r = 2;
    let loss = |a: ArrayView2<'_, f64>| {
        let (u, _, _) = svd(a);
        let ur = u.slice(s![.., ..r]);
        (&w * &ur.dot(&ur.t())).sum()
    };
    let ((u, s, _), pb) = svd::rrule(a.view());
    assert!((s[0] - s[1]).abs() < 1e-12, "the top pair is repeated: {s}");
    let mut du = Array2::zeros(u.raw_dim());
    let ur = u.slice(s![.., ..r]);
    du.slice_mut(s![.., ..r]).assign(&(&w + &w.t()).dot(&ur));
    let grad: Array2<f64> = pb.pullback((du, Zero, Zero));
    assert!(grad.iter().all(|v| v.is_finite()));
    assert_close(
        &grad,
        &fd_gradient(&a, &loss),
        1e-6,
        "projector loss with a repeated pair",
    );
}

/// The textbook pullback divides by s_j² − s_i² and is NaN/∞ on the same input.
#[test]
fn identity_and_rank_deficient_inputs_stay_finite() {
    let eye = Array2::<f64>::eye(4);
    let ((u, _, vt), pb) = svd::rrule(eye.view());
    let g = pb.pullback((matrix(4, 4, 1), array![1.0, 2.0, 3.0, 4.0], matrix(4, 4, 2)));
    assert!(g.iter().all(|v| v.is_finite()), "{g}");
    // Σ s at I: the nuclear norm, whose gradient there is I.
    let g: Array2<f64> = pb.pullback((Zero, Array1::ones(4), Zero));
    assert_close(&g, &u.dot(&vt), 1e-12, "U·Vt");
    assert_close(&g, &eye, 1e-12, "identity");

    // Rank 2 of 4: two zero singular values. The projector onto the top-2 subspace is smooth there.
    let a = with_singular_values(5, 4, &[2.0, 1.0]);
    let ((u, s, _), pb) = svd::rrule(a.view());
    assert!(s[2].abs() < 1e-12 && s[3].abs() < 1e-12, "{s}");
    let g = pb.pullback((matrix(5, 4, 3), array![1.0, 1.0, 1.0, 1.0], matrix(4, 4, 4)));
    assert!(g.iter().all(|v| v.is_finite()), "{g}");
    let w = matrix(5, 5, 8);
    let loss = |a: ArrayView2<'_, f64>| {
        let (u, _, _) = svd(a);
        let ur = u.slice(s![.., ..2]);
        (&w * &ur.dot(&ur.t())).sum()
    };
    let mut du = Array2::zeros(u.raw_dim());
    let ur = u.slice(s![.., ..2]);
    du.slice_mut(s![.., ..2]).assign(&(&w + &w.t()).dot(&ur));
    let grad: Array2<f64> = pb.pullback((du, Zero, Zero));
    assert_close(
        &grad,
        &fd_gradient(&a, &loss),
        1e-6,
        "projector loss at rank 2",
    );
}

#[test]
#[should_panic(expected = "svd: the cotangent dU has shape [4, 2], expected [3, 2]")]
fn a_cotangent_of_the_wrong_shape_is_named() {
    let a = matrix(3, 2, 1);
    let (_, pb) = svd::rrule(a.view());
    let _ = pb.pullback((
        Array2::zeros((4, 2)),
        Array1::zeros(2),
        Array2::zeros((2, 2)),
    ));
}

#[test]
#[should_panic(expected = "svd: the cotangent dS has shape [3], expected [2]")]
fn a_singular_value_cotangent_of_the_wrong_length_is_named() {
    let (_, pb) = svd::rrule(matrix(3, 2, 1).view());
    let _: Array2<f64> = pb.pullback((Zero, Array1::zeros(3), Zero));
}

#[test]
#[should_panic(expected = "svd: the input must be finite, but a[[0, 1]] = inf")]
fn infinite_input_is_reported() {
    let _ = svd(array![[1.0, f64::INFINITY], [0.0, 1.0]].view());
}

#[test]
#[should_panic(expected = "svdvals: the input must be finite, but a[[1, 1]] = NaN")]
fn nan_input_is_reported_by_svdvals() {
    let _ = svdvals(array![[1.0, 0.0], [0.0, f64::NAN]].view());
}

#[test]
fn empty_matrices_have_empty_factors_and_zero_gradients() {
    for (m, n) in [(0, 3), (3, 0), (0, 0)] {
        let a = Array2::<f64>::zeros((m, n));
        let ((u, s, vt), pb) = svd::rrule(a.view());
        assert_eq!((u.dim(), s.len(), vt.dim()), ((m, 0), 0, (0, n)));
        let g = pb.pullback((u.into_owned(), s, vt.into_owned()));
        assert_eq!(g.dim(), (m, n));
        assert_eq!(svdvals(a.view()).len(), 0);
    }
}

#[test]
fn transposed_and_reversed_views_work() {
    let a = matrix(5, 3, 21);
    let at = a.t();
    let rev = a.slice(s![..;-1, ..]);
    for v in [at, rev] {
        let (u, s, vt) = svd(v);
        assert_close(&(&u * &s).dot(&vt), &v.to_owned(), 1e-12, "reconstruction");
        let (_, pb) = svd::rrule(v);
        let g: Array2<f64> = pb.pullback((Zero, Array1::ones(s.len()), Zero));
        assert_close(&g, &u.dot(&vt), 1e-12, "nuclear norm gradient on a view");
    }
}

/// The pullback of a tall or wide input streams its thin products in row blocks shared among
/// rayon's threads (through the hand-vectorised kernels for row-major and column-major
/// operands, and faer's product for mixed ones): the blocks and the order of their sums depend
/// on the shape alone, so one thread gives the same bits as the whole pool. The result is also
/// checked against the plain products of the dense formula.
#[test]
fn tall_and_wide_pullbacks_give_the_same_bits_on_one_thread_and_agree_with_plain_products() {
    use ndarray::ShapeBuilder;
    for (m, n) in [(20_000, 10), (10_000, 16), (10, 20_000), (30_000, 3)] {
        for (f_order, du_f) in [(false, false), (true, true), (false, true), (true, false)] {
            let mut a = Array2::<f64>::zeros((m, n).set_f(f_order));
            a.assign(&matrix(m, n, 5));
            let k = m.min(n);
            let ((u, s, vt), pb) = svd::rrule(a.view());
            // Cotangents in either memory order: the kernels, and faer where the layouts mix.
            let mut du = Array2::<f64>::zeros((m, k).set_f(du_f));
            du.assign(&matrix(m, k, 6));
            let dvt = matrix(k, n, 7);
            let ds = Array1::from_shape_fn(k, |i| 1.0 / (1.0 + i as f64));
            let cts = || (du.clone(), ds.clone(), dvt.clone());
            let pooled: Array2<f64> = pb.pullback(cts());
            let single: Array2<f64> = rules_tests::one_thread(|| pb.pullback(cts()));
            assert_eq!(
                pooled, single,
                "{m}×{n}, F = {f_order}, {du_f}: bits differ"
            );
            let tall: Array2<f64> = pb.pullback((du.clone(), Zero, Zero));
            assert_eq!(
                tall,
                rules_tests::one_thread(|| pb.pullback((du.clone(), Zero, Zero))),
                "{m}×{n}, F = {f_order}, {du_f}: (dU, Zero, Zero) bits differ"
            );
            // Ā = U (C + diag s̄) Vᵀ + (I − UUᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I − VVᵀ), with C from
            // plain products (DESIGN §5), projection-first.
            let (p, q) = (u.t().dot(&du), vt.dot(&dvt.t()));
            let f = |i: usize, j: usize| {
                if i == j {
                    0.0
                } else {
                    1.0 / (s[j] * s[j] - s[i] * s[i])
                }
            };
            let mut core = Array2::from_shape_fn((k, k), |(i, j)| {
                f(i, j) * ((p[[i, j]] - p[[j, i]]) * s[j] + s[i] * (q[[i, j]] - q[[j, i]]))
            });
            core.diag_mut().assign(&ds);
            let mut want = u.dot(&core).dot(&vt);
            if m > k {
                let proj = &du - &u.dot(&p);
                want += &(&proj / &s).dot(&vt);
            }
            if n > k {
                let proj = &dvt - &q.t().dot(&vt);
                want += &u.dot(&(&proj / &s.view().insert_axis(ndarray::Axis(1))));
            }
            let scale = want.iter().fold(0.0f64, |e, v| e.max(v.abs()));
            let err = (&pooled - &want).iter().fold(0.0f64, |e, v| e.max(v.abs()));
            assert!(
                err <= 1e-9 * scale,
                "{m}×{n}, F = {f_order}, {du_f}: error {err:e} of {scale:e}"
            );
        }
    }
}

/// `pullback_once` with the rule's value dropped writes the gradient into `U`'s or `Vᵀ`'s buffer
/// where no cotangent has the output's shape; in every pattern and shape (k up to 20, past the
/// small kernels' 16) it equals `pullback` up to rounding, and so does `svdvals`'.
#[test]
fn pullback_once_equals_pullback_in_every_pattern_and_shape() {
    use rules_core::PullbackOnce;
    for &(m, n) in &[(40, 6), (6, 40), (7, 7), (90, 20), (20, 90), (3, 1), (1, 3)] {
        let a = matrix(m, n, (m * 31 + n) as u64);
        let k = m.min(n);
        let du = matrix(m, k, 5);
        let ds: Array1<f64> = (0..k).map(|i| 1.0 + i as f64).collect();
        let dvt = matrix(k, n, 6);
        let close = |x: &Array2<f64>, y: &Array2<f64>, what: &str| {
            let scale = y.iter().fold(1.0f64, |s, v| s.max(v.abs()));
            let err = (x - y).iter().fold(0.0f64, |e, v| e.max(v.abs()));
            assert!(err <= 1e-12 * scale, "{m}×{n} {what}: {err:e}");
        };
        // Each pattern: the reference with the value held, then the last run with it dropped.
        macro_rules! both {
            ($what:expr, $c:expr) => {{
                let (_, pb) = svd::rrule(a.view());
                let want: Array2<f64> = pb.pullback($c);
                let (value, pb) = svd::rrule(a.view());
                drop(value);
                let got: Array2<f64> = pb.pullback_once($c);
                close(&got, &want, $what);
            }};
        }
        both!("dense", (du.clone(), ds.clone(), dvt.clone()));
        both!("(dU, Zero, Zero)", (du.clone(), Zero, Zero));
        both!("(Zero, dS, Zero)", (Zero, ds.clone(), Zero));
        both!("(Zero, Zero, dVt)", (Zero, Zero, dvt.clone()));
        both!("(dU, dS, Zero)", (du.clone(), ds.clone(), Zero));
        both!("(Zero, dS, dVt)", (Zero, ds.clone(), dvt.clone()));
        let (_, pb) = svdvals::rrule(a.view());
        let want = pb.pullback(ds.clone());
        let got = pb.pullback_once(ds.clone());
        close(&got, &want, "svdvals");
        // `U·diag(s̄)·Vᵀ` against plain products.
        let (u, _, vt) = svd(a.view());
        close(&got, &(&u * &ds).dot(&vt), "svdvals against U·diag(s̄)·Vᵀ");
    }
}

/// Through the tape, which runs the SVD's pullback once (with `Vᵀ`'s `Var` dropped), the
/// gradient of Σ U of a wide input equals `pullback`'s. That it lands in `Vᵀ`'s buffer is
/// checked by its allocations, in `tape_alloc.rs`.
#[test]
fn the_tape_runs_the_svd_pullback_once() {
    use rules_core::tape::{Var, value_and_grad};
    let a = matrix(5, 60, 3);
    let (_, pb) = svd::rrule(a.view());
    let (u, _, _) = svd(a.view());
    let want: Array2<f64> = pb.pullback((Array2::ones(u.raw_dim()), Zero, Zero));
    let (_, got) = value_and_grad(
        |t, a: Var<'_, Array2<f64>>| {
            let (u, _s, _vt) = svd::on(t, &a);
            u.sum()
        },
        a.clone(),
    );
    let err = (&got - &want).iter().fold(0.0f64, |e, v| e.max(v.abs()));
    assert!(err < 1e-12, "{err:e}");
}
