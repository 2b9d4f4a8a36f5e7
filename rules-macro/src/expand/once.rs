//! `PullbackOnce` and `PullbackForOnce`: the pullback run for the last time, taking `self`.
//!
//! A rule without `reclaim!` forwards both to `pullback` and `pullback_for` in two generic
//! impls. A rule with `reclaim!` has a second closure per body, which owns the capture tuple,
//! and one impl per pattern and selection calls it, as the `&self` impls call the first.

use proc_macro2::TokenStream;
use quote::quote;

use super::Gen;
use super::pullback::{Call, Shape, call, runtime_match};
use super::pullback_for::{args, runtime_dispatch};
use crate::model::Direction;

/// Every `PullbackOnce` and `PullbackForOnce` impl of a pullback (nothing for a pushforward).
pub(super) fn make_impls(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    if g.rule.direction != Direction::Reverse {
        return TokenStream::new();
    }
    if g.once() {
        owning_impls(g, shape)
    } else {
        forwarding_impls(g, shape)
    }
}

/// `pullback_once` is `pullback`, and `pullback_for_once` is `pullback_for`, for every pattern.
fn forwarding_impls(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    let rt = &g.rt;
    let Shape {
        impl_params,
        user_where,
        self_ty,
        ..
    } = shape;
    quote! {
        impl<#impl_params, __X> #rt::PullbackOnce<__X> for #self_ty
        where #user_where Self: #rt::Pullback<__X>
        {
            #[inline]
            fn pullback_once(self, cotangent: __X) -> <Self as #rt::Pullback<__X>>::Output {
                #rt::Pullback::pullback(&self, cotangent)
            }
        }

        impl<#impl_params, __W, __X> #rt::PullbackForOnce<__W, __X> for #self_ty
        where #user_where Self: #rt::PullbackFor<__W, __X>
        {
            #[inline]
            fn pullback_for_once(self, wanted: __W, cotangent: __X) -> <Self as #rt::PullbackFor<__W, __X>>::Output {
                #rt::PullbackFor::pullback_for(&self, wanted, cotangent)
            }
        }
    }
}

/// One impl per pattern, the runtime pattern, and (within the limit) per selection and the
/// runtime selection, each calling the bodies that own the captures.
fn owning_impls(g: &Gen<'_>, shape: &Shape) -> TokenStream {
    let rt = &g.rt;
    let args = args(g);
    let Shape {
        impl_params,
        user_where,
        self_ty,
        bounds,
        once_bounds,
        ..
    } = shape;
    let n_patterns = g.analysis.patterns.len();
    let (rt_c, rt_o) = (g.runtime_ct_ty(), g.runtime_out_ty());
    // The patterns come first in `all_patterns`, so bound `i` is pattern `i`'s.
    let statics = (g.analysis.patterns.iter().enumerate()).map(|(i, p)| {
        let (c, o) = (g.ct_ty(p.mask), g.out_ty(p));
        let (f, once) = (&bounds[i], &once_bounds[i]);
        let body = call(p, Call::Once, &args);
        quote! {
            impl<#impl_params> #rt::PullbackOnce<#c> for #self_ty
            where #user_where #f, #once
            {
                #[inline]
                fn pullback_once(self, cotangent: #c) -> #o {
                    #body
                }
            }
        }
    });
    let runtime = runtime_match(g, Call::Once);
    // The `&self` runtime impl, the supertrait's, is bounded by every body's closure.
    let pattern_once = &once_bounds[..n_patterns];
    let mut out = quote! {
        #(#statics)*
        impl<#impl_params> #rt::PullbackOnce<#rt_c> for #self_ty
        where #user_where #(#bounds,)* #(#pattern_once,)*
        {
            fn pullback_once(self, cotangent: #rt_c) -> #rt_o {
                #runtime
            }
        }
    };
    if !g.pullback_for() {
        return out;
    }
    let selections = (g.all_patterns().zip(bounds).zip(once_bounds)).map(|((p, f), once)| {
        let (w, c, o) = (g.selection_ty(p), g.ct_ty(p.mask), g.out_ty(p));
        let body = call(p, Call::Once, &args);
        quote! {
            impl<#impl_params> #rt::PullbackForOnce<#w, #c> for #self_ty
            where #user_where #f, #once
            {
                #[inline]
                fn pullback_for_once(self, _: #w, cotangent: #c) -> #o {
                    #body
                }
            }
        }
    });
    let n = g.ins.len();
    let dispatch = runtime_dispatch(g, Call::Once);
    out.extend(quote! {
        #(#selections)*
        impl<#impl_params> #rt::PullbackForOnce<[bool; #n], #rt_c> for #self_ty
        where #user_where #(#bounds,)* #(#once_bounds,)*
        {
            fn pullback_for_once(self, wanted: [bool; #n], cotangent: #rt_c) -> #rt_o {
                let __w = wanted
                    .iter()
                    .enumerate()
                    .fold(0u64, |m, (j, &b)| if b { m | (1u64 << j) } else { m });
                #dispatch
            }
        }
    });
    out
}
