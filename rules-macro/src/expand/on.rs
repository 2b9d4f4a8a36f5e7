//! `f::on(tape, args..)` (and `Type::method_on` for a method): the rule's entry point on
//! `rules_core::tape`. It lends each differentiable argument (a `Var` or a constant) through
//! `tape::Arg`, runs the primal alone when no argument is a `Var`, and otherwise runs `rrule`
//! and records its pullback, called through the runtime `pullback_for([bool; N], ..)` where the
//! rule has it so that constants' cotangents are never computed.
//!
//! Every bound the recording needs names the lifetime `'__t`, so rustc checks it where `on` is
//! called: a rule whose types cannot be recorded (a cotangent that does not accumulate) still
//! compiles, and only its `on` calls fail.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{FnArg, Lifetime, Type};

use super::{Gen, tuple_or_bare};

/// The lifetime every borrowed parameter of `on` gets: the tape's borrow, `'__t`. Data borrowed
/// for it outlives the closure that owns the tape (see `rules_core::tape`'s safety notes).
fn env() -> Lifetime {
    Lifetime::new("'__t", Span::call_site())
}

/// Replaces elided lifetimes (`&T`, `'_`) with `'__t`.
struct ToEnv;

impl VisitMut for ToEnv {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(env());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = env();
        }
    }
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        _: &mut syn::ParenthesizedGenericArguments,
    ) {
    }
}

/// `ty` with its elided lifetimes (`&T`, `'_`) named `'__t`.
pub(crate) fn to_env(ty: &Type) -> Type {
    let mut ty = ty.clone();
    ToEnv.visit_type_mut(&mut ty);
    ty
}

/// Whether `ty` names a lifetime (other than `'_`), and whether it has an elided one (`&T`,
/// `'_`).
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
    let self_ty = rule.method.as_ref().map(|m| &m.self_ty);
    let rule_name = match self_ty {
        Some(t) => format!(
            "{}::{}",
            quote!(#t).to_string().replace(' ', ""),
            rule.sig.ident
        ),
        None => rule.sig.ident.to_string(),
    };

    // One parameter of `on` per input: `__aI: __AI` for a differentiable one, the declared type
    // (elided lifetimes as `'__t`) for a `NoTangent` one.
    let mut params = Vec::new();
    let mut arg_bounds = Vec::new();
    let mut arg_generics = Vec::new();
    let mut lends = Vec::new();
    let mut values = Vec::new();
    let mut sources = Vec::new();
    let mut keeps = Vec::new();
    let mut tracked = Vec::new();
    let captured = |names: &[String]| names.iter().any(|n| g.analysis.captures.contains(n));
    for (i, arg) in rule.sig.inputs.iter().enumerate() {
        // Whether the pullback may borrow this argument: only through a lifetime its type
        // names, or an elided one when the pullback captures the parameter (the pullback's
        // `use<..>` names no other). Otherwise the node need not keep the value alive.
        let may_borrow = match arg {
            FnArg::Receiver(r) => {
                r.lifetime().is_some() || (r.reference.is_some() && captured(&["self".into()]))
            }
            FnArg::Typed(pt) => {
                let (named, elided) = lifetimes_of(&pt.ty);
                named || (elided && captured(&crate::syntax::pat_names(&pt.pat)))
            }
        };
        let ty: Type = match arg {
            FnArg::Receiver(r) => {
                let st = self_ty?;
                match &r.reference {
                    Some((_, _)) if r.mutability.is_some() => return None,
                    Some(_) => syn::parse_quote!(&#env #st),
                    None => syn::parse_quote!(#st),
                }
            }
            FnArg::Typed(pt) => {
                if matches!(*pt.ty, Type::ImplTrait(_)) {
                    return None;
                }
                to_env(&super::type_without_self(rule, &pt.ty))
            }
        };
        let a = format_ident!("__a{}", i);
        if g.no_tangent[i] {
            params.push(quote!(#a: #ty));
            values.push(quote!(#a));
            sources.push(quote!(#rt::Option::None));
            keeps.push(quote!(#rt::Option::None));
            continue;
        }
        let (big, l) = (format_ident!("__A{}", i), format_ident!("__l{}", i));
        let dx = &g.ins[i];
        params.push(quote!(#a: #big));
        arg_generics.push(quote!(#big));
        arg_bounds.push(quote!(#big: #rt::tape::Arg<#env, #ty, #dx>));
        lends.push(quote!(
            let #l = <#big as #rt::tape::Arg<#env, #ty, #dx>>::lend(#a, __tape, #rule_name);
        ));
        values.push(quote!(#l.value));
        sources.push(quote!(#l.source));
        if may_borrow {
            keeps.push(quote!(#l.keep));
        } else {
            keeps.push(quote!(#rt::Option::None));
        }
        tracked.push(quote!(#l.source.is_some()));
    }
    if tracked.is_empty() {
        return None;
    }

    // Generics: the tape's lifetimes, the rule's own (for a method, the method's: the impl's
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
    let unwrap = |call: TokenStream| match &rule.result_ty {
        Some(_) => quote!(match #call {
            ::core::result::Result::Ok(v) => v,
            ::core::result::Result::Err(e) => return ::core::result::Result::Err(e),
        }),
        None => call,
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
        quote!(#rt::PullbackFor::<[bool; #n], #rt_ct>::pullback_for(__pb, __need, __c))
    } else {
        quote!(#rt::Pullback::<#rt_ct>::pullback(__pb, __c))
    };
    let primal = unwrap(quote!(#call_primal(#(#values),*)));
    let rrule = unwrap(quote!(#call_rrule(#(#values),*)));
    let doc = format!(
        " Calls `{rule_name}` on a tape: each differentiable argument is a `Var` (or `&Var`) or a \
         constant, each `NoTangent` argument is passed plain. With no `Var` argument nothing is \
         recorded and the primal runs; otherwise the pullback is recorded, and the backward \
         pass asks it only for the cotangents of the `Var` arguments. See `rules_core::tape`. \
         Generated by `#[rrule]`."
    );
    let vis = &rule.vis;
    Some(quote! {
        #[doc = #doc]
        #[allow(clippy::too_many_arguments, clippy::type_complexity)]
        #vis fn #name<#env, '__env: #env, #(#own_lifetimes,)* #(#own_others,)* #(#arg_generics),*>(
            __tape: &#env #rt::tape::Tape<'__env>,
            #(#params),*
        ) -> #ret_ty
        where
            #(#user_where,)*
            #scalar
            #(#outlive)*
            #(#statics)*
            #(#arg_bounds,)*
            #value_ty: 'static,
            #rt_ct: #rt::tape::Cotangents<#env>,
            #rt_out: #rt::tape::Routes<#env, #n>,
        {
            #(#lends)*
            if !(#(#tracked)||*) {
                let #destructure = #primal;
                return #constants;
            }
            let (__value, __pb) = #rrule;
            let __node = __tape.record::<#rt_ct, _, _, _, #n>(
                __pb,
                |__pb: &_, __need: [bool; #n], __c: #rt_ct| #run,
                [#(#sources),*],
                [#(#keeps),*],
            );
            let #destructure = __value;
            #recorded
        }
    })
}
