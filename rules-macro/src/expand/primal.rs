//! The primal function: the user's signature and attributes, the forward statements the analysis
//! kept for it, and the value.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Allow, Gen, generated_allows};

/// `fn f(x, k) -> Y { forward; value }`.
pub(super) fn make_primal(g: &Gen<'_>) -> TokenStream {
    let rule = g.rule;
    let (attrs, vis, value) = (&rule.attrs, &rule.vis, &rule.value);
    let mut sig = rule.sig.clone();
    if rule.derived {
        // The arena's lifetime is `rrule`'s alone.
        sig.generics.params = (sig.generics.params.iter())
            .filter(|p| !matches!(p, syn::GenericParam::Lifetime(l) if l.lifetime.ident == crate::derive::LIFETIME.trim_start_matches('\'')))
            .cloned()
            .collect();
    }
    let stmts = &g.analysis.primal;
    let tail = match &rule.result_ty {
        Some(_) => quote!(::core::result::Result::Ok(#value)),
        None => quote!(#value),
    };
    let allows = generated_allows(Allow::Primal);
    quote! {
        #(#attrs)*
        #allows
        #vis #sig {
            #(#stmts)*
            #tail
        }
    }
}
