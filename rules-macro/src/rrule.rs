//! The driver of `#[rrule]` and `#[frule]`: parse the item into a model (one rule per direction
//! when both attributes are stacked), analyse each, generate the code; on a mistake in the
//! declaration, the errors with stubs instead.

use proc_macro2::{Span, TokenStream};

use crate::errors::Ctxt;
use crate::model::Direction;
use crate::{analyse, derive, expand, parse};

/// `#[rrule(args)] item` or `#[frule(args)] item`.
pub(crate) fn rule(args: TokenStream, item: TokenStream, dir: Direction) -> TokenStream {
    let derived = derive::is_derive(&args);
    try_expand(args, item.clone(), dir).unwrap_or_else(|e| {
        if derived {
            expand::fallback(derive::strip_markers(item), &e, dir, true)
        } else {
            expand::fallback(item, &e, dir, false)
        }
    })
}

fn try_expand(args: TokenStream, item: TokenStream, dir: Direction) -> syn::Result<TokenStream> {
    let mut cx = Ctxt::default();
    let args = parse::args(&mut cx, args);
    let mut arena = None;
    let item = if args.derive {
        let f = derive::synthesise(&mut cx, item, &args.krate, dir);
        cx.finish()?;
        cx = Ctxt::default();
        let Some((f, name)) = f else {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("#[{}(derive)] could not derive this rule", dir.attr()),
            ));
        };
        arena = Some(name);
        quote::quote!(#f)
    } else {
        item
    };
    let mut rules = parse::rule(&mut cx, item, dir);
    for r in &mut rules {
        r.derived = args.derive;
    }
    cx.finish()?;
    if rules.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("#[{}] could not understand this item", dir.attr()),
        ));
    }
    let analyses: Vec<analyse::Analysis> = rules
        .iter()
        .map(|r| {
            let mut a = analyse::analyse(r, &expand::rt());
            if r.derived {
                // The pullback owns the arena (which no body reads), and may keep a view of
                // any parameter through a callee's pullback.
                a.captures.extend(arena.clone());
                a.carriers = r.inputs.iter().map(|i| i.name.clone()).collect();
            }
            a
        })
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
