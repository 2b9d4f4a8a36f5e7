//! From a [`Rule`] and its specialised patterns to code.
//!
//! For `fn f(x: X, k: K) -> Y` with pullback `|dy: DY| -> (DX, DK)` this writes:
//!
//! * `fn f(x, k) -> Y`: the primal, without the statements that only feed the pullback;
//! * `mod f`, holding a pullback struct generic over its capture tuple and one closure type per
//!   pattern, a constructor whose `Fn` bounds let rustc infer every closure's types, one
//!   `Pullback<C>` impl per pattern, the runtime `MaybeZero` impl, the `Patterns` impl for the
//!   testing kit, and `pub fn rrule(x, k) -> (Y, impl Pullback<..> + ..)`.
//!
//! Generated code names only `#krate::__private::..` and `::core::..`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::{GenericArgument, GenericParam, Ident, Pat, PathArguments, Type};

use crate::errors::{Ctxt, to_compile_errors};
use crate::model::{Args, Rule, is_no_tangent};
use crate::zeros::{self, Pattern};
use crate::{captures, names, parse};

/// The whole macro: `#[rrule(args)] item`.
pub(crate) fn rrule(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args = parse::args(&mut cx, args);
    let rule = parse::rule(&mut cx, item.clone());
    match (cx.finish(), rule) {
        (Ok(()), Some(rule)) => {
            let (patterns, blocked) = specialise_all(&args, &rule);
            let code = expand(&args, &rule, &patterns);
            // A statement that cannot be specialised is reported, and the rest of the rule is
            // still generated (that pattern's body diverges), so call sites type-check and the
            // error stands alone.
            match blocked {
                Some(e) => {
                    let errors = to_compile_errors(&e);
                    quote!(#errors #code)
                }
                None => code,
            }
        }
        (Err(e), _) => fallback(item, &e),
        (Ok(()), None) => fallback(
            item,
            &syn::Error::new(Span::call_site(), "#[rrule] could not understand this item"),
        ),
    }
}

/// Every pattern, in mask order, and the combined errors of the statements that could not be
/// specialised (each reported once); a blocked pattern gets a diverging placeholder body.
fn specialise_all(args: &Args, rule: &Rule) -> (Vec<Pattern>, Option<syn::Error>) {
    let k = rule.closure.cotangents.len();
    let all = (1u64 << k) - 1;
    let mut out = Vec::with_capacity(1 << k);
    let mut reported: Vec<String> = Vec::new();
    let mut errors = Ctxt::default();
    for mask in 0..=all {
        if mask == all {
            out.push(all_zero(args, rule, mask));
            continue;
        }
        match zeros::specialise(&rule.closure, &args.krate, mask) {
            Ok(p) => out.push(p),
            Err(b) => {
                let key = b.at.to_string();
                if !reported.contains(&key) {
                    reported.push(key);
                    errors.push(syn::Error::new_spanned(b.at, b.message));
                }
                out.push(Pattern {
                    mask,
                    body: syn::parse_quote!({ loop {} }),
                    zero_inputs: vec![false; rule.closure.input_cotangents.len()],
                });
            }
        }
    }
    (out, errors.finish().err())
}

/// The all-zero pattern runs nothing: every input cotangent is `Zero` (`NoTangent` stays).
fn all_zero(args: &Args, rule: &Rule, mask: u64) -> Pattern {
    let k = &args.krate;
    let elems: Vec<TokenStream> = rule
        .closure
        .input_cotangents
        .iter()
        .map(|t| {
            if is_no_tangent(t) {
                quote!(#k::__private::NoTangent)
            } else {
                quote!(#k::__private::Zero)
            }
        })
        .collect();
    let tail = if elems.len() == 1 {
        elems[0].clone()
    } else {
        quote!((#(#elems),*))
    };
    let body: syn::Block = syn::parse_quote!({ #tail });
    let zero_inputs = rule
        .closure
        .input_cotangents
        .iter()
        .map(|t| !is_no_tangent(t))
        .collect();
    Pattern {
        mask,
        body,
        zero_inputs,
    }
}

/// On error: the errors, plus stubs with the same names so that one mistake does not cascade into
/// unresolved names at every call site.
fn fallback(item: TokenStream, error: &syn::Error) -> TokenStream {
    let errors = to_compile_errors(error);
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
    let cfgs = f.attrs.iter().filter(|a| a.path().is_ident("cfg"));
    let mut rr = sig.clone();
    rr.ident = Ident::new("rrule", Span::call_site());
    rr.output = syn::parse_quote!(-> !);
    quote! {
        #errors
        #(#attrs)*
        #[allow(unreachable_code, clippy::all)]
        #vis #sig { loop {} }
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(unreachable_code, clippy::all)]
        #vis mod #name {
            #[allow(unused_imports)]
            use super::*;
            pub #rr { loop {} }
        }
    }
}

/// `(a, b)` for several, `a` for one.
fn tuple_or_bare(items: &[TokenStream]) -> TokenStream {
    if items.len() == 1 {
        items[0].clone()
    } else {
        quote!((#(#items),*))
    }
}

struct Ctx<'a> {
    rule: &'a Rule,
    pv: TokenStream,
    /// Declared cotangent types.
    cts: Vec<&'a Type>,
    /// Declared input-cotangent types.
    ins: Vec<&'a Type>,
    no_tangent: Vec<bool>,
}

impl Ctx<'_> {
    fn zero(&self) -> TokenStream {
        let pv = &self.pv;
        quote!(#pv::Zero)
    }

    /// The cotangent parameters of pattern `p`: `_: Zero` for a zero one, the declared `pat: T`
    /// otherwise.
    fn params(&self, p: &Pattern) -> Vec<TokenStream> {
        self.rule
            .closure
            .cotangents
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if p.mask & (1 << i) != 0 {
                    let z = self.zero();
                    quote!(_: #z)
                } else {
                    let (pat, ty) = (&c.pat, &c.ty);
                    quote!(#pat: #ty)
                }
            })
            .collect()
    }

    /// The cotangent type of pattern `mask`.
    fn ct_ty(&self, mask: u64) -> TokenStream {
        let items: Vec<TokenStream> = self
            .cts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if mask & (1 << i) != 0 {
                    self.zero()
                } else {
                    t.to_token_stream()
                }
            })
            .collect();
        tuple_or_bare(&items)
    }

    /// The output type of pattern `p`.
    fn out_ty(&self, p: &Pattern) -> TokenStream {
        let items: Vec<TokenStream> = self
            .ins
            .iter()
            .zip(&p.zero_inputs)
            .map(|(t, z)| if *z { self.zero() } else { t.to_token_stream() })
            .collect();
        tuple_or_bare(&items)
    }

    fn rt_ct_ty(&self) -> TokenStream {
        let pv = &self.pv;
        let items: Vec<TokenStream> = self
            .cts
            .iter()
            .map(|t| quote!(#pv::MaybeZero<#t>))
            .collect();
        tuple_or_bare(&items)
    }

    fn rt_out_ty(&self) -> TokenStream {
        let pv = &self.pv;
        let items: Vec<TokenStream> = self
            .ins
            .iter()
            .zip(&self.no_tangent)
            .map(|(t, nt)| {
                if *nt {
                    t.to_token_stream()
                } else {
                    quote!(#pv::MaybeZero<#t>)
                }
            })
            .collect();
        tuple_or_bare(&items)
    }

    fn dense_ty(&self) -> TokenStream {
        let items: Vec<TokenStream> = self.cts.iter().map(ToTokens::to_token_stream).collect();
        tuple_or_bare(&items)
    }

    /// `__Fmask: Fn(&__C, ..) -> O`.
    fn fn_bound(&self, p: &Pattern) -> TokenStream {
        let f = format_ident!("__F{}", p.mask);
        let args: Vec<TokenStream> = (0..self.cts.len())
            .map(|i| {
                if p.mask & (1 << i) != 0 {
                    self.zero()
                } else {
                    self.cts[i].to_token_stream()
                }
            })
            .collect();
        let out = self.out_ty(p);
        quote!(#f: ::core::ops::Fn(&__C, #(#args),*) -> #out)
    }

    /// The runtime form of a pattern's result `__o`.
    fn to_runtime(&self, p: &Pattern, called: bool) -> TokenStream {
        let pv = &self.pv;
        let n = self.ins.len();
        let items: Vec<TokenStream> = (0..n)
            .map(|j| {
                let field = if n == 1 {
                    quote!(__o)
                } else {
                    let idx = syn::Index::from(j);
                    quote!(__o.#idx)
                };
                if self.no_tangent[j] {
                    if called {
                        field
                    } else {
                        quote!(#pv::NoTangent)
                    }
                } else if p.zero_inputs[j] {
                    quote!(#pv::MaybeZero::Zero)
                } else {
                    quote!(#pv::MaybeZero::Value(#field))
                }
            })
            .collect();
        tuple_or_bare(&items)
    }
}

fn expand(args: &Args, rule: &Rule, patterns: &[Pattern]) -> TokenStream {
    let krate = &args.krate;
    let pv = quote!(#krate::__private);
    let cx = Ctx {
        rule,
        pv: pv.clone(),
        cts: rule.closure.cotangents.iter().map(|c| &c.ty).collect(),
        ins: rule.closure.input_cotangents.iter().collect(),
        no_tangent: rule
            .closure
            .input_cotangents
            .iter()
            .map(is_no_tangent)
            .collect(),
    };
    let k = cx.cts.len();
    let all = (1u64 << k) - 1;
    let name = &rule.sig.ident;
    let vis = &rule.vis;

    // Captures: names the forward part binds that the closure uses freely.
    let mut candidates: Vec<String> = rule
        .inputs
        .iter()
        .flat_map(|i| names::pat_names(&i.pat))
        .collect();
    for stmt in &rule.forward {
        if let syn::Stmt::Local(l) = stmt {
            candidates.extend(names::pat_names(&l.pat));
        }
    }
    let params: Vec<Pat> = rule
        .closure
        .cotangents
        .iter()
        .map(|c| c.pat.clone())
        .collect();
    let caps = captures::find(&params, &rule.closure.body, &candidates);
    let caps_tuple = captures::tuple(&caps);
    let caps_id = captures::caps_ident();

    // One closure per pattern.
    let closures: Vec<TokenStream> = patterns
        .iter()
        .map(|p| {
            let mut body = p.body.clone();
            captures::rewrite(&params, &mut body, &caps);
            let ps = cx.params(p);
            let out = cx.out_ty(p);
            quote!(|#caps_id, #(#ps),*| -> #out #body)
        })
        .collect();

    // Generics.
    let generics = &rule.sig.generics;
    let user_params: Vec<&GenericParam> = generics.params.iter().collect();
    let user_where: Vec<&syn::WherePredicate> = generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
        .collect();
    let lifetimes: Vec<&syn::Lifetime> = generics.lifetimes().map(|l| &l.lifetime).collect();
    let types: Vec<&Ident> = generics.type_params().map(|t| &t.ident).collect();
    let consts: Vec<&Ident> = generics.const_params().map(|c| &c.ident).collect();
    let marker = quote!(fn() -> (#(&#lifetimes (),)* #(#types,)* #([(); #consts],)*));
    let fs: Vec<Ident> = patterns
        .iter()
        .map(|p| format_ident!("__F{}", p.mask))
        .collect();
    let fields: Vec<Ident> = patterns
        .iter()
        .map(|p| format_ident!("f{}", p.mask))
        .collect();
    let bounds: Vec<TokenStream> = patterns.iter().map(|p| cx.fn_bound(p)).collect();
    let self_ty = quote!(__Pullback<__C, #(#fs,)* #marker>);
    let impl_params = quote!(#(#user_params,)* __C, #(#fs),*);

    // Static patterns.
    let static_impls = patterns
        .iter()
        .zip(&bounds)
        .zip(&fields)
        .map(|((p, bound), field)| {
            let c = cx.ct_ty(p.mask);
            let o = cx.out_ty(p);
            let args: Vec<TokenStream> = if k == 1 {
                vec![quote!(cotangent)]
            } else {
                (0..k)
                    .map(|i| {
                        let idx = syn::Index::from(i);
                        quote!(cotangent.#idx)
                    })
                    .collect()
            };
            quote! {
                impl<#impl_params> #pv::Pullback<#c> for #self_ty
                where #(#user_where,)* #bound
                {
                    type Output = #o;
                    #[inline]
                    fn pullback(&self, cotangent: #c) -> #o {
                        (self.#field)(&self.caps, #(#args),*)
                    }
                }
            }
        });

    // Runtime pattern and the testing hook.
    let rt_c = cx.rt_ct_ty();
    let rt_o = cx.rt_out_ty();
    let dense = cx.dense_ty();
    let cvars: Vec<Ident> = (0..k).map(|i| format_ident!("__c{}", i)).collect();
    let call = |p: &Pattern, field: &Ident| -> TokenStream {
        let conv_called = cx.to_runtime(p, true);
        if p.mask == all {
            return cx.to_runtime(p, false);
        }
        let args = (0..k).map(|i| {
            if p.mask & (1 << i) != 0 {
                cx.zero()
            } else {
                cvars[i].to_token_stream()
            }
        });
        quote!({
            let __o = (self.#field)(&self.caps, #(#args),*);
            #conv_called
        })
    };
    let rt_arms = patterns.iter().zip(&fields).map(|(p, field)| {
        let pats: Vec<TokenStream> = (0..k)
            .map(|i| {
                let v = &cvars[i];
                if p.mask & (1 << i) != 0 {
                    quote!(#pv::MaybeZero::Zero)
                } else {
                    quote!(#pv::MaybeZero::Value(#v))
                }
            })
            .collect();
        let pat = tuple_or_bare(&pats);
        let body = call(p, field);
        quote!(#pat => #body)
    });
    let static_arms = patterns.iter().zip(&fields).map(|(p, field)| {
        let mask = p.mask;
        let body = call(p, field);
        quote!(#mask => #pv::Option::Some(#body))
    });
    let destructure = tuple_or_bare(
        &cvars
            .iter()
            .map(ToTokens::to_token_stream)
            .collect::<Vec<_>>(),
    );
    let to_maybe = cvars.iter().enumerate().map(|(i, v)| {
        let bit = 1u64 << i;
        quote!(let #v = if zero_mask & #bit != 0 { #pv::MaybeZero::Zero } else { #pv::MaybeZero::Value(#v) };)
    });
    let ct_names: Vec<&str> = rule
        .closure
        .cotangents
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let in_names: Vec<&str> = rule.inputs.iter().map(|i| i.name.as_str()).collect();

    // `rrule` itself.
    let forward = zeros::forward_for(&rule.forward, zeros::Side::Rrule);
    let value = &rule.value;
    // The dense pattern's bound comes through `Patterns` (its supertrait), with its `Output`.
    let dense_out = patterns.first().map(|p| cx.out_ty(p));
    let pattern_bounds = patterns.iter().skip(1).map(|p| {
        let c = cx.ct_ty(p.mask);
        let o = cx.out_ty(p);
        quote!(#pv::Pullback<#c, Output = #o>)
    });
    // Precise capturing: the pullback may borrow the named generics, never an elided lifetime, so
    // `svd::rrule(temporary.view())` outlives the temporary. A pullback that keeps a borrow of an
    // input must name that lifetime (`fn f<'a>(x: ArrayView1<'a, f64>)`).
    let captures_bound = quote!(+ use<#(#lifetimes,)* #(#types,)* #(#consts,)*>);
    let impl_ty = quote! {
        impl #(#pattern_bounds +)* #pv::Pullback<#rt_c, Output = #rt_o> + #pv::Patterns<#dense, Output = #dense_out, Runtime = #rt_o> #captures_bound
    };
    let value_ty = &rule.value_ty;
    let pair_ty = quote!((#value_ty, #impl_ty));
    let (ret_ty, ret_expr) = match &rule.error_ty {
        Some(result_ty) => (
            replace_first_arg(result_ty, &pair_ty),
            quote!(::core::result::Result::Ok((__value, __pb))),
        ),
        None => (pair_ty.clone(), quote!((__value, __pb))),
    };
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let inputs = &rule.sig.inputs;

    // The primal: the forward without what only the pullback reads.
    let primal_stmts = zeros::dead_lets(
        zeros::forward_for(&rule.forward, zeros::Side::Primal),
        Some(value),
    );
    let primal_tail = if rule.error_ty.is_some() {
        quote!(::core::result::Result::Ok(#value))
    } else {
        quote!(#value)
    };
    let attrs = &rule.attrs;
    let sig = &rule.sig;
    let cfgs = rule.attrs.iter().filter(|a| a.path().is_ident("cfg"));

    let docs = pattern_docs(&cx, args, patterns);
    let mod_doc = format!(
        "The differentiation rule of `{name}`, generated by `#[rrule]`: `{name}::rrule` returns the value with its pullback."
    );
    let rrule_doc = format!(
        "Runs `{name}` and returns its value with a pullback object that implements `Pullback` for each of the {} patterns below and for the runtime `MaybeZero` pattern.\n\n{docs}",
        patterns.len()
    );

    quote! {
        #(#attrs)*
        #[allow(clippy::needless_pass_by_value, unused_variables, unused_mut)]
        #vis #sig {
            #(#primal_stmts)*
            #primal_tail
        }

        #(#cfgs)*
        #[doc = #mod_doc]
        #vis mod #name {
            #[allow(unused_imports)]
            use super::*;

            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            pub struct __Pullback<__C, #(#fs,)* __M> {
                caps: __C,
                #(#fields: #fs,)*
                marker: #pv::PhantomData<__M>,
            }

            #[doc(hidden)]
            #[inline]
            #[allow(clippy::too_many_arguments, clippy::type_complexity)]
            pub fn __new<#impl_params>(caps: __C, #(#fields: #fs),*) -> #self_ty
            where #(#user_where,)* #(#bounds,)*
            {
                __Pullback { caps, #(#fields,)* marker: #pv::PhantomData }
            }

            #(#static_impls)*

            impl<#impl_params> #pv::Pullback<#rt_c> for #self_ty
            where #(#user_where,)* #(#bounds,)*
            {
                type Output = #rt_o;
                #[allow(unused_variables)]
                fn pullback(&self, cotangent: #rt_c) -> #rt_o {
                    match cotangent {
                        #(#rt_arms,)*
                    }
                }
            }

            impl<#impl_params> #pv::Patterns<#dense> for #self_ty
            where #(#user_where,)* #(#bounds,)*
            {
                type Runtime = #rt_o;
                const COTANGENTS: &'static [&'static str] = &[#(#ct_names),*];
                const INPUTS: &'static [&'static str] = &[#(#in_names),*];
                #[allow(unused_variables, clippy::match_same_arms)]
                fn pullback_static(&self, zero_mask: u64, cotangent: #dense) -> #pv::Option<#rt_o> {
                    let #destructure = cotangent;
                    match zero_mask {
                        #(#static_arms,)*
                        _ => #pv::Option::None,
                    }
                }
                fn pullback_runtime(&self, zero_mask: u64, cotangent: #dense) -> #rt_o {
                    let #destructure = cotangent;
                    #(#to_maybe)*
                    <Self as #pv::Pullback<#rt_c>>::pullback(self, #destructure)
                }
            }

            #[doc = #rrule_doc]
            #[allow(
                clippy::type_complexity,
                clippy::too_many_lines,
                clippy::must_use_candidate,
                clippy::missing_errors_doc,
                clippy::missing_panics_doc,
                clippy::needless_pass_by_value,
                unused_qualifications
            )]
            pub fn rrule #impl_generics (#inputs) -> #ret_ty #where_clause {
                #(#forward)*
                let __value = #value;
                #[allow(
                    unused_variables,
                    unused_mut,
                    unused_assignments,
                    unused_parens,
                    clippy::all,
                    clippy::pedantic
                )]
                let __pb = __new(#caps_tuple, #(#closures),*);
                #ret_expr
            }
        }
    }
}

/// `Result<(T, impl ..), E>` from the user's `Result<T, E>` (or alias `Result<T>`).
fn replace_first_arg(result_ty: &Type, first: &TokenStream) -> TokenStream {
    let mut ty = result_ty.clone();
    if let Type::Path(p) = &mut ty {
        if let Some(last) = p.path.segments.last_mut() {
            if let PathArguments::AngleBracketed(a) = &mut last.arguments {
                if let Some(GenericArgument::Type(t)) = a.args.first_mut() {
                    *t = Type::Verbatim(first.clone());
                }
            }
        }
    }
    ty.to_token_stream()
}

/// The `# Patterns` section of `rrule`'s docs: each pattern and the body it compiles to.
fn pattern_docs(cx: &Ctx<'_>, args: &Args, patterns: &[Pattern]) -> String {
    let ct_names: Vec<String> = cx
        .rule
        .closure
        .cotangents
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let total = cx.rule.closure.body.stmts.len();
    let mut s = String::from(
        "# Patterns\n\nEach pattern below is a separately compiled body: the declared pullback with the \
         statements that only feed zero terms removed. Mask bit `i` is set when output cotangent `i` is `Zero`.\n\n",
    );
    for p in patterns {
        let label = zeros::label(&ct_names, p.mask);
        let params = cx.params(p);
        let kept = p.body.stmts.len();
        let text = zeros::render(
            &args.krate,
            p.mask,
            &quote!(#(#params),*),
            &cx.out_ty(p),
            &p.body,
        );
        s.push_str(&format!(
            "## `{label}` (mask {})\n\nKeeps {kept} of the {total} statements of the declared body.\n\n```text\n{text}```\n\n",
            p.mask
        ));
    }
    s
}
