//! `PullbackFor`: one impl per selection of wanted inputs and pattern of `Zero` cotangents, each a
//! call of that body's closure (for a bare scalar cotangent, one impl per selection that picks
//! the pattern), the runtime `[bool; N]` form, and the `Patterns` methods the testing kit uses.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::Ident;

use super::pullback::{
    Call, Shape, cotangent_vars, maybe_zero_pattern, runtime_call, runtime_call_in,
};
use super::{Gen, tuple_or_bare};
use crate::analyse::Pattern;

/// Every `PullbackFor` impl of the rule; nothing beyond the limit.
pub(super) fn make_impls(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    if !g.pullback_for() {
        return TokenStream::new();
    }
    let statics = match &g.scalar {
        Some(t) => scalar_impls(g, shape, t),
        None => static_impls(g, shape),
    };
    let runtime = runtime_impl(g, shape);
    quote!(#statics #runtime)
}

/// The arguments of a closure call from `cotangent`: bare for one output, fields for several.
pub(super) fn args(g: &Gen<'_>) -> Vec<TokenStream> {
    let k = g.cts.len();
    if k == 1 {
        return vec![quote!(cotangent)];
    }
    (0..k)
        .map(|i| {
            let idx = syn::Index::from(i);
            quote!(cotangent.#idx)
        })
        .collect()
}

/// `impl PullbackFor<(Need, Skip, ..), C>`, one per body.
fn static_impls(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    let rt = &g.rt;
    let args = args(g);
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        ..
    } = shape;
    let impls = g.all_patterns().zip(bounds).map(|(p, bound)| {
        let (_, field) = Gen::closure_names(p);
        let (w, c, o) = (g.selection_ty(p), g.ct_ty(p.mask), g.out_ty(p));
        quote! {
            impl<#impl_params> #rt::PullbackFor<#w, #c> for #self_ty
            where #user_where #bound
            {
                type Output = #o;
                #[inline]
                fn pullback_for(&self, _: #w, cotangent: #c) -> #o {
                    (self.#field)(&self.caps, #(#args),*)
                }
            }
        }
    });
    quote!(#(#impls)*)
}

/// For a bare `T: Scalar` cotangent: per selection, one impl for every `S: ScalarSlot<T>`.
fn scalar_impls(g: &Gen<'_>, shape: &Shape, t: &Ident) -> TokenStream {
    let rt = &g.rt;
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        ..
    } = shape;
    let impls = g.selection_masks().filter_map(|w| {
        let (dense, zero) = (g.pattern_for(0, w)?, g.pattern_for(1, w)?);
        let sel = g.selection_ty(dense);
        let (d_out, z_out, r_out) = (g.out_ty(dense), g.out_ty(zero), g.runtime_out_ty());
        let (_, d_field) = Gen::closure_names(dense);
        let (_, z_field) = Gen::closure_names(zero);
        let (d_run, z_run) = (runtime_call(g, dense), runtime_call(g, zero));
        Some(quote! {
            impl<#impl_params, __S: #rt::ScalarSlot<#t>> #rt::PullbackFor<#sel, __S> for #self_ty
            where #user_where #(#bounds,)*
            {
                type Output = <__S as #rt::ScalarSlot<#t>>::Pick<#d_out, #z_out, #r_out>;
                #[inline]
                fn pullback_for(&self, _: #sel, cotangent: __S) -> Self::Output {
                    #rt::ScalarSlot::<#t>::pick(
                        cotangent,
                        |__c| (self.#d_field)(&self.caps, __c),
                        |__c| (self.#z_field)(&self.caps, __c),
                        |cotangent| match cotangent {
                            #rt::MaybeZero::Value(__c0) => #d_run,
                            #rt::MaybeZero::Zero => #z_run,
                        },
                    )
                }
            }
        })
    });
    quote!(#(#impls)*)
}

/// The dispatch of the runtime form: on the cotangents' `MaybeZero` variants, then on the
/// selection mask `__w`, to each body's closure.
pub(super) fn runtime_dispatch(g: &Gen<'_>, mode: Call) -> TokenStream {
    let vars = cotangent_vars(g.cts.len());
    let last = *g.selection_masks().end();
    let arms = g.analysis.patterns.iter().map(|zp| {
        let pat = maybe_zero_pattern(g, zp.mask, &vars);
        let inner = g.selection_masks().filter_map(|w| {
            let p: &Pattern = g.pattern_for(zp.mask, w)?;
            let body = runtime_call_in(g, p, mode);
            Some(if w == last {
                quote!(_ => #body)
            } else {
                quote!(#w => #body)
            })
        });
        quote!(#pat => match __w { #(#inner,)* })
    });
    quote! {
        match cotangent {
            #(#arms,)*
        }
    }
}

/// `impl PullbackFor<[bool; N], (MaybeZero<..>, ..)>`: the selection and the zeros decided at
/// run time, dispatched to the same bodies.
fn runtime_impl(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    let rt = &g.rt;
    let n = g.ins.len();
    let (c, o) = (g.runtime_ct_ty(), g.runtime_out_ty());
    let dispatch = runtime_dispatch(g, Call::Ref);
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        ..
    } = shape;
    quote! {
        impl<#impl_params> #rt::PullbackFor<[bool; #n], #c> for #self_ty
        where #user_where #(#bounds,)*
        {
            type Output = #o;
            fn pullback_for(&self, wanted: [bool; #n], cotangent: #c) -> #o {
                let __w = wanted
                    .iter()
                    .enumerate()
                    .fold(0u64, |m, (j, &b)| if b { m | (1u64 << j) } else { m });
                #dispatch
            }
        }
    }
}

/// `Patterns::pullback_for_static` and `pullback_for_runtime`, for the testing kit.
pub(super) fn patterns_methods(g: &Gen<'_>) -> TokenStream {
    if !g.pullback_for() {
        return TokenStream::new();
    }
    let rt = &g.rt;
    let n = g.ins.len();
    let vars = cotangent_vars(g.cts.len());
    let destructure = tuple_or_bare(
        &vars
            .iter()
            .map(ToTokens::to_token_stream)
            .collect::<Vec<_>>(),
    );
    let (dense, rt_c, rt_o) = (g.dense_ty(), g.runtime_ct_ty(), g.runtime_out_ty());
    let arms = g.all_patterns().map(|p| {
        let (w, z) = (p.wanted, p.mask);
        let body = runtime_call(g, p);
        quote!((#w, #z) => #rt::Option::Some(#body))
    });
    let to_maybe = vars.iter().enumerate().map(|(i, v)| {
        let bit = 1u64 << i;
        quote!(let #v = if zero_mask & #bit != 0 { #rt::MaybeZero::Zero } else { #rt::MaybeZero::Value(#v) };)
    });
    let limit = 1u64 << n;
    quote! {
        fn pullback_for_static(&self, wanted: u64, zero_mask: u64, cotangent: #dense) -> #rt::Option<#rt_o> {
            let #destructure = cotangent;
            match (wanted, zero_mask) {
                #(#arms,)*
                _ => #rt::Option::None,
            }
        }
        fn pullback_for_runtime(&self, wanted: u64, zero_mask: u64, cotangent: #dense) -> #rt::Option<#rt_o> {
            if wanted >= #limit {
                return #rt::Option::None;
            }
            let __sel: [bool; #n] = ::core::array::from_fn(|j| wanted & (1u64 << j) != 0);
            let #destructure = cotangent;
            #(#to_maybe)*
            #rt::Option::Some(<Self as #rt::PullbackFor<[bool; #n], #rt_c>>::pullback_for(self, __sel, #destructure))
        }
    }
}
