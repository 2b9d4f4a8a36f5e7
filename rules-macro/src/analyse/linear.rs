//! Mistakes cheap to catch in a pullback or pushforward before anything is generated:
//!
//! * it must be linear in its cotangents (tangents): a product of two values that both depend on
//!   them (`&dy * &dy`, `ds * dq`, `dy.dot(&dy)`), a division by one (`x / dy`), or a nonlinear
//!   method of one (`dy.powi(2)`, `dy.abs()`) is an error at that expression;
//! * each declared input cotangent type must have its input's number of dimensions
//!   (`Array1<f64>` for an `Array2` input is an error at the type).
//!
//! Dependence is followed through `let` bindings, in order; it is syntactic (a name that
//! mentions a cotangent), so a value computed from a cotangent through a function call counts
//! as dependent too.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Block, Expr, FnArg, Stmt, Type};

use crate::syntax;

/// Methods that are not linear in their receiver.
const NONLINEAR_METHODS: &[&str] = &[
    "powi", "powf", "sqrt", "exp", "ln", "abs", "signum", "recip", "sin", "cos", "tanh",
];

/// The errors of the linearity check of a closure body whose linear inputs are `names`.
pub(crate) fn nonlinear(names: &[String], body: &Block, what: &str) -> Vec<syn::Error> {
    let mut v = Lin {
        dependent: names.to_vec(),
        errors: Vec::new(),
        what,
    };
    v.visit_block(body);
    v.errors
}

struct Lin<'a> {
    dependent: Vec<String>,
    errors: Vec<syn::Error>,
    what: &'a str,
}

/// Methods that read a size, not a value: their result does not depend on the entries.
const SIZE_METHODS: &[&str] = &[
    "len", "is_empty", "nrows", "ncols", "dim", "shape", "raw_dim", "ndim", "len_of",
];

/// Whether an expression mentions a name in `names`, other than through a size (`dy.len()`).
struct Dep<'a> {
    names: &'a [String],
    found: bool,
}

impl<'ast> Visit<'ast> for Dep<'_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if SIZE_METHODS.contains(&m.method.to_string().as_str()) {
            return;
        }
        visit::visit_expr_method_call(self, m);
    }
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let Some(i) = p.path.get_ident() {
            self.found |= self.names.contains(&i.to_string());
        }
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.found |= tokens_mention(m.tokens.clone(), self.names);
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

fn tokens_mention(tokens: TokenStream, names: &[String]) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => names.contains(&i.to_string()),
        TokenTree::Group(g) => tokens_mention(g.stream(), names),
        _ => false,
    })
}

impl Lin<'_> {
    /// `let pat = init`: the names `pat` binds depend on the cotangents iff what they are bound
    /// to does (element by element for `let (a, b) = (x, y)`); a name rebound to a value that
    /// does not depend on them no longer does (shadowing).
    fn bind(&mut self, pat: &syn::Pat, init: &Expr) {
        let pat = match pat {
            syn::Pat::Type(t) => &*t.pat,
            p => p,
        };
        if let (syn::Pat::Tuple(p), Expr::Tuple(e)) = (pat, init) {
            if p.elems.len() == e.elems.len() {
                for (p, e) in p.elems.iter().zip(&e.elems) {
                    self.bind(p, e);
                }
                return;
            }
        }
        let dependent = self.depends(init);
        for n in syntax::pat_names(pat) {
            self.dependent.retain(|d| *d != n);
            if dependent {
                self.dependent.push(n);
            }
        }
    }

    fn depends(&self, e: &Expr) -> bool {
        let mut d = Dep {
            names: &self.dependent,
            found: false,
        };
        d.visit_expr(e);
        d.found
    }

    fn report(&mut self, at: &dyn ToTokens, why: &str) {
        let what = self.what;
        self.errors.push(syn::Error::new_spanned(
            at,
            format!(
                "this {what} is not linear in its {}: {why}; a {what} must be linear (it is fed sums and scaled values of them, and `Zero`)",
                if what == "pullback" { "cotangents" } else { "tangents" }
            ),
        ));
    }
}

impl<'ast> Visit<'ast> for Lin<'_> {
    fn visit_stmt(&mut self, s: &'ast Stmt) {
        if let Stmt::Local(l) = s {
            if let Some(init) = &l.init {
                self.visit_expr(&init.expr);
                self.bind(&l.pat, &init.expr);
            }
            return;
        }
        visit::visit_stmt(self, s);
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Binary(b) => {
                let (l, r) = (self.depends(&b.left), self.depends(&b.right));
                match b.op {
                    syn::BinOp::Mul(_) if l && r => {
                        self.report(e, "it multiplies two values that both depend on them");
                    }
                    syn::BinOp::Div(_) | syn::BinOp::DivAssign(_) if r => {
                        self.report(e, "it divides by a value that depends on them");
                    }
                    syn::BinOp::MulAssign(_) if l && r => {
                        self.report(e, "it multiplies two values that both depend on them");
                    }
                    _ => {}
                }
            }
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let receiver = self.depends(&m.receiver);
                let args = m.args.iter().any(|a| self.depends(a));
                if method == "dot" && receiver && args {
                    self.report(e, "it multiplies two values that both depend on them");
                } else if receiver && NONLINEAR_METHODS.contains(&method.as_str()) {
                    self.report(e, &format!("`.{method}()` of a value that depends on them"));
                }
            }
            // A closure's own parameters shadow nothing we track; its body is visited as is.
            _ => {}
        }
        visit::visit_expr(self, e);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Sums of a scalar cotangent and an array term (`dx + ds` with `ds: f64`): ndarray broadcasts
/// the scalar in the dense body, but the pattern with the array's cotangent zero drops that
/// term and would return a scalar where an array is expected. An error at the sum, saying how
/// to broadcast explicitly. `cotangents` are the closure's `(name, declared type)`s.
pub(crate) fn scalar_broadcasts(cotangents: &[(String, Type)], body: &Block) -> Vec<syn::Error> {
    let is_scalar =
        |t: &Type| matches!(t, Type::Path(p) if p.path.is_ident("f64") || p.path.is_ident("f32"));
    let scalars: Vec<String> = (cotangents.iter())
        .filter(|(_, t)| is_scalar(t))
        .map(|(n, _)| n.clone())
        .collect();
    let arrays: Vec<String> = (cotangents.iter())
        .filter(|(_, t)| ndim(t).is_some() || t.to_token_stream().to_string().contains("Array"))
        .map(|(n, _)| n.clone())
        .collect();
    if scalars.is_empty() || arrays.is_empty() {
        return Vec::new();
    }
    let mut v = Broadcasts {
        scalars,
        arrays,
        errors: Vec::new(),
    };
    v.visit_block(body);
    v.errors
}

struct Broadcasts {
    scalars: Vec<String>,
    arrays: Vec<String>,
    errors: Vec<syn::Error>,
}

impl Broadcasts {
    /// `ds`, `&ds`, `2.0 * ds`, `ds / 2.0`: a scalar cotangent, possibly scaled by a literal.
    fn scalar_term(&self, e: &Expr) -> Option<String> {
        simple_term(e, &self.scalars)
    }

    /// `dx`, `&dx`, `2.0 * dx`: an array cotangent, possibly scaled by a literal. (Anything
    /// else, `dx.sum()` or `dx[0]`, may be a scalar: not reported.)
    fn array_term(&self, e: &Expr) -> Option<String> {
        simple_term(e, &self.arrays)
    }
}

/// `name`, `&name`, `-name`, `(name)`, `2.0 * name`, `name / 2.0` for a `name` in `names`.
fn simple_term(e: &Expr, names: &[String]) -> Option<String> {
    match e {
        Expr::Path(p) => {
            let i = p.path.get_ident()?.to_string();
            names.contains(&i).then_some(i)
        }
        Expr::Reference(r) => simple_term(&r.expr, names),
        Expr::Paren(p) => simple_term(&p.expr, names),
        Expr::Unary(u) => simple_term(&u.expr, names),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::Mul(_) | syn::BinOp::Div(_)) => {
            match (&*b.left, &*b.right) {
                (Expr::Lit(_), x) | (x, Expr::Lit(_)) => simple_term(x, names),
                _ => None,
            }
        }
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Broadcasts {
    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if matches!(b.op, syn::BinOp::Add(_) | syn::BinOp::Sub(_)) {
            let pairs = [(&*b.left, &*b.right), (&*b.right, &*b.left)];
            for (s, a) in pairs {
                if let (Some(s), Some(a)) = (self.scalar_term(s), self.array_term(a)) {
                    self.errors.push(syn::Error::new_spanned(
                        b,
                        format!(
                            "this sum adds the scalar cotangent `{s}` to an array term (of `{a}`): ndarray broadcasts it here, but the pattern with `{a}` zero drops that term and would return a scalar. Terms combined with `+` and `-` must have one shape: broadcast explicitly with a shape captured from the forward (not read from `{a}`): `let n = x.len();` before the pullback, then `{a} + Array1::from_elem(n, {s})`"
                        ),
                    ));
                    break;
                }
            }
        }
        visit::visit_expr_binary(self, b);
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The number of dimensions a type states: `Array2`, `ArrayView1`, `&Array3`, `ArcArray2`,
/// `Array<T, Ix2>`, `ArrayBase<S, Ix2>`; `None` when it says none (dynamic, generic, not an
/// array).
pub(crate) fn ndim(ty: &Type) -> Option<usize> {
    match ty {
        Type::Reference(r) => ndim(&r.elem),
        Type::Paren(p) => ndim(&p.elem),
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            if name == "ArrayBase" {
                return dim_arg(last);
            }
            for prefix in ["ArrayViewMut", "ArrayView", "ArcArray", "CowArray", "Array"] {
                if let Some(d) = name.strip_prefix(prefix) {
                    if d.len() == 1 {
                        return d.parse().ok();
                    }
                    if d.is_empty() && (prefix == "Array" || prefix == "ArrayView") {
                        return dim_arg(last);
                    }
                    return None;
                }
            }
            None
        }
        _ => None,
    }
}

/// The `IxN` argument of `Array<T, IxN>` / `ArrayBase<S, IxN>`.
fn dim_arg(seg: &syn::PathSegment) -> Option<usize> {
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    a.args.iter().find_map(|g| match g {
        syn::GenericArgument::Type(Type::Path(p)) => {
            let n = p.path.segments.last()?.ident.to_string();
            let d = n.strip_prefix("Ix")?;
            (d.len() == 1).then(|| d.parse().ok()).flatten()
        }
        _ => None,
    })
}

/// Errors for declared input cotangent types whose dimensions differ from their inputs'.
pub(crate) fn dimensions(inputs: &[&FnArg], cotangents: &[Type], what: &str) -> Vec<syn::Error> {
    let mut errors = Vec::new();
    for (arg, ct) in inputs.iter().zip(cotangents) {
        let FnArg::Typed(pt) = arg else { continue };
        let (Some(a), Some(c)) = (ndim(&pt.ty), ndim(ct)) else {
            continue;
        };
        if a != c {
            let name = pt.pat.to_token_stream().to_string();
            let input = (pt.ty.to_token_stream().to_string())
                .replace(' ', "")
                .replace(',', ", ");
            errors.push(syn::Error::new_spanned(
                ct,
                format!(
                    "the {what} of `{name}` must have as many dimensions as `{name}` (`{input}`, {a}); this type has {c}"
                ),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::{ndim, nonlinear};

    fn errors(body: &str) -> usize {
        let block: syn::Block = syn::parse_str(body).unwrap();
        nonlinear(&["dy".to_owned(), "ds".to_owned()], &block, "pullback").len()
    }

    #[test]
    fn linear_bodies_pass() {
        assert_eq!(
            errors("{ let g = &dy * &x; (g.dot(&w), dy.len() as f64 / ds.len() as f64) }"),
            0
        );
        assert_eq!(
            errors("{ let n = dy.len() as f64; (&dy / n + ds * 2.0, x.dot(&dy)) }"),
            0
        );
        assert_eq!(errors("{ (dy.mapv(|v| v * k), ds.t().to_owned()) }"), 0);
        // A tuple `let` pairs its elements; a shadowing `let` of primal data clears the name.
        assert_eq!(
            errors("{ let (g, scale) = (&dy * 1.0, 1.0 / n); g * scale }"),
            0
        );
        assert_eq!(
            errors("{ let t = dy * 2.0; let t = x.sum() + 1.0; dy * t / t }"),
            0
        );
    }

    #[test]
    fn nonlinear_bodies_fail() {
        assert_eq!(errors("{ &dy * &dy }"), 1);
        assert_eq!(errors("{ let t = 2.0 * ds; let u = t + 1.0; dy * u }"), 1);
        assert_eq!(errors("{ x / dy }"), 1);
        assert_eq!(errors("{ dy.dot(&ds) }"), 1);
        assert_eq!(errors("{ dy.powi(2) }"), 1);
    }

    #[test]
    fn dimensions_are_read_from_types() {
        let d = |t: &str| ndim(&syn::parse_str(t).unwrap());
        assert_eq!(d("Array2<f64>"), Some(2));
        assert_eq!(d("&ArrayView1<'_, f64>"), Some(1));
        assert_eq!(d("ArcArray2<f64>"), Some(2));
        assert_eq!(d("Array<f64, Ix3>"), Some(3));
        assert_eq!(d("ArrayBase<S, Ix2>"), Some(2));
        assert_eq!(d("ArrayD<f64>"), None);
        assert_eq!(d("Array<f64, D>"), None);
        assert_eq!(d("f64"), None);
    }
}
