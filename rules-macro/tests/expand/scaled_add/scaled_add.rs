use ndarray::Array1;
use rules_core::rrule;

/// `scaled_add` is `+=`: dropped when its term is zero, and it starts an accumulator that is zero.
#[rrule]
pub fn mix(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {
    let a = 3.0;
    ((&x * a, x.clone()), move |dy: Array1<f64>, dz: Array1<f64>| -> Array1<f64> {
        let mut dx = &dz * 1.0;
        dx.scaled_add(a, &dy);
        dx
    })
}
