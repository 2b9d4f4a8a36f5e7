//! Zero propagation and dead-code removal, once per pattern of `Zero` cotangents.
//!
//! A pullback is linear in its cotangents, so an expression whose cotangent-dependent inputs are
//! all zero is itself zero. The pass walks the closure body in order and tracks, for each local
//! name, the set of cotangents it depends on (a bit mask; `0` means it depends on none, a primal
//! value). With `Z` the zero cotangents of the pattern, a name is *zero* when its mask is
//! non-empty and inside `Z`. Then:
//!
//! * `let p = e;` with `e` zero is dropped and `p` is zero;
//! * `a + b` / `a - b` with one side zero keep the other side (`Zero - b` for `zero - b`); a
//!   borrowed side is copied once (as `&a + &b` would have allocated), so for same-shaped terms
//!   the result has the type and shape the sum had;
//! * `x += e` / `x -= e` with `e` zero are dropped; with `x` zero they start `x` afresh
//!   (`let mut x = e;`), which is how accumulators stay cheap;
//! * a statement whose cotangent inputs are all zero is dropped, provided it writes nothing: a
//!   write into a local that is not zero (through a method other than a short list of read-only
//!   ones, a `&mut` borrow, an alias made by `let r = &mut x` or a closure, or a macro) or into a
//!   value that is zero in the pattern (other than by `+=`/`-=`) is rejected instead;
//! * a statement that may leave the closure early (`return`, `break`, `continue`, `?`) and
//!   depends on a zero cotangent is rejected;
//! * a zero term added to a term that depends on no cotangent is rejected: a pullback is linear,
//!   so that is a size or value read from a cotangent;
//! * each zero input cotangent in the tail becomes the value `Zero`;
//! * `let`s whose names nothing kept reads are removed (one backward pass), unless the initialiser
//!   may have effects (`&mut`, `..._mut()`, a macro other than the pure constructors, `?`,
//!   `return`) or every name it binds starts with `_`.
//!
//! A call that takes a zero and a non-zero cotangent together cannot be decided here. It is
//! rejected with an error at that statement, which says how to split it, unless the statement is
//! marked `#[pass_zero]`: then each zero name (not one rebound by a closure inside the statement)
//! is passed as the value `Zero` and the callee (generic over `Zero`, such as one taking
//! `impl Into<MaybeZero<_>>`) is monomorphised for it.
//!
//! Writes are tracked through `&mut` aliases (`let r = &mut g`, `..._mut()` views, closures),
//! destructuring assignments, `let` initialisers and terms that are dropped as zero; a write that
//! dropping a statement or a term would lose is rejected, as is a `let … else` that depends on a
//! cotangent that is zero.
//!
//! Two assumptions are not checked: terms combined with `+`, `-`, `+=`, `-=` or `=` have the
//! same shape (no broadcasting between cotangent terms: dropping one would change the shape of the
//! result), and a method outside `READ_ONLY_METHODS` is taken to write its receiver
//! (conservative). The testing
//! kit's pattern check compares each specialised body with the dense pullback fed explicit zeros.

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
        aliases: BTreeMap::new(),
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
    /// Locals bound to a mutable borrow of (or a closure over) other locals: writing through the
    /// alias writes them.
    aliases: BTreeMap<String, BTreeSet<String>>,
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
        // The advice depends on what blocked it: a write, an early exit, or a mix of cotangents.
        let advice = if what.contains("value that is zero") {
            "Start the accumulator from zeros of the right shape (`Array1::zeros(n)`) or from primal data, and add each cotangent term into it with `+=`/`-=`"
        } else if what.contains("write") {
            "Compute the value with `let` from the cotangents (accumulate with `+=`/`-=`), or do the write outside the pullback"
        } else if what.contains("leave the closure") || what.contains("let … else") {
            "Compute the condition from primal values only, or move the early exit out of the pullback"
        } else if what.contains("depends on no cotangent") {
            "A pullback is linear in its cotangents: take sizes and constants from the captured primal values, not from a cotangent"
        } else {
            "Split it so that each term that depends on a cotangent is its own `let` and the terms are combined with `+`, `-`, `+=` or `-=`; \
             or, if every function it calls accepts `Zero` for those arguments (for example through `impl Into<MaybeZero<_>>`), mark it `#[pass_zero]`"
        };
        Blocked {
            at: at.to_token_stream(),
            message: format!(
                "#[rrule] cannot specialise this statement for the pattern {}: it {what} with {} zero, and it cannot tell what the statement computes then. {advice}",
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

    /// `0 − e`, as `Zero - e`: the runtime's `Sub` impls negate owned arrays in place and need only
    /// `A: Neg` of the elements (a plain `-&e` would need `&A: Neg`).
    fn neg(&self, e: Expr) -> Expr {
        let z = self.zero_expr();
        syn::parse_quote!(#z - (#e))
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
                match (&l, &r) {
                    (Val::Zero(z), Val::Live(_, 0)) | (Val::Live(_, 0), Val::Zero(z)) => {
                        return Err(self.blocked(
                            e,
                            *z,
                            "adds a term that depends on no cotangent to one that depends only on cotangents that are zero here (a pullback is linear in its cotangents: is this a size or a value read from a cotangent?)",
                        ));
                    }
                    _ => {}
                }
                if let Val::Zero(z) = &l {
                    self.droppable(&b.left, *z)?;
                }
                if let Val::Zero(z) = &r {
                    self.droppable(&b.right, *z)?;
                }
                Ok(match (l, r) {
                    (Val::Zero(a), Val::Zero(c)) => Val::Zero(a | c),
                    (Val::Live(l, d), Val::Zero(_)) => Val::Live(self.owned(l), d),
                    (Val::Zero(_), Val::Live(r, d)) if sub => Val::Live(self.neg(r), d),
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

    /// `e` with every zero name replaced by `Zero` (for `#[pass_zero]`), `&name` included; names
    /// rebound by a closure inside `e` are left alone.
    fn pass_zeros(&self, e: &mut Expr) {
        struct Sub<'s, 'a> {
            st: &'s State<'a>,
            shadowed: Vec<Vec<String>>,
        }
        impl Sub<'_, '_> {
            fn zero_name(&self, e: &Expr) -> bool {
                match e {
                    Expr::Path(p) => p.path.get_ident().is_some_and(|i| {
                        let name = i.to_string();
                        !self.shadowed.iter().flatten().any(|s| *s == name)
                            && self.st.deps.get(&name).is_some_and(|d| self.st.is_zero(*d))
                    }),
                    _ => false,
                }
            }
        }
        impl VisitMut for Sub<'_, '_> {
            fn visit_expr_mut(&mut self, e: &mut Expr) {
                if let Expr::Closure(c) = e {
                    self.shadowed
                        .push(c.inputs.iter().flat_map(names::pat_names).collect());
                    self.visit_expr_mut(&mut c.body);
                    self.shadowed.pop();
                    return;
                }
                let replace = match &*e {
                    Expr::Reference(r) => self.zero_name(&r.expr),
                    other => self.zero_name(other),
                };
                if replace {
                    *e = self.st.zero_expr();
                } else {
                    visit_mut::visit_expr_mut(self, e);
                }
            }
        }
        Sub {
            st: self,
            shadowed: Vec::new(),
        }
        .visit_expr_mut(e);
    }

    /// `targets` with every local they alias.
    fn with_aliases(&self, mut targets: BTreeSet<String>) -> BTreeSet<String> {
        loop {
            let extra: Vec<String> = targets
                .iter()
                .filter_map(|t| self.aliases.get(t))
                .flatten()
                .filter(|a| !targets.contains(*a))
                .cloned()
                .collect();
            if extra.is_empty() {
                return targets;
            }
            targets.extend(extra);
        }
    }

    /// What a statement (or `let` initialiser) `e`, whose cotangent dependence is `d`, does to the
    /// locals it may write. `kept` is whether the specialised body still runs it.
    fn effects(&mut self, e: &Expr, d: u64, kept: bool) -> Result<(), Blocked> {
        let targets = self.targets_of(e);
        for t in &targets {
            match self.deps.get(t) {
                // Writing into a value that is zero here needs the value it no longer has.
                Some(&td) if self.is_zero(td) => {
                    return Err(self.blocked(e, td, "writes into a value that is zero in this pattern (other than by `+=`/`-=`)"));
                }
                // Dropping a statement that writes would lose the write.
                _ if !kept => {
                    return Err(self.blocked(
                        e,
                        d,
                        &format!("may write into `{t}` (dropping it would lose the write),"),
                    ));
                }
                Some(_) => {
                    if let Some(td) = self.deps.get_mut(t) {
                        *td |= d & !self.zero;
                    }
                }
                // A name written here that the body did not bind (a capture with interior
                // mutability): from now on it depends on what was written into it.
                None => {
                    self.deps.insert(t.clone(), d & !self.zero);
                }
            }
        }
        Ok(())
    }

    /// The names `e` may write, aliases included; a name passed by value counts only if it is an
    /// alias.
    fn targets_of(&self, e: &Expr) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        Self::write_targets(e, &mut found);
        let targets: BTreeSet<String> = found
            .into_iter()
            .filter_map(|t| match t.strip_prefix(PASSED) {
                Some(n) => self.aliases.contains_key(n).then(|| n.to_owned()),
                None => Some(t),
            })
            .collect();
        self.with_aliases(targets)
    }

    /// Before a subexpression is dropped as zero: it must not write anything.
    fn droppable(&self, e: &Expr, d: u64) -> Result<(), Blocked> {
        match self.targets_of(e).into_iter().next() {
            Some(t) => Err(self.blocked(
                e,
                d,
                &format!(
                    "is zero here but may write into `{t}` (dropping it would lose the write),"
                ),
            )),
            None => Ok(()),
        }
    }

    /// Blocks a statement that may leave the closure early (`return`, `break`, `continue`, `?`)
    /// and depends on a cotangent that is zero here: dropping or simplifying it would change
    /// what the body returns.
    fn check_exits(&self, e: &impl ToTokens, d: u64) -> Result<(), Blocked> {
        if d & self.zero != 0 && leaves_early(e) {
            return Err(self.blocked(
                e,
                d,
                "may leave the closure early (`return`, `break`, `continue` or `?`)",
            ));
        }
        Ok(())
    }

    /// Locals a statement may write into: receivers of method calls, `&mut` borrows, assignment
    /// targets, and every name inside macros and compound expressions.
    fn write_targets(e: &Expr, out: &mut BTreeSet<String>) {
        match e {
            Expr::MethodCall(m) => {
                if !READ_ONLY_METHODS.contains(&m.method.to_string().as_str()) {
                    if let Some(b) = base_name(&m.receiver) {
                        out.insert(b);
                    }
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
            Expr::Call(c) => {
                for a in &c.args {
                    // A name passed by value may be a `&mut` alias; `effects` keeps it only if it
                    // is one.
                    if let Some(n) = plain_name(a) {
                        out.insert(format!("{PASSED}{n}"));
                    }
                    Self::write_targets(a, out);
                }
                // Calling a local closure may write what it captured (kept if it is an alias).
                if let Some(n) = plain_name(&c.func) {
                    out.insert(format!("{PASSED}{n}"));
                }
            }
            Expr::Assign(a) => {
                match base_name(&a.left) {
                    Some(b) => {
                        out.insert(b);
                    }
                    // A destructuring assignment `(a, b) = ..` writes every name on its left.
                    None => out.extend(names::referenced(&*a.left)),
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
            Expr::Tuple(t) => t.elems.iter().for_each(|e| Self::write_targets(e, out)),
            Expr::Range(r) => {
                for e in r.start.iter().chain(r.end.iter()) {
                    Self::write_targets(e, out);
                }
            }
            Expr::Block(b) => Self::block_write_targets(&b.block, out),
            Expr::If(i) => {
                Self::write_targets(&i.cond, out);
                Self::block_write_targets(&i.then_branch, out);
                if let Some((_, e)) = &i.else_branch {
                    Self::write_targets(e, out);
                }
            }
            Expr::Let(l) => Self::write_targets(&l.expr, out),
            // Loops and matches write what their bodies write, less the names they bind.
            Expr::ForLoop(f) => {
                Self::write_targets(&f.expr, out);
                let mut inner = BTreeSet::new();
                Self::block_write_targets(&f.body, &mut inner);
                let bound = names::pat_names(&f.pat);
                out.extend(inner.into_iter().filter(|t| !bound.contains(t)));
            }
            Expr::While(w) => {
                Self::write_targets(&w.cond, out);
                Self::block_write_targets(&w.body, out);
            }
            Expr::Loop(l) => Self::block_write_targets(&l.body, out),
            Expr::Match(m) => {
                Self::write_targets(&m.expr, out);
                for arm in &m.arms {
                    let mut inner = BTreeSet::new();
                    Self::write_targets(&arm.body, &mut inner);
                    let bound = names::pat_names(&arm.pat);
                    out.extend(inner.into_iter().filter(|t| !bound.contains(t)));
                }
            }
            Expr::Array(a) => a.elems.iter().for_each(|e| Self::write_targets(e, out)),
            Expr::Cast(c) => Self::write_targets(&c.expr, out),
            Expr::Unary(u) if !matches!(u.op, UnOp::Deref(_)) => Self::write_targets(&u.expr, out),
            // A closure writes what its body writes, less its own parameters.
            Expr::Closure(c) => {
                let mut inner = BTreeSet::new();
                Self::write_targets(&c.body, &mut inner);
                let params: Vec<String> = c.inputs.iter().flat_map(names::pat_names).collect();
                out.extend(inner.into_iter().filter(|t| !params.contains(t)));
            }
            Expr::Path(_) | Expr::Lit(_) | Expr::Field(_) | Expr::Index(_) => {}
            other => out.extend(names::referenced(other)),
        }
    }

    /// [`Self::write_targets`] of each statement of a block (macros: every name they mention).
    fn block_write_targets(block: &Block, out: &mut BTreeSet<String>) {
        for stmt in &block.stmts {
            match stmt {
                Stmt::Local(l) => {
                    if let Some(init) = &l.init {
                        Self::write_targets(&init.expr, out);
                        if let Some((_, d)) = &init.diverge {
                            Self::write_targets(d, out);
                        }
                    }
                }
                Stmt::Expr(e, _) => Self::write_targets(e, out),
                Stmt::Macro(m) => out.extend(names::referenced(&m.mac)),
                Stmt::Item(_) => {}
            }
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
        let d_all = self.deps_of(&*expr) | diverge.as_ref().map_or(0, |(_, e)| self.deps_of(&**e));
        self.check_exits(&*expr, d_all)?;
        if diverge.is_some() && d_all & self.zero != 0 {
            return Err(self.blocked(
                &*expr,
                d_all,
                "is a `let … else` (which may leave the closure) that depends on a cotangent",
            ));
        }
        let val = if pass_zero || diverge.is_some() {
            if self.is_zero(d_all) {
                Val::Zero(d_all)
            } else if self.is_mixed(d_all) && !pass_zero {
                return Err(self.blocked(&*expr, d_all, "combines cotangents"));
            } else {
                let mut e = *expr.clone();
                self.pass_zeros(&mut e);
                Val::Live(e, d_all & !self.zero)
            }
        } else {
            self.simplify(&expr)?
        };
        // What the initialiser writes, and what the new names alias.
        self.effects(&expr, d_all, matches!(val, Val::Live(..)))?;
        if creates_alias(&expr) {
            let refs: BTreeSet<String> = names::referenced(&*expr)
                .into_iter()
                .filter(|r| self.deps.contains_key(r))
                .collect();
            for n in &bound {
                self.aliases.insert(n.clone(), refs.clone());
            }
        } else {
            for n in &bound {
                self.aliases.remove(n);
            }
        }
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
        let d_all = self.deps_of(&e);
        self.check_exits(&e, d_all)?;
        // The local a compound assignment writes, if it is one name that nothing aliases; writes
        // through aliases and into destructured places go to `general`, which tracks every name.
        let single = |st: &Self, left: &Expr| -> Option<String> {
            let t = base_name(left)?;
            let set = st.with_aliases(BTreeSet::from([t.clone()]));
            let aliased = st.aliases.values().any(|v| v.contains(&t));
            (set.len() == 1 && !aliased).then_some(t)
        };
        match &e {
            Expr::MethodCall(m)
                if m.method == "scaled_add"
                    && m.args.len() == 2
                    && single(self, &m.receiver).is_some() =>
            {
                self.scaled_add(&e, m)
            }
            Expr::Binary(b)
                if matches!(b.op, BinOp::AddAssign(_) | BinOp::SubAssign(_))
                    && single(self, &b.left).is_some() =>
            {
                let sub = matches!(b.op, BinOp::SubAssign(_));
                let target = base_name(&b.left);
                let whole = plain_name(&b.left);
                let td = target
                    .as_ref()
                    .and_then(|t| self.deps.get(t).copied())
                    .unwrap_or(0);
                match self.simplify(&b.right)? {
                    Val::Zero(z) => {
                        self.droppable(&b.right, z)?;
                        Ok(None)
                    }
                    Val::Live(_, 0) if self.is_zero(td) => Err(self.blocked(
                        &e,
                        td,
                        "adds a term that depends on no cotangent into a value that is zero here",
                    )),
                    Val::Live(r, d) if self.is_zero(td) => match whole {
                        Some(name) => {
                            let init = if sub { self.neg(r) } else { self.owned(r) };
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
            Expr::Binary(b)
                if matches!(b.op, BinOp::MulAssign(_) | BinOp::DivAssign(_))
                    && single(self, &b.left).is_some() =>
            {
                let td = base_name(&b.left)
                    .and_then(|t| self.deps.get(&t).copied())
                    .unwrap_or(0);
                if self.is_zero(td) {
                    // A zero scaled stays zero.
                    self.droppable(&b.right, td)?;
                    return Ok(None);
                }
                Ok(self.general(&e, pass_zero)?.map(ExprStmt::Keep))
            }
            Expr::Assign(a) if plain_name(&a.left).is_some() && single(self, &a.left).is_some() => {
                let Some(name) = plain_name(&a.left) else {
                    return Ok(self.general(&e, pass_zero)?.map(ExprStmt::Keep));
                };
                let td = self.deps.get(&name).copied().unwrap_or(0);
                match self.simplify(&a.right)? {
                    // The name now holds a zero: later uses see it as zero, so the stale value
                    // is never read.
                    Val::Zero(d) => {
                        self.droppable(&a.right, d)?;
                        self.deps.insert(name, d);
                        Ok(None)
                    }
                    Val::Live(r, d) if self.is_zero(td) => {
                        let id = names::ident(&name, proc_macro2::Span::call_site());
                        self.deps.insert(name, d);
                        Ok(Some(ExprStmt::Let(syn::parse_quote!(let mut #id = #r;))))
                    }
                    Val::Live(r, d) => {
                        // The whole value is replaced: it now depends on what replaced it.
                        self.deps.insert(name, d);
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
        // A statement that only accumulates cotangent terms (`+=`/`-=`, in loops too) adds zero
        // when those terms are zero, whatever it adds them into.
        if let Some(c) = self.additive_contribution(e).filter(|&c| c != 0) {
            if self.is_zero(c) {
                return Ok(None);
            }
            // Kept as written: only if it mentions no cotangent that is zero here.
            if !self.is_mixed(c) && d & self.zero == 0 {
                self.effects(e, c, true)?;
                return Ok(Some(e.clone()));
            }
        }
        if self.is_zero(d) {
            // Linear in cotangents that are all zero here: nothing to do, as long as it writes
            // nothing (`effects` blocks any write).
            self.effects(e, d, false)?;
            return Ok(None);
        }
        let mut kept = e.clone();
        if self.is_mixed(d) {
            if !pass_zero {
                return Err(self.blocked(e, d, "combines cotangents"));
            }
            self.pass_zeros(&mut kept);
        }
        self.effects(e, d, true)?;
        Ok(Some(kept))
    }

    /// If every write `e` makes is `x += t` / `x -= t` (or `x.scaled_add(a, t)`) with `t`
    /// depending on a cotangent, the cotangents those terms depend on; `None` if `e` may write in
    /// any other way. Loops (over ranges, read-only or `_mut` iterators), `if`s, blocks and
    /// closures passed to `zip_mut_with`/`for_each` are looked into.
    fn additive_contribution(&self, e: &Expr) -> Option<u64> {
        self.additive_in(e, &BTreeMap::new())
    }

    fn additive_in(&self, e: &Expr, bound: &BTreeMap<String, u64>) -> Option<u64> {
        let deps = |x: &Expr, bound: &BTreeMap<String, u64>| self.deps_with(x, bound);
        let block = |b: &Block, bound: &BTreeMap<String, u64>| -> Option<u64> {
            let mut bound = bound.clone();
            let mut total = 0;
            for s in &b.stmts {
                match s {
                    Stmt::Local(l) => {
                        if let Some(i) = &l.init {
                            if i.diverge.is_some() {
                                return None;
                            }
                            total |= self.additive_in(&i.expr, &bound)?;
                            let d = deps(&i.expr, &bound);
                            for n in names::pat_names(&l.pat) {
                                bound.insert(n, d);
                            }
                        }
                    }
                    Stmt::Expr(e, _) => total |= self.additive_in(e, &bound)?,
                    Stmt::Macro(_) => return None,
                    Stmt::Item(_) => {}
                }
            }
            Some(total)
        };
        match e {
            Expr::Binary(b) if matches!(b.op, BinOp::AddAssign(_) | BinOp::SubAssign(_)) => {
                let d = deps(&b.right, bound);
                (d != 0).then_some(())?;
                Some(d | self.additive_in(&b.right, bound)?)
            }
            Expr::MethodCall(m) if m.method == "scaled_add" => {
                let d = m.args.iter().fold(0, |acc, a| acc | deps(a, bound));
                (d != 0).then_some(d)
            }
            // `x.zip_mut_with(&y, |a, b| *a += ..)`, `x.iter_mut().for_each(|a| *a += ..)`.
            Expr::MethodCall(m)
                if (m.method == "zip_mut_with" || m.method == "for_each")
                    && matches!(m.args.last(), Some(Expr::Closure(_))) =>
            {
                self.mut_iterator(&m.receiver).then_some(())?;
                let Some(Expr::Closure(c)) = m.args.last() else {
                    return None;
                };
                let mut inner = bound.clone();
                let d_args = m
                    .args
                    .iter()
                    .take(m.args.len() - 1)
                    .fold(0, |acc, a| acc | deps(a, bound));
                for n in c.inputs.iter().flat_map(names::pat_names) {
                    inner.insert(n, d_args);
                }
                let body = self.additive_in(&c.body, &inner)?;
                (body != 0).then_some(body)
            }
            Expr::ForLoop(f) => {
                self.mut_iterator(&f.expr).then_some(())?;
                let mut inner = bound.clone();
                // What the loop reads: not the collection it hands out `&mut` into.
                let d = self.source_deps(&f.expr, bound);
                for n in names::pat_names(&f.pat) {
                    inner.insert(n, d);
                }
                block(&f.body, &inner)
            }
            Expr::While(w) => {
                self.targets_of(&w.cond).is_empty().then_some(())?;
                block(&w.body, bound)
            }
            Expr::If(i) => {
                self.targets_of(&i.cond).is_empty().then_some(())?;
                let mut total = block(&i.then_branch, bound)?;
                if let Some((_, e)) = &i.else_branch {
                    total |= self.additive_in(e, bound)?;
                }
                Some(total)
            }
            Expr::Block(b) => block(&b.block, bound),
            other => self.targets_of(other).is_empty().then_some(0),
        }
    }

    /// [`Self::deps_of`], with the names in `bound` (loop and closure bindings) counted too.
    fn deps_with(&self, x: &Expr, bound: &BTreeMap<String, u64>) -> u64 {
        self.deps_of(x)
            | names::referenced(x)
                .iter()
                .filter_map(|n| bound.get(n))
                .fold(0, |a, d| a | d)
    }

    /// The cotangents an iterator expression reads, leaving out the receivers of `..._mut()`
    /// methods (the accumulators it hands out references into).
    fn source_deps(&self, e: &Expr, bound: &BTreeMap<String, u64>) -> u64 {
        let deps = |x: &Expr| self.deps_with(x, bound);
        match e {
            Expr::MethodCall(m) => {
                let args = m.args.iter().fold(0, |acc, a| acc | deps(a));
                if m.method.to_string().ends_with("_mut") {
                    args
                } else {
                    args | self.source_deps(&m.receiver, bound)
                }
            }
            Expr::Reference(r) if r.mutability.is_some() => 0,
            Expr::Paren(p) => self.source_deps(&p.expr, bound),
            other => deps(other),
        }
    }

    /// Whether `e` only builds an iterator: read-only methods, and `..._mut()` ones that hand out
    /// mutable references (the writes through them are checked where they happen).
    fn mut_iterator(&self, e: &Expr) -> bool {
        match e {
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                (READ_ONLY_METHODS.contains(&name.as_str()) || name.ends_with("_mut"))
                    && self.mut_iterator(&m.receiver)
                    && m.args.iter().all(|a| self.targets_of(a).is_empty())
            }
            Expr::Reference(r) => self.mut_iterator(&r.expr),
            Expr::Paren(p) => self.mut_iterator(&p.expr),
            other => self.targets_of(other).is_empty(),
        }
    }

    /// `x.scaled_add(a, t)`, ndarray's `x += a·t`: handled like `+=`.
    fn scaled_add(
        &mut self,
        e: &Expr,
        m: &syn::ExprMethodCall,
    ) -> Result<Option<ExprStmt>, Blocked> {
        let target = base_name(&m.receiver);
        let td = target
            .as_ref()
            .and_then(|t| self.deps.get(t).copied())
            .unwrap_or(0);
        let d = m.args.iter().fold(0, |acc, a| acc | self.deps_of(a));
        if self.is_zero(d) {
            for a in &m.args {
                self.droppable(a, d)?;
            }
            return Ok(None);
        }
        if self.is_mixed(d) {
            return Err(self.blocked(e, d, "combines cotangents in the arguments of `scaled_add`"));
        }
        if self.is_zero(td) {
            // `x.scaled_add(a, t)` into an `x` that is zero here starts `x` as `t · a`.
            let (Some(name), [a, t]) = (plain_name(&m.receiver), [&m.args[0], &m.args[1]]) else {
                return Err(self.blocked(
                    e,
                    td,
                    "adds with `scaled_add` into part of a value that is zero in this pattern",
                ));
            };
            let id = names::ident(&name, proc_macro2::Span::call_site());
            self.deps.insert(name, d);
            return Ok(Some(ExprStmt::Let(
                syn::parse_quote!(let mut #id = (#t) * (#a);),
            )));
        }
        if let Some(t) = target {
            self.deps.insert(t, td | d);
        }
        Ok(Some(ExprStmt::Keep(e.clone())))
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

/// Marks a name that `write_targets` found passed by value (see `State::effects`).
const PASSED: &str = "\u{0}passed:";

/// Methods of ndarray and std that take `&self` and return a new value or a view: calling one does
/// not write its receiver. Any other method is assumed to write it.
const READ_ONLY_METHODS: &[&str] = &[
    "shape",
    "dim",
    "raw_dim",
    "len",
    "len_of",
    "is_empty",
    "ndim",
    "nrows",
    "ncols",
    "strides",
    "t",
    "view",
    "reversed_axes",
    "to_owned",
    "clone",
    "into_owned",
    "dot",
    "sum",
    "sum_axis",
    "mean",
    "mean_axis",
    "product",
    "fold",
    "iter",
    "indexed_iter",
    "rows",
    "columns",
    "row",
    "column",
    "diag",
    "slice",
    "index_axis",
    "mapv",
    "map",
    "abs",
    "sqrt",
    "exp",
    "ln",
    "powi",
    "powf",
    "signum",
    "recip",
    "max",
    "min",
    "insert_axis",
    "broadcast",
    "as_slice",
    "first",
    "last",
    "get",
    "norm",
    "into_shape_with_order",
    "to_shape",
    "outer_iter",
    "axis_iter",
    "t_view",
    "exact_chunks",
    "axis_chunks_iter",
    "windows",
    "lanes",
    "into_iter",
    "collect",
    "zip",
    "enumerate",
    "cloned",
    "copied",
    "filter",
    "rev",
    "take",
    "skip",
    "chain",
    "unwrap",
    "expect",
    "to_vec",
    "as_ref",
    "any",
    "all",
    "count",
];

/// Whether `node` may leave the enclosing closure: `return`, `break`, `continue` or `?`.
fn leaves_early(node: &impl ToTokens) -> bool {
    fn scan(ts: TokenStream) -> bool {
        ts.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => i == "return" || i == "break" || i == "continue",
            proc_macro2::TokenTree::Punct(p) => p.as_char() == '?',
            proc_macro2::TokenTree::Group(g) => scan(g.stream()),
            proc_macro2::TokenTree::Literal(_) => false,
        })
    }
    scan(node.to_token_stream())
}

/// Whether a `let` initialiser can make its names aliases of other locals: a `&mut` borrow, a
/// `..._mut()` view, or a closure (which may capture by mutable reference).
fn creates_alias(e: &Expr) -> bool {
    let text = e.to_token_stream().to_string();
    matches!(e, Expr::Closure(_)) || text.contains("& mut") || text.contains("_mut (")
}

/// Whether a `let` must run even if nothing reads what it binds: its initialiser may write
/// (`&mut`, a `..._mut()` call, a macro other than the pure constructors), may leave early, or
/// all its names start with `_` (a guard or a call kept for its effect).
fn has_effects(local: &Local) -> bool {
    const PURE_MACROS: &[&str] = &[
        "vec",
        "s",
        "array",
        "format",
        "concat",
        "stringify",
        "matches",
    ];
    let bound = names::pat_names(&local.pat);
    if bound.iter().all(|b| b.starts_with('_')) {
        return true;
    }
    let Some(init) = &local.init else {
        return false;
    };
    let tts: Vec<proc_macro2::TokenTree> = init.expr.to_token_stream().into_iter().collect();
    fn effectful(tts: &[proc_macro2::TokenTree], pure: &[&str]) -> bool {
        use proc_macro2::TokenTree as T;
        tts.iter().enumerate().any(|(i, tt)| match tt {
            T::Group(g) => effectful(&g.stream().into_iter().collect::<Vec<_>>(), pure),
            T::Punct(p) if p.as_char() == '&' => {
                matches!(tts.get(i + 1), Some(T::Ident(m)) if m == "mut")
            }
            T::Ident(id) => {
                let next_is =
                    |c: char| matches!(tts.get(i + 1), Some(T::Punct(p)) if p.as_char() == c);
                let name = id.to_string();
                (next_is('!') && !pure.contains(&name.as_str()))
                    || (name.ends_with("_mut") && matches!(tts.get(i + 1), Some(T::Group(_))))
            }
            _ => false,
        })
    }
    // A method outside the read-only list, a `&mut` borrow or an assignment may write.
    let mut targets = BTreeSet::new();
    State::write_targets(&init.expr, &mut targets);
    let writes = targets.iter().any(|t| !t.starts_with(PASSED));
    writes || leaves_early(&init.expr) || init.diverge.is_some() || effectful(&tts, PURE_MACROS)
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
