use ndarray::Array1;
use rules_core::rrule;

#[rrule]
fn pair(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {
    let w = x.clone();
    ((x.clone(), x), move |da: Array1<f64>, db: Array1<f64>| -> Array1<f64> {
        let mut g = &da * 2.0;
        g.assign(&w);
        g + &db
    })
}

fn main() {}
