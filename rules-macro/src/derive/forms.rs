//! The expression forms the walk recognises: which calls are rules (and how `g(..)`,
//! `x.sum()` or `a * b` name their `rrule` and `frule`), which rules keep no view of their
//! arguments, which forms pass a value through, and what to write instead of the others.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{BinOp, Expr, Path, Stmt, UnOp};

use crate::syntax;
pub(super) use crate::syntax::unparen;

/// The `ops` and `linalg` rules whose pullbacks keep no view of their arguments (tested in
/// `tests/derive.rs`): an intermediate passed to them need not be kept.
pub(super) const NOT_KEEPING: &[&str] = &[
    "add",
    "sub",
    "neg",
    "sum",
    "mean",
    "sum_axis",
    "mean_axis",
    "tanh",
    "sigmoid",
    "exp",
    "transpose",
    "reshape",
    "svd",
    "svdvals",
    "qr",
    "eigh",
    "eigvalsh",
    "cholesky",
];

/// ndarray methods the walk maps to `ops` rules: `x.sum()` is `ops::sum(x.view())`.
pub(super) const MAPPED_METHODS: &[(&str, &str)] = &[
    ("sum", "sum"),
    ("t", "transpose"),
    ("dot", "matmul"),
    ("sum_axis", "sum_axis"),
];

/// Methods that read a shape or a size: not differentiated, allowed on any value.
pub(super) const SHAPE_METHODS: &[&str] = &[
    "nrows", "ncols", "len", "shape", "dim", "ndim", "is_empty", "raw_dim", "len_of",
];

/// What to write instead of `e`, an expression that reads differentiated values but is not
/// something the walk can differentiate.
pub(super) fn unsupported(e: &Expr) -> String {
    match e {
        Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => "a derived rule differentiates `for` loops over ranges only (`for _ in 0..n { h = f(h.view()); }`): iterate a known number of times, write the loop in a declared `#[rrule]` and call it, or mark the statement `#[no_grad]` if it computes a constant".to_owned(),
        Expr::If(_) | Expr::Match(_) => "a derived rule differentiates a branch written as a statement that assigns what it changes: `let mut y = ops::exp(x); if flip { y = ops::neg(y.view()); }`, on a condition that reads no differentiated value; or compute the branch in a declared `#[rrule]`".to_owned(),
        Expr::Closure(_) => "a closure over differentiated values is not supported in a derived rule: write it as a function with `#[rrule]` (or `#[scalar_rule]`, then call `x.mapv(f)`)".to_owned(),
        Expr::Assign(_) => "a derived rule cannot assign to a differentiated value: bind the new value with `let`".to_owned(),
        Expr::Binary(b) if is_compound(&b.op) => "a derived rule cannot update a differentiated value in place: bind the new value with `let` (`let y = x + d;`)".to_owned(),
        Expr::Reference(r) if r.mutability.is_some() => "a derived rule cannot borrow a differentiated value mutably: rules take their arguments by value or by view".to_owned(),
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            format!("`.{name}()` has no rule, so a derived rule cannot differentiate it: call a rule instead (`x.sum()`, `x.t()`, `x.dot(&y)`, `x.sum_axis(axis)` and `x.mapv(f)` for a `#[scalar_rule]` `f` are mapped to theirs), wrap it in a function with `#[rrule]`, or mark the statement `#[no_grad]` if its value is a constant")
        }
        Expr::Index(_) | Expr::Field(_) => "indexing or a field of a differentiated value has no rule: call a rule that selects it (`ops::select`), destructure a rule's tuple of outputs with `let (a, b) = ..`, or mark the statement `#[no_grad]`".to_owned(),
        Expr::Macro(_) => "a macro over differentiated values is not differentiated: call rules, or mark the statement `#[no_grad]`".to_owned(),
        _ => "this expression reads differentiated values but is not a call of a rule: call a rule (a `#[rrule]` function, an `ops` or `linalg` rule), wrap the computation in a function with `#[rrule]`, or mark the statement `#[no_grad]` if its value is a constant".to_owned(),
    }
}

/// Whether `e` is something the walk turns into a call of a rule.
pub(super) fn is_rule_expr(e: &Expr) -> bool {
    match unparen(e) {
        Expr::Try(t) => is_rule_expr(&t.expr),
        Expr::Call(c) => matches!(&*c.func, Expr::Path(_)),
        Expr::Binary(b) => matches!(
            b.op,
            BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_)
        ),
        Expr::Unary(u) => matches!(u.op, UnOp::Neg(_)),
        Expr::MethodCall(m) => {
            let n = m.method.to_string();
            n == "mapv" || MAPPED_METHODS.iter().any(|(k, _)| *k == n)
        }
        _ => false,
    }
}

pub(super) fn is_compound(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_) | BinOp::SubAssign(_) | BinOp::MulAssign(_) | BinOp::DivAssign(_)
    )
}

/// Methods that pass a value through for the walk: a view, a copy.
pub(super) fn is_pass_method(m: &str) -> bool {
    matches!(m, "view" | "clone" | "to_owned" | "into_owned")
}

/// The name `e` is, when it is a plain identifier.
pub(super) fn plain(e: &Expr) -> Option<String> {
    match unparen(e) {
        Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

/// `e.view()`, or `x.view()` for `&x`; a view parameter as it is.
pub(super) fn view_of(e: &Expr, views: &[String]) -> Expr {
    if let Some(n) = plain(e) {
        if views.contains(&n) {
            return unparen(e).clone();
        }
    }
    match unparen(e) {
        Expr::Reference(r) => {
            let inner = &r.expr;
            syn::parse_quote!(#inner.view())
        }
        other => syn::parse_quote!(#other.view()),
    }
}

pub(super) fn last_name(p: &Path) -> String {
    p.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The value path, the `rrule` path and the `frule` path of a called rule: `g`, `g::rrule` and
/// `g::frule`, `m::g::<T>` and `m::g::rrule::<T>`, `Type::method` and `Type::method_rrule` (a
/// `#[rrules]` method, which has no `frule`).
pub(super) fn rrule_path(p: &Path) -> (TokenStream, TokenStream, TokenStream) {
    let mut segs: Vec<syn::PathSegment> = p.segments.iter().cloned().collect();
    let Some(mut last) = segs.pop() else {
        return (quote!(#p), quote!(#p), quote!(#p));
    };
    let args = std::mem::replace(&mut last.arguments, syn::PathArguments::None);
    let method = segs.last().is_some_and(|s| {
        s.ident
            .to_string()
            .starts_with(|c: char| c.is_ascii_uppercase())
    });
    let lead = &p.leading_colon;
    let prefix = quote!(#lead #(#segs ::)*);
    let name = &last.ident;
    if method {
        let m = syntax::ident(&format!("{name}_rrule"), name.span());
        let f = syntax::ident(&format!("{name}_frule"), name.span());
        (
            quote!(#p),
            quote!(#prefix #m #args),
            quote!(#prefix #f #args),
        )
    } else {
        (
            quote!(#p),
            quote!(#prefix #name :: rrule #args),
            quote!(#prefix #name :: frule #args),
        )
    }
}

/// Removes `#[no_grad]` from `stmt`, returning whether it was there.
pub(super) fn take_no_grad(stmt: &mut Stmt) -> bool {
    let attrs = match stmt {
        Stmt::Local(l) => &mut l.attrs,
        Stmt::Macro(m) => &mut m.attrs,
        Stmt::Expr(Expr::Call(c), _) => &mut c.attrs,
        Stmt::Expr(Expr::MethodCall(c), _) => &mut c.attrs,
        Stmt::Expr(Expr::ForLoop(c), _) => &mut c.attrs,
        Stmt::Expr(Expr::If(c), _) => &mut c.attrs,
        Stmt::Expr(Expr::Assign(c), _) => &mut c.attrs,
        Stmt::Expr(Expr::Binary(c), _) => &mut c.attrs,
        _ => return false,
    };
    match attrs.iter().position(|a| a.path().is_ident("no_grad")) {
        Some(i) => {
            attrs.remove(i);
            true
        }
        None => false,
    }
}
