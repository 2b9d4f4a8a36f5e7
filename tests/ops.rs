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
    check2!(ops::dot, row(6, 27), row(6, 28));
    let (u, v) = (row(6, 27), row(6, 28));
    let as_matmul = ops::matmul(u.view(), v.view()).into_scalar();
    assert!((ops::dot(u.view(), v.view()) - as_matmul).abs() < 1e-15);
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
    // The gradient through the softmax at ±1000 against finite differences (with steps of
    // 1e-6 of the largest magnitude, 1e-3 here, not the default 1e-3 of it).
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

/// The largest difference in ulps between two `f64` arrays of one shape.
fn ulps_apart(a: &ArrayD<f64>, b: &ArrayD<f64>) -> f64 {
    a.iter().zip(b).fold(0.0f64, |m, (&x, &y)| {
        let ulp = f64::from_bits(y.abs().to_bits() + 1) - y.abs();
        m.max((x - y).abs() / ulp)
    })
}

#[test]
fn accuracy_at_the_edges() {
    // log_softmax at large logits: (x − max) − ln Σ, within an ulp or two of −ln 2.
    let big = array![[1000.0, 1000.0], [-1e300, -1e300]];
    let y = ops::log_softmax(big.view(), Axis(1));
    let ln2 = -(2.0f64.ln());
    assert!(
        y.iter().all(|&v| (v - ln2).abs() <= 2.0 * f64::EPSILON),
        "{y}"
    );
    let y32 = ops::log_softmax(big.mapv(|v| (v as f32).max(-3e38)).view(), Axis(1));
    assert!(
        y32.iter()
            .all(|&v| (v - ln2 as f32).abs() <= 2.0 * f32::EPSILON),
        "{y32}"
    );
    // norm of subnormal entries: finite, exact, with a finite cotangent.
    let tiny: Array1<f64> = array![3e-310, 4e-310];
    let (r, pb) = ops::norm::rrule(tiny.view());
    assert!((r - 5e-310).abs() <= 1e-323, "{r:e}");
    let g = pb.pullback(1.0);
    assert!(
        (g[0] - 0.6).abs() < 1e-12 && (g[1] - 0.8).abs() < 1e-12,
        "{g}"
    );
    // A NaN entry makes the norm and every cotangent NaN.
    let with_nan = array![1.0, f64::NAN];
    let (r, pb) = ops::norm::rrule(with_nan.view());
    assert!(r.is_nan() && pb.pullback(1.0).iter().all(|v| v.is_nan()));
    // div's b̄ = −ȳ·a/b² where b² alone would underflow (f32).
    let (a, b) = (array![1e-20f32], array![1e-23f32]);
    let (_, pb) = ops::div::rrule(a.view(), b.view());
    let (_, db) = pb.pullback(array![1.0f32]);
    assert!((db[0] / -1e26 - 1.0).abs() < 1e-5, "{db}");
    // logsumexp of a lane of −∞ is −∞, of one holding +∞ is +∞ (PyTorch and JAX agree).
    let inf = f64::INFINITY;
    let l = ops::logsumexp(array![[-inf, -inf], [1.0, inf]].view(), Axis(1));
    assert_eq!(l, array![-inf, inf]);
    // A NaN with any payload stays NaN through the normalised exponentials.
    let odd_nan = f64::from_bits(0x7FF8_0000_0000_0FFF);
    let s = ops::softmax(array![[odd_nan, 0.0], [1.0, 2.0]].view(), Axis(1));
    assert!(s.row(0).iter().all(|v| v.is_nan()) && s.row(1).iter().all(|v| v.is_finite()));
    // powi at i32::MIN: no overflow in n − 1.
    let one = array![1.0];
    let (_, pb) = ops::powi::rrule(one.view(), i32::MIN);
    assert_eq!(pb.pullback(array![1.0]).0, array![i32::MIN as f64]);
}

#[test]
#[should_panic(
    expected = "add: the tangent `db` has shape [5], expected [4] (the shape of the input it belongs to)"
)]
fn a_tangent_of_the_wrong_shape() {
    let (m, bias) = (random(3, 4, 1), row(4, 2));
    let (_, pf) = ops::add::frule(m.view(), bias.view());
    let _ = pf.pushforward((m.clone(), row(5, 3)));
}

#[test]
fn the_parallel_paths_agree_with_plain_loops() {
    // 300×200 = 60 000 entries: past the 2¹⁵ at which passes are split among threads.
    let m = random(300, 200, 121);
    let bias = row(200, 122);
    let y = ops::add(m.view(), bias.view());
    assert_eq!(y, &m + &bias);
    let t = ops::tanh(m.view());
    assert!(ulps_apart(&t.clone().into_dyn(), &m.mapv(f64::tanh).into_dyn()) <= 3.0);
    let e = ops::exp(m.view());
    assert!(ulps_apart(&e.into_dyn(), &m.mapv(f64::exp).into_dyn()) <= 2.0);
    let ls = ops::log_softmax(m.view(), Axis(1));
    for (row, out) in m.rows().into_iter().zip(ls.rows()) {
        let mx = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let l = row.iter().map(|v| (v - mx).exp()).sum::<f64>().ln();
        for (&v, &o) in row.iter().zip(out) {
            assert!((o - ((v - mx) - l)).abs() < 1e-14);
        }
    }
    // Cotangents of the output's shape, transposed (F order), go through the other loops.
    let dy = random(200, 300, 123);
    let (_, pb) = ops::tanh::rrule(m.view());
    let dx = pb.pullback(dy.t().to_owned());
    assert!(
        (&dx - &(&dy.t() * &t.mapv(|v| 1.0 - v * v)))
            .iter()
            .all(|e| e.abs() < 1e-15)
    );
    let (_, pb) = ops::log_softmax::rrule(m.view(), Axis(1));
    let (d1, _) = pb.pullback(dy.t().to_owned());
    let (d2, _) = pb.pullback(dy.t().as_standard_layout().into_owned());
    assert!((&d1 - &d2).iter().all(|e| e.abs() < 1e-15));
    // The sums give the same bits on one thread as on all of them.
    let one = rayon_one_thread(|| {
        (
            ops::sum(m.view()),
            ops::sum_sq(m.view()),
            ops::norm(m.view()),
        )
    });
    assert_eq!(
        one,
        (
            ops::sum(m.view()),
            ops::sum_sq(m.view()),
            ops::norm(m.view())
        )
    );
    let (_, pb) = ops::add::rrule(m.view(), bias.view());
    let db_all = pb.pullback(dy.t().to_owned()).1;
    let db_one = rayon_one_thread(|| pb.pullback(dy.t().to_owned()).1);
    assert_eq!(db_all, db_one);
}

/// `f` on a pool of one thread.
fn rayon_one_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rules_tests::one_thread(f)
}

#[test]
fn empty_and_zero_dimensional_inputs() {
    let empty = Array2::<f64>::zeros((0, 3));
    let bias = array![1.0, 2.0, 3.0];
    assert_eq!(ops::add(empty.view(), bias.view()).shape(), [0, 3]);
    assert_eq!(ops::sum(empty.view()), 0.0);
    assert!(ops::mean(empty.view()).is_nan());
    assert_eq!(ops::softmax(empty.view(), Axis(1)).shape(), [0, 3]);
    assert_eq!(ops::tanh(empty.view()).shape(), [0, 3]);
    let (y, pb) = ops::log_softmax::rrule(empty.view(), Axis(1));
    assert_eq!((y.len(), pb.pullback(empty.clone()).0.len()), (0, 0));
    let s = Array::from_elem((), 0.5);
    check1!(ops::tanh, s.clone());
    check2!(ops::mul, s.clone(), s.clone());
}

#[test]
fn softmax_reuses_the_cotangent() {
    let m = random(3, 4, 131);
    let dy = random(3, 4, 132);
    let ptr = dy.as_ptr();
    let (_, pb) = ops::softmax::rrule(m.view(), Axis(1));
    assert_eq!(pb.pullback(dy).0.as_ptr(), ptr);
}

#[test]
fn long_single_precision_sums_keep_their_digits() {
    // 10⁶ entries of 0.1f32: a running f32 total drifts by about 1 %; ours rounds once.
    let x = Array1::from_elem(1_000_000, 0.1f32);
    let exact = 1e6 * f64::from(0.1f32);
    assert_eq!(ops::sum(x.view()), exact as f32);
    assert_eq!(ops::mean(x.view()), (exact / 1e6) as f32);
    let (s, _) = ops::sum_sq::rrule(x.view());
    assert!((f64::from(s) / (1e6 * f64::from(0.1f32 * 0.1f32)) - 1.0).abs() < 1e-6);
}
