//! Structural tangents: the [`Differentiable`] trait that maps a value's type to the type of its
//! tangents and cotangents, implemented here for scalars, arrays, non-differentiable values and
//! tuples, and derived for a user's structs with `#[derive(Differentiable)]`.

use ndarray::{Array, ArrayBase, Data, Dimension};

use crate::NoTangent;

/// A value that has a tangent type: what a rule returns as this input's cotangent, or receives as
/// this output's cotangent.
///
/// * `f32`, `f64`: themselves;
/// * ndarray arrays of any storage (owned, views): the owned array of the same dimension;
/// * integers, `bool`, `char`, `String`, `&str`, `Vec`s and slices of them: [`NoTangent`];
/// * `&T`: `T`'s tangent, so a rule may take a struct by reference;
/// * tuples: the tuple of tangents;
/// * a struct with `#[derive(Differentiable)]`: the generated `<Name>Tangent`.
///
/// The derive also implements the testing kit's `Tangent` for the struct and its tangent, so
/// that `check_rrule` can perturb it: fields marked `#[no_tangent]` are then copied with
/// `Clone`, and must be `Clone` (a field that is not, such as a `Box<dyn Fn ..>`, makes the
/// derive fail with that bound).
///
/// ```
/// use ndarray::{array, Array1, Array2};
/// use rules_core::Differentiable;
///
/// /// A dense layer's parameters; `name` is not differentiated.
/// #[derive(Differentiable)]
/// pub struct Dense {
///     pub w: Array2<f64>,
///     pub b: Array1<f64>,
///     #[no_tangent]
///     pub name: String,
/// }
///
/// let layer = Dense { w: Array2::eye(2), b: array![1.0, 2.0], name: "fc".into() };
/// let zero: DenseTangent = layer.zero_tangent();
/// assert_eq!(zero.b, array![0.0, 0.0]);
/// let sum = zero.clone() + DenseTangent { w: Array2::ones((2, 2)), b: array![1.0, 1.0] };
/// assert_eq!(sum.w, Array2::ones((2, 2)));
/// assert_eq!(sum.clone() + rules_core::Zero, sum);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no tangent type",
    label = "this type is not `Differentiable`",
    note = "mark a struct field that is not differentiated `#[no_tangent]`, or derive `Differentiable` for its type"
)]
pub trait Differentiable {
    /// The type of this value's tangents and cotangents.
    type Tangent;
    /// The zero tangent shaped like `self` (`NoTangent` for a value that is not differentiable).
    fn zero_tangent(&self) -> Self::Tangent;
}

/// `f32` and `f64` are their own tangent (and so is a generic `T: Scalar`, through
/// `Scalar`'s supertrait).
macro_rules! itself {
    ($($t:ty),*) => {$(
        impl Differentiable for $t {
            type Tangent = $t;
            fn zero_tangent(&self) -> $t {
                0.0
            }
        }
    )*};
}
itself!(f32, f64);

/// Complex numbers are their own tangent too; see [`testing::Elem`](crate::testing::Elem) for
/// the cotangent convention (`∂L/∂Re z + i·∂L/∂Im z`).
impl<R: Clone + num_traits::Num> Differentiable for num_complex::Complex<R> {
    type Tangent = num_complex::Complex<R>;
    fn zero_tangent(&self) -> Self::Tangent {
        num_complex::Complex::new(R::zero(), R::zero())
    }
}

macro_rules! discrete {
    ($($t:ty),*) => {$(
        impl Differentiable for $t {
            type Tangent = NoTangent;
            fn zero_tangent(&self) -> NoTangent {
                NoTangent
            }
        }
    )*};
}
discrete!(
    usize,
    u8,
    u16,
    u32,
    u64,
    u128,
    isize,
    i8,
    i16,
    i32,
    i64,
    i128,
    bool,
    char,
    String,
    str,
    NoTangent,
    ndarray::Axis
);

impl<T: Differentiable<Tangent = NoTangent>> Differentiable for Vec<T> {
    type Tangent = NoTangent;
    fn zero_tangent(&self) -> NoTangent {
        NoTangent
    }
}

impl<T: Differentiable<Tangent = NoTangent>> Differentiable for [T] {
    type Tangent = NoTangent;
    fn zero_tangent(&self) -> NoTangent {
        NoTangent
    }
}

impl<A, S, D> Differentiable for ArrayBase<S, D>
where
    A: Clone + num_traits::Zero,
    S: Data<Elem = A>,
    D: Dimension,
{
    type Tangent = Array<A, D>;
    fn zero_tangent(&self) -> Array<A, D> {
        Array::zeros(self.raw_dim())
    }
}

/// A shape (`Ix2`, `IxDyn`, ..), as `ops::reshape` takes: not differentiated.
impl<I: ?Sized> Differentiable for ndarray::Dim<I> {
    type Tangent = NoTangent;
    fn zero_tangent(&self) -> NoTangent {
        NoTangent
    }
}

impl<T: Differentiable + ?Sized> Differentiable for &T {
    type Tangent = T::Tangent;
    fn zero_tangent(&self) -> T::Tangent {
        (**self).zero_tangent()
    }
}

macro_rules! tuples {
    ($( ($($n:tt $t:ident),+) )*) => {$(
        impl<$($t: Differentiable),+> Differentiable for ($($t,)+) {
            type Tangent = ($($t::Tangent,)+);
            fn zero_tangent(&self) -> Self::Tangent {
                ($(self.$n.zero_tangent(),)+)
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
