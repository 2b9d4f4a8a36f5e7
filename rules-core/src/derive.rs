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

impl Held {
    #[allow(unsafe_code)]
    fn new<V>(value: V) -> (Held, *const V) {
        unsafe fn free<V>(p: *mut ()) {
            // SAFETY: `p` came from `Box::into_raw` of a `Box<V>` and is freed once, here.
            drop(unsafe { Box::from_raw(p.cast::<V>()) });
        }
        let ptr = Box::into_raw(Box::new(value));
        let held = Held {
            ptr: ptr.cast(),
            free: free::<V>,
        };
        (held, ptr)
    }
}

/// What a derived pullback keeps: the callees' pullbacks, and the intermediate values they may
/// borrow.
///
/// A derived `rrule` calls `callee::rrule(h.view())` for an intermediate `h` and keeps the
/// callee's pullback in its own; that pullback may hold the view. The arena owns `h`, and the
/// pullback, for as long as the derived pullback lives.
///
/// Why this is sound:
/// * `'x` is a lifetime parameter of the generated `rrule` that no parameter mentions (only
///   bounds `'param: 'x`): inside the function it is rigid, so nothing lent for it can reach the
///   caller (a type naming `'x` cannot be returned, and cannot be written into a parameter's
///   cell, which would need `'x` to equal the parameter's lifetime).
/// * Values are `'static` ([`Arena::keep_value`]): they borrow nothing, so dropping one reads
///   nothing else the arena holds. Pullbacks ([`Arena::keep_pullback`]) may borrow the values
///   and the parameters, and may reach one another's borrows through shared cells; all of them
///   are dropped before any value, so whatever a pullback's `Drop` reads is still there.
/// * The generated code declares the arena before every other local (dropped last on an early
///   return or a panic), and the derived pullback owns it: the references it lends are only
///   held by the pullback and the locals of `rrule`.
///
/// A derived pullback is therefore neither `Send` nor `Sync` (the arena holds raw pointers).
#[doc(hidden)]
pub struct Arena<'x> {
    pullbacks: Vec<Held>,
    values: Vec<Held>,
    /// Invariant in `'x`.
    brand: PhantomData<Cell<&'x ()>>,
}

impl<'x> Arena<'x> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Arena {
            pullbacks: Vec::new(),
            values: Vec::new(),
            brand: PhantomData,
        }
    }

    /// Moves an intermediate value into the arena and lends it for `'x`.
    ///
    /// # Safety
    ///
    /// Every use of the reference must end before the arena is dropped (see [`Arena`]).
    #[allow(unsafe_code)]
    pub unsafe fn keep_value<V: 'static>(&mut self, value: V) -> &'x V {
        let (held, ptr) = Held::new(value);
        self.values.push(held);
        // SAFETY: the allocation stays where it is until the arena is dropped (the arena holds
        // a raw pointer, not the box, so moving the arena does not retag it); the caller
        // guarantees every use ends before that.
        unsafe { &*ptr }
    }

    /// Moves a callee's pullback (or pushforward) into the arena and lends it for `'x`.
    ///
    /// # Safety
    ///
    /// As [`Arena::keep_value`].
    #[allow(unsafe_code)]
    pub unsafe fn keep_pullback<P: 'x>(&mut self, pullback: P) -> &'x P {
        let (held, ptr) = Held::new(pullback);
        self.pullbacks.push(held);
        // SAFETY: as in `keep_value`.
        unsafe { &*ptr }
    }

    /// The number of values and of pullbacks the arena holds.
    pub fn kept(&self) -> (usize, usize) {
        (self.values.len(), self.pullbacks.len())
    }
}

impl Drop for Arena<'_> {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // Every pullback before any value; each kind the latest first, as locals are dropped.
        // (A panicking `Drop` leaves the rest leaked, never freed early.)
        while let Some(h) = self.pullbacks.pop() {
            // SAFETY: each pointer was made by `Held::new` with its own `free`, and is freed
            // once.
            unsafe { (h.free)(h.ptr) };
        }
        while let Some(h) = self.values.pop() {
            // SAFETY: as above.
            unsafe { (h.free)(h.ptr) };
        }
    }
}
