//! [`Reclaim`], what [`reclaim!`](crate::reclaim) gives a pullback: a value it captured, by
//! reference when it may run again, by value when it runs for the last time.

use core::ops::Deref;

use ndarray::{ArcArray, Array, Dimension};

/// A value a pullback captured, as [`reclaim!`](crate::reclaim) hands it over: borrowed in
/// [`Pullback::pullback`](crate::Pullback::pullback) (the pullback may run again), owned in
/// [`PullbackOnce::pullback_once`](crate::PullbackOnce::pullback_once) (it will not). It
/// dereferences to the value either way; [`Reclaim::try_unique`] gives its buffer to reuse.
#[derive(Debug)]
pub enum Reclaim<'a, X> {
    /// The pullback keeps the value: read it.
    Shared(&'a X),
    /// The pullback has given the value up: its buffer may become the result.
    Owned(X),
}

impl<X> Deref for Reclaim<'_, X> {
    type Target = X;
    fn deref(&self) -> &X {
        match self {
            Reclaim::Shared(x) => x,
            Reclaim::Owned(x) => x,
        }
    }
}

impl<X> Reclaim<'_, X> {
    /// `true` if the pullback gave the value up.
    #[must_use]
    pub fn is_owned(&self) -> bool {
        matches!(self, Reclaim::Owned(_))
    }
}

impl<X: UniqueBuffer> Reclaim<'_, X> {
    /// The value's buffer, without a copy, when the pullback gave it up and nothing else shares
    /// it (for an `ArcArray`: the value returned by the rule, which held the same buffer, has
    /// been dropped); otherwise `Err(self)`, to be read.
    ///
    /// # Errors
    /// `self`, unchanged, when the buffer cannot be taken.
    pub fn try_unique(self) -> Result<X::Owned, Self> {
        match self {
            Reclaim::Owned(x) => x.into_unique().map_err(Reclaim::Owned),
            shared @ Reclaim::Shared(_) => Err(shared),
        }
    }
}

/// Arrays whose buffer [`Reclaim::try_unique`] can hand over: an [`Array`] always, an
/// [`ArcArray`] when nothing else shares it. Sealed.
pub trait UniqueBuffer: Sized + sealed::Sealed {
    /// The owned array the buffer becomes.
    type Owned;
    /// The buffer as an owned array, or `self` back when it is shared.
    ///
    /// # Errors
    /// `self`, unchanged, when another handle shares the buffer.
    fn into_unique(self) -> Result<Self::Owned, Self>;
}

impl<A, D: Dimension> UniqueBuffer for Array<A, D> {
    type Owned = Array<A, D>;
    fn into_unique(self) -> Result<Array<A, D>, Self> {
        Ok(self)
    }
}

impl<A, D: Dimension> UniqueBuffer for ArcArray<A, D> {
    type Owned = Array<A, D>;
    fn into_unique(self) -> Result<Array<A, D>, Self> {
        self.try_into_owned_nocopy()
    }
}

mod sealed {
    pub trait Sealed {}
    impl<A, D: ndarray::Dimension> Sealed for ndarray::Array<A, D> {}
    impl<A, D: ndarray::Dimension> Sealed for ndarray::ArcArray<A, D> {}
}

/// Marks the last use of a value a pullback captured, so that
/// [`PullbackOnce::pullback_once`](crate::PullbackOnce::pullback_once) may reuse its buffer.
///
/// Inside the pullback of an `#[rrule]`, `reclaim!(name)` is a [`Reclaim`] of the captured
/// `name`: `Reclaim::Shared(&name)` in the bodies `pullback` runs (any number of times), and
/// `Reclaim::Owned(name)` in the bodies `pullback_once` runs. The attribute rejects, at the
/// user's tokens, a `reclaim!` of anything but a captured variable, one inside a loop or a
/// closure, and any use of that variable in the same statement or after it. Outside a
/// pullback it is a compile error. See [`PullbackOnce`](crate::PullbackOnce) for an example.
#[macro_export]
macro_rules! reclaim {
    (@shared $e:expr) => {
        $crate::Reclaim::Shared(&$e)
    };
    (@owned $e:expr) => {
        $crate::Reclaim::Owned($e)
    };
    ($($t:tt)*) => {
        ::core::compile_error!(
            "`reclaim!` marks the last use of a captured value inside the pullback of an `#[rrule]`; it means nothing elsewhere"
        )
    };
}
