// A constant whose rule's pullback cannot keep it (`ops::add` keeps no operand; `Σ` keeps
// nothing) may be a local of the closure, even inside an inner block: it is borrowed for the
// call only.
use ndarray::{array, Array1};
use rules_core::ops;
use rules_core::tape::{value_and_grad, Tape, Var};

fn shifted<'t>(t: &'t Tape<'t, '_>, x: &Var<'t, Array1<f64>>) -> Var<'t, Array1<f64>> {
    let c = array![1.0, 2.0];
    ops::add::on(t, x, &c)
}

fn main() {
    let (v, g) = value_and_grad(
        |t: &Tape, x: Var<'_, Array1<f64>>| {
            let z = {
                let c = array![10.0, 20.0];
                let d = array![0.5, 0.5];
                &(&ops::add::on(t, &x, &c) - &d) + &d // the operators too
            };
            ops::sum::on(t, &shifted(t, &z))
        },
        array![1.0, 2.0],
    );
    assert_eq!(v, 36.0);
    assert_eq!(g, array![1.0, 1.0]);
}
