//! Captures: the closure's free variables that the forward body or the parameters bind.
//!
//! They move into one tuple owned by the generated object. Each specialised body receives that
//! tuple by reference as `__caps` and reads capture `n` as the place `__caps.n`, which is exactly
//! what a `Fn` closure sees of its captured variables.
//!
//! Both passes walk the body with a stack of scopes so that a closure-local binding that shadows a
//! capture (`let u = ...;`, a closure parameter, a `match` arm, a `for` pattern) is left alone.
//! Identifiers inside macro invocations (`s![..k]`, `azip!`) are scanned token by token.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, FieldValue, Macro, Member, Pat, Stmt};

use crate::syntax;

/// The name of the capture tuple inside the generated bodies (hygienic: user code cannot see it).
pub(crate) fn caps_ident() -> Ident {
    Ident::new("__caps", Span::mixed_site())
}

/// The captures of a closure with parameters `params` and body `body`: the free names of the
/// body that are in `candidates`, in order of first use.
pub(crate) fn find(params: &[Pat], body: &Block, candidates: &[String]) -> Vec<String> {
    let candidates: BTreeMap<String, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect();
    let mut w = Walker::new(&candidates, None);
    w.push(params);
    let mut body = body.clone();
    w.visit_block_mut(&mut body);
    w.found
}

/// Misuses of captures the macro can see, each an error at the user's tokens: a write into a
/// capture (`buf *= &dy`, `buf = ..`, `&mut buf`), and a capture of an owned type (`owned`: an
/// array, a `Vec`) used by value as an operand (`x * k`). The pullback is `Fn` and may run more
/// than once: it reads its captures through `&self`.
pub(crate) fn misuse(
    params: &[Pat],
    body: &Block,
    captures: &[String],
    owned: &[String],
) -> Option<syn::Error> {
    let map: BTreeMap<String, usize> = captures
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect();
    let mut w = Walker::new(&map, None);
    w.check = Some((owned.to_vec(), Vec::new()));
    w.push(params);
    let mut body = body.clone();
    w.visit_block_mut(&mut body);
    let (_, errors) = w.check?;
    errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    })
}

/// Whether a type is an owned container, moved (not copied) when used by value: arrays that own
/// their data, `Vec`, `String`, `Box`.
pub(crate) fn is_owned_container(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    p.path.segments.last().is_some_and(|s| {
        let n = s.ident.to_string();
        matches!(
            n.as_str(),
            "Array" | "ArrayD" | "ArcArray" | "ArcArray1" | "ArcArray2" | "Vec" | "String" | "Box"
        ) || (n.starts_with("Array") && n[5..].chars().all(|c| c.is_ascii_digit()) && n.len() > 5)
    })
}

/// The variable a place expression (`buf`, `buf[i]`, `buf.field`, `(buf)`) is rooted at.
fn place_root(e: &Expr) -> Option<&proc_macro2::Ident> {
    match e {
        Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            Some(&p.path.segments[0].ident)
        }
        Expr::Field(f) => place_root(&f.base),
        Expr::Index(i) => place_root(&i.expr),
        Expr::Paren(p) => place_root(&p.expr),
        _ => None,
    }
}

/// Rewrites every free use of a capture in `body` (whose closure has parameters `params`) into
/// the place `__caps.n`, `n` being the capture's position.
pub(crate) fn rewrite(params: &[Pat], body: &mut Block, captures: &[String]) {
    let map: BTreeMap<String, usize> = captures
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect();
    let mut w = Walker::new(&map, Some(caps_ident()));
    w.push(params);
    w.visit_block_mut(body);
}

struct Walker<'a> {
    scopes: Vec<Vec<String>>,
    candidates: &'a BTreeMap<String, usize>,
    found: Vec<String>,
    rewrite_to: Option<Ident>,
    /// For [`misuse`]: the captures of owned types, and the errors found.
    check: Option<(Vec<String>, Vec<syn::Error>)>,
}

impl<'a> Walker<'a> {
    fn new(candidates: &'a BTreeMap<String, usize>, rewrite_to: Option<Ident>) -> Self {
        Walker {
            scopes: Vec::new(),
            candidates,
            found: Vec::new(),
            rewrite_to,
            check: None,
        }
    }

    /// Reports a write into `target` if it is rooted at a free capture.
    fn check_write(&mut self, target: &Expr, whole: &dyn quote::ToTokens) {
        if self.check.is_none() {
            return;
        }
        let Some(root) = place_root(target) else {
            return;
        };
        let name = root.to_string();
        if self.free_capture(&name).is_none() {
            return;
        }
        let e = syn::Error::new_spanned(
            whole,
            format!(
                "the pullback cannot write into `{name}`: it may run more than once, so it borrows its captures (it reads them through `&self`); compute a new value with `let` instead (`let scaled = &{name} * &dy;` rather than `{name} *= &dy`)"
            ),
        );
        if let Some((_, errors)) = &mut self.check {
            errors.push(e);
        }
    }

    /// Reports an owned capture used by value as an operand.
    fn check_operand(&mut self, operand: &Expr) {
        let Some((owned, _)) = &self.check else {
            return;
        };
        let Expr::Path(p) = operand else { return };
        let Some(root) = place_root(operand) else {
            return;
        };
        let name = root.to_string();
        if !owned.contains(&name) || self.free_capture(&name).is_none() {
            return;
        }
        let e = syn::Error::new_spanned(
            p,
            format!(
                "the pullback cannot move `{name}` into this operator: it may run more than once, so it borrows its captures (it reads them through `&self`); write `&{name}` (ndarray's operators take references), or clone it into a local (`let {name} = {name}.clone();`)"
            ),
        );
        if let Some((_, errors)) = &mut self.check {
            errors.push(e);
        }
    }

    fn push(&mut self, pats: &[Pat]) {
        let names = pats.iter().flat_map(syntax::pat_names).collect();
        self.scopes.push(names);
    }

    fn bind(&mut self, pat: &Pat) {
        let names = syntax::pat_names(pat);
        if let Some(top) = self.scopes.last_mut() {
            top.extend(names);
        }
    }

    /// If `name` is a free use of a capture, records it and returns its index.
    fn free_capture(&mut self, name: &str) -> Option<usize> {
        if self.scopes.iter().any(|s| s.iter().any(|b| b == name)) {
            return None;
        }
        let idx = *self.candidates.get(name)?;
        if !self.found.iter().any(|f| f == name) {
            self.found.push(name.to_owned());
        }
        Some(idx)
    }

    fn place(&self, idx: usize, span: Span) -> Option<Expr> {
        // Resolved as the hygienic `__caps`, located at the user's token: rustc's errors about
        // the place (a move out of it) point at the user's code.
        let mut caps = self.rewrite_to.clone()?;
        caps.set_span(caps.span().located_at(span));
        let idx = syn::Index {
            index: u32::try_from(idx).ok()?,
            span,
        };
        Some(syn::parse_quote!(#caps.#idx))
    }

    fn place_tokens(&self, idx: usize, span: Span) -> Option<TokenStream> {
        let mut caps = self.rewrite_to.clone()?;
        caps.set_span(caps.span().located_at(span));
        let mut dot = Punct::new('.', Spacing::Alone);
        dot.set_span(span);
        let mut lit = proc_macro2::Literal::usize_unsuffixed(idx);
        lit.set_span(span);
        Some(
            [
                TokenTree::Ident(caps),
                TokenTree::Punct(dot),
                TokenTree::Literal(lit),
            ]
            .into_iter()
            .collect(),
        )
    }

    /// Macro arguments, token by token: each free use of a capture becomes its place.
    fn tokens(&mut self, tokens: TokenStream) -> TokenStream {
        syntax::rewrite(tokens, &mut |at| {
            let id = at.variable()?;
            let idx = self.free_capture(&id.to_string())?;
            self.place_tokens(idx, id.span())
        })
    }

    /// Visits an `if`/`while` condition, binding the names its `let`s introduce.
    fn cond(&mut self, cond: &mut Expr) {
        match cond {
            Expr::Let(l) => {
                self.visit_expr_mut(&mut l.expr);
                self.bind(&l.pat);
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.cond(&mut b.left);
                self.cond(&mut b.right);
            }
            other => self.visit_expr_mut(other),
        }
    }
}

impl VisitMut for Walker<'_> {
    fn visit_block_mut(&mut self, block: &mut Block) {
        self.scopes.push(Vec::new());
        for stmt in &mut block.stmts {
            self.visit_stmt_mut(stmt);
        }
        self.scopes.pop();
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        match stmt {
            Stmt::Local(local) => {
                if let Some(init) = &mut local.init {
                    self.visit_expr_mut(&mut init.expr);
                    if let Some((_, diverge)) = &mut init.diverge {
                        self.visit_expr_mut(diverge);
                    }
                }
                self.bind(&local.pat);
            }
            Stmt::Item(_) => {}
            Stmt::Expr(e, _) => self.visit_expr_mut(e),
            Stmt::Macro(m) => self.visit_macro_mut(&mut m.mac),
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        // Names a macro binds itself (`azip!((a in &x) ..)`, `for`-like `x in ..` forms) are not
        // captures anywhere inside that invocation.
        self.scopes.push(syntax::macro_binders(mac.tokens.clone()));
        mac.tokens = self.tokens(core::mem::take(&mut mac.tokens));
        self.scopes.pop();
    }

    fn visit_field_value_mut(&mut self, fv: &mut FieldValue) {
        // `S { k }` must become `S { k: __caps.0 }`.
        if fv.colon_token.is_none() {
            if let Member::Named(name) = &fv.member {
                if let Some(idx) = self.free_capture(&name.to_string()) {
                    if let Some(place) = self.place(idx, name.span()) {
                        fv.colon_token = Some(Default::default());
                        fv.expr = place;
                    }
                }
                return;
            }
        }
        self.visit_expr_mut(&mut fv.expr);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Path(p)
                if p.qself.is_none()
                    && p.path.leading_colon.is_none()
                    && p.path.segments.len() == 1
                    && p.path.segments[0].arguments.is_none() =>
            {
                let ident = &p.path.segments[0].ident;
                if let Some(idx) = self.free_capture(&ident.to_string()) {
                    if let Some(place) = self.place(idx, ident.span()) {
                        *expr = place;
                    }
                }
            }
            Expr::Assign(a) if self.check.is_some() => {
                let whole = a.clone();
                self.check_write(&a.left, &whole);
                visit_mut::visit_expr_assign_mut(self, a);
            }
            Expr::Binary(b) if self.check.is_some() => {
                use syn::BinOp as B;
                let assigns = matches!(
                    b.op,
                    B::AddAssign(_)
                        | B::SubAssign(_)
                        | B::MulAssign(_)
                        | B::DivAssign(_)
                        | B::RemAssign(_)
                        | B::BitXorAssign(_)
                        | B::BitAndAssign(_)
                        | B::BitOrAssign(_)
                        | B::ShlAssign(_)
                        | B::ShrAssign(_)
                );
                let logical = matches!(b.op, B::And(_) | B::Or(_));
                if assigns {
                    let whole = b.clone();
                    self.check_write(&b.left, &whole);
                } else if !logical && !is_comparison(&b.op) {
                    self.check_operand(&b.left);
                    self.check_operand(&b.right);
                }
                visit_mut::visit_expr_binary_mut(self, b);
            }
            Expr::Reference(r) if self.check.is_some() && r.mutability.is_some() => {
                let whole = r.clone();
                self.check_write(&r.expr, &whole);
                visit_mut::visit_expr_reference_mut(self, r);
            }
            Expr::Closure(c) => {
                let params: Vec<Pat> = c.inputs.iter().cloned().collect();
                self.push(&params);
                self.visit_expr_mut(&mut c.body);
                self.scopes.pop();
            }
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                self.push(core::slice::from_ref(&*f.pat));
                self.visit_block_mut(&mut f.body);
                self.scopes.pop();
            }
            Expr::Match(m) => {
                self.visit_expr_mut(&mut m.expr);
                for arm in &mut m.arms {
                    self.push(core::slice::from_ref(&arm.pat));
                    if let Some((_, guard)) = &mut arm.guard {
                        self.visit_expr_mut(guard);
                    }
                    self.visit_expr_mut(&mut arm.body);
                    self.scopes.pop();
                }
            }
            Expr::If(i) => {
                self.scopes.push(Vec::new());
                self.cond(&mut i.cond);
                self.visit_block_mut(&mut i.then_branch);
                self.scopes.pop();
                if let Some((_, e)) = &mut i.else_branch {
                    self.visit_expr_mut(e);
                }
            }
            Expr::While(w) => {
                self.scopes.push(Vec::new());
                self.cond(&mut w.cond);
                self.visit_block_mut(&mut w.body);
                self.scopes.pop();
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `==`, `<`, ..: operators that take their operands by reference.
fn is_comparison(op: &syn::BinOp) -> bool {
    use syn::BinOp as B;
    matches!(
        op,
        B::Eq(_) | B::Ne(_) | B::Lt(_) | B::Le(_) | B::Gt(_) | B::Ge(_)
    )
}
