use ndarray::Array1;
use rules_core::rrule;

/// Accumulation loops over a zero-filled accumulator: each runs only in the patterns where the
/// cotangent it reads is not zero.
#[rrule]
pub fn tile(x: Array1<f64>, n: usize) -> (Array1<f64>, f64) {
    let y = Array1::from_iter((0..n).flat_map(|_| x.iter().copied()));
    let total = y.sum();
    ((y, total), move |dy: Array1<f64>, dt: f64| -> (Array1<f64>, NoTangent) {
        let len = x.len();
        let mut dx = Array1::zeros(len);
        for c in dy.exact_chunks(len) {
            dx += &c;
        }
        for d in dx.iter_mut() {
            *d += dt * n as f64;
        }
        (dx, NoTangent)
    })
}
