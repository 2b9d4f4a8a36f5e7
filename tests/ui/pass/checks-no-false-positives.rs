// Correct pullbacks that the name-based checks (linearity, captures, broadcasts) must accept:
// the false positives a review found.
use ndarray::{array, Array1};
use num_complex::Complex64;
use rules_core::{rrule, Pullback};

/// A tuple `let` pairs its elements: `scale` is primal.
#[rrule]
fn mean(x: Array1<f64>) -> f64 {
    let n = x.len();
    (x.sum() / n as f64, move |dy: f64| -> Array1<f64> {
        let (g, scale) = (Array1::from_elem(n, dy), 1.0 / n as f64);
        g * scale
    })
}

/// A scalar sum of an array cotangent's reduction and a scalar cotangent.
#[rrule]
fn both(x: Array1<f64>, b: f64) -> (Array1<f64>, f64) {
    let n = x.len();
    ((&x * b, b), move |dy: Array1<f64>, dm: f64| -> (Array1<f64>, f64) {
        let dx = &dy * b;
        let db = dy.sum() + dm;
        let _ = n;
        (dx, db)
    })
}

/// A forward `let` shadows the owned parameter with a scalar.
#[rrule]
fn twice_sum(x: Array1<f64>) -> f64 {
    let n = x.len();
    let x = x.sum();
    (2.0 * x, move |dy: f64| -> Array1<f64> { Array1::from_elem(n, 2.0 * dy) + 0.0 * x * dy })
}

/// Complex: `conj` of a captured scalar reads it.
#[rrule]
fn scale_c(z: Array1<Complex64>, w: Complex64) -> Array1<Complex64> {
    let y = &z * w;
    (y, move |dy: Array1<Complex64>| -> (Array1<Complex64>, Complex64) {
        let dz = dy.mapv(|v| v * w.conj());
        let dw = z.mapv(|v| v.conj()).dot(&dy);
        (dz, dw)
    })
}

fn main() {
    let (_, pb) = mean::rrule(array![1.0, 2.0]);
    assert_eq!(pb.pullback(1.0), array![0.5, 0.5]);
    let (_, pb) = both::rrule(array![1.0, 2.0], 3.0);
    assert_eq!(pb.pullback((array![1.0, 1.0], 1.0)).1, 3.0);
    let (_, pb) = twice_sum::rrule(array![1.0, 2.0]);
    assert_eq!(pb.pullback(1.0), array![2.0, 2.0]);
    let (_, pb) = scale_c::rrule(array![Complex64::new(1.0, 0.0)], Complex64::new(0.0, 1.0));
    let (dz, _) = pb.pullback(array![Complex64::new(1.0, 0.0)]);
    assert_eq!(dz, array![Complex64::new(0.0, -1.0)]);
}
