//! Downstream integration tests of `rules-core`: this crate uses only its public API, as a user's
//! crate would. The tests live in the files listed in `Cargo.toml`; this library holds helpers
//! they share.

use std::cell::Cell;

thread_local! {
    static CALLS: Cell<usize> = const { Cell::new(0) };
}

/// Counts how often it is called (per thread), then returns `x`: put it in a statement to prove
/// whether a specialised body runs that statement.
pub fn counted<T>(x: T) -> T {
    CALLS.with(|c| c.set(c.get() + 1));
    x
}

/// How many times [`counted`] ran on this thread while `f` ran.
pub fn calls_during<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = CALLS.with(Cell::get);
    let r = f();
    (CALLS.with(Cell::get) - before, r)
}
