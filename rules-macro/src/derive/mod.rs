//! `#[rrule(derive)]`: a rule whose pullback is derived from the rules its forward body calls.
//!
//! A stage of its own, before `parse`: it rewrites the function into the shape of a declared rule
//! (the forward with each call of a rule `g(..)` made `g::rrule(..)`, and a pullback closure that
//! calls the callees' pullbacks in reverse order), and hands that to the pipeline every rule goes
//! through. The specialiser then sees a pullback made of callee calls and specialises it like any
//! other: in a pattern where a callee's output cotangent is zero the callee gets `Zero` in that
//! slot (`#[pass_zero]`) or is not called at all, and a callee result only skipped inputs read is
//! asked for with `Skip` (`dce` rewrites the `pullback_for` selection).
//!
//! * `walk` reads the forward body: the calls, their arguments' flows, what is kept;
//! * `reverse` writes the pullback's body;
//! * `tangent` gives each parameter and output its cotangent type.

mod reverse;
mod tangent;
mod walk;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{FnArg, ItemFn, Pat, Path, ReturnType, Stmt, Type};

use crate::errors::Ctxt;
use crate::syntax;
use tangent::Tangent;
use walk::{Item, Walk};

/// The local that owns what a derived pullback keeps: captured by the pullback in addition to
/// what its body reads.
pub(crate) const ARENA: &str = "__arena";

/// The lifetime the arena lends for: a parameter of `rrule` only.
pub(crate) const LIFETIME: &str = "'__kept";

/// Rewrites a derived rule into a declared one; `None` with the errors in `cx`.
pub(crate) fn synthesise(cx: &mut Ctxt, item: TokenStream, krate: &Path) -> Option<ItemFn> {
    let mut f: ItemFn = match syn::parse2(item) {
        Ok(f) => f,
        Err(e) => {
            cx.push(syn::Error::new(e.span(), "#[rrule(derive)] applies to a free function whose body computes its value by calling rules"));
            return None;
        }
    };
    let ReturnType::Type(_, ret) = &f.sig.output else {
        cx.error(&f.sig.ident, "a derived rule must declare its output type: `fn name(..) -> T` (or `-> Result<T, E>`)");
        return None;
    };
    let ret = (**ret).clone();
    let fallible = crate::parse::result_value(&ret).is_some();
    let value_ty = crate::parse::result_value(&ret)
        .cloned()
        .unwrap_or_else(|| ret.clone());
    let type_params: Vec<String> = f
        .sig
        .generics
        .type_params()
        .map(|t| t.ident.to_string())
        .collect();

    let mut walk = Walk::new(cx, krate);
    // The parameters: differentiated unless `#[no_grad]` or of a type without tangent.
    let mut input_tys = Vec::new();
    let mut names = Vec::new();
    for (i, arg) in f.sig.inputs.iter_mut().enumerate() {
        let FnArg::Typed(pt) = arg else {
            walk.cx.error(&*arg, "#[rrule(derive)] on a method is not supported yet: derive a free function and call it from the method");
            return None;
        };
        let no_grad = match pt.attrs.iter().position(|a| a.path().is_ident("no_grad")) {
            Some(p) => {
                pt.attrs.remove(p);
                true
            }
            None => false,
        };
        show_hidden_lifetimes(&mut pt.ty);
        let Pat::Ident(p) = &*pt.pat else {
            walk.cx.error(
                &pt.pat,
                "a derived rule's parameters are plain names: `x: ArrayView2<f64>`",
            );
            return None;
        };
        let name = p.ident.to_string();
        let tangent = if no_grad {
            Tangent::None
        } else {
            tangent::of(&pt.ty, &type_params, krate)
        };
        let differentiated = matches!(tangent, Tangent::Of(_));
        let view = matches!(&*pt.ty, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident.to_string().starts_with("ArrayView")));
        walk.input(&name, i, differentiated, view);
        input_tys.push(tangent);
        names.push((name, pt.pat.clone()));
    }
    let Some((tail, body)) = f.block.stmts.split_last() else {
        walk.cx.error(
            &f.sig.ident,
            "a derived rule's body computes its value: it cannot be empty",
        );
        return None;
    };
    let Stmt::Expr(tail, None) = tail else {
        walk.cx.error(
            tail,
            "a derived rule's body ends with its value, an expression without a semicolon",
        );
        return None;
    };
    for s in body {
        walk.stmt(s.clone());
    }
    let tail = match (fallible, tail) {
        (true, syn::Expr::Call(c))
            if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Ok"))
                && c.args.len() == 1 =>
        {
            c.args[0].clone()
        }
        (true, other) => {
            walk.cx
                .error(other, "a fallible derived rule ends with `Ok(value)`");
            return None;
        }
        (false, other) => other.clone(),
    };
    walk.tail(&tail);
    if !walk.cx.is_ok() {
        return None;
    }
    let program = walk.program;
    let cx = walk.cx;

    let outputs: Vec<Type> = match &value_ty {
        Type::Tuple(t) if t.elems.len() >= 2 => t.elems.iter().cloned().collect(),
        other => vec![other.clone()],
    };
    if outputs.len() != program.outputs.len() {
        cx.error(
            &tail,
            format!(
                "the value has {} elements but the declared type `{}` has {}",
                program.outputs.len(),
                quote!(#value_ty),
                outputs.len()
            ),
        );
        return None;
    }
    let rev = reverse::derive(&program, names.len(), krate);
    if !rev.live.iter().any(|l| *l) {
        cx.error(&tail, "nothing in this value is computed by a rule from a differentiated parameter: there is nothing to derive (mark parameters that are constants `#[no_grad]`, and call rules on the others)");
        return None;
    }

    // The closure: typed parameters and results.
    let mut params = Vec::new();
    for ((name, ty), o) in rev.params.iter().zip(&outputs).zip(&program.outputs) {
        let id = syntax::ident(name, Span::call_site());
        let ct = match tangent::of(ty, &type_params, krate) {
            Tangent::Of(t) => t,
            Tangent::None if o.is_none() => syn::parse_quote!(#krate::NoTangent),
            Tangent::None => {
                cx.error(ty, "a derived rule's outputs are differentiable values (arrays, scalars, differentiable structs)");
                return None;
            }
        };
        params.push(quote!(#id: #ct));
    }
    let mut results = Vec::new();
    let mut result_tys = Vec::new();
    for ((tangent, (name, pat)), cot) in input_tys.iter().zip(&names).zip(&rev.inputs) {
        match (tangent, cot) {
            (Tangent::None, _) => {
                results.push(quote!(#krate::NoTangent));
                result_tys.push(quote!(#krate::NoTangent));
            }
            (Tangent::Of(t), Some(c)) => {
                results.push(c.clone());
                result_tys.push(quote!(#t));
            }
            (Tangent::Of(_), None) => {
                cx.error(pat, format!("`{name}` does not reach the value through any rule, so its cotangent would always be zero: mark it `#[no_grad]`, or use it"));
                return None;
            }
        }
    }
    let tuple = |items: &[TokenStream]| {
        if items.len() == 1 {
            quote!(#(#items)*)
        } else {
            quote!((#(#items),*))
        }
    };
    let result_ty = tuple(&result_tys);
    let result = tuple(&results);
    let stmts = &rev.stmts;
    let closure = quote! {
        move |#(#params),*| -> #result_ty {
            use #krate::{Pullback as _, PullbackFor as _};
            #(#stmts)*
            #result
        }
    };

    let drops = early_drops(&program, &names);
    // The forward: each step a primal call (for the plain function) and an `rrule` call.
    let lifetime = syn::Lifetime::new(LIFETIME, Span::call_site());
    let arena = syntax::ident(ARENA, Span::call_site());
    let mut forward: Vec<TokenStream> = vec![quote! {
        #[rrule_only]
        let mut #arena = #krate::derive::Arena::<#lifetime>::new();
    }];
    for (at, item) in program.items.iter().enumerate() {
        match item {
            Item::Stmt(s) => forward.push(quote!(#s)),
            Item::Keep(name) => {
                let id = syntax::ident(name, Span::call_site());
                forward.push(quote! {
                    #[rrule_only]
                    // SAFETY: the arena is declared before every borrower and captured by the
                    // pullback, which it outlives; see `rules_core::derive::Arena`.
                    let #id = unsafe { #arena.keep(#id) };
                });
            }
            Item::Step(i) => {
                let s = &program.steps[*i];
                let (value, rrule, args, pat) = (&s.value, &s.rrule, &s.args, &s.pat);
                let q = s.fallible.then(|| quote!(?));
                forward.push(quote!(#[primal_only] let #pat = #value(#(#args),*)#q;));
                if rev.live[*i] {
                    let pb = syntax::ident(&s.pullback, Span::call_site());
                    forward.push(quote! {
                        #[rrule_only]
                        let (#pat, #pb) = #rrule(#(#args),*)#q;
                        #[rrule_only]
                        // SAFETY: as for the values the arena keeps.
                        let #pb = unsafe { #arena.keep(#pb) };
                    });
                } else {
                    forward.push(quote!(#[rrule_only] let #pat = #value(#(#args),*)#q;));
                }
            }
        }
        for name in drops.iter().filter(|(_, i)| *i == at).map(|(n, _)| n) {
            let id = syntax::ident(name, Span::call_site());
            forward.push(quote!(::core::mem::drop(#id);));
        }
    }
    // An output that was lent to a rule is a reference in `rrule`: return a copy.
    let value_names: Vec<String> = match program.value.as_ref() {
        Some(syn::Expr::Tuple(t)) => t.elems.iter().filter_map(walk::plain).collect(),
        Some(e) => walk::plain(e).into_iter().collect(),
        None => Vec::new(),
    };
    for name in &value_names {
        if program.kept.contains(name) {
            let id = syntax::ident(name, Span::call_site());
            forward.push(quote!(#[rrule_only] let #id = ::core::clone::Clone::clone(#id);));
        }
    }
    let value = program.value.as_ref()?;
    let tail = if fallible {
        quote!(Ok((#value, #closure)))
    } else {
        quote!((#value, #closure))
    };
    let block: syn::Block = match syn::parse2(quote!({ #(#forward)* #tail })) {
        Ok(b) => b,
        Err(e) => {
            cx.push(e);
            return None;
        }
    };
    f.block = Box::new(block);
    f.sig.generics.params.insert(
        0,
        syn::GenericParam::Lifetime(syn::LifetimeParam::new(lifetime)),
    );
    Some(f)
}

/// The intermediates that can be freed before the forward ends, each with the item after which
/// it goes: a result of a rule, bound once, not kept by the arena and not returned, whose every
/// later use is lending it (`h.view()`, `&h`) to a rule. Without this a derived forward would hold
/// every intermediate to its end, where code written by hand drops them after their last use.
fn early_drops(p: &walk::Program, inputs: &[(String, Box<Pat>)]) -> Vec<(String, usize)> {
    use std::collections::BTreeMap;
    let mut bound: BTreeMap<String, usize> = BTreeMap::new();
    for (n, _) in inputs {
        *bound.entry(n.clone()).or_default() += 1;
    }
    let mut defined: BTreeMap<String, usize> = BTreeMap::new();
    for (i, item) in p.items.iter().enumerate() {
        let names = match item {
            Item::Step(s) => syntax::pat_names(&p.steps[*s].pat),
            Item::Stmt(st) => match &**st {
                Stmt::Local(l) => syntax::pat_names(&l.pat),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for n in names {
            *bound.entry(n.clone()).or_default() += 1;
            if matches!(item, Item::Step(_)) {
                defined.insert(n, i);
            }
        }
    }
    let returned: Vec<String> = p.value.iter().flat_map(syntax::referenced).collect();
    let lent = |e: &syn::Expr, name: &str| match e {
        syn::Expr::Reference(r) => walk::plain(&r.expr).as_deref() == Some(name),
        syn::Expr::MethodCall(m) => {
            m.method == "view"
                && m.args.is_empty()
                && walk::plain(&m.receiver).as_deref() == Some(name)
        }
        _ => false,
    };
    let mut out = Vec::new();
    'names: for (name, def) in &defined {
        if bound[name] != 1 || p.kept.contains(name) || returned.contains(name) {
            continue;
        }
        let mut last = None;
        for (i, item) in p.items.iter().enumerate().skip(def + 1) {
            match item {
                Item::Step(s) => {
                    for a in &p.steps[*s].args {
                        if syntax::referenced(a).contains(name) {
                            if !lent(a, name) {
                                continue 'names;
                            }
                            last = Some(i);
                        }
                    }
                }
                Item::Stmt(st) => {
                    if syntax::referenced(st).contains(name) {
                        continue 'names;
                    }
                }
                Item::Keep(k) if k == name => continue 'names,
                Item::Keep(_) => {}
            }
        }
        if let Some(i) = last {
            out.push((name.clone(), i));
        }
    }
    out
}

/// Writes the hidden lifetime of a view type as `'_` (`ArrayView2<f64>` as `ArrayView2<'_, f64>`):
/// a derived pullback may keep a view of any parameter, so `rrule` names every lifetime its
/// parameters carry, and a hidden one cannot be named.
fn show_hidden_lifetimes(ty: &mut Type) {
    use syn::visit_mut::VisitMut;
    struct Show;
    impl VisitMut for Show {
        fn visit_path_segment_mut(&mut self, seg: &mut syn::PathSegment) {
            let name = seg.ident.to_string();
            if name.starts_with("ArrayView") || name.starts_with("CowArray") {
                if let syn::PathArguments::AngleBracketed(a) = &mut seg.arguments {
                    if !a
                        .args
                        .iter()
                        .any(|g| matches!(g, syn::GenericArgument::Lifetime(_)))
                    {
                        a.args.insert(0, syn::parse_quote!('_));
                    }
                }
            }
            syn::visit_mut::visit_path_segment_mut(self, seg);
        }
    }
    Show.visit_type_mut(ty);
}

/// `item` without the `#[no_grad]` markers, for the stubs emitted with errors.
pub(crate) fn strip_markers(item: TokenStream) -> TokenStream {
    let Ok(mut f) = syn::parse2::<ItemFn>(item.clone()) else {
        return item;
    };
    for arg in &mut f.sig.inputs {
        if let FnArg::Typed(pt) = arg {
            pt.attrs.retain(|a| !a.path().is_ident("no_grad"));
        }
    }
    for s in &mut f.block.stmts {
        walk::take_no_grad(s);
    }
    quote!(#f)
}

/// Whether the attribute's arguments ask for a derived rule (`derive` among them).
pub(crate) fn is_derive(args: &TokenStream) -> bool {
    args.clone()
        .into_iter()
        .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "derive"))
}
