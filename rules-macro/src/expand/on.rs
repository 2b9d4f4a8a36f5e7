//! `f::on(tape, args..)` (and `Type::method_on` for a method): the rule's entry point on
//! `rules_core::tape`. It lends each differentiable argument (a `Var` or a constant) through
//! `tape::Arg`, runs the primal alone when no argument is a `Var`, and otherwise runs `rrule`
//! and records its pullback, run once by the backward pass through the runtime
//! `pullback_for_once([bool; N], ..)` where the rule has it (so that constants' cotangents are
//! never computed), `pullback_once` otherwise.
//!
//! Every bound the recording needs names the lifetime `'__t`, so rustc checks it where `on` is
//! called: a rule whose types cannot be recorded (a cotangent that does not accumulate) still
//! compiles, and only its `on` calls fail.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{FnArg, Lifetime, Type};

use super::{Gen, tuple_or_bare};

/// The tape's brand, `'__t`: the lifetime of values a pullback may keep. Data borrowed for it
/// outlives the closure that owns the tape (see `rules_core::tape`'s safety notes).
fn env() -> Lifetime {
    Lifetime::new("'__t", Span::call_site())
}

/// `ty` with its elided lifetimes (`&T`, `'_`) named `l`.
pub(crate) fn with_lifetime(ty: &Type, l: &Lifetime) -> Type {
    let mut ty = ty.clone();
    super::lifetimes::Namer::fixed(l).visit_type_mut(&mut ty);
    ty
}

/// Whether `ty` names a lifetime (other than `'_`), and whether it has an elided one (`&T`,
/// `'_`). A type macro or unparsed type counts as naming one: nothing can be seen inside it.
fn lifetimes_of(ty: &Type) -> (bool, bool) {
    struct Find(bool, bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            if r.lifetime.is_none() {
                self.1 = true;
            }
            syn::visit::visit_type_reference(self, r);
        }
        fn visit_lifetime(&mut self, l: &'ast Lifetime) {
            if l.ident == "_" {
                self.1 = true;
            } else {
                self.0 = true;
            }
        }
        fn visit_type(&mut self, t: &'ast Type) {
            if matches!(t, Type::Macro(_) | Type::Verbatim(_)) {
                self.0 = true;
            }
            syn::visit::visit_type(self, t);
        }
    }
    let mut f = Find(false, false);
    syn::visit::Visit::visit_type(&mut f, ty);
    (f.0, f.1)
}

/// The output types, one per cotangent: the value type, or its elements when the rule has
/// several outputs (then the value type must be written as a tuple).
fn output_types(g: &Gen<'_>) -> Option<Vec<Type>> {
    let value_ty = super::type_without_self(g.rule, &g.rule.value_ty);
    match g.cts.len() {
        1 => Some(vec![value_ty]),
        k => match value_ty {
            Type::Tuple(t) if t.elems.len() == k => Some(t.elems.into_iter().collect()),
            Type::Paren(p) if k == 1 => Some(vec![*p.elem]),
            _ => None,
        },
    }
}

/// The `on` function of a rule, named `name`: `None` for what cannot be recorded (a rule with
/// no inputs, `&mut self`, `impl Trait` parameters, several outputs not written as a tuple).
/// `rt` is the path of `rules_core::__private` where the function is emitted.
///
/// Each differentiable parameter is lent through `tape::Arg` when the pullback may keep its
/// value (its type names a lifetime, or has an elided one and the pullback captures the
/// parameter), else through `tape::ArgRef`, borrowed for the call. The choice only decides what
/// compiles and what the node keeps alive: the pullback's type (its `use<..>`) is checked
/// against it by rustc, so a wrong choice is a compile error, never a dangling borrow.
pub(super) fn make_on(
    g: &Gen<'_>,
    name: &syn::Ident,
    rt: &TokenStream,
    call_primal: &TokenStream,
    call_rrule: &TokenStream,
) -> Option<TokenStream> {
    let rule = g.rule;
    let n = g.ins.len();
    if n == 0 || n != rule.sig.inputs.len() {
        return None;
    }
    let outputs = output_types(g)?;
    let env = env();
    let short = Lifetime::new("'__s", Span::call_site());
    let self_ty = rule.method.as_ref().map(|m| &m.self_ty);
    let rule_name = match self_ty {
        Some(t) => format!(
            "{}::{}",
            quote!(#t).to_string().replace(' ', ""),
            rule.sig.ident
        ),
        None => rule.sig.ident.to_string(),
    };
    let self_named = self_ty.is_some_and(|t| lifetimes_of(t).0);

    // One parameter of `on` per input: `x: __AI` for a differentiable one, the declared type
    // for a `NoTangent` one.
    let mut params = Vec::new();
    let mut arg_bounds = Vec::new();
    let mut arg_generics = Vec::new();
    let mut free_lifetimes = Vec::new();
    let mut lends = Vec::new();
    let mut lents = Vec::new();
    let mut lent_values = Vec::new();
    let mut values = Vec::new();
    let mut sources = Vec::new();
    let captured = |names: &[String]| names.iter().any(|n| g.analysis.carriers.contains(n));
    for (i, arg) in rule.sig.inputs.iter().enumerate() {
        // Whether the pullback may keep this argument's value: only through a lifetime its type
        // names, or an elided one when the pullback captures the parameter (the pullback's
        // `use<..>` names no other).
        let keeps = match arg {
            FnArg::Receiver(r) => {
                self_named
                    || r.lifetime().is_some()
                    || (r.reference.is_some() && captured(&["self".into()]))
            }
            FnArg::Typed(pt) => {
                let (named, elided) = lifetimes_of(&super::type_without_self(rule, &pt.ty));
                named || (elided && captured(&crate::syntax::pat_names(&pt.pat)))
            }
        };
        let declared: Type = match arg {
            FnArg::Receiver(r) => {
                let st = self_ty?;
                match &r.reference {
                    Some((_, _)) if r.mutability.is_some() => return None,
                    Some((_, l)) => syn::parse_quote!(&#l #st),
                    None => syn::parse_quote!(#st),
                }
            }
            FnArg::Typed(pt) => {
                if matches!(*pt.ty, Type::ImplTrait(_)) {
                    return None;
                }
                super::type_without_self(rule, &pt.ty)
            }
        };
        let a = param_name(arg, i, &rule.sig.ident);
        if g.no_tangent[i] {
            // Passed plain: for the brand if the pullback may keep it, else for any lifetime.
            let ty = if keeps {
                with_lifetime(&declared, &env)
            } else {
                let l = Lifetime::new(&format!("'__n{i}"), Span::call_site());
                let ty = with_lifetime(&declared, &l);
                free_lifetimes.push(l);
                ty
            };
            params.push(quote!(#a: #ty));
            values.push(quote!(#a));
            sources.push(quote!(#rt::Option::None));
            continue;
        }
        let (big, l, v) = (
            format_ident!("__A{}", i),
            format_ident!("__l{}", i),
            format_ident!("__v{}", i),
        );
        let dx = &g.ins[i];
        params.push(quote!(#a: #big));
        arg_generics.push(quote!(#big));
        if keeps {
            let ty = with_lifetime(&declared, &env);
            arg_bounds.push(quote!(#big: #rt::tape::Arg<#env, #ty, #dx>));
            lends.push(quote!(
                let #l = <#big as #rt::tape::Arg<#env, #ty, #dx>>::lend(#a, __tape, #rule_name);
            ));
        } else {
            let ty = with_lifetime(&declared, &short);
            arg_bounds.push(quote!(#big: for<#short> #rt::tape::ArgRef<#short, #env, #ty, #dx>));
            lends.push(quote!(
                let #l = #rt::tape::ArgRef::lend_ref(&#a, __tape, #rule_name);
            ));
        }
        sources.push(quote!(#l.source()));
        lents.push(quote!(#l));
        lent_values.push(quote!(#v));
        values.push(quote!(#v));
    }
    if lents.is_empty() {
        return None;
    }

    // Generics: the tape's lifetime, the rule's own (for a method, the method's: the impl's
    // are in scope), then one parameter per differentiable argument.
    let own = &rule.sig.generics;
    let own_lifetimes: Vec<_> = own.lifetimes().collect();
    let own_others: Vec<_> = (own.params.iter())
        .filter(|p| !matches!(p, syn::GenericParam::Lifetime(_)))
        .collect();
    let scope = &g.generics;
    let outlive = scope.lifetimes().map(|l| {
        let l = &l.lifetime;
        quote!(#l: #env,)
    });
    let statics = scope.type_params().map(|t| {
        let t = &t.ident;
        quote!(#t: 'static,)
    });
    let user_where = (own.where_clause.iter()).flat_map(|w| w.predicates.iter());
    let scalar = g.scalar_bound();
    let (rt_ct, rt_out) = (g.runtime_ct_ty(), g.runtime_out_ty());
    let value_ty = super::type_without_self(rule, &rule.value_ty);
    // The rule's result, value and error, must own its data: a `Var` holds the value, and an
    // error is returned after the borrowed arguments are released.
    let result_ty = match &rule.result_ty {
        Some(r) => super::type_without_self(rule, r),
        None => value_ty.clone(),
    };

    let var_tys: Vec<TokenStream> = (outputs.iter())
        .map(|y| quote!(#rt::tape::Var<#env, #y>))
        .collect();
    let vars_ty = tuple_or_bare(&var_tys);
    let ret_ty = match &rule.result_ty {
        Some(r) => super::entry::replace_first_arg(&super::type_without_self(rule, r), &vars_ty),
        None => vars_ty,
    };
    let ok = |t: TokenStream| match &rule.result_ty {
        Some(_) => quote!(::core::result::Result::Ok(#t)),
        None => t,
    };
    let ys: Vec<_> = (0..outputs.len())
        .map(|j| format_ident!("__y{}", j))
        .collect();
    let constants: Vec<TokenStream> = ys.iter().map(|y| quote!(__tape.constant(#y))).collect();
    let constants = ok(tuple_or_bare(&constants));
    let recorded: Vec<TokenStream> = (ys.iter().zip(&g.cts).enumerate())
        .map(|(j, (y, dy))| {
            let j = u32::try_from(j).unwrap_or(u32::MAX);
            quote!(__tape.output::<#dy, _>(__node, #j, #y))
        })
        .collect();
    let recorded = ok(tuple_or_bare(&recorded));
    let destructure = tuple_or_bare(&ys.iter().map(|y| quote!(#y)).collect::<Vec<_>>());
    let run = if g.pullback_for() {
        quote!(#rt::PullbackForOnce::<[bool; #n], #rt_ct>::pullback_for_once(__pb, __need, __c))
    } else {
        quote!(#rt::PullbackOnce::<#rt_ct>::pullback_once(__pb, __c))
    };
    let primal = match &rule.result_ty {
        Some(_) => {
            quote!(match __tape.primal((#(#lents,)*), move |(#(#lent_values,)*)| #call_primal(#(#values),*)) {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => return ::core::result::Result::Err(e),
            })
        }
        None => {
            quote!(__tape.primal((#(#lents,)*), move |(#(#lent_values,)*)| #call_primal(#(#values),*)))
        }
    };
    let (rrule, failed) = match &rule.result_ty {
        Some(_) => (
            quote!(#call_rrule(#(#values),*)),
            quote!(return ::core::result::Result::Err(e)),
        ),
        None => (
            quote!(::core::result::Result::<_, ::core::convert::Infallible>::Ok(#call_rrule(#(#values),*))),
            quote!(match e {}),
        ),
    };
    let doc = format!(
        " Calls `{rule_name}` on a tape: each differentiable argument is a `Var` (or `&Var`) or a \
         constant, each `NoTangent` argument is passed plain. With no `Var` argument nothing is \
         recorded and the primal runs; otherwise the pullback is recorded{}. See \
         `rules_core::tape`. Generated by `#[rrule]`.",
        if g.pullback_for() {
            ", and the backward pass asks it only for the cotangents of the `Var` arguments"
        } else {
            ""
        }
    );
    let vis = &rule.vis;
    Some(quote! {
        #[doc = #doc]
        #[allow(clippy::too_many_arguments, clippy::type_complexity)]
        #vis fn #name<#env, #(#own_lifetimes,)* #(#free_lifetimes,)* #(#own_others,)* #(#arg_generics),*>(
            __tape: &#env #rt::tape::Tape<#env, '_>,
            #(#params),*
        ) -> #ret_ty
        where
            #(#user_where,)*
            #scalar
            #(#outlive)*
            #(#statics)*
            #(#arg_bounds,)*
            #result_ty: 'static,
            #rt_ct: #rt::tape::Cotangents<#env>,
            #rt_out: #rt::tape::Routes<#env, #n>,
        {
            #(#lends)*
            let __sources = [#(#sources),*];
            if __sources.iter().all(#rt::Option::is_none) {
                let #destructure = #primal;
                return #constants;
            }
            let (__node, __value) = match __tape.record(
                (#(#lents,)*),
                __sources,
                move |(#(#lent_values,)*)| #rrule,
                |__pb, __need: [bool; #n], __c: #rt_ct| #run,
            ) {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => #failed,
            };
            let #destructure = __value;
            #recorded
        }
    })
}

/// The name of parameter `i` of `on`: the rule's own when it is a plain identifier (so the
/// docs read `on(tape, x, w)`), else `__aI`; never the rule's name, which the body calls.
pub(crate) fn param_name(arg: &FnArg, i: usize, rule: &syn::Ident) -> syn::Ident {
    if let FnArg::Typed(pt) = arg {
        if let syn::Pat::Ident(p) = &*pt.pat {
            let plain = p.by_ref.is_none() && p.subpat.is_none();
            if plain && p.ident != *rule && !p.ident.to_string().starts_with("__") {
                return p.ident.clone();
            }
        }
    }
    format_ident!("__a{}", i)
}
