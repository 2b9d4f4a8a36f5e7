//! The forward body a derived rule declares: for each call of a rule, the call of its value
//! function for the plain function and of its `rrule` (`frule`) for the entry point, the
//! callee's pullback (pushforward) moved into the arena; the intermediates the arena keeps; and
//! the early drops of those it does not.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Pat, Path, Stmt};

use super::LIFETIME;
use super::forms::plain;
use super::loops::{Loop, needs_zero};
use super::names::Names;
use super::walk::{Item, Program, Step};
use crate::model::Direction;
use crate::parse::{FORWARD_ONLY, REVERSE_ONLY};
use crate::syntax;

/// The statements of the forward body, markers included.
pub(super) fn forward(
    program: &Program,
    names: &[(String, Box<Pat>)],
    dirs: &[Direction],
    live: &[bool],
    krate: &Path,
) -> Vec<TokenStream> {
    let drops = early_drops(program, names);
    let lifetime = syn::Lifetime::new(LIFETIME, Span::call_site());
    let arena = syntax::ident(&program.arena, Span::call_site());
    let mut names = program.names.clone();
    // The marker of one direction's statements: `rrule_only` when there is one, else the
    // entry point's own.
    let marker = |dir: Direction| -> TokenStream {
        if dirs.len() == 1 {
            return quote!(#[rrule_only]);
        }
        let m = syntax::ident(
            match dir {
                Direction::Reverse => REVERSE_ONLY,
                Direction::Forward => FORWARD_ONLY,
            },
            Span::call_site(),
        );
        quote!(#[#m])
    };
    let mut out: Vec<TokenStream> = vec![quote! {
        #[rrule_only]
        let mut #arena = #krate::derive::Arena::<#lifetime>::new();
    }];
    for (at, item) in program.items.iter().enumerate() {
        match item {
            Item::Stmt(s) => out.push(quote!(#s)),
            Item::Keep(name) => {
                let id = syntax::ident(name, Span::call_site());
                // SAFETY (of each `keep`): the arena is declared before every borrower and
                // captured by the pullback, which it outlives; see `rules_core::derive::Arena`.
                out.push(quote! {
                    #[rrule_only]
                    let #id = unsafe { #arena.keep_value(#id) };
                });
            }
            Item::Step(i) => {
                let s = &program.steps[*i];
                let (value, args, pat) = (&s.value, &s.args, &s.pat);
                let q = s.fallible.then(|| quote!(?));
                out.push(quote!(#[primal_only] let #pat = #value(#(#args),*)#q;));
                if !live[*i] {
                    out.push(quote!(#[rrule_only] let #pat = #value(#(#args),*)#q;));
                    continue;
                }
                for dir in dirs {
                    let m = marker(*dir);
                    for st in entry_call(s, *dir, &arena, &[], &mut names) {
                        out.push(quote!(#m #st));
                    }
                }
            }
            Item::Loop(l) => {
                let original = &l.stmt;
                for k in &l.keep_before {
                    let id = syntax::ident(k, Span::call_site());
                    out.push(quote! {
                        #[rrule_only]
                        let #id = unsafe { #arena.keep_value(#id) };
                    });
                }
                if !super::reverse::loop_live(l, live) {
                    out.push(quote!(#original));
                    continue;
                }
                out.push(quote!(#[primal_only] #original));
                for (z, source) in &l.outer_zeros {
                    let (z, source) = (
                        syntax::ident(z, Span::call_site()),
                        syntax::ident(source, Span::call_site()),
                    );
                    out.push(quote!(#[rrule_only] let #z = #krate::derive::zeros_like(&#source);));
                }
                for c in &l.recopy {
                    let id = syntax::ident(c, Span::call_site());
                    out.push(quote!(#[rrule_only] let mut #id = ::core::clone::Clone::clone(#id);));
                }
                for dir in dirs {
                    let m = marker(*dir);
                    let body = loop_body(program, l, *dir, &arena, &mut names);
                    let tape = syntax::ident(&l.tape, Span::call_site());
                    let (pat, range) = (&l.stmt.pat, &l.stmt.expr);
                    out.push(quote! {
                        #m
                        let mut #tape = ::std::vec::Vec::new();
                        #m
                        for #pat in #range {
                            #(#body)*
                        }
                    });
                }
                for (c, z) in l.carried.iter().zip(&l.carried_zeros) {
                    if needs_zero(program, c) {
                        let (z, name) = (
                            syntax::ident(z, Span::call_site()),
                            syntax::ident(&c.name, Span::call_site()),
                        );
                        out.push(
                            quote!(#[rrule_only] let #z = #krate::derive::zeros_like(&#name);),
                        );
                    }
                }
            }
        }
        for name in drops.iter().filter(|(_, i)| *i == at).map(|(n, _)| n) {
            let id = syntax::ident(name, Span::call_site());
            out.push(quote!(::core::mem::drop(#id);));
        }
    }
    // An output that was lent to a rule is a reference in `rrule`: return a copy.
    let value_names: Vec<String> = match program.value.as_ref() {
        Some(syn::Expr::Tuple(t)) => t.elems.iter().filter_map(plain).collect(),
        Some(e) => plain(e).into_iter().collect(),
        None => Vec::new(),
    };
    for name in &value_names {
        if program.kept.contains(name) {
            let id = syntax::ident(name, Span::call_site());
            out.push(quote!(#[rrule_only] let #id = ::core::clone::Clone::clone(#id);));
        }
    }
    out
}

/// The call of a step's entry point for `dir`, its pullback (pushforward) moved into the arena;
/// for an assignment of a carried value, the new value assigned after. Names in `renamed` are
/// read through their kept copies (`kept_h` for `h`).
fn entry_call(
    s: &Step,
    dir: Direction,
    arena: &syn::Ident,
    renamed: &[(String, String)],
    names: &mut Names,
) -> Vec<TokenStream> {
    let (entry, obj) = match dir {
        Direction::Reverse => (&s.rrule, s.pullback.clone()),
        Direction::Forward => (&s.frule, s.pushforward.clone()),
    };
    let obj = syntax::ident(&obj, Span::call_site());
    let args: Vec<TokenStream> = s.args.iter().map(|a| rename(quote!(#a), renamed)).collect();
    let q = s.fallible.then(|| quote!(?));
    if s.assign {
        let pat = &s.pat;
        let fresh = syntax::ident(
            &names.fresh(&format!("new_{}", quote!(#pat))),
            Span::call_site(),
        );
        vec![
            quote!(let (#fresh, #obj) = #entry(#(#args),*)#q;),
            quote!(let #obj = unsafe { #arena.keep_pullback(#obj) };),
            quote!(#pat = #fresh;),
        ]
    } else {
        let pat = &s.pat;
        vec![
            quote!(let (#pat, #obj) = #entry(#(#args),*)#q;),
            quote!(let #obj = unsafe { #arena.keep_pullback(#obj) };),
        ]
    }
}

/// `tokens` with each name of `renamed` read as its kept copy.
fn rename(tokens: TokenStream, renamed: &[(String, String)]) -> TokenStream {
    if renamed.is_empty() {
        return tokens;
    }
    syntax::rewrite(tokens, &mut |at| match at.tree() {
        proc_macro2::TokenTree::Ident(i) => {
            let (_, k) = renamed.iter().find(|(r, _)| i == r)?;
            let k = syntax::ident(k, i.span());
            Some(quote!(#k))
        }
        _ => None,
    })
}

/// One iteration of a loop in `rrule` (`frule`): the carried values lent to rules that may keep
/// them kept first, each call of a rule, and its pullbacks pushed to the tape.
fn loop_body(
    program: &Program,
    l: &Loop,
    dir: Direction,
    arena: &syn::Ident,
    names: &mut Names,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut renamed: Vec<(String, String)> = Vec::new();
    for c in &l.kept_carried {
        let k = names.fresh(&format!("kept_{c}"));
        let (id, kid) = (
            syntax::ident(c, Span::call_site()),
            syntax::ident(&k, Span::call_site()),
        );
        out.push(quote!(let #kid = unsafe { #arena.keep_value(#id) };));
        renamed.push((c.clone(), k));
    }
    let mut objs = Vec::new();
    for item in &l.items {
        match item {
            Item::Step(i) => {
                let s = &program.steps[*i];
                out.extend(entry_call(s, dir, arena, &renamed, names));
                let obj = match dir {
                    Direction::Reverse => s.pullback.clone(),
                    Direction::Forward => s.pushforward.clone(),
                };
                objs.push(syntax::ident(&obj, Span::call_site()));
                if s.assign {
                    let pat = &s.pat;
                    let name = quote!(#pat).to_string();
                    renamed.retain(|(r, _)| *r != name);
                }
            }
            Item::Stmt(st) => out.push(rename(quote!(#st), &renamed)),
            Item::Keep(name) => {
                let id = syntax::ident(name, Span::call_site());
                out.push(quote!(let #id = unsafe { #arena.keep_value(#id) };));
            }
            Item::Loop(_) => {}
        }
    }
    let tape = syntax::ident(&l.tape, Span::call_site());
    out.push(quote!(#tape.push((#(#objs,)*));));
    out
}

/// The intermediates that can be freed before the forward ends, each with the item after which
/// it goes: a result of a rule, bound once, not kept by the arena and not returned, whose every
/// later use is lending it (`h.view()`, `&h`) to a rule. Without this a derived forward would hold
/// every intermediate to its end, where code written by hand drops them after their last use.
fn early_drops(p: &Program, inputs: &[(String, Box<Pat>)]) -> Vec<(String, usize)> {
    use std::collections::BTreeMap;
    let mut bound: BTreeMap<String, usize> = BTreeMap::new();
    for (n, _) in inputs {
        *bound.entry(n.clone()).or_default() += 1;
    }
    let mut defined: BTreeMap<String, usize> = BTreeMap::new();
    for (i, item) in p.items.iter().enumerate() {
        let names = match item {
            Item::Step(s) => syntax::pat_names(&p.steps[*s].pat),
            Item::Stmt(st) => match &**st {
                Stmt::Local(l) => syntax::pat_names(&l.pat),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for n in names {
            *bound.entry(n.clone()).or_default() += 1;
            if matches!(item, Item::Step(_)) {
                defined.insert(n, i);
            }
        }
    }
    let returned: Vec<String> = p.value.iter().flat_map(syntax::referenced).collect();
    let lent = |e: &syn::Expr, name: &str| match e {
        syn::Expr::Reference(r) => plain(&r.expr).as_deref() == Some(name),
        syn::Expr::MethodCall(m) => {
            m.method == "view" && m.args.is_empty() && plain(&m.receiver).as_deref() == Some(name)
        }
        _ => false,
    };
    let mut out = Vec::new();
    'names: for (name, def) in &defined {
        if bound[name] != 1 || p.kept.contains(name) || returned.contains(name) {
            continue;
        }
        let mut last = None;
        for (i, item) in p.items.iter().enumerate().skip(def + 1) {
            match item {
                Item::Step(s) => {
                    for a in &p.steps[*s].args {
                        if syntax::referenced(a).contains(name) {
                            if !lent(a, name) {
                                continue 'names;
                            }
                            last = Some(i);
                        }
                    }
                }
                Item::Stmt(st) => {
                    if syntax::referenced(st).contains(name) {
                        continue 'names;
                    }
                }
                Item::Keep(k) if k == name => continue 'names,
                Item::Keep(_) => {}
                Item::Loop(l) => {
                    let st = &l.stmt;
                    if syntax::referenced(&quote!(#st)).contains(name) {
                        continue 'names;
                    }
                }
            }
        }
        if let Some(i) = last {
            out.push((name.clone(), i));
        }
    }
    out
}
