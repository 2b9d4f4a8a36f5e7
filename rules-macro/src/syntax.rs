//! Names: the identifiers a pattern binds and the identifiers an expression may refer to.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Ident, Pat};

/// Appends the identifiers `pat` binds.
pub(crate) fn pat_bindings(pat: &Pat, out: &mut Vec<Ident>) {
    match pat {
        Pat::Ident(p) => {
            out.push(p.ident.clone());
            if let Some((_, sub)) = &p.subpat {
                pat_bindings(sub, out);
            }
        }
        Pat::Tuple(t) => t.elems.iter().for_each(|p| pat_bindings(p, out)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pat_bindings(p, out)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| pat_bindings(&f.pat, out)),
        Pat::Slice(s) => s.elems.iter().for_each(|p| pat_bindings(p, out)),
        Pat::Reference(r) => pat_bindings(&r.pat, out),
        Pat::Type(t) => pat_bindings(&t.pat, out),
        Pat::Paren(p) => pat_bindings(&p.pat, out),
        Pat::Or(o) => {
            if let Some(first) = o.cases.first() {
                pat_bindings(first, out);
            }
        }
        _ => {}
    }
}

/// The identifiers `pat` binds, as strings.
pub(crate) fn pat_names(pat: &Pat) -> Vec<String> {
    let mut v = Vec::new();
    pat_bindings(pat, &mut v);
    v.into_iter().map(|i| i.to_string()).collect()
}

/// Every identifier in `node` that may name a variable: an over-approximation (it ignores scopes)
/// that leaves out field and method names (after `.`), macro names (before `!`) and path
/// prefixes (before `::`). Used where erring on the side of "refers to it" is safe.
pub(crate) fn referenced(node: &impl ToTokens) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    scan(node.to_token_stream(), &mut |i| {
        out.insert(i.to_string());
    });
    out
}

/// Calls `f` for each identifier token of `tokens` that may name a variable (see [`referenced`]).
pub(crate) fn scan(tokens: TokenStream, f: &mut impl FnMut(&Ident)) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Group(g) => scan(g.stream(), f),
            TokenTree::Ident(id) if may_be_variable(&tts, i) => f(id),
            _ => {}
        }
    }
}

/// Whether the identifier at `tts[i]` sits where a variable could: not after `.` or `::`, not
/// before `!` or `::`.
pub(crate) fn may_be_variable(tts: &[TokenTree], i: usize) -> bool {
    let punct = |j: Option<usize>| match j.and_then(|j| tts.get(j)) {
        Some(TokenTree::Punct(p)) => Some(p.as_char()),
        _ => None,
    };
    let prev = punct(i.checked_sub(1));
    let prev2 = punct(i.checked_sub(2));
    let next = punct(Some(i + 1));
    let next2 = punct(Some(i + 2));
    let field_or_method = prev == Some('.') && prev2 != Some('.');
    if field_or_method || (prev == Some(':') && prev2 == Some(':')) {
        return false;
    }
    if next == Some('!') && next2 != Some('=') {
        return false;
    }
    !(next == Some(':') && next2 == Some(':'))
}

/// An identifier named `name` (which may be a raw identifier such as `r#type`).
pub(crate) fn ident(name: &str, span: proc_macro2::Span) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, span),
        None => Ident::new(name, span),
    }
}
