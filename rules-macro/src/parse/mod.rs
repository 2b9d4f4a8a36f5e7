//! From tokens to a [`Rule`]: checks the shape of the declaration, records the statement markers,
//! and reports every mistake at its own tokens.

use std::cell::Cell;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{
    Block, Expr, FnArg, GenericArgument, Item, ItemFn, Meta, Pat, PathArguments, ReturnType, Stmt,
    Token, Type,
};

mod closure;

use crate::errors::Ctxt;
use crate::model::{Args, BodyStmt, Direction, ForwardStmt, Input, Method, Rule, Side};
use crate::syntax::unparen;
use closure::closure;

/// The most output cotangents a rule may have: `2^6 = 64` specialised pullbacks.
pub(crate) const MAX_OUTPUTS: usize = 6;

/// The most inputs a rule may have: one bit each in the engine's sets of results.
pub(crate) const MAX_INPUTS: usize = 63;

thread_local! {
    /// Whether the rule being expanded is declared inside `rules_core` itself (`crate = crate`):
    /// there `Zero` and `Scalar` are both local, so rustc can see that the impls for a bare
    /// `T: Scalar` and for `Zero` do not overlap, and several bare scalar slots are allowed.
    pub(crate) static IN_CORE: Cell<bool> = const { Cell::new(false) };
}

/// Parses `#[rrule(...)]`'s arguments.
pub(crate) fn args(cx: &mut Ctxt, tokens: TokenStream) -> Args {
    IN_CORE.with(|c| c.set(false));
    let mut args = Args {
        krate: syn::parse_quote!(::rules_core),
        derive: false,
    };
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(m) => m,
        Err(e) => {
            cx.push(syn::Error::new(
                e.span(),
                format!("cannot parse the arguments of #[rrule]: {e}; the arguments are `derive` and `crate = path`"),
            ));
            return args;
        }
    };
    for meta in metas {
        match &meta {
            Meta::Path(p) if p.is_ident("derive") => args.derive = true,
            Meta::NameValue(nv) if nv.path.is_ident("crate") => match &nv.value {
                Expr::Path(p) if p.qself.is_none() => {
                    IN_CORE.with(|c| c.set(p.path.is_ident("crate")));
                    args.krate = p.path.clone();
                }
                other => cx.error(
                    other,
                    "`crate = ...` takes a path, such as `crate = ::my_ad::rules_core`",
                ),
            },
            other => {
                let name = other.path().to_token_stream().to_string().replace(' ', "");
                cx.error(
                    other,
                    format!("unknown #[rrule] argument `{name}`; the arguments are `derive` (derive the pullback from the rules the body calls) and `crate = path` (the path to rules_core)"),
                );
            }
        }
    }
    args
}

/// Parses the annotated item. `None` when it is not a function whose shape can be understood;
/// the errors are in `cx`.
pub(crate) fn rule(cx: &mut Ctxt, item: TokenStream, dir: Direction) -> Vec<Rule> {
    let item: Item = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => {
            cx.push(e);
            return Vec::new();
        }
    };
    let Item::Fn(f) = item else {
        cx.error(
            &item,
            format!(
                "#[{}] applies to a free function whose body ends with `(value, {}_closure)`",
                dir.attr(),
                dir.closure()
            ),
        );
        return Vec::new();
    };
    rule_fn(cx, f, None, dir)
}

/// Parses a method of an impl block under `#[rrules]`.
pub(crate) fn method_rule(cx: &mut Ctxt, f: ItemFn, method: Method) -> Vec<Rule> {
    rule_fn(cx, f, Some(method), Direction::Reverse)
}

/// Whether `a` is the attribute `#[rrule]` or `#[frule]` (any path ending so) of direction `dir`.
fn is_rule_attr(a: &syn::Attribute, dir: Direction) -> bool {
    a.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == dir.attr())
}

/// The directions a function declares: the attribute that runs first, and the other one if it
/// is stacked (it is removed from `attrs`: this expansion handles both).
fn directions(
    attrs: &mut Vec<syn::Attribute>,
    first: Direction,
) -> (Vec<Direction>, Option<syn::Path>) {
    let other = match first {
        Direction::Reverse => Direction::Forward,
        Direction::Forward => Direction::Reverse,
    };
    match attrs.iter().position(|a| is_rule_attr(a, other)) {
        None => (vec![first], None),
        Some(pos) => {
            let path = attrs.remove(pos).path().clone();
            (vec![Direction::Reverse, Direction::Forward], Some(path))
        }
    }
}

fn rule_fn(cx: &mut Ctxt, f: ItemFn, method: Option<Method>, first: Direction) -> Vec<Rule> {
    let ItemFn {
        mut attrs,
        vis,
        sig,
        block,
    } = f;
    let (dirs, stacked) = directions(&mut attrs, first);
    check_signature(cx, &sig, first);
    let inputs = inputs(cx, &sig, method.is_some(), first);

    let (value_ty, outputs, result_ty) = match &sig.output {
        ReturnType::Default => {
            cx.error(
                &sig.ident,
                "a rule must declare its output type: `fn name(..) -> T` (or `-> Result<T, E>`)",
            );
            return Vec::new();
        }
        ReturnType::Type(_, ty) => {
            let (value_ty, fallible) = match result_value(ty) {
                Some(t) => (t.clone(), true),
                None => ((**ty).clone(), false),
            };
            let outputs = match &value_ty {
                Type::Tuple(t) if t.elems.is_empty() => {
                    cx.error(ty, "a rule must return a value to differentiate, not `()`");
                    return Vec::new();
                }
                Type::Tuple(t) if t.elems.len() >= 2 => t.elems.iter().cloned().collect(),
                other => vec![other.clone()],
            };
            if outputs.len() > MAX_OUTPUTS {
                cx.error(
                    ty,
                    format!(
                        "too many outputs: {} outputs give 2^{} = {} specialised pullbacks; #[rrule] generates at most 2^{MAX_OUTPUTS} = {}. Group outputs into fewer (for example a struct or an array) ",
                        outputs.len(),
                        outputs.len(),
                        1u128 << outputs.len().min(100),
                        1 << MAX_OUTPUTS
                    ),
                );
                return Vec::new();
            }
            (value_ty, outputs, fallible.then(|| (**ty).clone()))
        }
    };

    let Some((forward, tail)) = split_tail(cx, &block) else {
        return Vec::new();
    };
    let forward: Vec<ForwardStmt> = forward
        .into_iter()
        .map(|stmt| forward_stmt(cx, stmt))
        .collect();
    let Some((value, closure_exprs)) = tail_parts(cx, tail, result_ty.is_some(), &sig, &dirs)
    else {
        return Vec::new();
    };
    let impl_generics = method.as_ref().map(|m| &m.impl_generics);
    let mut closures = Vec::with_capacity(dirs.len());
    for (c, dir) in closure_exprs.into_iter().zip(&dirs) {
        let Some(parsed) = closure(cx, c, &outputs, &inputs, &sig, impl_generics, *dir) else {
            return Vec::new();
        };
        closures.push((parsed, *dir));
    }
    if !cx.is_ok() {
        return Vec::new();
    }
    closures
        .into_iter()
        .map(|(closure, direction)| Rule {
            stacked: stacked.clone(),
            attrs: attrs.clone(),
            vis: vis.clone(),
            sig: sig.clone(),
            inputs: inputs.clone(),
            value_ty: value_ty.clone(),
            result_ty: result_ty.clone(),
            forward: forward.clone(),
            value: value.clone(),
            closure,
            method: method.clone(),
            direction,
            derived: false,
        })
        .collect()
}

fn check_signature(cx: &mut Ctxt, sig: &syn::Signature, dir: Direction) {
    let why = "a rule is an ordinary function: its forward pass and pullback run synchronously";
    let attr = dir.attr();
    if let Some(t) = &sig.constness {
        cx.error(
            t,
            format!("#[{attr}] cannot be used on a `const fn`: {why}"),
        );
    }
    if let Some(t) = &sig.asyncness {
        cx.error(
            t,
            format!("#[{attr}] cannot be used on an `async fn`: {why}"),
        );
    }
    if let Some(t) = &sig.unsafety {
        cx.error(t, format!("#[{attr}] cannot be used on an `unsafe fn`: {why}; call the unsafe code from inside a safe rule"));
    }
    if let Some(t) = &sig.abi {
        cx.error(
            t,
            format!("#[{attr}] cannot be used on an `extern` fn: {why}"),
        );
    }
    if let Some(t) = &sig.variadic {
        cx.error(
            t,
            format!("#[{attr}] cannot be used on a variadic function"),
        );
    }
}

fn inputs(cx: &mut Ctxt, sig: &syn::Signature, in_impl: bool, dir: Direction) -> Vec<Input> {
    let mut out = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) if !in_impl && dir == Direction::Forward => cx.error(
                r,
                "#[frule] on a method is not supported: declare the forward rule as a free function taking the value as an ordinary parameter",
            ),
            FnArg::Receiver(r) if !in_impl => cx.error(
                r,
                "#[rrule] on a method needs `#[rrules]` on its impl block (`#[rrules] impl Type { #[rrule] fn .. }`): an attribute on a method cannot see the impl's type and generics",
            ),
            FnArg::Receiver(r) if r.reference.is_some() && r.mutability.is_some() => cx.error(
                r,
                "a rule cannot mutate its receiver: take `&self` or `self`, and return what changes",
            ),
            FnArg::Receiver(_) => out.push(Input {
                name: "self".to_owned(),
                pat: syn::parse_quote!(self),
            }),
            FnArg::Typed(pt) => {
                if let Type::ImplTrait(it) = &*pt.ty {
                    cx.error(it, "`impl Trait` parameters are not supported by #[rrule]: use a named type parameter (`fn f<T: Trait>(x: T)`)");
                }
                let name = match &*pt.pat {
                    Pat::Ident(p) => p.ident.to_string(),
                    other => other.to_token_stream().to_string(),
                };
                out.push(Input { name, pat: (*pt.pat).clone() });
            }
        }
    }
    out
}

/// `T` of a return type written `Result<T, ..>` (any path ending in `Result`, so aliases such as
/// `io::Result<T>` work too).
pub(crate) fn result_value(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

fn split_tail<'a>(cx: &mut Ctxt, block: &'a Block) -> Option<(Vec<Stmt>, &'a Expr)> {
    match block.stmts.split_last() {
        Some((Stmt::Expr(e, None), rest)) => Some((rest.to_vec(), e)),
        Some((last, _)) => {
            cx.error(
                last,
                "the body of a rule must end with `(value, pullback_closure)` without a semicolon",
            );
            None
        }
        None => {
            cx.push(syn::Error::new(
                block.brace_token.span.join(),
                "the body of a rule must end with `(value, pullback_closure)`",
            ));
            None
        }
    }
}

fn tail_parts<'a>(
    cx: &mut Ctxt,
    tail: &'a Expr,
    fallible: bool,
    sig: &syn::Signature,
    dirs: &[Direction],
) -> Option<(&'a Expr, Vec<&'a syn::ExprClosure>)> {
    let shape = match dirs {
        [Direction::Reverse] => "(value, move |dy: T| -> X { .. })",
        [Direction::Forward] => "(value, move |dx: X| -> T { .. })",
        _ => "(value, move |dy: T| -> X { .. }, move |dx: X| -> T { .. })",
    };
    let inner = if fallible {
        match unparen(tail) {
            Expr::Call(c)
                if c.args.len() == 1
                    && matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Ok")) =>
            {
                &c.args[0]
            }
            _ => {
                cx.error(
                    tail,
                    format!(
                        "`{}` returns a `Result`, so its body must end with `Ok({shape})`",
                        sig.ident
                    ),
                );
                return None;
            }
        }
    } else {
        tail
    };
    let what = match dirs {
        [d] => format!(
            "the pair `{shape}`: the value and its {} closure",
            d.closure()
        ),
        _ => format!("`{shape}`: the value, its pullback closure and its pushforward closure"),
    };
    match unparen(inner) {
        Expr::Tuple(t) if t.elems.len() == dirs.len() + 1 => {
            let mut closures = Vec::with_capacity(dirs.len());
            for (el, (n, d)) in t
                .elems
                .iter()
                .skip(1)
                .zip(["second", "third"].iter().zip(dirs))
            {
                match unparen(el) {
                    Expr::Closure(c) => closures.push(c),
                    other => {
                        cx.error(
                            other,
                            format!(
                                "the {n} element of the tail must be the {} closure: `{shape}`",
                                d.closure()
                            ),
                        );
                        return None;
                    }
                }
            }
            Some((&t.elems[0], closures))
        }
        other => {
            cx.error(other, format!("the body of a rule must end with {what}"));
            None
        }
    }
}

/// The statement markers, by name.
const PASS_ZERO: &str = "pass_zero";
const PRIMAL_ONLY: &str = "primal_only";
const RRULE_ONLY: &str = "rrule_only";
pub(crate) const REVERSE_ONLY: &str = "__reverse_only";
pub(crate) const FORWARD_ONLY: &str = "__forward_only";

/// A forward statement with its side marker recorded; `#[pass_zero]` here is a mistake.
fn forward_stmt(cx: &mut Ctxt, mut stmt: Stmt) -> ForwardStmt {
    let primal = take_marker(&mut stmt, PRIMAL_ONLY);
    let rrule = take_marker(&mut stmt, RRULE_ONLY);
    if let Some(a) = take_marker(&mut stmt, PASS_ZERO) {
        cx.error(a, "`#[pass_zero]` marks a statement of the pullback closure; in the forward body there are no cotangents to pass");
    }
    // Internal: written by `derive` for one entry point of a stacked rule.
    if take_marker(&mut stmt, REVERSE_ONLY).is_some() {
        return ForwardStmt {
            stmt,
            side: Side::Entry(Direction::Reverse),
        };
    }
    if take_marker(&mut stmt, FORWARD_ONLY).is_some() {
        return ForwardStmt {
            stmt,
            side: Side::Entry(Direction::Forward),
        };
    }
    let side = match (primal, rrule) {
        (Some(_), Some(b)) => {
            cx.error(b, "a statement marked both `#[primal_only]` and `#[rrule_only]` would run nowhere: keep one marker");
            Side::Both
        }
        (Some(_), None) => Side::Primal,
        (None, Some(_)) => Side::Rrule,
        (None, None) => Side::Both,
    };
    ForwardStmt { stmt, side }
}

/// A pullback statement with `#[pass_zero]` recorded; the forward markers here are a mistake.
fn body_stmt(cx: &mut Ctxt, mut stmt: Stmt) -> BodyStmt {
    for marker in [PRIMAL_ONLY, RRULE_ONLY] {
        if let Some(a) = take_marker(&mut stmt, marker) {
            cx.error(a, format!("`#[{marker}]` marks a statement of the forward body, not of the pullback closure"));
        }
    }
    let pass_zero = take_marker(&mut stmt, PASS_ZERO).is_some();
    BodyStmt { stmt, pass_zero }
}

/// Removes the attribute `#[name]` from `stmt`, returning it if there was one.
fn take_marker(stmt: &mut Stmt, name: &str) -> Option<syn::Attribute> {
    let attrs = match stmt {
        Stmt::Local(l) => &mut l.attrs,
        Stmt::Macro(m) => &mut m.attrs,
        Stmt::Expr(e, _) => expr_attrs(e)?,
        Stmt::Item(_) => return None,
    };
    let pos = attrs.iter().position(|a| a.path().is_ident(name))?;
    Some(attrs.remove(pos))
}

/// The outer attributes of the expression kinds a statement marker can sit on.
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
        Expr::Loop(x) => &mut x.attrs,
        Expr::Match(x) => &mut x.attrs,
        Expr::Unary(x) => &mut x.attrs,
        Expr::Path(x) => &mut x.attrs,
        Expr::Paren(x) => &mut x.attrs,
        Expr::Tuple(x) => &mut x.attrs,
        _ => return None,
    })
}
