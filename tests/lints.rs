//! Generated code is quiet: this crate uses `#[rrule]` in several shapes under the strictest lint
//! settings a user is likely to have. `cargo test` checks the rustc lints, `cargo clippy
//! --all-targets` (run by `.ci/run`) the clippy ones.
#![deny(warnings, unused_qualifications, missing_docs, rust_2018_idioms)]
#![deny(clippy::all, clippy::pedantic)]

use ndarray::{Array1, Array2, ArrayView2};
use rules_core::{
    Differentiable, MaybeZero, NoTangent, Pullback, Pushforward, Zero, frule, non_differentiable,
    rrule, rrules, scalar_rule,
};

/// One input, one output.
#[rrule]
pub fn square(x: f64) -> f64 {
    (x * x, move |dy: f64| -> f64 { 2.0 * x * dy })
}

/// Several outputs, a non-differentiable input, an unused-in-some-patterns accumulator.
#[rrule]
pub fn moments(x: Array1<f64>, ddof: usize) -> (f64, f64) {
    #[allow(clippy::cast_precision_loss)]
    let n = x.len() as f64;
    let mean = x.sum() / n;
    let centred = &x - mean;
    #[allow(clippy::cast_precision_loss)]
    let var = centred.dot(&centred) / (n - ddof as f64);
    #[allow(clippy::cast_precision_loss)]
    let denom = n - ddof as f64;
    (
        (mean, var),
        move |dmean: f64, dvar: f64| -> (Array1<f64>, NoTangent) {
            let mut g = Array1::from_elem(centred.len(), dmean / n);
            g += &(&centred * (2.0 * dvar / denom));
            (g, NoTangent)
        },
    )
}

/// A borrowed, fallible rule.
///
/// # Errors
/// When `a` is empty.
#[rrule]
pub fn frobenius<'a>(a: ArrayView2<'a, f64>) -> Result<f64, String> {
    if a.is_empty() {
        return Err("empty".to_owned());
    }
    let s = a.iter().map(|v| v * v).sum();
    Ok((s, move |ds: f64| -> Array2<f64> {
        a.mapv(|v| v * ds * 2.0)
    }))
}

/// A generic rule with a `where` clause.
#[rrule]
pub fn times<T>(x: Array1<T>, k: Array1<T>) -> Array1<T>
where
    T: ndarray::LinalgScalar,
{
    let y = &x * &k;
    (y, move |dy: Array1<T>| -> (Array1<T>, Array1<T>) {
        (&dy * &k, &dy * &x)
    })
}

/// `#[pass_zero]` with a zero-aware helper.
#[rrule]
pub fn split(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {
    (
        (x.clone(), x),
        move |a: Array1<f64>, b: Array1<f64>| -> Array1<f64> {
            #[pass_zero]
            let g = add_maybe(a, b);
            g
        },
    )
}

fn add_maybe(
    a: impl Into<MaybeZero<Array1<f64>>>,
    b: impl Into<MaybeZero<Array1<f64>>>,
) -> Array1<f64> {
    match (a.into(), b.into()) {
        (MaybeZero::Value(a), MaybeZero::Value(b)) => a + b,
        (MaybeZero::Value(v), MaybeZero::Zero) | (MaybeZero::Zero, MaybeZero::Value(v)) => v,
        (MaybeZero::Zero, MaybeZero::Zero) => Array1::zeros(0),
    }
}

/// Both directions, stacked.
#[rrule]
#[frule]
pub fn shift(x: Array1<f64>, c: f64) -> Array1<f64> {
    let y = &x + c;
    (
        y,
        move |dy: Array1<f64>| -> (Array1<f64>, f64) {
            let dc = dy.sum();
            (dy, dc)
        },
        move |dx: Array1<f64>, dc: f64| -> Array1<f64> {
            let shifted = Array1::from_elem(x.len(), dc);
            dx + shifted
        },
    )
}

/// A scalar rule with its elementwise versions.
#[scalar_rule(|y| y)]
pub fn exp(x: f64) -> f64 {
    x.exp()
}

/// Not differentiated.
#[non_differentiable]
#[must_use]
pub fn count_positive(x: &Array1<f64>) -> usize {
    x.iter().filter(|v| **v > 0.0).count()
}

/// A struct with a tangent, and a method rule.
#[derive(Clone, Debug, Differentiable)]
pub struct Bias {
    /// The offset.
    pub b: Array1<f64>,
}

#[rrules]
impl Bias {
    /// `x + b`.
    #[rrule]
    #[must_use]
    pub fn apply(&self, x: Array1<f64>) -> Array1<f64> {
        let y = &x + &self.b;
        (y, move |dy: Array1<f64>| -> (BiasTangent, Array1<f64>) {
            (BiasTangent { b: dy.clone() }, dy)
        })
    }
}

#[test]
fn lint_clean_rules_work() {
    let (_, pf) = shift::frule(Array1::from(vec![1.0]), 2.0);
    assert_eq!(pf.pushforward((Zero, 1.0)), Array1::from(vec![1.0]));
    assert_eq!(exp::map(&Array1::from(vec![0.0])), Array1::from(vec![1.0]));
    assert_eq!(count_positive::rrule(&Array1::from(vec![1.0, -1.0])).0, 1);
    let bias = Bias {
        b: Array1::from(vec![1.0]),
    };
    assert_eq!(bias.apply(Array1::from(vec![1.0])), Array1::from(vec![2.0]));
    let (y, pb) = square::rrule(3.0);
    assert!((y - 9.0).abs() < 1e-15);
    assert!((pb.pullback(1.0) - 6.0).abs() < 1e-15);
    let (_, pb) = moments::rrule(Array1::from(vec![1.0, 2.0, 3.0]), 1);
    let (g, NoTangent) = pb.pullback((1.0, Zero));
    assert_eq!(g.len(), 3);
    let a = Array2::from_elem((2, 2), 1.0);
    let (s, pb) = frobenius::rrule(a.view()).expect("non-empty");
    assert!((s - 4.0).abs() < 1e-15);
    assert_eq!(pb.pullback(1.0), Array2::from_elem((2, 2), 2.0));
    let (_, pb) = times::rrule(Array1::from(vec![2.0f32]), Array1::from(vec![3.0f32]));
    assert_eq!(
        pb.pullback(Array1::from(vec![1.0])),
        (Array1::from(vec![3.0]), Array1::from(vec![2.0]))
    );
    let (_, pb) = split::rrule(Array1::from(vec![1.0]));
    let g: Array1<f64> = pb.pullback((Zero, Array1::from(vec![2.0])));
    assert_eq!(g, Array1::from(vec![2.0]));
}
