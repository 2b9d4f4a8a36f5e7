//! `#[rrule(derive)]`: derived pullbacks against closed forms, finite differences (the kit) and
//! the same rules chained by hand; probes that count which callee terms run, proving that a
//! callee gets `Zero` for an output nothing reads and `Skip` for an input nothing needs.

use std::cell::Cell;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rules_core::testing::{Config, Constant, check_rrule};
use rules_core::{Need, NoTangent, Pullback, PullbackFor, Scalar, Skip, Zero, linalg, ops, rrule};
use rules_tests::random;

/// The largest absolute entry, of any dimension and float.
fn max_abs<T: Scalar, D: ndarray::Dimension>(a: &ndarray::Array<T, D>) -> T {
    a.iter().fold(T::zero(), |m, v| m.max(v.abs()))
}

/// `x·y + x`, from the scalar rules.
#[rrule(derive)]
fn scalar_poly(x: f64, y: f64) -> f64 {
    let a = x * y;
    a + x - y / 2.0
}

#[test]
fn scalar_arithmetic_is_derived() {
    let (v, pb) = scalar_poly::rrule(3.0, 4.0);
    assert_eq!(v, 13.0);
    assert_eq!(scalar_poly(3.0, 4.0), 13.0);
    // d/dx = y + 1, d/dy = x − 1/2.
    assert_eq!(pb.pullback(1.0), (5.0, 2.5));
    assert_eq!(pb.pullback(Zero), (Zero, Zero));
    assert_eq!(pb.pullback_for((Skip, Need), 2.0), (Skip, 5.0));
}

/// The tape issue's network as one derived rule: X → tanh(X W₁ + b₁) → · W₂ + b₂, mse against Y,
/// plus 0.1·Σ svdvals(W₁).
#[rrule(derive)]
fn mlp(
    #[no_grad] x: ArrayView2<f64>,
    #[no_grad] y: ArrayView2<f64>,
    w1: ArrayView2<f64>,
    b1: ArrayView1<f64>,
    w2: ArrayView2<f64>,
    b2: ArrayView1<f64>,
) -> f64 {
    let h = ops::tanh(ops::add(ops::matmul(x, w1).view(), b1).view());
    let out = ops::add(ops::matmul(h.view(), w2).view(), b2);
    let fit = ops::mse(out.view(), y);
    fit + 0.1 * linalg::svdvals(w1).sum()
}

/// The mlp's parameters, or their gradients.
type Params = (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>);

/// The same rules chained by hand, as `perf_report` does.
fn mlp_hand(
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    (w1, b1, w2, b2): (
        ArrayView2<'_, f64>,
        ArrayView1<'_, f64>,
        ArrayView2<'_, f64>,
        ArrayView1<'_, f64>,
    ),
) -> (f64, Params) {
    let (z, pb_mm1) = ops::matmul::rrule(x, w1);
    let (a, pb_add1) = ops::add::rrule(z.view(), b1);
    let (h, pb_tanh) = ops::tanh::rrule(a.view());
    let (o, pb_mm2) = ops::matmul::rrule(h.view(), w2);
    let (out, pb_add2) = ops::add::rrule(o.view(), b2);
    let (fit, pb_mse) = ops::mse::rrule(out.view(), y);
    let (s, pb_s) = linalg::svdvals::rrule(w1);
    let loss = fit + 0.1 * s.sum();
    let (dout, _) = pb_mse.pullback_for((Need, Skip), 1.0);
    let (do_, db2) = pb_add2.pullback(dout);
    let (dh, dw2) = pb_mm2.pullback(do_);
    let da = pb_tanh.pullback(dh);
    let (dz, db1) = pb_add1.pullback(da);
    let (_, dw1) = pb_mm1.pullback_for((Skip, Need), dz);
    let dw1 = dw1 + pb_s.pullback(Array1::from_elem(s.len(), 0.1));
    (loss, (dw1, db1, dw2, db2))
}

fn mlp_data() -> (Array2<f64>, Array2<f64>, Params) {
    let x = random(16, 6, 1);
    let y = random(16, 3, 2);
    let w1 = random(6, 5, 3) / 3.0;
    let b1 = random(1, 5, 4).remove_axis(Axis(0));
    let w2 = random(5, 3, 5) / 3.0;
    let b2 = random(1, 3, 6).remove_axis(Axis(0));
    (x, y, (w1, b1, w2, b2))
}

#[test]
fn the_derived_network_equals_the_hand_chained_one() {
    let (x, y, (w1, b1, w2, b2)) = mlp_data();
    let (v, pb) = mlp::rrule(
        x.view(),
        y.view(),
        w1.view(),
        b1.view(),
        w2.view(),
        b2.view(),
    );
    let (dx, dy, dw1, db1, dw2, db2) = pb.pullback(1.0);
    let _: (NoTangent, NoTangent) = (dx, dy);
    let (v_h, (dw1_h, db1_h, dw2_h, db2_h)) = mlp_hand(
        x.view(),
        y.view(),
        (w1.view(), b1.view(), w2.view(), b2.view()),
    );
    assert!((v - v_h).abs() <= 1e-14 * v_h.abs(), "{v} vs {v_h}");
    assert!(max_abs(&(&dw1 - &dw1_h)) <= 1e-13 * max_abs(&dw1_h));
    assert!(max_abs(&(&db1 - &db1_h)) <= 1e-13 * max_abs(&db1_h));
    assert!(max_abs(&(&dw2 - &dw2_h)) <= 1e-13 * max_abs(&dw2_h));
    assert!(max_abs(&(&db2 - &db2_h)) <= 1e-13 * max_abs(&db2_h));
    // The primal is the same computation.
    let p = mlp(
        x.view(),
        y.view(),
        w1.view(),
        b1.view(),
        w2.view(),
        b2.view(),
    );
    assert_eq!(p, v);
}

#[test]
fn the_derived_network_passes_the_kit() {
    let (x, y, (w1, b1, w2, b2)) = mlp_data();
    let inputs = (Constant(x), Constant(y), w1, b1, w2, b2);
    check_rrule(
        |(x, y, w1, b1, w2, b2)| {
            mlp(
                x.0.view(),
                y.0.view(),
                w1.view(),
                b1.view(),
                w2.view(),
                b2.view(),
            )
        },
        |(x, y, w1, b1, w2, b2)| {
            mlp::rrule(
                x.0.view(),
                y.0.view(),
                w1.view(),
                b1.view(),
                w2.view(),
                b2.view(),
            )
        },
        &inputs,
        &Config::default(),
    );
}

/// `Σ svdvals(W) + ‖X W − Y‖²`, the loss of the expansion snapshot (`tests/expand/derive`).
#[rrule(derive)]
fn svd_fit(w: ArrayView2<f64>, x: ArrayView2<f64>, y: ArrayView2<f64>) -> f64 {
    let (_, s, _) = linalg::svd(w);
    let r = ops::sub(ops::matmul(x, w).view(), y);
    s.sum() + ops::sum_sq(r.view())
}

#[test]
fn a_loss_of_the_singular_values_and_a_fit_is_derived() {
    let (w, x, y) = (random(4, 3, 7), random(6, 4, 8), random(6, 3, 9));
    check_rrule(
        |(w, x, y)| svd_fit(w.view(), x.view(), y.view()),
        |(w, x, y)| svd_fit::rrule(w.view(), x.view(), y.view()),
        &(w.clone(), x.clone(), y.clone()),
        &Config::default(),
    );
    // Only W's cotangent: the same as the dense pullback's.
    let (_, pb) = svd_fit::rrule(w.view(), x.view(), y.view());
    let (dw, dx, dy) = pb.pullback_for((Need, Skip, Skip), 1.0);
    assert_eq!((dx, dy), (Skip, Skip));
    let (dw_dense, _, _) = pb.pullback(1.0);
    assert_eq!(dw, dw_dense);
    // Closed form: d Σσ / dW = U Vᵀ, d‖XW − Y‖² / dW = 2 Xᵀ (XW − Y).
    let (u, _, vt) = linalg::svd(w.view());
    let expect = u.dot(&vt) + 2.0 * x.t().dot(&(x.dot(&w) - &y));
    assert!(max_abs(&(&dw - &expect)) <= 1e-12 * max_abs(&expect));
}

thread_local! {
    /// Terms run by the probes, by name.
    static RAN: Cell<[usize; 4]> = const { Cell::new([0; 4]) };
}

/// Counts one run of term `i` and returns `v`.
fn term<T>(i: usize, v: T) -> T {
    RAN.with(|r| {
        let mut c = r.get();
        c[i] += 1;
        r.set(c);
    });
    v
}

fn ran() -> [usize; 4] {
    RAN.with(|r| r.replace([0; 4]))
}

/// A probe with two outputs, each cotangent feeding its own counted term: `(x², 3x)`.
#[rrule]
fn two_outputs(x: f64) -> (f64, f64) {
    ((x * x, 3.0 * x), move |du: f64, dv: f64| -> f64 {
        let a = term(0, 2.0 * x * du);
        let b = term(1, 3.0 * dv);
        a + b
    })
}

/// A probe with two inputs, each cotangent a counted term: `a·b`.
#[rrule]
fn two_inputs(a: f64, b: f64) -> f64 {
    (a * b, move |dy: f64| -> (f64, f64) {
        let da = term(2, dy * b);
        let db = term(3, dy * a);
        (da, db)
    })
}

/// Reads only the second output of `two_outputs`.
#[rrule(derive)]
fn second_only(x: f64) -> f64 {
    let (_, v) = two_outputs(x);
    v * 2.0
}

/// `two_inputs(x, y) + x`.
#[rrule(derive)]
fn product_plus(x: f64, y: f64) -> f64 {
    let p = two_inputs(x, y);
    p + x
}

#[test]
fn a_callee_output_nothing_reads_gets_zero_and_its_terms_do_not_run() {
    ran();
    let (_, pb) = second_only::rrule(1.5);
    assert_eq!(pb.pullback(1.0), 6.0);
    // `du` was `Zero`: the `2x·du` term never ran.
    assert_eq!(ran(), [0, 1, 0, 0]);
    // A zero cotangent runs nothing at all.
    assert_eq!(pb.pullback(Zero), Zero);
    assert_eq!(ran(), [0, 0, 0, 0]);
}

#[test]
fn a_skipped_input_asks_its_callees_for_skip() {
    ran();
    let (_, pb) = product_plus::rrule(2.0, 5.0);
    assert_eq!(pb.pullback(1.0), (6.0, 2.0));
    assert_eq!(ran(), [0, 0, 1, 1]);
    // Only x: `two_inputs` is asked for `(Need, Skip)`, so `dy·a` never runs.
    assert_eq!(pb.pullback_for((Need, Skip), 1.0), (6.0, Skip));
    assert_eq!(ran(), [0, 0, 1, 0]);
    // Only y: `dy·b` never runs.
    assert_eq!(pb.pullback_for((Skip, Need), 1.0), (Skip, 2.0));
    assert_eq!(ran(), [0, 0, 0, 1]);
}

/// A loss of the singular values alone, through the full SVD.
#[rrule(derive)]
fn nuclear(w: ArrayView2<f64>) -> f64 {
    let (_, s, _) = linalg::svd(w);
    s.sum()
}

#[test]
fn a_loss_of_the_singular_values_runs_the_svdvals_pattern() {
    let w = random(7, 4, 10);
    let (v, pb) = nuclear::rrule(w.view());
    let dw = pb.pullback(1.0);
    // The SVD's `(Zero, s̄, Zero)` body is `U·diag(s̄)·Vᵀ`, the svdvals pullback exactly.
    let (s, pb_s) = linalg::svdvals::rrule(w.view());
    assert!((v - s.sum()).abs() <= 1e-14 * v);
    let expect = pb_s.pullback(Array1::ones(s.len()));
    assert!(max_abs(&(&dw - &expect)) <= 1e-14 * max_abs(&expect));
}

/// Generic over the scalar.
#[rrule(derive)]
fn generic_loss<T: Scalar>(a: ArrayView1<T>, k: T) -> T {
    let s = ops::scale(a, k);
    ops::sum_sq(s.view()) * k
}

#[test]
fn derived_rules_are_generic_over_the_scalar() {
    let a = ndarray::array![1.0f32, -2.0, 0.5];
    let (v, pb) = generic_loss::rrule(a.view(), 2.0f32);
    // v = k³ Σa²; dv/da = 2k³a, dv/dk = 3k² Σa².
    assert!((v - 8.0 * 5.25).abs() < 1e-4);
    let (da, dk) = pb.pullback(1.0f32);
    assert!(max_abs(&(&da - &(&a * 16.0))) < 1e-4f32);
    assert!((dk - 12.0 * 5.25).abs() < 1e-3);
    let a = ndarray::array![1.0f64, -2.0, 0.5];
    check_rrule(
        |(a, k)| generic_loss(a.view(), *k),
        |(a, k)| generic_loss::rrule(a.view(), *k),
        &(a, 1.5f64),
        &Config::default(),
    );
}

/// Borrowed inputs and a fallible callee.
#[rrule(derive)]
fn solve_sum(a: &Array2<f64>, b: &Array2<f64>) -> Result<f64, linalg::LinalgError> {
    let x = linalg::solve(a.view(), b.view())?;
    Ok(x.sum())
}

#[test]
fn derived_rules_take_borrowed_inputs_and_propagate_errors() {
    let a = random(4, 4, 11) + Array2::<f64>::eye(4) * 4.0;
    let b = random(4, 2, 12);
    let (v, pb) = solve_sum::rrule(&a, &b).expect("a is invertible");
    let (da, db) = pb.pullback(1.0);
    // d Σ(A⁻¹B) / dB = A⁻ᵀ 1, d / dA = −A⁻ᵀ 1 Xᵀ.
    let ones = Array2::<f64>::ones((4, 2));
    let ainv = linalg::inv(a.view()).expect("invertible");
    let x = ainv.dot(&b);
    assert!((v - x.sum()).abs() < 1e-12);
    let g = ainv.t().dot(&ones);
    assert!(max_abs(&(&db - &g)) < 1e-12);
    assert!(max_abs(&(&da + &g.dot(&x.t()))) < 1e-12);
    let singular = Array2::<f64>::zeros((4, 4));
    assert!(solve_sum::rrule(&singular, &b).is_err());
    assert!(solve_sum(&singular, &b).is_err());
}

#[test]
fn derived_rules_can_be_declared_inside_functions() {
    #[rrule(derive)]
    fn local(x: ArrayView1<f64>) -> f64 {
        let e = ops::exp(x);
        e.sum()
    }
    let x = ndarray::array![0.0, 1.0];
    let (_, pb) = local::rrule(x.view());
    let dx = pb.pullback(1.0);
    assert!(max_abs(&(&dx - &x.mapv(f64::exp))) < 1e-15);
}

#[test]
fn derived_rules_run_on_the_tape() {
    use rules_core::tape::{Var, value_and_grad};
    let w = random(4, 3, 13);
    let x = random(6, 4, 14);
    let y = random(6, 3, 15);
    let (v, dw) = value_and_grad(
        |t, w: Var<'_, Array2<f64>>| svd_fit::on(t, &w, &x, &y),
        w.clone(),
    );
    let (v2, pb) = svd_fit::rrule(w.view(), x.view(), y.view());
    assert_eq!(v, v2);
    assert!(max_abs(&(&dw - &pb.pullback(1.0).0)) < 1e-14);
}

/// The rules a derived body lends intermediates to without keeping them (the walk's
/// `NOT_KEEPING` list): each pullback below outlives the array it was given a view of, which
/// compiles only because it borrows nothing. A rule that started keeping its argument would fail
/// this build, not make a derived rule unsound (a value not kept is borrowed as usual).
#[test]
fn the_rules_a_derived_body_does_not_keep_for_borrow_nothing() {
    use ndarray::{Ix1, Ix2};
    fn detached<P>(f: impl FnOnce(ArrayView2<'_, f64>) -> P) -> P {
        let a = random(3, 3, 16) + Array2::<f64>::eye(3) * 3.0;
        let a = a.t().dot(&a);
        f(a.view())
    }
    let row = ndarray::array![1.0, 2.0, 3.0];
    let _ = detached(|a| ops::add::rrule(a, row.view()).1);
    let _ = detached(|a| ops::add::rrule(row.view(), a).1);
    let _ = detached(|a| ops::sub::rrule(a, row.view()).1);
    let _ = detached(|a| ops::neg::rrule(a).1);
    let _ = detached(|a| ops::sum::rrule(a).1);
    let _ = detached(|a| ops::mean::rrule(a).1);
    let _ = detached(|a| ops::sum_axis::rrule(a, Axis(0)).1);
    let _ = detached(|a| ops::mean_axis::rrule(a, Axis(1)).1);
    let _ = detached(|a| ops::tanh::rrule(a).1);
    let _ = detached(|a| ops::sigmoid::rrule(a).1);
    let _ = detached(|a| ops::exp::rrule(a).1);
    let _ = detached(|a| ops::transpose::rrule(a).1);
    let _ = detached(|a| ops::reshape::rrule(a, Ix1(9)).1);
    let _ = detached(|a| ops::reshape::rrule(a, Ix2(1, 9)).1);
    let _ = detached(|a| linalg::svd::rrule(a).1);
    let _ = detached(|a| linalg::svdvals::rrule(a).1);
    let _ = detached(|a| linalg::qr::rrule(a).1);
    let _ = detached(|a| linalg::eigh::rrule(a).1);
    let _ = detached(|a| linalg::eigvalsh::rrule(a).1);
    let _ = detached(|a| linalg::cholesky::rrule(a).map(|r| r.1));
}

/// A layer whose method is a rule (`#[rrules]`).
#[derive(rules_core::Differentiable)]
pub struct Layer {
    /// The weights.
    pub w: Array2<f64>,
}

#[rules_core::rrules]
impl Layer {
    /// `x·W`.
    #[rrule]
    pub fn apply(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let y = x.dot(&self.w);
        let w = self.w.clone();
        let x = x.to_owned();
        (y, move |dy: Array2<f64>| -> (LayerTangent, Array2<f64>) {
            (LayerTangent { w: x.t().dot(&dy) }, dy.dot(&w.t()))
        })
    }
}

/// Calls the method rule by its path, with a borrowed struct as a differentiated input.
#[rrule(derive)]
fn through_layer(layer: &Layer, x: ArrayView2<f64>) -> f64 {
    let y = Layer::apply(layer, x);
    ops::sum_sq(y.view())
}

#[test]
fn derived_rules_call_method_rules() {
    let layer = Layer {
        w: random(3, 2, 17),
    };
    let x = random(4, 3, 18);
    let (v, pb) = through_layer::rrule(&layer, x.view());
    let y = x.dot(&layer.w);
    assert!((v - y.iter().map(|a| a * a).sum::<f64>()).abs() < 1e-12);
    let (dl, dx) = pb.pullback(1.0);
    // d‖XW‖² = 2 Xᵀ X W for W, 2 X W Wᵀ for X.
    assert!(max_abs(&(&dl.w - &(2.0 * x.t().dot(&y)))) < 1e-12);
    assert!(max_abs(&(&dx - &(2.0 * y.dot(&layer.w.t())))) < 1e-12);
    let (dl_only, skipped) = pb.pullback_for((Need, Skip), 1.0);
    assert_eq!((dl_only.w, skipped), (dl.w, Skip));
}

/// The logistic function, from its derivative in terms of its output.
#[rules_core::scalar_rule(|y| y * (1.0 - y))]
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The ndarray methods a derived body maps to rules: `.dot`, `.t()`, `.mapv(f)`, `.sum_axis`,
/// `.sum()`.
#[rrule(derive)]
fn mapped(a: ArrayView2<f64>, b: ArrayView2<f64>) -> f64 {
    #[no_grad]
    let n = a.nrows() as f64;
    let p = a.dot(&b.t());
    let s = p.mapv(logistic);
    s.sum_axis(Axis(0)).sum() / n
}

#[test]
fn ndarray_methods_are_mapped_to_their_rules() {
    let (a, b) = (random(4, 3, 19), random(5, 3, 20));
    let v = mapped(a.view(), b.view());
    let direct = a.dot(&b.t()).mapv(|x| 1.0 / (1.0 + (-x).exp())).sum() / 4.0;
    assert!((v - direct).abs() < 1e-12);
    check_rrule(
        |(a, b)| mapped(a.view(), b.view()),
        |(a, b)| mapped::rrule(a.view(), b.view()),
        &(a, b),
        &Config::default(),
    );
}

/// Both directions derived, stacked: the pushforward calls the callees' `frule`s in order.
#[rrule(derive)]
#[rules_core::frule(derive)]
fn both_ways(x: ArrayView2<f64>, w: ArrayView2<f64>, b: ArrayView1<f64>) -> f64 {
    let h = ops::tanh(ops::add(ops::matmul(x, w).view(), b).view());
    let e = ops::exp(h.view());
    ops::mean(e.view()) * 3.0 - ops::sum_sq(w) / 2.0
}

#[test]
fn both_directions_are_derived_and_agree() {
    use rules_core::Pushforward;
    use rules_core::testing::{check_adjoint, check_frule};
    let (x, w, b) = (
        random(5, 3, 21),
        random(3, 4, 22) / 2.0,
        random(1, 4, 23).remove_axis(Axis(0)),
    );
    let inputs = (x, w, b);
    let c = Config::default();
    check_rrule(
        |(x, w, b)| both_ways(x.view(), w.view(), b.view()),
        |(x, w, b)| both_ways::rrule(x.view(), w.view(), b.view()),
        &inputs,
        &c,
    );
    check_frule(
        |(x, w, b)| both_ways(x.view(), w.view(), b.view()),
        |(x, w, b)| both_ways::frule(x.view(), w.view(), b.view()),
        &inputs,
        &c,
    );
    check_adjoint(
        |(x, w, b)| both_ways::rrule(x.view(), w.view(), b.view()),
        |(x, w, b)| both_ways::frule(x.view(), w.view(), b.view()),
        &inputs,
        &c,
    );
    // A zero tangent for `b` runs none of its terms: the same as the dense pushforward fed
    // explicit zeros.
    let (x, w, b) = (&inputs.0, &inputs.1, &inputs.2);
    let (_, pf) = both_ways::frule(x.view(), w.view(), b.view());
    let dw = Array2::ones(w.raw_dim());
    let dense = pf.pushforward((
        Array2::zeros(x.raw_dim()),
        dw.clone(),
        Array1::zeros(b.len()),
    ));
    let zero = pf.pushforward((Zero, dw, Zero));
    assert!((dense - zero).abs() < 1e-15);
}

/// Forward mode alone.
#[rules_core::frule(derive)]
fn forward_only(a: f64, b: f64) -> f64 {
    let p = a * b;
    p / (a + 1.0)
}

#[test]
fn forward_mode_alone_is_derived() {
    use rules_core::Pushforward;
    let (v, pf) = forward_only::frule(2.0, 3.0);
    assert_eq!(v, 2.0);
    // d/da = b/(a+1) − ab/(a+1)² = 1 − 2/3, d/db = a/(a+1) = 2/3.
    let t: f64 = pf.pushforward((1.0, 0.0));
    assert!((t - 1.0 / 3.0).abs() < 1e-15);
    let t: f64 = pf.pushforward((Zero, 1.0));
    assert!((t - 2.0 / 3.0).abs() < 1e-15);
}

/// A recurrent network: `h ← tanh(h·W + b)` for `n` steps, then Σ h².
#[rrule(derive)]
fn rnn(h0: ArrayView2<f64>, w: ArrayView2<f64>, b: ArrayView1<f64>, n: usize) -> f64 {
    let mut h = ops::add(h0, b);
    for _ in 0..n {
        let z = ops::matmul(h.view(), w);
        h = ops::tanh(ops::add(z.view(), b).view());
    }
    ops::sum_sq(h.view())
}

#[test]
fn loops_over_ranges_are_derived() {
    let (h0, w, b) = (
        random(3, 4, 24),
        random(4, 4, 25) / 2.0,
        random(1, 4, 26).remove_axis(Axis(0)),
    );
    for n in [0, 1, 5] {
        check_rrule(
            |(h0, w, b, n)| rnn(h0.view(), w.view(), b.view(), n.0),
            |(h0, w, b, n)| rnn::rrule(h0.view(), w.view(), b.view(), n.0),
            &(h0.clone(), w.clone(), b.clone(), Constant(n)),
            &Config::default(),
        );
    }
    // By hand for two steps, against the same rules chained.
    let (v, pb) = rnn::rrule(h0.view(), w.view(), b.view(), 2);
    let (dh0, dw, db, _) = pb.pullback(1.0);
    let (a0, pa0) = ops::add::rrule(h0.view(), b.view());
    let (z1, pz1) = ops::matmul::rrule(a0.view(), w.view());
    let (s1, ps1) = ops::add::rrule(z1.view(), b.view());
    let (h1, pt1) = ops::tanh::rrule(s1.view());
    let (z2, pz2) = ops::matmul::rrule(h1.view(), w.view());
    let (s2, ps2) = ops::add::rrule(z2.view(), b.view());
    let (h2, pt2) = ops::tanh::rrule(s2.view());
    let (v_h, pq) = ops::sum_sq::rrule(h2.view());
    assert_eq!(v, v_h);
    let (dz2, db2) = ps2.pullback(pt2.pullback(pq.pullback(1.0)));
    let (dh1, dw2) = pz2.pullback(dz2);
    let (dz1, db1) = ps1.pullback(pt1.pullback(dh1));
    let (da0, dw1) = pz1.pullback(dz1);
    let (dh0_h, db0) = pa0.pullback(da0);
    assert!(max_abs(&(&dh0 - &dh0_h)) < 1e-14);
    assert!(max_abs(&(&dw - &(dw1 + dw2))) < 1e-14);
    assert!(max_abs(&(&db - &(db0 + db1 + db2))) < 1e-14);
}

/// A loop of three steps whose rule has `pullback_for`: `x ← x·w + c`, three times.
#[rrule(derive)]
fn affine_thrice(x: f64, w: f64, c: f64) -> f64 {
    let mut y = x * 1.0;
    for _ in 0..3 {
        y = y * w + c;
    }
    y
}

#[test]
fn a_loop_is_derived_for_every_selection() {
    let (x, w, c) = (0.5, 1.5, -0.25);
    check_rrule(
        |(x, w, c)| affine_thrice(*x, *w, *c),
        |(x, w, c)| affine_thrice::rrule(*x, *w, *c),
        &(x, w, c),
        &Config::default(),
    );
    // y = x w³ + c (w² + w + 1).
    let (v, pb) = affine_thrice::rrule(x, w, c);
    assert!((v - (x * w.powi(3) + c * (w * w + w + 1.0))).abs() < 1e-15);
    let (dx, dw, dc) = pb.pullback(1.0);
    assert!((dx - w.powi(3)).abs() < 1e-15);
    assert!((dw - (3.0 * x * w * w + c * (2.0 * w + 1.0))).abs() < 1e-14);
    assert!((dc - (w * w + w + 1.0)).abs() < 1e-15);
    assert_eq!(pb.pullback_for((Skip, Skip, Need), 1.0), (Skip, Skip, dc));
}

/// A branch on a constant flag: each arm a loop of one iteration or none.
#[rrule(derive)]
fn flip_or_square(x: ArrayView1<f64>, w: ArrayView1<f64>, flip: bool) -> f64 {
    let mut h = ops::mul(x, w);
    if flip {
        h = ops::neg(h.view());
    } else {
        h = ops::mul(h.view(), x);
    }
    ops::sum(h.view())
}

#[test]
fn branches_on_constants_are_derived() {
    let x = ndarray::array![1.0, -2.0, 0.5];
    let w = ndarray::array![0.5, 1.5, -1.0];
    for flip in [true, false] {
        check_rrule(
            |(x, w, f)| flip_or_square(x.view(), w.view(), f.0),
            |(x, w, f)| flip_or_square::rrule(x.view(), w.view(), f.0),
            &(x.clone(), w.clone(), Constant(flip)),
            &Config::default(),
        );
    }
    // flip: −Σ x w, so dx = −w; otherwise Σ x² w, so dx = 2 x w.
    let (_, pb) = flip_or_square::rrule(x.view(), w.view(), true);
    assert_eq!(pb.pullback(1.0).0, -&w);
    let (_, pb) = flip_or_square::rrule(x.view(), w.view(), false);
    assert_eq!(pb.pullback(1.0).0, 2.0 * &x * &w);
}

// Names a derived rule generates never meet the user's (found by review: each of these gave a
// wrong gradient or value, or freed what the pullback read).

/// A parameter named like a generated cotangent term (`w` has two terms).
#[rrule(derive)]
fn names_terms(x: f64, w: f64, w_2: f64) -> f64 {
    let a = x * w;
    let b = a * w;
    b * w_2
}

/// A shadowed name beside a user name equal to its suffixed form.
#[rrule(derive)]
fn names_shadowed(x: f64) -> f64 {
    let x = x * 3.0;
    let x_2 = x * x;
    x_2 + 1.0
}

/// A user name equal to a hoisted temporary's.
#[rrule(derive)]
fn names_temporaries(x: ArrayView1<f64>) -> f64 {
    let exp_2 = ops::tanh(x);
    let exp = ops::exp(x);
    let s = ops::add(ops::exp(x).view(), exp_2.view());
    ops::sum(s.view()) + ops::sum(exp.view()) * 0.0
}

/// A user local named like the arena.
#[rrule(derive)]
fn names_arena(x: ArrayView1<f64>) -> f64 {
    let e = ops::exp(x);
    let m = ops::mul(e.view(), e.view());
    #[no_grad]
    let __arena = 1.0;
    ops::sum(m.view()) * __arena
}

#[test]
fn generated_names_never_meet_the_users() {
    let c = Config::default();
    check_rrule(
        |(x, w, w2)| names_terms(*x, *w, *w2),
        |(x, w, w2)| names_terms::rrule(*x, *w, *w2),
        &(0.5, 1.5, -0.75),
        &c,
    );
    let (_, pb) = names_terms::rrule(0.5, 1.5, -0.75);
    // d/dw₂ = x w².
    assert!((pb.pullback(1.0).2 - 0.5 * 1.5 * 1.5).abs() < 1e-15);
    check_rrule(
        |x| names_shadowed(*x),
        |x| names_shadowed::rrule(*x),
        &0.7,
        &c,
    );
    let (_, pb) = names_shadowed::rrule(0.7);
    // (3x)² + 1: d/dx = 18x.
    assert!((pb.pullback(1.0) - 18.0 * 0.7).abs() < 1e-14);
    let x = ndarray::array![0.1, -0.4, 0.8];
    let v = names_temporaries(x.view());
    let expect = x.mapv(|a| a.exp() + a.tanh()).sum();
    assert!((v - expect).abs() < 1e-14, "{v} vs {expect}");
    assert!((names_temporaries::rrule(x.view()).0 - expect).abs() < 1e-14);
    check_rrule(
        |x| names_arena(x.view()),
        |x| names_arena::rrule(x.view()),
        &x,
        &c,
    );
}

// Programs the review found wrongly rejected.

/// A loop reading an intermediate that the parameter also reaches through the carried value.
#[rrule(derive)]
fn loop_reads_intermediate(x: ArrayView1<f64>, n: usize) -> f64 {
    let e = ops::exp(x);
    let mut h = ops::tanh(x);
    for _ in 0..n {
        h = ops::add(h.view(), e.view());
    }
    ops::sum(h.view())
}

/// A carried value that starts as a copy of a parameter.
#[rrule(derive)]
fn loop_from_copy(x: ArrayView1<f64>, n: usize) -> f64 {
    let mut h = x.to_owned();
    for _ in 0..n {
        h = ops::tanh(h.view());
    }
    ops::sum(h.view())
}

/// A view parameter shadowed by a rule's result.
#[rrule(derive)]
fn shadowed_view(x: ArrayView1<f64>) -> f64 {
    let x = ops::exp(x);
    let t = ops::tanh(x.view());
    ops::sum(t.view())
}

/// A view bound by `let`, an owned parameter, each lent to a rule that keeps its views.
#[rrule(derive)]
fn lent_aliases(x: Array1<f64>, w: ArrayView1<f64>) -> f64 {
    let e = ops::exp(w);
    let v = e.view();
    let p = ops::mul(v, x.view());
    let q = ops::mul(p.view(), w);
    ops::sum(q.view())
}

/// A value lent to a rule that keeps it, then carried by a branch.
#[rrule(derive)]
fn kept_then_carried(x: ArrayView1<f64>, flag: bool) -> f64 {
    let mut h = ops::exp(x);
    let p = ops::mul(h.view(), x);
    if flag {
        h = ops::tanh(h.view());
    }
    ops::sum(h.view()) + ops::sum(p.view())
}

#[test]
fn programs_once_rejected_are_derived() {
    let c = Config::default();
    let x = ndarray::array![0.1, -0.4, 0.8];
    for n in [0, 2] {
        check_rrule(
            |(x, n)| loop_reads_intermediate(x.view(), n.0),
            |(x, n)| loop_reads_intermediate::rrule(x.view(), n.0),
            &(x.clone(), Constant(n)),
            &c,
        );
        check_rrule(
            |(x, n)| loop_from_copy(x.view(), n.0),
            |(x, n)| loop_from_copy::rrule(x.view(), n.0),
            &(x.clone(), Constant(n)),
            &c,
        );
    }
    check_rrule(
        |x| shadowed_view(x.view()),
        |x| shadowed_view::rrule(x.view()),
        &x,
        &c,
    );
    let w = ndarray::array![0.3, 0.2, -0.5];
    check_rrule(
        |(x, w)| lent_aliases(x.clone(), w.view()),
        |(x, w)| lent_aliases::rrule(x.clone(), w.view()),
        &(x.clone(), w),
        &c,
    );
    for flag in [true, false] {
        check_rrule(
            |(x, f)| kept_then_carried(x.view(), f.0),
            |(x, f)| kept_then_carried::rrule(x.view(), f.0),
            &(x.clone(), Constant(flag)),
            &c,
        );
    }
}

// Found by a second review: an alias stood for what its source was when used, not when bound;
// a generated branch name and a loop's zero source could meet user names.

/// An alias of a value a loop then carries.
#[rrule(derive)]
fn alias_of_carried(x: f64) -> f64 {
    let mut h = x * 1.0;
    let h0 = h;
    for _ in 0..3 {
        h = h * 2.0;
    }
    h0 * h
}

/// A carried value that starts as an alias of a parameter.
#[rrule(derive)]
fn carried_alias(x: f64) -> f64 {
    let mut acc = x;
    for _ in 0..3 {
        acc = acc * x;
    }
    acc
}

/// A view whose source is rebound after it.
#[rrule(derive)]
fn alias_of_rebound(x: ArrayView1<f64>) -> f64 {
    let v = x.view();
    let x = ops::exp(x);
    ops::sum(v) + ops::sum(x.view())
}

/// A user local named like a generated branch condition.
#[rrule(derive)]
fn branch_names(x: f64, a: bool, b: bool) -> f64 {
    let mut h = x * 1.0;
    let branch_2 = b;
    if a {
        h = h * 2.0;
    }
    if branch_2 {
        h = h * 3.0;
    }
    h
}

/// A value a loop reads, rebound after the loop.
#[rrule(derive)]
fn loop_source_rebound(
    x: ArrayView1<f64>,
    w: ArrayView1<f64>,
    #[no_grad] z: ArrayView1<f64>,
    n: usize,
) -> f64 {
    let mut h = ops::tanh(x);
    for _ in 0..n {
        h = ops::mul(h.view(), w);
    }
    #[no_grad]
    let w = z;
    ops::sum(h.view()) + 0.0 * w.len() as f64
}

#[test]
fn aliases_and_generated_names_after_review() {
    let c = Config::default();
    // h0 = x, h = 8x: 8x², d/dx = 16x.
    assert_eq!(alias_of_carried(1.0), 8.0);
    let (v, pb) = alias_of_carried::rrule(1.0);
    assert_eq!((v, pb.pullback(1.0)), (8.0, 16.0));
    // x⁴.
    assert_eq!(carried_alias(2.0), 16.0);
    let (v, pb) = carried_alias::rrule(2.0);
    assert_eq!((v, pb.pullback(1.0)), (16.0, 32.0));
    let x = ndarray::array![0.0, 1.0];
    let expect = x.sum() + x.mapv(f64::exp).sum();
    assert!((alias_of_rebound(x.view()) - expect).abs() < 1e-14);
    check_rrule(
        |x| alias_of_rebound(x.view()),
        |x| alias_of_rebound::rrule(x.view()),
        &x,
        &c,
    );
    assert_eq!(branch_names(1.0, true, false), 2.0);
    assert_eq!(branch_names::rrule(1.0, true, false).0, 2.0);
    let (x, w, z) = (
        ndarray::array![0.3, -0.2, 0.5],
        ndarray::array![1.2],
        ndarray::array![1.0, 2.0, 3.0],
    );
    for n in [0, 2] {
        let (_, pb) = loop_source_rebound::rrule(x.view(), w.view(), z.view(), n);
        let (_, dw, _, _) = pb.pullback(1.0);
        assert_eq!(dw.len(), 1);
        check_rrule(
            |(x, w, z, n)| loop_source_rebound(x.view(), w.view(), z.0.view(), n.0),
            |(x, w, z, n)| loop_source_rebound::rrule(x.view(), w.view(), z.0.view(), n.0),
            &(x.clone(), w.clone(), Constant(z.clone()), Constant(n)),
            &c,
        );
    }
}

/// ndarray's operators on arrays by reference: `ops::add`, `ops::mul`, `ops::scale`, `ops::neg`.
#[rrule(derive)]
fn array_operators(a: ArrayView2<f64>, b: ArrayView1<f64>, k: f64) -> f64 {
    let e = ops::exp(a);
    let s = &e + &b;
    let p = &s * &e;
    let q = &(-&p) * k;
    let r = 2.0 * &q;
    ops::sum(r.view())
}

#[test]
fn array_operators_are_the_ops_rules() {
    let (a, b) = (random(3, 2, 27) / 2.0, ndarray::array![0.5, -1.0]);
    let v = array_operators(a.view(), b.view(), 0.7);
    let e = a.mapv(f64::exp);
    let expect = -2.0 * 0.7 * ((&e + &b) * &e).sum();
    assert!((v - expect).abs() < 1e-12);
    check_rrule(
        |(a, b, k)| array_operators(a.view(), b.view(), *k),
        |(a, b, k)| array_operators::rrule(a.view(), b.view(), *k),
        &(a, b, 0.7),
        &Config::default(),
    );
}
