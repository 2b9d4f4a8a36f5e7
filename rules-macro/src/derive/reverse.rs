//! The reverse walk: from the calls the forward makes, the pullback that calls their pullbacks
//! in reverse order, each asked only for the cotangents of arguments that lead to an input, and
//! with `Zero` for an output nothing downstream reads. What it writes is a declared rule's
//! closure body, which the specialiser then treats like any other.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Path;

use super::walk::Program;
use crate::analyse::PULLBACK_FOR_LIMIT;
use crate::syntax;

/// The pullback's body, and the names of its parameters (one per output).
pub(super) struct Reverse {
    pub(super) params: Vec<String>,
    pub(super) stmts: Vec<TokenStream>,
    /// Per input, the expression of its cotangent (`None`: it does not reach the outputs).
    pub(super) inputs: Vec<Option<TokenStream>>,
}

/// Contributions to one value's cotangent, in the order the reverse body produces them.
#[derive(Default, Clone)]
struct Terms {
    count: usize,
    names: Vec<String>,
}

/// Which steps and values lead to an output, found backwards: a value does if an output is it
/// or a step that does reads it; a step does if one of its outputs does.
pub(super) fn liveness(p: &Program) -> (Vec<bool>, Vec<bool>) {
    let mut live_var = vec![false; p.vars.len()];
    for v in p.outputs.iter().flatten() {
        live_var[*v] = true;
    }
    let mut live = vec![false; p.steps.len()];
    for (i, s) in p.steps.iter().enumerate().rev() {
        if s.outputs.iter().flatten().any(|v| live_var[*v]) {
            live[i] = true;
            for v in s.flows.iter().flatten() {
                live_var[*v] = true;
            }
        }
    }
    (live, live_var)
}

pub(super) fn derive(p: &Program, n_inputs: usize, krate: &Path) -> Reverse {
    let nvars = p.vars.len();
    let (live, live_var) = liveness(p);
    // How many terms each value's cotangent has.
    let mut terms = vec![Terms::default(); nvars];
    for v in p.outputs.iter().flatten() {
        terms[*v].count += 1;
    }
    for (i, s) in p.steps.iter().enumerate() {
        if live[i] {
            for v in s.flows.iter().flatten() {
                terms[*v].count += 1;
            }
        }
    }
    let d = |v: usize| format!("d{}", p.vars[v].display);
    let next_term = |terms: &mut Vec<Terms>, v: usize| -> String {
        let t = &mut terms[v];
        let name = if t.count == 1 {
            d(v)
        } else {
            format!("{}_{}", d(v), t.names.len() + 1)
        };
        t.names.push(name.clone());
        name
    };
    // The seeds: the pullback's parameters.
    let mut params = Vec::new();
    for (i, o) in p.outputs.iter().enumerate() {
        params.push(match o {
            Some(v) => next_term(&mut terms, *v),
            None => format!("_d{i}"),
        });
    }
    let sum = |names: &[String]| -> TokenStream {
        let ids: Vec<_> = names
            .iter()
            .map(|n| syntax::ident(n, proc_macro2::Span::call_site()))
            .collect();
        quote!(#(#ids)+*)
    };
    let mut stmts = Vec::new();
    for (i, s) in p.steps.iter().enumerate().rev() {
        if !live[i] {
            continue;
        }
        // The cotangent of each output: its terms summed, or `Zero` if nothing reads it.
        let mut cots = Vec::new();
        for o in &s.outputs {
            match o {
                Some(v) if live_var[*v] && !terms[*v].names.is_empty() => {
                    let t = &terms[*v];
                    let name = syntax::ident(&d(*v), proc_macro2::Span::call_site());
                    if t.names.len() > 1 {
                        let total = sum(&t.names);
                        stmts.push(quote!(let #name = #total;));
                    }
                    cots.push(quote!(#name));
                }
                _ => cots.push(quote!(#krate::Zero)),
            }
        }
        let cot = if s.tuple {
            quote!((#(#cots),*))
        } else {
            quote!(#(#cots)*)
        };
        let n = s.args.len();
        let k = s.outputs.len();
        let mut pats = Vec::new();
        let mut sel = Vec::new();
        for f in &s.flows {
            match f {
                Some(v) => {
                    let name =
                        syntax::ident(&next_term(&mut terms, *v), proc_macro2::Span::call_site());
                    pats.push(quote!(#name));
                    sel.push(quote!(#krate::Need));
                }
                None => {
                    pats.push(quote!(_));
                    sel.push(quote!(#krate::Skip));
                }
            }
        }
        let pb = syntax::ident(&s.pullback, proc_macro2::Span::call_site());
        let pat = if n == 1 {
            quote!(#(#pats)*)
        } else {
            quote!((#(#pats),*))
        };
        let call = if n > 1 && n + k <= PULLBACK_FOR_LIMIT {
            quote!(#pb.pullback_for((#(#sel),*), #cot))
        } else {
            quote!(#pb.pullback(#cot))
        };
        let marker = (k > 1).then(|| quote!(#[pass_zero]));
        stmts.push(quote!(#marker let #pat = #call;));
    }
    let mut inputs = vec![None; n_inputs];
    for (v, var) in p.vars.iter().enumerate() {
        if let Some(i) = var.input {
            let t = &terms[v];
            if !t.names.is_empty() {
                inputs[i] = Some(sum(&t.names));
            }
        }
    }
    Reverse {
        params,
        stmts,
        inputs,
    }
}
