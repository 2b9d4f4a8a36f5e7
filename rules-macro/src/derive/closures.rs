//! The closures a derived rule declares: the pullback (parameters: output cotangents; results:
//! input cotangents) and the pushforward (parameters: input tangents; results: output
//! tangents), each with the types a declared rule's author would write.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Pat, Path, Type};

use super::tangent::{self, Tangent};
use super::walk::Program;
use super::{forward, reverse};
use crate::errors::Ctxt;
use crate::syntax;

/// What both closures read.
pub(super) struct Context<'a> {
    pub(super) program: &'a Program,
    /// The declared output types.
    pub(super) outputs: &'a [Type],
    /// The parameters' tangents, and their names.
    pub(super) inputs: &'a [Tangent],
    pub(super) names: &'a [(String, Box<Pat>)],
    pub(super) type_params: &'a [String],
    pub(super) krate: &'a Path,
}

/// `(a, b)` for several, `a` for one.
fn tuple(items: &[TokenStream]) -> TokenStream {
    if items.len() == 1 {
        quote!(#(#items)*)
    } else {
        quote!((#(#items),*))
    }
}

/// The tangent type of each output; an output that depends on no parameter has none.
fn output_types(cx: &mut Ctxt, c: &Context<'_>) -> Option<Vec<Type>> {
    let krate = c.krate;
    let mut out = Vec::new();
    for (ty, o) in c.outputs.iter().zip(&c.program.outputs) {
        out.push(match tangent::of(ty, c.type_params, krate) {
            Tangent::Of(t) => *t,
            Tangent::None if o.is_none() => syn::parse_quote!(#krate::NoTangent),
            Tangent::None => {
                cx.error(ty, "a derived rule's outputs are differentiable values (arrays, scalars, differentiable structs)");
                return None;
            }
        });
    }
    Some(out)
}

/// `move |dy: DY| -> (DX, DW) { callees' pullbacks in reverse; (dx, dw) }`.
pub(super) fn pullback(cx: &mut Ctxt, c: &Context<'_>) -> Option<TokenStream> {
    let krate = c.krate;
    let rev = reverse::derive(c.program, c.names.len(), krate);
    let tys = output_types(cx, c)?;
    let params: Vec<TokenStream> = (rev.params.iter().zip(&tys))
        .map(|(name, ty)| {
            let id = syntax::ident(name, Span::call_site());
            quote!(#id: #ty)
        })
        .collect();
    let mut results = Vec::new();
    let mut result_tys = Vec::new();
    for ((tangent, (name, pat)), cot) in c.inputs.iter().zip(c.names).zip(&rev.inputs) {
        match (tangent, cot) {
            (Tangent::None, _) => {
                results.push(quote!(#krate::NoTangent));
                result_tys.push(quote!(#krate::NoTangent));
            }
            (Tangent::Of(t), Some(cot)) => {
                results.push(cot.clone());
                result_tys.push(quote!(#t));
            }
            (Tangent::Of(_), None) => {
                cx.error(pat, format!("`{name}` does not reach the value through any rule, so its cotangent would always be zero: mark it `#[no_grad]`, or use it"));
                return None;
            }
        }
    }
    let (result_ty, result, stmts) = (tuple(&result_tys), tuple(&results), &rev.stmts);
    Some(quote! {
        move |#(#params),*| -> #result_ty {
            use #krate::{Pullback as _, PullbackFor as _};
            #(#stmts)*
            #result
        }
    })
}

/// `move |dx: DX, dw: DW| -> DY { callees' pushforwards in order; dy }`.
pub(super) fn pushforward(cx: &mut Ctxt, c: &Context<'_>) -> Option<TokenStream> {
    let krate = c.krate;
    if let Some(l) = c.program.items.iter().find_map(|i| match i {
        super::walk::Item::Loop(l) => Some(l),
        _ => None,
    }) {
        cx.error(l.stmt.for_token, "loops are derived in reverse mode only (`#[rrule(derive)]`): write this rule's pushforward with `#[frule]`");
        return None;
    }
    let fwd = forward::derive(c.program, krate);
    let tys = output_types(cx, c)?;
    // One tangent per parameter: `dx` for a differentiated one, `_: NoTangent` for a constant.
    let mut params = Vec::new();
    for (i, tangent) in c.inputs.iter().enumerate() {
        let var = (c.program.vars.iter().enumerate()).find(|(_, v)| v.input == Some(i));
        params.push(match (tangent, var) {
            (Tangent::Of(t), Some((v, _))) => {
                let d = &fwd.dname[v];
                quote!(#d: #t)
            }
            (Tangent::Of(t), None) => quote!(_: #t),
            (Tangent::None, _) => quote!(_: #krate::NoTangent),
        });
    }
    let mut results = Vec::new();
    for ((o, ty), out) in fwd.outputs.iter().zip(c.outputs).zip(&c.program.outputs) {
        match o {
            Some(t) => results.push(t.clone()),
            None if out.is_none() => results.push(quote!(#krate::NoTangent)),
            None => {
                cx.error(ty, "this output depends on no differentiated parameter");
                return None;
            }
        }
    }
    let tys: Vec<TokenStream> = tys.iter().map(|t| quote!(#t)).collect();
    let (result_ty, result, stmts) = (tuple(&tys), tuple(&results), &fwd.stmts);
    Some(quote! {
        move |#(#params),*| -> #result_ty {
            use #krate::Pushforward as _;
            #(#stmts)*
            #result
        }
    })
}
