//! Zero propagation and dead-code removal, once per pattern of `Zero` cotangents.
//!
//! A pullback is linear in its cotangents, so an expression whose cotangent-dependent inputs are
//! all zero is itself zero. The pass walks the closure body in order and tracks, for each local
//! name, the set of cotangents it depends on (a bit mask; `0` means it depends on none, a primal
//! value). With `Z` the zero cotangents of the pattern, a name is *zero* when its mask is
//! non-empty and inside `Z`. Then:
//!
//! * `let p = e;` with `e` zero is dropped and `p` is zero;
//! * `a + b` / `a - b` with one side zero keep the other side (`-b` for `zero - b`), with the type
//!   the sum had (a borrowed side is copied once, as `&a + &b` would have done);
//! * `x += e` / `x -= e` with `e` zero are dropped; with `x` zero they start `x` afresh
//!   (`let mut x = e;`), which is how accumulators stay cheap;
//! * a statement whose cotangent inputs are all zero is dropped, unless it could write into a
//!   non-zero local (a method call's receiver, a `&mut` borrow, a macro's arguments);
//! * each zero input cotangent in the tail becomes the value `Zero`;
//! * `let`s whose names nothing kept reads are removed (one backward pass).
//!
//! Anything else that mixes a zero with a non-zero cotangent (a call taking both) cannot be
//! decided here. It is rejected with an error at that statement, which says how to split it, unless
//! the statement is marked `#[pass_zero]`: then each zero argument is passed as the value `Zero`
//! and the callee (generic over `Zero`, such as one taking `impl Into<MaybeZero<_>>`) is
//! monomorphised for it. The pass is never silently wrong.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{BinOp, Block, Expr, Local, LocalInit, Path, Stmt, UnOp};

use crate::model::Closure;
use crate::names;

/// One specialised pullback body.
pub(crate) struct Pattern {
    /// Bit `i` set: cotangent `i` is `Zero` in this pattern.
    pub(crate) mask: u64,
    /// The body, in the user's names (captures not yet rewritten).
    pub(crate) body: Block,
    /// Per input: `true` if its cotangent comes back as `Zero`.
    pub(crate) zero_inputs: Vec<bool>,
}

/// Why a pattern could not be specialised: the statement and the message.
pub(crate) struct Blocked {
    pub(crate) at: TokenStream,
    pub(crate) message: String,
}

/// The name of the marker attribute that lets zero arguments through as `Zero`.
const PASS_ZERO: &str = "pass_zero";

/// Which generated function a forward statement is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Primal,
    Rrule,
}

/// The forward statements of one side: a statement marked `#[primal_only]` is left out of
/// `rrule`, one marked `#[rrule_only]` out of the primal (for a cheaper primal, such as singular
/// values without vectors). The markers are removed.
pub(crate) fn forward_for(stmts: &[Stmt], side: Side) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(stmts.len());
    for stmt in stmts {
        let mut stmt = stmt.clone();
        let primal_only = take_attr(&mut stmt, "primal_only");
        let rrule_only = take_attr(&mut stmt, "rrule_only");
        let keep = match side {
            Side::Primal => !rrule_only,
            Side::Rrule => !primal_only,
        };
        if keep {
            out.push(stmt);
        }
    }
    out
}

/// Removes a `#[pass_zero]` attribute from `stmt` and says whether there was one.
fn take_marker(stmt: &mut Stmt) -> bool {
    take_attr(stmt, PASS_ZERO)
}

/// Removes the attribute `#[name]` from `stmt` and says whether there was one.
fn take_attr(stmt: &mut Stmt, name: &str) -> bool {
    let attrs = match stmt {
        Stmt::Local(l) => &mut l.attrs,
        Stmt::Macro(m) => &mut m.attrs,
        Stmt::Expr(e, _) => match expr_attrs(e) {
            Some(a) => a,
            None => return false,
        },
        Stmt::Item(_) => return false,
    };
    let before = attrs.len();
    attrs.retain(|a| !a.path().is_ident(name));
    attrs.len() != before
}

fn expr_attrs(e: &mut Expr) -> Option<&mut Vec<syn::Attribute>> {
    Some(match e {
        Expr::Assign(x) => &mut x.attrs,
        Expr::Binary(x) => &mut x.attrs,
        Expr::Call(x) => &mut x.attrs,
        Expr::MethodCall(x) => &mut x.attrs,
        Expr::Macro(x) => &mut x.attrs,
        Expr::ForLoop(x) => &mut x.attrs,
        Expr::If(x) => &mut x.attrs,
        Expr::Block(x) => &mut x.attrs,
        Expr::While(x) => &mut x.attrs,
        Expr::Match(x) => &mut x.attrs,
        _ => return None,
    })
}

/// Specialises the closure body for the pattern `mask` (bit `i` = cotangent `i` is zero).
pub(crate) fn specialise(closure: &Closure, krate: &Path, mask: u64) -> Result<Pattern, Blocked> {
    let ct_names: Vec<String> = closure.cotangents.iter().map(|c| c.name.clone()).collect();
    let mut st = State {
        deps: BTreeMap::new(),
        zero: mask,
        krate,
        ct_names: &ct_names,
        mask_label: label(&ct_names, mask),
    };
    for (i, c) in closure.cotangents.iter().enumerate() {
        if let Some(id) = &c.ident {
            st.deps.insert(id.to_string(), 1 << i);
        }
    }
    let n_inputs = closure.input_cotangents.len();
    let mut stmts: Vec<Stmt> = closure.body.stmts.clone();
    let tail = match stmts.last() {
        Some(Stmt::Expr(_, None)) => match stmts.pop() {
            Some(Stmt::Expr(e, None)) => Some(e),
            _ => None,
        },
        _ => None,
    };
    let mut kept = Vec::new();
    for mut stmt in stmts {
        let pass_zero = take_marker(&mut stmt);
        if let Some(s) = st.stmt(stmt, pass_zero)? {
            kept.push(s);
        }
    }
    let (tail, zero_inputs) = match tail {
        Some(t) => st.tail(t, n_inputs)?,
        // A body without a tail expression returns `()`: nothing to specialise.
        None => (None, vec![false; n_inputs]),
    };
    let kept = dead_lets(kept, tail.as_ref());
    let mut body = Block {
        brace_token: closure.body.brace_token,
        stmts: kept,
    };
    if let Some(t) = tail {
        body.stmts.push(Stmt::Expr(t, None));
    }
    Ok(Pattern {
        mask,
        body,
        zero_inputs,
    })
}

/// `(du, Zero, dvt)`: a pattern written out.
pub(crate) fn label(ct_names: &[String], mask: u64) -> String {
    let parts: Vec<&str> = ct_names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if mask & (1 << i) != 0 {
                "Zero"
            } else {
                n.as_str()
            }
        })
        .collect();
    if parts.len() == 1 {
        parts[0].to_owned()
    } else {
        format!("({})", parts.join(", "))
    }
}

struct State<'a> {
    /// Cotangent dependence of each local name (cotangent parameters and closure `let`s).
    deps: BTreeMap<String, u64>,
    /// The zero cotangents of this pattern.
    zero: u64,
    krate: &'a Path,
    ct_names: &'a [String],
    mask_label: String,
}

enum Val {
    Zero(u64),
    Live(Expr, u64),
}

impl State<'_> {
    fn deps_of(&self, node: &impl ToTokens) -> u64 {
        names::referenced(node)
            .iter()
            .filter_map(|n| self.deps.get(n))
            .fold(0, |a, d| a | d)
    }

    fn is_zero(&self, d: u64) -> bool {
        d != 0 && d & !self.zero == 0
    }

    fn is_mixed(&self, d: u64) -> bool {
        d & self.zero != 0 && d & !self.zero != 0
    }

    fn zero_names(&self, d: u64) -> String {
        self.ct_names
            .iter()
            .enumerate()
            .filter(|(i, _)| d & self.zero & (1 << i) != 0)
            .map(|(_, n)| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn blocked(&self, at: &impl ToTokens, d: u64, what: &str) -> Blocked {
        Blocked {
            at: at.to_token_stream(),
            message: format!(
                "#[rrule] cannot specialise this statement for the pattern {}: it {what} with {} zero, and it cannot tell what the statement does with a zero. \
                 Split it so that each term that depends on a cotangent is its own `let` and the terms are combined with `+`, `-`, `+=` or `-=`; \
                 or, if every function it calls accepts `Zero` for those arguments (for example through `impl Into<MaybeZero<_>>`), mark it `#[pass_zero]`",
                self.mask_label,
                self.zero_names(d),
            ),
        }
    }

    fn zero_expr(&self) -> Expr {
        let k = self.krate;
        syn::parse_quote!(#k::__private::Zero)
    }

    fn owned(&self, e: Expr) -> Expr {
        let k = self.krate;
        match e {
            Expr::Reference(r) if r.mutability.is_none() => {
                syn::parse_quote!(#k::__private::owned(#r))
            }
            other => other,
        }
    }

    fn neg(e: Expr) -> Expr {
        match e {
            e @ (Expr::Path(_)
            | Expr::Reference(_)
            | Expr::Call(_)
            | Expr::MethodCall(_)
            | Expr::Field(_)
            | Expr::Index(_)
            | Expr::Paren(_)
            | Expr::Lit(_)) => syn::parse_quote!(-#e),
            e => syn::parse_quote!(-(#e)),
        }
    }

    /// Simplifies an expression that stands where a value is computed.
    fn simplify(&self, e: &Expr) -> Result<Val, Blocked> {
        match e {
            Expr::Paren(p) => Ok(match self.simplify(&p.expr)? {
                Val::Live(inner, d) => {
                    let mut p = p.clone();
                    *p.expr = inner;
                    Val::Live(Expr::Paren(p), d)
                }
                z => z,
            }),
            Expr::Binary(b) if matches!(b.op, BinOp::Add(_) | BinOp::Sub(_)) => {
                let l = self.simplify(&b.left)?;
                let r = self.simplify(&b.right)?;
                let sub = matches!(b.op, BinOp::Sub(_));
                Ok(match (l, r) {
                    (Val::Zero(a), Val::Zero(c)) => Val::Zero(a | c),
                    (Val::Live(l, d), Val::Zero(_)) => Val::Live(self.owned(l), d),
                    (Val::Zero(_), Val::Live(r, d)) if sub => Val::Live(Self::neg(r), d),
                    (Val::Zero(_), Val::Live(r, d)) => Val::Live(self.owned(r), d),
                    (Val::Live(l, dl), Val::Live(r, dr)) => {
                        let mut b = b.clone();
                        *b.left = l;
                        *b.right = r;
                        Val::Live(Expr::Binary(b), dl | dr)
                    }
                })
            }
            Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => Ok(match self.simplify(&u.expr)? {
                Val::Live(inner, d) => {
                    let mut u = u.clone();
                    *u.expr = inner;
                    Val::Live(Expr::Unary(u), d)
                }
                z => z,
            }),
            _ => {
                let d = self.deps_of(e);
                if self.is_zero(d) {
                    Ok(Val::Zero(d))
                } else if self.is_mixed(d) {
                    Err(self.blocked(e, d, "combines cotangents in a way other than `+`/`-`"))
                } else {
                    Ok(Val::Live(e.clone(), d))
                }
            }
        }
    }

    /// `e` with every zero name in argument position replaced by `Zero` (for `#[pass_zero]`).
    fn pass_zeros(&self, e: &mut Expr) {
        struct Sub<'s, 'a>(&'s State<'a>);
        impl VisitMut for Sub<'_, '_> {
            fn visit_expr_mut(&mut self, e: &mut Expr) {
                let zero_name = |e: &Expr| match e {
                    Expr::Path(p) => p.path.get_ident().is_some_and(|i| {
                        self.0
                            .deps
                            .get(&i.to_string())
                            .is_some_and(|d| self.0.is_zero(*d))
                    }),
                    _ => false,
                };
                let replace = match &*e {
                    Expr::Reference(r) => zero_name(&r.expr),
                    other => zero_name(other),
                };
                if replace {
                    *e = self.0.zero_expr();
                } else {
                    visit_mut::visit_expr_mut(self, e);
                }
            }
        }
        Sub(self).visit_expr_mut(e);
    }

    /// Locals a statement may write into: receivers of method calls, `&mut` borrows, assignment
    /// targets, and every name inside macros and compound expressions.
    fn write_targets(e: &Expr, out: &mut BTreeSet<String>) {
        match e {
            Expr::MethodCall(m) => {
                if let Some(b) = base_name(&m.receiver) {
                    out.insert(b);
                }
                Self::write_targets(&m.receiver, out);
                m.args.iter().for_each(|a| Self::write_targets(a, out));
            }
            Expr::Reference(r) if r.mutability.is_some() => {
                if let Some(b) = base_name(&r.expr) {
                    out.insert(b);
                }
            }
            Expr::Reference(r) => Self::write_targets(&r.expr, out),
            Expr::Call(c) => c.args.iter().for_each(|a| Self::write_targets(a, out)),
            Expr::Assign(a) => {
                if let Some(b) = base_name(&a.left) {
                    out.insert(b);
                }
                Self::write_targets(&a.right, out);
            }
            Expr::Binary(b) => {
                if is_compound(b.op) {
                    if let Some(n) = base_name(&b.left) {
                        out.insert(n);
                    }
                }
                Self::write_targets(&b.left, out);
                Self::write_targets(&b.right, out);
            }
            Expr::Paren(p) => Self::write_targets(&p.expr, out),
            Expr::Path(_) | Expr::Lit(_) | Expr::Field(_) | Expr::Index(_) => {}
            other => out.extend(names::referenced(other)),
        }
    }

    fn stmt(&mut self, stmt: Stmt, pass_zero: bool) -> Result<Option<Stmt>, Blocked> {
        match stmt {
            Stmt::Local(local) => self.local(local, pass_zero),
            Stmt::Item(i) => Ok(Some(Stmt::Item(i))),
            Stmt::Expr(e, semi) => {
                let e = self.expr_stmt(e, pass_zero)?;
                Ok(e.map(|e| match e {
                    ExprStmt::Keep(e) => Stmt::Expr(e, semi),
                    ExprStmt::Let(l) => l,
                }))
            }
            Stmt::Macro(m) => {
                let as_expr = Expr::Macro(syn::ExprMacro {
                    attrs: m.attrs.clone(),
                    mac: m.mac.clone(),
                });
                match self.general(&as_expr, pass_zero)? {
                    None => Ok(None),
                    Some(Expr::Macro(em)) => Ok(Some(Stmt::Macro(syn::StmtMacro {
                        attrs: em.attrs,
                        mac: em.mac,
                        semi_token: m.semi_token,
                    }))),
                    Some(other) => Ok(Some(Stmt::Expr(other, m.semi_token))),
                }
            }
        }
    }

    fn local(&mut self, mut local: Local, pass_zero: bool) -> Result<Option<Stmt>, Blocked> {
        let bound = names::pat_names(&local.pat);
        let Some(init) = local.init.take() else {
            for n in &bound {
                self.deps.insert(n.clone(), 0);
            }
            return Ok(Some(Stmt::Local(local)));
        };
        let LocalInit {
            eq_token,
            expr,
            diverge,
        } = init;
        let val = if pass_zero || diverge.is_some() {
            let d = self.deps_of(&*expr) | diverge.as_ref().map_or(0, |(_, e)| self.deps_of(&**e));
            if self.is_zero(d) {
                Val::Zero(d)
            } else if self.is_mixed(d) && !pass_zero {
                return Err(self.blocked(&*expr, d, "combines cotangents"));
            } else {
                let mut e = *expr;
                self.pass_zeros(&mut e);
                Val::Live(e, d & !self.zero)
            }
        } else {
            self.simplify(&expr)?
        };
        match val {
            Val::Zero(d) => {
                for n in bound {
                    self.deps.insert(n, d);
                }
                Ok(None)
            }
            Val::Live(e, d) => {
                for n in bound {
                    self.deps.insert(n, d);
                }
                local.init = Some(LocalInit {
                    eq_token,
                    expr: Box::new(e),
                    diverge,
                });
                Ok(Some(Stmt::Local(local)))
            }
        }
    }

    fn expr_stmt(&mut self, e: Expr, pass_zero: bool) -> Result<Option<ExprStmt>, Blocked> {
        match &e {
            Expr::Binary(b) if matches!(b.op, BinOp::AddAssign(_) | BinOp::SubAssign(_)) => {
                let sub = matches!(b.op, BinOp::SubAssign(_));
                let target = base_name(&b.left);
                let whole = plain_name(&b.left);
                let td = target
                    .as_ref()
                    .and_then(|t| self.deps.get(t).copied())
                    .unwrap_or(0);
                match self.simplify(&b.right)? {
                    Val::Zero(_) => Ok(None),
                    Val::Live(r, d) if self.is_zero(td) => match whole {
                        Some(name) => {
                            let init = if sub { Self::neg(r) } else { self.owned(r) };
                            let id = names::ident(&name, proc_macro2::Span::call_site());
                            self.deps.insert(name, d);
                            Ok(Some(ExprStmt::Let(syn::parse_quote!(let mut #id = #init;))))
                        }
                        None => Err(self.blocked(
                            &e,
                            td,
                            "adds into part of a value that is zero in this pattern",
                        )),
                    },
                    Val::Live(r, d) => {
                        if let Some(t) = target {
                            self.deps.insert(t, td | d);
                        }
                        let mut b = b.clone();
                        *b.right = r;
                        Ok(Some(ExprStmt::Keep(Expr::Binary(b))))
                    }
                }
            }
            Expr::Binary(b) if matches!(b.op, BinOp::MulAssign(_) | BinOp::DivAssign(_)) => {
                let target = base_name(&b.left);
                let td = target
                    .as_ref()
                    .and_then(|t| self.deps.get(t).copied())
                    .unwrap_or(0);
                if self.is_zero(td) {
                    return Ok(None);
                }
                Ok(self.general(&e, pass_zero)?.map(ExprStmt::Keep))
            }
            Expr::Assign(a) => {
                let whole = plain_name(&a.left);
                let target = base_name(&a.left);
                let td = target
                    .as_ref()
                    .and_then(|t| self.deps.get(t).copied())
                    .unwrap_or(0);
                match (self.simplify(&a.right)?, whole) {
                    // The name now holds a zero: later uses see it as zero, so the stale value
                    // is never read.
                    (Val::Zero(d), Some(name)) => {
                        self.deps.insert(name, d);
                        Ok(None)
                    }
                    (Val::Zero(d), None) => {
                        if self.is_zero(td) {
                            Ok(None)
                        } else {
                            Err(self.blocked(&e, d, "overwrites part of a value with a term"))
                        }
                    }
                    (Val::Live(r, d), Some(name)) if self.is_zero(td) => {
                        let id = names::ident(&name, proc_macro2::Span::call_site());
                        self.deps.insert(name, d);
                        Ok(Some(ExprStmt::Let(syn::parse_quote!(let mut #id = #r;))))
                    }
                    (Val::Live(r, d), _) => {
                        if self.is_zero(td) {
                            return Err(self.blocked(&e, td, "writes into part of a value"));
                        }
                        if let Some(t) = target {
                            self.deps.insert(t, td | d);
                        }
                        let mut a = a.clone();
                        *a.right = r;
                        Ok(Some(ExprStmt::Keep(Expr::Assign(a))))
                    }
                }
            }
            _ => Ok(self.general(&e, pass_zero)?.map(ExprStmt::Keep)),
        }
    }

    /// A statement the rules above do not model.
    fn general(&mut self, e: &Expr, pass_zero: bool) -> Result<Option<Expr>, Blocked> {
        let d = self.deps_of(e);
        if d == 0 {
            return Ok(Some(e.clone()));
        }
        let mut targets = BTreeSet::new();
        Self::write_targets(e, &mut targets);
        let live_targets: Vec<&String> = targets
            .iter()
            .filter(|t| self.deps.get(*t).is_some_and(|td| !self.is_zero(*td)))
            .collect();
        if self.is_zero(d) {
            if live_targets.is_empty() {
                return Ok(None);
            }
            return Err(self.blocked(
                e,
                d,
                "may write into a local that is not zero, using values",
            ));
        }
        let mut e = e.clone();
        if self.is_mixed(d) {
            if !pass_zero {
                return Err(self.blocked(&e, d, "combines cotangents"));
            }
            self.pass_zeros(&mut e);
        }
        let live = d & !self.zero;
        let live_targets: Vec<String> = live_targets.into_iter().cloned().collect();
        for t in live_targets {
            if let Some(td) = self.deps.get_mut(&t) {
                *td |= live;
            }
        }
        // A primal local written with cotangent data becomes cotangent-dependent.
        for t in targets {
            if let Some(td) = self.deps.get_mut(&t) {
                if *td == 0 {
                    *td = live;
                }
            }
        }
        Ok(Some(e))
    }

    /// The tail: the input cotangents.
    fn tail(&self, tail: Expr, n_inputs: usize) -> Result<(Option<Expr>, Vec<bool>), Blocked> {
        if n_inputs > 1 {
            if let Expr::Tuple(mut t) = tail {
                let mut zero = Vec::with_capacity(t.elems.len());
                for el in t.elems.iter_mut() {
                    match self.simplify(el)? {
                        Val::Zero(_) => {
                            *el = self.zero_expr();
                            zero.push(true);
                        }
                        Val::Live(e, _) => {
                            *el = e;
                            zero.push(false);
                        }
                    }
                }
                return Ok((Some(Expr::Tuple(t)), zero));
            }
        }
        match self.simplify(&tail)? {
            Val::Zero(_) if n_inputs == 1 => Ok((Some(self.zero_expr()), vec![true])),
            Val::Zero(_) => {
                let z = self.zero_expr();
                let zs = (0..n_inputs).map(|_| z.clone());
                Ok((Some(syn::parse_quote!((#(#zs),*))), vec![true; n_inputs]))
            }
            Val::Live(e, _) => Ok((Some(e), vec![false; n_inputs])),
        }
    }
}

enum ExprStmt {
    Keep(Expr),
    Let(Stmt),
}

fn is_compound(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

/// `x` for `x`, `x[i]`, `x.f`, `*x`, `x.slice_mut(..)`: the local a place expression starts from.
fn base_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        Expr::Index(i) => base_name(&i.expr),
        Expr::Field(f) => base_name(&f.base),
        Expr::Paren(p) => base_name(&p.expr),
        Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => base_name(&u.expr),
        Expr::MethodCall(m) => base_name(&m.receiver),
        _ => None,
    }
}

/// `x` when the place is the whole local `x`.
fn plain_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        Expr::Paren(p) => plain_name(&p.expr),
        _ => None,
    }
}

/// Whether a `let` must run even if nothing reads what it binds.
fn has_effects(local: &Local) -> bool {
    let toks = local.to_token_stream().to_string();
    toks.contains('?')
        || toks.contains("return")
        || toks.contains("break")
        || toks.contains("continue")
}

/// Removes `let`s that bind names nothing after them reads (one backward pass).
pub(crate) fn dead_lets(stmts: Vec<Stmt>, tail: Option<&Expr>) -> Vec<Stmt> {
    let mut needed: BTreeSet<String> = tail.map(names::referenced).unwrap_or_default();
    let mut out = Vec::with_capacity(stmts.len());
    for stmt in stmts.into_iter().rev() {
        match &stmt {
            Stmt::Local(l) => {
                let bound = names::pat_names(&l.pat);
                let used =
                    bound.is_empty() || bound.iter().any(|b| needed.contains(b)) || has_effects(l);
                if !used {
                    continue;
                }
                if let Some(init) = &l.init {
                    needed.extend(names::referenced(&init.expr));
                    if let Some((_, d)) = &init.diverge {
                        needed.extend(names::referenced(&**d));
                    }
                }
            }
            other => needed.extend(names::referenced(other)),
        }
        out.push(stmt);
    }
    out.reverse();
    out
}

/// The body of a pattern as it would be written by hand, for the generated docs: a function
/// named after the pattern's mask, with the cotangent parameters `params` and return type `ret`.
pub(crate) fn render(
    krate: &Path,
    mask: u64,
    params: &TokenStream,
    ret: &TokenStream,
    body: &Block,
) -> String {
    let name = quote::format_ident!("pattern_{}", mask);
    let f: syn::File = match syn::parse2(quote!(fn #name(#params) -> #ret #body)) {
        Ok(f) => f,
        Err(_) => return body.to_token_stream().to_string(),
    };
    let text = prettyplease::unparse(&f);
    let prefix = format!("{}::__private::", krate.to_token_stream()).replace(' ', "");
    text.replace(&prefix, "")
}
