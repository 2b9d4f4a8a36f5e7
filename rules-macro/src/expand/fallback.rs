//! On an error in the declaration: the errors, plus stubs with the same names (the function and
//! `name::rrule`, an associated function of a type in the function's name), so that one mistake does not cascade into unresolved names at every call site.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use super::{Allow, generated_allows};
use crate::model::Direction;

/// The errors and the stubs of `item`, when it is a function.
/// With `keep_body` (a derived rule, whose body is a plain function's), the function keeps its
/// body, so the user's imports and helpers stay used.
pub(crate) fn fallback(
    item: TokenStream,
    error: &syn::Error,
    dir: Direction,
    keep_body: bool,
) -> TokenStream {
    let errors = error.to_compile_error();
    let Ok(f) = syn::parse2::<syn::ItemFn>(item) else {
        return errors;
    };
    if f.sig.receiver().is_some() {
        return errors;
    }
    let mut sig = f.sig.clone();
    sig.constness = None;
    sig.asyncness = None;
    sig.unsafety = None;
    sig.abi = None;
    sig.variadic = None;
    for arg in &mut sig.inputs {
        if let syn::FnArg::Typed(pt) = arg {
            *pt.pat = syn::parse_quote!(_);
        }
    }
    let vis = &f.vis;
    let name = &sig.ident;
    let attrs = f
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc") || a.path().is_ident("cfg"));
    let cfgs: Vec<_> = f
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .collect();
    // The entry points: this attribute's, and the other one's if it is stacked.
    let stacked = f.attrs.iter().any(is_rule_attr);
    let entries: Vec<&str> = if stacked {
        vec!["rrule", "frule"]
    } else {
        vec![dir.attr()]
    };
    let stubs = entries.iter().map(|e| {
        let mut rr = sig.clone();
        rr.ident = Ident::new(e, Span::call_site());
        rr.output = syn::parse_quote!(-> !);
        quote!(#vis #rr { loop {} })
    });
    let allows = generated_allows(Allow::Generated);
    let primal = if keep_body {
        let mut f = f.clone();
        // The other attribute, when stacked, is named once so that its import stays used.
        let stacked = (f.attrs.iter())
            .filter(|a| is_rule_attr(a))
            .map(|a| a.path().clone());
        let named = quote!(#(const _: () = {
            #[allow(unused_imports)]
            use #stacked as _;
        };)*);
        f.attrs.retain(|a| !is_rule_attr(a));
        quote!(#f #named)
    } else {
        quote! {
            #(#attrs)*
            #allows
            #vis #sig { loop {} }
        }
    };
    quote! {
        #errors
        #primal
        #(#cfgs)*
        #[doc(hidden)]
        #allows
        #vis struct #name {}
        #(#cfgs)*
        #allows
        impl #name {
            #(#stubs)*
        }
    }
}

/// `#[rrule]` or `#[frule]`, under any path.
fn is_rule_attr(a: &syn::Attribute) -> bool {
    a.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "rrule" || s.ident == "frule")
}
