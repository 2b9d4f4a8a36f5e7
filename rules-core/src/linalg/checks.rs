//! Checks of the inputs and cotangents the rules receive: shapes and finiteness, with messages
//! that name the rule, the argument and what was expected.

use ndarray::ArrayView2;

use num_traits::Float;

use super::{Field, LinalgError};

/// Panics with a message naming the rule, the argument and both shapes when `got != expected`.
#[track_caller]
pub(crate) fn check_shape(rule: &str, arg: &str, got: &[usize], expected: &[usize]) {
    assert!(
        got == expected,
        "{rule}: the cotangent {arg} has shape {got:?}, expected {expected:?} (the shape of the output it belongs to)"
    );
}

/// Which entries of a matrix a rule reads.
#[derive(Clone, Copy)]
pub(crate) enum Part {
    /// Every entry.
    All,
    /// The lower triangle, diagonal included (`eigh`, `cholesky`).
    Lower,
    /// The upper triangle, diagonal included (`solve_triangular`).
    Upper,
}

/// The first entry (in logical row-major order) of the `part` of `a` that is NaN or ±∞ (for a
/// complex entry: either part).
fn first_non_finite<T: Field>(a: ArrayView2<'_, T>, part: Part) -> Option<(usize, usize, T)> {
    a.indexed_iter()
        .filter(|((i, j), _)| match part {
            Part::All => true,
            Part::Lower => i >= j,
            Part::Upper => i <= j,
        })
        .find(|(_, v)| !Float::is_finite(v.modulus()))
        .map(|((i, j), &v)| (i, j, v))
}

/// Panics with a message naming the rule and the first entry of the `part` of `a` that is NaN
/// or ±∞.
#[track_caller]
pub(crate) fn check_finite<T: Field>(rule: &str, a: ArrayView2<'_, T>, part: Part) {
    if !scan(a, part).1 {
        if let Some((i, j, v)) = first_non_finite(a, part) {
            panic!("{rule}: the input must be finite, but a[[{i}, {j}]] = {v:?}");
        }
    }
}

/// `max |a|` (the largest modulus) over the `part` of `a`, in one pass; panics as
/// [`check_finite`] if an entry is NaN or ±∞.
#[track_caller]
pub(crate) fn max_abs_finite<T: Field>(rule: &str, a: ArrayView2<'_, T>, part: Part) -> T::Real {
    let (max, finite) = scan(a, part);
    if !finite {
        check_finite(rule, a, part);
    }
    max
}

/// `(max |a|, whether every entry is finite)` over the `part` of `a`, in one pass. It runs in
/// memory order over slices where the layout allows (rows of a row-major matrix, columns of a
/// column-major one, cut to the triangle for `Lower` and `Upper`), with independent lanes so
/// that the loop vectorises; NaN and ±∞ are caught by comparing against the largest finite
/// value (`!(|v| <= max)` is true for both). The offending entry is located only when there
/// is one to report ([`first_non_finite`]).
fn scan<T: Field>(a: ArrayView2<'_, T>, part: Part) -> (T::Real, bool) {
    use ndarray::{Axis, s};
    let zero = <T::Real as num_traits::Zero>::zero();
    let one_entry = |(m, f): (T::Real, bool), v: T| {
        let v = v.modulus();
        (Float::max(m, v), f & Float::is_finite(v))
    };
    let lanes = |x: &[T]| -> (T::Real, bool) {
        let big = <T::Real as Float>::max_value();
        let chunks = x.chunks_exact(8);
        let rest = chunks.remainder();
        let mut acc = [zero; 8];
        let mut ok = [true; 8];
        for c in chunks {
            for l in 0..8 {
                let v = c[l].modulus();
                ok[l] &= v <= big;
                acc[l] = if v > acc[l] { v } else { acc[l] };
            }
        }
        let max = acc.iter().copied().fold(zero, Float::max);
        let finite = ok.iter().all(|&b| b);
        rest.iter().fold((max, finite), |acc, &v| one_entry(acc, v))
    };
    let line = |x: ndarray::ArrayView1<'_, T>| match x.as_slice() {
        Some(x) => lanes(x),
        None => x.iter().fold((zero, true), |acc, &v| one_entry(acc, v)),
    };
    let join = |(m, f): (T::Real, bool), (lm, lf): (T::Real, bool)| (Float::max(m, lm), f & lf);
    if let (Part::All, Some(x)) = (part, a.as_slice_memory_order()) {
        return lanes(x);
    }
    let (m, n) = a.dim();
    // Walk the lines that are contiguous: rows when the column stride is 1, else columns.
    if a.stride_of(Axis(1)) == 1 || a.stride_of(Axis(0)) != 1 {
        (0..m)
            .map(|i| match part {
                Part::All => line(a.row(i)),
                Part::Lower => line(a.slice(s![i, ..(i + 1).min(n)])),
                Part::Upper => line(a.slice(s![i, i.min(n)..])),
            })
            .fold((zero, true), join)
    } else {
        (0..n)
            .map(|j| match part {
                Part::All => line(a.column(j)),
                Part::Lower => line(a.slice(s![j.min(m).., j])),
                Part::Upper => line(a.slice(s![..(j + 1).min(m), j])),
            })
            .fold((zero, true), join)
    }
}

/// `Err(NonFinite)` naming the first entry of the `part` of `x` that is NaN or ±∞.
pub(crate) fn finite<T: Field>(
    rule: &'static str,
    arg: &'static str,
    x: ArrayView2<'_, T>,
    part: Part,
) -> Result<(), LinalgError> {
    if scan(x, part).1 {
        return Ok(());
    }
    match first_non_finite(x, part) {
        Some((i, j, _)) => Err(LinalgError::NonFinite {
            rule,
            arg,
            index: vec![i, j],
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    #[should_panic(expected = "svd: the cotangent dU has shape [2, 1], expected [2, 2]")]
    fn shape_mismatch_is_reported() {
        check_shape("svd", "dU", &[2, 1], &[2, 2]);
    }

    #[test]
    #[should_panic(expected = "svd: the input must be finite, but a[[1, 0]] = NaN")]
    fn non_finite_input_is_reported() {
        check_finite("svd", array![[1.0, 2.0], [f64::NAN, 0.0]].view(), Part::All);
    }

    #[test]
    fn the_lower_part_skips_the_upper_triangle() {
        let a = array![[1.0, f64::NAN], [f64::INFINITY, 0.0]];
        assert_eq!(
            first_non_finite(a.view(), Part::All).map(|e| (e.0, e.1)),
            Some((0, 1))
        );
        assert_eq!(
            first_non_finite(a.view(), Part::Lower).map(|e| (e.0, e.1)),
            Some((1, 0))
        );
        let upper_only = array![[1.0, f64::NAN], [2.0, 0.0]];
        assert!(finite("cholesky", "a", upper_only.view(), Part::Lower).is_ok());
        assert!(finite("inv", "a", upper_only.view(), Part::All).is_err());
    }

    #[test]
    fn the_scan_agrees_with_a_plain_loop_on_every_layout_and_part() {
        use ndarray::{Array2, ArrayView2, ShapeBuilder, s};
        let keep = |part: Part, i: usize, j: usize| match part {
            Part::All => true,
            Part::Lower => i >= j,
            Part::Upper => i <= j,
        };
        let plain = |a: ArrayView2<'_, f64>, part: Part| {
            a.indexed_iter()
                .filter(|((i, j), _)| keep(part, *i, *j))
                .fold((0.0f64, true), |(m, f), (_, v)| {
                    (m.max(v.abs()), f && v.is_finite())
                })
        };
        // The four layouts of the same m×n matrix held in `c`: row-major, column-major, the
        // transpose of a column-major n×m array, and every other column of a wider array (no
        // line is a slice there).
        struct Held {
            c: Array2<f64>,
            f: Array2<f64>,
            t: Array2<f64>,
            wide: Array2<f64>,
        }
        impl Held {
            fn view(&self, layout: usize) -> ArrayView2<'_, f64> {
                match layout {
                    0 => self.c.view(),
                    1 => self.f.view(),
                    2 => self.t.t(),
                    _ => self.wide.slice(s![.., ..;2]),
                }
            }
            fn set(&mut self, i: usize, j: usize, v: f64) {
                self.c[[i, j]] = v;
                self.f[[i, j]] = v;
                self.t[[j, i]] = v;
                self.wide[[i, 2 * j]] = v;
            }
        }
        for (m, n) in [(0, 3), (1, 1), (5, 3), (3, 5), (17, 17), (9, 20), (20, 9)] {
            // Distinct magnitudes, so that the maximum depends on which entries are read.
            let c = Array2::from_shape_fn((m, n), |(i, j)| {
                let v = (i * n + j + 1) as f64;
                if (i + j) % 2 == 0 { v } else { -v }
            });
            let mut f = Array2::zeros((m, n).f());
            f.assign(&c);
            let mut t = Array2::zeros((n, m).f());
            t.assign(&c.t());
            let mut wide = Array2::zeros((m, 2 * n));
            wide.slice_mut(s![.., ..;2]).assign(&c);
            let mut held = Held { c, f, t, wide };
            for part in [Part::All, Part::Lower, Part::Upper] {
                for layout in 0..4 {
                    let a = held.view(layout);
                    assert_eq!(scan(a, part), plain(a, part), "{m}×{n} layout {layout}");
                    // A NaN at every position: reported exactly when the part reads it.
                    for i in 0..m {
                        for j in 0..n {
                            let old = held.c[[i, j]];
                            held.set(i, j, f64::NAN);
                            let found = !scan(held.view(layout), part).1;
                            assert_eq!(
                                found,
                                keep(part, i, j),
                                "{m}×{n} layout {layout} [{i}, {j}]"
                            );
                            held.set(i, j, old);
                        }
                    }
                }
            }
        }
    }
}
