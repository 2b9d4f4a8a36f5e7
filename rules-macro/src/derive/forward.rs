//! The forward walk for `#[frule(derive)]`: the pushforward that calls the callees'
//! pushforwards in the order the forward calls them, each given the tangents of its arguments
//! (`Zero` for a constant). A declared rule's closure body, which the specialiser then treats
//! like any other: a callee all of whose argument tangents are zero in a pattern is not called.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Path;

use super::reverse::liveness;
use super::walk::Program;
use crate::syntax;

/// The pushforward's body and its tail: one tangent per output.
pub(super) struct Forward {
    pub(super) stmts: Vec<TokenStream>,
    /// Per output, its tangent (`None`: it depends on no parameter).
    pub(super) outputs: Vec<Option<TokenStream>>,
    /// Each value's tangent name.
    pub(super) dname: Vec<syn::Ident>,
}

/// The name of each value's tangent: `dx` for `x`, distinct from every other name.
pub(super) fn tangent_names(p: &Program) -> Vec<syn::Ident> {
    let mut names = p.names.clone();
    (p.vars.iter())
        .map(|v| syntax::ident(&names.fresh(&format!("d{}", v.display)), Span::call_site()))
        .collect()
}

pub(super) fn derive(p: &Program, krate: &Path) -> Forward {
    let (live, _) = liveness(p);
    let dname = tangent_names(p);
    // A tangent read by several callees is cloned for all but its last reader.
    let mut reads = vec![0usize; p.vars.len()];
    for (i, s) in p.steps.iter().enumerate() {
        if live[i] {
            for v in s.flows.iter().flatten() {
                reads[*v] += 1;
            }
        }
    }
    let mut stmts = Vec::new();
    for (i, s) in p.steps.iter().enumerate() {
        if !live[i] {
            continue;
        }
        let args: Vec<TokenStream> = (s.flows.iter())
            .map(|f| match f {
                Some(v) => {
                    let d = &dname[*v];
                    reads[*v] -= 1;
                    if reads[*v] > 0 {
                        quote!(#d.clone())
                    } else {
                        quote!(#d)
                    }
                }
                None => quote!(#krate::Zero),
            })
            .collect();
        let outs: Vec<TokenStream> = (s.outputs.iter())
            .map(|o| match o {
                Some(v) => {
                    let d = &dname[*v];
                    quote!(#d)
                }
                None => quote!(_),
            })
            .collect();
        let arg = if args.len() == 1 {
            quote!(#(#args)*)
        } else {
            quote!((#(#args),*))
        };
        let pat = if s.tuple {
            quote!((#(#outs),*))
        } else {
            quote!(#(#outs)*)
        };
        let pf = syntax::ident(&s.pushforward, Span::call_site());
        // Several tangents, some of which may be zero in a pattern: pass `Zero` for those.
        let marker = (args.len() > 1).then(|| quote!(#[pass_zero]));
        stmts.push(quote!(#marker let #pat = #pf.pushforward(#arg);));
    }
    let outputs = (p.outputs.iter())
        .map(|o| {
            o.map(|v| {
                let d = &dname[v];
                quote!(#d)
            })
        })
        .collect();
    Forward {
        stmts,
        outputs,
        dname,
    }
}
