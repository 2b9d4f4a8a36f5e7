//! The elementary rules of `rules_core::ops`: every rule through the kit (finite differences,
//! every `Zero` pattern and `pullback_for` selection, the frule, the adjoint identity between
//! the two), the broadcasting cases, closed forms, stability at extreme inputs, bad input, f32.

use ndarray::{Array, Array1, Array2, Array3, ArrayD, Axis, IxDyn, array};
use rules_core::testing::{Config, check_adjoint, check_frule, check_rrule};
use rules_core::{MaybeZero, Need, NoTangent, Pullback, PullbackFor, Pushforward, Skip, Zero, ops};
use rules_tests::random;

/// Every check of the kit, both directions and their adjoint identity, for a rule called as
/// `$call` on the inputs bound by the pattern `$pat`.
macro_rules! check_both {
    ($rule:path, |$pat:pat_param| ($($arg:expr),*), $inputs:expr) => {
        check_both!($rule, |$pat| ($($arg),*), $inputs, Config::default())
    };
    ($rule:path, |$pat:pat_param| ($($arg:expr),*), $inputs:expr, $config:expr) => {{
        use $rule as rule;
        let inputs = $inputs;
        let c = $config;
        check_rrule(|$pat| rule($($arg),*), |$pat| rule::rrule($($arg),*), &inputs, &c);
        check_frule(|$pat| rule($($arg),*), |$pat| rule::frule($($arg),*), &inputs, &c);
        check_adjoint(|$pat| rule::rrule($($arg),*), |$pat| rule::frule($($arg),*), &inputs, &c);
    }};
}

/// [`check_both!`] for a rule of two views.
macro_rules! check2 {
    ($rule:path, $a:expr, $b:expr) => {
        check_both!($rule, |(a, b)| (a.view(), b.view()), ($a, $b))
    };
}

/// [`check_both!`] for a rule of one view.
macro_rules! check1 {
    ($rule:path, $a:expr) => {
        check_both!($rule, |(a,)| (a.view()), ($a,))
    };
}

fn row(n: usize, seed: u64) -> Array1<f64> {
    random(1, n, seed).remove_axis(Axis(0))
}

#[test]
fn arithmetic_with_broadcasting() {
    let m = random(3, 4, 1);
    let m2 = random(3, 4, 2).mapv(|v| v + 2.0);
    let r = row(4, 3).mapv(|v| v + 2.0);
    let col = random(3, 1, 4).mapv(|v| v + 2.0);
    let scalar = Array::from_elem((), 1.5);
    let one = array![2.5];
    for rule in 0..4 {
        macro_rules! each {
            ($a:expr, $b:expr) => {
                match rule {
                    0 => check2!(ops::add, $a, $b),
                    1 => check2!(ops::sub, $a, $b),
                    2 => check2!(ops::mul, $a, $b),
                    _ => check2!(ops::div, $a, $b),
                }
            };
        }
        each!(m.clone(), m2.clone()); // same shape
        each!(m.clone(), r.clone()); // a bias row onto a matrix
        each!(r.clone(), m2.clone()); // the row on the left
        each!(m.clone(), col.clone()); // a column
        each!(m.clone(), scalar.clone()); // a 0-d array
        each!(one.clone(), m2.clone()); // a length-1 array, on the left
        each!(col.clone(), r.clone()); // both sides broadcast: 3×1 with 4 → 3×4
    }
    // Dynamic dimensions and three axes.
    let cube: Array3<f64> = Array::from_shape_fn((2, 3, 4), |(i, j, k)| {
        (i + j * 2 + k * 3) as f64 * 0.1 - 0.7
    });
    check2!(ops::mul, cube.clone(), random(3, 1, 5));
    check2!(ops::add, cube.clone().into_dyn(), r.clone().into_dyn());
}

#[test]
fn broadcast_cotangents_have_the_operands_shapes() {
    let m = random(5, 3, 7);
    let bias = row(3, 8);
    let (y, pb) = ops::add::rrule(m.view(), bias.view());
    assert_eq!(y.shape(), [5, 3]);
    let dy = random(5, 3, 9);
    let (dm, db) = pb.pullback(dy.clone());
    assert_eq!(dm, dy);
    assert_eq!(db, dy.sum_axis(Axis(0)));
    // A 0-d operand gets the total; a length-1 one keeps its length.
    let two = Array::from_elem((), 2.0);
    let (_, pb) = ops::mul::rrule(m.view(), two.view());
    let (_, ds) = pb.pullback(dy.clone());
    assert_eq!(ds.shape(), [] as [usize; 0]);
    assert!((ds.into_scalar() - (&dy * &m).sum()).abs() < 1e-12);
    let (_, pb) = ops::sub::rrule(array![1.0].view(), m.view());
    let (d1, _) = pb.pullback(dy.clone());
    assert_eq!(d1.shape(), [1]);
    assert!((d1[0] - dy.sum()).abs() < 1e-12);
}

#[test]
fn scale_and_neg() {
    check_both!(ops::scale, |(a, k)| (a.view(), *k), (random(3, 4, 11), 0.7));
    check_both!(ops::scale, |(a, k)| (a.view(), *k), (row(5, 12), -2.0));
    check1!(ops::neg, random(2, 3, 13));
    let a = array![1.0, 2.0];
    let (_, pf) = ops::scale::frule(a.view(), 3.0);
    assert_eq!(pf.pushforward((Zero, 1.0)), array![1.0, 2.0]);
    assert_eq!(pf.pushforward((array![1.0, 0.0], Zero)), array![3.0, 0.0]);
    assert_eq!(pf.pushforward((Zero, Zero)), Zero);
}

#[test]
fn matmul_in_every_shape() {
    check2!(ops::matmul, random(3, 4, 21), random(4, 2, 22));
    check2!(ops::matmul, random(3, 4, 23), row(4, 24));
    check2!(ops::matmul, row(3, 25), random(3, 5, 26));
    check2!(ops::matmul, row(6, 27), row(6, 28));
    // Transposed and strided views are operands like any other.
    let a = random(4, 3, 29);
    let b = random(4, 5, 30);
    let (y, pb) = ops::matmul::rrule(a.t(), b.view());
    assert!((&y - &a.t().dot(&b)).iter().all(|e| e.abs() < 1e-12));
    let dy = random(3, 5, 31);
    let (da, db) = pb.pullback(dy.clone());
    assert!((&da - &dy.dot(&b.t())).iter().all(|e| e.abs() < 1e-12));
    assert!((&db - &a.t().t().dot(&dy)).iter().all(|e| e.abs() < 1e-12));
    // (Skip, Need) computes only b̄.
    let (skip, only) = pb.pullback_for((Skip, Need), dy.clone());
    assert_eq!(skip, Skip);
    assert_eq!(only, db);
    let (da2, db2) = pb.pullback_for([true, false], MaybeZero::Value(dy));
    assert_eq!((da2, db2.is_zero()), (MaybeZero::Value(da), true));
}

#[test]
#[should_panic(
    expected = "matmul: the inner dimensions of `a` [3, 4] and `b` [3, 2] differ (4 against 3)"
)]
fn matmul_names_mismatched_shapes() {
    let _ = ops::matmul(random(3, 4, 1).view(), random(3, 2, 2).view());
}

#[test]
fn transpose() {
    check1!(ops::transpose, random(3, 5, 41));
    let (_, pb) = ops::transpose::rrule(random(2, 3, 42).view());
    let dy = random(3, 2, 43);
    assert_eq!(pb.pullback(dy.clone()), dy.t());
}

#[test]
fn reductions() {
    let m = random(3, 4, 51);
    check1!(ops::sum, m.clone());
    check1!(ops::mean, m.clone());
    check1!(ops::sum_sq, m.clone());
    check1!(ops::norm, m.clone());
    check1!(ops::norm, row(7, 52));
    for axis in [Axis(0), Axis(1)] {
        check_both!(ops::sum_axis, |(a, ax)| (a.view(), *ax), (m.clone(), axis));
        check_both!(ops::mean_axis, |(a, ax)| (a.view(), *ax), (m.clone(), axis));
    }
    check_both!(
        ops::sum_axis,
        |(a, ax)| (a.view(), *ax),
        (row(5, 53), Axis(0))
    );
    check_both!(
        ops::mse,
        |(p, t)| (p.view(), t.view()),
        (m.clone(), random(3, 4, 54))
    );
}

#[test]
fn reduction_closed_forms() {
    let m = random(4, 3, 55);
    let (s, pb) = ops::sum_sq::rrule(m.view());
    assert!((s - m.iter().map(|v| v * v).sum::<f64>()).abs() < 1e-14);
    assert_eq!(pb.pullback(1.0), &m * 2.0);
    // norm: a/‖a‖, and zero (not NaN) at zero.
    let (r, pb) = ops::norm::rrule(m.view());
    assert!(
        (&pb.pullback(1.0) - &(&m / r))
            .iter()
            .all(|e| e.abs() < 1e-15)
    );
    let z = Array2::<f64>::zeros((2, 2));
    let (r, pb) = ops::norm::rrule(z.view());
    assert_eq!((r, pb.pullback(1.0)), (0.0, z.clone()));
    let (_, pf) = ops::norm::frule(z.view());
    assert_eq!(pf.pushforward(array![[1.0, 0.0], [0.0, 0.0]]), 0.0);
    // No overflow or underflow in the squares.
    assert_eq!(ops::norm(array![3e300, 4e300].view()), 5e300);
    assert_eq!(ops::norm(array![3e-300, 4e-300].view()), 5e-300);
    // mse: 2(p − t)/n and its negative.
    let t = random(4, 3, 56);
    let (_, pb) = ops::mse::rrule(m.view(), t.view());
    let (dp, dt) = pb.pullback(1.0);
    assert!(
        (&dp - &((&m - &t) * (2.0 / 12.0)))
            .iter()
            .all(|e| e.abs() < 1e-15)
    );
    assert_eq!(dt, -&dp);
    assert_eq!(pb.pullback_for((Skip, Need), 1.0), (Skip, dt));
}

#[test]
#[should_panic(expected = "sum_axis: axis 2 is out of range for an input of shape [3, 4] (2 axes)")]
fn axis_out_of_range() {
    let _ = ops::sum_axis(random(3, 4, 1).view(), Axis(2));
}

#[test]
#[should_panic(expected = "mse: `pred` has shape [3, 4] and `target` [4, 3]; they must be equal")]
fn mse_names_mismatched_shapes() {
    let _ = ops::mse(random(3, 4, 1).view(), random(4, 3, 2).view());
}

#[test]
fn elementwise_functions() {
    let m = random(3, 4, 61);
    let pos = m.mapv(|v| v.abs() + 0.3);
    // Away from the kinks of relu and abs.
    let away = m.mapv(|v| if v.abs() < 0.1 { v + 0.3 } else { v });
    check1!(ops::exp, m.clone());
    check1!(ops::ln, pos.clone());
    check1!(ops::log1p, pos.clone());
    check1!(ops::sqrt, pos.clone());
    check1!(ops::tanh, m.clone());
    check1!(ops::sigmoid, m.clone());
    check1!(ops::relu, away.clone());
    check1!(ops::softplus, m.clone());
    check1!(ops::abs, away.clone());
    for n in [0, 1, 2, 3, -2] {
        check_both!(ops::powi, |(a, n)| (a.view(), *n), (pos.clone(), n));
    }
    // Any dimension: a vector and a dynamic array.
    check1!(ops::tanh, row(6, 62));
    check1!(
        ops::exp,
        ArrayD::from_shape_fn(IxDyn(&[2, 2, 2]), |i| i[0] as f64 - 0.5 * i[2] as f64)
    );
}

#[test]
fn elementwise_tie_rules_and_extremes() {
    let x = array![-1.0, 0.0, 2.0];
    let ones = array![1.0, 1.0, 1.0];
    assert_eq!(
        ops::relu::rrule(x.view()).1.pullback(ones.clone()),
        array![0.0, 0.0, 1.0]
    );
    assert_eq!(
        ops::abs::rrule(x.view()).1.pullback(ones.clone()),
        array![-1.0, 0.0, 1.0]
    );
    // powi with n = 0 has derivative 0 everywhere, also at 0.
    let at = array![0.0, 2.0];
    let (_, pb) = ops::powi::rrule(at.view(), 0);
    assert_eq!(pb.pullback(array![1.0, 1.0]), (array![0.0, 0.0], NoTangent));
    // sigmoid and softplus do not overflow.
    let big = array![-1000.0, 1000.0];
    let (s, pb) = ops::sigmoid::rrule(big.view());
    assert_eq!(s, array![0.0, 1.0]);
    assert_eq!(pb.pullback(array![1.0, 1.0]), array![0.0, 0.0]);
    let (sp, pb) = ops::softplus::rrule(big.view());
    assert_eq!(sp, array![0.0, 1000.0]);
    assert_eq!(pb.pullback(array![1.0, 1.0]), array![0.0, 1.0]);
    // NaN propagates and does not panic.
    let nan = array![f64::NAN, 1.0];
    assert!(ops::exp(nan.view())[0].is_nan());
    assert!(ops::tanh::rrule(nan.view()).1.pullback(array![1.0, 1.0])[0].is_nan());
    assert!(ops::relu(nan.view())[0].is_nan());
    assert!(ops::add(nan.view(), array![1.0].view())[0].is_nan());
    assert!(ops::softmax(nan.view(), Axis(0)).iter().all(|v| v.is_nan()));
}

#[test]
fn normalised_exponentials() {
    let m = random(3, 4, 71).mapv(|v| 3.0 * v);
    for axis in [Axis(0), Axis(1)] {
        check_both!(ops::softmax, |(a, ax)| (a.view(), *ax), (m.clone(), axis));
        check_both!(
            ops::log_softmax,
            |(a, ax)| (a.view(), *ax),
            (m.clone(), axis)
        );
        check_both!(ops::logsumexp, |(a, ax)| (a.view(), *ax), (m.clone(), axis));
    }
    check_both!(
        ops::softmax,
        |(a, ax)| (a.view(), *ax),
        (row(5, 72), Axis(0))
    );
    check_both!(
        ops::cross_entropy,
        |(x, l)| (x.view(), l),
        (m.clone(), &[3usize, 0, 2][..])
    );
}

#[test]
fn normalised_exponentials_are_stable_at_a_thousand() {
    let x = array![[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -1000.0]];
    let lse = ops::logsumexp(x.view(), Axis(1));
    let e1 = (-1.0f64).exp();
    assert!((lse[0] - (1000.0 + (1.0 + e1).ln())).abs() < 1e-12);
    assert!((lse[1] - (-1000.0 + (2.0 + e1).ln())).abs() < 1e-12);
    let s = ops::softmax(x.view(), Axis(1));
    assert!(s.iter().all(|v| v.is_finite()));
    assert!((s[[0, 0]] - 1.0 / (1.0 + e1)).abs() < 1e-15);
    let ls = ops::log_softmax(x.view(), Axis(1));
    assert!((ls[[0, 2]] - (-2000.0 - (1.0 + e1).ln())).abs() < 1e-9);
    let (l, pb) = ops::cross_entropy::rrule(x.view(), &[2, 1]);
    assert!(l.is_finite() && l > 0.0);
    let (g, _) = pb.pullback(1.0);
    assert!(g.iter().all(|v| v.is_finite()));
    // The gradient through the softmax at ±1000 against finite differences (with steps of 1e-3,
    // not the default 1e-3 of the largest magnitude).
    let fine = Config {
        step: Some(1e-6),
        ..Config::default()
    };
    check_both!(
        ops::log_softmax,
        |(a, ax)| (a.view(), *ax),
        (x.clone(), Axis(1)),
        fine.clone()
    );
    check_both!(
        ops::softmax,
        |(a, ax)| (a.view(), *ax),
        (x.clone(), Axis(1)),
        fine.clone()
    );
    check_both!(
        ops::logsumexp,
        |(a, ax)| (a.view(), *ax),
        (x.clone(), Axis(0)),
        fine.clone()
    );
    check_both!(
        ops::cross_entropy,
        |(x, l)| (x.view(), l),
        (x.clone(), &[2usize, 1][..]),
        fine
    );
}

#[test]
fn cross_entropy_gradient_is_softmax_minus_onehot() {
    let x = random(6, 5, 81).mapv(|v| 4.0 * v);
    let labels = [0usize, 4, 2, 2, 1, 3];
    let (l, pb) = ops::cross_entropy::rrule(x.view(), &labels);
    let p = ops::softmax(x.view(), Axis(1));
    let mut onehot = Array2::<f64>::zeros((6, 5));
    for (i, &k) in labels.iter().enumerate() {
        onehot[[i, k]] = 1.0;
    }
    let (g, NoTangent) = pb.pullback(1.0);
    assert!(
        (&g - &((&p - &onehot) / 6.0))
            .iter()
            .all(|e| e.abs() < 1e-15)
    );
    // The loss is the mean of −log p[label].
    let direct = labels
        .iter()
        .enumerate()
        .map(|(i, &k)| -p[[i, k]].ln())
        .sum::<f64>()
        / 6.0;
    assert!((l - direct).abs() < 1e-14);
}

#[test]
#[should_panic(
    expected = "cross_entropy: labels[1] = 5 is out of range for `logits` of shape [2, 5] (5 classes)"
)]
fn cross_entropy_names_a_bad_label() {
    let _ = ops::cross_entropy(random(2, 5, 1).view(), &[0, 5]);
}

#[test]
#[should_panic(
    expected = "cross_entropy: `labels` has 3 entries, but `logits` has 2 rows (shape [2, 5])"
)]
fn cross_entropy_names_a_bad_label_count() {
    let _ = ops::cross_entropy(random(2, 5, 1).view(), &[0, 1, 2]);
}

#[test]
#[should_panic(expected = "add: the shapes of `a` [3, 4] and `b` [3] do not broadcast")]
fn shapes_that_do_not_broadcast() {
    let _ = ops::add(random(3, 4, 1).view(), array![1.0, 2.0, 3.0].view());
}

#[test]
#[should_panic(
    expected = "tanh: the output cotangent has shape [2], expected [3] (the output's shape)"
)]
fn a_cotangent_of_the_wrong_shape() {
    let x = array![1.0, 2.0, 3.0];
    let (_, pb) = ops::tanh::rrule(x.view());
    let _ = pb.pullback(array![1.0, 2.0]);
}

#[test]
fn single_precision() {
    let m = random(3, 4, 91).mapv(|v| v as f32);
    let r = row(4, 92).mapv(|v| v as f32 + 2.0);
    check2!(ops::add, m.clone(), r.clone());
    check2!(ops::div, m.clone(), r.clone());
    check2!(ops::matmul, m.clone(), random(4, 2, 93).mapv(|v| v as f32));
    check1!(ops::tanh, m.clone());
    check1!(ops::sum_sq, m.clone());
    check_both!(
        ops::log_softmax,
        |(a, ax)| (a.view(), *ax),
        (m.clone(), Axis(1))
    );
    check_both!(
        ops::cross_entropy,
        |(x, l)| (x.view(), l),
        (m.clone(), &[1usize, 0, 3][..])
    );
    let big = array![[1000.0f32, -1000.0]];
    assert_eq!(ops::softmax(big.view(), Axis(1)), array![[1.0f32, 0.0]]);
}

#[test]
fn owned_cotangents_are_reused() {
    // The output cotangent's buffer comes back as the first operand's cotangent.
    let m = random(3, 4, 101);
    let (_, pb) = ops::add::rrule(m.view(), row(4, 102).view());
    let dy = random(3, 4, 103);
    let ptr = dy.as_ptr();
    let (dm, _) = pb.pullback(dy);
    assert_eq!(dm.as_ptr(), ptr);
    for rule in 0..3 {
        let dy = random(3, 4, 104);
        let ptr = dy.as_ptr();
        let out = match rule {
            0 => ops::scale::rrule(m.view(), 2.0).1.pullback(dy).0,
            1 => ops::tanh::rrule(m.view()).1.pullback(dy),
            _ => ops::log_softmax::rrule(m.view(), Axis(1)).1.pullback(dy).0,
        };
        assert_eq!(out.as_ptr(), ptr, "rule {rule}");
    }
}

#[test]
fn moving_entries() {
    use ndarray::{Ix1, Ix3, IxDyn};
    let m = random(3, 4, 111);
    check_both!(ops::reshape, |(a, s)| (a.view(), *s), (m.clone(), Ix1(12)));
    check_both!(
        ops::reshape,
        |(a, s)| (a.view(), s.clone()),
        (m.clone(), IxDyn(&[2, 3, 2]))
    );
    check_both!(
        ops::reshape,
        |(a, s)| (a.view(), *s),
        (m.clone(), Ix3(2, 2, 3))
    );
    for axis in [Axis(0), Axis(1)] {
        let other = if axis == Axis(0) {
            random(2, 4, 112)
        } else {
            random(3, 2, 112)
        };
        check_both!(
            ops::concatenate,
            |(a, b, ax)| (a.view(), b.view(), *ax),
            (m.clone(), other, axis)
        );
        check_both!(
            ops::select,
            |(a, ax, idx)| (a.view(), *ax, idx),
            (m.clone(), axis, &[2usize, 0, 2, 1][..])
        );
        // Away from ties, so that finite differences see one derivative.
        check_both!(ops::max_axis, |(a, ax)| (a.view(), *ax), (m.clone(), axis));
        check_both!(ops::min_axis, |(a, ax)| (a.view(), *ax), (m.clone(), axis));
    }
    // reshape reads a transposed view in row-major order of its logical shape.
    let t = array![[1.0, 2.0], [3.0, 4.0]];
    assert_eq!(ops::reshape(t.t(), Ix1(4)), array![1.0, 3.0, 2.0, 4.0]);
    // Repeated indices add up.
    let idx = [1, 1, 1];
    let (_, pb) = ops::select::rrule(t.view(), Axis(0), &idx);
    assert_eq!(
        pb.pullback(Array2::ones((3, 2))).0,
        array![[0.0, 0.0], [3.0, 3.0]]
    );
    // Ties go to the first of the equal entries; NaN wins.
    let tie = array![[2.0, 2.0, 1.0], [0.0, f64::NAN, 5.0]];
    let (m, pb) = ops::max_axis::rrule(tie.view(), Axis(1));
    assert_eq!(m[0], 2.0);
    assert!(m[1].is_nan());
    assert_eq!(
        pb.pullback(array![1.0, 1.0]).0,
        array![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    );
}

#[test]
#[should_panic(expected = "reshape: `a` of shape [3, 4] has 12 entries, but the shape [5] has 5")]
fn reshape_names_the_sizes() {
    let _ = ops::reshape(random(3, 4, 1).view(), ndarray::Ix1(5));
}

#[test]
#[should_panic(
    expected = "select: indices[1] = 3 is out of range for axis 0 of `a` of shape [3, 4]"
)]
fn select_names_a_bad_index() {
    let _ = ops::select(random(3, 4, 1).view(), Axis(0), &[0, 3]);
}

#[test]
#[should_panic(
    expected = "concatenate: `a` [3, 4] and `b` [2, 3] must have equal lengths on every axis but axis 0"
)]
fn concatenate_names_the_shapes() {
    let _ = ops::concatenate(random(3, 4, 1).view(), random(2, 3, 1).view(), Axis(0));
}

#[test]
#[should_panic(expected = "max_axis: axis 1 of the input of shape [3, 0] is empty")]
fn max_of_an_empty_lane() {
    let _ = ops::max_axis(Array2::<f64>::zeros((3, 0)).view(), Axis(1));
}
