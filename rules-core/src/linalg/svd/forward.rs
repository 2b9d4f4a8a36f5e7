//! The SVD's forward pass: faer's thin SVD on a zero-copy view of the input, written straight into
//! the ndarray buffers returned, and the singular values alone.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer_ext::IntoFaer;
use ndarray::{Array1, Array2, ArrayView2, ShapeBuilder};

use super::super::{Real, checks, matmul};

/// The thin SVD `(U, S, Vt)` of `a`, computed by faer on a zero-copy view of `a` (any strides) and
/// written straight into the ndarray buffers returned.
///
/// # Panics
/// If `a` holds NaN or ±∞, or if the iteration does not converge.
#[track_caller]
pub(crate) fn thin_svd<T: Real>(
    rule: &str,
    a: ArrayView2<'_, T>,
) -> (Array2<T>, Array1<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    checks::check_finite(rule, a, checks::Part::All);
    let mut u = Array2::<T>::zeros((m, k).f());
    let mut vt = Array2::<T>::zeros((k, n));
    let mut s = faer::diag::Diag::<T>::zeros(k);
    if k > 0 {
        let par = matmul::parallelism(k);
        let params = Default::default();
        let mut mem = MemBuffer::new(faer::linalg::svd::svd_scratch::<T>(
            m,
            n,
            faer::linalg::svd::ComputeSvdVectors::Thin,
            faer::linalg::svd::ComputeSvdVectors::Thin,
            par,
            params,
        ));
        let result = faer::linalg::svd::svd(
            a.into_faer(),
            s.as_mut(),
            Some(u.view_mut().into_faer()),
            // Vᵀ's buffer, seen transposed, is V: faer writes V straight into it.
            Some(vt.view_mut().reversed_axes().into_faer()),
            par,
            MemStack::new(&mut mem),
            params,
        );
        if let Err(e) = result {
            panic!("{rule}: the SVD of the {m}×{n} input did not converge ({e:?})");
        }
    }
    let s = s.column_vector();
    let s = Array1::from_iter((0..k).map(|i| s[i]));
    (u, s, vt)
}

/// The singular values of `a`, without the vectors.
///
/// # Panics
/// As [`thin_svd`].
#[track_caller]
pub(crate) fn singular_values<T: Real>(rule: &str, a: ArrayView2<'_, T>) -> Array1<T> {
    let (m, n) = a.dim();
    checks::check_finite(rule, a, checks::Part::All);
    if m.min(n) == 0 {
        return Array1::zeros(0);
    }
    match a.into_faer().singular_values() {
        Ok(s) => Array1::from(s),
        Err(e) => panic!("{rule}: the SVD of the {m}×{n} input did not converge ({e:?})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn thin_svd_reconstructs_strided_and_negative_stride_views() {
        let a: Array2<f64> = array![
            [1.0, 2.0, 3.0],
            [4.0, 5.0, 6.5],
            [7.0, 8.5, 9.0],
            [1.0, 0.0, -1.0]
        ];
        for view in [a.view(), a.t(), a.slice(ndarray::s![..;-1, ..;2])] {
            let (u, s, vt) = thin_svd("svd", view);
            let rebuilt = (&u * &s).dot(&vt);
            let err = (&rebuilt - &view)
                .iter()
                .fold(0.0f64, |m, e: &f64| m.max(e.abs()));
            assert!(err < 1e-12, "reconstruction error {err}");
            assert!(
                s.windows(2).into_iter().all(|w| w[0] >= w[1]),
                "not sorted: {s}"
            );
            assert_eq!(singular_values("svd", view), s);
        }
    }

    #[test]
    #[should_panic(expected = "svd: the input must be finite, but a[[1, 0]] = NaN")]
    fn non_finite_input_is_reported() {
        let _ = thin_svd("svd", array![[1.0, 2.0], [f64::NAN, 0.0]].view());
    }
}
