//! `for` loops over ranges in a derived body: the walk of the body, whose calls of rules run once
//! per iteration and whose pullbacks are pushed to a `Vec` (the loop's tape) that the derived
//! pullback runs in reverse. A loop carries values from one iteration to the next through
//! assignments to locals declared `let mut` before it (`h = ops::tanh(..)`); values from before
//! the loop that its calls read get their cotangents summed over the iterations.

use quote::ToTokens;
use syn::{Expr, ExprForLoop, Pat, Stmt};

use super::forms::{is_rule_expr, plain, unparen};
use super::walk::{Item, Walk};
use crate::syntax;

/// A loop's walk in progress.
pub(super) struct Scope {
    /// Values with an id below this one were made before the loop.
    pub(super) first_var: usize,
    /// The names the loop carries.
    pub(super) carried: Vec<String>,
    /// Carried names already assigned in the body (their value is the iteration's new one).
    pub(super) assigned: Vec<String>,
    /// Carried names whose value at the start of an iteration is lent to a rule that may keep
    /// it: kept in the arena at the start of each iteration.
    pub(super) kept_carried: Vec<String>,
    /// Locals from before the loop lent to such a rule inside it: kept before the loop.
    pub(super) keep_before: Vec<String>,
    /// A carried value lent to such a rule after its assignment (not supported).
    pub(super) late_lend: Option<String>,
}

/// A value the loop carries: its values before the loop, at the start and at the end of an
/// iteration, and after the loop.
pub(super) struct Carried {
    pub(super) name: String,
    pub(super) before: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) after: usize,
}

/// A walked loop.
pub(super) struct Loop {
    /// The loop as written: what the plain function runs.
    pub(super) stmt: ExprForLoop,
    pub(super) items: Vec<Item>,
    pub(super) carried: Vec<Carried>,
    /// Values from before the loop (not carried) that its calls read.
    pub(super) outer: Vec<usize>,
    pub(super) keep_before: Vec<String>,
    pub(super) kept_carried: Vec<String>,
    /// The name of the `Vec` of pullbacks.
    pub(super) tape: String,
    /// Carried values kept in the arena before the loop (lent to a rule that may keep them):
    /// `rrule` carries a copy.
    pub(super) recopy: Vec<String>,
    /// Per value from before the loop (in `outer`'s order), the local `rrule` binds to its zero
    /// cotangent before the loop, and the name it reads the value by: the pullback's accumulator starts from its shape. (Taken
    /// before the loop, so that a later binding of the same name cannot change it.)
    pub(super) outer_zeros: Vec<(String, String)>,
    /// Per carried value, the local bound to its zero cotangent after the loop, when the
    /// pullback needs one (see [`needs_zero`]).
    pub(super) carried_zeros: Vec<String>,
}

/// Whether the pullback needs a zero cotangent for carried value `c` of `l`: when nothing after
/// the loop reads it (its carry starts at zero), or the body never reads its value at the
/// start of an iteration (each iteration hands zero to the one before).
pub(super) fn needs_zero(p: &super::walk::Program, c: &Carried) -> bool {
    let (live, _) = super::reverse::liveness(p);
    let reads =
        |v: usize| (p.steps.iter().zip(&live)).any(|(s, l)| *l && s.flows.contains(&Some(v)));
    let after = reads(c.after) || p.outputs.contains(&Some(c.after));
    !after || !reads(c.start)
}

impl Walk<'_> {
    /// `if cond { .. } else { .. }` on a constant condition, whose branches assign values
    /// declared `let mut` before it: each branch a loop of one iteration or none
    /// (`for _ in 0..usize::from(cond)`), so that each has a tape of its own.
    pub(super) fn branch(&mut self, i: &syn::ExprIf) {
        let cond = syntax::ident(
            &self.program.names.fresh("branch"),
            proc_macro2::Span::call_site(),
        );
        let c = &i.cond;
        let bind: Stmt = syn::parse_quote!(let #cond: bool = #c;);
        self.program.items.push(Item::Stmt(Box::new(bind)));
        let mut arms: Vec<(Expr, &syn::Block)> = vec![(syn::parse_quote!(#cond), &i.then_branch)];
        match i.else_branch.as_ref().map(|(_, e)| &**e) {
            None => {}
            Some(Expr::Block(b)) => arms.push((syn::parse_quote!(!#cond), &b.block)),
            Some(other) => {
                self.cx.error(other, "`else if` is not supported in a derived rule: nest the second `if` in the `else` block");
                return;
            }
        }
        for (on, block) in arms {
            if block.stmts.is_empty() {
                continue;
            }
            let l: ExprForLoop = syn::parse_quote!(for _ in 0..usize::from(#on) #block);
            self.for_loop_as(&l, Some(i));
        }
    }

    /// `for pat in range { .. }` whose body calls rules on differentiated values.
    pub(super) fn for_loop(&mut self, l: &ExprForLoop) {
        self.for_loop_as(l, None);
    }

    /// A loop, or a branch of `branch` (errors then point at the `if`).
    fn for_loop_as(&mut self, l: &ExprForLoop, branch: Option<&syn::ExprIf>) {
        let at: &dyn ToTokens = match branch {
            Some(b) => b,
            None => l,
        };
        if self.in_loop.is_some() {
            self.cx.error(at, "a loop or a branch inside a loop or a branch is not supported in a derived rule: write the inner one in a declared `#[rrule]` and call it");
            return;
        }
        if self.reads_tracked(&*l.expr) {
            self.cx.error(&l.expr, "the range of a loop in a derived rule cannot depend on differentiated values: iterate over a constant range (`0..n`)");
            return;
        }
        let mut leaves = false;
        syntax::walk(l.body.to_token_stream(), &mut |at| {
            if let proc_macro2::TokenTree::Ident(i) = at.tree() {
                leaves |= i == "break" || i == "continue" || i == "return";
            }
        });
        if leaves || l.label.is_some() {
            self.cx.error(at, "a loop or a branch in a derived rule runs every iteration to its end: `break`, `continue` and `return` are not supported (compute the number of iterations first)");
            return;
        }
        // The carried values: the plain names the body assigns at its top level.
        let mut carried: Vec<String> = Vec::new();
        for s in &l.body.stmts {
            if let Stmt::Expr(Expr::Assign(a), _) = s {
                let Some(name) = plain(&a.left) else { continue };
                if !self.tracked.contains_key(&name) {
                    continue;
                }
                if !self.mutable.contains(&name) {
                    self.cx.error(&a.left, format!("`{name}` is carried from one iteration to the next: declare it `let mut {name} = ..;` before the loop"));
                    return;
                }
                if !carried.contains(&name) {
                    carried.push(name);
                }
            }
        }
        if carried.is_empty() && branch.is_some() {
            self.cx.error(at, "a branch in a derived rule assigns the values it changes: `if flip { h = ops::neg(h.view()); }` with `h` declared `let mut` before it; a branch that only computes constants can be marked `#[no_grad]`");
            return;
        }
        if carried.is_empty() {
            self.cx.error(at, "a loop in a derived rule carries values from one iteration to the next: assign one of them (`h = f(h.view());`, `h` declared `let mut` before the loop); a loop that only computes constants can be marked `#[no_grad]`");
            return;
        }
        let recopy: Vec<String> = (carried.iter())
            .filter(|c| self.program.kept.contains(c) && self.owned.get(*c) != Some(&true))
            .cloned()
            .collect();
        let saved_tracked = self.tracked.clone();
        let saved_owned = self.owned.clone();
        let saved_views = self.views.clone();
        let outer_items = std::mem::take(&mut self.program.items);
        let first_var = self.program.vars.len();
        let befores: Vec<usize> = carried.iter().map(|c| self.tracked[c]).collect();
        let mut starts = Vec::new();
        for c in &carried {
            self.forget_aliases_of(c);
            let v = self.var(c, None);
            starts.push(v);
            self.tracked.insert(c.clone(), v);
            self.owned.insert(c.clone(), false);
            self.views.retain(|x| x != c);
        }
        self.in_loop = Some(Scope {
            first_var,
            carried: carried.clone(),
            assigned: Vec::new(),
            kept_carried: Vec::new(),
            keep_before: Vec::new(),
            late_lend: None,
        });
        for s in &l.body.stmts {
            match s {
                Stmt::Expr(Expr::Assign(a), _)
                    if plain(&a.left).is_some_and(|n| carried.contains(&n)) =>
                {
                    let name = plain(&a.left).unwrap_or_default();
                    let e = unparen(&a.right).clone();
                    if !is_rule_expr(&e) || !self.reads_tracked(&e) {
                        self.cx.error(
                            &a.right,
                            format!(
                                "a carried value is assigned the value of a rule: `{name} = f(..);`"
                            ),
                        );
                        continue;
                    }
                    let id = syntax::ident(&name, proc_macro2::Span::call_site());
                    let pat: Pat = syn::parse_quote!(#id);
                    if self
                        .call(&e, Some((pat, vec![Some(name.clone())], false)))
                        .is_some()
                    {
                        if let Some(step) = self.program.steps.last_mut() {
                            step.assign = true;
                        }
                        self.owned.insert(name.clone(), false);
                    }
                    if let Some(scope) = &mut self.in_loop {
                        scope.assigned.push(name);
                    }
                }
                other => self.stmt(other.clone()),
            }
        }
        let scope = self.in_loop.take();
        let items = std::mem::replace(&mut self.program.items, outer_items);
        let ends: Vec<usize> = carried.iter().map(|c| self.tracked[c]).collect();
        self.tracked = saved_tracked;
        self.owned = saved_owned;
        self.views = saved_views;
        let Some(scope) = scope else { return };
        if let Some(name) = &scope.late_lend {
            self.cx.error(at, format!("`{name}` is lent to a rule that may keep it after its assignment in the loop: lend its value at the start of the iteration, or assign it last"));
            return;
        }
        let mut carried_out = Vec::new();
        for (i, c) in carried.iter().enumerate() {
            let after = self.var(c, None);
            self.tracked.insert(c.clone(), after);
            self.owned.insert(c.clone(), true);
            carried_out.push(Carried {
                name: c.clone(),
                before: befores[i],
                start: starts[i],
                end: ends[i],
                after,
            });
        }
        // The values from before the loop that its calls read, each captured by the pullback
        // (for the shape of its cotangent's accumulator): kept, if it is a local.
        let mut outer: Vec<usize> = Vec::new();
        let mut keep_before = scope.keep_before;
        collect_outer(&self.program, &items, first_var, &mut outer);
        // The name each is read by at the loop (its own, unless rebound since).
        let mut sources = Vec::new();
        for v in &outer {
            let own = self.program.vars[*v].name.clone();
            let name = if self.tracked.get(&own) == Some(v) {
                own
            } else {
                match self.tracked.iter().find(|(_, x)| *x == v) {
                    Some((n, _)) => n.clone(),
                    None => own,
                }
            };
            sources.push(name.clone());
            if self.owned.get(&name) == Some(&true) && !keep_before.contains(&name) {
                keep_before.push(name.clone());
            }
        }
        for k in &keep_before {
            self.owned.insert(k.clone(), false);
            self.program.kept.push(k.clone());
        }
        let tape = self.program.names.fresh("tape");
        let outer_zeros = (outer.iter().zip(sources))
            .map(|(v, source)| {
                let n = format!("zero_{}", self.program.vars[*v].display);
                (self.program.names.fresh(&n), source)
            })
            .collect();
        let carried_zeros = (carried_out.iter())
            .map(|c| self.program.names.fresh(&format!("zero_{}", c.name)))
            .collect();
        self.program.items.push(Item::Loop(Box::new(Loop {
            stmt: l.clone(),
            items,
            carried: carried_out,
            outer,
            keep_before,
            kept_carried: scope.kept_carried,
            tape,
            recopy,
            outer_zeros,
            carried_zeros,
        })));
    }

    /// A lend inside a loop: a carried value is kept at the start of each iteration, a local
    /// from before the loop before it. `false` outside loops and for the loop's own values.
    pub(super) fn lend_in_loop(&mut self, name: &str) -> bool {
        let Some(scope) = &mut self.in_loop else {
            return false;
        };
        if scope.carried.iter().any(|c| c == name) {
            if scope.assigned.iter().any(|c| c == name) {
                scope.late_lend = Some(name.to_owned());
            } else if !scope.kept_carried.iter().any(|c| c == name) {
                scope.kept_carried.push(name.to_owned());
            }
            return true;
        }
        let outer = self.tracked.get(name).is_some_and(|v| *v < scope.first_var);
        if outer && self.owned.get(name) == Some(&true) {
            if !scope.keep_before.iter().any(|c| c == name) {
                scope.keep_before.push(name.to_owned());
            }
            return true;
        }
        outer
    }
}

/// The values below `first_var` the steps of `items` read.
fn collect_outer(p: &super::walk::Program, items: &[Item], first_var: usize, out: &mut Vec<usize>) {
    for item in items {
        if let Item::Step(s) = item {
            for v in p.steps[*s].flows.iter().flatten() {
                if *v < first_var && !out.contains(v) {
                    out.push(*v);
                }
            }
        }
    }
}
