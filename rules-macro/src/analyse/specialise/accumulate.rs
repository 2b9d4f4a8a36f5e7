//! Accumulation: `x += e`, `x -= e`, `x.scaled_add(a, e)`, `x *= c`, `x = e`, and the loops,
//! `if`s, blocks and `zip_mut_with`/`for_each` closures whose only writes add linear terms.
//! A zero term is not added; an accumulator that is zero starts from the first term.

use std::collections::BTreeMap;

use syn::spanned::Spanned;
use syn::{BinOp, Block, Expr, Stmt};

use super::writes::{base_name, is_read_only, plain_name};
use super::{Blocked, ExprStmt, Reason, State, Val};
use crate::syntax;

impl State<'_> {
    /// The linear dependence of the local a place starts from (`0` if none).
    fn target_deps(&self, place: &Expr) -> u64 {
        base_name(place)
            .and_then(|t| self.deps.get(&t).copied())
            .unwrap_or(0)
    }

    /// `let mut x = init;`, for an accumulator `x` that starts here; `place` is where the user
    /// wrote `x`, so that errors about the new binding point there.
    fn start(&mut self, name: String, place: &Expr, init: &Expr, d: u64) -> ExprStmt {
        let id = syntax::ident(&name, place.span());
        self.deps.insert(name, d);
        ExprStmt::Let(syn::parse_quote!(let mut #id = #init;))
    }

    /// `x += e` / `x -= e`.
    pub(super) fn add_assign(
        &mut self,
        e: &Expr,
        b: &syn::ExprBinary,
    ) -> Result<Option<ExprStmt>, Blocked> {
        let sub = matches!(b.op, BinOp::SubAssign(_));
        let td = self.target_deps(&b.left);
        match self.simplify(&b.right)? {
            Val::Zero(z) => {
                self.droppable(&b.right, z)?;
                Ok(None)
            }
            Val::Live(c, 0) if self.is_zero(td) && !self.is_zero_valued(&c) => {
                Err(self.blocked(e, td, Reason::ConstantIntoZero))
            }
            Val::Live(r, d) if self.is_zero(td) => match plain_name(&b.left) {
                Some(name) => {
                    let init = if sub { self.neg(r) } else { self.owned(r) };
                    Ok(Some(self.start(name, &b.left, &init, d)))
                }
                None => Err(self.blocked(e, td, Reason::AddIntoPartOfZero)),
            },
            Val::Live(r, d) => {
                if let Some(t) = base_name(&b.left) {
                    if !self.is_zero_valued(&r) {
                        self.zero_filled.remove(&t);
                    }
                    self.deps.insert(t, td | d);
                }
                let mut b = b.clone();
                *b.right = r;
                Ok(Some(ExprStmt::Keep(Expr::Binary(b))))
            }
        }
    }

    /// `x *= c` / `x /= c`: a zero scaled stays zero.
    pub(super) fn scale_assign(
        &mut self,
        e: &Expr,
        b: &syn::ExprBinary,
        pass_zero: bool,
    ) -> Result<Option<ExprStmt>, Blocked> {
        let td = self.target_deps(&b.left);
        if self.is_zero(td) {
            self.droppable(&b.right, td)?;
            return Ok(None);
        }
        Ok(self.general(e, pass_zero)?.map(ExprStmt::Keep))
    }

    /// `x = e`: the whole local is replaced, so from here it depends on what replaced it.
    pub(super) fn assign(
        &mut self,
        e: &Expr,
        a: &syn::ExprAssign,
        pass_zero: bool,
    ) -> Result<Option<ExprStmt>, Blocked> {
        let Some(name) = plain_name(&a.left) else {
            return Ok(self.general(e, pass_zero)?.map(ExprStmt::Keep));
        };
        let td = self.deps.get(&name).copied().unwrap_or(0);
        match self.simplify(&a.right)? {
            // The name now holds a zero: later uses see it as zero, so the stale value is never
            // read.
            Val::Zero(d) => {
                self.droppable(&a.right, d)?;
                self.deps.insert(name, d);
                Ok(None)
            }
            Val::Live(r, d) if self.is_zero(td) => Ok(Some(self.start(name, &a.left, &r, d))),
            Val::Live(r, d) => {
                if d == 0 && self.is_zero_valued(&r) {
                    self.zero_filled.insert(name.clone());
                } else {
                    self.zero_filled.remove(&name);
                }
                self.deps.insert(name, d);
                let mut a = a.clone();
                *a.right = r;
                Ok(Some(ExprStmt::Keep(Expr::Assign(a))))
            }
        }
    }

    /// `x.scaled_add(a, t)`, ndarray's `x += a·t`: handled like `+=`.
    pub(super) fn scaled_add(
        &mut self,
        e: &Expr,
        m: &syn::ExprMethodCall,
    ) -> Result<Option<ExprStmt>, Blocked> {
        let td = self.target_deps(&m.receiver);
        let d = m.args.iter().fold(0, |acc, a| acc | self.deps_of(a));
        if self.is_zero(d) {
            for a in &m.args {
                self.droppable(a, d)?;
            }
            return Ok(None);
        }
        if self.is_mixed(d) {
            return Err(self.blocked(e, d, Reason::MixedScaledAdd));
        }
        if self.is_zero(td) {
            // `x.scaled_add(a, t)` into an `x` that is zero here starts `x` as `t · a`.
            let (Some(name), [a, t]) = (plain_name(&m.receiver), [&m.args[0], &m.args[1]]) else {
                return Err(self.blocked(e, td, Reason::ScaledAddIntoPartOfZero));
            };
            return Ok(Some(self.start(
                name,
                &m.receiver,
                &syn::parse_quote!((#t) * (#a)),
                d,
            )));
        }
        if let Some(t) = base_name(&m.receiver) {
            self.zero_filled.remove(&t);
            self.deps.insert(t, td | d);
        }
        Ok(Some(ExprStmt::Keep(e.clone())))
    }

    /// If every write `e` makes is `x += t` / `x -= t` (or `x.scaled_add(a, t)`, or `x = t`) with
    /// `t` depending on a linear input, the linear inputs those terms (and for `x = t`, `x`)
    /// depend on; `None` if `e` may
    /// write in any other way. Loops (over ranges, read-only or `_mut` iterators), `if`s, blocks
    /// and closures passed to `zip_mut_with`/`for_each` are looked into.
    pub(super) fn additive_contribution(&self, e: &Expr) -> Option<u64> {
        self.additive_in(e, &BTreeMap::new())
    }

    /// [`Self::additive_contribution`] with the loop and closure bindings in scope, `bound`.
    fn additive_in(&self, e: &Expr, bound: &BTreeMap<String, u64>) -> Option<u64> {
        let deps = |x: &Expr| self.deps_with(x, bound);
        match e {
            Expr::Binary(b) if matches!(b.op, BinOp::AddAssign(_) | BinOp::SubAssign(_)) => {
                let d = deps(&b.right);
                (d != 0).then_some(())?;
                Some(d | self.additive_in(&b.right, bound)?)
            }
            // `x = t` with `t` linear: when every linear input it and `x` depend on is zero, it
            // writes zero over zero (a derived loop's carried cotangent, `dh = dh_prev`).
            Expr::Assign(a) => {
                let d = deps(&a.right);
                (d != 0).then_some(())?;
                let target = plain_name(&a.left)?;
                let td = bound
                    .get(&target)
                    .or_else(|| self.deps.get(&target))
                    .copied()
                    .unwrap_or(0);
                Some(d | td | self.additive_in(&a.right, bound)?)
            }
            Expr::MethodCall(m) if m.method == "scaled_add" => {
                let d = m.args.iter().fold(0, |acc, a| acc | deps(a));
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
                let d_args = m
                    .args
                    .iter()
                    .take(m.args.len() - 1)
                    .fold(0, |acc, a| acc | deps(a));
                let mut inner = bound.clone();
                for n in c.inputs.iter().flat_map(syntax::pat_names) {
                    inner.insert(n, d_args);
                }
                let body = self.additive_in(&c.body, &inner)?;
                (body != 0).then_some(body)
            }
            Expr::ForLoop(f) => {
                self.mut_iterator(&f.expr).then_some(())?;
                // What the loop reads: not the collection it hands out `&mut` into.
                let d = self.source_deps(&f.expr, bound);
                let mut inner = bound.clone();
                for n in syntax::pat_names(&f.pat) {
                    inner.insert(n, d);
                }
                self.additive_block(&f.body, &inner)
            }
            Expr::While(w) => {
                self.targets_of(&w.cond).is_empty().then_some(())?;
                self.additive_block(&w.body, bound)
            }
            Expr::If(i) => {
                self.targets_of(&i.cond).is_empty().then_some(())?;
                let mut total = self.additive_block(&i.then_branch, bound)?;
                if let Some((_, e)) = &i.else_branch {
                    total |= self.additive_in(e, bound)?;
                }
                Some(total)
            }
            Expr::Block(b) => self.additive_block(&b.block, bound),
            other => self.targets_of(other).is_empty().then_some(0),
        }
    }

    /// [`Self::additive_in`] of a block, whose `let`s bind names for the statements after them.
    fn additive_block(&self, b: &Block, bound: &BTreeMap<String, u64>) -> Option<u64> {
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
                        let d = self.deps_with(&i.expr, &bound);
                        for n in syntax::pat_names(&l.pat) {
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
    }

    /// [`Self::deps_of`], with the names in `bound` (loop and closure bindings) counted too.
    fn deps_with(&self, x: &Expr, bound: &BTreeMap<String, u64>) -> u64 {
        self.deps_of(x)
            | syntax::referenced(x)
                .iter()
                .filter_map(|n| bound.get(n))
                .fold(0, |a, d| a | d)
    }

    /// The linear inputs an iterator expression reads, leaving out the receivers of `..._mut()`
    /// methods (the accumulators it hands out references into).
    fn source_deps(&self, e: &Expr, bound: &BTreeMap<String, u64>) -> u64 {
        match e {
            Expr::MethodCall(m) => {
                let args = m
                    .args
                    .iter()
                    .fold(0, |acc, a| acc | self.deps_with(a, bound));
                if m.method.to_string().ends_with("_mut") {
                    args
                } else {
                    args | self.source_deps(&m.receiver, bound)
                }
            }
            Expr::Reference(r) if r.mutability.is_some() => 0,
            Expr::Paren(p) => self.source_deps(&p.expr, bound),
            other => self.deps_with(other, bound),
        }
    }

    /// Whether `e` only builds an iterator: read-only methods, and `..._mut()` ones that hand out
    /// mutable references (the writes through them are checked where they happen).
    fn mut_iterator(&self, e: &Expr) -> bool {
        match e {
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                (is_read_only(&name) || name.ends_with("_mut"))
                    && self.mut_iterator(&m.receiver)
                    && m.args.iter().all(|a| self.targets_of(a).is_empty())
            }
            Expr::Reference(r) => self.mut_iterator(&r.expr),
            Expr::Paren(p) => self.mut_iterator(&p.expr),
            other => self.targets_of(other).is_empty(),
        }
    }
}
