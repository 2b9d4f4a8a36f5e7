//! The testing kit must pass correct rules and fail, with a helpful message, on planted mistakes.

use ndarray::{Array1, Array2, array};
use rules_core::testing::{Config, Symmetric, check_rrule, test_rrule};
use rules_core::{MaybeZero, NoTangent, Patterns, Pullback, rrule};

/// y = k·x.
#[rrule]
pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) {
        (&dy * k, dy.dot(&x))
    })
}

/// Planted mistake: the sign of `dx` is wrong.
#[rrule]
pub fn scale_wrong_sign(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, f64) {
        (&dy * -k, dy.dot(&x))
    })
}

/// (x·y, x + y) with its three-term pullback.
#[rrule]
pub fn prod_sum(x: f64, y: f64) -> (f64, f64) {
    ((x * y, x + y), move |dp: f64, ds: f64| -> (f64, f64) {
        (dp * y + ds, dp * x + ds)
    })
}

/// Planted mistake: the `ds` term of `dy` is missing.
#[rrule]
pub fn prod_sum_missing_term(x: f64, y: f64) -> (f64, f64) {
    ((x * y, x + y), move |dp: f64, ds: f64| -> (f64, f64) {
        (dp * y + ds, dp * x)
    })
}

/// Planted mistake: `k` is differentiable but gets `NoTangent`.
#[rrule]
pub fn scale_no_tangent(x: Array1<f64>, k: f64) -> Array1<f64> {
    let y = &x * k;
    (y, move |dy: Array1<f64>| -> (Array1<f64>, NoTangent) {
        (&dy * k, NoTangent)
    })
}

/// A non-differentiable input done right, and a large matrix input (adjoint-identity path).
#[rrule]
pub fn power_trace(a: Array2<f64>, p: usize) -> f64 {
    let mut acc = Array2::eye(a.nrows());
    let mut powers = vec![acc.clone()];
    for _ in 0..p {
        acc = acc.dot(&a);
        powers.push(acc.clone());
    }
    let t = acc.diag().sum();
    (t, move |dt: f64| -> (Array2<f64>, NoTangent) {
        // d tr(Aᵖ) = p · (Aᵖ⁻¹)ᵀ.
        #[allow(clippy::cast_precision_loss)]
        let g = powers[p - 1].t().to_owned() * (dt * p as f64);
        (g, NoTangent)
    })
}

/// Planted mistake: a cotangent for the non-differentiable `p`.
#[rrule]
pub fn power_wrong_discrete(a: f64, p: usize) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
    let y = a.powi(p as i32);
    (y, move |dy: f64| -> (f64, f64) {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_possible_wrap,
            clippy::cast_precision_loss
        )]
        let g = dy * p as f64 * a.powi(p as i32 - 1);
        (g, 0.0)
    })
}

/// An `f32` rule.
#[rrule]
pub fn cube(x: Array1<f32>) -> Array1<f32> {
    let y = x.mapv(|v| v * v * v);
    (y, move |dy: Array1<f32>| -> Array1<f32> {
        &dy * &x.mapv(|v| 3.0 * v * v)
    })
}

fn fails(result: Result<rules_core::testing::Report, String>, expected: &[&str]) {
    let err = result.expect_err("the kit passed a rule with a planted mistake");
    for e in expected {
        assert!(err.contains(e), "the message should mention {e:?}: {err}");
    }
}

#[test]
fn correct_rules_pass() {
    let c = Config::default();
    let r = check_rrule(
        |(x, k)| scale(x.clone(), *k),
        |(x, k)| scale::rrule(x.clone(), *k),
        &(array![1.0, -2.0, 0.5], 1.5),
        &c,
    );
    assert_eq!(r.patterns, 2);
    assert_eq!(r.fd_checks, 4);
    let r = check_rrule(
        |(x, y)| prod_sum(*x, *y),
        |(x, y)| prod_sum::rrule(*x, *y),
        &(0.7, -1.3),
        &c,
    );
    assert_eq!(r.patterns, 4);
    let a = Array2::from_shape_fn((9, 9), |(i, j)| ((i * 7 + j * 3) % 11) as f64 / 11.0 - 0.4);
    let r = check_rrule(
        |(a, p)| power_trace(a.clone(), *p),
        |(a, p)| power_trace::rrule(a.clone(), *p),
        &(a, 3),
        &c,
    );
    assert_eq!(
        r.fd_checks, c.directions,
        "81 entries use the adjoint identity"
    );
    check_rrule(
        |(x,)| cube(x.clone()),
        |(x,)| cube::rrule(x.clone()),
        &(array![0.5f32, -1.0, 2.0],),
        &c,
    );
}

#[test]
fn a_wrong_sign_is_caught() {
    fails(
        test_rrule(
            |(x, k)| scale_wrong_sign(x.clone(), *k),
            |(x, k)| scale_wrong_sign::rrule(x.clone(), *k),
            &(array![1.0, 2.0], 3.0),
            &Config::default(),
        ),
        &["input `x`", "element 0", "finite differences"],
    );
}

#[test]
fn a_missing_term_is_caught() {
    fails(
        test_rrule(
            |(x, y)| prod_sum_missing_term(*x, *y),
            |(x, y)| prod_sum_missing_term::rrule(*x, *y),
            &(0.7, -1.3),
            &Config::default(),
        ),
        &["input `y`"],
    );
}

#[test]
fn a_wrong_no_tangent_is_caught() {
    fails(
        test_rrule(
            |(x, k)| scale_no_tangent(x.clone(), *k),
            |(x, k)| scale_no_tangent::rrule(x.clone(), *k),
            &(array![1.0], 2.0),
            &Config::default(),
        ),
        &["input `k` is differentiable", "NoTangent"],
    );
    fails(
        test_rrule(
            |(a, p)| power_wrong_discrete(*a, *p),
            |(a, p)| power_wrong_discrete::rrule(*a, *p),
            &(1.5, 3),
            &Config::default(),
        ),
        &[
            "input `p` (usize) is not differentiable",
            "return `NoTangent`",
        ],
    );
}

#[test]
fn a_value_that_differs_from_the_primal_is_caught() {
    fails(
        test_rrule(
            |(x, k)| scale(x.clone(), *k + 1.0),
            |(x, k)| scale::rrule(x.clone(), *k),
            &(array![1.0], 2.0),
            &Config::default(),
        ),
        &["value of output 0", "differs from the primal"],
    );
}

/// A hand-written pullback whose specialised pattern disagrees with its dense pullback: the kind
/// of bug a hand-written `svdvals` fast path can have.
struct Inconsistent {
    runtime_agrees: bool,
}

impl Pullback<(f64, f64)> for Inconsistent {
    type Output = f64;
    fn pullback(&self, (a, b): (f64, f64)) -> f64 {
        a + 2.0 * b
    }
}

impl Patterns<(f64, f64)> for Inconsistent {
    type Runtime = MaybeZero<f64>;
    const COTANGENTS: &'static [&'static str] = &["da", "db"];
    const INPUTS: &'static [&'static str] = &["x"];
    fn pullback_static(&self, mask: u64, (a, b): (f64, f64)) -> Option<MaybeZero<f64>> {
        Some(match mask {
            0 => MaybeZero::Value(a + 2.0 * b),
            1 => MaybeZero::Value(3.0 * b), // planted: should be 2·b
            2 => MaybeZero::Value(a),
            _ => MaybeZero::Zero,
        })
    }
    fn pullback_runtime(&self, mask: u64, c: (f64, f64)) -> MaybeZero<f64> {
        if self.runtime_agrees {
            self.pullback_static(mask, c).unwrap_or_default()
        } else {
            MaybeZero::Zero
        }
    }
}

#[test]
fn a_pattern_that_differs_from_the_dense_pullback_is_caught() {
    let f = |x: &(f64,)| (x.0, 2.0 * x.0);
    fails(
        test_rrule(
            f,
            |x| {
                (
                    f(x),
                    Inconsistent {
                        runtime_agrees: true,
                    },
                )
            },
            &(1.0,),
            &Config::default(),
        ),
        &["pattern (Zero, db)", "input `x`", "explicit zeros"],
    );
    fails(
        test_rrule(
            f,
            |x| {
                (
                    f(x),
                    Inconsistent {
                        runtime_agrees: false,
                    },
                )
            },
            &(1.0,),
            &Config::default(),
        ),
        &["runtime MaybeZero pattern (da, db)", "static"],
    );
}

#[test]
#[should_panic(expected = "check_rrule: the cotangent of input `x` at element 0")]
fn check_rrule_panics_with_the_message() {
    check_rrule(
        |(x, k)| scale_wrong_sign(x.clone(), *k),
        |(x, k)| scale_wrong_sign::rrule(x.clone(), *k),
        &(array![1.0], 3.0),
        &Config::default(),
    );
}

/// Near a pole the finite differences estimate a large error of their own; that is a failure to
/// check, never a licence for a wrong derivative to pass.
#[rrule]
pub fn reciprocal_plus(x: f64) -> f64 {
    // Planted: the derivative of 1/x + x is −1/x² + 1; the `+ 1` is missing.
    (1.0 / x + x, move |dy: f64| -> f64 { -dy / (x * x) })
}

/// A kink within a few steps of the input, with a wrong slope on one side.
#[rrule]
pub fn kinked(x: f64) -> f64 {
    (x.abs(), move |dy: f64| -> f64 { 1.5 * dy })
}

#[test]
fn a_wrong_derivative_near_a_pole_or_a_kink_fails() {
    let err = test_rrule(
        |(x,)| reciprocal_plus(*x),
        |(x,)| reciprocal_plus::rrule(*x),
        &(0.01,),
        &Config::default(),
    )
    .unwrap_err();
    assert!(err.contains("input `x`"), "{err}");
    let err = test_rrule(
        |(x,)| kinked(*x),
        |(x,)| kinked::rrule(*x),
        &(0.001,),
        &Config::default(),
    )
    .unwrap_err();
    assert!(err.contains("input `x`"), "{err}");
}

/// A hand-written pullback whose `PullbackFor` body disagrees with its dense pullback.
struct WrongSelection;

impl Pullback<f64> for WrongSelection {
    type Output = (f64, f64);
    fn pullback(&self, d: f64) -> (f64, f64) {
        (2.0 * d, 3.0 * d)
    }
}

impl Patterns<f64> for WrongSelection {
    type Runtime = (MaybeZero<f64>, MaybeZero<f64>);
    const COTANGENTS: &'static [&'static str] = &["d"];
    const INPUTS: &'static [&'static str] = &["a", "b"];
    fn pullback_static(&self, mask: u64, d: f64) -> Option<Self::Runtime> {
        Some(match mask {
            0 => (MaybeZero::Value(2.0 * d), MaybeZero::Value(3.0 * d)),
            _ => (MaybeZero::Zero, MaybeZero::Zero),
        })
    }
    fn pullback_runtime(&self, mask: u64, d: f64) -> Self::Runtime {
        self.pullback_static(mask, d).unwrap_or_default()
    }
    fn pullback_for_static(&self, wanted: u64, mask: u64, d: f64) -> Option<Self::Runtime> {
        let d = if mask == 0 { d } else { 0.0 };
        let pick = |j: u64, v: f64| {
            if wanted & (1 << j) != 0 && mask == 0 {
                MaybeZero::Value(v)
            } else {
                MaybeZero::Zero
            }
        };
        // Planted: with `a` skipped, `b` comes out as 4·d instead of 3·d.
        let b = if wanted == 0b10 { 4.0 * d } else { 3.0 * d };
        Some((pick(0, 2.0 * d), pick(1, b)))
    }
    fn pullback_for_runtime(&self, wanted: u64, mask: u64, d: f64) -> Option<Self::Runtime> {
        self.pullback_for_static(wanted, mask, d)
    }
}

#[test]
fn a_pullback_for_body_that_differs_from_the_dense_pullback_is_caught() {
    let f = |x: &(f64, f64)| 2.0 * x.0 + 3.0 * x.1;
    fails(
        test_rrule(
            f,
            |x| (f(x), WrongSelection),
            &(1.0, 2.0),
            &Config::default(),
        ),
        &[
            "pullback_for (Skip a, Need b) with (d)",
            "input `b`",
            "explicit zeros",
        ],
    );
}

mod forward {
    use ndarray::{Array1, array};
    use rules_core::testing::{Config, check_adjoint, check_frule, test_adjoint, test_frule};
    use rules_core::{frule, rrule};

    /// y = k·x, both rules.
    #[rrule]
    #[frule]
    pub fn scale(x: Array1<f64>, k: f64) -> Array1<f64> {
        let y = &x * k;
        (
            y,
            move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) },
            move |dx: Array1<f64>, dk: f64| -> Array1<f64> { &dx * k + &x * dk },
        )
    }

    /// A planted mistake in the pushforward only: the `x·dk` term has the wrong sign.
    #[rrule]
    #[frule]
    pub fn scale_wrong_jvp(x: Array1<f64>, k: f64) -> Array1<f64> {
        let y = &x * k;
        (
            y,
            move |dy: Array1<f64>| -> (Array1<f64>, f64) { (&dy * k, dy.dot(&x)) },
            move |dx: Array1<f64>, dk: f64| -> Array1<f64> { &dx * k - &x * dk },
        )
    }

    /// One input, one output, as a bare tangent.
    #[frule]
    pub fn cube(x: f64) -> f64 {
        (x * x * x, move |dx: f64| -> f64 { 3.0 * x * x * dx })
    }

    #[test]
    fn correct_forward_rules_pass_and_agree_with_their_pullbacks() {
        let inputs = (array![1.0, -2.0, 0.5], 1.5);
        let r = check_frule(
            |(x, k)| scale(x.clone(), *k),
            |(x, k)| scale::frule(x.clone(), *k),
            &inputs,
            &Config::default(),
        );
        // Four patterns; each of the two inputs checked along its own direction, 3 entries each.
        assert_eq!((r.patterns, r.fd_checks), (4, 6));
        check_adjoint(
            |(x, k)| scale::rrule(x.clone(), *k),
            |(x, k)| scale::frule(x.clone(), *k),
            &inputs,
            &Config::default(),
        );
        check_frule(
            |(x,)| cube(*x),
            |(x,)| cube::frule(*x),
            &(0.7,),
            &Config::default(),
        );
    }

    #[test]
    fn a_wrong_pushforward_is_caught_by_finite_differences_and_by_the_adjoint() {
        let inputs = (array![1.0, -2.0, 0.5], 1.5);
        let err = test_frule(
            |(x, k)| scale_wrong_jvp(x.clone(), *k),
            |(x, k)| scale_wrong_jvp::frule(x.clone(), *k),
            &inputs,
            &Config::default(),
        )
        .unwrap_err();
        assert!(err.contains("finite differences give"), "{err}");
        let err = test_adjoint(
            |(x, k)| scale_wrong_jvp::rrule(x.clone(), *k),
            |(x, k)| scale_wrong_jvp::frule(x.clone(), *k),
            &inputs,
            &Config::default(),
        )
        .unwrap_err();
        assert!(err.contains("the rules disagree"), "{err}");
        let _: Array1<f64> = array![];
    }
}

mod scalar {
    use rules_core::scalar_rule;
    use rules_core::testing::{Config, check_scalar, test_scalar};

    /// Correct.
    #[scalar_rule(|y| y * (1.0 - y))]
    pub fn sigmoid(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }

    /// Planted: the partial of `x` is missing a factor 2.
    #[scalar_rule(|z| (y, x))]
    pub fn double_product(x: f64, y: f64) -> f64 {
        2.0 * x * y
    }

    #[test]
    fn check_scalar_passes_a_correct_rule_and_fails_a_wrong_partial() {
        check_scalar(
            |(x,)| sigmoid(*x),
            |(x,)| sigmoid::rrule(*x),
            |(x,)| sigmoid::frule(*x),
            &(0.3,),
            &Config::default(),
        );
        let err = test_scalar(
            |(x, y)| double_product(*x, *y),
            |(x, y)| double_product::rrule(*x, *y),
            |(x, y)| double_product::frule(*x, *y),
            &(1.5, -0.5),
            &Config::default(),
        )
        .unwrap_err();
        assert!(err.contains("finite differences give"), "{err}");
    }
}

mod forward_patterns {
    use rules_core::testing::{Config, test_frule};
    use rules_core::{MaybeZero, Pushforward, PushforwardPatterns};

    /// A hand-written pushforward of `2a + 3b` whose `(Zero, db)` body is wrong.
    struct WrongPattern;

    impl Pushforward<(f64, f64)> for WrongPattern {
        type Output = f64;
        fn pushforward(&self, (a, b): (f64, f64)) -> f64 {
            2.0 * a + 3.0 * b
        }
    }

    impl PushforwardPatterns<(f64, f64)> for WrongPattern {
        type Runtime = MaybeZero<f64>;
        const TANGENTS: &'static [&'static str] = &["da", "db"];
        const OUTPUTS: &'static [&'static str] = &["y"];
        fn pushforward_static(&self, mask: u64, (a, b): (f64, f64)) -> Option<MaybeZero<f64>> {
            Some(match mask {
                0 => MaybeZero::Value(2.0 * a + 3.0 * b),
                1 => MaybeZero::Value(4.0 * b), // planted: should be 3·b
                2 => MaybeZero::Value(2.0 * a),
                _ => MaybeZero::Zero,
            })
        }
        fn pushforward_runtime(&self, mask: u64, t: (f64, f64)) -> MaybeZero<f64> {
            self.pushforward_static(mask, t).unwrap_or_default()
        }
    }

    #[test]
    fn a_pushforward_pattern_that_differs_from_the_dense_one_is_caught() {
        let f = |x: &(f64, f64)| 2.0 * x.0 + 3.0 * x.1;
        let err =
            test_frule(f, |x| (f(x), WrongPattern), &(1.0, 2.0), &Config::default()).unwrap_err();
        assert!(err.contains("pattern (Zero, db)"), "{err}");
    }
}

/// `f(A) = Σ_{i ≥ j} a_ij²` reads the lower triangle of a symmetric `A`; as a function of a
/// symmetric matrix its gradient is `A + diag(A)` split evenly over each mirrored pair, i.e. `Ā_ij =
/// a_ij` off the diagonal and `2 a_ii` on it, so that `⟨Ā, E_ij + E_ji⟩ = 2 a_ij`.
#[rrule]
fn lower_square(a: Array2<f64>, planted: bool) -> f64 {
    let n = a.nrows();
    let value = (0..n)
        .flat_map(|i| (0..=i).map(move |j| (i, j)))
        .map(|(i, j)| a[[i, j]] * a[[i, j]])
        .sum();
    (
        value,
        move |dy: f64| -> (Array2<f64>, rules_core::NoTangent) {
            let mut g = Array2::from_shape_fn((n, n), |(i, j)| {
                let lower = a[[i.max(j), i.min(j)]];
                if i == j { 2.0 * lower } else { lower }
            });
            if planted {
                // A mistake in one mirrored pair: double (1, 0) and (0, 1).
                g[[1, 0]] *= 2.0;
                g[[0, 1]] *= 2.0;
            }
            (g * dy, rules_core::NoTangent)
        },
    )
}

#[test]
fn symmetric_inputs_are_perturbed_along_symmetric_directions() {
    let a = array![[1.0, 0.5, -0.2], [0.5, 2.0, 0.3], [-0.2, 0.3, 1.5]];
    check_rrule(
        |(a, p)| lower_square(a.0.clone(), *p),
        |(a, p)| lower_square::rrule(a.0.clone(), *p),
        &(Symmetric(a.clone()), false),
        &Config::default(),
    );
    // Without the constraint the kit perturbs the upper triangle too, which the function does not
    // read: the symmetric gradient rightly fails there.
    let err = test_rrule(
        |(a, p)| lower_square(a.clone(), *p),
        |(a, p)| lower_square::rrule(a.clone(), *p),
        &(a.clone(), false),
        &Config::default(),
    )
    .unwrap_err();
    assert!(err.contains("element 1 is"), "{err}");
    // The planted mistake is caught, naming the pair.
    let err = test_rrule(
        |(a, p)| lower_square(a.0.clone(), *p),
        |(a, p)| lower_square::rrule(a.0.clone(), *p),
        &(Symmetric(a), true),
        &Config::default(),
    )
    .unwrap_err();
    assert!(err.contains("element [1, 0] and its mirror"), "{err}");
}

/// `y = z²` entry by entry, holomorphic: with the cotangent convention `∂L/∂Re z + i·∂L/∂Im z`,
/// `z̄ = conj(2z)·ȳ`. The planted version forgets the conjugate, the classic mistake.
#[rrule]
fn complex_square(
    z: Array1<num_complex::Complex<f64>>,
    planted: bool,
) -> Array1<num_complex::Complex<f64>> {
    let y = z.mapv(|v| v * v);
    (y, move |dy: Array1<num_complex::Complex<f64>>| -> (Array1<num_complex::Complex<f64>>, NoTangent) {
        let d = if planted {
            z.mapv(|v| v * 2.0)
        } else {
            z.mapv(|v| (v * 2.0).conj())
        };
        (&dy * &d, NoTangent)
    })
}

/// `Σ |z|²`, a real function of complex inputs: `z̄ = 2z·ȳ`.
#[rrule]
fn squared_norm(z: Array1<num_complex::Complex<f64>>) -> f64 {
    let value = z.iter().map(|v| v.norm_sqr()).sum();
    (value, move |dy: f64| -> Array1<num_complex::Complex<f64>> {
        z.mapv(|v| v * (2.0 * dy))
    })
}

#[test]
fn complex_inputs_and_cotangents_follow_the_chainrules_convention() {
    use num_complex::Complex;
    let z = array![
        Complex::new(1.0, 2.0),
        Complex::new(-0.5, 0.3),
        Complex::new(0.0, -1.5)
    ];
    check_rrule(
        |(z, p)| complex_square(z.clone(), *p),
        |(z, p)| complex_square::rrule(z.clone(), *p),
        &(z.clone(), false),
        &Config::default(),
    );
    check_rrule(
        |(z,)| squared_norm(z.clone()),
        |(z,)| squared_norm::rrule(z.clone()),
        &(z.clone(),),
        &Config::default(),
    );
    // Forgetting the conjugate flips the sign of the imaginary parts' derivatives: caught.
    let err = test_rrule(
        |(z, p)| complex_square(z.clone(), *p),
        |(z, p)| complex_square::rrule(z.clone(), *p),
        &(z, true),
        &Config::default(),
    )
    .unwrap_err();
    assert!(err.contains("the cotangent of input `z`"), "{err}");
}

/// `x ∘ w`, whose pullback keeps views of both inputs.
#[rules_core::rrule]
fn weigh(x: ndarray::ArrayView1<'_, f64>, w: ndarray::ArrayView1<'_, f64>) -> ndarray::Array1<f64> {
    let y = &x * &w;
    (
        y,
        move |dy: ndarray::Array1<f64>| -> (ndarray::Array1<f64>, ndarray::Array1<f64>) {
            (&dy * &w, &dy * &x)
        },
    )
}

#[test]
fn a_pullback_may_borrow_the_inputs_it_is_checked_at() {
    let inputs = (ndarray::array![1.0, -2.0], ndarray::array![0.5, 3.0]);
    let r = rules_core::testing::check_rrule(
        |(x, w)| weigh(x.view(), w.view()),
        |(x, w)| weigh::rrule(x.view(), w.view()),
        &inputs,
        &rules_core::testing::Config::default(),
    );
    assert!(r.selections > 0 && r.fd_checks > 0);
    // And a planted mistake is still caught through the borrowed views.
    #[rules_core::rrule]
    fn wrong(x: ndarray::ArrayView1<'_, f64>) -> ndarray::Array1<f64> {
        let y = &x * &x;
        (y, move |dy: ndarray::Array1<f64>| -> ndarray::Array1<f64> {
            &dy * &x
        })
    }
    let err = rules_core::testing::test_rrule(
        |(x,)| wrong(x.view()),
        |(x,)| wrong::rrule(x.view()),
        &(ndarray::array![1.0, 2.0],),
        &rules_core::testing::Config::default(),
    )
    .unwrap_err();
    assert!(err.contains("the cotangent of input `x`"), "{err}");
}

// ---- The kit takes every input a rule can take (issue 22, part 1) ----

/// Layer-norm-like parameters: a gain and a constant epsilon.
#[derive(rules_core::Differentiable, Clone, Debug)]
pub struct Gain {
    /// The gain, differentiated.
    pub g: Array1<f64>,
    /// A constant.
    #[no_tangent]
    pub eps: f64,
}

/// `x ∘ g / (1 + eps)`, borrowing the parameters; the pullback keeps `p` and `x`.
#[rrule]
pub fn gained(x: ndarray::ArrayView1<'_, f64>, p: &Gain) -> Array1<f64> {
    let k = 1.0 / (1.0 + p.eps);
    (
        &x * &p.g * k,
        move |dy: Array1<f64>| -> (Array1<f64>, GainTangent) {
            (&dy * &p.g * k, GainTangent { g: &dy * &x * k })
        },
    )
}

#[test]
fn borrowed_struct_inputs_are_checked() {
    let x = array![0.5, -1.0, 2.0];
    let p = Gain {
        g: array![1.5, 0.5, -2.0],
        eps: 0.1,
    };
    let r = check_rrule(
        |(x, p)| gained(x.view(), p),
        |(x, p)| gained::rrule(x.view(), p),
        &(x, p),
        &Config::default(),
    );
    assert!(r.fd_checks >= 6, "{r:?}");
}

/// A batch of data: a struct with no differentiable field.
#[derive(rules_core::Differentiable, Clone, Debug)]
pub struct Batch {
    /// Inputs.
    #[no_tangent]
    pub x: Array2<f64>,
    /// Labels.
    #[no_tangent]
    pub labels: Vec<usize>,
}

/// `Σ_i (x_i · w)` over the labelled rows, returning `NoTangent` for the batch.
#[rrule]
pub fn batch_score(w: ndarray::ArrayView1<'_, f64>, batch: &Batch) -> f64 {
    let rows: Vec<usize> = batch.labels.clone();
    let total = rows.iter().map(|&i| batch.x.row(i).dot(&w)).sum();
    (total, move |dy: f64| -> (Array1<f64>, NoTangent) {
        let mut g = Array1::zeros(w.len());
        for &i in &rows {
            g.scaled_add(dy, &batch.x.row(i));
        }
        (g, NoTangent)
    })
}

/// The same, returning the batch's (empty) derived tangent instead.
#[rrule]
pub fn batch_score_empty(w: ndarray::ArrayView1<'_, f64>, batch: &Batch) -> f64 {
    let total = batch.labels.iter().map(|&i| batch.x.row(i).dot(&w)).sum();
    (total, move |dy: f64| -> (Array1<f64>, BatchTangent) {
        let mut g = Array1::zeros(w.len());
        for &i in &batch.labels {
            g.scaled_add(dy, &batch.x.row(i));
        }
        (g, BatchTangent {})
    })
}

/// `Σ (y − t)²` with a target that is differentiable as a type.
#[rrule]
pub fn fit(y: Array1<f64>, t: Array1<f64>) -> f64 {
    let r = &y - &t;
    (
        r.mapv(|v| v * v).sum(),
        move |dy: f64| -> (Array1<f64>, Array1<f64>) {
            let g = r.mapv(|v| 2.0 * dy * v);
            (g.clone(), -g)
        },
    )
}

#[test]
fn constant_inputs_are_neither_perturbed_nor_checked() {
    use rules_core::testing::Constant;
    let batch = Batch {
        x: array![[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]],
        labels: vec![0, 2],
    };
    let w = array![0.3, -0.7];
    // A struct with no differentiable field is `NoTangent`-like: either return works, bare.
    check_rrule(
        |(w, b)| batch_score(w.view(), b),
        |(w, b)| batch_score::rrule(w.view(), b),
        &(w.clone(), batch.clone()),
        &Config::default(),
    );
    check_rrule(
        |(w, b)| batch_score_empty(w.view(), b),
        |(w, b)| batch_score_empty::rrule(w.view(), b),
        &(w.clone(), batch.clone()),
        &Config::default(),
    );
    // And wrapped in `Constant`.
    check_rrule(
        |(w, b)| batch_score(w.view(), &b.0),
        |(w, b)| batch_score::rrule(w.view(), &b.0),
        &(w, Constant(batch)),
        &Config::default(),
    );
    // A target held constant: its cotangent is not checked, `y`'s is.
    let (y, t) = (array![1.0, 2.0], array![0.5, 2.5]);
    let r = check_rrule(
        |(y, t)| fit(y.clone(), t.0.clone()),
        |(y, t)| fit::rrule(y.clone(), t.0.clone()),
        &(y.clone(), Constant(t.clone())),
        &Config::default(),
    );
    assert_eq!(r.fd_checks, 2, "only `y` is checked: {r:?}");
    // A mistake in `y`'s cotangent is still caught with the target constant.
    #[rrule]
    fn fit_wrong(y: Array1<f64>, t: Array1<f64>) -> f64 {
        let r = &y - &t;
        (
            r.mapv(|v| v * v).sum(),
            move |dy: f64| -> (Array1<f64>, Array1<f64>) {
                (r.mapv(|v| dy * v), r.mapv(|v| -2.0 * dy * v))
            },
        )
    }
    fails(
        test_rrule(
            |(y, t)| fit_wrong(y.clone(), t.0.clone()),
            |(y, t)| fit_wrong::rrule(y.clone(), t.0.clone()),
            &(y, Constant(t)),
            &Config::default(),
        ),
        &["the cotangent of input `y`"],
    );
}

/// The index of the largest entry: not differentiated.
#[rules_core::non_differentiable]
pub fn argmax(x: ndarray::ArrayView1<'_, f64>) -> usize {
    let mut best = 0;
    for (i, v) in x.iter().enumerate() {
        if *v > x[best] {
            best = i;
        }
    }
    best
}

/// Always 2, but claiming to be non-differentiable and returning the wrong value.
#[rules_core::non_differentiable]
pub fn count_wrong(x: ndarray::ArrayView1<'_, f64>) -> f64 {
    x.len() as f64
}

#[test]
fn non_differentiable_rules_are_checked_for_their_value() {
    let x = array![1.0, 3.0, 2.0];
    let r = check_rrule(
        |(x,)| argmax(x.view()),
        |(x,)| argmax::rrule(x.view()),
        &(x.clone(),),
        &Config::default(),
    );
    assert_eq!(r.fd_checks, 0);
    // The value is still compared, naming the output.
    fails(
        test_rrule(
            |(x,)| count_wrong(x.view()) + 1.0,
            |(x,)| count_wrong::rrule(x.view()),
            &(x,),
            &Config::default(),
        ),
        &["the value of output 0"],
    );
}

#[test]
fn a_symmetric_cotangent_suggests_symmetric() {
    let a = array![[1.0, 0.5, -0.2], [0.5, 2.0, 0.3], [-0.2, 0.3, 1.5]];
    fails(
        test_rrule(
            |(a, p)| lower_square(a.clone(), *p),
            |(a, p)| lower_square::rrule(a.clone(), *p),
            &(a, false),
            &Config::default(),
        ),
        &[
            "input `a` is a symmetric 3×3 matrix",
            "testing::Symmetric(a)",
        ],
    );
}
