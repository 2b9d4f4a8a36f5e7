//! Rules where downstream code lives: inside function bodies, with the `use`s and helpers local to
//! that body.

use rules_core::testing::{Config, check_rrule};

#[test]
fn a_rule_inside_a_test_function_sees_local_uses_and_helpers() {
    use ndarray::{Array1, array};
    use rules_core::{Pullback, Zero, rrule};

    fn twice(v: f64) -> f64 {
        2.0 * v
    }

    /// `y = 2·sin(x)`, elementwise.
    #[rrule]
    fn double_sin(x: Array1<f64>) -> Array1<f64> {
        let c = x.mapv(f64::cos);
        (
            x.mapv(|v| twice(v.sin())),
            move |dy: Array1<f64>| -> Array1<f64> { (&dy * &c).mapv(twice) },
        )
    }

    let x = array![0.3, -1.2, 2.0];
    let (y, pb) = double_sin::rrule(x.clone());
    assert_eq!(y, double_sin(x.clone()));
    assert_eq!(pb.pullback(Zero), Zero);
    check_rrule(
        |(x,)| double_sin(x.clone()),
        |(x,)| double_sin::rrule(x.clone()),
        &(x,),
        &Config::default(),
    );
}
