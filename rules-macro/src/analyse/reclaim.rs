//! `reclaim!(name)`: the last use of a captured value, which `pullback_once` may move out of the
//! pullback (its buffer can then become the result). Here: finding the marks and rejecting the
//! ones that would compile in one set of bodies and not in the other; in `expand`: writing each
//! mark as `Reclaim::Shared(&place)` or `Reclaim::Owned(place)`.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::quote;
use syn::visit::{self, Visit};
use syn::visit_mut::VisitMut;
use syn::{Block, Expr, Ident, Macro, Stmt};

use crate::errors::Ctxt;
use crate::model::Direction;
use crate::syntax;

/// Whether `mac` is a `reclaim!` invocation (the path's last segment is `reclaim`).
fn is_reclaim(mac: &Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "reclaim")
}

/// One `reclaim!` found in the body.
struct Mark {
    name: String,
    /// The top-level statement it is in.
    stmt: usize,
}

/// Collects the marks of one top-level statement, with the misuses visible in the mark itself.
struct Finder<'a> {
    captures: &'a [String],
    /// Loops and closures around the current node.
    depth: usize,
    stmt: usize,
    marks: Vec<Mark>,
    errors: &'a mut Ctxt,
}

impl Finder<'_> {
    fn mark(&mut self, mac: &Macro) {
        if !is_reclaim(mac) {
            return;
        }
        let Ok(id) = syn::parse2::<Ident>(mac.tokens.clone()) else {
            self.errors.error(
                mac,
                "`reclaim!` takes one variable: the captured value whose last use this is, as in `reclaim!(vt)`",
            );
            return;
        };
        let name = id.to_string();
        if !self.captures.contains(&name) {
            self.errors.error(
                &id,
                format!(
                    "`reclaim!({name})`: `{name}` is not a value the pullback captured from the forward pass; only a captured value can be handed over"
                ),
            );
            return;
        }
        if self.depth > 0 {
            self.errors.error(
                mac,
                format!(
                    "`reclaim!({name})` inside a loop or a closure may run more than once; mark the last use of `{name}` outside it"
                ),
            );
            return;
        }
        self.marks.push(Mark {
            name,
            stmt: self.stmt,
        });
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_macro(&mut self, mac: &'ast Macro) {
        self.mark(mac);
    }
    fn visit_expr(&mut self, e: &'ast Expr) {
        let nested = matches!(
            e,
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) | Expr::Closure(_) | Expr::Async(_)
        );
        self.depth += usize::from(nested);
        visit::visit_expr(self, e);
        self.depth -= usize::from(nested);
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The captures `block` (the closure's body) reclaims, each once; every misuse is an error in
/// `errors`: a `reclaim!` of anything but a captured variable, one inside a loop or a closure,
/// one in a pushforward, and a use of the variable in the statement that reclaims it or after it
/// (by value, `pullback_once` has moved it there). The same errors whatever the pattern.
pub(crate) fn find(
    block: &Block,
    captures: &[String],
    direction: Direction,
    errors: &mut Ctxt,
) -> Vec<String> {
    let mut finder = Finder {
        captures,
        depth: 0,
        stmt: 0,
        marks: Vec::new(),
        errors,
    };
    for (i, s) in block.stmts.iter().enumerate() {
        finder.stmt = i;
        finder.visit_stmt(s);
    }
    let marks = finder.marks;
    if direction == Direction::Forward {
        if !marks.is_empty() {
            errors.push(syn::Error::new(
                block.brace_token.span.join(),
                "`reclaim!` is for pullbacks (a pushforward has no `_once` form); read the value instead",
            ));
        }
        return Vec::new();
    }
    let mut names: Vec<String> = Vec::new();
    for m in &marks {
        if let Some(at) = later_use(&block.stmts, m) {
            errors.push(syn::Error::new(
                at,
                format!(
                    "`{0}` is used after `reclaim!({0})` (or beside it, in the same statement), which must be its last use: `pullback_once` has moved `{0}` there",
                    m.name
                ),
            ));
        } else if !names.contains(&m.name) {
            names.push(m.name.clone());
        }
    }
    names
}

/// The first use of `m.name` other than its mark: anywhere in the marked statement outside the
/// mark's own `reclaim!(name)` (before it or after it), or in a later statement (a second
/// `reclaim!(name)` included).
fn later_use(stmts: &[Stmt], m: &Mark) -> Option<Span> {
    let mut found: Option<Span> = None;
    let mut skipped = false;
    let mut own = |g: &TokenStream| {
        let t: Vec<TokenTree> = g.clone().into_iter().collect();
        matches!(t.as_slice(), [TokenTree::Ident(id)] if *id == m.name)
    };
    for s in stmts.iter().skip(m.stmt) {
        syntax::walk_skipping_first(quote!(#s), "reclaim", &mut own, &mut skipped, &mut |at| {
            match at.variable() {
                Some(id) if found.is_none() && *id == m.name => found = Some(id.span()),
                _ => {}
            }
        });
        if found.is_some() {
            break;
        }
    }
    found
}

/// Which bodies a `reclaim!` is written for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `pullback`: `Reclaim::Shared(&place)`.
    Shared,
    /// `pullback_once`: `Reclaim::Owned(place)`.
    Owned,
}

/// Writes every `reclaim!(place)` of a body whose captures are rewritten as
/// `reclaim!(@shared place)` or `reclaim!(@owned place)`, the forms the user's `reclaim!`
/// (`rules_core::reclaim`, through the user's own path) expands.
pub(crate) fn write(body: &mut Block, mode: Mode) {
    struct W(Mode);
    impl VisitMut for W {
        fn visit_macro_mut(&mut self, mac: &mut Macro) {
            if !is_reclaim(mac) {
                return;
            }
            let tag = match self.0 {
                Mode::Shared => "shared",
                Mode::Owned => "owned",
            };
            let span = mac
                .path
                .segments
                .last()
                .map_or_else(Span::call_site, |s| s.ident.span());
            let tag = syntax::ident(tag, span);
            let at: TokenTree = proc_macro2::Punct::new('@', proc_macro2::Spacing::Alone).into();
            let inner = core::mem::take(&mut mac.tokens);
            mac.tokens = TokenStream::from_iter([at]);
            mac.tokens.extend(quote!(#tag #inner));
        }
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    W(mode).visit_block_mut(body);
}
