//! The specialisation engine: a closure body that is linear in some of its inputs, specialised
//! for one set of those inputs that are zero and one set of its results that are wanted.
//!
//! `#[rrule]` runs it once per pattern of `Zero` cotangents (the linear inputs are the output
//! cotangents, the results the input cotangents, all wanted). Nothing here knows which direction
//! it is looking at: a pushforward's zero tangents or a pullback's unwanted results are the same
//! analysis run on other sets, and messages name the inputs through [`Words`].
//!
//! A linear body's sub-expression that depends on linear inputs is a linear function of them, so
//! one whose linear inputs are all zero is itself zero. The engine walks the body in order and
//! tracks, for each local name, the set of linear inputs it depends on (a bit mask; `0` means
//! none, a primal value). A name is *zero* when its mask is non-empty and inside the zero set.
//!
//! * `let p = e;` with `e` zero is dropped and `p` is zero (`simplify`);
//! * `a + b` / `a - b` with one side zero keep the other side (`Zero - b` for `zero - b`); a
//!   borrowed side is copied once (as `&a + &b` would have allocated), so for same-shaped terms
//!   the result has the type and shape the sum had (`simplify`);
//! * `x += e` / `x -= e` with `e` zero are dropped; with `x` zero they start `x` afresh
//!   (`let mut x = e;`), and so does `x.scaled_add(a, e)`; loops, `if`s, blocks and
//!   `zip_mut_with`/`for_each` closures whose only writes add terms are dropped when those terms
//!   are zero (`accumulate`);
//! * a statement whose linear inputs are all zero is dropped, provided it writes nothing: a write
//!   into a local that is not zero (through a method outside a short read-only list, a `&mut`
//!   borrow, an alias made by `let r = &mut x`, `ref mut` or a closure, or a macro) or into a
//!   value that is zero (other than by `+=`/`-=`) is rejected instead (`writes`). The exception
//!   is a local filled with zeros (`Array1::zeros(n)`, `0.0`, or a linear expression of such
//!   locals) that no kept statement has written since: a call or assignment whose every
//!   cotangent-dependent operand is zero writes zeros into it, and is dropped;
//! * a statement that may leave the closure early and depends on a zero input is rejected, as is
//!   a zero term added to a term that depends on no linear input unless that term is zero-filled,
//!   and a "zero" term that reads a size of a zero input (`dy.len()`), which is not zero;
//! * each zero result in the tail becomes the value `Zero`, each unwanted one `Skip`;
//! * finally `let`s and accumulations into locals that nothing kept reads are removed, `mut` that
//!   nothing mutates any more is dropped, and so are the `let x = x;` rebinds that simplifying
//!   `let x = x + zero` leaves (`dce`).
//!
//! A call that takes a zero and a non-zero linear input together cannot be decided. It is
//! rejected ([`Reason::Mixed`]) unless the statement is marked `#[pass_zero]`: then each zero
//! name (not one rebound by a closure inside the statement) is passed as the value `Zero`.
//!
//! Two assumptions are not checked: terms combined with `+`, `-`, `+=`, `-=` or `=` have the
//! same shape (no broadcasting between linear terms), and a method outside the read-only list
//! writes its receiver (conservative). The testing kit compares every specialised body with the
//! dense one fed explicit zeros.

mod accumulate;
mod dce;
mod reason;
mod simplify;
mod writes;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use syn::{BinOp, Block, Expr, Local, LocalInit, Path, Stmt};

use crate::model::BodyStmt;
use crate::syntax;

pub(crate) use dce::dead_lets;
pub(crate) use reason::{Blocked, Reason, Words};
use simplify::Val;

/// A linear body: what the engine specialises.
pub(crate) struct Body<'a> {
    /// The bindings of the linear inputs, in order (`None` for `_`).
    pub(crate) inputs: &'a [Option<String>],
    /// The statements before the tail.
    pub(crate) stmts: &'a [BodyStmt],
    /// The tail: one result, or a tuple of `results` results.
    pub(crate) tail: Option<&'a Expr>,
    /// How many results the tail returns.
    pub(crate) results: usize,
    /// The body's braces.
    pub(crate) brace: syn::token::Brace,
}

/// One run's sets: bit `i` of `zero` says linear input `i` is zero, bit `j` of `wanted` that
/// result `j` is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Spec {
    pub(crate) zero: u64,
    pub(crate) wanted: u64,
}

/// What became of one result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Computed, with its declared type.
    Computed,
    /// Statically zero: the value `Zero`.
    Zero,
    /// Not wanted: the value `Skip`. When the tail is a tuple literal, nothing that only fed it
    /// runs; a tail computed as a whole is still computed, and the wanted elements taken out.
    Skipped,
}

/// A specialised body.
pub(crate) struct Specialised {
    /// The kept statements and the tail, in the user's names.
    pub(crate) body: Block,
    /// Per result, what became of it.
    pub(crate) results: Vec<Fate>,
}

/// Specialises `body` for `spec`. Generated values are named through `rt` (`rt::Zero`,
/// `rt::Skip`, `rt::owned`).
pub(crate) fn specialise(body: &Body<'_>, spec: Spec, rt: &Path) -> Result<Specialised, Blocked> {
    let mut st = State {
        deps: BTreeMap::new(),
        aliases: BTreeMap::new(),
        zero_filled: BTreeSet::new(),
        zero: spec.zero,
        rt,
    };
    for (i, name) in body.inputs.iter().enumerate() {
        if let Some(name) = name {
            st.deps.insert(name.clone(), 1 << i);
        }
    }
    let mut kept = Vec::with_capacity(body.stmts.len());
    for s in body.stmts {
        if let Some(s) = st.stmt(s.stmt.clone(), s.pass_zero)? {
            kept.push(s);
        }
    }
    let (tail, results) = match body.tail {
        Some(t) => st.tail(t, body.results, spec.wanted)?,
        // A body without a tail expression returns `()`: nothing to specialise.
        None => (None, vec![Fate::Computed; body.results]),
    };
    let mut stmts = dce::tidy(kept, tail.as_ref());
    stmts.extend(tail.map(|t| Stmt::Expr(t, None)));
    Ok(Specialised {
        body: Block {
            brace_token: body.brace,
            stmts,
        },
        results,
    })
}

/// The walk's state: what each local depends on and what it aliases.
struct State<'a> {
    /// Linear dependence of each local name (linear inputs and the body's `let`s).
    deps: BTreeMap<String, u64>,
    /// Locals bound to a mutable borrow of (or a closure over) other locals: writing through the
    /// alias writes them.
    aliases: BTreeMap<String, BTreeSet<String>>,
    /// Locals that hold zeros of a primal shape (`let mut dx = Array1::zeros(n)`, `0.0`), or a
    /// linear expression of such locals, and that no kept statement has written since other than
    /// with zeros: an accumulator that received only zero terms. Adding a zero term to one is not
    /// a constant plus zero, and writing zero terms into one loses nothing.
    zero_filled: BTreeSet<String>,
    /// The zero linear inputs of this run.
    zero: u64,
    rt: &'a Path,
}

/// `e` without the parentheses around it.
fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        other => other,
    }
}

/// Whether `e` is a float zero or zeros of a shape: `0.0`, `T::zero()`, `zeros(..)` under any
/// path (`Array1::zeros(n)`, `Array2::<f64>::zeros((m, n))`), `zeros_like(..)`, or
/// `from_elem(shape, 0.0)`. Not an integer `0`: that is an index or a count, not an accumulator.
fn is_zero_fill(e: &Expr) -> bool {
    let zero_lit = |e: &Expr| match e {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Float(f) => f.base10_digits().parse::<f64>().is_ok_and(|v| v == 0.0),
            _ => false,
        },
        _ => false,
    };
    match e {
        Expr::Paren(p) => is_zero_fill(&p.expr),
        Expr::Call(c) => {
            let Expr::Path(f) = &*c.func else {
                return false;
            };
            let Some(last) = f.path.segments.last() else {
                return false;
            };
            match last.ident.to_string().as_str() {
                "zeros" | "zeros_like" => true,
                "zero" => c.args.is_empty(),
                "from_elem" => c.args.len() == 2 && zero_lit(&c.args[1]),
                _ => false,
            }
        }
        other => zero_lit(other),
    }
}

/// A statement that replaces an expression statement: the expression kept, or a new `let`.
enum ExprStmt {
    Keep(Expr),
    Let(Stmt),
}

impl State<'_> {
    /// The linear inputs `node` depends on, through the locals it mentions.
    fn deps_of(&self, node: &impl quote::ToTokens) -> u64 {
        syntax::referenced(node)
            .iter()
            .filter_map(|n| self.deps.get(n))
            .fold(0, |a, d| a | d)
    }

    /// Depends on some linear input, and only on zero ones.
    fn is_zero(&self, d: u64) -> bool {
        d != 0 && d & !self.zero == 0
    }

    /// Depends on a zero and a non-zero linear input.
    fn is_mixed(&self, d: u64) -> bool {
        d & self.zero != 0 && d & !self.zero != 0
    }

    fn blocked(&self, at: &impl quote::ToTokens, d: u64, reason: Reason) -> Blocked {
        Blocked {
            at: at.to_token_stream(),
            reason,
            zero: d & self.zero,
        }
    }

    /// Whether `e` is zero whatever the pattern: a literal zero or zeros of a shape, or a linear
    /// expression of [`State::zero_filled`] locals (a product or quotient by primal factors, a
    /// sum of such terms, `dot`, `sum`, a transpose or a view of them). Not a size read from
    /// one (`dx.len()`), nor anything passed to a function the engine cannot see into.
    fn is_zero_valued(&self, e: &Expr) -> bool {
        const LINEAR_METHODS: &[&str] = &[
            "dot",
            "sum",
            "sum_axis",
            "t",
            "view",
            "clone",
            "to_owned",
            "into_owned",
            "reversed_axes",
            "slice",
            "row",
            "column",
            "diag",
            "insert_axis",
            "into_shape_with_order",
            "to_shape",
        ];
        if is_zero_fill(e) {
            return true;
        }
        if self.zero_filled.is_empty() {
            return false;
        }
        let primal = |x: &Expr| {
            self.deps_of(x) == 0
                && !syntax::referenced(x)
                    .iter()
                    .any(|n| self.zero_filled.contains(n))
        };
        match e {
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.zero_filled.contains(&i.to_string())),
            Expr::Paren(p) => self.is_zero_valued(&p.expr),
            Expr::Reference(r) => self.is_zero_valued(&r.expr),
            Expr::Cast(c) => self.is_zero_valued(&c.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => self.is_zero_valued(&u.expr),
            Expr::Binary(b) => match b.op {
                BinOp::Add(_) | BinOp::Sub(_) => {
                    self.is_zero_valued(&b.left) && self.is_zero_valued(&b.right)
                }
                BinOp::Mul(_) => {
                    (self.is_zero_valued(&b.left) && primal(&b.right))
                        || (primal(&b.left) && self.is_zero_valued(&b.right))
                }
                BinOp::Div(_) => self.is_zero_valued(&b.left) && primal(&b.right),
                _ => false,
            },
            // `dx.dot(&x)`, `dx.t()`, `dx.sum_axis(Axis(0))`: linear in the receiver, the
            // arguments primal.
            Expr::MethodCall(m)
                if LINEAR_METHODS.contains(&m.method.to_string().as_str())
                    && m.args.iter().all(primal)
                    && self.is_zero_valued(&m.receiver) =>
            {
                true
            }
            // `x.dot(&dx)`: linear in its one argument.
            Expr::MethodCall(m) if m.method == "dot" && m.args.len() == 1 => {
                primal(&m.receiver) && self.is_zero_valued(&m.args[0])
            }
            _ => false,
        }
    }

    fn zero_expr(&self) -> Expr {
        let rt = self.rt;
        syn::parse_quote!(#rt::Zero)
    }

    fn skip_expr(&self) -> Expr {
        let rt = self.rt;
        syn::parse_quote!(#rt::Skip)
    }

    fn stmt(&mut self, stmt: Stmt, pass_zero: bool) -> Result<Option<Stmt>, Blocked> {
        match stmt {
            Stmt::Local(local) => self.local(local, pass_zero),
            Stmt::Item(i) => Ok(Some(Stmt::Item(i))),
            Stmt::Expr(e, semi) => Ok(self.expr_stmt(e, pass_zero)?.map(|e| match e {
                ExprStmt::Keep(e) => Stmt::Expr(e, semi),
                ExprStmt::Let(l) => l,
            })),
            Stmt::Macro(m) => {
                let as_expr = Expr::Macro(syn::ExprMacro {
                    attrs: m.attrs.clone(),
                    mac: m.mac.clone(),
                });
                Ok(match self.general(&as_expr, pass_zero)? {
                    None => None,
                    Some(Expr::Macro(em)) => Some(Stmt::Macro(syn::StmtMacro {
                        attrs: em.attrs,
                        mac: em.mac,
                        semi_token: m.semi_token,
                    })),
                    Some(other) => Some(Stmt::Expr(other, m.semi_token)),
                })
            }
        }
    }

    fn local(&mut self, mut local: Local, pass_zero: bool) -> Result<Option<Stmt>, Blocked> {
        let bound = syntax::pat_names(&local.pat);
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
            return Err(self.blocked(&*expr, d_all, Reason::LetElse));
        }
        let val = if pass_zero || diverge.is_some() {
            if self.is_zero(d_all) {
                Val::Zero(d_all)
            } else if self.is_mixed(d_all) && !pass_zero {
                return Err(self.blocked(&*expr, d_all, Reason::Mixed));
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
        if writes::creates_alias(&expr) || writes::binds_ref_mut(&local.pat) {
            let refs: BTreeSet<String> = syntax::referenced(&*expr)
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
        let (Val::Zero(d) | Val::Live(_, d)) = &val;
        let zero_filled = *d == 0 && self.is_zero_valued(&expr);
        for n in bound {
            self.deps.insert(n.clone(), *d);
            if zero_filled {
                self.zero_filled.insert(n);
            } else {
                self.zero_filled.remove(&n);
            }
        }
        Ok(match val {
            Val::Zero(_) => None,
            Val::Live(e, _) => {
                local.init = Some(LocalInit {
                    eq_token,
                    expr: Box::new(e),
                    diverge,
                });
                Some(Stmt::Local(local))
            }
        })
    }

    fn expr_stmt(&mut self, e: Expr, pass_zero: bool) -> Result<Option<ExprStmt>, Blocked> {
        let d_all = self.deps_of(&e);
        self.check_exits(&e, d_all)?;
        match &e {
            Expr::MethodCall(m)
                if m.method == "scaled_add"
                    && m.args.len() == 2
                    && self.unaliased_target(&m.receiver).is_some() =>
            {
                self.scaled_add(&e, m)
            }
            Expr::Binary(b)
                if matches!(b.op, BinOp::AddAssign(_) | BinOp::SubAssign(_))
                    && self.unaliased_target(&b.left).is_some() =>
            {
                self.add_assign(&e, b)
            }
            Expr::Binary(b)
                if matches!(b.op, BinOp::MulAssign(_) | BinOp::DivAssign(_))
                    && self.unaliased_target(&b.left).is_some() =>
            {
                self.scale_assign(&e, b, pass_zero)
            }
            Expr::Assign(a)
                if writes::plain_name(&a.left).is_some()
                    && self.unaliased_target(&a.left).is_some() =>
            {
                self.assign(&e, a, pass_zero)
            }
            _ => Ok(self.general(&e, pass_zero)?.map(ExprStmt::Keep)),
        }
    }

    /// A statement the rules above do not model.
    fn general(&mut self, e: &Expr, pass_zero: bool) -> Result<Option<Expr>, Blocked> {
        let d = self.deps_of(e);
        if d == 0 {
            // Primal work: whatever it writes no longer holds the zeros it was filled with.
            for t in self.targets_of(e) {
                self.zero_filled.remove(&t);
            }
            return Ok(Some(e.clone()));
        }
        // A statement that only accumulates linear terms (`+=`/`-=`, in loops too) adds zero
        // when those terms are zero, whatever it adds them into.
        if let Some(c) = self.additive_contribution(e).filter(|&c| c != 0) {
            if self.is_zero(c) {
                return Ok(None);
            }
            // Kept as written: only if it mentions no linear input that is zero here.
            if !self.is_mixed(c) && d & self.zero == 0 {
                self.effects(e, c, true)?;
                return Ok(Some(e.clone()));
            }
        }
        if self.is_zero(d) {
            // Linear in inputs that are all zero here: nothing to do, as long as it writes
            // nothing (`effects` blocks any write).
            self.effects(e, d, false)?;
            return Ok(None);
        }
        let mut kept = e.clone();
        if self.is_mixed(d) {
            if !pass_zero {
                return Err(self.blocked(e, d, Reason::Mixed));
            }
            self.pass_zeros(&mut kept);
        }
        self.effects(e, d, true)?;
        Ok(Some(kept))
    }

    /// The tail: the results, each computed, zero, or skipped.
    fn tail(
        &self,
        tail: &Expr,
        n: usize,
        wanted: u64,
    ) -> Result<(Option<Expr>, Vec<Fate>), Blocked> {
        let want = |j: usize| wanted & (1 << j) != 0;
        let tail = unparen(tail);
        if n > 1 {
            if let Expr::Tuple(t) = tail {
                let mut t = t.clone();
                let mut fates = Vec::with_capacity(n);
                for (j, el) in t.elems.iter_mut().enumerate() {
                    if !want(j) {
                        let d = self.deps_of(&*el);
                        if syntax::leaves_early(&*el) {
                            return Err(self.blocked(&*el, d, Reason::EarlyExit));
                        }
                        self.droppable(el, d)?;
                        *el = self.skip_expr();
                        fates.push(Fate::Skipped);
                        continue;
                    }
                    match self.simplify(el)? {
                        Val::Zero(z) => {
                            self.droppable(el, z)?;
                            *el = self.zero_expr();
                            fates.push(Fate::Zero);
                        }
                        Val::Live(e, _) => {
                            *el = e;
                            fates.push(Fate::Computed);
                        }
                    }
                }
                return Ok((Some(Expr::Tuple(t)), fates));
            }
        }
        if (0..n).all(|j| !want(j)) {
            self.droppable(tail, 0)?;
            let fates = vec![Fate::Skipped; n];
            return Ok((Some(self.fill(&fates, |_| self.skip_expr())), fates));
        }
        let fates: Vec<Fate>;
        let e = match self.simplify(tail)? {
            Val::Zero(z) => {
                self.droppable(tail, z)?;
                fates = (0..n)
                    .map(|j| if want(j) { Fate::Zero } else { Fate::Skipped })
                    .collect();
                self.fill(&fates, |_| self.zero_expr())
            }
            Val::Live(e, _) if (0..n).all(want) => {
                fates = vec![Fate::Computed; n];
                e
            }
            Val::Live(e, _) => {
                // A tuple computed as a whole: take the wanted elements out of it.
                let t = syntax::ident("__results", proc_macro2::Span::mixed_site());
                fates = (0..n)
                    .map(|j| {
                        if want(j) {
                            Fate::Computed
                        } else {
                            Fate::Skipped
                        }
                    })
                    .collect();
                let elems = self.fill(&fates, |j| {
                    let idx = syn::Index::from(j);
                    syn::parse_quote!(#t.#idx)
                });
                syn::parse_quote!({ let #t = #e; #elems })
            }
        };
        Ok((Some(e), fates))
    }

    /// The results as one expression: `Zero` or `Skip` where `fates` say so, `computed(j)`
    /// otherwise; a tuple for several.
    fn fill(&self, fates: &[Fate], computed: impl Fn(usize) -> Expr) -> Expr {
        let elems: Vec<Expr> = fates
            .iter()
            .enumerate()
            .map(|(j, f)| match f {
                Fate::Zero => self.zero_expr(),
                Fate::Skipped => self.skip_expr(),
                Fate::Computed => computed(j),
            })
            .collect();
        match elems.as_slice() {
            [one] => one.clone(),
            _ => syn::parse_quote!((#(#elems),*)),
        }
    }
}
