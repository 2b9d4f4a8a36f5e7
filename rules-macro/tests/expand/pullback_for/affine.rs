use ndarray::{Array1, Array2, Axis};
use rules_core::rrule;

/// `x·W + b`: `PullbackFor` gives one body per selection of wanted inputs (`Need`/`Skip`) and
/// pattern of `Zero` cotangents; `(Skip, Need, Skip)` computes `dw` alone.
#[rrule]
pub fn affine(x: Array2<f64>, w: Array2<f64>, b: Array1<f64>) -> Array2<f64> {
    let y = x.dot(&w) + &b;
    (y, move |dy: Array2<f64>| -> (Array2<f64>, Array2<f64>, Array1<f64>) {
        let dx = dy.dot(&w.t());
        let dw = x.t().dot(&dy);
        let db = dy.sum_axis(Axis(0));
        (dx, dw, db)
    })
}
