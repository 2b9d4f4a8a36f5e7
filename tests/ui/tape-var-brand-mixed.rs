// A `Var` of an outer tape cannot be used on an inner one: the brands differ (second order is
// not implemented).
use ndarray::{array, Array1};
use rules_core::ops;
use rules_core::tape::{value_and_grad, Var};

fn main() {
    let _ = value_and_grad(
        |_, x: Var<'_, Array1<f64>>| {
            let (_, _g) = value_and_grad(|t2, y: Var<'_, Array1<f64>>| ops::mul::on(t2, &x, &y).sum(), array![1.0]);
            x.sum()
        },
        array![1.0, 2.0],
    );
}
