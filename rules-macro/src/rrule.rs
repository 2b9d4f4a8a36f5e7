//! The driver of `#[rrule]`: parse the item into a model, analyse it, generate the code; on a
//! mistake in the declaration, the errors with stubs instead.

use proc_macro2::{Span, TokenStream};

use crate::errors::Ctxt;
use crate::{analyse, expand, parse};

/// `#[rrule(args)] item`.
pub(crate) fn rrule(args: TokenStream, item: TokenStream) -> TokenStream {
    try_expand(args, item.clone()).unwrap_or_else(|e| expand::fallback(item, &e))
}

fn try_expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut cx = Ctxt::default();
    let args = parse::args(&mut cx, args);
    let rule = parse::rule(&mut cx, item);
    cx.finish()?;
    let rule = rule.ok_or_else(|| {
        syn::Error::new(Span::call_site(), "#[rrule] could not understand this item")
    })?;
    let analysis = analyse::analyse(&rule, &expand::rt());
    Ok(expand::expand(&args, &rule, analysis))
}
