// The reviewer's use-after-free: a constant a pullback keeps, borrowed inside an inner block and
// freed there, while the node that keeps it runs after the closure. The tape's brand is
// invariant, so the borrow must last as long as the tape: a compile error, not a dangling view.
use ndarray::{array, Array1};
use rules_core::ops;
use rules_core::tape::{value_and_grad, Var};

fn main() {
    let _ = value_and_grad(
        |t, x: Var<'_, Array1<f64>>| {
            let z = {
                let c = array![1.0, 2.0];
                let y = ops::mul::on(t, &x, &c);
                ops::add::on(t, &y, &x)
            };
            z.sum()
        },
        array![1.0, 2.0],
    );
}
