// A `Var` cannot leave the closure that owns its tape.
use ndarray::{array, Array1};
use rules_core::tape::{value_and_grad, Var};

fn main() {
    let mut kept = None;
    let _ = value_and_grad(
        |_t, x: Var<'_, Array1<f64>>| {
            kept = Some(x.clone());
            x.sum()
        },
        array![1.0, 2.0],
    );
    drop(kept);
}
