//! Expressions where a value is computed: sums and differences with zero terms drop those
//! terms, and `#[pass_zero]` statements get the value `Zero` in place of zero names.

use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{BinOp, Expr, UnOp};

use super::{Reason, State};
use crate::syntax;

/// A simplified expression: zero (with the linear inputs it depended on), or an expression to
/// keep (with the linear inputs it depends on).
pub(super) enum Val {
    Zero(u64),
    Live(Expr, u64),
}

impl State<'_> {
    /// `e` where it stands for its value as a whole; borrowed, as the other side of a sum whose
    /// terms were dropped, it is copied once (as `&a + &b` would have allocated).
    pub(super) fn owned(&self, e: Expr) -> Expr {
        let rt = self.rt;
        match e {
            Expr::Reference(r) if r.mutability.is_none() => syn::parse_quote!(#rt::owned(#r)),
            other => other,
        }
    }

    /// `0 − e`, as `Zero - e`: the runtime's `Sub` impls negate owned arrays in place and need only
    /// `A: Neg` of the elements (a plain `-&e` would need `&A: Neg`).
    pub(super) fn neg(&self, e: Expr) -> Expr {
        let z = self.zero_expr();
        syn::parse_quote!(#z - (#e))
    }

    /// Simplifies an expression that stands where a value is computed.
    pub(super) fn simplify(&self, e: &Expr) -> Result<Val, super::Blocked> {
        match e {
            Expr::Paren(p) => Ok(match self.simplify(&p.expr)? {
                Val::Live(inner, d) => {
                    let mut p = p.clone();
                    *p.expr = inner;
                    Val::Live(Expr::Paren(p), d)
                }
                z => z,
            }),
            Expr::Binary(b) if matches!(b.op, BinOp::Add(_) | BinOp::Sub(_)) => {
                let l = self.simplify(&b.left)?;
                let r = self.simplify(&b.right)?;
                let sub = matches!(b.op, BinOp::Sub(_));
                // A zero term added to a constant: not linear, unless the constant is a zero
                // accumulator; and a "zero" term that reads a size is not zero at all.
                if let (Val::Zero(z), Val::Live(c, 0)) | (Val::Live(c, 0), Val::Zero(z)) = (&l, &r)
                {
                    if !self.is_zero_valued(c) {
                        return Err(self.blocked(e, *z, Reason::ConstantPlusZero));
                    }
                }
                for (side, val) in [(&b.left, &l), (&b.right, &r)] {
                    if let Val::Zero(z) = val {
                        if self.reads_size_of_zero(side) {
                            return Err(self.blocked(e, *z, Reason::ConstantPlusZero));
                        }
                    }
                }
                if let Val::Zero(z) = &l {
                    self.droppable(&b.left, *z)?;
                }
                if let Val::Zero(z) = &r {
                    self.droppable(&b.right, *z)?;
                }
                Ok(match (l, r) {
                    (Val::Zero(a), Val::Zero(c)) => Val::Zero(a | c),
                    (Val::Live(l, d), Val::Zero(_)) => Val::Live(self.owned(l), d),
                    (Val::Zero(_), Val::Live(r, d)) if sub => Val::Live(self.neg(r), d),
                    (Val::Zero(_), Val::Live(r, d)) => Val::Live(self.owned(r), d),
                    (Val::Live(l, dl), Val::Live(r, dr)) => {
                        let mut b = b.clone();
                        *b.left = l;
                        *b.right = r;
                        Val::Live(Expr::Binary(b), dl | dr)
                    }
                })
            }
            Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => Ok(match self.simplify(&u.expr)? {
                Val::Live(inner, d) => {
                    let mut u = u.clone();
                    *u.expr = inner;
                    Val::Live(Expr::Unary(u), d)
                }
                z => z,
            }),
            _ => {
                let d = self.deps_of(e);
                if self.is_zero(d) {
                    Ok(Val::Zero(d))
                } else if self.is_mixed(d) {
                    Err(self.blocked(e, d, Reason::Mixed))
                } else {
                    Ok(Val::Live(e.clone(), d))
                }
            }
        }
    }

    /// Whether `e` reads a size (`len()`, `shape()`, `dim()`, ..) of a value that is zero here:
    /// such a term depends on the value's shape, not linearly on it, so it is not zero.
    fn reads_size_of_zero(&self, e: &Expr) -> bool {
        struct Sizes<'s, 'a> {
            st: &'s State<'a>,
            found: bool,
        }
        impl<'ast> Visit<'ast> for Sizes<'_, '_> {
            fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
                const SIZE_METHODS: &[&str] = &[
                    "len", "len_of", "is_empty", "shape", "dim", "raw_dim", "ndim", "nrows",
                    "ncols", "strides",
                ];
                if SIZE_METHODS.contains(&m.method.to_string().as_str()) {
                    let d = self.st.deps_of(&m.receiver);
                    self.found |= d & self.st.zero != 0;
                }
                visit::visit_expr_method_call(self, m);
            }
        }
        let mut v = Sizes {
            st: self,
            found: false,
        };
        v.visit_expr(e);
        v.found
    }

    /// `e` with every zero name replaced by `Zero` (for `#[pass_zero]`), `&name` included; names
    /// rebound by a closure inside `e` are left alone.
    pub(super) fn pass_zeros(&self, e: &mut Expr) {
        PassZeros {
            st: self,
            shadowed: Vec::new(),
        }
        .visit_expr_mut(e);
    }
}

struct PassZeros<'s, 'a> {
    st: &'s State<'a>,
    /// The parameters of the closures around the current expression.
    shadowed: Vec<Vec<String>>,
}

impl PassZeros<'_, '_> {
    fn zero_name(&self, e: &Expr) -> bool {
        let Expr::Path(p) = e else { return false };
        p.path.get_ident().is_some_and(|i| {
            let name = i.to_string();
            !self.shadowed.iter().flatten().any(|s| *s == name)
                && self.st.deps.get(&name).is_some_and(|d| self.st.is_zero(*d))
        })
    }
}

impl VisitMut for PassZeros<'_, '_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Closure(c) = e {
            self.shadowed
                .push(c.inputs.iter().flat_map(syntax::pat_names).collect());
            self.visit_expr_mut(&mut c.body);
            self.shadowed.pop();
            return;
        }
        let replace = match &*e {
            Expr::Reference(r) => self.zero_name(&r.expr),
            other => self.zero_name(other),
        };
        if replace {
            *e = self.st.zero_expr();
        } else {
            visit_mut::visit_expr_mut(self, e);
        }
    }
}
