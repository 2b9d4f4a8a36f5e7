//! Flattening: the values the kit can perturb and compare, seen as lists of `f64` (one [`Part`]
//! per input, output or cotangent), and rebuilt from such lists.

use ndarray::{ArrayBase, DataMut, DataOwned, Dimension, RawDataClone};

use crate::{MaybeZero, NoTangent};

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
    /// The directions the kit may perturb an input along ([`Constraint::None`]: every entry on
    /// its own).
    pub constraint: Constraint,
}

impl Part {
    /// A part with the given entries and kind, perturbed freely ([`Constraint::None`]).
    ///
    /// ```
    /// use rules_core::testing::{Constraint, Part, PartKind};
    /// let p = Part::new(vec![1.0, 2.0], PartKind::F64);
    /// assert_eq!(p.constraint, Constraint::None);
    /// ```
    #[must_use]
    pub fn new(values: Vec<f64>, kind: PartKind) -> Self {
        Part {
            values,
            kind,
            constraint: Constraint::None,
        }
    }
}

/// The directions in which the kit perturbs an input: every entry independently, or only those
/// that keep a structure the rule assumes (a symmetric matrix, for a rule that reads one
/// triangle). Set by wrappers such as [`Symmetric`](super::Symmetric).
///
/// ```
/// use rules_core::testing::Constraint;
/// let mut dir = vec![0.0, 1.0, 3.0, 0.0]; // a 2×2 matrix, row-major
/// Constraint::Symmetric { n: 2 }.project(&mut dir);
/// assert_eq!(dir, vec![0.0, 2.0, 2.0, 0.0]);
/// assert_eq!(Constraint::Symmetric { n: 2 }.basis(4).len(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Constraint {
    /// Any direction.
    #[default]
    None,
    /// Symmetric directions of an n×n matrix stored row-major: `E_ij + E_ji`.
    Symmetric {
        /// The matrix's order.
        n: usize,
    },
}

impl Constraint {
    /// The nearest allowed direction to `dir`, in place: `(D + Dᵀ)/2` for a
    /// symmetric matrix.
    pub fn project(&self, dir: &mut [f64]) {
        match *self {
            Constraint::None => {}
            Constraint::Symmetric { n } => {
                for i in 0..n {
                    for j in 0..i {
                        let v = 0.5 * (dir[i * n + j] + dir[j * n + i]);
                        dir[i * n + j] = v;
                        dir[j * n + i] = v;
                    }
                }
            }
        }
    }

    /// A basis of the allowed directions of a part with `len` entries, each named for messages:
    /// the unit vectors (`element j`), or `E_ij + E_ji` for `i ≥ j` (`element [i, j] and its
    /// mirror`).
    #[must_use]
    pub fn basis(&self, len: usize) -> Vec<(String, Vec<f64>)> {
        let unit = |idx: &[usize]| {
            let mut d = vec![0.0; len];
            for &k in idx {
                d[k] = 1.0;
            }
            d
        };
        match *self {
            Constraint::None => (0..len)
                .map(|j| (format!("element {j}"), unit(&[j])))
                .collect(),
            Constraint::Symmetric { n } => {
                assert_eq!(
                    len,
                    n * n,
                    "Constraint::Symmetric {{ n: {n} }} needs n² entries"
                );
                (0..n)
                    .flat_map(|i| (0..=i).map(move |j| (i, j)))
                    .map(|(i, j)| {
                        if i == j {
                            (format!("element [{i}, {i}]"), unit(&[i * n + i]))
                        } else {
                            let name = format!("element [{i}, {j}] and its mirror");
                            (name, unit(&[i * n + j, j * n + i]))
                        }
                    })
                    .collect()
            }
        }
    }
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
    /// An input wrapped in [`Constant`]: neither perturbed nor checked.
    Constant,
}

/// Values the kit can flatten, perturb and rebuild: `f32`, `f64`, their complex numbers, owned
/// ndarray arrays of them,
/// values that are not differentiated (integers, `bool`, `char`, `String`, `&str`, `Vec`s and
/// slices of them), `NoTangent`, structs with `#[derive(Differentiable)]` and their tangents (one
/// part each), and tuples of these (the parts of each element, in order).
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
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value the testing kit can flatten, perturb and rebuild",
    label = "the kit cannot take this as an input, output or struct field",
    note = "the kit owns its inputs: put the value itself in the tuple (`&(x, p)`, not `&(x, &p)`) and the closures receive `&p`; a struct needs `#[derive(Differentiable)]` (a field that is not differentiated, `#[no_tangent]`); wrap an input the kit must not perturb or check in `testing::Constant(..)`"
)]
pub trait Tangent: Sized {
    /// The parts: one for a leaf or a struct, the elements' parts for a tuple.
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

/// The one part of a leaf value: its entries and kind.
fn leaf(values: Vec<f64>, kind: PartKind) -> Vec<Part> {
    vec![Part::new(values, kind)]
}

/// The entries of the first part (a leaf's only one), or none.
fn first(parts: &[Vec<f64>]) -> &[f64] {
    parts.first().map_or(&[][..], Vec::as_slice)
}

impl Tangent for f64 {
    fn parts(&self) -> Vec<Part> {
        leaf(vec![*self], PartKind::F64)
    }
    fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
        first(parts).first().copied().unwrap_or(*self)
    }
}

impl Tangent for f32 {
    fn parts(&self) -> Vec<Part> {
        leaf(vec![f64::from(*self)], PartKind::F32)
    }
    #[allow(clippy::cast_possible_truncation)]
    fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
        first(parts).first().map_or(*self, |&x| x as f32)
    }
}

/// Element types of arrays the kit handles: `f64`, `f32`, and their complex numbers
/// (`num_complex::Complex`), each flattened to one `f64` or to two (real part, then imaginary
/// part).
///
/// With complex entries flattened that way, the kit's loss `⟨ȳ, y⟩` is `Re Σ conj(ȳ)·y`, and the
/// cotangent it checks is `∂L/∂Re z + i·∂L/∂Im z`: the convention of ChainRules and PyTorch
/// (JAX's is the conjugate). For a holomorphic `f`, that is `conj(f′(z))·ȳ`.
///
/// ```
/// use num_complex::Complex;
/// use rules_core::testing::Tangent;
/// let z = ndarray::array![Complex::new(1.0, 2.0), Complex::new(3.0, -4.0)];
/// assert_eq!(z.parts()[0].values, vec![1.0, 2.0, 3.0, -4.0]);
/// ```
pub trait Elem: Copy + sealed::Sealed {
    /// The kind of part an array of this element makes (by its real type's precision).
    const KIND: PartKind;
    /// How many `f64` entries one element flattens to: 1, or 2 for a complex number.
    const WIDTH: usize;
    /// Appends the element's entries to `out`.
    fn push(self, out: &mut Vec<f64>);
    /// The element from its `WIDTH` entries (rounded for `f32`).
    fn take(entries: &[f64]) -> Self;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
    impl Sealed for num_complex::Complex<f64> {}
    impl Sealed for num_complex::Complex<f32> {}
}

impl Elem for f64 {
    const KIND: PartKind = PartKind::F64;
    const WIDTH: usize = 1;
    fn push(self, out: &mut Vec<f64>) {
        out.push(self);
    }
    fn take(entries: &[f64]) -> Self {
        entries[0]
    }
}

impl Elem for f32 {
    const KIND: PartKind = PartKind::F32;
    const WIDTH: usize = 1;
    fn push(self, out: &mut Vec<f64>) {
        out.push(f64::from(self));
    }
    #[allow(clippy::cast_possible_truncation)]
    fn take(entries: &[f64]) -> Self {
        entries[0] as f32
    }
}

impl<R: Elem> Elem for num_complex::Complex<R>
where
    num_complex::Complex<R>: sealed::Sealed,
{
    const KIND: PartKind = R::KIND;
    const WIDTH: usize = 2;
    fn push(self, out: &mut Vec<f64>) {
        self.re.push(out);
        self.im.push(out);
    }
    fn take(entries: &[f64]) -> Self {
        num_complex::Complex::new(R::take(&entries[..1]), R::take(&entries[1..2]))
    }
}

/// Complex scalars: two entries, the real part then the imaginary part.
impl<R: Elem> Tangent for num_complex::Complex<R>
where
    num_complex::Complex<R>: Elem,
{
    fn parts(&self) -> Vec<Part> {
        let mut values = Vec::with_capacity(2);
        self.push(&mut values);
        leaf(values, R::KIND)
    }
    fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
        let entries = first(parts);
        if entries.len() < 2 {
            return *self;
        }
        Self::take(entries)
    }
}

/// Owned arrays and shared ones (`ArcArray`): anything that owns its elements.
impl<A, S, D> Tangent for ArrayBase<S, D>
where
    A: Elem,
    S: DataOwned<Elem = A> + DataMut + RawDataClone,
    D: Dimension,
{
    fn parts(&self) -> Vec<Part> {
        let mut values = Vec::with_capacity(self.len() * A::WIDTH);
        self.iter().for_each(|&x| x.push(&mut values));
        leaf(values, A::KIND)
    }
    fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
        let mut out = self.clone();
        for (o, x) in out.iter_mut().zip(first(parts).chunks_exact(A::WIDTH)) {
            *o = A::take(x);
        }
        out
    }
}

/// A square matrix input (itself symmetric: the kit does not check it) that the kit perturbs only
/// symmetrically (`E_ij + E_ji`), for rules that
/// read one triangle of a symmetric matrix (`eigh`, `cholesky`): their cotangent is compared with
/// finite differences along symmetric directions only, as `⟨Ā, E_ij + E_ji⟩`. That checks the
/// symmetric part of `Ā` only: a rule that promises a symmetric cotangent should also be tested
/// through `x ↦ f(sym(x))` on a plain input, which checks `Ā` whole. The rule gets the
/// matrix as `.0`. Used with [`check_rrule`](super::check_rrule) (not with `check_frule`, whose
/// tangents are drawn from the input's own tangent type).
///
/// ```
/// use ndarray::array;
/// use rules_core::linalg::eigvalsh;
/// use rules_core::testing::{check_rrule, Config, Symmetric};
///
/// let a = array![[2.0, 0.5, 0.1], [0.5, 1.0, 0.3], [0.1, 0.3, -1.0]];
/// check_rrule(
///     |(a,)| eigvalsh(a.0.view()),
///     |(a,)| eigvalsh::rrule(a.0.view()),
///     &(Symmetric(a),),
///     &Config::default(),
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Symmetric<A>(pub A);

impl<A, S> Tangent for Symmetric<ArrayBase<S, ndarray::Ix2>>
where
    A: Elem + crate::scalar::Scalar,
    S: DataOwned<Elem = A> + DataMut + RawDataClone,
{
    /// # Panics
    /// If the matrix is not square.
    fn parts(&self) -> Vec<Part> {
        let (m, n) = self.0.dim();
        assert!(
            m == n,
            "Symmetric: the matrix must be square, but it is {m}×{n}"
        );
        let mut parts = self.0.parts();
        parts[0].constraint = Constraint::Symmetric { n };
        parts
    }
    fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
        Symmetric(self.0.rebuild(parts))
    }
}

/// An input the kit neither perturbs nor checks the cotangent of, whatever the rule returns for
/// it: data, labels, a batch, a struct of constants (ChainRulesTestUtils writes `x ⊢
/// NoTangent()`). The rule gets the value as `.0`. The value is still passed to `primal` and
/// `rrule` unchanged, and the other inputs' cotangents are checked as usual.
///
/// ```
/// use ndarray::{array, Array1};
/// use rules_core::ops;
/// use rules_core::testing::{check_rrule, Config, Constant};
///
/// let x = array![0.5, -1.0];
/// let labels = array![1.0, 0.0]; // a target: differentiable as a type, constant here
/// check_rrule(
///     |(x, t)| ops::mse(x.view(), t.0.view()),
///     |(x, t)| ops::mse::rrule(x.view(), t.0.view()),
///     &(x, Constant(labels)),
///     &Config::default(),
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Constant<T>(pub T);

impl<T: Clone> Tangent for Constant<T> {
    fn parts(&self) -> Vec<Part> {
        leaf(Vec::new(), PartKind::Constant)
    }
    fn rebuild(&self, _: &[Vec<f64>]) -> Self {
        self.clone()
    }
}

impl Tangent for NoTangent {
    fn parts(&self) -> Vec<Part> {
        leaf(Vec::new(), PartKind::NoTangent)
    }
    fn rebuild(&self, _: &[Vec<f64>]) -> Self {
        NoTangent
    }
}

/// Values that are not differentiated: passed through unchanged.
macro_rules! discrete {
    ($($t:ty),*) => {$(
        impl Tangent for $t {
            fn parts(&self) -> Vec<Part> {
                leaf(Vec::new(), PartKind::Discrete(stringify!($t)))
            }
            fn rebuild(&self, _: &[Vec<f64>]) -> Self {
                self.clone()
            }
        }
        impl Tangent for Vec<$t> {
            fn parts(&self) -> Vec<Part> {
                leaf(Vec::new(), PartKind::Discrete(concat!("Vec<", stringify!($t), ">")))
            }
            fn rebuild(&self, _: &[Vec<f64>]) -> Self {
                self.clone()
            }
        }
        impl Tangent for &[$t] {
            fn parts(&self) -> Vec<Part> {
                leaf(Vec::new(), PartKind::Discrete(concat!("&[", stringify!($t), "]")))
            }
            fn rebuild(&self, _: &[Vec<f64>]) -> Self {
                self
            }
        }
    )*};
}
discrete!(
    usize, u8, u16, u32, u64, isize, i8, i16, i32, i64, bool, char, String
);

/// An axis, as the `ops` reductions take: passed through unchanged.
impl Tangent for ndarray::Axis {
    fn parts(&self) -> Vec<Part> {
        leaf(Vec::new(), PartKind::Discrete("Axis"))
    }
    fn rebuild(&self, _: &[Vec<f64>]) -> Self {
        *self
    }
}

/// The triangle `linalg::solve_triangular` reads and the norm `linalg::matrix_norm` computes:
/// passed through unchanged.
macro_rules! linalg_choice {
    ($($t:ident),*) => {$(
        impl Tangent for crate::linalg::$t {
            fn parts(&self) -> Vec<Part> {
                leaf(Vec::new(), PartKind::Discrete(stringify!($t)))
            }
            fn rebuild(&self, _: &[Vec<f64>]) -> Self {
                *self
            }
        }
    )*};
}
linalg_choice!(Triangle, Norm);

/// A shape (`Ix2`, `IxDyn`, ..): passed through unchanged.
impl<I> Tangent for ndarray::Dim<I>
where
    ndarray::Dim<I>: Clone,
{
    fn parts(&self) -> Vec<Part> {
        leaf(Vec::new(), PartKind::Discrete("shape"))
    }
    fn rebuild(&self, _: &[Vec<f64>]) -> Self {
        self.clone()
    }
}

impl Tangent for &str {
    fn parts(&self) -> Vec<Part> {
        leaf(Vec::new(), PartKind::Discrete("&str"))
    }
    fn rebuild(&self, _: &[Vec<f64>]) -> Self {
        self
    }
}

impl<T: Tangent> RuntimeTangent for MaybeZero<T> {
    fn runtime_parts(&self) -> Vec<Option<Vec<f64>>> {
        vec![match self {
            MaybeZero::Zero => None,
            MaybeZero::Value(v) => Some(v.parts().into_iter().flat_map(|p| p.values).collect()),
        }]
    }
}

impl RuntimeTangent for NoTangent {
    fn runtime_parts(&self) -> Vec<Option<Vec<f64>>> {
        vec![Some(Vec::new())]
    }
}

/// The parts of a struct's fields as one part: their entries in order, of the first
/// floating-point kind among them (`NoTangent` when none has one). Used by the code
/// `#[derive(Differentiable)]` generates.
#[doc(hidden)]
#[must_use]
pub fn merge_parts(fields: Vec<Vec<Part>>) -> Vec<Part> {
    let parts: Vec<Part> = fields.into_iter().flatten().collect();
    // A constraint is about one part's own layout; inside a merged part its offsets would be
    // wrong, so it is refused rather than dropped.
    assert!(
        parts.iter().all(|p| p.constraint == Constraint::None),
        "a field of a #[derive(Differentiable)] struct cannot be `Symmetric` (or otherwise constrained) for the testing kit: pass that matrix as its own input"
    );
    let kind = (parts.iter())
        .map(|p| p.kind)
        .find(|k| matches!(k, PartKind::F64 | PartKind::F32))
        .unwrap_or(PartKind::NoTangent);
    let values = parts.into_iter().flat_map(|p| p.values).collect();
    vec![Part::new(values, kind)]
}

/// `field` rebuilt from `values[*at..]`, advancing `at` past its entries. Used by the code
/// `#[derive(Differentiable)]` generates.
#[doc(hidden)]
pub fn rebuild_field<T: Tangent>(field: &T, values: &[f64], at: &mut usize) -> T {
    let parts = field.parts();
    let mut taken = Vec::with_capacity(parts.len());
    for p in &parts {
        let end = (*at + p.values.len()).min(values.len());
        taken.push(values.get(*at..end).unwrap_or(&[]).to_vec());
        *at = end;
    }
    field.rebuild(&taken)
}

macro_rules! tuples {
    ($( ($($n:tt $t:ident),+) )*) => {$(
        /// Each element contributes its parts, in order.
        impl<$($t: Tangent),+> Tangent for ($($t,)+) {
            fn parts(&self) -> Vec<Part> {
                let mut v = Vec::new();
                $(v.extend(self.$n.parts());)+
                v
            }
            #[allow(unused_assignments)]
            fn rebuild(&self, parts: &[Vec<f64>]) -> Self {
                let mut at = 0usize;
                ($({
                    let n = self.$n.parts().len();
                    let end = (at + n).min(parts.len());
                    let r = self.$n.rebuild(parts.get(at..end).unwrap_or(&[]));
                    at = end;
                    r
                },)+)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;
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
}
