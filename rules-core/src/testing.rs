//! The testing kit: check a rule in one call, as ChainRulesTestUtils' `test_rrule` does in Julia.
//!
//! [`check_rrule`] takes the primal function, the rule's `rrule` and primal inputs, and checks:
//!
//! * the value `rrule` returns against the primal function's;
//! * the dense pullback against finite differences (fourth-order central differences, with steps
//!   scaled to each input): entry by entry when the inputs are small, and through the adjoint
//!   identity `⟨J v, ȳ⟩ = ⟨v, Jᵀ ȳ⟩` for random directions `v` when they are large;
//! * every `Zero` pattern against the dense pullback fed explicit zeros, and every runtime
//!   `MaybeZero` pattern against its static twin (all patterns are found through [`Patterns`],
//!   which `#[rrule]` implements: the test author lists none of them);
//! * `NoTangent` exactly for the inputs that are not differentiable;
//! * a second call of the pullback gives the same result.
//!
//! Failures panic with a message that names the check, the input or output, the element, and
//! both values. [`test_rrule`] returns the same as a `Result` instead.
//!
//! Cotangents are random (seeded, so failures reproduce) and shaped like the outputs: the kit
//! supports rules whose cotangent types are their output types, which holds for `f32`, `f64`,
//! ndarray arrays of any dimension, and tuples of them.
//!
//! Limits: the inputs are passed as one owned tuple, so a rule that takes views is checked through
//! `|(a,)| f::rrule(a.view())`; but a rule whose *pullback keeps* a borrow of its input cannot be
//! checked this way (its pullback type depends on the borrow). Check such a rule through a wrapper
//! that takes owned inputs. The pattern check runs at one point with one random cotangent.
//!
//! # Example: a rule of your own, checked in five lines
//!
//! ```
//! use ndarray::{array, Array1};
//! use rules_core::rrule;
//! use rules_core::testing::{check_rrule, Config};
//!
//! /// log Σ exp(x), computed stably.
//! #[rrule]
//! pub fn logsumexp(x: Array1<f64>) -> f64 {
//!     let m = x.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
//!     let w = x.mapv(|v| (v - m).exp());
//!     let total = w.sum();
//!     (m + total.ln(), move |dy: f64| -> Array1<f64> { &w * (dy / total) })
//! }
//!
//! fn main() {
//!     let x = array![0.5, -1.0, 2.0];
//!     check_rrule(|(x,)| logsumexp(x.clone()), |(x,)| logsumexp::rrule(x.clone()), &(x,), &Config::default());
//! }
//! ```

use core::fmt::Write as _;

use ndarray::{ArrayBase, Dimension, OwnedRepr};

use crate::{MaybeZero, NoTangent, Patterns};

/// Tolerances and sizes of the checks. `Config::default()` follows ChainRulesTestUtils: relative and
/// absolute tolerance `1e-9` for `f64`, looser for `f32` (chosen automatically from the inputs).
///
/// ```
/// use rules_core::testing::Config;
/// let loose = Config { rtol: 1e-6, ..Config::default() };
/// assert_eq!(loose.atol, Config::default().atol);
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    /// Relative tolerance of the finite-difference and value checks.
    pub rtol: f64,
    /// Absolute tolerance of the finite-difference and value checks.
    pub atol: f64,
    /// Tolerances used instead of `rtol`/`atol` when any input holds `f32`.
    pub f32_tol: f64,
    /// Relative tolerance of "a pattern equals the dense pullback fed explicit zeros".
    pub pattern_rtol: f64,
    /// Finite-difference step, relative to each input's largest magnitude (at least 1).
    pub step: Option<f64>,
    /// Check entry by entry when the inputs have at most this many entries in all.
    pub elementwise_limit: usize,
    /// Random directions per input for the adjoint identity, on larger inputs.
    pub directions: usize,
    /// Seed of the cotangents and directions.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rtol: 1e-9,
            atol: 1e-9,
            f32_tol: 2e-3,
            pattern_rtol: 1e-12,
            step: None,
            elementwise_limit: 64,
            directions: 3,
            seed: 0x5EED_2026,
        }
    }
}

/// What a passing check covered.
///
/// ```
/// use rules_core::testing::{check_rrule, Config};
/// # use rules_core::rrule;
/// # #[rrule] fn sq(x: f64) -> f64 { (x * x, move |dy: f64| -> f64 { 2.0 * x * dy }) }
/// # fn main() {
/// let report = check_rrule(|(x,)| sq(*x), |(x,)| sq::rrule(*x), &(1.5,), &Config::default());
/// assert_eq!((report.fd_checks, report.patterns), (1, 2));
/// assert!(report.worst_fd_ratio < 1.0);
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Finite-difference comparisons made.
    pub fd_checks: usize,
    /// Largest `|ad − fd| / (atol + rtol·scale)` seen (below 1 means within tolerance).
    pub worst_fd_ratio: f64,
    /// Patterns compared with the dense pullback.
    pub patterns: usize,
}

/// One input, output or cotangent, flattened to `f64`.
///
/// ```
/// use rules_core::testing::{PartKind, Tangent};
/// let parts = (ndarray::array![1.0f32, 2.0], 3usize).parts();
/// assert_eq!(parts[0].values, vec![1.0, 2.0]);
/// assert_eq!(parts[0].kind, PartKind::F32);
/// assert_eq!(parts[1].kind, PartKind::Discrete("usize"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The entries, in logical (row-major) order.
    pub values: Vec<f64>,
    /// What kind of value it came from.
    pub kind: PartKind,
}

/// See [`Part`]; `NoTangent` has its own kind:
///
/// ```
/// use rules_core::testing::{PartKind, Tangent};
/// assert_eq!(rules_core::NoTangent.parts()[0].kind, PartKind::NoTangent);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// `f64` data (or arrays of it).
    F64,
    /// `f32` data (or arrays of it).
    F32,
    /// A value that is not differentiable (an integer, a flag); the string names its type.
    Discrete(&'static str),
    /// `NoTangent`.
    NoTangent,
}

/// Values the kit can flatten, perturb and rebuild: `f32`, `f64`, owned ndarray arrays of them,
/// non-differentiable scalars (`usize`, `bool`, ...), `NoTangent`, and tuples of these (one
/// [`Part`] per element).
///
/// ```
/// use ndarray::array;
/// use rules_core::testing::Tangent;
/// let x = (array![[1.0, 2.0], [3.0, 4.0]], 5.0f64);
/// let parts = x.parts();
/// assert_eq!(parts[0].values, vec![1.0, 2.0, 3.0, 4.0]);
/// let y = x.rebuild(&[vec![0.0; 4], vec![1.0]]);
/// assert_eq!(y.1, 1.0);
/// ```
pub trait Tangent: Sized {
    /// The parts: one per tuple element, one for anything else.
    fn parts(&self) -> Vec<Part>;
    /// A value shaped like `self` with the entries of `parts` (one entry list per part).
    fn rebuild(&self, parts: &[Vec<f64>]) -> Self;
}

/// The runtime form of input cotangents (`MaybeZero`, `NoTangent`, tuples of them): one entry per
/// input, `None` for a zero.
///
/// ```
/// use rules_core::testing::RuntimeTangent;
/// use rules_core::{MaybeZero, NoTangent};
/// let r = (MaybeZero::Value(2.0), MaybeZero::<f64>::Zero, NoTangent);
/// assert_eq!(r.runtime_parts(), vec![Some(vec![2.0]), None, Some(vec![])]);
/// ```
pub trait RuntimeTangent {
    /// `None` for `MaybeZero::Zero`, the entries otherwise (empty for `NoTangent`).
    fn runtime_parts(&self) -> Vec<Option<Vec<f64>>>;
}

/// Leaf values: the single-part building blocks of [`Tangent`].
trait Leaf: Sized {
    fn leaf(&self) -> Part;
    fn with_values(&self, values: &[f64]) -> Self;
}

impl Leaf for f64 {
    fn leaf(&self) -> Part {
        Part {
            values: vec![*self],
            kind: PartKind::F64,
        }
    }
    fn with_values(&self, v: &[f64]) -> Self {
        v.first().copied().unwrap_or(*self)
    }
}

impl Leaf for f32 {
    fn leaf(&self) -> Part {
        Part {
            values: vec![f64::from(*self)],
            kind: PartKind::F32,
        }
    }
    #[allow(clippy::cast_possible_truncation)]
    fn with_values(&self, v: &[f64]) -> Self {
        v.first().map_or(*self, |&x| x as f32)
    }
}

/// Element types of arrays the kit handles.
trait Elem: Copy {
    const KIND: PartKind;
    fn to_f64(self) -> f64;
    fn from_f64(x: f64) -> Self;
}
impl Elem for f64 {
    const KIND: PartKind = PartKind::F64;
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(x: f64) -> Self {
        x
    }
}
impl Elem for f32 {
    const KIND: PartKind = PartKind::F32;
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[allow(clippy::cast_possible_truncation)]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

#[allow(private_bounds)]
impl<A: Elem, D: Dimension> Leaf for ArrayBase<OwnedRepr<A>, D> {
    fn leaf(&self) -> Part {
        Part {
            values: self.iter().map(|x| x.to_f64()).collect(),
            kind: A::KIND,
        }
    }
    fn with_values(&self, v: &[f64]) -> Self {
        let mut out = self.clone();
        for (o, x) in out.iter_mut().zip(v) {
            *o = A::from_f64(*x);
        }
        out
    }
}

impl Leaf for NoTangent {
    fn leaf(&self) -> Part {
        Part {
            values: Vec::new(),
            kind: PartKind::NoTangent,
        }
    }
    fn with_values(&self, _: &[f64]) -> Self {
        NoTangent
    }
}

macro_rules! discrete {
    ($($t:ty),*) => {$(
        impl Leaf for $t {
            fn leaf(&self) -> Part {
                Part { values: Vec::new(), kind: PartKind::Discrete(stringify!($t)) }
            }
            fn with_values(&self, _: &[f64]) -> Self {
                *self
            }
        }
        impl Tangent for $t {
            fn parts(&self) -> Vec<Part> {
                vec![self.leaf()]
            }
            fn rebuild(&self, _: &[Vec<f64>]) -> Self {
                *self
            }
        }
    )*};
}
discrete!(usize, u32, u64, i32, i64, isize, bool);

macro_rules! leaf_tangent {
    ($($t:ty),*) => {$(
        impl Tangent for $t {
            fn parts(&self) -> Vec<Part> {
                vec![self.leaf()]
            }
            fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
                self.with_values(parts.first().map_or(&[][..], Vec::as_slice))
            }
        }
    )*};
}
leaf_tangent!(f64, f32, NoTangent);

#[allow(private_bounds)]
impl<A: Elem, D: Dimension> Tangent for ArrayBase<OwnedRepr<A>, D> {
    fn parts(&self) -> Vec<Part> {
        vec![self.leaf()]
    }
    fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
        self.with_values(parts.first().map_or(&[][..], Vec::as_slice))
    }
}

impl<T: Leaf> RuntimeTangent for MaybeZero<T> {
    fn runtime_parts(&self) -> Vec<Option<Vec<f64>>> {
        vec![match self {
            MaybeZero::Zero => None,
            MaybeZero::Value(v) => Some(v.leaf().values),
        }]
    }
}

impl RuntimeTangent for NoTangent {
    fn runtime_parts(&self) -> Vec<Option<Vec<f64>>> {
        vec![Some(Vec::new())]
    }
}

macro_rules! tuples {
    ($( ($($n:tt $t:ident),+) )*) => {$(
        #[allow(private_bounds)]
        impl<$($t: Leaf),+> Tangent for ($($t,)+) {
            fn parts(&self) -> Vec<Part> {
                vec![$(self.$n.leaf()),+]
            }
            fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
                ($(self.$n.with_values(parts.get($n).map_or(&[][..], Vec::as_slice)),)+)
            }
        }
        impl<$($t: RuntimeTangent),+> RuntimeTangent for ($($t,)+) {
            fn runtime_parts(&self) -> Vec<Option<Vec<f64>>> {
                let mut v = Vec::new();
                $(v.extend(self.$n.runtime_parts());)+
                v
            }
        }
    )*};
}
tuples! {
    (0 A)
    (0 A, 1 B)
    (0 A, 1 B, 2 C)
    (0 A, 1 B, 2 C, 3 D)
    (0 A, 1 B, 2 C, 3 D, 4 E)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F)
}

/// A seeded generator (splitmix64) for cotangents and directions.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed; the same seed gives the same sequence.
    ///
    /// ```
    /// use rules_core::testing::Rng;
    /// assert_eq!(Rng::new(1).uniform(), Rng::new(1).uniform());
    /// ```
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[-1, 1)`.
    ///
    /// ```
    /// let x = rules_core::testing::Rng::new(9).uniform();
    /// assert!((-1.0..1.0).contains(&x));
    /// ```
    #[allow(clippy::cast_precision_loss)]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }

    /// A value shaped like `like`, with uniform entries in `[-1, 1)`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use rules_core::testing::Rng;
    /// let t = Rng::new(7).random_like(&(Array2::<f32>::zeros((2, 3)), 0.0f64));
    /// assert_eq!(t.0.dim(), (2, 3));
    /// assert_eq!(Rng::new(7).random_like(&t), t); // reproducible
    /// ```
    pub fn random_like<T: Tangent>(&mut self, like: &T) -> T {
        let parts: Vec<Vec<f64>> = like
            .parts()
            .iter()
            .map(|p| p.values.iter().map(|_| self.uniform()).collect())
            .collect();
        like.rebuild(&parts)
    }
}

/// Runs every check of the [module docs](self) and panics with a clear message on the first
/// failure; the module docs show a complete example, and [`Report`] a short one.
///
/// `primal` and `rrule` take the inputs as one tuple (`|(a, k)| f::rrule(a.view(), *k)`), so that
/// the kit can perturb owned copies of them even when the rule takes views.
///
/// # Panics
/// When a check fails; the message names the check, the input or output and the element.
pub fn check_rrule<X, Y, P>(
    primal: impl Fn(&X) -> Y,
    rrule: impl Fn(&X) -> (Y, P),
    inputs: &X,
    config: &Config,
) -> Report
where
    X: Tangent,
    Y: Tangent + Clone,
    P: Patterns<Y>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    match test_rrule(primal, rrule, inputs, config) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// [`check_rrule`], returning the failure message instead of panicking.
///
/// ```
/// use rules_core::testing::{test_rrule, Config};
/// # use rules_core::rrule;
/// /// A planted mistake: the derivative of x² is 2x, not x.
/// #[rrule]
/// fn sq(x: f64) -> f64 {
///     (x * x, move |dy: f64| -> f64 { x * dy })
/// }
/// # fn main() {
/// let err = test_rrule(|(x,)| sq(*x), |(x,)| sq::rrule(*x), &(1.5,), &Config::default()).unwrap_err();
/// assert!(err.contains("the cotangent of input `x` at element 0 is"), "{err}");
/// assert!(err.contains("finite differences give"), "{err}");
/// # }
/// ```
///
/// # Errors
/// The message of the first check that fails.
pub fn test_rrule<X, Y, P>(
    primal: impl Fn(&X) -> Y,
    rrule: impl Fn(&X) -> (Y, P),
    inputs: &X,
    config: &Config,
) -> Result<Report, String>
where
    X: Tangent,
    Y: Tangent + Clone,
    P: Patterns<Y>,
    P::Output: Tangent,
    P::Runtime: RuntimeTangent,
{
    let in_names = P::INPUTS;
    let out_names = P::COTANGENTS;
    let x_parts = inputs.parts();
    let f32_inputs = x_parts.iter().any(|p| p.kind == PartKind::F32);
    let (rtol, atol) = if f32_inputs {
        (config.f32_tol, config.f32_tol)
    } else {
        (config.rtol, config.atol)
    };
    let mut report = Report::default();

    // 1. The value.
    let y = primal(inputs);
    let (y2, pb) = rrule(inputs);
    for (i, (a, b)) in y.parts().iter().zip(y2.parts()).enumerate() {
        let name = out_names.get(i).copied().unwrap_or("?");
        if let Some((j, va, vb)) = first_mismatch(&a.values, &b.values, rtol, atol) {
            return Err(format!(
                "check_rrule: the value of output {i} (cotangent `{name}`) from rrule differs from the primal function's at element {j}: rrule gives {vb:e}, the primal {va:e}"
            ));
        }
    }

    // 2. NoTangent exactly where the input is not differentiable.
    let mut rng = Rng::new(config.seed);
    let ybar = rng.random_like(&y);
    let xbar = pb.pullback(ybar.clone());
    let xbar_parts = xbar.parts();
    if xbar_parts.len() != x_parts.len() {
        return Err(format!(
            "check_rrule: the pullback returns {} cotangent(s) for {} input(s) ({})",
            xbar_parts.len(),
            x_parts.len(),
            in_names.join(", ")
        ));
    }
    for (i, (xp, gp)) in x_parts.iter().zip(&xbar_parts).enumerate() {
        let name = in_names.get(i).copied().unwrap_or("?");
        match (xp.kind, gp.kind) {
            (PartKind::Discrete(t), PartKind::NoTangent) => {
                let _ = t;
            }
            (PartKind::Discrete(t), _) => {
                return Err(format!(
                    "check_rrule: input `{name}` ({t}) is not differentiable, but the pullback returns a cotangent with {} entries for it; return `NoTangent`",
                    gp.values.len()
                ));
            }
            (_, PartKind::NoTangent) => {
                return Err(format!(
                    "check_rrule: input `{name}` is differentiable ({} entries), but the pullback returns `NoTangent` for it",
                    xp.values.len()
                ));
            }
            _ if xp.values.len() != gp.values.len() => {
                return Err(format!(
                    "check_rrule: the cotangent of input `{name}` has {} entries, the input has {}",
                    gp.values.len(),
                    xp.values.len()
                ));
            }
            _ => {}
        }
    }

    // 3. Calling the pullback twice gives the same result.
    let again = pb.pullback(ybar.clone()).parts();
    if again != xbar_parts {
        return Err("check_rrule: a second call of the pullback with the same cotangent gives a different result".to_owned());
    }

    // 4. Finite differences.
    let ybar_flat: Vec<f64> = ybar.parts().into_iter().flat_map(|p| p.values).collect();
    let loss = |x: &X| -> f64 {
        let out = primal(x);
        out.parts()
            .iter()
            .flat_map(|p| p.values.iter().copied())
            .zip(&ybar_flat)
            .map(|(a, b)| a * b)
            .sum()
    };
    let step = config.step.unwrap_or(if f32_inputs { 1e-2 } else { 1e-3 });
    let total: usize = x_parts.iter().map(|p| p.values.len()).sum();
    let base: Vec<Vec<f64>> = x_parts.iter().map(|p| p.values.clone()).collect();
    for (i, xp) in x_parts.iter().enumerate() {
        if !matches!(xp.kind, PartKind::F64 | PartKind::F32) || xp.values.is_empty() {
            continue;
        }
        let name = in_names.get(i).copied().unwrap_or("?");
        let scale = xp.values.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        let h = step * scale;
        let directional = |dir: &[f64]| -> f64 {
            let at = |t: f64| {
                let mut parts = base.clone();
                for (v, d) in parts[i].iter_mut().zip(dir) {
                    *v += t * d;
                }
                loss(&inputs.rebuild(&parts))
            };
            (-at(2.0 * h) + 8.0 * at(h) - 8.0 * at(-h) + at(-2.0 * h)) / (12.0 * h)
        };
        let g = &xbar_parts[i].values;
        if total <= config.elementwise_limit {
            for j in 0..xp.values.len() {
                let mut dir = vec![0.0; xp.values.len()];
                dir[j] = 1.0;
                let fd = directional(&dir);
                let ratio = (g[j] - fd).abs() / (atol + rtol * fd.abs().max(g[j].abs()));
                report.fd_checks += 1;
                report.worst_fd_ratio = report.worst_fd_ratio.max(ratio);
                if !within(ratio) {
                    return Err(format!(
                        "check_rrule: the cotangent of input `{name}` at element {j} is {:e}, finite differences give {fd:e} (difference {:e}; rtol {rtol:e}, atol {atol:e})",
                        g[j],
                        (g[j] - fd).abs()
                    ));
                }
            }
        } else {
            for d in 0..config.directions {
                let dir: Vec<f64> = xp.values.iter().map(|_| rng.uniform()).collect();
                let fd = directional(&dir);
                let ad: f64 = dir.iter().zip(g).map(|(a, b)| a * b).sum();
                let mag: f64 = dir.iter().zip(g).map(|(a, b)| (a * b).abs()).sum();
                let ratio = (ad - fd).abs() / (atol + rtol * fd.abs().max(mag));
                report.fd_checks += 1;
                report.worst_fd_ratio = report.worst_fd_ratio.max(ratio);
                if !within(ratio) {
                    return Err(format!(
                        "check_rrule: adjoint identity fails for input `{name}` (random direction {d}): ⟨v, Jᵀȳ⟩ = {ad:e}, finite differences ⟨Jv, ȳ⟩ = {fd:e} (rtol {rtol:e}, atol {atol:e})"
                    ));
                }
            }
        }
    }

    // 5. Every pattern against the dense pullback fed explicit zeros; runtime against static.
    let k = out_names.len();
    let y_parts = ybar.parts();
    for mask in 0..(1u64 << k) {
        let zeroed: Vec<Vec<f64>> = y_parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if mask & (1 << i) != 0 {
                    vec![0.0; p.values.len()]
                } else {
                    p.values.clone()
                }
            })
            .collect();
        let dense = pb.pullback(ybar.rebuild(&zeroed)).parts();
        let label = pattern_label(out_names, mask);
        let Some(stat) = pb.pullback_static(mask, ybar.clone()) else {
            continue;
        };
        let stat = stat.runtime_parts();
        let rt = pb.pullback_runtime(mask, ybar.clone()).runtime_parts();
        if stat != rt {
            return Err(format!(
                "check_rrule: the runtime MaybeZero pattern {label} differs from the static pattern it must dispatch to"
            ));
        }
        for (i, (s, d)) in stat.iter().zip(&dense).enumerate() {
            let name = in_names.get(i).copied().unwrap_or("?");
            let scale = d.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let tol = config.pattern_rtol * scale.max(f64::MIN_POSITIVE)
                + if f32_inputs { 1e-6 * scale } else { 0.0 };
            match s {
                None => {
                    if let Some((j, v)) = d.values.iter().enumerate().find(|(_, v)| v.abs() > tol) {
                        return Err(format!(
                            "check_rrule: pattern {label} returns Zero for input `{name}`, but the dense pullback fed explicit zeros gives {v:e} at element {j}"
                        ));
                    }
                }
                Some(values) => {
                    if values.len() != d.values.len() {
                        return Err(format!(
                            "check_rrule: pattern {label} returns {} entries for input `{name}`, the dense pullback {}",
                            values.len(),
                            d.values.len()
                        ));
                    }
                    if let Some((j, a, b)) =
                        first_mismatch(&d.values, values, config.pattern_rtol, tol)
                    {
                        return Err(format!(
                            "check_rrule: pattern {label} differs from the dense pullback fed explicit zeros for input `{name}` at element {j}: {b:e} vs {a:e}"
                        ));
                    }
                }
            }
        }
        report.patterns += 1;
    }
    Ok(report)
}

/// `ratio ≤ 1`, false for NaN (a NaN cotangent or difference is a failure).
fn within(ratio: f64) -> bool {
    ratio <= 1.0
}

fn pattern_label(names: &[&str], mask: u64) -> String {
    let mut s = String::from("(");
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{}", if mask & (1 << i) != 0 { "Zero" } else { n });
    }
    s.push(')');
    s
}

/// The first `(index, a, b)` with `|a − b| > atol + rtol·max(|a|, |b|)`; NaN never matches.
#[allow(clippy::neg_cmp_op_on_partial_ord)] // written so that NaN counts as a mismatch
fn first_mismatch(a: &[f64], b: &[f64], rtol: f64, atol: f64) -> Option<(usize, f64, f64)> {
    if a.len() != b.len() {
        return Some((a.len().min(b.len()), f64::NAN, f64::NAN));
    }
    a.iter()
        .zip(b)
        .enumerate()
        .find(|(_, (x, y))| !((*x - *y).abs() <= atol + rtol * x.abs().max(y.abs())))
        .map(|(i, (x, y))| (i, *x, *y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array3, ArrayD, IxDyn};

    #[test]
    fn random_tangents_are_shaped_like_their_template_and_reproducible() {
        let like = (
            Array3::<f32>::zeros((2, 3, 4)),
            ArrayD::<f64>::zeros(IxDyn(&[2, 2, 2, 2])),
            0.0f64,
            Array1::<f64>::zeros(0),
        );
        let a = Rng::new(42).random_like(&like);
        let b = Rng::new(42).random_like(&like);
        let c = Rng::new(43).random_like(&like);
        assert_eq!(a.0.dim(), (2, 3, 4));
        assert_eq!(a.1.shape(), &[2, 2, 2, 2]);
        assert_eq!(a, b, "the same seed gives the same tangent");
        assert_ne!(a.0, c.0, "another seed gives another tangent");
        assert!(a.0.iter().all(|v| (-1.0..1.0).contains(v)));
        assert_eq!(a.parts().len(), 4);
        assert_eq!(a.parts()[0].kind, PartKind::F32);
        assert_eq!(7usize.parts()[0].kind, PartKind::Discrete("usize"));
        assert_eq!(NoTangent.parts()[0].kind, PartKind::NoTangent);
    }

    #[test]
    fn mismatches_treat_nan_as_a_failure() {
        assert_eq!(
            first_mismatch(&[1.0, 2.0], &[1.0, 2.0 + 1e-12], 1e-9, 0.0),
            None
        );
        assert_eq!(
            first_mismatch(&[1.0, 2.0], &[1.0, 2.1], 1e-9, 0.0).map(|m| m.0),
            Some(1)
        );
        assert!(first_mismatch(&[f64::NAN], &[f64::NAN], 1e-9, 1e-9).is_some());
        assert!(!within(f64::NAN));
        assert_eq!(pattern_label(&["du", "ds"], 0b01), "(Zero, ds)");
    }
}
