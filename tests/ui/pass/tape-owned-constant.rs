// A constant made inside the closure is passed by value: the tape keeps it.
use ndarray::{array, Array1};
use rules_core::ops;
use rules_core::tape::{value_and_grad, Var};

fn main() {
    let (_, g) = value_and_grad(
        |t, x: Var<'_, Array1<f64>>| {
            let c = array![1.0, 2.0];
            ops::mul::on(t, &x, c).sum()
        },
        array![1.0, 2.0],
    );
    assert_eq!(g, array![1.0, 2.0]);
}
