//! Tests of the small kernels against ndarray's products, and an ignored timing against faer.

use super::*;
use ndarray::{Array2, ShapeBuilder};

fn rand(rng: &mut crate::testing::Rng, r: usize, c: usize, f_order: bool) -> Array2<f64> {
    let mut a = Array2::zeros((r, c).set_f(f_order));
    a.mapv_inplace(|_| rng.uniform() - 0.5);
    a
}

fn max_err<T: num_traits::Float>(a: &Array2<T>, b: &Array2<T>) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (x - y).abs().to_f64().unwrap_or(f64::NAN))
        .fold(0.0, f64::max)
}

/// Every served layout, with and without `own`, against ndarray's products, at row counts
/// around the vector widths (so that the pairs, the single rows and the scalar tails all
/// run) and every width up to `MAX_K`; in `f64` and `f32`.
#[test]
fn fused_rows_and_gram_match_plain_products() {
    let mut rng = crate::testing::Rng::new(21);
    for rows in [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 250] {
        for (k, c) in [
            (1, 1),
            (2, 3),
            (3, 2),
            (4, 4),
            (5, 5),
            (10, 10),
            (16, 16),
            (16, 5),
            (7, 16),
        ] {
            for f_order in [false, true] {
                let x = rand(&mut rng, rows, k, f_order);
                let b = rand(&mut rng, k, c, false);
                let own = rand(&mut rng, c, c, true);
                let y0 = rand(&mut rng, rows, c, f_order);
                for with_own in [false, true] {
                    let mut want = x.dot(&b);
                    if with_own {
                        want += &y0.dot(&own);
                    }
                    let mut got = y0.clone();
                    let own_view = with_own.then(|| own.view());
                    assert!(f64::fused_rows(
                        got.view_mut(),
                        x.view(),
                        b.view(),
                        own_view
                    ));
                    let what =
                        format!("fused {rows}×{c}, k = {k}, F = {f_order}, own = {with_own}");
                    assert!(
                        max_err(&got, &want) < 1e-13,
                        "{what}: {}",
                        max_err(&got, &want)
                    );
                    // f32, against the f64 product of the same (rounded) entries.
                    let x32 = x.mapv(|v| v as f32);
                    let mut got32 = y0.mapv(|v| v as f32);
                    let (b32, own32) = (b.mapv(|v| v as f32), own.mapv(|v| v as f32));
                    assert!(f32::fused_rows(
                        got32.view_mut(),
                        x32.view(),
                        b32.view(),
                        with_own.then(|| own32.view()),
                    ));
                    assert!(
                        max_err(&got32.mapv(f64::from), &want) < 1e-4,
                        "{what} (f32)"
                    );
                }
                // acc ← acc + xᵀ·y, onto a nonzero acc.
                let y = rand(&mut rng, rows, c, f_order);
                let acc0 = rand(&mut rng, k, c, true);
                let want = &acc0 + &x.t().dot(&y);
                let mut got = acc0.clone();
                assert!(f64::gram(got.view_mut(), x.view(), y.view()));
                let what = format!("gram {rows}: {k}×{c}, F = {f_order}");
                assert!(
                    max_err(&got, &want) < 1e-12,
                    "{what}: {}",
                    max_err(&got, &want)
                );
                let mut got32 = acc0.mapv(|v| v as f32);
                let (x32, y32) = (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
                assert!(f32::gram(got32.view_mut(), x32.view(), y32.view()));
                assert!(
                    max_err(&got32.mapv(f64::from), &want) < 1e-3,
                    "{what} (f32)"
                );
            }
        }
    }
}

/// What the kernels do not serve, they leave alone and say so: widths past `MAX_K`, mixed
/// layouts, strided rows.
#[test]
fn unserved_shapes_and_layouts_are_declined() {
    let mut rng = crate::testing::Rng::new(3);
    let x = rand(&mut rng, 40, 17, false);
    let b = rand(&mut rng, 17, 4, false);
    let mut out = Array2::<f64>::zeros((40, 4));
    assert!(!f64::fused_rows(out.view_mut(), x.view(), b.view(), None));
    assert!(!f64::gram(
        out.view_mut().reversed_axes().to_owned().view_mut(),
        x.view(),
        out.view()
    ));
    // Row-major x with a column-major output.
    let x = rand(&mut rng, 40, 4, false);
    let mut out = Array2::<f64>::zeros((40, 4).f());
    assert!(!f64::fused_rows(
        out.view_mut(),
        x.view(),
        b.slice(ndarray::s![..4, ..]),
        None
    ));
    assert!(out.iter().all(|&v| v == 0.0));
    // Every other row of a row-major matrix: neither contiguous rows nor columns.
    let big = rand(&mut rng, 80, 4, false);
    let strided = big.slice(ndarray::s![..;2, ..]);
    let mut acc = Array2::<f64>::zeros((4, 4));
    assert!(!f64::gram(acc.view_mut(), strided, strided));
}

mod timing {
    use super::super::*;
    use crate::linalg::matmul;
    use ndarray::{Array2, ShapeBuilder, s};

    /// Not a test: `cargo test --release -p rules-core --lib kernels_timing -- --ignored
    /// --nocapture` prints the kernels' times against faer's on one thread.
    #[test]
    #[ignore]
    fn kernels_timing() {
        let best = |f: &mut dyn FnMut()| crate::linalg::best_ms(15, f);
        let mut rng = crate::testing::Rng::new(1);
        for f_order in [false, true] {
            let (m, k) = (200_000, 10);
            let mut x = Array2::<f64>::zeros((m, k).set_f(f_order));
            x.mapv_inplace(|_| rng.uniform());
            let mut y = x.clone();
            let b = Array2::<f64>::from_shape_fn((k, k), |(i, j)| (i + j) as f64);
            let rows = matmul::block_rows(k);
            let probe = best(&mut || y.zip_mut_with(&x, |a, &b| *a = 0.5 * *a + b));
            let ours_gram = best(&mut || {
                let mut acc = Array2::<f64>::zeros((k, k));
                for i in (0..m).step_by(rows) {
                    let e = (i + rows).min(m);
                    assert!(f64::gram(
                        acc.view_mut(),
                        x.slice(s![i..e, ..]),
                        y.slice(s![i..e, ..])
                    ));
                }
            });
            let faer_gram = best(&mut || {
                let mut acc = Array2::<f64>::zeros((k, k).f());
                for i in (0..m).step_by(rows) {
                    let e = (i + rows).min(m);
                    matmul::gemm_adjoint(
                        acc.view_mut(),
                        true,
                        x.slice(s![i..e, ..]),
                        y.slice(s![i..e, ..]),
                    );
                }
            });
            let ours_fused = best(&mut || {
                for i in (0..m).step_by(rows) {
                    let e = (i + rows).min(m);
                    assert!(f64::fused_rows(
                        y.slice_mut(s![i..e, ..]),
                        x.slice(s![i..e, ..]),
                        b.view(),
                        Some(b.view())
                    ));
                }
            });
            let mut tmp = Array2::<f64>::zeros((rows, k).set_f(f_order));
            let faer_fused = best(&mut || {
                for i in (0..m).step_by(rows) {
                    let e = (i + rows).min(m);
                    let mut t = tmp.slice_mut(s![..e - i, ..]);
                    matmul::gemm(t.view_mut(), false, x.slice(s![i..e, ..]), b.view(), 1.0);
                    matmul::gemm(t.view_mut(), true, y.slice(s![i..e, ..]), b.view(), 1.0);
                    y.slice_mut(s![i..e, ..]).assign(&t);
                }
            });
            println!(
                "F = {f_order}: probe {probe:.3} ms; gram ours {ours_gram:.3} faer {faer_gram:.3}; fused ours {ours_fused:.3} faer {faer_fused:.3}"
            );
        }
    }
}
