// A scalar cotangent added to an array term: the specialisation drops the array term when its
// cotangent is zero, which would leave a scalar where an array is returned. The macro says so.
use ndarray::Array1;
use rules_core::rrule;

#[rrule]
fn with_sum(x: Array1<f64>) -> (Array1<f64>, f64) {
    let s = x.sum();
    ((x, s), move |dx: Array1<f64>, ds: f64| -> Array1<f64> { dx + ds })
}

fn main() {}
