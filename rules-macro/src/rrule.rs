//! The driver of `#[rrule]` and `#[frule]`: parse the item into a model (one rule per direction
//! when both attributes are stacked), analyse each, generate the code; on a mistake in the
//! declaration, the errors with stubs instead.

use proc_macro2::{Span, TokenStream};

use crate::errors::Ctxt;
use crate::model::Direction;
use crate::{analyse, expand, parse};

/// `#[rrule(args)] item` or `#[frule(args)] item`.
pub(crate) fn rule(args: TokenStream, item: TokenStream, dir: Direction) -> TokenStream {
    try_expand(args, item.clone(), dir).unwrap_or_else(|e| expand::fallback(item, &e, dir))
}

fn try_expand(args: TokenStream, item: TokenStream, dir: Direction) -> syn::Result<TokenStream> {
    let mut cx = Ctxt::default();
    let args = parse::args(&mut cx, args);
    let rules = parse::rule(&mut cx, item, dir);
    cx.finish()?;
    if rules.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("#[{}] could not understand this item", dir.attr()),
        ));
    }
    let analyses: Vec<analyse::Analysis> = rules
        .iter()
        .map(|r| analyse::analyse(r, &expand::rt()))
        .collect();
    if let Some(e) = (analyses.iter())
        .filter_map(|a| a.misuse.clone())
        .reduce(|mut a, b| {
            a.combine(b);
            a
        })
    {
        return Err(e);
    }
    Ok(expand::expand(&args, &rules, &analyses))
}
