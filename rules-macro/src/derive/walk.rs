//! The forward walk: the body of a derived rule, statement by statement, turned into the calls of
//! rules it makes (`Step`s, nested calls hoisted into their own), the statements it passes through
//! unchanged (constants, `#[no_grad]`), and the flow of every argument back to the value it reads.
//! Anything it cannot differentiate is an error at its tokens that says what to write instead.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Expr, Pat, Path, Stmt};

use super::callee::Callee;
use super::forms::{
    SHAPE_METHODS, is_pass_method, is_rule_expr, plain, take_no_grad, unparen, unsupported,
};
use crate::errors::Ctxt;
use crate::syntax;

/// A value the derived pullback differentiates: a parameter, or the result of a rule.
pub(super) struct Var {
    /// The name the reverse body gives it (the user's, with a suffix for a shadowed binding).
    pub(super) display: String,
    /// The name the forward binds it to.
    pub(super) name: String,
    /// A parameter of the rule (its cotangent is a result of the pullback).
    pub(super) input: Option<usize>,
}

/// A call of a rule.
pub(super) struct Step {
    /// The rule's value function (`g`, `ops::sum`), for the primal.
    pub(super) value: TokenStream,
    /// Its `rrule` (`g::rrule`, `Type::method_rrule`) and its `frule`.
    pub(super) rrule: TokenStream,
    pub(super) frule: TokenStream,
    pub(super) args: Vec<Expr>,
    /// Per argument, the value whose cotangent it receives.
    pub(super) flows: Vec<Option<usize>>,
    /// Per output, the value it binds (`None` for `_`); several when the pattern is a tuple.
    pub(super) outputs: Vec<Option<usize>>,
    /// The pattern of the outputs, as the forward binds them.
    pub(super) pat: Pat,
    /// Whether the outputs are a tuple (a rule with several outputs).
    pub(super) tuple: bool,
    /// Whether the call is followed by `?`.
    pub(super) fallible: bool,
    /// The name of the pullback's binding, and of the pushforward's.
    pub(super) pullback: String,
    pub(super) pushforward: String,
    /// The step assigns a value a loop carries (`h = f(h)`), rather than binding a new one.
    pub(super) assign: bool,
}

/// One item of the rewritten forward body, in order.
pub(super) enum Item {
    /// A call of a rule.
    Step(usize),
    /// A statement run as written on both sides (a constant, a `#[no_grad]` statement).
    Stmt(Box<Stmt>),
    /// Move a local into the arena before a rule whose pullback may keep a view of it.
    Keep(String),
    /// A `for` loop over a range that calls rules.
    Loop(Box<super::loops::Loop>),
}

/// The walk's result.
#[derive(Default)]
pub(super) struct Program {
    pub(super) vars: Vec<Var>,
    pub(super) steps: Vec<Step>,
    pub(super) items: Vec<Item>,
    /// The outputs: per element of the value, the value it is (`None`: not differentiated).
    pub(super) outputs: Vec<Option<usize>>,
    /// The value expression of the tail (names of the outputs, hoisted).
    pub(super) value: Option<Expr>,
    /// The names generated so far, and the user's.
    pub(super) names: super::names::Names,
    /// The arena's local.
    pub(super) arena: String,
    /// Locals moved into the arena, by their forward names.
    pub(super) kept: Vec<String>,
}

pub(super) struct Walk<'a> {
    pub(super) cx: &'a mut Ctxt,
    pub(super) krate: &'a Path,
    pub(super) program: Program,
    /// The forward names in scope that are differentiated, and the value each stands for.
    pub(super) tracked: BTreeMap<String, usize>,
    /// Locals owned by the forward (results of rules), which must be kept to be lent.
    pub(super) owned: BTreeMap<String, bool>,
    pub(super) counter: usize,
    /// Parameters declared as views (`ArrayView*`): passed on as they are, since `x.view()` of
    /// one would borrow the local `x`, not what it views.
    pub(super) views: Vec<String>,
    /// Display names used so far.
    pub(super) used: BTreeMap<String, usize>,
    /// Views and copies bound by `let` (`let v = w.view()`), by their names.
    pub(super) aliases: BTreeMap<String, Expr>,
    /// Locals declared `let mut`: the values a loop may carry.
    pub(super) mutable: Vec<String>,
    /// Inside a loop: what the walk of its body needs (see `loops`).
    pub(super) in_loop: Option<super::loops::Scope>,
}

impl<'a> Walk<'a> {
    /// A walk of a function whose tokens are `item` (every identifier in them is the user's).
    pub(super) fn new(cx: &'a mut Ctxt, krate: &'a Path, item: TokenStream) -> Self {
        let program = Program {
            names: super::names::Names::of(item),
            ..Program::default()
        };
        Walk {
            cx,
            krate,
            program,
            tracked: BTreeMap::new(),
            owned: BTreeMap::new(),
            counter: 0,
            views: Vec::new(),
            used: BTreeMap::new(),
            mutable: Vec::new(),
            aliases: BTreeMap::new(),
            in_loop: None,
        }
    }

    /// A new value named `name` (a suffix when the name was used before).
    pub(super) fn var(&mut self, name: &str, input: Option<usize>) -> usize {
        let n = self.used.entry(name.to_owned()).or_insert(0);
        *n += 1;
        let display = if *n == 1 {
            name.to_owned()
        } else {
            format!("{name}_{n}")
        };
        self.program.vars.push(Var {
            display,
            name: name.to_owned(),
            input,
        });
        self.program.vars.len() - 1
    }

    /// Declares parameter `i`, differentiated or not; `view` if its type is an array view,
    /// `owned` if it is an owned array (then kept, like an intermediate, when lent to a rule
    /// that may keep it).
    pub(super) fn input(
        &mut self,
        name: &str,
        i: usize,
        differentiated: bool,
        view: bool,
        owned: bool,
    ) {
        if view {
            self.views.push(name.to_owned());
        }
        if owned {
            self.owned.insert(name.to_owned(), true);
        }
        if differentiated {
            let v = self.var(name, Some(i));
            self.tracked.insert(name.to_owned(), v);
        }
    }

    /// Whether `e` reads a differentiated value other than for its shape (`x.nrows()`).
    pub(super) fn reads_tracked(&self, e: &impl ToTokens) -> bool {
        let tokens = e.to_token_stream();
        let stripped = match syn::parse2::<Expr>(tokens.clone()) {
            Ok(mut expr) => {
                struct Shapes;
                impl syn::visit_mut::VisitMut for Shapes {
                    fn visit_expr_mut(&mut self, e: &mut Expr) {
                        if let Expr::MethodCall(m) = e {
                            if SHAPE_METHODS.contains(&m.method.to_string().as_str())
                                && plain(&m.receiver).is_some()
                            {
                                *e = syn::parse_quote!(());
                                return;
                            }
                        }
                        syn::visit_mut::visit_expr_mut(self, e);
                    }
                }
                syn::visit_mut::VisitMut::visit_expr_mut(&mut Shapes, &mut expr);
                expr.to_token_stream()
            }
            Err(_) => tokens,
        };
        syntax::referenced(&stripped)
            .iter()
            .any(|n| self.tracked.contains_key(n))
    }

    /// `name` is bound anew (or carried by a loop): an alias of it, or named so, no longer
    /// stands for what it did (`let v = x.view(); let x = ..;`), so a rule given the alias is
    /// given the alias itself.
    pub(super) fn forget_aliases_of(&mut self, name: &str) {
        self.aliases.remove(name);
        self.aliases
            .retain(|_, e| !syntax::referenced(&*e).contains(name));
    }

    /// Forgets the names `pat` binds (a constant now shadows them).
    pub(super) fn untrack(&mut self, pat: &Pat) {
        for n in syntax::pat_names(pat) {
            self.tracked.remove(&n);
            self.owned.remove(&n);
            self.forget_aliases_of(&n);
            self.views.retain(|v| *v != n);
        }
    }

    /// One statement of the body.
    pub(super) fn stmt(&mut self, mut stmt: Stmt) {
        if take_no_grad(&mut stmt) {
            if let Stmt::Local(l) = &stmt {
                self.untrack(&l.pat);
            }
            self.program.items.push(Item::Stmt(Box::new(stmt)));
            return;
        }
        match &stmt {
            Stmt::Local(l) => {
                let Some(init) = &l.init else {
                    self.cx.error(
                        l,
                        "a derived rule binds every value where it is computed: `let x = ...;`",
                    );
                    return;
                };
                if let Some((_, e)) = &init.diverge {
                    self.cx.error(e, "`let ... else` is not supported in a derived rule: compute the value in a rule, or mark the statement `#[no_grad]`");
                    return;
                }
                let e = unparen(&init.expr).clone();
                if is_rule_expr(&e) && self.reads_tracked(&e) {
                    self.bind(&l.pat, &e);
                } else if !self.reads_tracked(&e) {
                    self.untrack(&l.pat);
                    self.program.items.push(Item::Stmt(Box::new(stmt.clone())));
                } else if let (Some(root), Pat::Ident(p)) = (self.alias_of(&e), &l.pat) {
                    // `let v = w.view();`: `v` stands for `w`, and a rule given `v` is given
                    // `w.view()` (so that `w` is kept first if the rule may keep the view).
                    let name = p.ident.to_string();
                    self.forget_aliases_of(&name);
                    if p.mutability.is_some() {
                        self.mutable.push(name.clone());
                    }
                    self.tracked.insert(name.clone(), root);
                    self.views.retain(|v| *v != name);
                    let copy = matches!(&e, Expr::MethodCall(m) if m.method != "view");
                    if copy {
                        // `let h = x.to_owned();`: a value of its own.
                        self.owned.insert(name.clone(), true);
                        self.aliases.remove(&name);
                    } else {
                        self.owned.remove(&name);
                        self.aliases.insert(name, e.clone());
                    }
                    self.program.items.push(Item::Stmt(Box::new(stmt.clone())));
                } else {
                    self.unsupported(&e);
                }
            }
            Stmt::Item(_) => self.program.items.push(Item::Stmt(Box::new(stmt))),
            Stmt::Macro(m) => {
                if self.has_rule_call(&m.mac.tokens) {
                    self.cx.error(m, "a rule called inside a macro is not differentiated: bind its value with `let` first");
                } else {
                    self.program.items.push(Item::Stmt(Box::new(stmt.clone())));
                }
            }
            Stmt::Expr(Expr::ForLoop(l), _) if self.reads_tracked(&l.body) => self.for_loop(l),
            Stmt::Expr(Expr::If(i), _)
                if self.reads_tracked(i) && !self.reads_tracked(&*i.cond) =>
            {
                self.branch(i)
            }
            Stmt::Expr(e, _) => {
                if !self.reads_tracked(e) {
                    self.program.items.push(Item::Stmt(Box::new(stmt.clone())));
                } else {
                    self.unsupported(e);
                }
            }
        }
    }

    /// Whether `tokens` mention a differentiated value at all (for macros, read as tokens).
    fn has_rule_call(&self, tokens: &TokenStream) -> bool {
        self.reads_tracked(tokens)
    }

    /// The value `e` passes through unchanged (`x`, `x.view()`, `&x`, `x.clone()`), if it is one.
    pub(super) fn alias_of(&self, e: &Expr) -> Option<usize> {
        let name = match unparen(e) {
            Expr::Path(p) => p.path.get_ident()?.to_string(),
            Expr::Reference(r) if r.mutability.is_none() => plain(&r.expr)?,
            Expr::MethodCall(m) if m.args.is_empty() && is_pass_method(&m.method.to_string()) => {
                plain(&m.receiver)?
            }
            _ => return None,
        };
        self.tracked.get(&name).copied()
    }

    /// An expression that reads differentiated values but is not something the walk can
    /// differentiate: the error says what to write.
    pub(super) fn unsupported(&mut self, e: &Expr) {
        self.cx.error(e, unsupported(e));
    }

    /// `let pat = e;` with `e` a rule expression.
    fn bind(&mut self, pat: &Pat, e: &Expr) {
        let pat = match pat {
            Pat::Type(t) => (*t.pat).clone(),
            other => other.clone(),
        };
        let (names, tuple) = match &pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
                if p.mutability.is_some() {
                    // A value a loop after it may carry (`h = f(h)` in its body).
                    self.mutable.push(p.ident.to_string());
                }
                (vec![Some(p.ident.to_string())], false)
            }
            Pat::Wild(_) => (vec![None], false),
            Pat::Tuple(t) => {
                let mut names = Vec::new();
                for el in &t.elems {
                    match el {
                        Pat::Ident(p)
                            if p.by_ref.is_none()
                                && p.mutability.is_none()
                                && p.subpat.is_none() =>
                        {
                            names.push(Some(p.ident.to_string()))
                        }
                        Pat::Wild(_) => names.push(None),
                        other => {
                            self.cx.error(other, "a derived rule binds a rule's outputs to plain names or `_`: `let (u, s, _) = svd(a);`");
                            return;
                        }
                    }
                }
                (names, true)
            }
            other => {
                self.cx.error(other, "a derived rule binds a rule's outputs to a plain name or a tuple of names: `let y = f(x);`, `let (u, s, _) = svd(a);`");
                return;
            }
        };
        self.call(e, Some((pat, names, tuple)));
    }

    /// Emits the step for rule expression `e`, binding `target` (a temporary when `None`), and
    /// returns the name of its (single) output.
    pub(super) fn call(
        &mut self,
        e: &Expr,
        target: Option<(Pat, Vec<Option<String>>, bool)>,
    ) -> Option<String> {
        let (e, fallible) = match unparen(e) {
            Expr::Try(t) => (unparen(&t.expr).clone(), true),
            other => (other.clone(), false),
        };
        let Callee {
            base,
            value,
            rrule,
            frule,
            args: raw_args,
            keeping,
        } = self.callee(&e)?;
        let mut args = Vec::with_capacity(raw_args.len());
        let mut flows = Vec::with_capacity(raw_args.len());
        for a in &raw_args {
            let (expr, flow) = self.arg(a, keeping)?;
            args.push(expr);
            flows.push(flow);
        }
        self.counter += 1;
        let (pat, names, tuple) = match target {
            Some(t) => t,
            None => {
                let name = self.program.names.fresh(&base);
                let id = syntax::ident(&name, Span::call_site());
                (syn::parse_quote!(#id), vec![Some(name)], false)
            }
        };
        let outputs: Vec<Option<usize>> = names
            .iter()
            .map(|n| n.as_ref().map(|n| self.var(n, None)))
            .collect();
        for (n, v) in names.iter().zip(&outputs) {
            if let (Some(n), Some(v)) = (n, v) {
                self.tracked.insert(n.clone(), *v);
                self.owned.insert(n.clone(), true);
                self.views.retain(|x| x != n);
                self.forget_aliases_of(n);
            }
        }
        let stem = match outputs.iter().flatten().next() {
            Some(v) => self.program.vars[*v].display.clone(),
            None => base.clone(),
        };
        let pullback = self.program.names.fresh(&format!("pb_{stem}"));
        let pushforward = self.program.names.fresh(&format!("pf_{stem}"));
        self.program.steps.push(Step {
            value,
            rrule,
            frule,
            args,
            flows,
            outputs,
            pat,
            tuple,
            fallible,
            pullback,
            pushforward,
            assign: false,
        });
        self.program
            .items
            .push(Item::Step(self.program.steps.len() - 1));
        names.into_iter().next().flatten()
    }

    /// An argument: its rewritten expression and the value it flows to. Nested rule calls are
    /// hoisted; a local lent by view to a rule whose pullback may keep it is kept first.
    fn arg(&mut self, a: &Expr, keeping: bool) -> Option<(Expr, Option<usize>)> {
        if !self.reads_tracked(a) {
            return Some((a.clone(), None));
        }
        let a = unparen(a);
        // An alias, or a view or reference of one: what it stands for.
        let aliased = match a {
            Expr::Path(_) => plain(a),
            Expr::Reference(r) if r.mutability.is_none() => plain(&r.expr),
            Expr::MethodCall(m) if m.method == "view" && m.args.is_empty() => plain(&m.receiver),
            _ => None,
        };
        if let Some(e) = aliased.and_then(|n| self.aliases.get(&n).cloned()) {
            return self.arg(&e, keeping);
        }
        // `x`, `&x`, `x.view()`, `x.clone()`.
        if let Some(v) = self.alias_of(a) {
            let lent = match a {
                Expr::Reference(r) => plain(&r.expr),
                Expr::MethodCall(m) if m.method == "view" => plain(&m.receiver),
                _ => None,
            };
            if let Some(name) = lent {
                if matches!(a, Expr::MethodCall(_)) && self.views.contains(&name) {
                    let id = syntax::ident(&name, a.span());
                    return Some((syn::parse_quote!(#id), Some(v)));
                }
                self.lend(&name, keeping);
            }
            return Some((a.clone(), Some(v)));
        }
        // `f(..).view()`, `&f(..)`: hoist the call, lend its result.
        let lent_call = match a {
            Expr::Reference(r) if r.mutability.is_none() && is_rule_expr(unparen(&r.expr)) => {
                Some((&*r.expr, true))
            }
            Expr::MethodCall(m)
                if m.method == "view"
                    && m.args.is_empty()
                    && is_rule_expr(unparen(&m.receiver)) =>
            {
                Some((&*m.receiver, false))
            }
            _ => None,
        };
        if let Some((inner, is_ref)) = lent_call {
            let name = self.call(inner, None)?;
            self.lend(&name, keeping);
            let id = syntax::ident(&name, inner.span());
            let v = self.tracked[&name];
            let e: Expr = if is_ref {
                syn::parse_quote!(&#id)
            } else {
                syn::parse_quote!(#id.view())
            };
            return Some((e, Some(v)));
        }
        if is_rule_expr(a) {
            let name = self.call(a, None)?;
            let id = syntax::ident(&name, a.span());
            let v = self.tracked[&name];
            // ndarray's `x.t()` is a view, `ops::transpose` an owned array: lend it.
            if matches!(a, Expr::MethodCall(m) if m.method == "t") {
                self.lend(&name, keeping);
                return Some((syn::parse_quote!(#id.view()), Some(v)));
            }
            return Some((syn::parse_quote!(#id), Some(v)));
        }
        self.unsupported(a);
        None
    }

    /// `name` is lent by reference to a rule: keep it first if the rule may hold the view.
    pub(super) fn lend(&mut self, name: &str, keeping: bool) {
        if keeping && self.lend_in_loop(name) {
            return;
        }
        if keeping && self.owned.get(name) == Some(&true) {
            self.owned.insert(name.to_owned(), false);
            self.program.kept.push(name.to_owned());
            self.program.items.push(Item::Keep(name.to_owned()));
        }
    }

    /// A name for a computed output that nothing in the function uses: `y` (`y0`, `y1`, .. for
    /// several), else `y_2`, ..
    fn fresh_output(&mut self, i: Option<usize>) -> String {
        let suffix = i.map(|i| i.to_string()).unwrap_or_default();
        self.program.names.fresh(&format!("y{suffix}"))
    }

    /// The tail: each element of the value a differentiated value, rule expressions hoisted.
    pub(super) fn tail(&mut self, e: &Expr) {
        let elems: Vec<Expr> = match unparen(e) {
            Expr::Tuple(t) if t.elems.len() >= 2 => t.elems.iter().cloned().collect(),
            other => vec![other.clone()],
        };
        let several = elems.len() > 1;
        let mut values = Vec::new();
        for (i, el) in elems.iter().enumerate() {
            let el = unparen(el);
            if !self.reads_tracked(el) {
                self.program.outputs.push(None);
                values.push(el.clone());
            } else if let Some(v) = self.alias_of(el).filter(|_| matches!(el, Expr::Path(_))) {
                self.program.outputs.push(Some(v));
                values.push(el.clone());
            } else if is_rule_expr(el) {
                let name = self.fresh_output(several.then_some(i));
                let id = syntax::ident(&name, el.span());
                let pat: Pat = syn::parse_quote!(#id);
                if self
                    .call(el, Some((pat, vec![Some(name.clone())], false)))
                    .is_none()
                {
                    return;
                }
                self.program.outputs.push(Some(self.tracked[&name]));
                values.push(syn::parse_quote!(#id));
            } else {
                self.unsupported(el);
                return;
            }
        }
        self.program.value = Some(if several {
            syn::parse_quote!((#(#values),*))
        } else {
            values.remove(0)
        });
    }
}
