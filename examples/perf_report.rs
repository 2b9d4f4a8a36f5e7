//! The performance report: one table of time and peak heap for each case of the SVD rule, as
//! ratios to the forward SVD measured in the same run, and an SVG plot of time and memory against
//! the number of rows for the textbook and projection-first pullbacks.
//!
//! Run with `cargo run --release --example perf_report` (add `-- --quick` for fewer shapes and
//! runs, `-- --linalg` for the linear-algebra table alone, `-- --forward` for its forward mode,
//! `-- --ops` for the elementary rules' table alone, `-- --tape` for the tape's programs, `-- --shape 200000x10` for one SVD shape; repeatable). The plot is written to `target/perf.svg`; `-- --update-plot` writes the committed
//! `bench/perf.svg` instead. Every number printed is measured in this run.
//!
//! The pullbacks are also compared with a bandwidth probe: one single-threaded pass
//! `x ← 0.5·x + u` over a fresh copy of `Ū` and over `U`, in the same memory order. The pullback
//! of a tall input reads `U` and `Ū` for `P = UᵀŪ`, then reads them again and writes `Ā`: about
//! 1.7 probes of memory traffic.

use std::time::Duration;

use std::ops::Not;

use ndarray::{ArcArray2, Array1, Array2, ArrayView1, ArrayView2, ShapeBuilder};
use rules_core::linalg::svd;
use rules_core::{Pullback, PullbackOnce, Zero};
use rules_examples::{
    CountingAlloc, Panel, Series, best_of_with, ms, peak_extra_heap, svg_loglog_panel, test_matrix,
    textbook_svd_pullback,
};

#[path = "perf_report/linalg.rs"]
mod linalg;
use linalg::{forward_report, linalg_report};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const MB: f64 = 1024.0 * 1024.0;
/// The textbook form is run only where its m×m and n×n matrices fit in this many bytes.
const TEXTBOOK_LIMIT: usize = 1 << 30;

/// Runs for a case: enough to fill about 0.3 s, between 3 and 30.
fn runs_for(one: Duration) -> usize {
    ((0.3 / one.as_secs_f64().max(1e-6)) as usize).clamp(3, 30)
}

struct Row {
    case: &'static str,
    time: Duration,
    heap: usize,
}

fn measure<I, R>(
    case: &'static str,
    mut setup: impl FnMut() -> I,
    mut f: impl FnMut(I) -> R,
) -> Row {
    let probe = best_of_with(1, &mut setup, &mut f);
    let time = best_of_with(runs_for(probe), &mut setup, &mut f);
    let input = setup();
    let (_, heap) = peak_extra_heap(|| f(input));
    Row { case, time, heap }
}

/// A case of a table timed in rounds with the others ([`measure_rounds`]): `run(false)` times
/// one call on a fresh input, `run(true)` counts its peak extra heap.
struct Lazy<'a> {
    case: &'static str,
    run: Box<dyn FnMut(bool) -> (Duration, usize) + 'a>,
}

fn lazy<'a, I, R>(
    case: &'static str,
    mut setup: impl FnMut() -> I + 'a,
    mut f: impl FnMut(I) -> R + 'a,
) -> Lazy<'a> {
    Lazy {
        case,
        run: Box::new(move |heap| {
            let input = setup();
            if heap {
                (Duration::ZERO, peak_extra_heap(|| f(input)).1)
            } else {
                let t = std::time::Instant::now();
                let r = f(input);
                let time = t.elapsed();
                drop(r);
                (time, 0)
            }
        }),
    }
}

/// Times every case once per round, for as many rounds as fill about 1.5 s (3 to 30), and keeps
/// each case's fastest: a drift in the machine's load reaches all the cases of a table alike,
/// so their ratios (to the forward pass, to the probe) hold within one run. Then each case's
/// heap.
fn measure_rounds(mut cases: Vec<Lazy<'_>>) -> Vec<Row> {
    let mut best: Vec<Duration> = cases.iter_mut().map(|c| (c.run)(false).0).collect();
    let round: f64 = best.iter().map(Duration::as_secs_f64).sum();
    let rounds = ((1.5 / round.max(1e-6)) as usize).clamp(3, 30);
    for _ in 0..rounds {
        for (b, c) in best.iter_mut().zip(cases.iter_mut()) {
            *b = (*b).min((c.run)(false).0);
        }
    }
    cases
        .iter_mut()
        .zip(best)
        .map(|(c, time)| Row {
            case: c.case,
            time,
            heap: (c.run)(true).1,
        })
        .collect()
}

/// Several ways of computing the same thing, timed in alternation (one run of each per round,
/// the fastest round of each kept), so that the machine's load drifts across all of them alike;
/// then each one's heap.
fn measure_alternating<I, R>(
    cases: Vec<(&'static str, &dyn Fn(I) -> R)>,
    setup: impl Fn() -> I,
    rounds: usize,
) -> Vec<Row> {
    let mut best = vec![Duration::MAX; cases.len()];
    for _ in 0..rounds {
        for (b, (_, f)) in best.iter_mut().zip(&cases) {
            let input = setup();
            let t = std::time::Instant::now();
            let r = f(input);
            *b = (*b).min(t.elapsed());
            drop(r);
        }
    }
    (cases.iter().zip(best))
        .map(|((case, f), time)| {
            let input = setup();
            let (_, heap) = peak_extra_heap(|| f(input));
            Row { case, time, heap }
        })
        .collect()
}

/// The bandwidth probe (module docs): `x ← 0.5·x + y` over a fresh copy of the output-shaped
/// cotangent and the factor it is read with (`Ū` and `U` for a tall input, `V̄ᵀ` and `Vᵀ` for a
/// wide one), single-threaded, in their memory order.
fn probe<'a>(
    u: &'a ArcArray2<f64>,
    du: &'a Array2<f64>,
    dvt: &'a Array2<f64>,
    vt: &'a ArcArray2<f64>,
) -> Lazy<'a> {
    let (x, y) = if u.nrows() >= vt.ncols() {
        (du, u)
    } else {
        (dvt, vt)
    };
    lazy(
        "bandwidth probe x ← 0.5·x + y (1 thread)",
        || {
            // A fresh copy in the cotangent's memory order, as the pullback receives it.
            let mut fresh = Array2::zeros(x.raw_dim().set_f(x.is_standard_layout().not()));
            fresh.assign(x);
            fresh
        },
        |mut fresh: Array2<f64>| {
            fresh.zip_mut_with(y, |a, &b| *a = 0.5 * *a + b);
            fresh
        },
    )
}

fn report(m: usize, n: usize) -> Vec<Row> {
    let k = m.min(n);
    let x = test_matrix(m, n, (m + n) as u64);
    let ((u, s, vt), pb) = svd::rrule(x.view());
    let du = test_matrix(m, k, 1);
    let dvt = test_matrix(k, n, 2);
    let ds: Array1<f64> = (0..k).map(|i| 1.0 + i as f64 / k as f64).collect();
    let mut cases = vec![
        lazy("forward svd::rrule", || (), |()| svd::rrule(x.view())),
        lazy(
            "dense pullback",
            || (du.clone(), ds.clone(), dvt.clone()),
            |c| pb.pullback(c),
        ),
        lazy(
            "pattern (dU, Zero, Zero)",
            || du.clone(),
            |c| -> Array2<f64> { pb.pullback((c, Zero, Zero)) },
        ),
        lazy(
            "pattern (Zero, Zero, dVt)",
            || dvt.clone(),
            |c| -> Array2<f64> { pb.pullback((Zero, Zero, c)) },
        ),
        lazy(
            "pattern (Zero, dS, Zero) = svdvals",
            || ds.clone(),
            |c| -> Array2<f64> { pb.pullback((Zero, c, Zero)) },
        ),
        lazy("hand-written (U * s̄)·Vt", || (), |()| (&u * &ds).dot(&vt)),
        probe(&u, &du, &dvt, &vt),
        lazy(
            "gradient of sum(U) = forward + (dU, Zero, Zero)",
            || Array2::<f64>::ones((m, k)),
            // As the tape runs it: the program holds `U`, drops `Vᵀ`, and the pullback runs
            // once (a wide input's gradient then goes into `Vᵀ`'s buffer).
            |ones| -> Array2<f64> {
                let ((_u, _s, vt), pb) = svd::rrule(x.view());
                drop(vt);
                pb.pullback_once((ones, Zero, Zero))
            },
        ),
        lazy(
            "dense fed explicit zeros, s̄ only",
            // Written, not calloc'd: `from_elem(.., 0.0)` is `vec![0.0; n]`, which std
            // allocates zeroed (calloc, fresh pages from the system for a large buffer), and the
            // first write into each page would then fault inside the timed call (47–53 ms of
            // page faults at 200000×10 on a VM, against 3.5 ms of work). Filled with ones first,
            // the pages are touched here.
            || {
                let z = |r, c| {
                    let mut z = Array2::from_elem((r, c), 1.0);
                    z.fill(0.0);
                    z
                };
                (z(m, k), ds.clone(), z(k, n))
            },
            |c| pb.pullback(c),
        ),
    ];
    if (m * m + n * n) * 8 <= TEXTBOOK_LIMIT {
        cases.push(lazy(
            "textbook (I − UUᵀ) dense",
            || (),
            |()| textbook_svd_pullback(&u.view(), &s, &vt.view(), &du, &ds, &dvt),
        ));
    }
    measure_rounds(cases)
}

/// The elementary rules: forward and dense pullback (a cotangent of ones, all inputs' cotangents),
/// the cases `bench/peers/run_peers.py` measures for PyTorch and JAX: matmul 512×512 by
/// 512×512, a bias row added to 4096×512, tanh of 10⁶ entries, log_softmax and cross_entropy of
/// 4096×512 logits along the rows.
fn ops_report() -> Vec<(Row, &'static str)> {
    use rules_core::ops;
    let a = test_matrix(512, 512, 11);
    let b = test_matrix(512, 512, 12);
    let h = test_matrix(4096, 512, 13);
    let bias: Array1<f64> = test_matrix(1, 512, 14).remove_axis(ndarray::Axis(0));
    let v: Array1<f64> = test_matrix(1, 1_000_000, 15).remove_axis(ndarray::Axis(0));
    let logits = test_matrix(4096, 512, 16).mapv(|x| 4.0 * x);
    let labels: Vec<usize> = (0..4096).map(|i| (i * 7919) % 512).collect();
    let rows = ndarray::Axis(1);
    let ones2 = |m, n| move || Array2::<f64>::ones((m, n));
    vec![
        (
            measure_reusing("matmul", ones2(512, 512), |c| {
                let (y, pb) = ops::matmul::rrule(a.view(), b.view());
                ((y, pb.pullback(c)), None::<Array2<f64>>)
            }),
            "512×512 · 512×512",
        ),
        (
            measure_reusing("add (bias row)", ones2(4096, 512), |c| {
                let (y, pb) = ops::add::rrule(h.view(), bias.view());
                let (dh, db) = pb.pullback(c);
                ((y, db), Some(dh))
            }),
            "4096×512 + 512",
        ),
        (
            measure_reusing(
                "tanh",
                || Array1::<f64>::ones(1_000_000),
                |c| {
                    let (y, pb) = ops::tanh::rrule(v.view());
                    (y, Some(pb.pullback(c)))
                },
            ),
            "10⁶",
        ),
        (
            measure_reusing("log_softmax (rows)", ones2(4096, 512), |c| {
                let (y, pb) = ops::log_softmax::rrule(logits.view(), rows);
                let (da, _) = pb.pullback(c);
                (y, Some(da))
            }),
            "4096×512",
        ),
        (
            measure(
                "cross_entropy",
                || 1.0,
                |c| {
                    let (y, pb) = ops::cross_entropy::rrule(logits.view(), &labels);
                    (y, pb.pullback(c))
                },
            ),
            "4096×512",
        ),
    ]
}

/// As [`measure`], for a pullback whose input cotangent's buffer comes back as an output
/// cotangent (`Some`): that buffer is filled with ones again, outside the timed region, and is
/// the next run's cotangent, as the peers' scripts pass one tensor of ones to every run. (A
/// fresh cotangent per run, freed after the next forward pass's allocation, made glibc return
/// the pages to the system every run: the runs then timed page faults, 3 ms of the 4 ms of
/// `add`.)
fn measure_reusing<R, D: ndarray::Dimension, E: ndarray::Dimension>(
    case: &'static str,
    fresh: impl Fn() -> ndarray::Array<f64, D>,
    mut f: impl FnMut(ndarray::Array<f64, D>) -> (R, Option<ndarray::Array<f64, E>>),
) -> Row {
    let mut spare: Option<ndarray::Array<f64, D>> = None;
    let mut once = |spare: &mut Option<ndarray::Array<f64, D>>| {
        let c: ndarray::Array<f64, D> = match spare.take() {
            Some(mut c) => {
                c.fill(1.0);
                c
            }
            None => fresh(),
        };
        let t = std::time::Instant::now();
        let (r, back) = f(c);
        let time = t.elapsed();
        drop(r);
        *spare = back.and_then(|b| b.into_dimensionality::<D>().ok());
        time
    };
    let probe = once(&mut spare);
    let time = (0..runs_for(probe))
        .map(|_| once(&mut spare))
        .min()
        .unwrap_or(probe);
    drop(spare);
    let c = fresh();
    let (_, heap) = peak_extra_heap(|| f(c));
    Row { case, time, heap }
}

/// The mlp's parameters on the tape.
type MlpVars<'t> = (
    rules_core::tape::Var<'t, Array2<f64>>,
    rules_core::tape::Var<'t, Array1<f64>>,
    rules_core::tape::Var<'t, Array2<f64>>,
    rules_core::tape::Var<'t, Array1<f64>>,
);

/// The mlp of [`tape_report`] as one derived rule: its pullback calls the same rules' pullbacks,
/// chosen at compile time (`x` and `y` are constants, so `matmul` is asked for W₁'s cotangent
/// only, and `mse` for the prediction's).
#[rules_core::rrule(derive)]
fn mlp_derived(
    #[no_grad] x: ArrayView2<'_, f64>,
    #[no_grad] y: ArrayView2<'_, f64>,
    w1: ArrayView2<'_, f64>,
    b1: ArrayView1<'_, f64>,
    w2: ArrayView2<'_, f64>,
    b2: ArrayView1<'_, f64>,
) -> f64 {
    use rules_core::{linalg, ops};
    let h = ops::tanh(ops::add(ops::matmul(x, w1).view(), b1).view());
    let out = ops::add(ops::matmul(h.view(), w2).view(), b2);
    let fit = ops::mse(out.view(), y);
    fit + 0.1 * linalg::svdvals(w1).sum()
}

/// The tape's programs (`bench/peers/run_peers.py --tape` runs the same with PyTorch and JAX),
/// each the whole gradient, forward included, in f64, on the tape and with the same rules
/// chained by hand; and the tape's cost per node on a chain of 1000 scalar multiplications.
///
/// * `mlp`: X 4096×256 → 512 tanh → 10, mse + 0.1·Σ svdvals(W₁), gradient in W₁, b₁, W₂, b₂;
/// * `subspace`: Z = tanh(X W + b), X 100000×32, (U, S, Vᵀ) = svd(Z),
///   loss 0.01·Σ S − ‖UᵀY‖² with Y 100000×4, gradient in W and b.
fn tape_report() -> Vec<(Row, &'static str)> {
    use rules_core::tape::{Var, value_and_grad};
    use rules_core::{Need, PullbackFor, Skip, linalg, ops};
    let x = test_matrix(4096, 256, 21);
    let y = test_matrix(4096, 10, 22);
    let w1 = test_matrix(256, 512, 23).mapv(|v| v / 16.0);
    let b1: Array1<f64> = test_matrix(1, 512, 24).remove_axis(ndarray::Axis(0));
    let w2 = test_matrix(512, 10, 25).mapv(|v| v / 22.6);
    let b2: Array1<f64> = test_matrix(1, 10, 26).remove_axis(ndarray::Axis(0));
    let params = (w1, b1, w2, b2);
    let mlp_tape = |p: (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>)| {
        value_and_grad(
            |t, (w1, b1, w2, b2): MlpVars<'_>| {
                let h = ops::tanh::on(t, &ops::add::on(t, &ops::matmul::on(t, &x, &w1), &b1));
                let out = ops::add::on(t, &ops::matmul::on(t, &h, &w2), &b2);
                let fit = ops::mse::on(t, &out, &y);
                &fit + &(&linalg::svdvals::on(t, &w1).sum() * 0.1)
            },
            p,
        )
    };
    let mlp_hand = |(w1, b1, w2, b2): (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>)| {
        let (z, pb_mm1) = ops::matmul::rrule(x.view(), w1.view());
        let (a, pb_add1) = ops::add::rrule(z.view(), b1.view());
        drop(z);
        let (h, pb_tanh) = ops::tanh::rrule(a.view());
        let (o, pb_mm2) = ops::matmul::rrule(h.view(), w2.view());
        let (out, pb_add2) = ops::add::rrule(o.view(), b2.view());
        drop(o);
        let (fit, pb_mse) = ops::mse::rrule(out.view(), y.view());
        let (s, pb_s) = linalg::svdvals::rrule(w1.view());
        let loss = fit + 0.1 * s.sum();
        let (dout, _) = pb_mse.pullback_for((Need, Skip), 1.0);
        let (do_, db2) = pb_add2.pullback(dout);
        let (dh, dw2) = pb_mm2.pullback(do_);
        let da = pb_tanh.pullback(dh);
        let (dz, db1) = pb_add1.pullback(da);
        let (_, dw1) = pb_mm1.pullback_for((Skip, Need), dz);
        let dw1 = dw1 + pb_s.pullback(Array1::from_elem(s.len(), 0.1));
        (loss, (dw1, db1, dw2, db2))
    };
    let mlp_derive = |(w1, b1, w2, b2): (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>)| {
        let (loss, pb) = mlp_derived::rrule(
            x.view(),
            y.view(),
            w1.view(),
            b1.view(),
            w2.view(),
            b2.view(),
        );
        let (_, _, dw1, db1, dw2, db2) = pb.pullback(1.0);
        (loss, (dw1, db1, dw2, db2))
    };
    let xs = test_matrix(100_000, 32, 31);
    let ys = test_matrix(100_000, 4, 32);
    let w = test_matrix(32, 32, 33).mapv(|v| v / 5.7);
    let b: Array1<f64> = test_matrix(1, 32, 34).remove_axis(ndarray::Axis(0));
    let sub_tape = |p: (Array2<f64>, Array1<f64>)| {
        value_and_grad(
            |t, (w, b): (Var<'_, Array2<f64>>, Var<'_, Array1<f64>>)| {
                let z = ops::tanh::on(t, &ops::add::on(t, &ops::matmul::on(t, &xs, &w), &b));
                let (u, s, _vt) = linalg::svd::on(t, &z);
                let uty = ops::matmul::on(t, &ops::transpose::on(t, &u), &ys);
                &(&s.sum() * 0.01) - &uty.sum_sq()
            },
            p,
        )
    };
    let sub_hand = |(w, b): (Array2<f64>, Array1<f64>)| {
        let (xw, pb_mm) = ops::matmul::rrule(xs.view(), w.view());
        let (a, pb_add) = ops::add::rrule(xw.view(), b.view());
        drop(xw);
        let (z, pb_tanh) = ops::tanh::rrule(a.view());
        let ((u, s, _vt), pb_svd) = linalg::svd::rrule(z.view());
        let (ut, pb_t) = ops::transpose::rrule(u.view());
        let (uty, pb_mm2) = ops::matmul::rrule(ut.view(), ys.view());
        let (q, pb_q) = ops::sum_sq::rrule(uty.view());
        let loss = 0.01 * s.sum() - q;
        let duty = pb_q.pullback(-1.0);
        let (dut, _) = pb_mm2.pullback_for((Need, Skip), duty);
        let du = pb_t.pullback(dut);
        let ds = Array1::from_elem(s.len(), 0.01);
        let dz = pb_svd.pullback((du, ds, Zero));
        let da = pb_tanh.pullback(dz);
        let (dxw, db) = pb_add.pullback(da);
        let (_, dw) = pb_mm.pullback_for((Skip, Need), dxw);
        (loss, (dw, db))
    };
    // The two ways agree before they are timed.
    let (l_t, g_t) = mlp_tape(params.clone());
    let (l_h, g_h) = mlp_hand(params.clone());
    assert!(
        (l_t - l_h).abs() <= 1e-9 * l_h.abs() && (&g_t.0 - &g_h.0).iter().all(|d| d.abs() < 1e-9)
    );
    let (l_d, g_d) = mlp_derive(params.clone());
    assert!(
        (l_d - l_h).abs() <= 1e-12 * l_h.abs()
            && (&g_d.0 - &g_h.0).iter().all(|d| d.abs() < 1e-9)
            && (&g_d.3 - &g_h.3).iter().all(|d| d.abs() < 1e-9)
    );
    let (l_t, g_t) = sub_tape((w.clone(), b.clone()));
    let (l_h, g_h) = sub_hand((w.clone(), b.clone()));
    assert!(
        (l_t - l_h).abs() <= 1e-9 * l_h.abs() && (&g_t.0 - &g_h.0).iter().all(|d| d.abs() < 1e-6)
    );
    // A chain of 1000 scalar nodes: the tape's own cost.
    let chain = |x0: f64| {
        value_and_grad(
            |_t, x: Var<'_, f64>| {
                let mut y = x;
                for _ in 0..1000 {
                    y = &y * 1.0001;
                }
                y
            },
            x0,
        )
    };
    // The three ways of the mlp alternate: their differences are smaller than the drift of a
    // shared machine between one block of runs and the next.
    type Mlp = (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>);
    type MlpOut = (f64, Mlp);
    let mlp_cases: Vec<(&'static str, &dyn Fn(Mlp) -> MlpOut)> = vec![
        ("mlp: tape", &mlp_tape),
        ("mlp: hand-chained", &mlp_hand),
        ("mlp: derived rule", &mlp_derive),
    ];
    let mut rows: Vec<(Row, &'static str)> = measure_alternating(mlp_cases, || params.clone(), 15)
        .into_iter()
        .map(|r| (r, "mlp"))
        .collect();
    rows.extend([
        (
            measure("subspace: tape", || (w.clone(), b.clone()), sub_tape),
            "subspace",
        ),
        (
            measure(
                "subspace: hand-chained",
                || (w.clone(), b.clone()),
                sub_hand,
            ),
            "subspace",
        ),
        (
            measure("chain of 1000 scalar nodes: tape", || 0.5, chain),
            "chain",
        ),
    ]);
    rows
}

/// The rows of a linear-algebra table, with heap relative to the input.
fn print_rows(rows: Vec<(Row, (usize, usize))>) {
    for (r, (m, n)) in rows {
        let in_mb = (m * n * 8) as f64 / MB;
        println!(
            "  {:<26} {:>11} {:>10.3} {:>10.2} {:>9.2}",
            r.case,
            format!("{m}×{n}"),
            ms(r.time),
            r.heap as f64 / MB,
            r.heap as f64 / MB / in_mb
        );
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    if std::env::args().any(|a| a == "--tape") {
        println!("tape: whole gradient (forward included), f64, fastest of several runs");
        println!("  {:<36} {:>10} {:>10}", "program", "ms", "heap MB");
        for (r, _) in tape_report() {
            println!(
                "  {:<36} {:>10.3} {:>10.2}",
                r.case,
                ms(r.time),
                r.heap as f64 / MB
            );
        }
        return;
    }
    if std::env::args().any(|a| a == "--forward") {
        println!("linalg forward mode: value + pushforward of one tangent per input, f64");
        println!(
            "  {:<26} {:>11} {:>10} {:>10} {:>9}",
            "rule", "shape", "ms", "heap MB", "÷ input"
        );
        print_rows(forward_report());
        return;
    }
    let linalg_only = std::env::args().any(|a| a == "--linalg");
    if std::env::args().any(|a| a == "--ops") {
        println!("ops: forward + dense pullback (cotangent of ones), f64");
        println!(
            "  {:<22} {:>20} {:>10} {:>10}",
            "rule", "shape", "ms", "heap MB"
        );
        for (r, shape) in ops_report() {
            println!(
                "  {:<22} {:>20} {:>10.3} {:>10.2}",
                r.case,
                shape,
                ms(r.time),
                r.heap as f64 / MB
            );
        }
        return;
    }
    // `--shape MxN` (repeatable): those SVD shapes alone, for a focused run.
    let args: Vec<String> = std::env::args().collect();
    let chosen: Vec<(usize, usize)> = args
        .windows(2)
        .filter(|w| w[0] == "--shape")
        .filter_map(|w| {
            let (m, n) = w[1].split_once('x')?;
            Some((m.parse().ok()?, n.parse().ok()?))
        })
        .collect();
    let shapes: &[(usize, usize)] = if !chosen.is_empty() {
        &chosen
    } else if quick {
        &[(20_000, 10), (10, 20_000), (500, 500)]
    } else {
        &[
            (20_000, 10),
            (200_000, 10),
            (10, 20_000),
            (10, 200_000),
            (500, 500),
            (2_000, 200),
        ]
    };
    println!(
        "SVD rule: fastest time and peak extra heap per case; ratios to the forward SVD of the same run."
    );
    println!(
        "(`cargo run --release --example perf_report`; heap counted by a counting global allocator)\n"
    );
    for &(m, n) in shapes.iter().filter(|_| !linalg_only) {
        let rows = report(m, n);
        let fwd = rows[0].time;
        let probe = rows
            .iter()
            .find(|r| r.case.starts_with("bandwidth probe"))
            .map_or(fwd, |r| r.time);
        let out_mb = (m * n * 8) as f64 / MB;
        println!("{m}×{n} (output {out_mb:.2} MB)");
        println!(
            "  {:<48} {:>10} {:>8} {:>8} {:>12} {:>9}",
            "case", "ms", "÷ fwd", "÷ probe", "heap MB", "÷ output"
        );
        for r in &rows {
            println!(
                "  {:<48} {:>10.3} {:>8.2} {:>8.2} {:>12.2} {:>9.2}",
                r.case,
                ms(r.time),
                r.time.as_secs_f64() / fwd.as_secs_f64(),
                r.time.as_secs_f64() / probe.as_secs_f64(),
                r.heap as f64 / MB,
                r.heap as f64 / MB / out_mb
            );
        }
        println!();
    }

    if !chosen.is_empty() {
        return;
    }
    println!(
        "linalg rules: gradient of the sum of every output's entries (ones), forward included"
    );
    println!(
        "  {:<26} {:>11} {:>10} {:>10} {:>9}",
        "rule", "shape", "ms", "heap MB", "÷ input"
    );
    print_rows(linalg_report());
    println!();
    if linalg_only {
        return;
    }

    // Time and memory against the number of rows, 10 columns: textbook and projection-first.
    let row_counts: &[usize] = if quick {
        &[1_000, 10_000, 100_000]
    } else {
        &[1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000]
    };
    let (mut t_proj, mut h_proj, mut t_text, mut h_text) = (vec![], vec![], vec![], vec![]);
    println!("dense pullback against rows (10 columns):");
    println!(
        "  {:>9} {:>16} {:>16} {:>16} {:>16}",
        "rows", "projection ms", "projection MB", "textbook ms", "textbook MB"
    );
    for &m in row_counts {
        let n = 10;
        let x = test_matrix(m, n, 3);
        let ((u, s, vt), pb) = svd::rrule(x.view());
        let du = test_matrix(m, n, 4);
        let dvt = test_matrix(n, n, 5);
        let ds = Array1::ones(n);
        let p = measure(
            "projection-first",
            || (du.clone(), ds.clone(), dvt.clone()),
            |c| pb.pullback(c),
        );
        t_proj.push((m as f64, ms(p.time)));
        h_proj.push((m as f64, p.heap as f64 / MB));
        let text = if m <= 10_000 {
            let t = measure(
                "textbook",
                || (),
                |()| textbook_svd_pullback(&u.view(), &s, &vt.view(), &du, &ds, &dvt),
            );
            t_text.push((m as f64, ms(t.time)));
            h_text.push((m as f64, t.heap as f64 / MB));
            format!("{:>16.3} {:>16.2}", ms(t.time), t.heap as f64 / MB)
        } else {
            format!("{:>16} {:>16}", "(m×m too big)", "")
        };
        println!(
            "  {m:>9} {:>16.3} {:>16.2} {text}",
            ms(p.time),
            p.heap as f64 / MB
        );
    }
    let series_t = [
        Series {
            name: "textbook (I − UUᵀ)",
            color: "#d62728",
            points: t_text,
        },
        Series {
            name: "projection-first (rules-core)",
            color: "#1f77b4",
            points: t_proj,
        },
    ];
    let series_h = [
        Series {
            name: "textbook (I − UUᵀ)",
            color: "#d62728",
            points: h_text,
        },
        Series {
            name: "projection-first (rules-core)",
            color: "#1f77b4",
            points: h_proj,
        },
    ];
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="420" font-family="sans-serif"><rect width="1000" height="420" fill="white"/>{}{}<text x="500" y="414" font-size="11" text-anchor="middle" fill="#555">dense SVD pullback, m×10, f64; measured by cargo run --release --example perf_report</text></svg>"##,
        svg_loglog_panel(
            &Panel {
                x0: 0.0,
                y0: 0.0,
                w: 500.0,
                h: 400.0,
                title: "time of the pullback",
                x_label: "rows m",
                y_label: "ms"
            },
            &series_t
        ),
        svg_loglog_panel(
            &Panel {
                x0: 500.0,
                y0: 0.0,
                w: 500.0,
                h: 400.0,
                title: "peak extra heap of the pullback",
                x_label: "rows m",
                y_label: "MB"
            },
            &series_h
        ),
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = if std::env::args().any(|a| a == "--update-plot") {
        root.join("bench/perf.svg")
    } else {
        // Under the build directory, so that running the example does not modify the checkout.
        std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| root.join("target"), std::path::PathBuf::from)
            .join("perf.svg")
    };
    match std::fs::write(&path, svg) {
        Ok(()) => println!("\nplot written to {}", path.display()),
        Err(e) => println!("\ncould not write {}: {e}", path.display()),
    }
}
