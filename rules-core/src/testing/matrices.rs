//! Test matrices with known structure, built without any decomposition under test: random
//! orthonormal columns (modified Gram–Schmidt applied twice, plain loops) and matrices with
//! prescribed singular values `Q₁ diag(s) Q₂ᵀ`.

use ndarray::{Array2, ShapeBuilder};

use super::Rng;

/// An m×k matrix with orthonormal columns (`k ≤ m`), drawn from `rng`.
///
/// Modified Gram–Schmidt applied twice to a uniform random matrix, written as plain loops so that
/// it shares no code with the decompositions it is used to test: `QᵀQ` is the identity to a few
/// ulps.
///
/// ```
/// use rules_core::testing::{Rng, orthonormal};
/// let q = orthonormal(&mut Rng::new(1), 50, 4);
/// let gram = q.t().dot(&q);
/// for i in 0..4 {
///     for j in 0..4 {
///         let want = if i == j { 1.0 } else { 0.0 };
///         assert!((gram[[i, j]] - want).abs() < 1e-14);
///     }
/// }
/// ```
///
/// # Panics
/// If `k > m`.
#[must_use]
pub fn orthonormal(rng: &mut Rng, m: usize, k: usize) -> Array2<f64> {
    assert!(
        k <= m,
        "orthonormal: cannot fit {k} orthonormal columns in {m} rows"
    );
    // Column-major, so each column is one contiguous slice.
    let mut q = Array2::<f64>::zeros((m, k).f());
    for j in 0..k {
        loop {
            let mut col: Vec<f64> = (0..m).map(|_| rng.uniform()).collect();
            let first = norm(&col);
            for _ in 0..2 {
                for i in 0..j {
                    let qi = q.column(i);
                    let r: f64 = qi.iter().zip(&col).map(|(a, b)| a * b).sum();
                    col.iter_mut().zip(qi.iter()).for_each(|(c, a)| *c -= r * a);
                }
            }
            let nrm = norm(&col);
            // A draw almost inside the span so far is drawn again (vanishingly rare).
            if nrm > 1e-3 * first {
                q.column_mut(j)
                    .iter_mut()
                    .zip(&col)
                    .for_each(|(d, c)| *d = c / nrm);
                break;
            }
        }
    }
    q
}

/// The m×n matrix `Q₁ diag(s) Q₂ᵀ` with random orthonormal `Q₁` (m×r) and `Q₂` (n×r), `r =
/// s.len() ≤ min(m, n)`: its singular values are `s` (up to the rounding of the product, a few
/// ulps of `max |s|`) and the rest zero.
///
/// ```
/// use rules_core::testing::{Rng, with_singular_values};
/// // A 30×5 matrix of rank 2 and condition number 1e8 on its range.
/// let a = with_singular_values(&mut Rng::new(3), 30, 5, &[1.0, 1e-8]);
/// assert_eq!(a.dim(), (30, 5));
/// ```
///
/// # Panics
/// If `s` has more than `min(m, n)` entries.
#[must_use]
pub fn with_singular_values(rng: &mut Rng, m: usize, n: usize, s: &[f64]) -> Array2<f64> {
    let r = s.len();
    assert!(
        r <= m.min(n),
        "with_singular_values: {r} singular values do not fit a {m}×{n} matrix"
    );
    let q1 = orthonormal(rng, m, r);
    let q2 = orthonormal(rng, n, r);
    let mut scaled = q2;
    for (mut col, &sv) in scaled.columns_mut().into_iter().zip(s) {
        col *= sv;
    }
    q1.dot(&scaled.t())
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthonormal_columns_and_prescribed_singular_values() {
        let mut rng = Rng::new(5);
        let q = orthonormal(&mut rng, 40, 6);
        let gram = q.t().dot(&q) - Array2::<f64>::eye(6);
        assert!(gram.iter().all(|e| e.abs() < 1e-14), "{gram}");
        // ‖A‖_F² = Σ s², independent of any decomposition.
        let a = with_singular_values(&mut rng, 12, 7, &[3.0, 2.0, 0.5]);
        let frob2: f64 = a.iter().map(|v| v * v).sum();
        assert!((frob2 - (9.0 + 4.0 + 0.25)).abs() < 1e-12, "{frob2}");
        // Rank 3: AᵀA has the eigenvalues s² on the range and 0 elsewhere, so tr((AᵀA)²) = Σ s⁴.
        let g = a.t().dot(&a);
        let tr: f64 = g.dot(&g).diag().sum();
        assert!((tr - (81.0 + 16.0 + 0.0625)).abs() < 1e-11, "{tr}");
    }
}
