//! Elementwise rules: the pullback and pushforward that `#[scalar_rule]`'s `map_rrule` and
//! `map_frule` return. They own the partial derivatives, computed in the forward pass over the
//! data (one array per input), and multiply by them: the cotangent's own buffer is reused for the
//! first input.

use ndarray::{Array, Dimension, Zip};

use crate::{MaybeZero, Patterns, Pullback, Pushforward, PushforwardPatterns, Scalar, Zero};

/// The partial derivatives of an elementwise function, one array per input (a tuple).
///
/// ```
/// use ndarray::array;
/// use rules_core::{scalar_rule, Pullback, Pushforward, Zero};
///
/// #[scalar_rule(|y| y * (1.0 - y))]
/// pub fn sigmoid(x: f64) -> f64 {
///     1.0 / (1.0 + (-x).exp())
/// }
///
/// fn main() {
///     let x = array![0.0, 2.0];
///     let (y, pb) = sigmoid::map_rrule(&x);
///     assert_eq!(y, sigmoid::map(&x));
///     assert_eq!(pb.pullback(array![1.0, 0.0])[0], 0.25);
///     assert_eq!(pb.pullback(Zero), Zero);
///     let (_, pf) = sigmoid::map_frule(x.view());
///     assert_eq!(pf.pushforward(array![4.0, 0.0])[0], 1.0);
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Elementwise<P>(P);

impl<P> Elementwise<P> {
    /// From the partials, one array per input.
    pub fn new(partials: P) -> Self {
        Elementwise(partials)
    }
}

/// `d · p`, in `d`'s buffer.
fn scaled<A: Scalar, D: Dimension>(mut d: Array<A, D>, p: &Array<A, D>) -> Array<A, D> {
    Zip::from(&mut d).and(p).for_each(|d, &p| *d = *d * p);
    d
}

/// `d · p` into a new array.
fn times<A: Scalar, D: Dimension>(d: &Array<A, D>, p: &Array<A, D>) -> Array<A, D> {
    Zip::from(d).and(p).map_collect(|&d, &p| d * p)
}

/// `acc + d · p`, in `acc`'s buffer.
fn add_scaled<A: Scalar, D: Dimension>(
    mut acc: Array<A, D>,
    d: &Array<A, D>,
    p: &Array<A, D>,
) -> Array<A, D> {
    Zip::from(&mut acc)
        .and(d)
        .and(p)
        .for_each(|a, &d, &p| *a += d * p);
    acc
}

// One input.

impl<A: Scalar, D: Dimension> Pullback<Array<A, D>> for Elementwise<(Array<A, D>,)> {
    type Output = Array<A, D>;
    #[inline]
    fn pullback(&self, dy: Array<A, D>) -> Array<A, D> {
        scaled(dy, &self.0.0)
    }
}

impl<A: Scalar, D: Dimension> Pullback<Zero> for Elementwise<(Array<A, D>,)> {
    type Output = Zero;
    #[inline]
    fn pullback(&self, _: Zero) -> Zero {
        Zero
    }
}

impl<A: Scalar, D: Dimension> Pullback<MaybeZero<Array<A, D>>> for Elementwise<(Array<A, D>,)> {
    type Output = MaybeZero<Array<A, D>>;
    fn pullback(&self, dy: MaybeZero<Array<A, D>>) -> Self::Output {
        dy.map(|dy| scaled(dy, &self.0.0))
    }
}

impl<A: Scalar, D: Dimension> Patterns<Array<A, D>> for Elementwise<(Array<A, D>,)> {
    type Runtime = MaybeZero<Array<A, D>>;
    const COTANGENTS: &'static [&'static str] = &["dy"];
    const INPUTS: &'static [&'static str] = &["x"];
    fn pullback_static(&self, zero_mask: u64, dy: Array<A, D>) -> Option<Self::Runtime> {
        match zero_mask {
            0 => Some(MaybeZero::Value(self.pullback(dy))),
            1 => Some(MaybeZero::Zero),
            _ => None,
        }
    }
    fn pullback_runtime(&self, zero_mask: u64, dy: Array<A, D>) -> Self::Runtime {
        self.pullback(if zero_mask & 1 != 0 {
            MaybeZero::Zero
        } else {
            MaybeZero::Value(dy)
        })
    }
}

impl<A: Scalar, D: Dimension> Pushforward<Array<A, D>> for Elementwise<(Array<A, D>,)> {
    type Output = Array<A, D>;
    #[inline]
    fn pushforward(&self, dx: Array<A, D>) -> Array<A, D> {
        scaled(dx, &self.0.0)
    }
}

impl<A: Scalar, D: Dimension> Pushforward<Zero> for Elementwise<(Array<A, D>,)> {
    type Output = Zero;
    #[inline]
    fn pushforward(&self, _: Zero) -> Zero {
        Zero
    }
}

impl<A: Scalar, D: Dimension> Pushforward<MaybeZero<Array<A, D>>> for Elementwise<(Array<A, D>,)> {
    type Output = MaybeZero<Array<A, D>>;
    fn pushforward(&self, dx: MaybeZero<Array<A, D>>) -> Self::Output {
        dx.map(|dx| scaled(dx, &self.0.0))
    }
}

impl<A: Scalar, D: Dimension> PushforwardPatterns<Array<A, D>> for Elementwise<(Array<A, D>,)> {
    type Runtime = MaybeZero<Array<A, D>>;
    const TANGENTS: &'static [&'static str] = &["dx"];
    const OUTPUTS: &'static [&'static str] = &["y"];
    fn pushforward_static(&self, zero_mask: u64, dx: Array<A, D>) -> Option<Self::Runtime> {
        match zero_mask {
            0 => Some(MaybeZero::Value(self.pushforward(dx))),
            1 => Some(MaybeZero::Zero),
            _ => None,
        }
    }
    fn pushforward_runtime(&self, zero_mask: u64, dx: Array<A, D>) -> Self::Runtime {
        self.pushforward(if zero_mask & 1 != 0 {
            MaybeZero::Zero
        } else {
            MaybeZero::Value(dx)
        })
    }
}

// Two inputs.

type Two<A, D> = Elementwise<(Array<A, D>, Array<A, D>)>;

impl<A: Scalar, D: Dimension> Pullback<Array<A, D>> for Two<A, D> {
    type Output = (Array<A, D>, Array<A, D>);
    #[inline]
    fn pullback(&self, dy: Array<A, D>) -> Self::Output {
        let first = times(&dy, &self.0.0);
        (first, scaled(dy, &self.0.1))
    }
}

impl<A: Scalar, D: Dimension> Pullback<Zero> for Two<A, D> {
    type Output = (Zero, Zero);
    #[inline]
    fn pullback(&self, _: Zero) -> (Zero, Zero) {
        (Zero, Zero)
    }
}

impl<A: Scalar, D: Dimension> Pullback<MaybeZero<Array<A, D>>> for Two<A, D> {
    type Output = (MaybeZero<Array<A, D>>, MaybeZero<Array<A, D>>);
    fn pullback(&self, dy: MaybeZero<Array<A, D>>) -> Self::Output {
        match dy {
            MaybeZero::Zero => (MaybeZero::Zero, MaybeZero::Zero),
            MaybeZero::Value(dy) => {
                let (a, b) = self.pullback(dy);
                (MaybeZero::Value(a), MaybeZero::Value(b))
            }
        }
    }
}

impl<A: Scalar, D: Dimension> Patterns<Array<A, D>> for Two<A, D> {
    type Runtime = (MaybeZero<Array<A, D>>, MaybeZero<Array<A, D>>);
    const COTANGENTS: &'static [&'static str] = &["dy"];
    const INPUTS: &'static [&'static str] = &["x0", "x1"];
    fn pullback_static(&self, zero_mask: u64, dy: Array<A, D>) -> Option<Self::Runtime> {
        match zero_mask {
            0 => Some(self.pullback(MaybeZero::Value(dy))),
            1 => Some((MaybeZero::Zero, MaybeZero::Zero)),
            _ => None,
        }
    }
    fn pullback_runtime(&self, zero_mask: u64, dy: Array<A, D>) -> Self::Runtime {
        self.pullback(if zero_mask & 1 != 0 {
            MaybeZero::Zero
        } else {
            MaybeZero::Value(dy)
        })
    }
}

impl<A: Scalar, D: Dimension> Pushforward<(Array<A, D>, Array<A, D>)> for Two<A, D> {
    type Output = Array<A, D>;
    #[inline]
    fn pushforward(&self, (dx, dy): (Array<A, D>, Array<A, D>)) -> Array<A, D> {
        add_scaled(scaled(dx, &self.0.0), &dy, &self.0.1)
    }
}

impl<A: Scalar, D: Dimension> Pushforward<(Zero, Array<A, D>)> for Two<A, D> {
    type Output = Array<A, D>;
    #[inline]
    fn pushforward(&self, (_, dy): (Zero, Array<A, D>)) -> Array<A, D> {
        scaled(dy, &self.0.1)
    }
}

impl<A: Scalar, D: Dimension> Pushforward<(Array<A, D>, Zero)> for Two<A, D> {
    type Output = Array<A, D>;
    #[inline]
    fn pushforward(&self, (dx, _): (Array<A, D>, Zero)) -> Array<A, D> {
        scaled(dx, &self.0.0)
    }
}

impl<A: Scalar, D: Dimension> Pushforward<(Zero, Zero)> for Two<A, D> {
    type Output = Zero;
    #[inline]
    fn pushforward(&self, _: (Zero, Zero)) -> Zero {
        Zero
    }
}

impl<A: Scalar, D: Dimension> Pushforward<(MaybeZero<Array<A, D>>, MaybeZero<Array<A, D>>)>
    for Two<A, D>
{
    type Output = MaybeZero<Array<A, D>>;
    fn pushforward(&self, t: (MaybeZero<Array<A, D>>, MaybeZero<Array<A, D>>)) -> Self::Output {
        match t {
            (MaybeZero::Value(a), MaybeZero::Value(b)) => {
                MaybeZero::Value(self.pushforward((a, b)))
            }
            (MaybeZero::Zero, MaybeZero::Value(b)) => MaybeZero::Value(self.pushforward((Zero, b))),
            (MaybeZero::Value(a), MaybeZero::Zero) => MaybeZero::Value(self.pushforward((a, Zero))),
            (MaybeZero::Zero, MaybeZero::Zero) => MaybeZero::Zero,
        }
    }
}

impl<A: Scalar, D: Dimension> PushforwardPatterns<(Array<A, D>, Array<A, D>)> for Two<A, D> {
    type Runtime = MaybeZero<Array<A, D>>;
    const TANGENTS: &'static [&'static str] = &["dx0", "dx1"];
    const OUTPUTS: &'static [&'static str] = &["y"];
    fn pushforward_static(
        &self,
        zero_mask: u64,
        (a, b): (Array<A, D>, Array<A, D>),
    ) -> Option<Self::Runtime> {
        Some(match zero_mask {
            0 => MaybeZero::Value(self.pushforward((a, b))),
            1 => MaybeZero::Value(self.pushforward((Zero, b))),
            2 => MaybeZero::Value(self.pushforward((a, Zero))),
            3 => MaybeZero::Zero,
            _ => return None,
        })
    }
    fn pushforward_runtime(
        &self,
        zero_mask: u64,
        (a, b): (Array<A, D>, Array<A, D>),
    ) -> Self::Runtime {
        let a = if zero_mask & 1 != 0 {
            MaybeZero::Zero
        } else {
            MaybeZero::Value(a)
        };
        let b = if zero_mask & 2 != 0 {
            MaybeZero::Zero
        } else {
            MaybeZero::Value(b)
        };
        self.pushforward((a, b))
    }
}
