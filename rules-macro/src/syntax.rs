//! Syntax helpers shared by every stage: the names a pattern binds, and the one walk over raw
//! tokens (macro arguments are tokens, not syntax trees) with the neighbour tests it needs.

use std::collections::BTreeSet;

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Expr, Ident, Pat};

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

/// An identifier named `name` (which may be a raw identifier such as `r#type`).
pub(crate) fn ident(name: &str, span: Span) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, span),
        None => Ident::new(name, span),
    }
}

/// One token of a token tree, seen with its neighbours on the same level.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    tts: &'a [TokenTree],
    i: usize,
}

impl<'a> At<'a> {
    /// The token itself.
    pub(crate) fn tree(self) -> &'a TokenTree {
        &self.tts[self.i]
    }

    /// The punctuation character `offset` places away (negative: before), if there is one.
    fn punct(self, offset: isize) -> Option<char> {
        let j = self.i.checked_add_signed(offset)?;
        match self.tts.get(j) {
            Some(TokenTree::Punct(p)) => Some(p.as_char()),
            _ => None,
        }
    }

    /// Whether the next token is the identifier `name`.
    pub(crate) fn next_is_ident(self, name: &str) -> bool {
        matches!(self.tts.get(self.i + 1), Some(TokenTree::Ident(i)) if i == name)
    }

    /// Whether the next token is a group (a call's argument list).
    pub(crate) fn next_is_group(self) -> bool {
        matches!(self.tts.get(self.i + 1), Some(TokenTree::Group(_)))
    }

    /// The identifier, if this token is one that sits where a variable could: not after `.` or
    /// `::` (a field, method or path segment), not before `!` (a macro name) or `::` (a path
    /// prefix). An over-approximation that ignores scopes: used where "refers to it" is safe.
    pub(crate) fn variable(self) -> Option<&'a Ident> {
        let TokenTree::Ident(id) = self.tree() else {
            return None;
        };
        let (prev, prev2) = (self.punct(-1), self.punct(-2));
        let (next, next2) = (self.punct(1), self.punct(2));
        let field_or_method = prev == Some('.') && prev2 != Some('.');
        let after_path = prev == Some(':') && prev2 == Some(':');
        let macro_name = next == Some('!') && next2 != Some('=');
        let path_prefix = next == Some(':') && next2 == Some(':');
        (!(field_or_method || after_path || macro_name || path_prefix)).then_some(id)
    }
}

/// Calls `f` on every token of `tokens`, looking inside groups (after the group itself). The one
/// walk over raw tokens: the readers below and the capture rewrite are built on it.
pub(crate) fn walk(tokens: TokenStream, f: &mut impl FnMut(At<'_>)) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    for i in 0..tts.len() {
        f(At { tts: &tts, i });
        if let TokenTree::Group(g) = &tts[i] {
            walk(g.stream(), f);
        }
    }
}

/// [`walk`], except that the argument group of the first `name!(..)` invocation for which
/// `skip` returns true is not entered (`skip` sees the group's tokens). Used to tell a
/// variable's uses apart from the one `reclaim!(x)` marks.
pub(crate) fn walk_skipping_first(
    tokens: TokenStream,
    name: &str,
    skip: &mut impl FnMut(&TokenStream) -> bool,
    skipped: &mut bool,
    f: &mut impl FnMut(At<'_>),
) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    for i in 0..tts.len() {
        f(At { tts: &tts, i });
        if let TokenTree::Group(g) = &tts[i] {
            let invoked = i >= 2
                && matches!(&tts[i - 1], TokenTree::Punct(p) if p.as_char() == '!')
                && matches!(&tts[i - 2], TokenTree::Ident(id) if id == name);
            if invoked && !*skipped && skip(&g.stream()) {
                *skipped = true;
                continue;
            }
            walk_skipping_first(g.stream(), name, skip, skipped, f);
        }
    }
}

/// `tokens` with each token for which `f` returns replacement tokens replaced (groups are
/// rebuilt with their spans); [`walk`]'s rewriting twin.
pub(crate) fn rewrite(
    tokens: TokenStream,
    f: &mut impl FnMut(At<'_>) -> Option<TokenStream>,
) -> TokenStream {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    for i in 0..tts.len() {
        if let Some(replacement) = f(At { tts: &tts, i }) {
            out.extend(replacement);
            continue;
        }
        match &tts[i] {
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), rewrite(g.stream(), f));
                ng.set_span(g.span());
                out.extend([TokenTree::Group(ng)]);
            }
            other => out.extend([other.clone()]),
        }
    }
    out
}

/// Every identifier in `node` that may name a variable (see [`At::variable`]).
pub(crate) fn referenced(node: &impl ToTokens) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(node.to_token_stream(), &mut |at| {
        if let Some(id) = at.variable() {
            out.insert(id.to_string());
        }
    });
    out
}

/// Whether `node` may leave the enclosing closure: `return`, `break`, `continue` or `?`.
pub(crate) fn leaves_early(node: &impl ToTokens) -> bool {
    let mut found = false;
    walk(node.to_token_stream(), &mut |at| {
        found |= match at.tree() {
            TokenTree::Ident(i) => i == "return" || i == "break" || i == "continue",
            TokenTree::Punct(p) => p.as_char() == '?',
            _ => false,
        };
    });
    found
}

/// The identifiers followed by the keyword `in`: what `azip!`, `par_azip!` and `for`-like macro
/// syntax bind.
pub(crate) fn macro_binders(tokens: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    walk(tokens, &mut |at| {
        if let TokenTree::Ident(id) = at.tree() {
            if at.next_is_ident("in") {
                out.push(id.to_string());
            }
        }
    });
    out
}

/// Whether macro arguments may write: a `&mut` borrow or a `..._mut(..)` call among them.
pub(crate) fn tokens_may_write(tokens: TokenStream) -> bool {
    let mut found = false;
    walk(tokens, &mut |at| {
        found |= match at.tree() {
            TokenTree::Punct(p) => p.as_char() == '&' && at.next_is_ident("mut"),
            TokenTree::Ident(id) => id.to_string().ends_with("_mut") && at.next_is_group(),
            _ => false,
        };
    });
    found
}

/// `e` without the parentheses (or invisible groups) around it.
pub(crate) fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        Expr::Group(g) => unparen(&g.expr),
        other => other,
    }
}
