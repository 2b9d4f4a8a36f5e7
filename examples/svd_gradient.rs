//! The gradient of `f(X) = sum(svd(X).U)` for a 20000×10 input: the case that took seconds and
//! gigabytes with the textbook pullback. Everything printed is measured in this run.
//!
//! Run with `cargo run --release --example svd_gradient`.

use ndarray::{Array1, Array2};
use rules_core::linalg::{svd, svdvals};
use rules_core::{Pullback, Zero};
use rules_examples::{
    CountingAlloc, best_of, ms, peak_extra_heap, test_matrix, textbook_svd_pullback,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const MB: f64 = 1024.0 * 1024.0;

fn main() {
    let (m, n) = (20_000, 10);
    let x = test_matrix(m, n, 1);
    let out_mb = (m * n * 8) as f64 / MB;
    println!("f(X) = sum(svd(X).U), X is {m}×{n} (f64); the gradient is {out_mb:.2} MB");
    println!("timings: fastest of 10 runs after a warm-up, in this process\n");

    let (t_fwd, ((u, _, vt), pb)) = best_of(10, || svd::rrule(x.view()));
    println!(
        "forward thin SVD (svd::rrule)                 {:8.2} ms",
        ms(t_fwd)
    );

    // sum(U): Ū is all ones, S̄ and V̄t are Zero, so the (dU, Zero, Zero) pattern runs.
    let ones = Array2::<f64>::ones((m, n));
    let (t_pb, _) = best_of(10, || -> Array2<f64> {
        pb.pullback((ones.clone(), Zero, Zero))
    });
    let (t_clone, _) = best_of(10, || ones.clone());
    let (grad, heap) =
        peak_extra_heap(|| -> Array2<f64> { pb.pullback((ones.clone(), Zero, Zero)) });
    let heap_pb = heap.saturating_sub(m * n * 8); // the cotangent's own buffer, moved in
    println!(
        "pullback, pattern (dU, Zero, Zero)            {:8.2} ms   peak extra heap {:6.2} MB ({:.2}× the gradient)",
        ms(t_pb.saturating_sub(t_clone)),
        heap_pb as f64 / MB,
        heap_pb as f64 / (m * n * 8) as f64
    );
    let (t_whole, _) = best_of(10, || {
        let (_, pb) = svd::rrule(x.view());
        let g: Array2<f64> = pb.pullback((Array2::ones((m, n)), Zero, Zero));
        g
    });
    println!(
        "whole gradient (forward + pullback)           {:8.2} ms",
        ms(t_whole)
    );

    // The dense pullback fed explicit zeros, for comparison with the specialised pattern.
    let (t_dense, _) = best_of(10, || {
        pb.pullback((ones.clone(), Array1::zeros(n), Array2::zeros((n, n))))
    });
    println!(
        "dense pullback fed explicit zeros for S̄, V̄t   {:8.2} ms",
        ms(t_dense.saturating_sub(t_clone))
    );

    // Check the gradient against finite differences on a few entries. sum(U) depends on the sign
    // of each singular vector, which a perturbed SVD may flip: align the signs with U first.
    let f = |x: &Array2<f64>| {
        let up = svd(x.view()).0;
        up.columns()
            .into_iter()
            .zip(u.columns())
            .map(|(c, c0)| c.sum() * c.dot(&c0).signum())
            .sum::<f64>()
    };
    let mut worst = 0.0f64;
    for &(i, j) in &[(0, 0), (17, 3), (19_999, 9), (1234, 5)] {
        let h = 1e-5;
        let mut xp = x.clone();
        xp[[i, j]] += h;
        let mut xm = x.clone();
        xm[[i, j]] -= h;
        let fd = (f(&xp) - f(&xm)) / (2.0 * h);
        worst = worst.max((fd - grad[[i, j]]).abs() / fd.abs().max(1.0));
    }
    println!("finite-difference check on 4 entries: worst relative error {worst:.1e}\n");

    // svdvals: the (Zero, S̄, Zero) pattern against a hand-written U·diag(s̄)·Vt and the dense
    // pullback fed explicit zeros.
    let ds = Array1::from_iter((0..n).map(|i| 1.0 + i as f64));
    let (t_vals, g_vals) = best_of(10, || -> Array2<f64> {
        pb.pullback((Zero, ds.clone(), Zero))
    });
    let (t_hand, g_hand) = best_of(10, || (&u * &ds).dot(&vt));
    let (t_zeros, g_zeros) = best_of(10, || {
        pb.pullback((Array2::zeros((m, n)), ds.clone(), Array2::zeros((n, n))))
    });
    let (_, pbv) = svdvals::rrule(x.view());
    let g_rule: Array2<f64> = pbv.pullback(ds.clone());
    let diff =
        |a: &Array2<f64>, b: &Array2<f64>| (a - b).iter().fold(0.0f64, |m, v| m.max(v.abs()));
    println!("svdvals-style gradient U·diag(s̄)·Vt:");
    println!(
        "  svd pattern (Zero, S̄, Zero)                 {:8.2} ms",
        ms(t_vals)
    );
    println!(
        "  hand-written (U * s̄)·Vt                     {:8.2} ms   ({:.2}× the pattern)",
        ms(t_hand),
        ms(t_hand) / ms(t_vals)
    );
    println!(
        "  dense pullback fed explicit zeros            {:8.2} ms   ({:.1}× the pattern)",
        ms(t_zeros),
        ms(t_zeros) / ms(t_vals)
    );
    println!(
        "  max differences: pattern vs hand {:.1e}, vs dense {:.1e}, vs svdvals::rrule {:.1e}\n",
        diff(&g_vals, &g_hand),
        diff(&g_vals, &g_zeros),
        diff(&g_vals, &g_rule)
    );

    // The textbook (I − UUᵀ) form needs an m×m matrix: 20000² doubles are 3.2 GB, so it is
    // compared on 2000×10, where it fits, against the projection-first rule on the same input.
    let (m2, n2) = (2_000, 10);
    let x2 = test_matrix(m2, n2, 2);
    let ((u2, s2, vt2), pb2) = svd::rrule(x2.view());
    let du2 = Array2::<f64>::ones((m2, n2));
    let (zs, zv) = (Array1::zeros(n2), Array2::zeros((n2, n2)));
    let (t_text, g_text) = best_of(3, || {
        textbook_svd_pullback(&u2.view(), &s2, &vt2.view(), &du2, &zs, &zv)
    });
    let (_, heap_text) =
        peak_extra_heap(|| textbook_svd_pullback(&u2.view(), &s2, &vt2.view(), &du2, &zs, &zv));
    let (t_proj, g_proj) = best_of(10, || -> Array2<f64> {
        pb2.pullback((du2.clone(), Zero, Zero))
    });
    let (_, heap_proj) =
        peak_extra_heap(|| -> Array2<f64> { pb2.pullback((du2.clone(), Zero, Zero)) });
    let heap_proj = heap_proj.saturating_sub(m2 * n2 * 8);
    println!(
        "textbook (I − UUᵀ) vs projection-first, on {m2}×{n2} (the m×m matrix is {:.0} MB; at 20000×10 it would be {:.1} GB):",
        (m2 * m2 * 8) as f64 / MB,
        (m * m * 8) as f64 / 1e9
    );
    println!(
        "  textbook         {:9.2} ms   peak extra heap {:8.2} MB",
        ms(t_text),
        heap_text as f64 / MB
    );
    println!(
        "  projection-first {:9.2} ms   peak extra heap {:8.2} MB",
        ms(t_proj),
        heap_proj as f64 / MB
    );
    println!(
        "  ratio: {:.0}× faster, {:.0}× less memory; max difference {:.1e}",
        ms(t_text) / ms(t_proj),
        heap_text as f64 / heap_proj.max(1) as f64,
        diff(&g_text, &g_proj)
    );
}
