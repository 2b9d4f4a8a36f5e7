//! Behaviour of the code `#[rrule]` generates: which statements each pattern runs, the runtime
//! `MaybeZero` dispatch, captures, generics, borrowed inputs, fallible rules.

use ndarray::{Array1, Array2, ArrayView1, array, s};
use rules_core::{MaybeZero, NoTangent, Patterns, Pullback, Zero, rrule};
use rules_tests::{calls_during, counted};

/// Three outputs, two differentiable inputs and a flag. `counted` marks the work of each term.
#[rrule]
pub fn stats(a: Array2<f64>, b: Array2<f64>, flag: bool) -> (Array2<f64>, f64, Array2<f64>) {
    let p = a.dot(&b);
    let t = a.sum();
    let sq = &a * &a;
    let bt = counted(b.t().to_owned()); // only the pullback reads it: not run by the primal
    (
        (p, t, sq),
        move |dp: Array2<f64>,
              dt: f64,
              dsq: Array2<f64>|
              -> (Array2<f64>, Array2<f64>, NoTangent) {
            let scale = if flag { 2.0 } else { 1.0 };
            let g = counted(dp.dot(&bt)); // feeds only the `dp` terms
            let da_p = g * scale;
            let db = a.t().dot(&dp) * scale;
            let da_t = Array2::from_elem(a.raw_dim(), dt);
            let da_sq = &dsq * &a * 2.0;
            (da_p + da_t + da_sq, db, NoTangent)
        },
    )
}

fn inputs() -> (Array2<f64>, Array2<f64>) {
    (
        array![[1.0, 2.0], [3.0, -1.0]],
        array![[0.5, -2.0], [1.5, 1.0]],
    )
}

fn cotangents() -> (Array2<f64>, f64, Array2<f64>) {
    (
        array![[1.0, -1.0], [0.5, 2.0]],
        0.75,
        array![[2.0, 0.0], [-1.0, 1.0]],
    )
}

/// The dense pullback written by hand, from the calculus.
fn by_hand(
    a: &Array2<f64>,
    b: &Array2<f64>,
    scale: f64,
    dp: &Array2<f64>,
    dt: f64,
    dsq: &Array2<f64>,
) -> (Array2<f64>, Array2<f64>) {
    let da = dp.dot(&b.t()) * scale + dt + &(dsq * a * 2.0);
    let db = a.t().dot(dp) * scale;
    (da, db)
}

#[test]
fn the_primal_skips_statements_that_only_feed_the_pullback() {
    let (a, b) = inputs();
    let (n, (p, t, sq)) = calls_during(|| stats(a.clone(), b.clone(), true));
    assert_eq!(n, 0, "the primal ran a statement only the pullback reads");
    assert_eq!(p, a.dot(&b));
    assert_eq!(t, a.sum());
    assert_eq!(sq, &a * &a);
    let (n, _) = calls_during(|| stats::rrule(a.clone(), b.clone(), true));
    assert_eq!(n, 1, "rrule runs the whole forward");
}

#[test]
fn dense_pullback_matches_the_calculus() {
    let (a, b) = inputs();
    let (dp, dt, dsq) = cotangents();
    for flag in [true, false] {
        let (value, pb) = stats::rrule(a.clone(), b.clone(), flag);
        assert_eq!(value.0, a.dot(&b));
        let (da, db, dflag) = pb.pullback((dp.clone(), dt, dsq.clone()));
        let (ea, eb) = by_hand(&a, &b, if flag { 2.0 } else { 1.0 }, &dp, dt, &dsq);
        assert!((&da - &ea).iter().all(|e| e.abs() < 1e-12), "{da} vs {ea}");
        assert!((&db - &eb).iter().all(|e| e.abs() < 1e-12));
        assert_eq!(dflag, NoTangent);
    }
}

#[test]
fn a_statement_feeding_only_zero_terms_is_not_executed() {
    let (a, b) = inputs();
    let (dp, dt, dsq) = cotangents();
    let (_, pb) = stats::rrule(a.clone(), b.clone(), false);
    // Dense: the `dp` term runs once.
    let (n, _) = calls_during(|| pb.pullback((dp.clone(), dt, dsq.clone())));
    assert_eq!(n, 1);
    // `dp` zero: its term, and `db`, vanish; the result's types say so.
    let (n, (da, db, _)) =
        calls_during(|| -> (Array2<f64>, Zero, NoTangent) { pb.pullback((Zero, dt, dsq.clone())) });
    assert_eq!(n, 0, "the dp-only statement ran although dp is Zero");
    assert_eq!(db, Zero);
    let (ea, _) = by_hand(&a, &b, 1.0, &Array2::zeros((2, 2)), dt, &dsq);
    assert!((&da - &ea).iter().all(|e| e.abs() < 1e-12));
    // Only `dp` non-zero.
    let (n, (da, db, _)) = calls_during(|| -> (Array2<f64>, Array2<f64>, NoTangent) {
        pb.pullback((dp.clone(), Zero, Zero))
    });
    assert_eq!(n, 1);
    let (ea, eb) = by_hand(&a, &b, 1.0, &dp, 0.0, &Array2::zeros((2, 2)));
    assert!((&da - &ea).iter().all(|e| e.abs() < 1e-12));
    assert!((&db - &eb).iter().all(|e| e.abs() < 1e-12));
    // All zero: nothing runs, everything is `Zero`, `NoTangent` stays.
    let (n, out) = calls_during(|| pb.pullback((Zero, Zero, Zero)));
    assert_eq!(n, 0);
    assert_eq!(out, (Zero, Zero, NoTangent));
}

#[test]
fn maybe_zero_reaches_the_same_specialised_bodies() {
    let (a, b) = inputs();
    let (dp, dt, dsq) = cotangents();
    let (_, pb) = stats::rrule(a, b, true);
    let (n, (da, db, dflag)) = calls_during(|| {
        pb.pullback((
            MaybeZero::Zero,
            MaybeZero::Value(dt),
            MaybeZero::Value(dsq.clone()),
        ))
    });
    assert_eq!(
        n, 0,
        "the runtime Zero for dp must dispatch to the body without the dp term"
    );
    assert!(db.is_zero());
    assert_eq!(dflag, NoTangent);
    let (da_static, _, _): (Array2<f64>, Zero, NoTangent) = pb.pullback((Zero, dt, dsq.clone()));
    assert_eq!(da.value(), Some(da_static));
    let (n, out) = calls_during(|| {
        pb.pullback((
            MaybeZero::<Array2<f64>>::Zero,
            MaybeZero::Zero,
            MaybeZero::Zero,
        ))
    });
    assert_eq!(n, 0);
    assert_eq!(out, (MaybeZero::Zero, MaybeZero::Zero, NoTangent));
    let (n, out) = calls_during(|| {
        pb.pullback((
            MaybeZero::Value(dp.clone()),
            MaybeZero::Zero,
            MaybeZero::Zero,
        ))
    });
    assert_eq!(n, 1);
    let (da, db, _): (Array2<f64>, Array2<f64>, NoTangent) = pb.pullback((dp, Zero, Zero));
    assert_eq!(out.0.value(), Some(da));
    assert_eq!(out.1.value(), Some(db));
}

#[test]
fn patterns_hook_runs_every_pattern_and_the_pullback_can_be_called_twice() {
    let (a, b) = inputs();
    let (dp, dt, dsq) = cotangents();
    let (_, pb) = stats::rrule(a, b, true);
    fn names<P: Patterns<C>, C>(_: &P) -> (&'static [&'static str], &'static [&'static str]) {
        (P::COTANGENTS, P::INPUTS)
    }
    assert_eq!(
        names::<_, (Array2<f64>, f64, Array2<f64>)>(&pb),
        (&["dp", "dt", "dsq"][..], &["a", "b", "flag"][..])
    );
    for mask in 0..8u64 {
        let s1 = pb
            .pullback_static(mask, (dp.clone(), dt, dsq.clone()))
            .expect("every pattern is generated");
        let s2 = pb
            .pullback_static(mask, (dp.clone(), dt, dsq.clone()))
            .expect("twice");
        let r = pb.pullback_runtime(mask, (dp.clone(), dt, dsq.clone()));
        assert_eq!(s1, s2, "pattern {mask} differs between two calls");
        assert_eq!(s1, r, "pattern {mask}: static and runtime differ");
    }
    assert!(pb.pullback_static(8, (dp, dt, dsq)).is_none());
}

/// A borrowed input whose view the pullback keeps, a lifetime, a generic with a `where` clause.
#[rrule]
pub fn weighted_sum<'a, T>(x: ArrayView1<'a, T>, w: &'a Array1<T>) -> Array1<T>
where
    T: ndarray::LinalgScalar + core::ops::Neg<Output = T>,
{
    let y = &x * w;
    (y, move |dy: Array1<T>| -> (Array1<T>, Array1<T>) {
        (&dy * w, &dy * &x)
    })
}

#[test]
fn borrowed_inputs_lifetimes_and_generics() {
    let x = array![1.0f32, 2.0, 3.0];
    let w = array![0.5f32, -1.0, 2.0];
    let (y, pb) = weighted_sum::rrule(x.view(), &w);
    assert_eq!(y, array![0.5, -2.0, 6.0]);
    let (dx, dw) = pb.pullback(array![1.0, 1.0, 1.0]);
    assert_eq!(dx, w);
    assert_eq!(dw, x);
    let (dx, dw): (Zero, Zero) = pb.pullback(Zero);
    assert_eq!((dx, dw), (Zero, Zero));
}

mod nested {
    pub mod deeper {
        use rules_core::rrule;

        /// A private rule in a nested module.
        #[rrule]
        fn square(x: f64) -> f64 {
            (x * x, move |dy: f64| -> f64 { 2.0 * x * dy })
        }

        pub fn grad_square(x: f64) -> f64 {
            let (_, pb) = square::rrule(x);
            rules_core::Pullback::pullback(&pb, 1.0)
        }

        pub fn value(x: f64) -> f64 {
            square(x)
        }
    }
}

#[test]
fn private_rules_in_nested_modules() {
    assert_eq!(nested::deeper::value(3.0), 9.0);
    assert_eq!(nested::deeper::grad_square(3.0), 6.0);
}

/// The error of `checked_sqrt`.
#[derive(Debug, PartialEq)]
pub struct NegativeInput(f64);

/// A fallible forward: `?` and an early `return Err`.
#[rrule]
pub fn checked_sqrt(x: f64) -> Result<f64, NegativeInput> {
    if x.is_nan() {
        return Err(NegativeInput(x));
    }
    let x = non_negative(x)?;
    let y = x.sqrt();
    Ok((y, move |dy: f64| -> f64 { dy / (2.0 * y) }))
}

fn non_negative(x: f64) -> Result<f64, NegativeInput> {
    if x < 0.0 {
        Err(NegativeInput(x))
    } else {
        Ok(x)
    }
}

#[test]
fn fallible_rules() {
    assert_eq!(checked_sqrt(4.0), Ok(2.0));
    assert_eq!(checked_sqrt(-1.0), Err(NegativeInput(-1.0)));
    let (y, pb) = checked_sqrt::rrule(4.0).expect("valid input");
    assert_eq!(y, 2.0);
    assert_eq!(pb.pullback(1.0), 0.25);
    assert!(matches!(checked_sqrt::rrule(-2.0), Err(NegativeInput(v)) if v == -2.0));
}

/// Captures used only inside macro invocations (`s![..k]`).
#[rrule]
pub fn head_sum(x: Array1<f64>, k: usize) -> f64 {
    let y = x.slice(s![..k]).sum();
    let n = x.len();
    (y, move |dy: f64| -> (Array1<f64>, NoTangent) {
        let mut dx = Array1::zeros(n);
        dx.slice_mut(s![..k]).fill(dy);
        (dx, NoTangent)
    })
}

#[test]
fn captures_inside_macros() {
    let (y, pb) = head_sum::rrule(array![1.0, 2.0, 3.0, 4.0], 2);
    assert_eq!(y, 3.0);
    assert_eq!(pb.pullback(2.0), (array![2.0, 2.0, 0.0, 0.0], NoTangent));
    assert_eq!(pb.pullback(Zero), (Zero, NoTangent));
}

/// An accumulator: when its first term is zero, `+=` starts it from the second term.
#[rrule]
pub fn two_views(x: Array1<f64>) -> (f64, Array1<f64>) {
    let s = x.sum();
    let d = &x * 3.0;
    ((s, d), move |ds: f64, dd: Array1<f64>| -> Array1<f64> {
        let mut g = counted(Array1::from_elem(x.len(), ds));
        g += &(&dd * 3.0);
        g
    })
}

#[test]
fn accumulators_start_from_the_first_nonzero_term() {
    let x = array![1.0, 2.0];
    let (_, pb) = two_views::rrule(x);
    assert_eq!(pb.pullback((1.0, array![1.0, -1.0])), array![4.0, -2.0]);
    let (n, g) = calls_during(|| -> Array1<f64> { pb.pullback((Zero, array![1.0, -1.0])) });
    assert_eq!(n, 0, "the zero first term was built");
    assert_eq!(g, array![3.0, -3.0]);
    let g: Array1<f64> = pb.pullback((2.0, Zero));
    assert_eq!(g, array![2.0, 2.0]);
}

/// `#[pass_zero]`: a helper that accepts `Zero` for either argument is monomorphised per pattern.
fn combine<'a>(
    p: impl Into<MaybeZero<&'a Array1<f64>>>,
    q: impl Into<MaybeZero<&'a Array1<f64>>>,
    n: usize,
) -> Array1<f64> {
    let mut out = Array1::zeros(n);
    if let MaybeZero::Value(p) = p.into() {
        out += p;
    }
    if let MaybeZero::Value(q) = q.into() {
        out -= &(q * 2.0);
    }
    out
}

/// Two copies of `x`, the second scaled.
#[rrule]
pub fn pair(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {
    let n = x.len();
    (
        (x.clone(), &x * -2.0),
        move |da: Array1<f64>, db: Array1<f64>| -> Array1<f64> {
            #[pass_zero]
            let g = combine(&da, &db, n);
            g
        },
    )
}

#[test]
fn pass_zero_hands_zero_to_the_callee() {
    let (_, pb) = pair::rrule(array![1.0, 2.0]);
    assert_eq!(
        pb.pullback((array![1.0, 1.0], array![1.0, 0.5])),
        array![-1.0, 0.0]
    );
    let g: Array1<f64> = pb.pullback((Zero, array![1.0, 0.5]));
    assert_eq!(g, array![-2.0, -1.0]);
    let g: Array1<f64> = pb.pullback((array![1.0, 1.0], Zero));
    assert_eq!(g, array![1.0, 1.0]);
    assert_eq!(pb.pullback((Zero, Zero)), Zero);
}

/// Elementwise accumulation, written the ways numerical code writes it: each statement adds only
/// cotangent terms, so the patterns where those are zero drop it.
#[rrule]
pub fn loops(x: Array1<f64>, w: Array1<f64>) -> (f64, Array1<f64>) {
    let n = x.len();
    let s = x.dot(&x);
    let p = &x * &w;
    (
        (s, p),
        move |ds: f64, dp: Array1<f64>| -> (Array1<f64>, Array1<f64>) {
            // d(x·x) = 2x, by index, through `iter_mut`, and through `zip_mut_with`.
            let mut dx = Array1::<f64>::zeros(n);
            for i in 0..n {
                dx[i] += x[i] * ds;
            }
            for (d, xi) in dx.iter_mut().zip(x.iter()) {
                *d += 0.5 * xi * ds;
            }
            dx.zip_mut_with(&x, |d, xi| *d += 0.25 * xi * ds);
            // `scaled_add` into an accumulator that is zero when `dp` is: it starts from the term.
            let mut extra = &dp * 0.0;
            extra.scaled_add(0.25 * ds, &x);
            dx += &extra;
            // d(x∘w) into an accumulator that starts from a cotangent term, then `scaled_add`.
            let mut dw = &dp * &x;
            dw.scaled_add(0.0, &dp);
            dx.scaled_add(1.0, &(&dp * &w));
            (dx, dw)
        },
    )
}

#[test]
fn elementwise_loops_match_finite_differences_in_every_pattern() {
    let x = array![0.5, -1.0, 2.0];
    let w = array![1.5, 0.25, -0.5];
    let r = rules_core::testing::check_rrule(
        |(x, w)| loops(x.clone(), w.clone()),
        |(x, w)| loops::rrule(x.clone(), w.clone()),
        &(x.clone(), w),
        &rules_core::testing::Config::default(),
    );
    assert_eq!(r.patterns, 4);
    // The (Zero, dp) pattern runs none of the loops, the (ds, Zero) pattern none of the dp terms.
    let (_, pb) = loops::rrule(x.clone(), array![1.0, 1.0, 1.0]);
    let (dx, dw): (Array1<f64>, Zero) = pb.pullback((1.0, Zero));
    assert_eq!(dx, &x * 2.0);
    assert_eq!(dw, Zero);
}
