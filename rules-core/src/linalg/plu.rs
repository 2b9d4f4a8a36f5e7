//! faer's LU factorisation with partial pivoting, called through its low-level functions so
//! that the factorisation and the solves each get the parallelism that is fastest for them.
//!
//! faer's `PartialPivLu` runs everything on its global parallelism (rayon, all cores). Measured
//! on the 2-core machine (`cargo test --release -p rules-core --lib plu_timing -- --ignored
//! --nocapture`, best of 9): the factorisation at 500×500 took 3.4–4.7 ms that way and 1.6 ms
//! sequentially (its recursive panel spends the difference synchronising), and at 1000×1000
//! 12.8–13.7 against 11.5–11.8 ms. The solves and the inverse are triangular solves and
//! products over many columns, where the threads pay: at 500×500 with 500 right-hand sides
//! 2.6 against 3.3 ms sequential, at 1000×1000 17.8 against 25.9.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::lu::partial_pivoting::{factor, inverse, solve};
use faer::perm::{Perm, PermRef};
use faer::{Conj, Mat, MatMut, MatRef, Par};
use faer_ext::IntoFaer;
use ndarray::{Array2, ShapeBuilder};

use super::{Real, matmul};

/// Below this many rows or columns the factorisation runs on one thread (see the module docs).
const SEQUENTIAL_FACTOR: usize = 1024;

/// `P A = L U` of an m×n matrix, `L` m×k unit lower trapezoidal, `U` k×n upper trapezoidal,
/// `k = min(m, n)`, `P` the row permutation; `L` and `U` packed in one matrix as LAPACK does
/// (faer's solves and inverse read only their own triangle, so the one matrix serves as both).
pub(crate) struct Plu<T> {
    lu: Mat<T>,
    perm: Perm<usize>,
}

impl<T: Real> Plu<T> {
    /// Factors `a` (copied). A zero pivot is not an error here: `U` then has a zero on its
    /// diagonal, which the callers check.
    pub fn new(a: MatRef<'_, T>) -> Self {
        let (m, n) = a.shape();
        let par = if m.min(n) < SEQUENTIAL_FACTOR {
            Par::Seq
        } else {
            Par::rayon(0)
        };
        let mut lu = a.to_owned();
        let mut fwd = vec![0usize; m];
        let mut bwd = vec![0usize; m];
        let params = Default::default();
        let mut mem = MemBuffer::new(factor::lu_in_place_scratch::<usize, T>(m, n, par, params));
        factor::lu_in_place(
            lu.as_mut(),
            &mut fwd,
            &mut bwd,
            par,
            MemStack::new(&mut mem),
            params,
        );
        let perm = Perm::new_checked(fwd.into_boxed_slice(), bwd.into_boxed_slice(), m);
        Plu { lu, perm }
    }

    /// `L` strictly below the diagonal (its unit diagonal implicit), `U` on and above it.
    pub fn packed(&self) -> MatRef<'_, T> {
        self.lu.as_ref()
    }

    /// `U`'s diagonal entry `i`.
    pub fn pivot(&self, i: usize) -> T {
        self.lu[(i, i)]
    }

    /// The row permutation `P`.
    #[allow(non_snake_case)]
    pub fn P(&self) -> PermRef<'_, usize> {
        self.perm.as_ref()
    }

    /// `rhs ← A⁻¹ rhs` (`transposed`: `A⁻ᵀ rhs`), for a square `A`.
    pub fn solve_in_place(&self, transposed: bool, rhs: MatMut<'_, T>) {
        let (n, c) = (self.lu.nrows(), rhs.ncols());
        let par = matmul::parallelism(n);
        // The two directions take the same arguments and the same scratch (a row permutation).
        let (scratch, run) = if transposed {
            (
                solve::solve_transpose_in_place_scratch::<usize, T> as fn(_, _, _) -> _,
                solve::solve_transpose_in_place_with_conj::<usize, T> as fn(_, _, _, _, _, _, _),
            )
        } else {
            (
                solve::solve_in_place_scratch::<usize, T> as fn(_, _, _) -> _,
                solve::solve_in_place_with_conj::<usize, T> as fn(_, _, _, _, _, _, _),
            )
        };
        let mut mem = MemBuffer::new(scratch(n, c, par));
        let lu = self.packed();
        run(
            lu,
            lu,
            self.P(),
            Conj::No,
            rhs,
            par,
            MemStack::new(&mut mem),
        );
    }

    /// `A⁻¹` of a square `A`, as a new column-major array.
    pub fn inverse(&self) -> Array2<T> {
        let n = self.lu.nrows();
        let par = matmul::parallelism(n);
        let mut out = Array2::<T>::zeros((n, n).f());
        let mut mem = MemBuffer::new(inverse::inverse_scratch::<usize, T>(n, par));
        inverse::inverse(
            out.view_mut().into_faer(),
            self.packed(),
            self.packed(),
            self.P(),
            par,
            MemStack::new(&mut mem),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    /// Not a test: prints the factorisation's and the solves' times, sequential and on rayon,
    /// against faer's `PartialPivLu` (global parallelism).
    #[test]
    #[ignore]
    fn plu_timing() {
        let best = |f: &mut dyn FnMut()| crate::linalg::best_ms(9, f);
        let mut rng = Rng::new(1);
        for n in [500, 1000] {
            let a = Array2::<f64>::from_shape_fn((n, n).f(), |_| rng.uniform() - 0.5);
            let faer_lu = best(&mut || {
                std::hint::black_box(faer::linalg::solvers::PartialPivLu::new(
                    a.view().into_faer(),
                ));
            });
            let ours = best(&mut || {
                std::hint::black_box(Plu::new(a.view().into_faer()));
            });
            let f = Plu::new(a.view().into_faer());
            let mut x = a.clone();
            let solve = best(&mut || f.solve_in_place(false, x.view_mut().into_faer()));
            let solve_t = best(&mut || f.solve_in_place(true, x.view_mut().into_faer()));
            let inv = best(&mut || {
                std::hint::black_box(f.inverse());
            });
            println!(
                "{n}×{n}: PartialPivLu::new {faer_lu:.2} ms, Plu::new {ours:.2}; with {n} right-hand sides solve {solve:.2}, transposed {solve_t:.2}, inverse {inv:.2}"
            );
        }
    }

    #[test]
    fn factors_solves_and_inverts() {
        let mut rng = Rng::new(3);
        // 200×200: faer's triangular solves and inverse recurse into blocks there, each reading
        // only its triangle of the packed matrix.
        for (m, n) in [
            (1, 1),
            (5, 5),
            (7, 3),
            (3, 7),
            (40, 40),
            (200, 200),
            (150, 90),
        ] {
            let a = Array2::<f64>::from_shape_fn((m, n), |_| rng.uniform() - 0.5);
            let f = Plu::new(a.view().into_faer());
            let p = f.packed();
            let l = |i: usize, j: usize| match i.cmp(&j) {
                core::cmp::Ordering::Greater => p[(i, j)],
                core::cmp::Ordering::Equal => 1.0,
                core::cmp::Ordering::Less => 0.0,
            };
            let u = |i: usize, j: usize| if i <= j { p[(i, j)] } else { 0.0 };
            let k = m.min(n);
            let (fwd, _) = f.P().arrays();
            for i in 0..m {
                for j in 0..n {
                    let lu: f64 = (0..k).map(|q| l(i, q) * u(q, j)).sum();
                    assert!((lu - a[[fwd[i], j]]).abs() < 1e-14, "{m}×{n} [{i}, {j}]");
                }
            }
            if m == n {
                let inv = f.inverse();
                let eye = inv.dot(&a) - Array2::<f64>::eye(n);
                assert!(eye.iter().all(|v| v.abs() < 1e-12));
                for transposed in [false, true] {
                    let mut x = Array2::<f64>::eye(n);
                    f.solve_in_place(transposed, x.view_mut().into_faer());
                    let want = if transposed {
                        inv.t().to_owned()
                    } else {
                        inv.clone()
                    };
                    assert!((x - want).iter().all(|v| v.abs() < 1e-12));
                }
            }
        }
    }
}
