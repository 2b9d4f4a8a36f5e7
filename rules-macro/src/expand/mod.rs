//! Generation: from a [`Rule`] and its [`Analysis`] to code. Nothing here decides anything; each
//! generated item has its own `make_*` function.
//!
//! For `fn f(x: X, k: K) -> Y` with pullback `|dy: DY| -> (DX, DK)` this writes:
//!
//! * `fn f(x, k) -> Y`: the primal, without the statements that only feed the pullback
//!   ([`primal`]);
//! * `struct f {}`, a type in the function's name whose associated `f::rrule(x, k) -> (Y, impl
//!   Pullback<..> + ..)` is the entry point ([`entry`], with its rustdoc from [`docs`]);
//! * inside `const _: () = { .. };`, a pullback struct generic over its capture tuple and one
//!   closure type per pattern with its constructor, one `Pullback<C>` impl per pattern, the
//!   runtime `MaybeZero` impl and the `Patterns` impl for the testing kit ([`pullback`]).
//!
//! Generated code names the runtime only through the alias `__rt` (`use krate::__private as
//! __rt;` inside the `const` block) and `::core`.

mod docs;
mod entry;
mod fallback;
mod lifetimes;
mod on;
mod once;
mod primal;
mod pullback;
mod pullback_for;

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::{Ident, Type};

use crate::analyse::{Analysis, Pattern};
use crate::model::{Args, Direction, Rule, is_no_tangent};
use crate::syntax;

pub(crate) use entry::rrule_method_name;
pub(crate) use fallback::fallback;
pub(crate) use on::{param_name, with_lifetime};

/// The name generated code gives `krate::__private` inside the generated module.
pub(crate) fn rt() -> syn::Path {
    syntax::ident("__rt", proc_macro2::Span::call_site()).into()
}

/// Which generated code an allow list is for.
#[derive(Clone, Copy)]
enum Allow {
    /// The user's function with statements removed: what removing them can cause.
    Primal,
    /// Everything in the generated module: the specialised copies of the user's pullback (lints
    /// there would repeat once per pattern, on code the user did not write) and the plumbing.
    Generated,
}

/// The one allow list of each kind of generated code, so users' `deny(warnings)`, clippy
/// pedantic and `unused_qualifications` stay quiet.
fn generated_allows(kind: Allow) -> TokenStream {
    match kind {
        Allow::Primal => {
            // `h = h * w` in a derived loop is how a carried value is written (a derived body
            // has no `*=`): clippy's suggestion would not compile there.
            quote!(#[allow(unused_variables, unused_mut, clippy::needless_pass_by_value, clippy::assign_op_pattern)])
        }
        Allow::Generated => quote!(#[allow(
            unused_imports,
            unused_variables,
            unused_mut,
            unused_assignments,
            unused_parens,
            unused_braces,
            unused_qualifications,
            unreachable_code,
            non_camel_case_types,
            dead_code,
            missing_docs,
            clippy::all,
            clippy::pedantic,
            clippy::nursery
        )]),
    }
}

/// `(a, b)` for several, `a` for one.
fn tuple_or_bare(items: &[TokenStream]) -> TokenStream {
    match items {
        [one] => one.clone(),
        _ => quote!((#(#items),*)),
    }
}

/// The names a rule of one direction generates and implements.
struct Names {
    /// `Pullback` / `Pushforward`, and its method.
    tr: Ident,
    method: Ident,
    /// `Patterns` / `PushforwardPatterns`, its methods and its name lists.
    patterns: Ident,
    static_m: Ident,
    runtime_m: Ident,
    params_const: Ident,
    results_const: Ident,
    /// The generated struct and its constructor.
    strukt: Ident,
    new: Ident,
    /// The entry point: `rrule` / `frule`.
    entry: Ident,
    /// The suffix of the named trait: `Pullback` / `Pushforward`.
    suffix: &'static str,
}

impl Names {
    fn of(dir: Direction) -> Names {
        let id = |s: &str| Ident::new(s, proc_macro2::Span::call_site());
        match dir {
            Direction::Reverse => Names {
                tr: id("Pullback"),
                method: id("pullback"),
                patterns: id("Patterns"),
                static_m: id("pullback_static"),
                runtime_m: id("pullback_runtime"),
                params_const: id("COTANGENTS"),
                results_const: id("INPUTS"),
                strukt: id("__Pullback"),
                new: id("__new"),
                entry: id("rrule"),
                suffix: "Pullback",
            },
            Direction::Forward => Names {
                tr: id("Pushforward"),
                method: id("pushforward"),
                patterns: id("PushforwardPatterns"),
                static_m: id("pushforward_static"),
                runtime_m: id("pushforward_runtime"),
                params_const: id("TANGENTS"),
                results_const: id("OUTPUTS"),
                strukt: id("__Pushforward"),
                new: id("__new_forward"),
                entry: id("frule"),
                suffix: "Pushforward",
            },
        }
    }
}

/// What every generator reads: the rule, its analysis, and the types it keeps using.
struct Gen<'a> {
    /// The names of this direction's items.
    names: Names,
    rule: &'a Rule,
    analysis: &'a Analysis,
    rt: syn::Path,
    /// Declared cotangent types (the closure's parameters), `Self` replaced by the impl's type.
    cts: Vec<Type>,
    /// Declared input-cotangent types (the closure's return), `Self` replaced likewise.
    ins: Vec<Type>,
    /// Every generic parameter in scope: the function's, and for a method its impl's first.
    generics: syn::Generics,
    no_tangent: Vec<bool>,
    /// `T`, when the rule has one output whose cotangent is the bare type parameter `T`: its
    /// patterns are then picked through `rules_core::Scalar` in one impl (see `pullback`).
    scalar: Option<Ident>,
}

/// `T` if the rule has one output whose cotangent type is a bare type parameter `T` in scope,
/// or two outputs whose cotangents are both `T`.
fn scalar_param(rule: &Rule, generics: &syn::Generics) -> Option<Ident> {
    let bare = |ty: &Type| -> Option<Ident> {
        let Type::Path(p) = ty else { return None };
        let id = p.path.get_ident()?;
        generics
            .type_params()
            .any(|t| t.ident == *id)
            .then(|| id.clone())
    };
    match rule.closure.cotangents.as_slice() {
        [c] => bare(&c.ty),
        // Two outputs whose cotangents are both the same bare `T` (`slogdet -> (T, T)`).
        [a, b] => bare(&a.ty).filter(|t| bare(&b.ty).as_ref() == Some(t)),
        _ => None,
    }
}

/// The generics in scope: for a method, its impl's, then its own.
fn generics_in_scope(rule: &Rule) -> syn::Generics {
    let Some(m) = &rule.method else {
        return rule.sig.generics.clone();
    };
    let mut g = m.impl_generics.clone();
    // Lifetimes first, as Rust requires: the impl's, the method's, then the rest in order.
    let all: Vec<syn::GenericParam> = (m.impl_generics.params.iter())
        .chain(rule.sig.generics.params.iter())
        .cloned()
        .collect();
    let (lifetimes, others): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|p| matches!(p, syn::GenericParam::Lifetime(_)));
    g.params = lifetimes.into_iter().chain(others).collect();
    if let Some(w) = &rule.sig.generics.where_clause {
        g.make_where_clause()
            .predicates
            .extend(w.predicates.iter().cloned());
    }
    g
}

/// `tokens` with the keyword `Self` replaced by the impl's type, for items generated outside the
/// impl (where `Self` means nothing).
fn without_self(rule: &Rule, tokens: &impl ToTokens) -> TokenStream {
    let tokens = tokens.to_token_stream();
    let Some(m) = &rule.method else {
        return tokens;
    };
    let self_ty = &m.self_ty;
    syntax::rewrite(tokens, &mut |at| match at.tree() {
        proc_macro2::TokenTree::Ident(id) if id == "Self" => Some(quote!(#self_ty)),
        _ => None,
    })
}

/// [`without_self`] of a type.
fn type_without_self(rule: &Rule, ty: &Type) -> Type {
    syn::parse2(without_self(rule, ty)).unwrap_or_else(|_| ty.clone())
}

impl<'a> Gen<'a> {
    fn new(rule: &'a Rule, analysis: &'a Analysis) -> Self {
        let generics = generics_in_scope(rule);
        let cotangents = rule.closure.cotangents.iter();
        Gen {
            names: Names::of(rule.direction),
            rule,
            analysis,
            rt: rt(),
            cts: cotangents.map(|c| type_without_self(rule, &c.ty)).collect(),
            ins: (rule.closure.input_cotangents.iter())
                .map(|t| type_without_self(rule, t))
                .collect(),
            no_tangent: (rule.closure.input_cotangents.iter())
                .map(is_no_tangent)
                .collect(),
            scalar: scalar_param(rule, &generics),
            generics,
        }
    }
}

impl Gen<'_> {
    /// Whether `PullbackFor` is generated: within the limit, and not for two bare scalar
    /// cotangents (whose selections would need a dispatch of their own).
    fn pullback_for(&self) -> bool {
        self.analysis.pullback_for && !(self.scalar.is_some() && self.cts.len() == 2)
    }

    /// The bound every generated item adds for a bare scalar cotangent: `T: Scalar,`.
    fn scalar_bound(&self) -> TokenStream {
        let rt = &self.rt;
        match &self.scalar {
            Some(t) => quote!(#t: #rt::Scalar,),
            None => TokenStream::new(),
        }
    }

    fn zero(&self) -> TokenStream {
        let rt = &self.rt;
        quote!(#rt::Zero)
    }

    /// `Zero` where `zero`, else the declared type: the one rule behind every pattern's types.
    fn slot(&self, zero: bool, ty: &Type) -> TokenStream {
        if zero {
            self.zero()
        } else {
            ty.to_token_stream()
        }
    }

    /// Whether cotangent `i` is `Zero` in pattern `mask`.
    fn is_zero(mask: u64, i: usize) -> bool {
        mask & (1 << i) != 0
    }

    /// The cotangent types of pattern `mask`, one per output.
    fn ct_tys(&self, mask: u64) -> Vec<TokenStream> {
        (self.cts.iter().enumerate())
            .map(|(i, t)| self.slot(Self::is_zero(mask, i), t))
            .collect()
    }

    /// The cotangent type of pattern `mask`.
    fn ct_ty(&self, mask: u64) -> TokenStream {
        tuple_or_bare(&self.ct_tys(mask))
    }

    /// The input-cotangent type pattern `p` returns: `Skip` where not wanted, `Zero` where zero.
    fn out_ty(&self, p: &Pattern) -> TokenStream {
        let rt = &self.rt;
        let items: Vec<TokenStream> = (self.ins.iter().zip(&p.zero_inputs).zip(&p.skipped))
            .map(|((t, z), s)| {
                if *s {
                    quote!(#rt::Skip)
                } else {
                    self.slot(*z, t)
                }
            })
            .collect();
        tuple_or_bare(&items)
    }

    /// The selection type of pattern `p`: `Need` or `Skip` per input, bare for one input.
    fn selection_ty(&self, p: &Pattern) -> TokenStream {
        let rt = &self.rt;
        let items: Vec<TokenStream> = (p.skipped.iter())
            .map(|s| {
                if *s {
                    quote!(#rt::Skip)
                } else {
                    quote!(#rt::Need)
                }
            })
            .collect();
        tuple_or_bare(&items)
    }

    /// Every body: the `Pullback` patterns, then the `PullbackFor` selections.
    fn all_patterns(&self) -> impl Iterator<Item = &Pattern> {
        self.analysis
            .patterns
            .iter()
            .chain(&self.analysis.selections)
    }

    /// The body for zero mask `zero` and selection `wanted` (all wanted: a `Pullback` pattern).
    fn pattern_for(&self, zero: u64, wanted: u64) -> Option<&Pattern> {
        self.all_patterns()
            .find(|p| p.mask == zero && p.wanted == wanted)
    }

    /// Every selection mask, all wanted included.
    fn selection_masks(&self) -> std::ops::RangeInclusive<u64> {
        0..=((1u64 << self.ins.len()) - 1)
    }

    /// The closure parameters of pattern `p`: `_: Zero` for a zero cotangent, the declared
    /// `pat: T` otherwise.
    fn params(&self, p: &Pattern) -> Vec<TokenStream> {
        let cotangents = &self.rule.closure.cotangents;
        (cotangents.iter().enumerate())
            .map(|(i, c)| {
                if Self::is_zero(p.mask, i) {
                    let z = self.zero();
                    quote!(_: #z)
                } else {
                    let (pat, ty) = (&c.pat, &c.ty);
                    quote!(#pat: #ty)
                }
            })
            .collect()
    }

    /// `MaybeZero<T>` per cotangent: the runtime pattern's cotangent type.
    fn runtime_ct_ty(&self) -> TokenStream {
        let rt = &self.rt;
        let items: Vec<TokenStream> = self
            .cts
            .iter()
            .map(|t| quote!(#rt::MaybeZero<#t>))
            .collect();
        tuple_or_bare(&items)
    }

    /// `MaybeZero<T>` per input (`NoTangent` stays): the runtime pattern's result type.
    fn runtime_out_ty(&self) -> TokenStream {
        let rt = &self.rt;
        let items: Vec<TokenStream> = (self.ins.iter().zip(&self.no_tangent))
            .map(|(t, nt)| {
                if *nt {
                    t.to_token_stream()
                } else {
                    quote!(#rt::MaybeZero<#t>)
                }
            })
            .collect();
        tuple_or_bare(&items)
    }

    /// The dense cotangent type.
    fn dense_ty(&self) -> TokenStream {
        self.ct_ty(0)
    }

    /// Whether `pullback_once` has bodies of its own: a pullback with `reclaim!` (and not a bare
    /// scalar cotangent, whose `reclaim!` is rejected).
    fn once(&self) -> bool {
        self.rule.direction == Direction::Reverse
            && !self.analysis.reclaims.is_empty()
            && self.scalar.is_none()
    }

    /// The error of a `reclaim!` in a rule whose cotangent is a bare scalar type parameter,
    /// whose patterns are picked through one generic impl with no room for a second body.
    fn reclaim_error(&self) -> Option<TokenStream> {
        if self.analysis.reclaims.is_empty() || self.scalar.is_none() {
            return None;
        }
        let ty = &self.rule.closure.cotangents.first()?.ty;
        Some(
            syn::Error::new_spanned(
                ty,
                "`reclaim!` is not supported in a rule whose cotangent is a bare type parameter; declare the cotangent with a concrete type, or read the value instead",
            )
            .to_compile_error(),
        )
    }

    /// The type parameter and the field of pattern `p`'s `pullback_once` body.
    fn once_names(p: &Pattern) -> (Ident, Ident) {
        let (t, f) = Self::closure_names(p);
        let t = t.to_string().replacen("__F", "__G", 1);
        let f = f.to_string().replacen('f', "g", 1);
        (format_ident!("{}", t), format_ident!("{}", f))
    }

    /// The type parameter and the field of pattern `p`'s closure in the pullback struct.
    fn closure_names(p: &Pattern) -> (Ident, Ident) {
        if p.skipped.iter().any(|s| *s) {
            (
                format_ident!("__F{}w{}", p.mask, p.wanted),
                format_ident!("f{}w{}", p.mask, p.wanted),
            )
        } else {
            (format_ident!("__F{}", p.mask), format_ident!("f{}", p.mask))
        }
    }
}

/// A method rule under `#[rrules]`: the items for the impl block (the primal method and
/// `name_rrule`) and the items after it (the pullback trait, and the errors of statements that
/// could not be specialised).
pub(crate) fn expand_method(
    args: &Args,
    rule: &Rule,
    analysis: &Analysis,
) -> (TokenStream, TokenStream) {
    let krate = &args.krate;
    let g = Gen::new(rule, analysis);
    let primal = primal::make_primal(&g);
    let method = entry::make_method(&g, krate);
    let pullback_trait = entry::make_pullback_trait(&g, krate);
    let errors = (analysis.errors.as_ref().map(syn::Error::to_compile_error))
        .into_iter()
        .chain(g.reclaim_error());
    (
        quote! {
            #primal
            #method
        },
        quote! {
            #(#errors)*
            #pullback_trait
        },
    )
}

/// The whole expansion of a function's rules (one, or two stacked: `#[rrule]` and `#[frule]`)
/// whose analyses may have blocked some patterns: their errors, then the code (a blocked
/// pattern's body diverges, so call sites type-check and each error stands alone).
pub(crate) fn expand(args: &Args, rules: &[Rule], analyses: &[Analysis]) -> TokenStream {
    let krate = &args.krate;
    let gens: Vec<Gen<'_>> = rules
        .iter()
        .zip(analyses)
        .map(|(r, a)| Gen::new(r, a))
        .collect();
    let Some(first) = gens.first() else {
        return TokenStream::new();
    };
    let primal = primal::make_primal(first);
    let rule_type = entry::make_rule_type(&gens, krate);
    let traits = gens.iter().map(|g| entry::make_pullback_trait(g, krate));
    let errors = analyses
        .iter()
        .filter_map(|a| a.errors.as_ref().map(syn::Error::to_compile_error))
        .chain(gens.iter().filter_map(Gen::reclaim_error));
    // The stacked attribute was handled here; name it once so that its import counts as used.
    let stacked = first.rule.stacked.as_ref().map(|p| {
        quote!(const _: () = {
            #[allow(unused_imports)]
            use #p as _;
        };)
    });
    quote! {
        #(#errors)*
        #primal
        #rule_type
        #(#traits)*
        #stacked
    }
}
