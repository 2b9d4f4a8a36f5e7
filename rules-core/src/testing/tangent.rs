//! Flattening: the values the kit can perturb and compare, seen as lists of `f64` (one [`Part`]
//! per input, output or cotangent), and rebuilt from such lists.

use ndarray::{ArrayBase, Dimension, OwnedRepr};

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
