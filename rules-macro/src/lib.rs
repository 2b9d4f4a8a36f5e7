//! The `#[rrule]` attribute. Use it through `rules_core::rrule`; see that crate for the docs.

use proc_macro::TokenStream;

/// Declares a differentiation rule; see `rules_core` for the contract.
#[proc_macro_attribute]
pub fn rrule(args: TokenStream, item: TokenStream) -> TokenStream {
    let _ = args;
    item
}
