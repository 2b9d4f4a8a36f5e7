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

mod callee;
mod closures;
mod emit;
mod forms;
mod forward;
mod loops;
mod names;
mod reverse;
mod tangent;
mod walk;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{FnArg, ItemFn, Pat, Path, ReturnType, Stmt, Type};

use crate::errors::Ctxt;
use crate::model::Direction;
use tangent::Tangent;
use walk::Walk;

/// The lifetime the arena lends for: a parameter of `rrule` only.
pub(crate) const LIFETIME: &str = "'__kept";

/// Rewrites a derived rule into a declared one, for the direction of the attribute being
/// expanded and the other one if it is stacked (`#[rrule(derive)] #[frule(derive)]`); `None`
/// with the errors in `cx`.
pub(crate) fn synthesise(
    cx: &mut Ctxt,
    item: TokenStream,
    krate: &Path,
    first: Direction,
) -> Option<(ItemFn, String)> {
    let mut f: ItemFn = match syn::parse2(item) {
        Ok(f) => f,
        Err(e) => {
            cx.push(syn::Error::new(e.span(), format!("#[{}(derive)] applies to a free function whose body computes its value by calling rules", first.attr())));
            return None;
        }
    };
    let dirs = directions(cx, &mut f, first)?;
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

    let mut walk = Walk::new(cx, krate, quote!(#f));
    // The parameters: differentiated unless `#[no_grad]` or of a type without tangent.
    let mut input_tys = Vec::new();
    let mut names = Vec::new();
    for (i, arg) in f.sig.inputs.iter_mut().enumerate() {
        let FnArg::Typed(pt) = arg else {
            walk.cx.error(&*arg, "a derived rule on a method is not supported yet: derive a free function and call it from the method");
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
        let owned = matches!(&*pt.ty, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| {
            let n = s.ident.to_string();
            (n.starts_with("Array") || n.starts_with("ArcArray")) && !n.starts_with("ArrayView")
        }));
        walk.input(&name, i, differentiated, view, owned);
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
    let mut program = walk.program;
    // The local that owns what the pullback keeps: captured by it besides what its body reads.
    program.arena = program.names.fresh("__arena");
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
    let (live, _) = reverse::liveness(&program);
    if !live.iter().any(|l| *l) {
        cx.error(&tail, "nothing in this value is computed by a rule from a differentiated parameter: there is nothing to derive (mark parameters that are constants `#[no_grad]`, and call rules on the others)");
        return None;
    }
    let ctx = closures::Context {
        program: &program,
        outputs: &outputs,
        inputs: &input_tys,
        names: &names,
        type_params: &type_params,
        krate,
    };
    let mut closures = Vec::new();
    for dir in &dirs {
        closures.push(match dir {
            Direction::Reverse => closures::pullback(cx, &ctx)?,
            Direction::Forward => closures::pushforward(cx, &ctx)?,
        });
    }
    let forward = emit::forward(&program, &names, &dirs, &live, krate);
    let value = program.value.as_ref()?;
    let tail = if fallible {
        quote!(Ok((#value, #(#closures),*)))
    } else {
        quote!((#value, #(#closures),*))
    };
    let block: syn::Block = match syn::parse2(quote!({ #(#forward)* #tail })) {
        Ok(b) => b,
        Err(e) => {
            cx.push(e);
            return None;
        }
    };
    f.block = Box::new(block);
    let lifetime = syn::Lifetime::new(LIFETIME, Span::call_site());
    f.sig.generics.params.insert(
        0,
        syn::GenericParam::Lifetime(syn::LifetimeParam::new(lifetime)),
    );
    Some((f, program.arena))
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

/// The directions to derive: `first`, and the other one when its attribute is stacked, which
/// must ask for `derive` too. The stacked attribute is left bare (`#[frule]`), as the pipeline
/// expects of a rule that declares both closures.
fn directions(cx: &mut Ctxt, f: &mut ItemFn, first: Direction) -> Option<Vec<Direction>> {
    let other = match first {
        Direction::Reverse => Direction::Forward,
        Direction::Forward => Direction::Reverse,
    };
    let Some(attr) = f.attrs.iter_mut().find(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == other.attr())
    }) else {
        return Some(vec![first]);
    };
    let derived = match &attr.meta {
        syn::Meta::List(l) => is_derive(&l.tokens),
        _ => false,
    };
    if !derived {
        cx.error(&*attr, format!("stack `#[{}(derive)]` with `#[{}(derive)]`: a derived rule derives both of its directions, or declare this one in a function of its own", other.attr(), first.attr()));
        return None;
    }
    let path = attr.path().clone();
    *attr = syn::parse_quote!(#[#path]);
    Some(vec![Direction::Reverse, Direction::Forward])
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
        forms::take_no_grad(s);
    }
    quote!(#f)
}

/// Whether the attribute's arguments ask for a derived rule (`derive` among them).
pub(crate) fn is_derive(args: &TokenStream) -> bool {
    args.clone()
        .into_iter()
        .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "derive"))
}
