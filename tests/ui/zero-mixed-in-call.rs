use ndarray::Array1;
use rules_core::rrule;

fn combine(a: &Array1<f64>, b: &Array1<f64>) -> Array1<f64> {
    a + b
}

#[rrule]
fn pair(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {
    ((x.clone(), x), move |da: Array1<f64>, db: Array1<f64>| -> Array1<f64> {
        let g = combine(&da, &db);
        g
    })
}

fn main() {
    // The call site type-checks: the rejected statement is the only error.
    let (_, pb) = pair::rrule(Array1::zeros(2));
    let g = rules_core::Pullback::pullback(&pb, (Array1::zeros(2), Array1::zeros(2)));
    let _: Array1<f64> = g;
}
