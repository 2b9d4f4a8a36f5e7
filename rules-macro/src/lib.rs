//! The `#[rrule]` attribute. Use it through `rules_core::rrule`, whose documentation describes the
//! contract; this crate is an implementation detail of `rules-core`.
//!
//! Layout, in the order the macro runs: `parse` turns the item into a `model::Rule`, `captures`
//! finds what the pullback closure captures, `zeros` specialises the pullback body for each pattern
//! of `Zero` cotangents, and `expand` writes the code. Errors are gathered in an `errors::Ctxt` and
//! reported together.

mod captures;
mod errors;
mod expand;
mod model;
mod names;
mod parse;
mod zeros;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Declares a differentiation rule; see `rules_core::rrule` for the contract.
#[proc_macro_attribute]
pub fn rrule(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::rrule(args.into(), item.into()).into()
}
