use ndarray::Array1;
use rules_core::rrule;

#[rrule]
fn pair(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {
    ((x.clone(), x), move |da: Array1<f64>, db: Array1<f64>| -> Array1<f64> {
        let n = da.len() as f64 + 0.0;
        &db / n
    })
}

fn main() {}
