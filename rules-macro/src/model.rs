//! What a rule is, once parsed: the pieces of the user's function the analysis works on, each
//! still holding its original syntax so errors can point at it, and the statement markers
//! (`#[pass_zero]`, `#[primal_only]`, `#[rrule_only]`) recorded as data rather than left in the
//! statements.

use syn::{Attribute, Block, Expr, Ident, Pat, Path, Signature, Stmt, Type, Visibility};

/// Arguments of the attribute, `#[rrule(...)]`.
pub(crate) struct Args {
    /// Path to the runtime crate in generated code; `::rules_core` unless `crate = path` is given.
    pub(crate) krate: Path,
    /// `#[rrule(derive)]`: the pullback is derived from the rules the body calls.
    pub(crate) derive: bool,
}

/// Which way a rule's closure maps: cotangents of the outputs to those of the inputs
/// (`#[rrule]`), or tangents of the inputs to that of the outputs (`#[frule]`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Direction {
    Reverse,
    Forward,
}

impl Direction {
    /// The attribute, and the name of the entry point: `rrule` or `frule`.
    pub(crate) fn attr(self) -> &'static str {
        match self {
            Direction::Reverse => "rrule",
            Direction::Forward => "frule",
        }
    }

    /// What the closure's parameters are: `cotangent` or `tangent`.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Direction::Reverse => "cotangent",
            Direction::Forward => "tangent",
        }
    }

    /// The closure: `pullback` or `pushforward`.
    pub(crate) fn closure(self) -> &'static str {
        match self {
            Direction::Reverse => "pullback",
            Direction::Forward => "pushforward",
        }
    }
}

/// One `#[rrule]` or `#[frule]` function (for stacked attributes, one `Rule` per direction).
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
    /// `Some(Result<T, E>)` for a forward declared fallible, whose tail is `Ok((value, closure))`.
    pub(crate) result_ty: Option<Type>,
    /// The statements before the tail, with their markers.
    pub(crate) forward: Vec<ForwardStmt>,
    /// The value half of the tail.
    pub(crate) value: Expr,
    pub(crate) closure: Closure,
    /// `Some` for a method of an impl block under `#[rrules]`.
    pub(crate) method: Option<Method>,
    /// Which way `closure` maps.
    pub(crate) direction: Direction,
    /// The path of the other attribute when both are stacked: this expansion handles it, and
    /// names it once so that its import counts as used.
    pub(crate) stacked: Option<Path>,
    /// Written by `derive` from a forward body: the pullback keeps the arena, and `rrule` has
    /// the arena's lifetime as its first generic parameter (not the primal).
    pub(crate) derived: bool,
}

/// What `#[rrules]` knows of the impl block a method rule sits in.
#[derive(Clone)]
pub(crate) struct Method {
    /// The impl's self type, which replaces `Self` in items generated outside the method.
    pub(crate) self_ty: Type,
    /// The impl's generics, declared again on those items.
    pub(crate) impl_generics: syn::Generics,
}

/// A parameter of the rule.
#[derive(Clone)]
pub(crate) struct Input {
    /// Its name for messages and `Patterns::INPUTS` (the pattern's text when it is not an ident).
    pub(crate) name: String,
    pub(crate) pat: Pat,
}

/// Which generated functions run a forward statement.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Side {
    /// Both (no marker).
    Both,
    /// `#[primal_only]`: the plain function only.
    Primal,
    /// `#[rrule_only]`: `rrule` only (`rrule` and `frule` when both are stacked).
    Rrule,
    /// Only the entry point of one direction, when both are stacked: written by `derive`
    /// (`#[__reverse_only]`, `#[__forward_only]`), for the calls of the callees' `rrule` or
    /// `frule`.
    Entry(Direction),
}

/// A statement of the forward body.
#[derive(Clone)]
pub(crate) struct ForwardStmt {
    /// The statement, its marker removed.
    pub(crate) stmt: Stmt,
    pub(crate) side: Side,
}

/// A statement of the pullback body.
pub(crate) struct BodyStmt {
    /// The statement, its marker removed.
    pub(crate) stmt: Stmt,
    /// `#[pass_zero]`: pass `Zero` for its zero cotangents instead of rejecting the statement.
    pub(crate) pass_zero: bool,
}

/// The closure: a pullback (parameters: output cotangents; results: input cotangents) or a
/// pushforward (parameters: input tangents; results: output tangents). The field names say
/// "cotangent" for both.
pub(crate) struct Closure {
    /// The closure's parameters: the linear inputs.
    pub(crate) cotangents: Vec<Cotangent>,
    /// The declared type of each result: the elements of the return type for several.
    pub(crate) input_cotangents: Vec<Type>,
    /// The statements before the tail.
    pub(crate) stmts: Vec<BodyStmt>,
    /// The tail expression (the input cotangents); `None` for a body that ends in a statement.
    pub(crate) tail: Option<Expr>,
    /// The body's braces, for spans.
    pub(crate) brace: syn::token::Brace,
}

impl Closure {
    /// The body as a block, markers removed.
    pub(crate) fn block(&self) -> Block {
        let mut stmts: Vec<Stmt> = self.stmts.iter().map(|s| s.stmt.clone()).collect();
        if let Some(t) = &self.tail {
            stmts.push(Stmt::Expr(t.clone(), None));
        }
        Block {
            brace_token: self.brace,
            stmts,
        }
    }

    /// The cotangents' binding names (`None` for `_`), in order.
    pub(crate) fn cotangent_names(&self) -> Vec<Option<String>> {
        self.cotangents
            .iter()
            .map(|c| c.ident.as_ref().map(ToString::to_string))
            .collect()
    }

    /// The cotangents' patterns, the closure's parameters.
    pub(crate) fn params(&self) -> Vec<Pat> {
        self.cotangents.iter().map(|c| c.pat.clone()).collect()
    }
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
