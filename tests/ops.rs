//! The elementary rules of `rules_core::ops`: every rule through the kit (finite differences,
//! every `Zero` pattern and `pullback_for` selection, the frule, the adjoint identity), the
//! broadcasting cases, closed forms, stability at extreme inputs, bad input, f32.

use ndarray::{Array, Array1, Array2, ArrayD, Axis, IxDyn, array};
use rules_core::testing::{Config, check_adjoint, check_frule, check_rrule};
use rules_core::{Need, Pullback, PullbackFor, Skip, ops};
use rules_tests::random;

/// Every check of the kit for a two-input rule on views.
macro_rules! check2 {
    ($rule:path, $a:expr, $b:expr) => {{
        use $rule as r;
        let inputs = ($a, $b);
        let c = Config::default();
        check_rrule(|(a, b)| r(a.view(), b.view()), |(a, b)| r::rrule(a.view(), b.view()), &inputs, &c);
        check_frule(|(a, b)| r(a.view(), b.view()), |(a, b)| r::frule(a.view(), b.view()), &inputs, &c);
        check_adjoint(|(a, b)| r::rrule(a.view(), b.view()), |(a, b)| r::frule(a.view(), b.view()), &inputs, &c);
    }};
}

#[test]
fn arithmetic_with_broadcasting() {
    let m = random(3, 4, 1);
    let m2 = random(3, 4, 2).mapv(|v| v + 2.0);
    let row = random(1, 4, 3).remove_axis(Axis(0)).mapv(|v| v + 2.0);
    let col = random(3, 1, 4).mapv(|v| v + 2.0);
    let scalar = Array::from_elem((), 1.5);
    let one = array![2.5];
    check2!(ops::add, m.clone(), m2.clone());
    check2!(ops::add, m.clone(), row.clone());
    check2!(ops::add, row.clone(), m.clone());
    check2!(ops::add, m.clone(), col.clone());
    check2!(ops::add, m.clone(), scalar.clone());
    check2!(ops::add, one.clone(), m.clone());
    check2!(ops::sub, m.clone(), row.clone());
    check2!(ops::sub, scalar.clone(), m.clone());
    check2!(ops::mul, m.clone(), row.clone());
    check2!(ops::mul, col.clone(), row.clone());
    check2!(ops::div, m.clone(), row.clone());
    check2!(ops::div, m.clone(), m2.clone());
    check2!(ops::div, scalar.clone(), m2.clone());
}
