//! The driver of `#[rrules]`: an inherent impl block whose methods marked `#[rrule]` become method
//! rules. Each goes through the same pipeline as a free function (parse, analyse, expand), with
//! what the impl block tells it: the self type and the impl's generics. The impl gets `method`
//! and `method_rrule`; the pullback traits follow the impl.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{ImplItem, ItemFn, ItemImpl};

use crate::errors::Ctxt;
use crate::model::Method;
use crate::{analyse, expand, parse};

/// `#[rrules] impl Type { .. }`.
pub(crate) fn rrules(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    if !args.is_empty() {
        cx.error(
            &args,
            "#[rrules] takes no arguments; put `crate = path` on each `#[rrule(..)]` method",
        );
    }
    let mut imp: ItemImpl = match syn::parse2(item.clone()) {
        Ok(i) => i,
        Err(_) => {
            let e = syn::Error::new_spanned(
                &item,
                "#[rrules] applies to an impl block whose methods marked `#[rrule]` are rules",
            )
            .to_compile_error();
            return quote!(#e #item);
        }
    };
    if let Some((_, path, _)) = &imp.trait_ {
        cx.error(
            path,
            "#[rrules] applies to an inherent impl block (`impl Type { .. }`): a trait impl cannot have the extra `method_rrule` methods",
        );
        return with_errors(cx, imp.into_token_stream());
    }
    let method = Method {
        self_ty: (*imp.self_ty).clone(),
        impl_generics: imp.generics.clone(),
    };
    let mut after = TokenStream::new();
    let mut items = Vec::with_capacity(imp.items.len());
    for item in std::mem::take(&mut imp.items) {
        let ImplItem::Fn(mut f) = item else {
            items.push(item);
            continue;
        };
        let Some(pos) = f.attrs.iter().position(|a| a.path().is_ident("rrule")) else {
            items.push(ImplItem::Fn(f));
            continue;
        };
        let attr = f.attrs.remove(pos);
        if let Some(fr) = f
            .attrs
            .iter()
            .find(|a| a.path().segments.last().is_some_and(|s| s.ident == "frule"))
        {
            cx.error(
                fr,
                "#[frule] on a method is not supported yet: keep `#[rrule]` here and declare the forward rule as a free function",
            );
            items.push(ImplItem::Verbatim(stubs(&f)));
            continue;
        }
        let rule_args = match attr.meta {
            syn::Meta::List(l) => l.tokens,
            _ => TokenStream::new(),
        };
        let args = parse::args(&mut cx, rule_args);
        let item_fn = ItemFn {
            attrs: f.attrs.clone(),
            vis: f.vis.clone(),
            sig: f.sig.clone(),
            block: Box::new(f.block.clone()),
        };
        let mut rule_cx = Ctxt::default();
        let rule = parse::method_rule(&mut rule_cx, item_fn, method.clone())
            .into_iter()
            .next();
        match (rule_cx.finish(), rule) {
            (Ok(()), Some(rule)) => {
                let analysis = analyse::analyse(&rule, &expand::rt());
                if let Some(e) = analysis.misuse.clone() {
                    cx.push(e);
                    items.push(ImplItem::Verbatim(stubs(&f)));
                    continue;
                }
                let (in_impl, outside) = expand::expand_method(&args, &rule, &analysis);
                items.push(ImplItem::Verbatim(in_impl));
                after.extend(outside);
            }
            (Err(e), _) => {
                cx.push(e);
                items.push(ImplItem::Verbatim(stubs(&f)));
            }
            (Ok(()), None) => items.push(ImplItem::Verbatim(stubs(&f))),
        }
    }
    imp.items = items;
    let out = quote! {
        #imp
        #after
    };
    with_errors(cx, out)
}

/// The method and `method_rrule` with diverging bodies, so that one mistake in a rule does not
/// cascade into unresolved methods at every call site.
fn stubs(f: &syn::ImplItemFn) -> TokenStream {
    let mut sig = f.sig.clone();
    sig.constness = None;
    sig.asyncness = None;
    sig.unsafety = None;
    let vis = &f.vis;
    let mut rr = sig.clone();
    rr.ident = expand::rrule_method_name(&sig.ident);
    rr.output = syn::parse_quote!(-> !);
    quote! {
        #[allow(unreachable_code, unused_variables, clippy::all)]
        #vis #sig { loop {} }
        #[allow(unreachable_code, unused_variables, clippy::all)]
        #vis #rr { loop {} }
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
