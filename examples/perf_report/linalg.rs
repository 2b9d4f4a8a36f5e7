//! perf_report's linear-algebra tables: the whole gradient of each rule (forward included), and
//! its forward mode (value and pushforward of a tangent), the cases `bench/peers/run_peers.py`
//! measures with PyTorch (`backward`, `torch.func.jvp`) and JAX (`jax.grad`, `jax.jvp`, jitted).

use ndarray::{Array1, Array2};
use num_complex::Complex;
use rules_core::linalg::{
    Norm, Triangle, cholesky, det, eig, eigh, eigvals, eigvalsh, inv, lstsq, lu, matrix_exp,
    matrix_norm, pinv, qr, slogdet, solve, solve_triangular, svd, svdvals,
};
use rules_core::{NoTangent, Pullback, Pushforward, Zero};
use rules_examples::test_matrix;

use super::{Row, measure};

/// The inputs every case draws from: `n`×`n` (500) and 20000×10.
struct Inputs {
    n: usize,
    x: Array2<f64>,
    spd: Array2<f64>,
    well: Array2<f64>,
    lower: Array2<f64>,
    scaled: Array2<f64>,
    b: Array2<f64>,
    b10: Array2<f64>,
    tall: Array2<f64>,
    tall_b: Array2<f64>,
    complex: Array2<Complex<f64>>,
}

fn inputs() -> Inputs {
    let n = 500;
    let x = test_matrix(n, n, 7);
    let spd = x.dot(&x.t()) / n as f64 + Array2::<f64>::eye(n);
    let well = Array2::<f64>::eye(n) + &x / (n as f64).sqrt();
    let lower = Array2::from_shape_fn((n, n), |(i, j)| if j <= i { well[[i, j]] } else { 0.0 });
    let scaled = &x / (n as f64).sqrt();
    let im = test_matrix(n, n, 10);
    let complex = ndarray::Zip::from(&x)
        .and(&im)
        .map_collect(|&re, &im| Complex::new(re, im));
    Inputs {
        n,
        x,
        spd,
        well,
        lower,
        scaled,
        b: test_matrix(n, n, 8),
        b10: test_matrix(n, 10, 12),
        tall: test_matrix(20_000, 10, 9),
        tall_b: test_matrix(20_000, 10, 13),
        complex,
    }
}

fn ones(m: usize, k: usize) -> Array2<f64> {
    Array2::ones((m, k))
}

/// `Σ|V_ij|⁴`'s cotangent, `4|V|²∘V` (phase-invariant, so PyTorch accepts it too).
fn quartic(v: &Array2<Complex<f64>>) -> Array2<Complex<f64>> {
    v.mapv(|z| z * (4.0 * z.norm_sqr()))
}

/// The whole gradient (forward included) of the sum of every output's entries, as
/// `bench/peers/run_peers.py` measures it for PyTorch and JAX: dense cotangents of ones, at
/// 500×500, and at 20000×10 for the rules with a tall form. Inputs as in `run_peers.py`:
/// symmetric positive definite for `eigh`, `eigvalsh`, `cholesky`; `I + X/√n` for the solves
/// (its lower triangle for `solve_triangular`); `X/√n` for `matrix_exp`; `X` otherwise.
pub(crate) fn linalg_report() -> Vec<(Row, (usize, usize))> {
    let d = inputs();
    let n = d.n;
    let sq = (n, n);
    let tall = (20_000, 10);
    let c1 = |k: usize| Array1::<f64>::ones(k);
    vec![
        (
            measure(
                "eigh",
                || (c1(n), ones(n, n)),
                |c| eigh::rrule(d.spd.view()).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "eigvalsh",
                || c1(n),
                |c| eigvalsh::rrule(d.spd.view()).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "cholesky",
                || ones(n, n),
                |c| cholesky::rrule(d.spd.view()).map(|(_, pb)| pb.pullback(c)),
            ),
            sq,
        ),
        (
            measure(
                "qr",
                || (ones(n, n), ones(n, n)),
                |c| qr::rrule(d.x.view()).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "qr",
                || (ones(20_000, 10), ones(10, 10)),
                |c| qr::rrule(d.tall.view()).1.pullback(c),
            ),
            tall,
        ),
        (
            measure(
                "solve",
                || ones(n, n),
                |c| solve::rrule(d.well.view(), d.b.view()).map(|(_, pb)| pb.pullback(c)),
            ),
            sq,
        ),
        (
            measure(
                "inv",
                || ones(n, n),
                |c| inv::rrule(d.well.view()).map(|(_, pb)| pb.pullback(c)),
            ),
            sq,
        ),
        (
            measure("det", || 1.0, |c| det::rrule(d.well.view()).1.pullback(c)),
            sq,
        ),
        (
            measure(
                "slogdet (log|det| only)",
                || 1.0,
                |c| -> Array2<f64> { slogdet::rrule(d.well.view()).1.pullback((Zero, c)) },
            ),
            sq,
        ),
        (
            measure(
                "pinv",
                || ones(n, n),
                |c| pinv::rrule(d.x.view()).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "pinv",
                || ones(10, 20_000),
                |c| pinv::rrule(d.tall.view()).1.pullback(c),
            ),
            tall,
        ),
        (
            measure(
                "svdvals (complex, Σ s)",
                || Array1::<f64>::ones(n),
                |c| svdvals::rrule(d.complex.view()).1.pullback(c),
            ),
            sq,
        ),
        // The rules of the forward-mode issue.
        (
            measure(
                "lu (Σ L + Σ U)",
                || (NoTangent, ones(n, n), ones(n, n)),
                |c| lu::rrule(d.x.view()).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "lu (Σ L + Σ U)",
                || (NoTangent, ones(20_000, 10), ones(10, 10)),
                |c| lu::rrule(d.tall.view()).1.pullback(c),
            ),
            tall,
        ),
        (
            measure(
                "solve_triangular",
                || ones(n, n),
                |c| {
                    solve_triangular::rrule(d.lower.view(), d.b.view(), Triangle::Lower)
                        .map(|(_, pb)| pb.pullback(c))
                },
            ),
            sq,
        ),
        (
            measure(
                "lstsq (b with 10 columns)",
                || ones(n, 10),
                |c| lstsq::rrule(d.x.view(), d.b10.view()).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "lstsq (b with 10 columns)",
                || ones(10, 10),
                |c| lstsq::rrule(d.tall.view(), d.tall_b.view()).1.pullback(c),
            ),
            tall,
        ),
        (
            measure(
                "matrix_exp",
                || ones(n, n),
                |c| matrix_exp::rrule(d.scaled.view()).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "eig (Σ Re λ + Σ|V|⁴)",
                || (),
                |()| {
                    let ((_, v), pb) = eig::rrule(d.x.view());
                    pb.pullback((Array1::from_elem(n, Complex::new(1.0, 0.0)), quartic(&v)))
                },
            ),
            sq,
        ),
        (
            measure(
                "eigvals (Σ Re λ)",
                || Array1::from_elem(n, Complex::new(1.0, 0.0)),
                |c| eigvals::rrule(d.x.view()).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "matrix_norm (nuclear)",
                || 1.0,
                |c| matrix_norm::rrule(d.x.view(), Norm::Nuclear).1.pullback(c),
            ),
            sq,
        ),
        (
            measure(
                "matrix_norm (nuclear)",
                || 1.0,
                |c| {
                    matrix_norm::rrule(d.tall.view(), Norm::Nuclear)
                        .1
                        .pullback(c)
                },
            ),
            tall,
        ),
        (
            measure(
                "matrix_norm (spectral)",
                || 1.0,
                |c| matrix_norm::rrule(d.x.view(), Norm::Spectral).1.pullback(c),
            ),
            sq,
        ),
    ]
}

/// Forward mode: the value and the pushforward of one tangent of each input (`t`, a fixed random
/// matrix of the input's shape), every output's tangent.
pub(crate) fn forward_report() -> Vec<(Row, (usize, usize))> {
    let d = inputs();
    let n = d.n;
    let sq = (n, n);
    let tall = (20_000, 10);
    let wide_x = d.tall.t().to_owned();
    let t = test_matrix(n, n, 11);
    let t_tall = test_matrix(20_000, 10, 14);
    let t_wide = t_tall.t().to_owned();
    let t10 = test_matrix(n, 10, 15);
    let tv = |x: &Array2<f64>| x.clone();
    vec![
        (
            measure(
                "svd",
                || tv(&t),
                |t| svd::frule(d.x.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure(
                "svd",
                || tv(&t_tall),
                |t| svd::frule(d.tall.view()).1.pushforward(t),
            ),
            tall,
        ),
        (
            measure(
                "svd",
                || tv(&t_wide),
                |t| svd::frule(wide_x.view()).1.pushforward(t),
            ),
            (10, 20_000),
        ),
        (
            measure(
                "svdvals",
                || tv(&t),
                |t| svdvals::frule(d.x.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure("qr", || tv(&t), |t| qr::frule(d.x.view()).1.pushforward(t)),
            sq,
        ),
        (
            measure(
                "qr",
                || tv(&t_tall),
                |t| qr::frule(d.tall.view()).1.pushforward(t),
            ),
            tall,
        ),
        (
            measure(
                "pinv",
                || tv(&t),
                |t| pinv::frule(d.x.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure(
                "eigh",
                || tv(&t),
                |t| eigh::frule(d.spd.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure(
                "eigvalsh",
                || tv(&t),
                |t| eigvalsh::frule(d.spd.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure(
                "cholesky",
                || tv(&t),
                |t| cholesky::frule(d.spd.view()).map(|(_, pf)| pf.pushforward(t)),
            ),
            sq,
        ),
        (
            measure(
                "solve",
                || (tv(&t), tv(&t)),
                |t| solve::frule(d.well.view(), d.b.view()).map(|(_, pf)| pf.pushforward(t)),
            ),
            sq,
        ),
        (
            measure(
                "inv",
                || tv(&t),
                |t| inv::frule(d.well.view()).map(|(_, pf)| pf.pushforward(t)),
            ),
            sq,
        ),
        (
            measure(
                "det",
                || tv(&t),
                |t| det::frule(d.well.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure(
                "slogdet",
                || tv(&t),
                |t| slogdet::frule(d.well.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure("lu", || tv(&t), |t| lu::frule(d.x.view()).1.pushforward(t)),
            sq,
        ),
        (
            measure(
                "solve_triangular",
                || (tv(&t), tv(&t), NoTangent),
                |t| {
                    solve_triangular::frule(d.lower.view(), d.b.view(), Triangle::Lower)
                        .map(|(_, pf)| pf.pushforward(t))
                },
            ),
            sq,
        ),
        (
            measure(
                "lstsq (b with 10 columns)",
                || (tv(&t), tv(&t10)),
                |t| lstsq::frule(d.x.view(), d.b10.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure(
                "matrix_exp",
                || tv(&t),
                |t| matrix_exp::frule(d.scaled.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure(
                "eig",
                || tv(&t),
                |t| eig::frule(d.x.view()).1.pushforward(t),
            ),
            sq,
        ),
        (
            measure(
                "matrix_norm (nuclear)",
                || (tv(&t), NoTangent),
                |t| {
                    matrix_norm::frule(d.x.view(), Norm::Nuclear)
                        .1
                        .pushforward(t)
                },
            ),
            sq,
        ),
    ]
}
