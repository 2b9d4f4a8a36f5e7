//! The `#[rrule]` attribute and `#[derive(Differentiable)]` (in `differentiable.rs`). Use them
//! through `rules_core`, whose documentation describes the contract; this crate is an
//! implementation detail of `rules-core`.
//!
//! The pipeline, one stage per module, driven by `rrule.rs`:
//!
//! * `parse` turns the item into a `model::Rule`, recording the statement markers;
//! * `analyse` finds the captures and runs the specialisation engine (`analyse/specialise/`)
//!   once per pattern of `Zero` cotangents;
//! * `expand` generates the code, one `make_*` function per item.
//!
//! Errors are gathered in an `errors::Ctxt` and reported together; `syntax` holds the helpers on
//! patterns and raw tokens every stage uses.

mod analyse;
mod derive;
mod differentiable;
mod errors;
mod expand;
mod model;
mod non_differentiable;
mod parse;
mod rrule;
mod rrules;
mod scalar_rule;
mod syntax;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Makes the methods marked `#[rrule]` of an inherent impl block rules; see `rules_core::rrules`.
#[proc_macro_attribute]
pub fn rrules(args: TokenStream, item: TokenStream) -> TokenStream {
    rrules::rrules(args.into(), item.into()).into()
}

/// Declares a scalar function's rules from its partial derivatives; see
/// `rules_core::scalar_rule`.
#[proc_macro_attribute]
pub fn scalar_rule(args: TokenStream, item: TokenStream) -> TokenStream {
    scalar_rule::scalar_rule(args.into(), item.into()).into()
}

/// Marks a function that is not differentiated; see `rules_core::non_differentiable`.
#[proc_macro_attribute]
pub fn non_differentiable(args: TokenStream, item: TokenStream) -> TokenStream {
    non_differentiable::non_differentiable(args.into(), item.into()).into()
}

/// Derives `rules_core::Differentiable` for a struct; see that trait.
#[proc_macro_derive(Differentiable, attributes(no_tangent))]
pub fn derive_differentiable(input: TokenStream) -> TokenStream {
    differentiable::derive(input.into()).into()
}

/// Declares a differentiation rule; see `rules_core::rrule` for the contract.
#[proc_macro_attribute]
pub fn rrule(args: TokenStream, item: TokenStream) -> TokenStream {
    rrule::rule(args.into(), item.into(), model::Direction::Reverse).into()
}

/// Declares a forward-mode rule; see `rules_core::frule` for the contract.
#[proc_macro_attribute]
pub fn frule(args: TokenStream, item: TokenStream) -> TokenStream {
    rrule::rule(args.into(), item.into(), model::Direction::Forward).into()
}
