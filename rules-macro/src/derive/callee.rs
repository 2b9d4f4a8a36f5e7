//! Which rule an expression of a derived body calls: a path call (`g(..)`, `Type::method(..)`),
//! an operator (the scalar rules, or the `ops` rules for arrays by reference), or an ndarray
//! method that `ops` covers; with the arguments it passes and whether the rule's pullback may
//! keep a view of them.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{BinOp, Expr, UnOp};

use super::forms::{MAPPED_METHODS, NOT_KEEPING, last_name, rrule_path, unparen, view_of};
use super::walk::Walk;
use crate::syntax;

/// A call of a rule, before its arguments are walked.
pub(super) struct Callee {
    /// The stem of generated names (`matmul`, `add`).
    pub(super) base: String,
    /// The value function, `rrule` and `frule`.
    pub(super) value: TokenStream,
    pub(super) rrule: TokenStream,
    pub(super) frule: TokenStream,
    pub(super) args: Vec<Expr>,
    /// Whether the rule's pullback may keep a view of an argument.
    pub(super) keeping: bool,
}

impl Walk<'_> {
    /// The rule `e` calls; `None` (reported) if it calls none.
    pub(super) fn callee(&mut self, e: &Expr) -> Option<Callee> {
        let krate = self.krate;
        let (base, value, (rrule, frule), args, keeping): (
            String,
            TokenStream,
            (TokenStream, TokenStream),
            Vec<Expr>,
            bool,
        ) = match e {
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    self.unsupported(e);
                    return None;
                };
                let (value, rrule, frule) = rrule_path(&p.path);
                let base = last_name(&p.path);
                let ours = p
                    .path
                    .segments
                    .iter()
                    .any(|s| s.ident == "ops" || s.ident == "linalg");
                let keeping = !(ours && NOT_KEEPING.contains(&base.as_str()));
                (
                    base,
                    value,
                    (rrule, frule),
                    c.args.iter().cloned().collect(),
                    keeping,
                )
            }
            Expr::Binary(b) => {
                let op = match b.op {
                    BinOp::Add(_) => "add",
                    BinOp::Sub(_) => "sub",
                    BinOp::Mul(_) => "mul",
                    BinOp::Div(_) => "div",
                    _ => {
                        self.unsupported(e);
                        return None;
                    }
                };
                // Arrays are written by reference, as ndarray's operators take them: `&a + &b`
                // is `ops::add` (broadcasting), `&a * k` and `k * &a` are `ops::scale`; bare
                // operands are scalars.
                let is_ref = |e: &Expr| matches!(unparen(e), Expr::Reference(_));
                let (l, r) = (&*b.left, &*b.right);
                let ops_rule = |name: &str, args: Vec<Expr>| {
                    let id = syntax::ident(name, Span::call_site());
                    (
                        name.to_owned(),
                        quote!(#krate::ops::#id),
                        (
                            quote!(#krate::ops::#id::rrule),
                            quote!(#krate::ops::#id::frule),
                        ),
                        args,
                        !NOT_KEEPING.contains(&name),
                    )
                };
                match (is_ref(l), is_ref(r)) {
                    (true, true) => {
                        ops_rule(op, vec![view_of(l, &self.views), view_of(r, &self.views)])
                    }
                    (true, false) if op == "mul" => {
                        ops_rule("scale", vec![view_of(l, &self.views), r.clone()])
                    }
                    (false, true) if op == "mul" => {
                        ops_rule("scale", vec![view_of(r, &self.views), l.clone()])
                    }
                    (true, false) | (false, true) => {
                        let side = if is_ref(l) { r } else { l };
                        let o = &b.op;
                        let sym = quote!(#o).to_string();
                        self.cx.error(side, format!("in a derived rule, `&a {sym} ..` takes an array by reference on both sides (`&a {sym} &b`, the rule `ops::{op}`), or a scalar on one side of `*` (`&a * k`, the rule `ops::scale`); write the other operand `&b`, or call `ops::{op}` with a 0-d array"));
                        return None;
                    }
                    (false, false) => {
                        let id = syntax::ident(op, Span::call_site());
                        (
                            op.to_owned(),
                            quote!(#krate::derive::#id),
                            (
                                quote!(#krate::derive::#id::rrule),
                                quote!(#krate::derive::#id::frule),
                            ),
                            vec![l.clone(), r.clone()],
                            false,
                        )
                    }
                }
            }
            Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => {
                if let Expr::Reference(_) = unparen(&u.expr) {
                    // `-&a`: `ops::neg`.
                    let arg = view_of(&u.expr, &self.views);
                    (
                        "neg".to_owned(),
                        quote!(#krate::ops::neg),
                        (
                            quote!(#krate::ops::neg::rrule),
                            quote!(#krate::ops::neg::frule),
                        ),
                        vec![arg],
                        false,
                    )
                } else {
                    (
                        "neg".to_owned(),
                        quote!(#krate::derive::neg),
                        (
                            quote!(#krate::derive::neg::rrule),
                            quote!(#krate::derive::neg::frule),
                        ),
                        vec![(*u.expr).clone()],
                        false,
                    )
                }
            }
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                let recv: Expr = view_of(&m.receiver, &self.views);
                if name == "mapv" {
                    let Some(Expr::Path(f)) = m.args.first() else {
                        self.cx.error(m, "`x.mapv(f)` in a derived rule takes the path of a function with `#[scalar_rule]`: `x.mapv(sigmoid)`");
                        return None;
                    };
                    let f = &f.path;
                    (
                        last_name(f),
                        quote!(#f::map),
                        (quote!(#f::map_rrule), quote!(#f::map_frule)),
                        vec![recv],
                        false,
                    )
                } else if let Some((_, rule)) = MAPPED_METHODS.iter().find(|(m2, _)| *m2 == name) {
                    let id = syntax::ident(rule, Span::call_site());
                    let mut args = vec![recv];
                    for a in &m.args {
                        args.push(if *rule == "matmul" {
                            view_of(a, &self.views)
                        } else {
                            a.clone()
                        });
                    }
                    (
                        (*rule).to_owned(),
                        quote!(#krate::ops::#id),
                        (
                            quote!(#krate::ops::#id::rrule),
                            quote!(#krate::ops::#id::frule),
                        ),
                        args,
                        !NOT_KEEPING.contains(rule),
                    )
                } else {
                    self.unsupported(e);
                    return None;
                }
            }
            _ => {
                self.unsupported(e);
                return None;
            }
        };
        Some(Callee {
            base,
            value,
            rrule,
            frule,
            args,
            keeping,
        })
    }
}
