//! What `#[rrule(derive)]` expands to, beyond the rules it calls: scalar arithmetic as rules (the
//! operators `+ - * /` and unary `-` of a derived body), and the storage that lets a derived
//! pullback keep the intermediate values its callees' pullbacks borrow.
//!
//! The scalar rules are ordinary rules and may be called directly:
//!
//! ```
//! use rules_core::{derive, Pullback};
//!
//! let (y, pb) = derive::mul::rrule(3.0, 4.0);
//! assert_eq!(y, 12.0);
//! assert_eq!(pb.pullback(1.0), (4.0, 3.0));
//! ```

use core::cell::Cell;
use core::marker::PhantomData;

use crate::{Scalar, frule, rrule};

/// `a + b` for scalars: the rule a derived body's `+` calls.
#[rrule(crate = crate)]
#[frule(crate = crate)]
pub fn add<T: Scalar>(a: T, b: T) -> T {
    (
        a + b,
        move |dy: T| -> (T, T) { (dy, dy) },
        move |da: T, db: T| -> T { da + db },
    )
}

/// `a - b` for scalars: the rule a derived body's `-` calls.
#[rrule(crate = crate)]
#[frule(crate = crate)]
pub fn sub<T: Scalar>(a: T, b: T) -> T {
    (
        a - b,
        move |dy: T| -> (T, T) { (dy, -dy) },
        move |da: T, db: T| -> T {
            let nb = -db;
            da + nb
        },
    )
}

/// `a * b` for scalars: the rule a derived body's `*` calls.
#[rrule(crate = crate)]
#[frule(crate = crate)]
pub fn mul<T: Scalar>(a: T, b: T) -> T {
    (
        a * b,
        move |dy: T| -> (T, T) { (dy * b, dy * a) },
        move |da: T, db: T| -> T {
            let ta = da * b;
            let tb = db * a;
            ta + tb
        },
    )
}

/// `a / b` for scalars: the rule a derived body's `/` calls.
#[rrule(crate = crate)]
#[frule(crate = crate)]
pub fn div<T: Scalar>(a: T, b: T) -> T {
    let y = a / b;
    (
        y,
        move |dy: T| -> (T, T) {
            let da = dy / b;
            (da, -da * y)
        },
        move |da: T, db: T| -> T {
            let ta = da / b;
            let tb = -(db * y / b);
            ta + tb
        },
    )
}

/// `-a` for a scalar: the rule a derived body's unary `-` calls.
#[rrule(crate = crate)]
#[frule(crate = crate)]
pub fn neg<T: Scalar>(a: T) -> T {
    (-a, move |dy: T| -> T { -dy }, move |da: T| -> T { -da })
}

/// The zero cotangent shaped like `x`: where a derived pullback starts a sum over a loop's
/// iterations (the specialiser reads a call named `zeros_like` as zeros).
pub fn zeros_like<T: crate::Differentiable + ?Sized>(x: &T) -> T::Tangent {
    x.zero_tangent()
}

/// One value moved to the heap, with the function that frees it.
struct Held {
    ptr: *mut (),
    free: unsafe fn(*mut ()),
}

/// The intermediate values of a derived rule that its callees' pullbacks borrow.
///
/// A derived `rrule` calls `callee::rrule(h.view())` for an intermediate `h` and keeps the
/// callee's pullback in its own; that pullback may hold the view. The arena owns `h` for as long
/// as the derived pullback lives. `'x` is a lifetime parameter of the generated `rrule` that no
/// parameter mentions: inside the function it is unrelated to every other lifetime, so nothing
/// lent for it can be stored where the caller could reach it (a value of a type naming `'x`
/// cannot be returned, and cannot be written into a parameter's cell, which would need `'x` to
/// equal the parameter's lifetime). Only [`Kept`] holds the borrowers, and it drops them first.
#[doc(hidden)]
pub struct Arena<'x> {
    held: Vec<Held>,
    /// Invariant in `'x`.
    brand: PhantomData<Cell<&'x ()>>,
}

impl<'x> Arena<'x> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Arena {
            held: Vec::new(),
            brand: PhantomData,
        }
    }

    /// Moves `value` into the arena and lends it for `'x`.
    ///
    /// # Safety
    ///
    /// Every use of the reference must end before the arena is dropped: the generated code
    /// declares the arena before every borrower (so they are dropped first on an early return
    /// or a panic) and moves it, with the borrowers, into a [`Kept`], which drops them first.
    #[allow(unsafe_code)]
    pub unsafe fn keep<V: 'x>(&mut self, value: V) -> &'x V {
        unsafe fn free<V>(p: *mut ()) {
            // SAFETY: `p` came from `Box::into_raw` of a `Box<V>` and is freed once, here.
            drop(unsafe { Box::from_raw(p.cast::<V>()) });
        }
        let ptr = Box::into_raw(Box::new(value));
        self.held.push(Held {
            ptr: ptr.cast(),
            free: free::<V>,
        });
        // SAFETY: the allocation stays where it is until the arena is dropped (the arena holds
        // a raw pointer, not the box, so moving the arena does not retag it); the caller
        // guarantees every use ends before that.
        unsafe { &*ptr }
    }
}

impl Drop for Arena<'_> {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // The latest first, as locals are dropped.
        while let Some(h) = self.held.pop() {
            // SAFETY: each pointer was made by `keep` with its own `free`, and is freed once.
            unsafe { (h.free)(h.ptr) };
        }
    }
}

/// A derived pullback's state: the callees' pullbacks, then the arena whose values they borrow.
/// Fields drop in declaration order, so the borrowers go first.
#[doc(hidden)]
pub struct Kept<'x, P> {
    pub pullbacks: P,
    arena: Arena<'x>,
}

impl<'x, P> Kept<'x, P> {
    pub fn new(pullbacks: P, arena: Arena<'x>) -> Self {
        Kept { pullbacks, arena }
    }

    /// The number of values the arena holds (for tests of what a derived rule keeps).
    pub fn kept(&self) -> usize {
        self.arena.held.len()
    }
}
