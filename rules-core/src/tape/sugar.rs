//! Operators and methods on `Var`s, each recording an `ops` rule (or one of the scalar rules
//! below): `&a + &b`, `&a - &b`, `&a * &b`, `&a / &b` between `Var`s of arrays (broadcasting, as
//! `ops::add`) or of scalars, with a constant array or scalar on either side; `-&a`; `&a * k`
//! for a scalar `k`; and `.sum()`, `.mean()`, `.sum_sq()`, `.tanh()`, `.exp()`, `.ln()`,
//! `.sigmoid()`, `.relu()`, `.matmul(&b)`, `.t()` on `Var`s of arrays.
//!
//! A constant operand of `+` and `-` may be a local of the closure (their pullbacks keep no
//! operand); one of `*`, `/` and `.matmul` is kept by the pullback, so it must be borrowed from
//! outside the closure.

use core::ops::{Add, Div, Mul, Neg, Sub};

use ndarray::{ArcArray, Array, ArrayBase, Data, DimMax, Dimension, Ix2};

use super::{Tape, Var};
use crate::Scalar;
use crate::ops::{self, Broadcast};

use crate::derive as scalar;

type ArrayVar<'t, T, D> = Var<'t, Array<T, D>>;

/// `$c` is the lifetime a constant operand is borrowed for: any (`'c`) where the rule's pullback
/// cannot keep it, the brand `'t` where it does (then the constant outlives the closure).
macro_rules! array_binary {
    ($tr:ident, $method:ident, $rule:ident, $c:lifetime) => {
        impl<'t, T: Scalar, D1, D2> $tr<&ArrayVar<'t, T, D2>> for &ArrayVar<'t, T, D1>
        where
            D1: Dimension + DimMax<D2> + 'static,
            D2: Dimension + 'static,
        {
            type Output = ArrayVar<'t, T, Broadcast<D1, D2>>;
            fn $method(self, rhs: &ArrayVar<'t, T, D2>) -> Self::Output {
                ops::$rule::on(Tape::of(self.tape), self, rhs)
            }
        }

        impl<'t, 'c, T: Scalar, S, D1, D2> $tr<&$c ArrayBase<S, D2>> for &ArrayVar<'t, T, D1>
        where
            S: Data<Elem = T>,
            D1: Dimension + DimMax<D2> + 'static,
            D2: Dimension + 'static,
        {
            type Output = ArrayVar<'t, T, Broadcast<D1, D2>>;
            fn $method(self, rhs: &$c ArrayBase<S, D2>) -> Self::Output {
                ops::$rule::on(Tape::of(self.tape), self, rhs)
            }
        }

        impl<'t, 'c, T: Scalar, S, D1, D2> $tr<&ArrayVar<'t, T, D2>> for &$c ArrayBase<S, D1>
        where
            S: Data<Elem = T>,
            D1: Dimension + DimMax<D2> + 'static,
            D2: Dimension + 'static,
        {
            type Output = ArrayVar<'t, T, Broadcast<D1, D2>>;
            fn $method(self, rhs: &ArrayVar<'t, T, D2>) -> Self::Output {
                ops::$rule::on(Tape::of(rhs.tape), self, rhs)
            }
        }

        impl<'t, T: Scalar> $tr<&Var<'t, T>> for &Var<'t, T> {
            type Output = Var<'t, T>;
            fn $method(self, rhs: &Var<'t, T>) -> Var<'t, T> {
                scalar::$rule::on(Tape::of(self.tape), self, rhs)
            }
        }

        impl<'t, T: Scalar> $tr<T> for &Var<'t, T> {
            type Output = Var<'t, T>;
            fn $method(self, rhs: T) -> Var<'t, T> {
                scalar::$rule::on(Tape::of(self.tape), self, rhs)
            }
        }

        impl<'t> $tr<&Var<'t, f64>> for f64 {
            type Output = Var<'t, f64>;
            fn $method(self, rhs: &Var<'t, f64>) -> Var<'t, f64> {
                scalar::$rule::on(Tape::of(rhs.tape), self, rhs)
            }
        }

        impl<'t> $tr<&Var<'t, f32>> for f32 {
            type Output = Var<'t, f32>;
            fn $method(self, rhs: &Var<'t, f32>) -> Var<'t, f32> {
                scalar::$rule::on(Tape::of(rhs.tape), self, rhs)
            }
        }
    };
}

array_binary!(Add, add, add, 'c);
array_binary!(Sub, sub, sub, 'c);
array_binary!(Mul, mul, mul, 't);
array_binary!(Div, div, div, 't);

/// `&a * k`: `ops::scale`, with `k` a constant.
impl<'t, T: Scalar, D: Dimension + 'static> Mul<T> for &ArrayVar<'t, T, D> {
    type Output = ArrayVar<'t, T, D>;
    fn mul(self, k: T) -> Self::Output {
        ops::scale::on(Tape::of(self.tape), self, k)
    }
}

/// `&a * &k`: `ops::scale`, with `k` a scalar `Var`.
impl<'t, T: Scalar, D: Dimension + 'static> Mul<&Var<'t, T>> for &ArrayVar<'t, T, D> {
    type Output = ArrayVar<'t, T, D>;
    fn mul(self, k: &Var<'t, T>) -> Self::Output {
        ops::scale::on(Tape::of(self.tape), self, k)
    }
}

impl<'t, T: Scalar, D: Dimension + 'static> Neg for &ArrayVar<'t, T, D> {
    type Output = ArrayVar<'t, T, D>;
    fn neg(self) -> Self::Output {
        ops::neg::on(Tape::of(self.tape), self)
    }
}

impl<'t, T: Scalar> Neg for &Var<'t, T> {
    type Output = Var<'t, T>;
    fn neg(self) -> Var<'t, T> {
        scalar::neg::on(Tape::of(self.tape), self)
    }
}

/// The common `ops` as methods of `Var`s of arrays (`Array`, and `ArcArray` as `svd` returns).
macro_rules! methods {
    ($arr:ident) => {
        /// The common `ops` as methods of `Var`s of arrays.
        impl<'t, T: Scalar, D: Dimension + 'static> Var<'t, $arr<T, D>> {
            /// `ops::sum`: Σ of the entries.
            #[must_use]
            pub fn sum(&self) -> Var<'t, T> {
                ops::sum::on(Tape::of(self.tape), self)
            }

            /// `ops::mean`: the mean of the entries.
            #[must_use]
            pub fn mean(&self) -> Var<'t, T> {
                ops::mean::on(Tape::of(self.tape), self)
            }

            /// `ops::sum_sq`: Σ of the squared entries.
            #[must_use]
            pub fn sum_sq(&self) -> Var<'t, T> {
                ops::sum_sq::on(Tape::of(self.tape), self)
            }

            /// `ops::tanh`, entry by entry.
            #[must_use]
            pub fn tanh(&self) -> ArrayVar<'t, T, D> {
                ops::tanh::on(Tape::of(self.tape), self)
            }

            /// `ops::exp`, entry by entry.
            #[must_use]
            pub fn exp(&self) -> ArrayVar<'t, T, D> {
                ops::exp::on(Tape::of(self.tape), self)
            }

            /// `ops::ln`, entry by entry.
            #[must_use]
            pub fn ln(&self) -> ArrayVar<'t, T, D> {
                ops::ln::on(Tape::of(self.tape), self)
            }

            /// `ops::sigmoid`, entry by entry.
            #[must_use]
            pub fn sigmoid(&self) -> ArrayVar<'t, T, D> {
                ops::sigmoid::on(Tape::of(self.tape), self)
            }

            /// `ops::relu`, entry by entry.
            #[must_use]
            pub fn relu(&self) -> ArrayVar<'t, T, D> {
                ops::relu::on(Tape::of(self.tape), self)
            }
        }

        impl<'t, T: Scalar> Var<'t, $arr<T, Ix2>> {
            /// `ops::matmul` of two matrices; `rhs` is a `Var`, `&Var`, or a constant (`&b`).
            #[must_use]
            pub fn matmul<B>(&self, rhs: B) -> ArrayVar<'t, T, Ix2>
            where
                B: super::Arg<'t, ndarray::ArrayView2<'t, T>, Array<T, Ix2>>,
            {
                ops::matmul::on(Tape::of(self.tape), self, rhs)
            }

            /// `ops::transpose`.
            #[must_use]
            pub fn t(&self) -> ArrayVar<'t, T, Ix2> {
                ops::transpose::on(Tape::of(self.tape), self)
            }
        }
    };
}
methods!(Array);
methods!(ArcArray);

/// An owned `Var` on the left works as a borrowed one: `a * 0.5`, `(&a + &b) * &c`.
macro_rules! owned_lhs {
    ($($tr:ident $method:ident),*) => {$(
        impl<'t, V, R, O> $tr<R> for Var<'t, V>
        where
            for<'a> &'a Var<'t, V>: $tr<R, Output = O>,
        {
            type Output = O;
            fn $method(self, rhs: R) -> O {
                $tr::$method(&self, rhs)
            }
        }
    )*};
}
owned_lhs!(Add add, Sub sub, Mul mul, Div div);

impl<'t, V, O> Neg for Var<'t, V>
where
    for<'a> &'a Var<'t, V>: Neg<Output = O>,
{
    type Output = O;
    fn neg(self) -> O {
        -&self
    }
}
