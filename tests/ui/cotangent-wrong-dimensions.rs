// A declared cotangent type whose number of dimensions differs from its input's is an error at
// the type.
use ndarray::{Array1, Array2, ArrayView2};
use rules_core::rrule;

#[rrule]
fn total(x: ArrayView2<'_, f64>) -> f64 {
    let n = x.len();
    (x.sum(), move |dy: f64| -> Array1<f64> { Array1::from_elem(n, dy) })
}

#[rrule]
fn both(a: &Array2<f64>, b: Array1<f64>) -> f64 {
    (a.sum() + b.sum(), move |dy: f64| -> (Array2<f64>, Array2<f64>) {
        (Array2::from_elem((1, 1), dy), Array2::from_elem((1, 1), dy))
    })
}

fn main() {}
