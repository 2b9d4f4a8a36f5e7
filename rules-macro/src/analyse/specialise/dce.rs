//! Dead code: `let`s and accumulations into locals nothing after them reads (the primal uses
//! this too), then the tidying a specialised body needs to read as if written by hand: no `mut`
//! that nothing mutates any more, no `let x = x;` left by simplifying `let x = x + zero`.

use std::collections::BTreeSet;

use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

use super::writes::{self, Writes, base_name};
use crate::syntax;

/// [`dead_lets`], then the tidying passes.
pub(super) fn tidy(stmts: Vec<Stmt>, tail: Option<&Expr>) -> Vec<Stmt> {
    let stmts = dead_lets(stmts, tail);
    let stmts = drop_needless_mut(stmts, tail);
    drop_self_rebinds(stmts)
}

/// Removes, in one backward pass, the `let`s that bind names nothing after them reads (unless
/// their initialiser may have effects, see `writes::has_effects`) and the accumulations
/// (`x += e`, `x -= e`, `x *= e`, `x /= e`, `x.scaled_add(a, e)`) whose terms write nothing into
/// a local nothing after them reads, bound by a plain `let x = ..` to a fresh value (not a
/// parameter, not a view, not a `ref` binding), so that nothing else can reach its storage.
pub(crate) fn dead_lets(stmts: Vec<Stmt>, tail: Option<&Expr>) -> Vec<Stmt> {
    // The locals an accumulation into may be dropped: bound by a plain `let x = fresh value`,
    // so nothing else can reach their storage.
    let fresh: BTreeSet<String> = stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Local(l) => l.init.as_ref().map(|i| (l, i)),
            _ => None,
        })
        .filter(|(l, i)| {
            i.diverge.is_none() && writes::is_fresh(&i.expr) && plain_binding(&l.pat).is_some()
        })
        .filter_map(|(l, _)| plain_binding(&l.pat))
        .collect();
    let mut needed: BTreeSet<String> = tail.map(syntax::referenced).unwrap_or_default();
    let mut out = Vec::with_capacity(stmts.len());
    for mut stmt in stmts.into_iter().rev() {
        if let Stmt::Local(l) = &mut stmt {
            if skip_unread(l, &needed) {
                continue;
            }
        }
        match &stmt {
            Stmt::Local(l) => {
                let bound = syntax::pat_names(&l.pat);
                let used = bound.is_empty()
                    || bound.iter().any(|b| needed.contains(b))
                    || writes::has_effects(l);
                if !used {
                    continue;
                }
                if let Some(init) = &l.init {
                    needed.extend(syntax::referenced(&init.expr));
                    if let Some((_, d)) = &init.diverge {
                        needed.extend(syntax::referenced(&**d));
                    }
                }
            }
            Stmt::Expr(e, _) => {
                if let Some(targets) = write_only_targets(e) {
                    if targets
                        .iter()
                        .all(|t| !needed.contains(t) && fresh.contains(t))
                    {
                        continue;
                    }
                }
                needed.extend(syntax::referenced(e));
            }
            other => needed.extend(syntax::referenced(other)),
        }
        out.push(stmt);
    }
    out.reverse();
    out
}

/// In `let (a, b) = pb.pullback_for((Need, Need), ..)`, asks for `Skip` where the result is
/// not read after (its pattern becomes `_`), so the callee does not compute it. Returns `true`
/// when nothing the call returns is read: the statement can go.
fn skip_unread(l: &mut syn::Local, needed: &BTreeSet<String>) -> bool {
    let Some(init) = &mut l.init else {
        return false;
    };
    let Expr::MethodCall(call) = &mut *init.expr else {
        return false;
    };
    let (Pat::Tuple(pat), Some(Expr::Tuple(sel))) = (&mut l.pat, call.args.first_mut()) else {
        return false;
    };
    if call.method != "pullback_for" || init.diverge.is_some() || pat.elems.len() != sel.elems.len()
    {
        return false;
    }
    let marker = |e: &Expr| match e {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    if !sel
        .elems
        .iter()
        .all(|e| matches!(marker(e).as_deref(), Some("Need" | "Skip")))
    {
        return false;
    }
    for (p, s) in pat.elems.iter_mut().zip(sel.elems.iter_mut()) {
        let read = match p {
            Pat::Ident(id) => needed.contains(&id.ident.to_string()),
            Pat::Wild(_) => false,
            _ => true,
        };
        if !read {
            *p = syn::parse_quote!(_);
            if let Expr::Path(path) = s {
                if let Some(last) = path.path.segments.last_mut() {
                    last.ident = syn::Ident::new("Skip", last.ident.span());
                }
            }
        }
    }
    pat.elems.iter().all(|p| matches!(p, Pat::Wild(_)))
}

/// The locals `e` writes, if writing them is all it does: an accumulation (`x += t`,
/// `x.scaled_add(a, t)`), an assignment into `x` or its elements, or a loop, `if` or block of
/// such statements (`for (d, w) in dx.iter_mut().zip(..) { *d += w; }`), with no call by value of
/// a local, no early exit and no macro other than the pure constructors. `None` otherwise.
fn write_only_targets(e: &Expr) -> Option<BTreeSet<String>> {
    let w = Writes::of(e);
    let quiet = w.passed.is_empty()
        && !w.direct.is_empty()
        && !syntax::leaves_early(e)
        && !writes::calls_impure_macro(e);
    let shaped = match e {
        Expr::Binary(b) => writes::is_compound(b.op),
        Expr::MethodCall(m) => m.method == "scaled_add",
        Expr::Assign(_) | Expr::ForLoop(_) | Expr::If(_) | Expr::Block(_) | Expr::While(_) => true,
        _ => false,
    };
    (quiet && shaped).then_some(w.direct)
}

/// Drops `mut` from `let mut x` when nothing after it may mutate `x`: every later mention of `x`
/// is a plain read (see [`Uses`]).
fn drop_needless_mut(mut stmts: Vec<Stmt>, tail: Option<&Expr>) -> Vec<Stmt> {
    for i in 0..stmts.len() {
        let Stmt::Local(l) = &stmts[i] else { continue };
        let Some(name) = mut_binding(&l.pat) else {
            continue;
        };
        let mut uses = Uses {
            name: &name,
            found: false,
        };
        for s in &stmts[i + 1..] {
            uses.visit_stmt(s);
            // `if let Some(ref mut v) = x`, `let ref mut r = x`: a mutable borrow by pattern.
            uses.found |= writes::contains_ref_mut(s) && syntax::referenced(s).contains(&name);
        }
        if let Some(t) = tail {
            uses.visit_expr(t);
            let t = Stmt::Expr(t.clone(), None);
            uses.found |= writes::contains_ref_mut(&t) && syntax::referenced(&t).contains(&name);
        }
        if uses.found {
            continue;
        }
        if let Stmt::Local(l) = &mut stmts[i] {
            set_immutable(&mut l.pat);
        }
    }
    stmts
}

/// `x` of `let x` or `let mut x` (typed or not), not `ref`.
fn plain_binding(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.ident.to_string()),
        Pat::Type(t) => plain_binding(&t.pat),
        _ => None,
    }
}

/// `x` of `let mut x` (typed or not).
fn mut_binding(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(p) if p.mutability.is_some() && p.by_ref.is_none() && p.subpat.is_none() => {
            Some(p.ident.to_string())
        }
        Pat::Type(t) => mut_binding(&t.pat),
        _ => None,
    }
}

fn set_immutable(pat: &mut Pat) {
    match pat {
        Pat::Ident(p) => p.mutability = None,
        Pat::Type(t) => set_immutable(&mut t.pat),
        _ => {}
    }
}

/// Finds mentions of the local `name` other than plain reads: a method call on it, `&mut`, an
/// assignment or compound assignment into it, a loop over it, a closure or macro mentioning it.
struct Uses<'n> {
    name: &'n str,
    found: bool,
}

impl Uses<'_> {
    fn is(&self, e: &Expr) -> bool {
        base_name(e).is_some_and(|b| b == self.name)
    }
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        self.found |= match e {
            Expr::MethodCall(m) => self.is(&m.receiver),
            Expr::Reference(r) => r.mutability.is_some() && self.is(&r.expr),
            Expr::Assign(a) => self.is(&a.left) || base_name(&a.left).is_none(),
            Expr::Binary(b) => writes::is_compound(b.op) && self.is(&b.left),
            Expr::Closure(c) => syntax::referenced(&c.body).contains(self.name),
            Expr::ForLoop(f) => self.is(&f.expr),
            _ => false,
        };
        visit::visit_expr(self, e);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.found |= syntax::referenced(&m.tokens).contains(self.name);
    }
}

/// Removes `let x = x;` (no `mut`, no type, no attributes): what `let x = x + zero` simplifies to.
fn drop_self_rebinds(stmts: Vec<Stmt>) -> Vec<Stmt> {
    stmts
        .into_iter()
        .filter(|s| {
            let Stmt::Local(l) = s else { return true };
            let Pat::Ident(p) = &l.pat else { return true };
            let plain = p.mutability.is_none() && p.by_ref.is_none() && p.subpat.is_none();
            let rebind = l.init.as_ref().is_some_and(|i| {
                i.diverge.is_none()
                    && matches!(&*i.expr, Expr::Path(e) if e.path.is_ident(&p.ident) && e.attrs.is_empty())
            });
            !(plain && rebind && l.attrs.is_empty())
        })
        .collect()
}
