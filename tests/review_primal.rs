use ndarray::{array, Array1};
use rules_core::tape::{value_and_grad, Arg, Var};

#[test]
fn primal_smuggle() {
    let _ = value_and_grad(
        |t, x: Var<'_, f64>| {
            let c = t.constant(array![1.0f64, 2.0, 3.0, 4.0]);
            let lent = <Var<'_, Array1<f64>> as Arg<'_, &Array1<f64>, Array1<f64>>>::lend(c, t, "r");
            let mut slot: Option<&Array1<f64>> = None;
            t.primal((lent,), |(v,)| slot = Some(v));
            let dangling = slot.unwrap(); // the Rc was dropped by `primal`
            let _reuse: Vec<Box<[u64; 8]>> = (0..16).map(|_| Box::new([0xdead_beef_u64; 8])).collect();
            println!("{:?}", dangling.as_slice());
            x
        },
        1.0,
    );
}
