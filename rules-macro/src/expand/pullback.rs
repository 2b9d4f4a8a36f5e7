//! The pullback object: a struct holding the capture tuple and one closure per pattern, its
//! constructor (whose `Fn` bounds let rustc infer every closure's types), one `Pullback<C>` impl
//! per pattern, the runtime `MaybeZero` impl, and the `Patterns` impl for the testing kit.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::{Block, Ident};

use super::{Gen, tuple_or_bare};
use crate::analyse::{Pattern, PatternBody};
use crate::analyse::{captures, reclaim};
use crate::model::Direction;

/// The generics every pullback item is written with.
pub(super) struct Shape {
    /// `<user generics, __C, __F0, ..>`.
    pub(super) impl_params: TokenStream,
    /// The user's `where` predicates, comma-terminated.
    pub(super) user_where: TokenStream,
    /// `__Pullback<__C, __F0, .., [marker]>`.
    pub(super) self_ty: TokenStream,
    /// `__F0: Fn(&__C, ..) -> O`, one per pattern.
    pub(super) bounds: Vec<TokenStream>,
    /// `__G0: Fn(__C, ..) -> O`, one per pattern, for a rule with `reclaim!` (else empty): the
    /// bodies `pullback_once` runs.
    pub(super) once_bounds: Vec<TokenStream>,
    /// The marker type standing for the user's generics; `None` without generics.
    marker: Option<TokenStream>,
}

impl Shape {
    pub(super) fn new(g: &Gen<'_>) -> Shape {
        let generics = &g.generics;
        let user_params = generics.params.iter();
        let user_where = generics
            .where_clause
            .iter()
            .flat_map(|w| w.predicates.iter());
        let scalar = g.scalar_bound();
        // A method's bounds may say `Self`, which means nothing in these items.
        let user_where = super::without_self(g.rule, &quote!(#(#user_where,)* #scalar));
        let lifetimes: Vec<_> = generics.lifetimes().map(|l| &l.lifetime).collect();
        let types: Vec<_> = generics.type_params().map(|t| &t.ident).collect();
        let consts: Vec<_> = generics.const_params().map(|c| &c.ident).collect();
        let marker = (!generics.params.is_empty())
            .then(|| quote!(fn() -> (#(&#lifetimes (),)* #(#types,)* #([(); #consts],)*)));
        let mut fs: Vec<Ident> = g.all_patterns().map(|p| Gen::closure_names(p).0).collect();
        let once_bounds: Vec<TokenStream> = if g.once() {
            fs.extend(g.all_patterns().map(|p| Gen::once_names(p).0));
            g.all_patterns().map(|p| once_bound(g, p)).collect()
        } else {
            Vec::new()
        };
        let strukt = &g.names.strukt;
        let self_ty = quote!(#strukt<__C, #(#fs,)* #marker>);
        let impl_params = super::without_self(g.rule, &quote!(#(#user_params,)* __C, #(#fs),*));
        let bounds = g.all_patterns().map(|p| fn_bound(g, p)).collect();
        Shape {
            impl_params,
            user_where,
            self_ty,
            bounds,
            once_bounds,
            marker,
        }
    }
}

/// `__Fmask: Fn(&__C, ..) -> O`.
fn fn_bound(g: &Gen<'_>, p: &Pattern) -> TokenStream {
    let (f, _) = Gen::closure_names(p);
    let args = g.ct_tys(p.mask);
    let out = g.out_ty(p);
    quote!(#f: ::core::ops::Fn(&__C, #(#args),*) -> #out)
}

/// `__Gmask: Fn(__C, ..) -> O`: the body `pullback_once` runs, which owns the captures.
fn once_bound(g: &Gen<'_>, p: &Pattern) -> TokenStream {
    let (f, _) = Gen::once_names(p);
    let args = g.ct_tys(p.mask);
    let out = g.out_ty(p);
    quote!(#f: ::core::ops::Fn(__C, #(#args),*) -> #out)
}

/// The struct and its constructor.
pub(super) fn make_struct(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    let rt = &g.rt;
    let (mut fs, mut fields): (Vec<Ident>, Vec<Ident>) =
        g.all_patterns().map(Gen::closure_names).unzip();
    if g.once() {
        let (gs, once_fields): (Vec<Ident>, Vec<Ident>) =
            g.all_patterns().map(Gen::once_names).unzip();
        fs.extend(gs);
        fields.extend(once_fields);
    }
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        once_bounds,
        marker,
    } = shape;
    let (marker_param, marker_field, marker_init) = match marker {
        Some(_) => (
            quote!(__M),
            quote!(marker: #rt::PhantomData<__M>,),
            quote!(marker: #rt::PhantomData),
        ),
        None => (TokenStream::new(), TokenStream::new(), TokenStream::new()),
    };
    let (strukt, new) = (&g.names.strukt, &g.names.new);
    quote! {
        #[doc(hidden)]
        pub struct #strukt<__C, #(#fs,)* #marker_param> {
            caps: __C,
            #(#fields: #fs,)*
            #marker_field
        }

        #[doc(hidden)]
        #[inline]
        pub fn #new<#impl_params>(caps: __C, #(#fields: #fs),*) -> #self_ty
        where #user_where #(#bounds,)* #(#once_bounds,)*
        {
            #strukt { caps, #(#fields,)* #marker_init }
        }
    }
}

/// One closure per pattern, for the constructor: `|__caps, dy: DY, _: Zero| -> O { body }`;
/// then, for a rule with `reclaim!`, the same bodies again for `pullback_once`, whose `__caps`
/// is the capture tuple itself (each `reclaim!` there moves its capture out of it).
pub(super) fn make_closures(g: &Gen<'_>) -> Vec<TokenStream> {
    let params = &g.rule.closure.params();
    let caps_id = &captures::caps_ident();
    let modes: &[reclaim::Mode] = if g.once() {
        &[reclaim::Mode::Shared, reclaim::Mode::Owned]
    } else {
        &[reclaim::Mode::Shared]
    };
    modes
        .iter()
        .flat_map(|&mode| {
            g.all_patterns().map(move |p| {
                let mut body = body(g, p);
                captures::rewrite(params, &mut body, &g.analysis.captures);
                reclaim::write(&mut body, mode);
                let ps = g.params(p);
                let out = g.out_ty(p);
                quote!(|#caps_id, #(#ps),*| -> #out #body)
            })
        })
        .collect()
}

/// How a generated impl calls a pattern's body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Call {
    /// `(self.f)(&self.caps, ..)`: `pullback(&self, ..)`.
    Ref,
    /// `(self.g)(self.caps, ..)`: `pullback_once(self, ..)`, the captures moved into the body.
    Once,
}

/// Pattern `p`'s body called on `args` in `mode`.
pub(super) fn call(p: &Pattern, mode: Call, args: &[TokenStream]) -> TokenStream {
    match mode {
        Call::Ref => {
            let (_, field) = Gen::closure_names(p);
            quote!((self.#field)(&self.caps, #(#args),*))
        }
        Call::Once => {
            let (_, field) = Gen::once_names(p);
            quote!((self.#field)(self.caps, #(#args),*))
        }
    }
}

/// The body a pattern's closure runs.
pub(super) fn body(g: &Gen<'_>, p: &Pattern) -> Block {
    match &p.body {
        PatternBody::Runs(b) => b.clone(),
        PatternBody::Nothing => {
            let rt = &g.rt;
            let items: Vec<TokenStream> = (g.ins.iter().zip(&p.skipped))
                .map(|(t, s)| {
                    if *s {
                        quote!(#rt::Skip)
                    } else if crate::model::is_no_tangent(t) {
                        quote!(#rt::NoTangent)
                    } else {
                        g.zero()
                    }
                })
                .collect();
            let tail = tuple_or_bare(&items);
            syn::parse_quote!({ #tail })
        }
        PatternBody::Blocked => syn::parse_quote!({ loop {} }),
    }
}

/// `impl Pullback<C> for __Pullback<..>`, one per pattern: a call of that pattern's closure.
pub(super) fn make_static_impls(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    if let Some(t) = &g.scalar {
        return make_scalar_impl(g, shape, t);
    }
    let rt = &g.rt;
    let k = g.cts.len();
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        ..
    } = shape;
    let impls = g.analysis.patterns.iter().zip(bounds).map(|(p, bound)| {
        let (_, field) = Gen::closure_names(p);
        let c = g.ct_ty(p.mask);
        let o = g.out_ty(p);
        let args = if k == 1 {
            vec![quote!(cotangent)]
        } else {
            (0..k)
                .map(|i| {
                    let idx = syn::Index::from(i);
                    quote!(cotangent.#idx)
                })
                .collect()
        };
        let (tr, method) = (&g.names.tr, &g.names.method);
        quote! {
            impl<#impl_params> #rt::#tr<#c> for #self_ty
            where #user_where #bound
            {
                type Output = #o;
                #[inline]
                fn #method(&self, cotangent: #c) -> #o {
                    (self.#field)(&self.caps, #(#args),*)
                }
            }
        }
    });
    quote!(#(#impls)*)
}

/// The cotangent variables `__c0, __c1, ..` the runtime impls destructure into.
pub(super) fn cotangent_vars(k: usize) -> Vec<Ident> {
    (0..k).map(|i| format_ident!("__c{}", i)).collect()
}

/// The runtime form of pattern `p`'s result: its closure called on the `__c` variables (zero ones
/// as `Zero`), each input cotangent wrapped in `MaybeZero` (`NoTangent` stays). The all-`Zero`
/// pattern calls nothing.
pub(super) fn runtime_call(g: &Gen<'_>, p: &Pattern) -> TokenStream {
    runtime_call_in(g, p, Call::Ref)
}

/// [`runtime_call`], the body called in `mode`.
pub(super) fn runtime_call_in(g: &Gen<'_>, p: &Pattern, mode: Call) -> TokenStream {
    let rt = &g.rt;
    let n = g.ins.len();
    let k = g.cts.len();
    let all = (1u64 << k) - 1;
    let called = p.mask != all;
    let items: Vec<TokenStream> = (0..n)
        .map(|j| {
            let field = if n == 1 {
                quote!(__o)
            } else {
                let idx = syn::Index::from(j);
                quote!(__o.#idx)
            };
            if g.no_tangent[j] {
                if called && !p.skipped[j] {
                    field
                } else {
                    quote!(#rt::NoTangent)
                }
            } else if p.zero_inputs[j] || p.skipped[j] {
                quote!(#rt::MaybeZero::Zero)
            } else {
                quote!(#rt::MaybeZero::Value(#field))
            }
        })
        .collect();
    let result = tuple_or_bare(&items);
    if !called {
        return result;
    }
    let vars = cotangent_vars(k);
    let args: Vec<TokenStream> = (0..k)
        .map(|i| {
            if Gen::is_zero(p.mask, i) {
                g.zero()
            } else {
                vars[i].to_token_stream()
            }
        })
        .collect();
    let called = call(p, mode, &args);
    quote!({
        let __o = #called;
        #result
    })
}

/// For one output whose cotangent is a bare `T: Scalar`: one impl for every `S: ScalarSlot<T>`
/// (`T`, `Zero`, `MaybeZero<T>`), which picks the dense body, the all-`Zero` body or the runtime
/// dispatch. Separate impls for `T` and `Zero` would overlap in the user's crate.
fn make_scalar_impl(g: &Gen<'_>, shape: &Shape, t: &Ident) -> TokenStream {
    let rt = &g.rt;
    let runtime = runtime_match(g, Call::Ref);
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        ..
    } = shape;
    let (tr, method) = (&g.names.tr, &g.names.method);
    let r_out = g.runtime_out_ty();
    let outs: Vec<TokenStream> = g.analysis.patterns.iter().map(|p| g.out_ty(p)).collect();
    let fields: Vec<Ident> = g
        .analysis
        .patterns
        .iter()
        .map(|p| Gen::closure_names(p).1)
        .collect();
    let (slot, calls) = match fields.as_slice() {
        [d, z] => (
            quote!(ScalarSlot),
            quote! {
                |__c| (self.#d)(&self.caps, __c),
                |__c| (self.#z)(&self.caps, __c),
            },
        ),
        [d, z0, z1, z] => (
            quote!(ScalarSlots2),
            quote! {
                |__a, __b| (self.#d)(&self.caps, __a, __b),
                |__a, __b| (self.#z0)(&self.caps, __a, __b),
                |__a, __b| (self.#z1)(&self.caps, __a, __b),
                |__a, __b| (self.#z)(&self.caps, __a, __b),
            },
        ),
        _ => return TokenStream::new(),
    };
    quote! {
        impl<#impl_params, __S: #rt::#slot<#t>> #rt::#tr<__S> for #self_ty
        where #user_where #(#bounds,)*
        {
            type Output = <__S as #rt::#slot<#t>>::Pick<#(#outs,)* #r_out>;
            #[inline]
            fn #method(&self, cotangent: __S) -> Self::Output {
                #rt::#slot::<#t>::pick(
                    cotangent,
                    #calls
                    |cotangent| #runtime,
                )
            }
        }
    }
}

/// The `match` pattern of zero mask `mask` over `MaybeZero` cotangents: `MaybeZero::Zero` where
/// the bit is set, `MaybeZero::Value(__ci)` otherwise.
pub(super) fn maybe_zero_pattern(g: &Gen<'_>, mask: u64, vars: &[Ident]) -> TokenStream {
    let rt = &g.rt;
    let pats: Vec<TokenStream> = (vars.iter().enumerate())
        .map(|(i, v)| {
            if Gen::is_zero(mask, i) {
                quote!(#rt::MaybeZero::Zero)
            } else {
                quote!(#rt::MaybeZero::Value(#v))
            }
        })
        .collect();
    tuple_or_bare(&pats)
}

/// The runtime pattern's body: `match cotangent { .. }` over the `MaybeZero` cotangents, each arm
/// calling its pattern's closure.
pub(super) fn runtime_match(g: &Gen<'_>, mode: Call) -> TokenStream {
    let vars = cotangent_vars(g.cts.len());
    let arms = g.analysis.patterns.iter().map(|p| {
        let pat = maybe_zero_pattern(g, p.mask, &vars);
        let body = runtime_call_in(g, p, mode);
        quote!(#pat => #body)
    });
    quote! {
        match cotangent {
            #(#arms,)*
        }
    }
}

/// `impl Pullback<(MaybeZero<DY>, ..)>`: one `match` over the same closures. (Part of the one
/// impl of a bare scalar cotangent.)
pub(super) fn make_runtime_impl(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    if g.scalar.is_some() {
        return TokenStream::new();
    }
    let rt = &g.rt;
    let runtime = runtime_match(g, Call::Ref);
    let (c, o) = (g.runtime_ct_ty(), g.runtime_out_ty());
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        ..
    } = shape;
    let (tr, method) = (&g.names.tr, &g.names.method);
    quote! {
        impl<#impl_params> #rt::#tr<#c> for #self_ty
        where #user_where #(#bounds,)*
        {
            type Output = #o;
            fn #method(&self, cotangent: #c) -> #o {
                #runtime
            }
        }
    }
}

/// `impl Patterns<Dense>`: every pattern reachable from one dense cotangent and a mask, with
/// `for_methods` (the `PullbackFor` ones, from `pullback_for`, which builds on this module).
pub(super) fn make_patterns_impl(
    g: &Gen<'_>,
    shape: &Shape,
    for_methods: &TokenStream,
) -> TokenStream {
    let rt = &g.rt;
    let vars = cotangent_vars(g.cts.len());
    let destructure = tuple_or_bare(
        &vars
            .iter()
            .map(ToTokens::to_token_stream)
            .collect::<Vec<_>>(),
    );
    let arms = g.analysis.patterns.iter().map(|p| {
        let mask = p.mask;
        let body = runtime_call(g, p);
        quote!(#mask => #rt::Option::Some(#body))
    });
    let to_maybe = vars.iter().enumerate().map(|(i, v)| {
        let bit = 1u64 << i;
        quote!(let #v = if zero_mask & #bit != 0 { #rt::MaybeZero::Zero } else { #rt::MaybeZero::Value(#v) };)
    });
    let cotangent_names = g.rule.closure.cotangents.iter().map(|c| c.name.as_str());
    let input_names: Vec<String> = match g.rule.direction {
        Direction::Reverse => g.rule.inputs.iter().map(|i| i.name.clone()).collect(),
        Direction::Forward => (0..g.ins.len()).map(|i| format!("output {i}")).collect(),
    };
    let names = &g.names;
    let (tr, method, patterns) = (&names.tr, &names.method, &names.patterns);
    let (static_m, runtime_m) = (&names.static_m, &names.runtime_m);
    let (params_const, results_const) = (&names.params_const, &names.results_const);
    let (dense, rt_c, rt_o) = (g.dense_ty(), g.runtime_ct_ty(), g.runtime_out_ty());
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        ..
    } = shape;
    quote! {
        impl<#impl_params> #rt::#patterns<#dense> for #self_ty
        where #user_where #(#bounds,)*
        {
            type Runtime = #rt_o;
            const #params_const: &'static [&'static str] = &[#(#cotangent_names),*];
            const #results_const: &'static [&'static str] = &[#(#input_names),*];
            fn #static_m(&self, zero_mask: u64, cotangent: #dense) -> #rt::Option<#rt_o> {
                let #destructure = cotangent;
                match zero_mask {
                    #(#arms,)*
                    _ => #rt::Option::None,
                }
            }
            fn #runtime_m(&self, zero_mask: u64, cotangent: #dense) -> #rt_o {
                let #destructure = cotangent;
                #(#to_maybe)*
                <Self as #rt::#tr<#rt_c>>::#method(self, #destructure)
            }
            #for_methods
        }
    }
}
