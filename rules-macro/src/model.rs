//! What a rule is, once parsed: the pieces of the user's function the analysis works on, each
//! still holding its original syntax so errors can point at it.

use syn::{Attribute, Block, Expr, Ident, Pat, Path, Signature, Stmt, Type, Visibility};

/// Arguments of the attribute, `#[rrule(...)]`.
pub(crate) struct Args {
    /// Path to the runtime crate in generated code; `::rules_core` unless `crate = path` is given.
    pub(crate) krate: Path,
}

/// One `#[rrule]` function.
pub(crate) struct Rule {
    /// Outer attributes (doc comments included), kept on the primal function.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    /// The signature as written: the primal function's.
    pub(crate) sig: Signature,
    /// The function's parameters, in order.
    pub(crate) inputs: Vec<Input>,
    /// The whole value type (`T` of `-> T` or of `-> Result<T, E>`).
    pub(crate) value_ty: Type,
    /// `Some(E)` for a forward declared `-> Result<T, E>` whose tail is `Ok((value, closure))`.
    pub(crate) error_ty: Option<Type>,
    /// The statements before the tail.
    pub(crate) forward: Vec<Stmt>,
    /// The value half of the tail.
    pub(crate) value: Expr,
    pub(crate) closure: Closure,
}

/// A parameter of the rule.
pub(crate) struct Input {
    /// Its name for messages and `Patterns::INPUTS` (the pattern's text when it is not an ident).
    pub(crate) name: String,
    pub(crate) pat: Pat,
}

/// The pullback closure.
pub(crate) struct Closure {
    pub(crate) cotangents: Vec<Cotangent>,
    /// The declared type of each input's cotangent: the elements of `ret` for several inputs.
    pub(crate) input_cotangents: Vec<Type>,
    /// The body, as a block.
    pub(crate) body: Block,
}

/// A parameter of the pullback closure: the cotangent of one output.
pub(crate) struct Cotangent {
    /// The binding, when the parameter is a plain identifier (`dy` or `mut dy`).
    pub(crate) ident: Option<Ident>,
    pub(crate) name: String,
    pub(crate) pat: Pat,
    pub(crate) ty: Type,
}

/// `true` if `ty` is written as `NoTangent` (with any path prefix).
pub(crate) fn is_no_tangent(ty: &Type) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "NoTangent" && s.arguments.is_none()),
        Type::Paren(p) => is_no_tangent(&p.elem),
        Type::Group(g) => is_no_tangent(&g.elem),
        _ => false,
    }
}
