//! A rule's closure, parsed in steps: its parameters, its declared results, the rule's inputs,
//! its body; each mistake reported at its tokens in the words of the closure's direction.

use std::cell::Cell;

use quote::ToTokens;
use syn::{Block, Expr, GenericParam, Pat, ReturnType, Stmt, Type};

use super::{IN_CORE, MAX_INPUTS, MAX_OUTPUTS, body_stmt};
use crate::errors::Ctxt;
use crate::model::{BodyStmt, Closure, Cotangent, Direction, Input};
use crate::syntax::unparen;

/// How messages about a closure name its parts: "cotangent" and "pullback" or "tangent" and
/// "pushforward", what its parameters and results stand for, and the results' names.
struct Words {
    noun: &'static str,
    word: &'static str,
    param_of: &'static str,
    result_of: &'static str,
    example: &'static str,
    result_names: Vec<String>,
}

impl Words {
    fn of(dir: Direction, outputs: &[Type], inputs: &[Input]) -> Words {
        let (param_of, result_of, example) = match dir {
            Direction::Reverse => ("output", "input", "dy"),
            Direction::Forward => ("input", "output", "dx"),
        };
        let result_names = match dir {
            Direction::Reverse => inputs.iter().map(|i| i.name.clone()).collect(),
            Direction::Forward => (0..outputs.len()).map(|i| format!("output {i}")).collect(),
        };
        Words {
            noun: dir.noun(),
            word: dir.closure(),
            param_of,
            result_of,
            example,
            result_names,
        }
    }
}

/// Parses a rule's closure, in steps: its parameters, its declared results, the rule's inputs
/// (which bound how many patterns there are), its body. A pullback takes one cotangent per
/// output and returns one per input; a pushforward takes one tangent per input and returns one
/// per output.
pub(super) fn closure(
    cx: &mut Ctxt,
    c: &syn::ExprClosure,
    outputs: &[Type],
    inputs: &[Input],
    sig: &syn::Signature,
    impl_generics: Option<&syn::Generics>,
    dir: Direction,
) -> Option<Closure> {
    let words = Words::of(dir, outputs, inputs);
    if let Some(t) = &c.asyncness {
        cx.error(t, format!("the {} closure cannot be `async`", words.word));
    }
    let n_params = match dir {
        Direction::Reverse => outputs.len(),
        Direction::Forward => inputs.len(),
    };
    let cotangents = closure_params(cx, c, n_params, sig, impl_generics, dir, &words);
    let input_cotangents = closure_results(cx, c, sig, dir, &words)?;
    check_inputs(cx, inputs, sig, dir)?;
    let (stmts, tail, brace) = closure_body(cx, c, sig, &words);
    Some(Closure {
        cotangents,
        input_cotangents,
        stmts,
        tail,
        brace,
    })
}

/// The closure's parameters, each with its declared type; the count checked against the rule.
fn closure_params(
    cx: &mut Ctxt,
    c: &syn::ExprClosure,
    n_params: usize,
    sig: &syn::Signature,
    impl_generics: Option<&syn::Generics>,
    dir: Direction,
    words: &Words,
) -> Vec<Cotangent> {
    let Words {
        noun,
        word,
        param_of,
        example,
        ..
    } = *words;
    let mut cotangents = Vec::new();
    for input in &c.inputs {
        match input {
            Pat::Type(pt) => {
                let ident = match &*pt.pat {
                    Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
                        Some(p.ident.clone())
                    }
                    Pat::Wild(_) => None,
                    other => {
                        cx.error(other, format!("a {noun} parameter must be a plain name (`{example}: T`, `mut {example}: T` or `_: T`)"));
                        None
                    }
                };
                let name = ident
                    .as_ref()
                    .map_or_else(|| "_".to_owned(), ToString::to_string);

                cotangents.push(Cotangent {
                    ident,
                    name,
                    pat: (*pt.pat).clone(),
                    ty: (*pt.ty).clone(),
                });
            }
            other => {
                let name = other.to_token_stream().to_string();
                cx.error(
                    other,
                    format!("{noun} parameter `{name}` needs its type written out (`{name}: T`): one specialised {word} is generated per pattern of declared types"),
                );
            }
        }
    }
    // Several bare generic cotangents overlap with their `Zero` patterns, except two of one `T`
    // (dispatched through `ScalarSlots2`).
    let same_pair = matches!(cotangents.as_slice(), [a, b] if a.ty == b.ty);
    if n_params > 1 && !same_pair && !IN_CORE.with(Cell::get) {
        for c in &cotangents {
            check_not_generic_param(cx, &c.ty, sig, impl_generics);
        }
    }
    if c.inputs.len() != n_params {
        let message = format!(
            "the {word} closure takes {} {noun}(s) but `{}` has {} {param_of}(s): write one parameter per {param_of}{}",
            c.inputs.len(),
            sig.ident,
            n_params,
            if n_params > 1 && dir == Direction::Reverse {
                " (one per element of the returned tuple)"
            } else {
                ""
            }
        );
        if c.inputs.is_empty() {
            let (open, close) = (&c.or1_token, &c.or2_token);
            cx.error(quote::quote!(#open #close), message);
        } else {
            cx.error(&c.inputs, message);
        }
    }
    cotangents
}

/// The closure's declared results: its return type, split into one per result.
fn closure_results(
    cx: &mut Ctxt,
    c: &syn::ExprClosure,
    sig: &syn::Signature,
    dir: Direction,
    words: &Words,
) -> Option<Vec<Type>> {
    let Words {
        noun,
        word,
        result_of,
        ..
    } = *words;
    let (result_names, n_results) = (&words.result_names, words.result_names.len());
    let ret = match &c.output {
        ReturnType::Type(_, t) => (**t).clone(),
        ReturnType::Default => {
            cx.push(syn::Error::new(
                c.or2_token.span,
                format!(
                    "the {word} closure must declare its return type, the {result_of} {noun}s: `|..| -> {} {{ .. }}`",
                    if n_results == 1 { "T".to_owned() } else { format!("({})", vec!["_"; n_results].join(", ")) }
                ),
            ));
            return None;
        }
    };
    Some(if n_results == 1 {
        vec![ret.clone()]
    } else {
        match &ret {
            Type::Tuple(t) if t.elems.len() == n_results => t.elems.iter().cloned().collect(),
            other => {
                let n = match other {
                    Type::Tuple(t) => t.elems.len(),
                    _ => 1,
                };
                let advice = match dir {
                    Direction::Reverse => ", `NoTangent` for inputs that are not differentiable",
                    Direction::Forward => "",
                };
                cx.error(
                    other,
                    format!(
                        "the {word} returns {n} {noun}(s) but `{}` has {} {result_of}s: return a tuple with one {noun} per {result_of} ({}){advice}",
                        sig.ident,
                        n_results,
                        result_names.join(", ")
                    ),
                );
                return None;
            }
        }
    })
}

/// The rule's inputs: at least one, and few enough for the patterns generated over them.
fn check_inputs(
    cx: &mut Ctxt,
    inputs: &[Input],
    sig: &syn::Signature,
    dir: Direction,
) -> Option<()> {
    if inputs.is_empty() {
        cx.error(
            &sig.ident,
            "a rule needs at least one input to differentiate with respect to",
        );
        return None;
    }
    if dir == Direction::Forward && inputs.len() > MAX_OUTPUTS {
        cx.error(
            &sig.inputs,
            format!(
                "too many inputs for #[frule]: {} inputs give 2^{} specialised pushforwards; #[frule] generates at most 2^{MAX_OUTPUTS} = {}. Group inputs into fewer (a struct or an array)",
                inputs.len(),
                inputs.len(),
                1u64 << MAX_OUTPUTS
            ),
        );
        return None;
    }
    if inputs.len() > MAX_INPUTS {
        cx.error(
            &sig.inputs,
            format!("a rule takes at most {MAX_INPUTS} inputs; group them into fewer (a struct or an array)"),
        );
        return None;
    }
    Some(())
}

/// The closure's body: its statements (markers recorded) and its tail, checked against the
/// number of results when it is a tuple.
fn closure_body(
    cx: &mut Ctxt,
    c: &syn::ExprClosure,
    sig: &syn::Signature,
    words: &Words,
) -> (Vec<BodyStmt>, Option<Expr>, syn::token::Brace) {
    let Words {
        noun,
        word,
        result_of,
        ..
    } = *words;
    let n_results = words.result_names.len();
    let body = match &*c.body {
        Expr::Block(b) if b.attrs.is_empty() && b.label.is_none() => b.block.clone(),
        other => Block {
            brace_token: Default::default(),
            stmts: vec![Stmt::Expr(other.clone(), None)],
        },
    };
    let brace = body.brace_token;
    let mut stmts = body.stmts;
    let tail = match stmts.last() {
        Some(Stmt::Expr(_, None)) => match stmts.pop() {
            Some(Stmt::Expr(e, None)) => Some(e),
            _ => None,
        },
        _ => None,
    };
    let stmts = stmts.into_iter().map(|stmt| body_stmt(cx, stmt)).collect();
    if n_results > 1 {
        if let Some(tail) = &tail {
            if let Expr::Tuple(t) = unparen(tail) {
                if t.elems.len() != n_results {
                    cx.error(
                        tail,
                        format!(
                            "the {word} returns {} {noun}s here but `{}` has {} {result_of}s",
                            t.elems.len(),
                            sig.ident,
                            n_results
                        ),
                    );
                }
            }
        }
    }
    (stmts, tail, brace)
}

/// In a rule with several outputs, a cotangent declared as a bare type parameter `T` would make
/// the impls for `T` and `Zero` overlap; say so at the type rather than let rustc report a
/// conflict in generated code. (With one output, the pattern is picked through
/// `rules_core::Scalar`, see `expand`.)
fn check_not_generic_param(
    cx: &mut Ctxt,
    ty: &Type,
    sig: &syn::Signature,
    impl_generics: Option<&syn::Generics>,
) {
    let Type::Path(p) = ty else { return };
    let Some(id) = p.path.get_ident() else { return };
    let is_param = (sig.generics.params.iter())
        .chain(impl_generics.into_iter().flat_map(|g| g.params.iter()))
        .any(|g| matches!(g, GenericParam::Type(t) if t.ident == *id));
    if is_param {
        cx.error(
            ty,
            format!("in a rule with several outputs, a cotangent type cannot be the bare type parameter `{id}`: the generated `Pullback<({id}, ..)>` and `Pullback<(Zero, ..)>` would overlap. Use a concrete type (`f64`) or a container (`Array0<{id}>`); a rule with one output may return a bare `{id}: Scalar`, and one with two outputs `({id}, {id})`"),
        );
    }
}
