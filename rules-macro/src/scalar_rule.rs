//! `#[scalar_rule(|y| ∂f/∂x)]` on a function of scalars: the partial derivatives, written once in
//! terms of the inputs and the output, give the function's `rrule` and `frule` (generated through
//! the same pipeline as `#[rrule] #[frule]`) and its elementwise versions over arrays of any
//! dimension, `map`, `map_rrule` and `map_frule`, which compute the value and the partials in one
//! pass and keep the partials, not the inputs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Expr, FnArg, Ident, ItemFn, Pat, ReturnType, Type};

use crate::errors::Ctxt;
use crate::model::{Args, Direction};
use crate::{analyse, expand, parse};

/// `#[scalar_rule(|y| partials)] item`.
pub(crate) fn scalar_rule(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let e =
                syn::Error::new_spanned(&item, "#[scalar_rule] applies to a function of scalars")
                    .to_compile_error();
            return quote!(#e #item);
        }
    };
    let closure: Option<syn::ExprClosure> = match syn::parse2(args.clone()) {
        Ok(c) => Some(c),
        Err(_) => {
            cx.error(
                &args,
                "#[scalar_rule] takes the partial derivatives as a closure whose parameter names the output: `#[scalar_rule(|y| y * (1.0 - y))]`, or `|r| (x / r, y / r)` for several inputs",
            );
            None
        }
    };
    let Some(spec) = closure.and_then(|c| check(&mut cx, &f, &c)) else {
        return with_errors(cx, quote!(#f));
    };
    let rule_tokens = rule_source(&f, &spec);
    let mut rule_cx = Ctxt::default();
    let rules = parse::rule(&mut rule_cx, rule_tokens, Direction::Reverse);
    if let Err(e) = rule_cx.finish() {
        cx.push(e);
        return with_errors(cx, quote!(#f));
    }
    let analyses: Vec<analyse::Analysis> = rules
        .iter()
        .map(|r| analyse::analyse(r, &expand::rt()))
        .collect();
    let args = Args {
        derive: false,
        krate: syn::parse_quote!(::rules_core),
    };
    let expansion = expand::expand(&args, &rules, &analyses);
    let maps = maps(&f, &spec);
    with_errors(cx, quote!(#expansion #maps))
}

/// What the declaration says, once checked.
struct Spec {
    /// The inputs' names, in order.
    inputs: Vec<Ident>,
    /// The scalar type of inputs and output (`f64`, `f32` or a type parameter).
    elem: Type,
    /// Whether `elem` is a type parameter.
    generic: bool,
    /// The closure's parameter: the output's name in the partials.
    output: Pat,
    /// One expression per input.
    partials: Vec<Expr>,
}

/// Checks the function (scalars in, one scalar out) and the closure (one partial per input).
fn check(cx: &mut Ctxt, f: &ItemFn, c: &syn::ExprClosure) -> Option<Spec> {
    let params: Vec<&syn::TypeParam> = f.sig.generics.type_params().collect();
    let scalar = |t: &Type| match t {
        Type::Path(p) if p.qself.is_none() => p
            .path
            .get_ident()
            .is_some_and(|i| i == "f64" || i == "f32" || params.iter().any(|tp| tp.ident == *i)),
        _ => false,
    };
    let not_scalar = |t: &Type| {
        format!(
            "#[scalar_rule] applies to a function of scalars (`f64`, `f32` or a type parameter) returning one; `{}` is not a scalar: write the rule with `#[rrule]`",
            quote!(#t).to_string().replace(' ', "")
        )
    };
    let mut inputs = Vec::new();
    let mut elem: Option<Type> = None;
    for arg in &f.sig.inputs {
        match arg {
            FnArg::Receiver(r) => {
                cx.error(r, "#[scalar_rule] applies to a free function of scalars")
            }
            FnArg::Typed(pt) => {
                match &*pt.pat {
                    Pat::Ident(p) if p.ident.to_string().starts_with("__") => cx.error(
                        &p.ident,
                        "names starting with `__` are reserved for the code #[scalar_rule] generates: rename the input",
                    ),
                    Pat::Ident(p) if p.subpat.is_none() => inputs.push(p.ident.clone()),
                    other => cx.error(other, "a scalar rule's inputs are plain names (`x: f64`)"),
                }
                if !scalar(&pt.ty) {
                    cx.error(&pt.ty, not_scalar(&pt.ty));
                } else if let Some(e) = &elem {
                    if *e != *pt.ty {
                        cx.error(
                            &pt.ty,
                            "a scalar rule's inputs and output have one scalar type",
                        );
                    }
                } else {
                    elem = Some((*pt.ty).clone());
                }
            }
        }
    }
    match &f.sig.output {
        ReturnType::Type(_, t) if scalar(t) => {
            if let Some(e) = &elem {
                if **t != *e {
                    cx.error(t, "a scalar rule's inputs and output have one scalar type");
                }
            }
        }
        ReturnType::Type(_, t) => cx.error(t, not_scalar(t)),
        ReturnType::Default => cx.error(&f.sig.ident, "a scalar rule returns a scalar"),
    }
    if inputs.is_empty() {
        cx.error(&f.sig.ident, "a scalar rule needs at least one input");
    }
    if inputs.len() > crate::parse::MAX_OUTPUTS {
        cx.error(
            &f.sig.inputs,
            format!(
                "a scalar rule takes at most {} inputs: its `frule` has one body per pattern of zero input tangents",
                crate::parse::MAX_OUTPUTS
            ),
        );
    }
    let output = match c.inputs.iter().collect::<Vec<_>>().as_slice() {
        [p] => Some((*p).clone()),
        _ => {
            cx.error(
                &c.inputs,
                "the closure of #[scalar_rule] takes one parameter, the output (`|y| ..`)",
            );
            None
        }
    };
    let body = match &*c.body {
        Expr::Paren(p) => (*p.expr).clone(),
        other => other.clone(),
    };
    let partials: Vec<Expr> = match &body {
        Expr::Tuple(t) => t.elems.iter().cloned().collect(),
        other => vec![other.clone()],
    };
    if !inputs.is_empty() && partials.len() != inputs.len() {
        let names: Vec<String> = inputs.iter().map(ToString::to_string).collect();
        cx.error(
            &c.body,
            format!(
                "the scalar rule gives {} partial derivative(s) but `{}` has {} input(s) ({}): give one per input, in order, as a tuple for several",
                partials.len(),
                f.sig.ident,
                inputs.len(),
                names.join(", ")
            ),
        );
    }
    if !cx.is_ok() {
        return None;
    }
    let elem = elem?;
    let generic = matches!(&elem, Type::Path(p) if p.path.get_ident().is_some_and(|i| i != "f64" && i != "f32"));
    Some(Spec {
        inputs,
        elem,
        generic,
        output: output?,
        partials,
    })
}

/// The rule as `#[rrule] #[frule]` source: the value, the partials (computed for the rules only)
/// and the two closures. A generic rule with several inputs gets `rrule` alone (its bare
/// generic tangents would make `frule`'s patterns overlap).
fn rule_source(f: &ItemFn, spec: &Spec) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = f;
    let e = &spec.elem;
    let out = &spec.output;
    let partials = &spec.partials;
    let n = spec.inputs.len();
    let ps: Vec<Ident> = (0..n).map(|i| format_ident!("__p{}", i)).collect();
    let dxs: Vec<Ident> = (0..n).map(|i| format_ident!("__dx{}", i)).collect();
    let forward = !(spec.generic && n > 1);
    let partials_tuple = if n == 1 {
        quote!(#(#partials)*)
    } else {
        quote!((#(#partials),*))
    };
    let bind = if n == 1 {
        quote!(#(#ps)*)
    } else {
        quote!((#(#ps),*))
    };
    let cot_ret = if n == 1 {
        quote!(#e)
    } else {
        let es = (0..n).map(|_| e);
        quote!((#(#es),*))
    };
    let pull_terms = ps.iter().map(|p| quote!(__dy * #p));
    let pull_tail = if n == 1 {
        quote!(#(#pull_terms)*)
    } else {
        quote!((#(#pull_terms),*))
    };
    let push_terms = dxs.iter().zip(&ps).map(|(d, p)| quote!(#d * #p));
    let pushforward = quote!(move |#(#dxs: #e),*| -> #e { #(#push_terms)+* });
    let (frule_attr, third) = if forward {
        (quote!(#[::rules_core::frule]), quote!(, #pushforward))
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    quote! {
        #(#attrs)*
        #frule_attr
        #vis #sig {
            let __value: #e = (move || -> #e #block)();
            #[rrule_only]
            let #bind = {
                let #out = __value;
                #partials_tuple
            };
            (__value, move |__dy: #e| -> #cot_ret { #pull_tail } #third)
        }
    }
}

/// `map`, `map_rrule` and `map_frule` in an impl block of the rule's type.
fn maps(f: &ItemFn, spec: &Spec) -> TokenStream {
    let cfgs: Vec<&syn::Attribute> = f
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .collect();
    let rt = quote!(::rules_core::__private);
    let nd = quote!(#rt::ndarray);
    let name = &f.sig.ident;
    let vis = &f.vis;
    let block = &f.block;
    let e = &spec.elem;
    let xs = &spec.inputs;
    let n = xs.len();
    let (_, _, where_c) = f.sig.generics.split_for_impl();
    let user_params = f.sig.generics.params.iter();
    let user_where = where_c.iter().flat_map(|w| w.predicates.iter());
    let generics = quote!(<'__a, __D: #nd::Dimension, #(#user_params),*>);
    let scalar_bound = quote!(#e: #rt::Scalar + '__a);
    let where_all = quote!(where #(#user_where,)* #scalar_bound);
    let params = xs
        .iter()
        .map(|x| quote!(#x: impl #nd::AsArray<'__a, #e, __D>));
    let params: Vec<TokenStream> = params.collect();
    let views = xs
        .iter()
        .map(|x| quote!(let #x: #nd::ArrayView<'__a, #e, __D> = #x.into();));
    let views: Vec<TokenStream> = views.collect();
    let checks = xs.iter().skip(1).map(|x| {
        let first = &xs[0];
        let (fs, xs_) = (first.to_string(), x.to_string());
        quote! {
            ::core::assert!(
                #x.shape() == #first.shape(),
                "{}: input `{}` has shape {:?}, expected {:?} (the shape of `{}`)",
                ::core::stringify!(#name), #xs_, #x.shape(), #first.shape(), #fs,
            );
        }
    });
    let checks: Vec<TokenStream> = checks.collect();
    let doc_map = format!(
        " `{name}` elementwise over arrays of one shape and any dimension (each input an array or a view, `&a` or `a.view()`).\n\n # Panics\n If the inputs' shapes differ."
    );
    let zip_from = {
        let first = &xs[0];
        let rest = xs.iter().skip(1);
        quote!(#nd::Zip::from(&#first) #(.and(&#rest))*)
    };
    let pats = xs.iter().map(|x| quote!(&#x));
    let map_fn = quote! {
        #[doc = #doc_map]
        #[allow(clippy::needless_pass_by_value, clippy::redundant_closure_call)]
        #vis fn map #generics (#(#params),*) -> #nd::Array<#e, __D> #where_all {
            #(#views)*
            #(#checks)*
            #zip_from.map_collect(|#(#pats),*| -> #e #block)
        }
    };
    if n > 2 {
        return quote! {
            #(#cfgs)*
            #[allow(non_camel_case_types, dead_code, missing_docs, unused_variables, clippy::all, clippy::pedantic)]
            impl #name { #map_fn }
        };
    }
    let out = &spec.output;
    let partials = &spec.partials;
    let qs: Vec<Ident> = (0..n).map(|i| format_ident!("__q{}", i)).collect();
    let ps: Vec<Ident> = (0..n).map(|i| format_ident!("__p{}", i)).collect();
    let partials_tuple = if n == 1 {
        quote!((#(#partials),*,))
    } else {
        quote!((#(#partials),*))
    };
    let pats2 = xs.iter().map(|x| quote!(&#x));
    let ps_ty = (0..n).map(|_| quote!(#nd::Array<#e, __D>));
    let elementwise = quote!(#rt::Elementwise<(#(#ps_ty,)*)>);
    let first = &xs[0];
    let forward_pass = quote! {
        #(#views)*
        #(#checks)*
        let __shape = #first.raw_dim();
        let mut __value = #nd::Array::<#e, __D>::zeros(__shape.clone());
        #(let mut #ps = #nd::Array::<#e, __D>::zeros(__shape.clone());)*
        #nd::Zip::from(&mut __value) #(.and(&mut #ps))* #(.and(&#xs))*
            .for_each(|__v, #(#qs,)* #(#pats2),*| {
                let __y: #e = (|| -> #e #block)();
                let (#(#ps,)*) = { let #out = __y; #partials_tuple };
                *__v = __y;
                #(*#qs = #ps;)*
            });
        (__value, #rt::Elementwise::new((#(#ps,)*)))
    };
    let doc_rrule = format!(
        " `{name}::map` with its pullback: the value and the partial derivatives are computed in one pass over the data, and the pullback keeps the partials (not the inputs), so it borrows nothing.\n\n # Panics\n If the inputs' shapes differ."
    );
    let doc_frule = format!(
        " `{name}::map` with its pushforward, computed as for `map_rrule`.\n\n # Panics\n If the inputs' shapes differ."
    );
    let frule = if spec.generic && n > 1 {
        TokenStream::new()
    } else {
        quote! {
            #[doc = #doc_frule]
            #[allow(clippy::needless_pass_by_value)]
            #vis fn map_frule #generics (#(#params),*) -> (#nd::Array<#e, __D>, #elementwise) #where_all {
                #forward_pass
            }
        }
    };
    let map_on = make_map_on(f, spec);
    quote! {
        #(#cfgs)*
        #[allow(non_camel_case_types, dead_code, missing_docs, unused_variables, clippy::all, clippy::pedantic)]
        impl #name {
            #map_fn

            #[doc = #doc_rrule]
            #[allow(clippy::needless_pass_by_value)]
            #vis fn map_rrule #generics (#(#params),*) -> (#nd::Array<#e, __D>, #elementwise) #where_all {
                #forward_pass
            }

            #frule

            #map_on
        }
    }
}

/// `name::map_on(tape, xs..)`: `map` on a tape, each input a `Var` of an array or a constant
/// array; the recorded pullback keeps the partials only.
fn make_map_on(f: &ItemFn, spec: &Spec) -> TokenStream {
    let rt = quote!(::rules_core::__private);
    let nd = quote!(#rt::ndarray);
    let (name, vis, e) = (&f.sig.ident, &f.vis, &spec.elem);
    let n = spec.inputs.len();
    let own_lifetimes = f.sig.generics.lifetimes();
    let own_others =
        (f.sig.generics.params.iter()).filter(|p| !matches!(p, syn::GenericParam::Lifetime(_)));
    let user_where = (f.sig.generics.where_clause.iter()).flat_map(|w| w.predicates.iter());
    let arr = quote!(#nd::Array<#e, __D>);
    let view = quote!(#nd::ArrayView<'__s, #e, __D>);
    let (mut params, mut generics, mut bounds, mut lends, mut lents, mut values, mut sources) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let rule = format!("{name}::map");
    for (i, x) in spec.inputs.iter().enumerate() {
        let (big, l, v) = (
            format_ident!("__A{}", i),
            format_ident!("__l{}", i),
            format_ident!("__v{}", i),
        );
        params.push(quote!(#x: #big));
        bounds.push(quote!(#big: for<'__s> #rt::tape::ArgRef<'__s, '__t, #view, #arr>));
        lends.push(quote!(let #l = #rt::tape::ArgRef::lend_ref(&#x, __tape, #rule);));
        lents.push(quote!(#l));
        values.push(quote!(#v));
        sources.push(quote!(#l.source()));
        generics.push(big);
    }
    let doc = format!(
        " `{name}::map` on a tape: each input a `Var` of an array or a constant array (see `rules_core::tape`). The recorded pullback keeps the partials, not the inputs; it computes the partials of constants too.\n\n # Panics\n If the inputs' shapes differ."
    );
    quote! {
        #[doc = #doc]
        #vis fn map_on<'__t, #(#own_lifetimes,)* __D: #nd::Dimension + 'static, #(#own_others,)* #(#generics),*>(
            __tape: &'__t #rt::tape::Tape<'__t, '_>,
            #(#params),*
        ) -> #rt::tape::Var<'__t, #arr>
        where
            #(#user_where,)*
            #e: #rt::Scalar,
            #(#bounds,)*
        {
            #(#lends)*
            let __sources = [#(#sources),*];
            if __sources.iter().all(#rt::Option::is_none) {
                return __tape.constant(__tape.primal((#(#lents,)*), |(#(#values,)*)| Self::map(#(#values),*)));
            }
            let (__node, __value) = match __tape.record(
                (#(#lents,)*),
                __sources,
                |(#(#values,)*)| ::core::result::Result::<_, ::core::convert::Infallible>::Ok(Self::map_rrule(#(#values),*)),
                |__pb, _: [bool; #n], __c: #rt::MaybeZero<#arr>| {
                    #rt::Pullback::<#rt::MaybeZero<#arr>>::pullback(&__pb, __c)
                },
            ) {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => match e {},
            };
            __tape.output::<#arr, _>(__node, 0, __value)
        }
    }
}

/// `tokens` preceded by the errors of `cx`, if any.
fn with_errors(cx: Ctxt, tokens: TokenStream) -> TokenStream {
    match cx.finish() {
        Ok(()) => tokens,
        Err(e) => {
            let errors = e.to_compile_error();
            quote!(#errors #tokens)
        }
    }
}
