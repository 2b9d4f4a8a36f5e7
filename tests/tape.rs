//! The tape: composite gradients against finite differences and hand-chained pullbacks, and
//! probes showing what the backward pass does not run.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, array};
use rules_core::linalg;
use rules_core::ops;
use rules_core::tape::{Tape, Var, value_and_grad, vjp};
use rules_core::testing::{Config, check_grad};
use rules_core::{Differentiable, MaybeZero, Need, Pullback, PullbackFor, Skip, Zero, rrule};
use rules_tests::{calls_during, counted, random};

/// Σ of the singular values, a user rule through the SVD.
#[rrule]
fn svdvals_sum(w: ArrayView2<'_, f64>) -> f64 {
    let (s, pb) = linalg::svdvals::rrule(w);
    (s.sum(), move |ds: f64| -> Array2<f64> {
        pb.pullback(Array1::from_elem(s.len(), ds))
    })
}

/// The network's parameters on the tape: W₁, b₁, W₂, b₂.
type Params<'t> = (
    Var<'t, Array2<f64>>,
    Var<'t, Array1<f64>>,
    Var<'t, Array2<f64>>,
    Var<'t, Array1<f64>>,
);

/// The two-layer network of the README: mse(tanh(X W₁ + b₁) W₂ + b₂, Y) + 0.1·Σ svdvals(W₁).
fn network<'t>(
    t: &'t Tape<'t, '_>,
    x: &'t Array2<f64>,
    y: &'t Array2<f64>,
    (w1, b1, w2, b2): Params<'t>,
) -> Var<'t, f64> {
    let h = ops::tanh::on(t, &ops::add::on(t, &ops::matmul::on(t, x, &w1), &b1));
    let out = &h.matmul(&w2) + &b2;
    let fit = ops::mse::on(t, &out, y);
    &fit + &(&linalg::svdvals::on(t, &w1).sum() * 0.1)
}

fn network_inputs() -> (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>) {
    (
        random(3, 4, 1),
        random(1, 4, 2).remove_axis(Axis(0)),
        random(4, 2, 3),
        random(1, 2, 4).remove_axis(Axis(0)),
    )
}

#[test]
fn network_matches_finite_differences() {
    let (x, y) = (random(6, 3, 10), random(6, 2, 11));
    let report = check_grad(
        |t, p| network(t, &x, &y, p),
        &network_inputs(),
        &Config::default(),
    );
    assert_eq!(report.fd_checks, 12 + 4 + 8 + 2);
}

#[test]
fn network_matches_hand_chained_pullbacks() {
    let (x, y) = (random(6, 3, 10), random(6, 2, 11));
    let (w1, b1, w2, b2) = network_inputs();
    let (loss, (dw1, db1, dw2, db2)) = value_and_grad(
        |t, p| network(t, &x, &y, p),
        (w1.clone(), b1.clone(), w2.clone(), b2.clone()),
    );

    // The same rules, chained by hand.
    let (z, pb_mm1) = ops::matmul::rrule(x.view(), w1.view());
    let (a, pb_add1) = ops::add::rrule(z.view(), b1.view());
    let (h, pb_tanh) = ops::tanh::rrule(a.view());
    let (o, pb_mm2) = ops::matmul::rrule(h.view(), w2.view());
    let (out, pb_add2) = ops::add::rrule(o.view(), b2.view());
    let (fit, pb_mse) = ops::mse::rrule(out.view(), y.view());
    let (s, pb_s) = linalg::svdvals::rrule(w1.view());
    assert!((loss - (fit + 0.1 * s.sum())).abs() < 1e-12);
    let (dout, _) = pb_mse.pullback(1.0);
    let (do_, db2_h) = pb_add2.pullback(dout);
    let (dh, dw2_h) = pb_mm2.pullback(do_);
    let da = pb_tanh.pullback(dh);
    let (dz, db1_h) = pb_add1.pullback(da);
    let (_, dw1_h) = pb_mm1.pullback(dz);
    let dw1_h = dw1_h + pb_s.pullback(Array1::from_elem(s.len(), 0.1));
    for (a, b) in [(&dw1, &dw1_h), (&dw2, &dw2_h)] {
        assert!((a - b).iter().all(|d| d.abs() < 1e-12), "{a} vs {b}");
    }
    for (a, b) in [(&db1, &db1_h), (&db2, &db2_h)] {
        assert!((a - b).iter().all(|d| d.abs() < 1e-12), "{a} vs {b}");
    }
}

#[test]
fn fan_out_accumulates() {
    // f(x) = Σ x·x + Σ exp(x) + Σ x: x feeds three rules, one of them twice.
    let x0 = array![0.3, -1.2, 2.0];
    let (v, g) = value_and_grad(
        |_t, x: Var<'_, Array1<f64>>| {
            let sq = (&x * &x).sum();
            let e = x.exp().sum();
            &(&sq + &e) + &x.sum()
        },
        x0.clone(),
    );
    let expected = x0.mapv(|x| 2.0 * x + x.exp() + 1.0);
    assert!((&g - &expected).iter().all(|d| d.abs() < 1e-12));
    assert!((v - x0.mapv(|x| x * x + x.exp() + x).sum()).abs() < 1e-12);
    check_grad(
        |_t, x: Var<'_, Array1<f64>>| {
            let sq = (&x * &x).sum();
            &sq + &x.exp().sum()
        },
        &x0,
        &Config::default(),
    );
}

#[test]
fn loops_and_branches_are_the_program() {
    check_grad(
        |_t, (x, k): (Var<'_, Array1<f64>>, Var<'_, f64>)| {
            let mut y = x.clone();
            for i in 0..4 {
                y = if i % 2 == 0 { y.tanh() } else { &y * &k };
            }
            let mut s = y.sum_sq();
            while *s.value() > 1e-3 {
                s = &s * 0.5;
            }
            s
        },
        &(array![0.5, -0.25, 1.0], 1.5),
        &Config::default(),
    );
}

/// A layer whose parameters are one struct (public: a private struct's tangent cannot appear
/// in the rule's generated pullback trait, a limit of `#[rrule]` noted for issue 22).
#[derive(Differentiable, Clone)]
pub struct Layer {
    /// Weights.
    pub w: Array2<f64>,
    /// Bias.
    pub b: Array1<f64>,
}

/// `tanh(x W + b)`, differentiable in the layer and in `x`.
#[rrule]
fn layer(p: &Layer, x: ArrayView2<'_, f64>) -> Array2<f64> {
    let y = (x.dot(&p.w) + &p.b).mapv(f64::tanh);
    let y2 = y.clone();
    (y, move |dy: Array2<f64>| -> (LayerTangent, Array2<f64>) {
        let da = &dy * &y2.mapv(|v| 1.0 - v * v);
        let dw = x.t().dot(&da);
        let db = da.sum_axis(Axis(0));
        (LayerTangent { w: dw, b: db }, da.dot(&p.w.t()))
    })
}

#[test]
fn struct_inputs_are_vars() {
    let x = random(5, 3, 20);
    let p = Layer {
        w: random(3, 2, 21),
        b: array![0.1, -0.2],
    };
    check_grad(
        |t, p: Var<'_, Layer>| layer::on(t, &p, &x).sum_sq(),
        &p,
        &Config::default(),
    );
    // The layer as a constant and `x` as the input.
    check_grad(
        |t, x: Var<'_, Array2<f64>>| layer::on(t, &p, &x).sum(),
        &x,
        &Config::default(),
    );
}

/// A generic struct with a default type parameter (the derive's impls drop the default).
#[derive(Differentiable, Clone)]
pub struct Shift<T: rules_core::Scalar = f64> {
    /// The shift.
    pub s: Array1<T>,
}

/// `Σ (x + s)²`.
#[rrule]
fn shifted_sq(p: &Shift, x: ArrayView1<'_, f64>) -> f64 {
    let r = &x + &p.s;
    (
        r.mapv(|v| v * v).sum(),
        move |dy: f64| -> (ShiftTangent, Array1<f64>) {
            let g = r.mapv(|v| 2.0 * dy * v);
            (ShiftTangent { s: g.clone() }, g)
        },
    )
}

#[test]
fn generic_struct_inputs_with_defaults() {
    let x = array![0.5, -1.0, 2.0];
    let p = Shift {
        s: array![0.1, 0.2, -0.3],
    };
    check_grad(
        |t, p: Var<'_, Shift>| shifted_sq::on(t, &p, &x),
        &p,
        &Config::default(),
    );
    // The struct as a constant, borrowed.
    check_grad(
        |t, x: Var<'_, Array1<f64>>| shifted_sq::on(t, &p, &x),
        &x,
        &Config::default(),
    );
}

#[test]
fn unrelated_inputs_get_dense_zeros() {
    let (v, (da, db)) = value_and_grad(
        |_t, (a, _b): (Var<'_, Array1<f64>>, Var<'_, Array2<f64>>)| a.sum(),
        (array![1.0, 2.0], Array2::ones((2, 3))),
    );
    assert_eq!(v, 3.0);
    assert_eq!(da, array![1.0, 1.0]);
    assert_eq!(db, Array2::zeros((2, 3)));
}

#[test]
fn a_call_without_vars_records_nothing() {
    let c = array![1.0, 2.0];
    let (_, g) = value_and_grad(
        |t, x: Var<'_, f64>| {
            let k = ops::sum::on(t, &c); // constants only: nothing recorded
            assert!(!k.is_tracked());
            assert_eq!(t.len(), 0);
            let y = &x * &k;
            assert_eq!(t.len(), 1);
            y
        },
        2.0,
    );
    assert_eq!(g, 3.0);
}

#[test]
fn vjp_of_a_vector_output() {
    let x0 = array![[0.5, -1.0], [2.0, 0.25]];
    let (y, pb) = vjp(
        |t, x: Var<'_, Array2<f64>>| ops::softmax::on(t, &x, Axis(1)),
        x0.clone(),
    );
    let dy = array![[1.0, 0.0], [0.5, -0.5]];
    let dx: Array2<f64> = pb.pullback(dy.clone());
    let (y_h, pb_h) = ops::softmax::rrule(x0.view(), Axis(1));
    assert_eq!(y, y_h);
    let (dx_h, _) = pb_h.pullback(dy);
    assert!((&dx - &dx_h).iter().all(|d| d.abs() < 1e-15));
}

/// A probe: each term of the pullback is counted, so a test sees which ran.
#[rrule]
fn probe(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> (Array2<f64>, Array2<f64>) {
    let (p, q) = (&a * &b, &a + &b);
    (
        (p, q),
        move |dp: Array2<f64>, dq: Array2<f64>| -> (Array2<f64>, Array2<f64>) {
            let da_p = counted(&dp * &b);
            let db_p = counted(&dp * &a);
            let da_q = counted(dq.clone());
            let db_q = counted(dq);
            (da_p + da_q, db_p + db_q)
        },
    )
}

#[test]
fn unread_outputs_and_constants_never_run() {
    let (a0, b0) = (random(2, 2, 30), random(2, 2, 31));
    // Only `p` is read and only `a` is a `Var`: one term of four runs.
    let (n, (_, da)) = calls_during(|| {
        value_and_grad(
            |t, a: Var<'_, Array2<f64>>| {
                let (p, _q) = probe::on(t, &a, &b0);
                p.sum()
            },
            a0.clone(),
        )
    });
    assert_eq!(n, 1);
    assert_eq!(da, b0);
    // Both outputs read, both inputs `Var`s: four terms.
    let (n, _) = calls_during(|| {
        value_and_grad(
            |t, (a, b): (Var<'_, Array2<f64>>, Var<'_, Array2<f64>>)| {
                let (p, q) = probe::on(t, &a, &b);
                &p.sum() + &q.sum()
            },
            (a0.clone(), b0.clone()),
        )
    });
    assert_eq!(n, 4);
    // The hand-made equivalents of the first call agree.
    let (_, pb) = probe::rrule(a0.view(), b0.view());
    let (da_h, _) = pb.pullback_for((Need, Skip), (Array2::ones((2, 2)), Zero));
    assert_eq!(da, da_h);
    // The runtime form the tape calls: all-zero cotangents give zeros without running a term.
    let zero = MaybeZero::<Array2<f64>>::Zero;
    let (n, (da_rt, db_rt)) =
        calls_during(|| pb.pullback_for([true, false], (zero.clone(), zero.clone())));
    let (da_rt, db_rt): (MaybeZero<Array2<f64>>, MaybeZero<Array2<f64>>) = (da_rt, db_rt);
    assert_eq!(n, 0);
    assert!(da_rt.is_zero() && db_rt.is_zero());
}

#[test]
fn all_zero_nodes_never_run() {
    let a0 = random(2, 2, 40);
    let (n, (v, _)) = calls_during(|| {
        value_and_grad(
            |t, a: Var<'_, Array2<f64>>| {
                let (p, _) = probe::on(t, &a, &a); // neither output is read
                let _unused = p.sum();
                a.sum()
            },
            a0.clone(),
        )
    });
    assert_eq!(n, 0);
    assert!((v - a0.sum()).abs() < 1e-12);
}

/// `√(x² + y²)`, a scalar rule with an elementwise version.
#[rules_core::scalar_rule(|r| (x / r, y / r))]
pub fn hypot(x: f64, y: f64) -> f64 {
    x.hypot(y)
}

/// A non-differentiable function of an array.
#[rules_core::non_differentiable]
pub fn argmax(x: ndarray::ArrayView1<'_, f64>) -> usize {
    let mut best = 0;
    for (i, v) in x.iter().enumerate() {
        if *v > x[best] {
            best = i;
        }
    }
    best
}

/// A dense layer as a `#[rrules]` method.
#[derive(Differentiable, Clone)]
pub struct Dense {
    /// Weights.
    pub w: Array2<f64>,
    /// Bias.
    pub b: Array1<f64>,
}

#[rules_core::rrules]
impl Dense {
    /// `x W + b`.
    #[rrule]
    pub fn forward(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let y = x.dot(&self.w) + &self.b;
        (y, move |dy: Array2<f64>| -> (DenseTangent, Array2<f64>) {
            let dw = x.t().dot(&dy);
            let db = dy.sum_axis(Axis(0));
            (DenseTangent { w: dw, b: db }, dy.dot(&self.w.t()))
        })
    }
}

#[test]
fn every_kind_of_rule_runs_on_the_tape() {
    let x = random(4, 3, 50);
    let layer = Dense {
        w: random(3, 2, 51),
        b: array![0.3, -0.1],
    };
    // A method rule with the layer as the input, then a scalar rule's map, a scalar rule at a
    // point and a non-differentiable function that picks an entry.
    check_grad(
        |t, (p, s): (Var<'_, Dense>, Var<'_, f64>)| {
            let y = Dense::forward_on(t, &p, &x);
            let col = ops::select::on(t, &y, Axis(1), &[0usize][..]);
            let r = hypot::map_on(t, &col, &col).sum();
            let i = argmax::on(t, &ops::sum_axis::on(t, &y, Axis(0)));
            assert!(i < 2);
            &r * &hypot::on(t, &s, 2.0)
        },
        &(layer.clone(), 1.5),
        &Config::default(),
    );
    // The layer as a constant.
    check_grad(
        |t, x: Var<'_, Array2<f64>>| Dense::forward_on(t, &layer, &x).sum_sq(),
        &x,
        &Config::default(),
    );
}

#[test]
fn svd_outputs_feed_other_rules() {
    // 0.01·Σ S − ‖Uᵀ Y‖², gauge-invariant, through svd's U (an `ArcArray2`) and S.
    let y = random(8, 2, 60);
    check_grad(
        |t, a: Var<'_, Array2<f64>>| {
            let (u, s, _vt) = linalg::svd::on(t, &a);
            let uty = ops::matmul::on(t, &ops::transpose::on(t, &u), &y);
            &(&s.sum() * 0.01) - &uty.sum_sq()
        },
        &random(8, 3, 61),
        &Config::default(),
    );
    // Only Vᵀ read: the SVD's pattern (Zero, Zero, V̄ᵀ) runs.
    check_grad(
        |t, a: Var<'_, Array2<f64>>| {
            let (_, _, vt) = linalg::svd::on(t, &a);
            ops::matmul::on(t, &vt, &vt.t()).sum_sq()
        },
        &random(6, 3, 62),
        &Config::default(),
    );
}

thread_local! {
    static DROPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static SEEN: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A residual that counts its drop.
pub struct Residual(pub f64);

impl Drop for Residual {
    fn drop(&mut self) {
        DROPS.with(|d| d.set(d.get() + 1));
    }
}

/// `k·x` whose pullback keeps `k` in a [`Residual`] and logs how many residuals were already
/// dropped when it runs.
#[rrule]
fn logged(x: ArrayView2<'_, f64>, k: f64) -> Array2<f64> {
    let r = Residual(k);
    (&x * k, move |dy: Array2<f64>| -> (Array2<f64>, f64) {
        SEEN.with(|s| s.borrow_mut().push(DROPS.with(std::cell::Cell::get)));
        (&dy * r.0, 0.0)
    })
}

#[test]
fn residuals_are_freed_as_the_backward_pass_goes() {
    DROPS.with(|d| d.set(0));
    SEEN.with(|s| s.borrow_mut().clear());
    let (_, g) = value_and_grad(
        |t, x: Var<'_, Array2<f64>>| {
            let mut y = x;
            for k in [2.0, 3.0, 4.0] {
                y = logged::on(t, &y, k);
            }
            y.sum()
        },
        Array2::ones((2, 2)),
    );
    assert_eq!(g, Array2::from_elem((2, 2), 24.0));
    // The last node ran first, with no residual freed yet; each later run sees one more.
    assert_eq!(SEEN.with(|s| s.borrow().clone()), vec![0, 1, 2]);
    assert_eq!(DROPS.with(std::cell::Cell::get), 3);
}

// ---- Soundness regressions (found by review): each read freed memory before the fix ----

type Sink<'a> = std::cell::RefCell<Option<&'a Array1<f64>>>;

/// Σ x, smuggling a borrow of `x` (lent for the tape's brand) into `sink`.
#[rrule]
pub fn stash<'a>(x: &'a Array1<f64>, sink: &'a Sink<'a>) -> f64 {
    *sink.borrow_mut() = Some(x);
    let s = x.sum();
    (s, move |dy: f64| -> (Array1<f64>, rules_core::NoTangent) {
        (x.mapv(|_| dy), rules_core::NoTangent)
    })
}

/// `x`, reading what `sink` holds during the backward pass.
#[rrule]
pub fn reader<'a>(x: f64, sink: &'a Sink<'a>, seen: &'a std::cell::Cell<f64>) -> f64 {
    (
        x,
        move |dy: f64| -> (f64, rules_core::NoTangent, rules_core::NoTangent) {
            if let Some(a) = *sink.borrow() {
                // Fresh allocations of the same size class would reuse freed memory.
                let _reuse: Vec<Box<[u64; 8]>> =
                    (0..16).map(|_| Box::new([0xdead_beef; 8])).collect();
                seen.set(a.sum());
            }
            (dy, rules_core::NoTangent, rules_core::NoTangent)
        },
    )
}

#[test]
fn values_lent_for_the_brand_live_as_long_as_the_tape() {
    // Through the primal path: the lent constant's last `Rc` went at the end of the call.
    let _ = value_and_grad(
        |t, x: Var<'_, f64>| {
            let sink: &Sink<'_> = Box::leak(Box::new(std::cell::RefCell::new(None)));
            let c = ops::exp::on(t, array![0.0f64, 0.0, 0.0]); // a constant `Var`
            let _ = stash::on(t, c, sink);
            let _reuse: Vec<Box<[u64; 8]>> = (0..16).map(|_| Box::new([0xdead_beef; 8])).collect();
            let d: &Array1<f64> = sink.borrow().unwrap();
            assert_eq!(d, array![1.0, 1.0, 1.0]);
            x
        },
        1.0,
    );
    // Through the backward pass: `stash`'s node held the last `Rc` and ran before `reader`.
    let seen = std::cell::Cell::new(f64::NAN);
    let (_, g) = value_and_grad(
        |t, x: Var<'_, Array1<f64>>| {
            let sink: &Sink<'_> = Box::leak(Box::new(std::cell::RefCell::new(None)));
            let e = ops::exp::on(t, &x);
            let a = reader::on(t, e.sum(), sink, &seen);
            let b = stash::on(t, e, sink);
            &a + &b
        },
        array![0.0, 0.0, 0.0],
    );
    assert_eq!(seen.get(), 3.0);
    assert_eq!(g, array![2.0, 2.0, 2.0]);
}

/// A pullback that records on its tape when it is dropped.
struct Recorder<'t, 'e> {
    tape: &'t Tape<'t, 'e>,
    armed: bool,
}

impl Drop for Recorder<'_, '_> {
    fn drop(&mut self) {
        if self.armed {
            for _ in 0..64 {
                record_recorder(self.tape, false);
            }
        }
    }
}

fn record_recorder<'t, 'e>(t: &'t Tape<'t, 'e>, armed: bool) {
    let _ = t.record(
        (rules_core::tape::Lent::constant(0.0f64),),
        [None],
        |(_v,)| Ok::<_, ()>((0.0f64, Recorder { tape: t, armed })),
        |_: Recorder<'t, 'e>, _: [bool; 1], _c: MaybeZero<f64>| rules_core::NoTangent,
    );
}

#[test]
fn nodes_recorded_while_the_tape_is_dropped_are_dropped_too() {
    // Each dropped node records 64 more onto the tape being dropped (which reallocated the
    // vector being dropped before).
    let (v, _) = value_and_grad(
        |t, _x: Var<'_, f64>| {
            for _ in 0..4 {
                record_recorder(t, true);
            }
            t.constant(0.0f64)
        },
        1.0,
    );
    assert_eq!(v, 0.0);
}
