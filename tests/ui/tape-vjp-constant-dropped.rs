// Through `vjp`: the pullback outlives the closure, so a constant it keeps must outlive the
// `Vjp`, even if the `Vjp` is only dropped (dropping it drops pullbacks that may read it).
use ndarray::{array, Array1};
use rules_core::ops;
use rules_core::tape::{vjp, Var};

fn main() {
    let c = array![1.0, 2.0];
    let (_, _pb) = vjp(|t, x: Var<'_, Array1<f64>>| ops::mul::on(t, &x, &c), array![1.0, 2.0]);
    drop(c);
}
