//! The tangent algebra: [`Zero`], [`NoTangent`] and [`MaybeZero`].
//!
//! A pullback maps output cotangents to input cotangents. Many of those cotangents are known to be
//! zero: an AD engine that only differentiates through `S` of an SVD feeds zero for `U` and `Vt`.
//! [`Zero`] says so in the type, so a specialised pullback can skip every term it would feed, and
//! [`MaybeZero`] says so at run time, for engines that only learn it then.

use core::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

use ndarray::{ArrayBase, Data, DataMut, DataOwned, Dimension, RawData};

/// A cotangent that is statically zero.
///
/// `Zero` is zero-sized and `Copy`. It is the neutral element of `+` (both orders) and of `x - Zero`,
/// and the absorbing element of `*` (both orders), against `f32`, `f64` and every
/// [`ndarray::ArrayBase`] (owned or borrowed, any storage, any dimension); `Zero - x` is `-x` and
/// `Zero / x` is `Zero`. The result is the other operand itself: `Zero + &x` is the reference
/// `&x` (no copy), `Zero + x` is `x` in its own buffer. Nothing here allocates except `Zero - &x`,
/// which must build `-x`.
///
/// ```
/// use ndarray::array;
/// use rules_core::Zero;
///
/// let x = array![1.0, 2.0];
/// assert_eq!(Zero + &x, &x); // neutral, and no copy is made
/// assert_eq!(x.clone() - Zero, x);
/// assert_eq!(Zero * &x, Zero); // absorbing
/// assert_eq!(2.5 + Zero, 2.5);
/// assert_eq!(-Zero, Zero);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Zero;

/// The cotangent of an input that cannot be differentiated (an integer, a flag, a shape).
///
/// A rule returns `NoTangent` in that input's position; every specialised pullback passes it
/// through unchanged.
///
/// ```
/// use rules_core::NoTangent;
///
/// // The pullback of `repeat(x, n)` with respect to `n: usize`.
/// let dn = NoTangent;
/// assert_eq!(dn, NoTangent::default());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NoTangent;

/// A cotangent that may be zero, decided at run time.
///
/// AD engines that discover only while running which cotangents are zero pass `MaybeZero` values;
/// the generated pullback dispatches with one `match` to the same specialised bodies the static
/// [`Zero`] patterns use.
///
/// ```
/// use ndarray::array;
/// use rules_core::{MaybeZero, Zero};
///
/// let a: MaybeZero<_> = array![1.0, 2.0].into();
/// let z: MaybeZero<ndarray::Array1<f64>> = Zero.into();
/// assert!(z.is_zero());
/// let sum = a + z; // no allocation: the zero side is dropped
/// assert_eq!(sum.materialise(ndarray::Ix1(2)), array![1.0, 2.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MaybeZero<T> {
    /// The cotangent is zero.
    #[default]
    Zero,
    /// The cotangent has this value (which may still happen to hold zeros).
    Value(T),
}

impl<T> MaybeZero<T> {
    /// `true` for [`MaybeZero::Zero`].
    ///
    /// ```
    /// use rules_core::MaybeZero;
    /// assert!(MaybeZero::<f64>::Zero.is_zero());
    /// assert!(!MaybeZero::Value(0.0).is_zero());
    /// ```
    #[must_use]
    pub const fn is_zero(&self) -> bool {
        matches!(self, Self::Zero)
    }

    /// The value, or `None` for [`MaybeZero::Zero`].
    ///
    /// ```
    /// use rules_core::MaybeZero;
    /// assert_eq!(MaybeZero::Value(2.0).value(), Some(2.0));
    /// assert_eq!(MaybeZero::<f64>::Zero.value(), None);
    /// ```
    #[must_use]
    pub fn value(self) -> Option<T> {
        match self {
            Self::Zero => None,
            Self::Value(v) => Some(v),
        }
    }

    /// Borrows the value.
    ///
    /// ```
    /// use ndarray::array;
    /// use rules_core::MaybeZero;
    /// let a = MaybeZero::Value(array![1.0]);
    /// assert_eq!(a.as_ref().value().map(|v| v.len()), Some(1));
    /// ```
    #[must_use]
    pub const fn as_ref(&self) -> MaybeZero<&T> {
        match self {
            Self::Zero => MaybeZero::Zero,
            Self::Value(v) => MaybeZero::Value(v),
        }
    }

    /// Applies a linear map to the value; zero stays zero without calling `f`.
    ///
    /// ```
    /// use rules_core::MaybeZero;
    /// assert_eq!(MaybeZero::Value(2.0).map(|x| 3.0 * x), MaybeZero::Value(6.0));
    /// assert_eq!(MaybeZero::<f64>::Zero.map(|_| unreachable!()), MaybeZero::Zero);
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> MaybeZero<U> {
        match self {
            Self::Zero => MaybeZero::Zero,
            Self::Value(v) => MaybeZero::Value(f(v)),
        }
    }

    /// The value, or a dense zero of the given shape.
    ///
    /// This is the one place a zero costs memory: call it only where a dense value is required.
    ///
    /// ```
    /// use ndarray::{Array2, Ix2};
    /// use rules_core::MaybeZero;
    /// let z = MaybeZero::<Array2<f32>>::Zero;
    /// assert_eq!(z.materialise(Ix2(2, 3)), Array2::zeros((2, 3)));
    /// assert_eq!(MaybeZero::<f64>::Zero.materialise(()), 0.0);
    /// ```
    pub fn materialise(self, shape: T::Shape) -> T
    where
        T: Materialise,
    {
        match self {
            Self::Zero => T::zeros(shape),
            Self::Value(v) => v,
        }
    }
}

/// Cotangent types that can be built as a dense zero of a given shape.
///
/// ```
/// use ndarray::{Array1, Ix1};
/// use rules_core::Materialise;
/// assert_eq!(Array1::<f64>::zeros_of(&Array1::from(vec![1.0, 2.0])), Array1::zeros(2));
/// assert_eq!(<f64 as Materialise>::zeros(()), 0.0);
/// # let _ = Ix1(0);
/// ```
pub trait Materialise: Sized {
    /// What describes a zero of this type: `()` for scalars, the dimension for arrays.
    type Shape;
    /// The shape of `self`.
    fn shape_of(&self) -> Self::Shape;
    /// A dense zero of `shape`.
    fn zeros(shape: Self::Shape) -> Self;
    /// A dense zero shaped like `like`.
    fn zeros_of(like: &Self) -> Self {
        Self::zeros(like.shape_of())
    }
}

macro_rules! scalar_impls {
    ($($t:ty),*) => {$(
        impl Materialise for $t {
            type Shape = ();
            fn shape_of(&self) {}
            fn zeros((): ()) -> Self {
                0.0
            }
        }
        impl From<$t> for MaybeZero<$t> {
            fn from(v: $t) -> Self {
                Self::Value(v)
            }
        }
        impl<'a> From<&'a $t> for MaybeZero<&'a $t> {
            fn from(v: &'a $t) -> Self {
                Self::Value(v)
            }
        }
        impl Add<Zero> for $t {
            type Output = $t;
            fn add(self, _: Zero) -> $t {
                self
            }
        }
        impl Add<$t> for Zero {
            type Output = $t;
            fn add(self, rhs: $t) -> $t {
                rhs
            }
        }
        impl Sub<Zero> for $t {
            type Output = $t;
            fn sub(self, _: Zero) -> $t {
                self
            }
        }
        impl Sub<$t> for Zero {
            type Output = $t;
            fn sub(self, rhs: $t) -> $t {
                -rhs
            }
        }
        impl Mul<Zero> for $t {
            type Output = Zero;
            fn mul(self, _: Zero) -> Zero {
                Zero
            }
        }
        impl Mul<$t> for Zero {
            type Output = Zero;
            fn mul(self, _: $t) -> Zero {
                Zero
            }
        }
        impl Div<$t> for Zero {
            type Output = Zero;
            fn div(self, _: $t) -> Zero {
                Zero
            }
        }
        impl AddAssign<Zero> for $t {
            fn add_assign(&mut self, _: Zero) {}
        }
        impl SubAssign<Zero> for $t {
            fn sub_assign(&mut self, _: Zero) {}
        }
    )*};
}
scalar_impls!(f32, f64);

impl<A, D> Materialise for ArrayBase<ndarray::OwnedRepr<A>, D>
where
    A: Clone + num_zero::ZeroElem,
    D: Dimension,
{
    type Shape = D;
    fn shape_of(&self) -> D {
        self.raw_dim()
    }
    fn zeros(shape: D) -> Self {
        Self::from_elem(shape, A::ZERO)
    }
}

/// The additive identity of the element types a cotangent array may hold.
mod num_zero {
    pub trait ZeroElem {
        const ZERO: Self;
    }
    impl ZeroElem for f32 {
        const ZERO: Self = 0.0;
    }
    impl ZeroElem for f64 {
        const ZERO: Self = 0.0;
    }
    impl ZeroElem for num_complex::Complex<f32> {
        const ZERO: Self = num_complex::Complex::new(0.0, 0.0);
    }
    impl ZeroElem for num_complex::Complex<f64> {
        const ZERO: Self = num_complex::Complex::new(0.0, 0.0);
    }
}

impl<S: RawData, D> From<ArrayBase<S, D>> for MaybeZero<ArrayBase<S, D>> {
    fn from(v: ArrayBase<S, D>) -> Self {
        Self::Value(v)
    }
}

impl<'a, S: RawData, D> From<&'a ArrayBase<S, D>> for MaybeZero<&'a ArrayBase<S, D>> {
    fn from(v: &'a ArrayBase<S, D>) -> Self {
        Self::Value(v)
    }
}

impl<T> From<Zero> for MaybeZero<T> {
    fn from(_: Zero) -> Self {
        Self::Zero
    }
}

impl<T: Add<Output = T>> Add for MaybeZero<T> {
    type Output = Self;
    /// Adds two cotangents; when either is zero the other is returned as it is, without allocating.
    fn add(self, rhs: Self) -> Self {
        match (self, rhs) {
            (Self::Zero, r) => r,
            (l, Self::Zero) => l,
            (Self::Value(l), Self::Value(r)) => Self::Value(l + r),
        }
    }
}

impl<T> Add<Zero> for MaybeZero<T> {
    type Output = Self;
    fn add(self, _: Zero) -> Self {
        self
    }
}

impl<T> Add<MaybeZero<T>> for Zero {
    type Output = MaybeZero<T>;
    fn add(self, rhs: MaybeZero<T>) -> MaybeZero<T> {
        rhs
    }
}

impl<T: Neg<Output = T>> Neg for MaybeZero<T> {
    type Output = Self;
    fn neg(self) -> Self {
        self.map(Neg::neg)
    }
}

/// `NoTangent` is its own sum, difference and negation, so that the tangent of a struct with a
/// field that is not differentiated (but not marked `#[no_tangent]`) still adds up.
impl Add for NoTangent {
    type Output = NoTangent;
    fn add(self, _: NoTangent) -> NoTangent {
        NoTangent
    }
}

impl Sub for NoTangent {
    type Output = NoTangent;
    fn sub(self, _: NoTangent) -> NoTangent {
        NoTangent
    }
}

impl Neg for NoTangent {
    type Output = NoTangent;
    fn neg(self) -> NoTangent {
        NoTangent
    }
}

impl AddAssign<&NoTangent> for NoTangent {
    fn add_assign(&mut self, _: &NoTangent) {}
}

impl Neg for Zero {
    type Output = Zero;
    fn neg(self) -> Zero {
        Zero
    }
}

impl Add for Zero {
    type Output = Zero;
    fn add(self, _: Zero) -> Zero {
        Zero
    }
}

impl Sub for Zero {
    type Output = Zero;
    fn sub(self, _: Zero) -> Zero {
        Zero
    }
}

impl Mul for Zero {
    type Output = Zero;
    fn mul(self, _: Zero) -> Zero {
        Zero
    }
}

impl AddAssign for Zero {
    fn add_assign(&mut self, _: Zero) {}
}

impl SubAssign for Zero {
    fn sub_assign(&mut self, _: Zero) {}
}

// Arrays: owned operands are returned as they are, borrowed ones by reference, so `Zero` never
// allocates. The only exception is `Zero - x`, which must negate.

impl<S: RawData, D> Add<Zero> for ArrayBase<S, D> {
    type Output = Self;
    fn add(self, _: Zero) -> Self {
        self
    }
}

impl<S: RawData, D> Add<ArrayBase<S, D>> for Zero {
    type Output = ArrayBase<S, D>;
    fn add(self, rhs: ArrayBase<S, D>) -> ArrayBase<S, D> {
        rhs
    }
}

impl<'a, S: RawData, D> Add<Zero> for &'a ArrayBase<S, D> {
    type Output = &'a ArrayBase<S, D>;
    fn add(self, _: Zero) -> Self::Output {
        self
    }
}

impl<'a, S: RawData, D> Add<&'a ArrayBase<S, D>> for Zero {
    type Output = &'a ArrayBase<S, D>;
    fn add(self, rhs: &'a ArrayBase<S, D>) -> Self::Output {
        rhs
    }
}

impl<S: RawData, D> Sub<Zero> for ArrayBase<S, D> {
    type Output = Self;
    fn sub(self, _: Zero) -> Self {
        self
    }
}

impl<'a, S: RawData, D> Sub<Zero> for &'a ArrayBase<S, D> {
    type Output = &'a ArrayBase<S, D>;
    fn sub(self, _: Zero) -> Self::Output {
        self
    }
}

impl<A, S, D> Sub<ArrayBase<S, D>> for Zero
where
    A: Clone + Neg<Output = A>,
    S: DataOwned<Elem = A> + DataMut,
    D: Dimension,
{
    type Output = ArrayBase<S, D>;
    /// Negates `rhs` in its own buffer.
    fn sub(self, rhs: ArrayBase<S, D>) -> ArrayBase<S, D> {
        -rhs
    }
}

impl<A, S, D> Sub<&ArrayBase<S, D>> for Zero
where
    A: Clone + Neg<Output = A>,
    S: Data<Elem = A>,
    D: Dimension,
{
    type Output = ndarray::Array<A, D>;
    fn sub(self, rhs: &ArrayBase<S, D>) -> Self::Output {
        rhs.mapv(|v| -v)
    }
}

impl<S: RawData, D> Mul<Zero> for ArrayBase<S, D> {
    type Output = Zero;
    fn mul(self, _: Zero) -> Zero {
        Zero
    }
}

impl<S: RawData, D> Mul<ArrayBase<S, D>> for Zero {
    type Output = Zero;
    fn mul(self, _: ArrayBase<S, D>) -> Zero {
        Zero
    }
}

impl<S: RawData, D> Mul<Zero> for &ArrayBase<S, D> {
    type Output = Zero;
    fn mul(self, _: Zero) -> Zero {
        Zero
    }
}

impl<S: RawData, D> Mul<&ArrayBase<S, D>> for Zero {
    type Output = Zero;
    fn mul(self, _: &ArrayBase<S, D>) -> Zero {
        Zero
    }
}

impl<S: RawData, D> AddAssign<Zero> for ArrayBase<S, D> {
    fn add_assign(&mut self, _: Zero) {}
}

impl<S: RawData, D> SubAssign<Zero> for ArrayBase<S, D> {
    fn sub_assign(&mut self, _: Zero) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2, array};

    #[test]
    #[allow(clippy::op_ref)] // the borrowed-operand impls are what is under test
    fn zero_is_neutral_for_owned_and_borrowed_arrays_in_both_orders() {
        let x = array![[1.0, -2.0], [3.0, 4.5]];
        let p = x.as_ptr();
        // Owned operands come back in their own buffer.
        let y = Zero + x.clone();
        assert_eq!(y, x);
        let q = y.as_ptr();
        let y = y + Zero;
        assert_eq!(y.as_ptr(), q);
        let y = y - Zero;
        assert_eq!(y.as_ptr(), q);
        // Borrowed operands come back as the same reference.
        assert!(core::ptr::eq(Zero + &x, &x));
        assert!(core::ptr::eq(&x + Zero, &x));
        assert!(core::ptr::eq(&x - Zero, &x));
        assert_eq!(x.as_ptr(), p);
        // Views and other dimensions.
        let v = x.view();
        assert!(core::ptr::eq(Zero + &v, &v));
        let d = x.clone().into_dyn();
        assert!(core::ptr::eq(Zero + &d, &d));
    }

    #[test]
    fn zero_minus_array_negates() {
        let x = array![1.0f32, -2.0];
        assert_eq!(Zero - &x, array![-1.0, 2.0]);
        let p = x.as_ptr();
        let n = Zero - x;
        assert_eq!(n, array![-1.0, 2.0]);
        assert_eq!(n.as_ptr(), p, "owned negation reuses the buffer");
    }

    #[test]
    fn zero_absorbs_products() {
        let x = array![1.0, 2.0];
        assert_eq!(Zero * &x, Zero);
        assert_eq!(&x * Zero, Zero);
        assert_eq!(x.clone() * Zero, Zero);
        assert_eq!(Zero * x, Zero);
        assert_eq!(3.0f64 * Zero, Zero);
        assert_eq!(Zero * 3.0f32, Zero);
        assert_eq!(Zero / 3.0f64, Zero);
        assert_eq!(Zero * Zero, Zero);
    }

    #[test]
    fn zero_with_scalars() {
        assert_eq!(Zero + 1.5f64, 1.5);
        assert_eq!(1.5f32 + Zero, 1.5);
        assert_eq!(1.5f64 - Zero, 1.5);
        assert_eq!(Zero - 1.5f64, -1.5);
        let mut a = 2.0f64;
        a += Zero;
        a -= Zero;
        assert_eq!(a, 2.0);
        let mut z = Zero;
        z += Zero;
        z -= Zero;
        assert_eq!(z - Zero, Zero);
        assert_eq!(z + Zero, Zero);
        assert_eq!(-z, Zero);
    }

    #[test]
    fn compound_assignment_with_zero_is_a_no_op() {
        let mut x = array![1.0, 2.0];
        let p = x.as_ptr();
        x += Zero;
        x -= Zero;
        assert_eq!(x, array![1.0, 2.0]);
        assert_eq!(x.as_ptr(), p);
    }

    #[test]
    fn maybe_zero_addition_keeps_the_nonzero_buffer() {
        let a = array![1.0, 2.0];
        let p = a.as_ptr();
        let s = MaybeZero::Value(a) + MaybeZero::Zero;
        assert_eq!(s.as_ref().value().map(|v| v.as_ptr()), Some(p));
        let s = MaybeZero::Zero + s;
        assert_eq!(s.as_ref().value().map(|v| v.as_ptr()), Some(p));
        let s = s + Zero;
        let s = Zero + s;
        assert_eq!(s.as_ref().value().map(|v| v.as_ptr()), Some(p));
        let t = s + MaybeZero::Value(array![1.0, 1.0]);
        assert_eq!(t, MaybeZero::Value(array![2.0, 3.0]));
        let z: MaybeZero<Array1<f64>> = MaybeZero::Zero + MaybeZero::Zero;
        assert!(z.is_zero());
        assert_eq!(-MaybeZero::Value(1.0), MaybeZero::Value(-1.0));
    }

    #[test]
    fn maybe_zero_conversions_and_materialise() {
        let z: MaybeZero<Array2<f64>> = Zero.into();
        assert!(z.is_zero());
        assert_eq!(z.clone().value(), None);
        assert_eq!(
            z.materialise(ndarray::Ix2(2, 1)),
            Array2::<f64>::zeros((2, 1))
        );
        let v: MaybeZero<f64> = 2.0.into();
        assert_eq!(v.materialise(()), 2.0);
        let x = array![1.0f32];
        let r: MaybeZero<&Array1<f32>> = (&x).into();
        assert!(!r.is_zero());
        assert_eq!(MaybeZero::<f32>::default(), MaybeZero::Zero);
        assert_eq!(Array1::<f32>::zeros_of(&x), array![0.0f32]);
    }
}
