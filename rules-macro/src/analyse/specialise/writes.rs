//! Writes and aliases: which locals a statement may write, whether dropping it would lose a
//! write, and which locals a `let` makes aliases of others. Conservative by design: a method
//! outside the read-only lists ([`is_read_only`]) is taken to write its receiver.

use std::collections::BTreeSet;

use syn::visit::{self, Visit};
use syn::{BinOp, Block, Expr, Local, Stmt, UnOp};

use super::{Blocked, Reason, State};
use crate::syntax;

/// Read-only methods that return a new value computed from the receiver (not a view or an
/// iterator into it): calling one does not write the receiver, and what it returns cannot write
/// it either.
const FRESH_VALUE_METHODS: &[&str] = &[
    "pullback",
    "pullback_for",
    "pushforward",
    "shape",
    "dim",
    "raw_dim",
    "len",
    "len_of",
    "is_empty",
    "ndim",
    "nrows",
    "ncols",
    "to_owned",
    "dot",
    "sum",
    "sum_axis",
    "mean",
    "mean_axis",
    "product",
    "mapv",
    "abs",
    "sqrt",
    "exp",
    "ln",
    "powi",
    "powf",
    "signum",
    "recip",
    "norm",
    "norm_sqr",
    "conj",
    "arg",
    "to_vec",
    "any",
    "all",
    "count",
    // The pullbacks and pushforwards of other rules take `&self`.
    "pullback",
    "pullback_for",
    "pushforward",
];

/// Read-only methods that return, or may return, a view, an iterator, a reference or a handle
/// into the receiver (or take it by value): calling one does not write the receiver, but what it
/// returns may.
const VIEW_METHODS: &[&str] = &[
    "clone",
    "map",
    "min",
    "max",
    "fold",
    "strides",
    "t",
    "view",
    "reversed_axes",
    "into_owned",
    "iter",
    "indexed_iter",
    "rows",
    "columns",
    "row",
    "column",
    "diag",
    "slice",
    "index_axis",
    "insert_axis",
    "broadcast",
    "as_slice",
    "first",
    "last",
    "get",
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
    "as_ref",
];

/// Whether calling `method` leaves its receiver as it was. Any method not listed is assumed to
/// write it.
pub(super) fn is_read_only(method: &str) -> bool {
    FRESH_VALUE_METHODS.contains(&method) || VIEW_METHODS.contains(&method)
}

/// What an expression may write.
#[derive(Default)]
pub(super) struct Writes {
    /// Locals written directly: method receivers, `&mut` borrows, assignment targets, names in
    /// macros and in expressions the walk does not model.
    pub(super) direct: BTreeSet<String>,
    /// Locals passed by value to a call, or called: a write only if the local is a `&mut` alias
    /// or a closure that captures one.
    pub(super) passed: BTreeSet<String>,
}

impl Writes {
    /// The locals `e` may write (see [`Writes`]).
    pub(super) fn of(e: &Expr) -> Writes {
        let mut w = Writes::default();
        w.expr(e);
        w
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::MethodCall(m) => {
                if !is_read_only(&m.method.to_string()) {
                    self.direct.extend(base_name(&m.receiver));
                }
                self.expr(&m.receiver);
                m.args.iter().for_each(|a| self.expr(a));
            }
            Expr::Reference(r) if r.mutability.is_some() => self.direct.extend(base_name(&r.expr)),
            Expr::Reference(r) => self.expr(&r.expr),
            Expr::Call(c) => {
                for a in &c.args {
                    self.passed.extend(plain_name(a));
                    self.expr(a);
                }
                // Calling a local closure may write what it captured.
                self.passed.extend(plain_name(&c.func));
            }
            Expr::Assign(a) => {
                match base_name(&a.left) {
                    Some(b) => {
                        self.direct.insert(b);
                    }
                    // A destructuring assignment `(a, b) = ..` writes every name on its left.
                    None => self.direct.extend(syntax::referenced(&*a.left)),
                }
                self.expr(&a.right);
            }
            Expr::Binary(b) => {
                if is_compound(b.op) {
                    self.direct.extend(base_name(&b.left));
                }
                self.expr(&b.left);
                self.expr(&b.right);
            }
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Tuple(t) => t.elems.iter().for_each(|e| self.expr(e)),
            Expr::Array(a) => a.elems.iter().for_each(|e| self.expr(e)),
            Expr::Range(r) => r
                .start
                .iter()
                .chain(r.end.iter())
                .for_each(|e| self.expr(e)),
            Expr::Cast(c) => self.expr(&c.expr),
            Expr::Unary(u) if !matches!(u.op, UnOp::Deref(_)) => self.expr(&u.expr),
            Expr::Block(b) => self.block(&b.block, &[]),
            Expr::If(i) => {
                self.expr(&i.cond);
                self.block(&i.then_branch, &[]);
                if let Some((_, e)) = &i.else_branch {
                    self.expr(e);
                }
            }
            Expr::Let(l) => self.expr(&l.expr),
            // Loops, matches and closures write what their bodies write, less the names they bind.
            Expr::ForLoop(f) => {
                self.expr(&f.expr);
                self.block(&f.body, &syntax::pat_names(&f.pat));
            }
            Expr::While(w) => {
                self.expr(&w.cond);
                self.block(&w.body, &[]);
            }
            Expr::Loop(l) => self.block(&l.body, &[]),
            Expr::Match(m) => {
                self.expr(&m.expr);
                for arm in &m.arms {
                    let mut inner = Writes::default();
                    inner.expr(&arm.body);
                    self.merge(inner, &syntax::pat_names(&arm.pat));
                }
            }
            Expr::Closure(c) => {
                let mut inner = Writes::default();
                inner.expr(&c.body);
                let params: Vec<String> = c.inputs.iter().flat_map(syntax::pat_names).collect();
                self.merge(inner, &params);
            }
            // `S { a: e, ..base }`: what the field values and the base write.
            Expr::Struct(st) => {
                st.fields.iter().for_each(|f| self.expr(&f.expr));
                if let Some(rest) = &st.rest {
                    self.expr(rest);
                }
            }
            Expr::Repeat(r) => self.expr(&r.expr),
            Expr::Path(_) | Expr::Lit(_) | Expr::Field(_) | Expr::Index(_) => {}
            // A constructor such as `s![..k]` or `vec![a, b]` writes nothing unless it borrows
            // mutably; any other macro may write every name it mentions.
            Expr::Macro(m) if is_pure_macro(&m.mac) => {}
            other => self.direct.extend(syntax::referenced(other)),
        }
    }

    /// The writes of each statement of `block` (macros: every name they mention), less the
    /// names in `bound`.
    fn block(&mut self, block: &Block, bound: &[String]) {
        let mut inner = Writes::default();
        for stmt in &block.stmts {
            match stmt {
                Stmt::Local(l) => {
                    if let Some(init) = &l.init {
                        inner.expr(&init.expr);
                        if let Some((_, d)) = &init.diverge {
                            inner.expr(d);
                        }
                    }
                }
                Stmt::Expr(e, _) => inner.expr(e),
                Stmt::Macro(m) => inner.direct.extend(syntax::referenced(&m.mac)),
                Stmt::Item(_) => {}
            }
        }
        self.merge(inner, bound);
    }

    fn merge(&mut self, inner: Writes, bound: &[String]) {
        let keep = |t: &String| !bound.contains(t);
        self.direct.extend(inner.direct.into_iter().filter(keep));
        self.passed.extend(inner.passed.into_iter().filter(keep));
    }
}

impl State<'_> {
    /// `targets` with every local they alias.
    pub(super) fn with_aliases(&self, mut targets: BTreeSet<String>) -> BTreeSet<String> {
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

    /// The locals `e` may write, aliases included; a local passed by value counts only if it is
    /// an alias.
    pub(super) fn targets_of(&self, e: &Expr) -> BTreeSet<String> {
        let Writes { mut direct, passed } = Writes::of(e);
        direct.extend(passed.into_iter().filter(|n| self.aliases.contains_key(n)));
        self.with_aliases(direct)
    }

    /// The local a compound assignment or `scaled_add` writes, if it is one name that nothing
    /// aliases; writes through aliases and into destructured places are left to `general`,
    /// which tracks every name.
    pub(super) fn unaliased_target(&self, place: &Expr) -> Option<String> {
        let t = base_name(place)?;
        let set = self.with_aliases(BTreeSet::from([t.clone()]));
        let aliased = self.aliases.values().any(|v| v.contains(&t));
        (set.len() == 1 && !aliased).then_some(t)
    }

    /// What a statement (or `let` initialiser) `e`, whose linear dependence is `d`, does to the
    /// locals it may write. `kept` is whether the specialised body still runs it.
    pub(super) fn effects(&mut self, e: &Expr, d: u64, kept: bool) -> Result<(), Blocked> {
        for t in self.targets_of(e) {
            if kept {
                self.zero_filled.remove(&t);
            }
            match self.deps.get(&t) {
                // Writing into a value that is zero here needs the value it no longer has.
                Some(&td) if self.is_zero(td) => {
                    return Err(self.blocked(e, td, Reason::WriteIntoZero));
                }
                // A zero-filled accumulator still holds zeros after a write of values that are
                // zero here: nothing is lost by dropping it.
                _ if !kept && self.zero_filled.contains(&t) && self.writes_only_zeros(e)? => {}
                // Dropping a statement that writes would lose the write.
                _ if !kept => return Err(self.blocked(e, d, Reason::LostWrite(t))),
                Some(_) => {
                    if let Some(td) = self.deps.get_mut(&t) {
                        *td |= d & !self.zero;
                    }
                }
                // A name written here that the body did not bind (a capture with interior
                // mutability): from now on it depends on what was written into it.
                None => {
                    self.deps.insert(t, d & !self.zero);
                }
            }
        }
        Ok(())
    }

    /// Whether `e` is a call or an assignment whose every operand that depends on a linear input
    /// is zero here (`dx.slice_mut(..).fill(dy)`, `add_into(&mut dx, &dy)`, `dx[i] = dy[i]`):
    /// what it writes is then zero, by linearity. An operand that simplifies to a constant plus
    /// zero terms (`&x + &dy`) is rejected as such; loops, macros and anything else are `false`.
    fn writes_only_zeros(&self, e: &Expr) -> Result<bool, Blocked> {
        let operands: Vec<&Expr> = match e {
            Expr::MethodCall(m) => m.args.iter().collect(),
            Expr::Call(c) => c.args.iter().collect(),
            Expr::Assign(a) => vec![&*a.right],
            _ => return Ok(false),
        };
        for op in operands {
            if self.deps_of(op) == 0 {
                // The written place itself (`&mut dx`) or a primal operand.
                if matches!(op, Expr::Reference(r) if r.mutability.is_some()) {
                    continue;
                }
                return Ok(false);
            }
            if !matches!(self.simplify(op)?, super::Val::Zero(_)) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Before a subexpression is dropped: it must not write anything.
    pub(super) fn droppable(&self, e: &Expr, d: u64) -> Result<(), Blocked> {
        match self.targets_of(e).into_iter().next() {
            Some(t) => Err(self.blocked(e, d, Reason::ZeroTermWrites(t))),
            None => Ok(()),
        }
    }

    /// Blocks a statement that may leave the closure early (`return`, `break`, `continue`, `?`)
    /// and depends on a linear input that is zero here: dropping or simplifying it would change
    /// what the body returns.
    pub(super) fn check_exits(&self, e: &impl quote::ToTokens, d: u64) -> Result<(), Blocked> {
        if d & self.zero != 0 && syntax::leaves_early(e) {
            return Err(self.blocked(e, d, Reason::EarlyExit));
        }
        Ok(())
    }
}

pub(super) fn is_compound(op: BinOp) -> bool {
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

/// `x` for `x`, `x[i]`, `x.f`, `*x`, `x.slice_mut(..)`, `x.iter_mut().zip(..)`: the local a place
/// expression starts from. A method that returns a fresh value (`x.dot(&y)`) starts no place.
pub(super) fn base_name(e: &Expr) -> Option<String> {
    match e {
        Expr::MethodCall(m) if FRESH_VALUE_METHODS.contains(&m.method.to_string().as_str()) => None,
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
pub(super) fn plain_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        Expr::Paren(p) => plain_name(&p.expr),
        _ => None,
    }
}

/// Macros that only build a value from their arguments.
const PURE_MACROS: &[&str] = &[
    "vec",
    "s",
    "array",
    "format",
    "concat",
    "stringify",
    "matches",
];

/// `reclaim!`, or a macro of [`PURE_MACROS`] whose arguments neither borrow mutably nor call a
/// `..._mut` method.
fn is_pure_macro(m: &syn::Macro) -> bool {
    // `reclaim!(x)` reads `x`, or in `pullback_once` moves it at its last use: dropping the
    // statement that holds it loses nothing.
    if m.path.segments.last().is_some_and(|s| s.ident == "reclaim") {
        return true;
    }
    m.path
        .get_ident()
        .is_some_and(|i| PURE_MACROS.contains(&i.to_string().as_str()))
        && !syntax::tokens_may_write(m.tokens.clone())
}

/// Whether `e` invokes a macro other than the pure constructors anywhere.
pub(super) fn calls_impure_macro(e: &Expr) -> bool {
    struct Impure(bool);
    impl<'ast> Visit<'ast> for Impure {
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.0 |= !is_pure_macro(m);
        }
    }
    let mut v = Impure(false);
    v.visit_expr(e);
    v.0
}

/// Finds, in a syntax tree, what can hand out mutable access: `&mut` borrows, `..._mut(..)`
/// calls, and macros whose arguments contain either.
#[derive(Default)]
struct MutAccess {
    found: bool,
}

impl<'ast> Visit<'ast> for MutAccess {
    fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
        self.found |= r.mutability.is_some();
        visit::visit_expr_reference(self, r);
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.found |= m.method.to_string().ends_with("_mut");
        visit::visit_expr_method_call(self, m);
    }
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            self.found |= p
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident.to_string().ends_with("_mut"));
        }
        visit::visit_expr_call(self, c);
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.found |= syntax::tokens_may_write(m.tokens.clone());
    }
}

/// Finds patterns that bind by mutable reference (`ref mut r`).
#[derive(Default)]
struct RefMut(bool);

impl<'ast> Visit<'ast> for RefMut {
    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        self.0 |= p.by_ref.is_some() && p.mutability.is_some();
        visit::visit_pat_ident(self, p);
    }
}

/// Whether a pattern binds by mutable reference (`ref mut r`): its names are then aliases of the
/// place it matches.
pub(super) fn binds_ref_mut(pat: &syn::Pat) -> bool {
    let mut v = RefMut::default();
    v.visit_pat(pat);
    v.0
}

/// Whether a statement contains a pattern that binds by mutable reference anywhere.
pub(super) fn contains_ref_mut(stmt: &Stmt) -> bool {
    let mut v = RefMut::default();
    v.visit_stmt(stmt);
    v.0
}

/// Whether `e` builds a new value that shares no storage with any local: arithmetic on values,
/// a method of [`FRESH_VALUE_METHODS`], a constructor (`zeros`, `from_elem`, `ones`, `new`, ..),
/// a literal or a pure macro. A local bound to one can only be written through its own name.
pub(super) fn is_fresh(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) => true,
        Expr::Paren(p) => is_fresh(&p.expr),
        Expr::Binary(b) => matches!(
            b.op,
            BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_)
        ),
        Expr::Unary(u) => matches!(u.op, UnOp::Neg(_)),
        Expr::MethodCall(m) => FRESH_VALUE_METHODS.contains(&m.method.to_string().as_str()),
        Expr::Call(c) => {
            matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| {
                matches!(
                    s.ident.to_string().as_str(),
                    "zeros" | "ones" | "from_elem" | "zeros_like" | "from_vec" | "from_shape_vec" | "from_diag" | "eye" | "new" | "default" | "owned"
                )
            }))
        }
        Expr::Macro(m) => is_pure_macro(&m.mac),
        _ => false,
    }
}

/// Whether a `let` initialiser can make its names aliases of other locals: a `&mut` borrow, a
/// `..._mut()` view, or a closure (which may capture by mutable reference).
pub(super) fn creates_alias(e: &Expr) -> bool {
    let mut v = MutAccess::default();
    v.visit_expr(e);
    v.found || matches!(e, Expr::Closure(_))
}

/// Whether a `let` must run even if nothing reads what it binds: its initialiser may write
/// (`&mut`, a `..._mut()` call, a method outside the read-only list, an assignment, a macro other
/// than the pure constructors), may leave early, or all its names start with `_` (a guard or a
/// call kept for its effect).
pub(super) fn has_effects(local: &Local) -> bool {
    struct Effects(bool);
    impl<'ast> Visit<'ast> for Effects {
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.0 |= !is_pure_macro(m);
        }
    }
    let bound = syntax::pat_names(&local.pat);
    if bound.iter().all(|b| b.starts_with('_')) {
        return true;
    }
    let Some(init) = &local.init else {
        return false;
    };
    let mut access = MutAccess::default();
    access.visit_expr(&init.expr);
    let mut macros = Effects(false);
    macros.visit_expr(&init.expr);
    !Writes::of(&init.expr).direct.is_empty()
        || access.found
        || macros.0
        || syntax::leaves_early(&init.expr)
        || init.diverge.is_some()
}
