//! `eigh` and `eigvalsh` against their defining identities, finite differences and a closed form
//! that holds at repeated eigenvalues too.

use ndarray::{Array1, Array2, array};
use rules_core::linalg::{eigh, eigvalsh};
use rules_core::testing::{Config, Symmetric, check_rrule};
use rules_core::{Pullback, Zero};

fn random(n: usize, seed: u64) -> Array2<f64> {
    let mut s = seed;
    Array2::from_shape_fn((n, n), |_| {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    })
}

fn sym(x: &Array2<f64>) -> Array2<f64> {
    (x + &x.t()) * 0.5
}

fn max_abs(x: &Array2<f64>) -> f64 {
    x.iter().fold(0.0f64, |m, e| m.max(e.abs()))
}

/// An orthogonal matrix: the eigenvectors of a random symmetric one.
fn orthogonal(n: usize, seed: u64) -> Array2<f64> {
    eigh(sym(&random(n, seed)).view()).1
}

#[test]
fn decomposition_reproduces_the_matrix() {
    for n in [1, 4, 30] {
        let a = sym(&random(n, n as u64));
        let (w, v) = eigh(a.view());
        assert!(w.windows(2).into_iter().all(|p| p[0] <= p[1]), "ascending");
        let vw = &v * &w.view().insert_axis(ndarray::Axis(0));
        assert!(max_abs(&(vw.dot(&v.t()) - &a)) < 1e-13 * n as f64);
        assert!(max_abs(&(v.t().dot(&v) - Array2::<f64>::eye(n))) < 1e-13 * n as f64);
        let values = eigvalsh(a.view());
        assert!((&values - &w).iter().all(|e| e.abs() < 1e-13 * n as f64));
    }
}

#[test]
fn eigenvalues_match_finite_differences() {
    for n in [1, 3, 6] {
        check_rrule(
            |(x,)| eigvalsh(sym(x).view()),
            |(x,)| eigvalsh::rrule(sym(x).view()),
            &(random(n, 10 + n as u64),),
            &Config::default(),
        );
    }
}

/// `L = ⟨W, V diag(λ³) Vᵀ⟩ = ⟨W, A³⟩` does not depend on the eigenvectors' signs or on the basis
/// chosen inside a repeated eigenvalue, and its gradient for a symmetric `A` is
/// `sym(W A² + A W A + A² W)`. The rule's pullback, fed `V̄ = (W + Wᵀ) V diag(λ³)` and
/// `λ̄ = 3 λ² ∘ diag(Vᵀ W V)`, must give it.
fn cube_loss_gradient(a: &Array2<f64>, w: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let ((lam, v), pb) = eigh::rrule(a.view());
    let cube = lam.mapv(|l| l * l * l);
    let dv = (w + &w.t()).dot(&v) * cube.view().insert_axis(ndarray::Axis(0));
    let vwv = v.t().dot(w).dot(&v);
    let dlam = Array1::from_shape_fn(lam.len(), |i| 3.0 * lam[i] * lam[i] * vwv[[i, i]]);
    let got = pb.pullback((dlam, dv));
    let a2 = a.dot(a);
    let expected = sym(&(w.dot(&a2) + a.dot(w).dot(a) + a2.dot(w)));
    (got, expected)
}

#[test]
fn closed_form_with_distinct_eigenvalues() {
    for n in [2, 5, 12] {
        let a = sym(&random(n, 40 + n as u64));
        let w = random(n, 80 + n as u64);
        let (got, expected) = cube_loss_gradient(&a, &w);
        assert!(
            max_abs(&(&got - &expected)) < 1e-12 * n as f64,
            "n = {n}: {got} vs {expected}"
        );
    }
}

/// At `A = Q diag(1, 1, 1, 2, 2) Qᵀ` every `1/(λ_j − λ_i)` of the textbook pullback inside a block
/// is ∞ (or, after rounding, about 1e15). The loss `⟨W, V₂V₂ᵀ⟩` on the projector onto the
/// eigenvalue-2 block depends on that block only through its subspace, and its gradient for a
/// symmetric `A` is `sym(P₁ W P₂ + P₂ W P₁)` (gap 2 − 1 = 1): the rule must give it exactly.
#[test]
fn projector_gradient_at_repeated_eigenvalues_is_finite_and_exact() {
    let q = orthogonal(5, 3);
    let d = array![1.0, 1.0, 1.0, 2.0, 2.0];
    let a = sym(&(&q * &d.view().insert_axis(ndarray::Axis(0))).dot(&q.t()));
    let w = random(5, 4);
    let ((lam, v), pb) = eigh::rrule(a.view());
    // Rounding splits the eigenvalue-2 pair by about 4e-15, more than 5·ε·2: a tolerance at the
    // SVD's rank level would divide rounding noise by that gap.
    assert!(lam[4] - lam[3] > 5.0 * f64::EPSILON * 2.0, "{lam}");
    let mut dv = (&w + &w.t()).dot(&v);
    dv.slice_mut(ndarray::s![.., ..3]).fill(0.0);
    let got = pb.pullback((Zero, dv));
    let v2 = v.slice(ndarray::s![.., 3..]);
    let p2 = v2.dot(&v2.t());
    let p1 = Array2::<f64>::eye(5) - &p2;
    let expected = sym(&(p1.dot(&w).dot(&p2) + p2.dot(&w).dot(&p1)));
    assert!(max_abs(&(&got - &expected)) < 1e-12, "{got} vs {expected}");
}

/// `⟨W, A³⟩` at a repeated eigenvalue needs the `0/0` limit `(λ_j³ − λ_i³)/(λ_j − λ_i) → 3λ²`
/// inside the block, which the cotangents alone do not carry: the documented limit. The rule
/// stays finite there (the textbook form gives ∞ or NaN), and is not the gradient.
#[test]
fn a_loss_needing_the_limit_inside_a_block_stays_finite() {
    let (got, expected) = cube_loss_gradient(&(Array2::<f64>::eye(4) * 3.0), &random(4, 5));
    assert!(got.iter().all(|x| x.is_finite()));
    assert!(
        max_abs(&(&got - &expected)) > 1e-3,
        "the documented limit is not hit"
    );
}

/// The `(λ̄, Zero)` pattern is `V diag(λ̄) Vᵀ`, the pullback of `eigvalsh`.
#[test]
fn the_eigenvalues_pattern_is_the_eigvalsh_pullback() {
    let a = sym(&random(6, 9));
    let dw = Array1::from_shape_fn(6, |i| i as f64 - 2.0);
    let (_, pb) = eigh::rrule(a.view());
    let (_, pb_values) = eigvalsh::rrule(a.view());
    let from_eigh = pb.pullback((dw.clone(), Zero));
    let from_values = pb_values.pullback(dw);
    assert!(max_abs(&(&from_eigh - &from_values)) < 1e-14);
    assert!(max_abs(&(&from_eigh - &from_eigh.t())) < 1e-14, "symmetric");
}

#[test]
fn f32_and_the_upper_triangle_is_not_read() {
    let a = array![[2.0f32, f32::NAN], [1.0, 2.0]];
    let (w, _) = eigh(a.view());
    assert!((w[0] - 1.0).abs() < 1e-6 && (w[1] - 3.0).abs() < 1e-6);
}

#[test]
#[should_panic(expected = "eigh: the input must be finite, but a[[2, 1]] = NaN")]
fn non_finite_lower_triangle_is_refused() {
    let mut a = Array2::<f64>::eye(3);
    a[[2, 1]] = f64::NAN;
    let _ = eigh(a.view());
}

#[test]
#[should_panic(expected = "eigvalsh: the input must be square, but `a` has shape [2, 3]")]
fn non_square_is_refused() {
    let _ = eigvalsh(Array2::<f64>::zeros((2, 3)).view());
}

#[test]
#[should_panic(expected = "eigh: the cotangent dV has shape [2, 1], expected [2, 2]")]
fn a_cotangent_of_the_wrong_shape_is_refused() {
    let (_, pb) = eigh::rrule(Array2::<f64>::eye(2).view());
    let _ = pb.pullback((Zero, Array2::zeros((2, 1))));
}

#[test]
fn an_empty_matrix_gives_empty_results() {
    let ((w, v), pb) = eigh::rrule(Array2::<f64>::zeros((0, 0)).view());
    assert_eq!((w.len(), v.dim()), (0, (0, 0)));
    assert_eq!(
        pb.pullback((Array1::zeros(0), Array2::zeros((0, 0)))).dim(),
        (0, 0)
    );
}

/// The kit's symmetric perturbations, on the symmetric matrix itself (5×5: its 15 symmetric
/// directions one by one; 12×12 exceeds the element-wise limit and uses random symmetric
/// directions).
#[test]
fn matches_finite_differences_along_symmetric_directions() {
    for n in [2, 5, 12] {
        check_rrule(
            |(a,)| eigvalsh(a.0.view()),
            |(a,)| eigvalsh::rrule(a.0.view()),
            &(Symmetric(sym(&random(n, 70 + n as u64))),),
            &Config::default(),
        );
    }
}

/// `‖(A/s) V − V (Λ/s)‖ / ‖A/s‖` and `‖VᵀV − I‖`, computed after scaling back by the exact power
/// of two `s`, so that neither overflows nor underflows.
fn residuals(a: &Array2<f64>, w: &Array1<f64>, v: &Array2<f64>, s: f64) -> (f64, f64) {
    let (a, w) = (a / s, w / s);
    let n = a.nrows();
    let r = a.dot(v) - &(v * &w.view().insert_axis(ndarray::Axis(0)));
    let o = v.t().dot(v) - Array2::<f64>::eye(n);
    (max_abs(&r) / max_abs(&a), max_abs(&o))
}

#[test]
fn inputs_near_overflow_and_underflow_are_scaled_into_range() {
    let base = sym(&random(6, 11));
    // Near `MAX`, below the normal range (subnormal entries), and tiny but normal.
    for e in [1020, -1000, -1060, 1000] {
        let s = 2f64.powi(e / 2) * 2f64.powi(e - e / 2); // exact, also below the normal range
        let a = &base * s;
        let (w, v) = eigh(a.view());
        let (r, o) = residuals(&a, &w, &v, s);
        // Subnormal eigenvalues keep fewer bits (spacing 2^-1074 against |λ| ≈ 2^-1061): the
        // residual is bounded by their representation, not by the solver.
        let tol = if e < -1022 { 2e-4 } else { 1e-13 };
        assert!(
            r < tol && o < 1e-13,
            "scale 2^{e}: residual {r:e}, orthogonality {o:e}"
        );
        let values = eigvalsh(a.view());
        assert!(
            (&values / s - &w / s).iter().all(|d| d.abs() < 1e-12),
            "scale 2^{e}"
        );
    }
    // f32, near its `MAX` and below its normal range.
    let base32 = base.mapv(|x| x as f32);
    for e in [120, -135] {
        let s = 2f32.powi(e / 2) * 2f32.powi(e - e / 2);
        let a = &base32 * s;
        let (w, v) = eigh(a.view());
        let a64 = a.mapv(f64::from);
        let (r, o) = residuals(&a64, &w.mapv(f64::from), &v.mapv(f64::from), f64::from(s));
        let tol = if e < -126 { 5e-2 } else { 1e-5 }; // as above: 2^-149 against 2^-136
        assert!(
            r < tol && o < 1e-5,
            "f32 scale 2^{e}: residual {r:e}, orthogonality {o:e}"
        );
    }
}

#[test]
fn the_pullback_is_exactly_symmetric() {
    for n in [3, 17, 60] {
        let a = sym(&random(n, 40 + n as u64));
        let (_, pb) = eigh::rrule(a.view());
        let g: Array2<f64> = pb.pullback((random(n, 1).column(0).to_owned(), random(n, 2)));
        assert_eq!(g, g.t(), "eigh's Ā at n = {n}");
        let (_, pb) = eigvalsh::rrule(a.view());
        let g: Array2<f64> = pb.pullback(random(n, 3).column(0).to_owned());
        assert_eq!(g, g.t(), "eigvalsh's Ā at n = {n}");
    }
}
