use ndarray::Array1;
use rules_core::rrule;

/// Statement markers in the wrong body.
#[rrule]
pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    #[pass_zero]
    let y = &x * k;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) {
        #[primal_only]
        let dx = &dy * k;
        (dx, dy.dot(&x))
    })
}

fn main() {}
