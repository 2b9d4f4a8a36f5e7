//! Analysis: from a parsed [`Rule`] to everything generation needs, namely what the pullback
//! captures, one specialised body per pattern of `Zero` cotangents, and the forward statements of
//! the primal and of `rrule`, with every statement that cannot be specialised reported.

pub(crate) mod captures;
mod linear;
pub(crate) mod reclaim;
pub(crate) mod specialise;

use syn::{Block, Path, Stmt};

use crate::errors::Ctxt;
use crate::model::{Direction, Rule, Side, is_no_tangent};
use crate::syntax;

/// The most inputs and outputs together for which `PullbackFor` is generated: `2^4` bodies.
/// (`rules_core::PULLBACK_FOR_LIMIT` says the same to users.)
pub(crate) const PULLBACK_FOR_LIMIT: usize = 4;
use specialise::{Blocked, Body, Fate, Spec, Words};

/// Everything `expand` needs beyond the rule itself.
pub(crate) struct Analysis {
    /// The forward names the pullback uses freely, in order of first use.
    pub(crate) captures: Vec<String>,
    /// The parameters whose elided lifetimes the pullback may carry: those it captures, and
    /// those passed to another rule's `rrule` whose result it captures (that rule's pullback
    /// may borrow them).
    pub(crate) carriers: Vec<String>,
    /// One per pattern, in mask order: mask `0` is dense, the last is all `Zero`.
    pub(crate) patterns: Vec<Pattern>,
    /// For `PullbackFor`: one per selection of wanted inputs other than all of them and per
    /// pattern, in that order; empty beyond the limit.
    pub(crate) selections: Vec<Pattern>,
    /// Whether `PullbackFor` is generated (inputs and outputs within the limit).
    pub(crate) pullback_for: bool,
    /// The primal's statements: the forward without `#[rrule_only]` statements and without
    /// what only the pullback reads.
    pub(crate) primal: Vec<Stmt>,
    /// `rrule`'s forward statements: without `#[primal_only]` statements.
    pub(crate) forward: Vec<Stmt>,
    /// The statements that could not be specialised, each reported once, combined.
    pub(crate) errors: Option<syn::Error>,
    /// Captures the pullback moves or writes into, and nonlinear expressions: reported instead
    /// of the expansion (whose bodies would add rustc's errors about generated names, and the
    /// specialiser's about the same expressions).
    pub(crate) misuse: Option<syn::Error>,
    /// The captures the pullback marks `reclaim!`: non-empty, and `pullback_once` gets bodies of
    /// its own that move them.
    pub(crate) reclaims: Vec<String>,
}

/// One pattern of `Zero` cotangents, for one selection of wanted inputs.
pub(crate) struct Pattern {
    /// Bit `i` set: cotangent `i` is `Zero`.
    pub(crate) mask: u64,
    /// Bit `j` set: input `j`'s cotangent is computed.
    pub(crate) wanted: u64,
    /// Per input: `true` if its cotangent comes back as `Skip`.
    pub(crate) skipped: Vec<bool>,
    /// What the pattern's body does.
    pub(crate) body: PatternBody,
    /// Per input: `true` if its cotangent comes back as `Zero`.
    pub(crate) zero_inputs: Vec<bool>,
}

/// The body of a pattern.
pub(crate) enum PatternBody {
    /// The specialised body, in the user's names (captures not yet rewritten).
    Runs(Block),
    /// Every cotangent is `Zero`: nothing runs, every input cotangent is `Zero` (`NoTangent`
    /// stays). The body was still analysed, so a mistake is reported here as in any pattern.
    Nothing,
    /// A statement could not be specialised (reported); the body diverges so that the rest of
    /// the rule still type-checks.
    Blocked,
}

/// Analyses `rule`; generated values in the specialised bodies are named through `rt`.
pub(crate) fn analyse(rule: &Rule, rt: &Path) -> Analysis {
    let closure = &rule.closure;
    let names = closure.cotangent_names();
    let n_inputs = closure.input_cotangents.len();
    let body = Body {
        inputs: &names,
        stmts: &closure.stmts,
        tail: closure.tail.as_ref(),
        results: n_inputs,
        brace: closure.brace,
    };
    let k = names.len();
    let all = (1u64 << k) - 1;
    let mut errors = Ctxt::default();
    let linear_names: Vec<String> = names.iter().flatten().cloned().collect();
    let what = match rule.direction {
        Direction::Reverse => "pullback",
        Direction::Forward => "pushforward",
    };
    // Fatal, as misused captures are: the specialiser would add its own messages at the same
    // expression.
    let mut nonlinear = linear::nonlinear(&linear_names, &closure.block(), what);
    let typed: Vec<(String, syn::Type)> = (closure.cotangents.iter())
        .filter_map(|c| Some((c.ident.as_ref()?.to_string(), c.ty.clone())))
        .collect();
    nonlinear.extend(linear::scalar_broadcasts(&typed, &closure.block()));
    if rule.direction == Direction::Reverse
        && closure.input_cotangents.len() == rule.sig.inputs.len()
    {
        let inputs: Vec<&syn::FnArg> = rule.sig.inputs.iter().collect();
        for e in linear::dimensions(&inputs, &closure.input_cotangents, "cotangent") {
            errors.push(e);
        }
    }
    let wanted = (1u64 << n_inputs) - 1;
    let labels: Vec<String> = closure.cotangents.iter().map(|c| c.name.clone()).collect();
    // A statement blocked in several patterns is reported once, for the first.
    let mut reported: Vec<String> = Vec::new();
    // `report` is false for the `PullbackFor` selections: a statement only they cannot decide
    // falls back to the full pattern (below) rather than failing a rule that never asked.
    let mut run = |zero: u64, wanted: u64, report_errors: bool| -> Pattern {
        let result = specialise::specialise(&body, Spec { zero, wanted }, rt);
        let skipped: Vec<bool> = (0..n_inputs).map(|j| wanted & (1 << j) == 0).collect();
        match result {
            // The all-`Zero` pattern runs nothing whatever the analysis found; its errors are
            // reported like any pattern's (so that a mistake in a declared pullback gets the
            // same error in every pattern), except for a derived rule, whose body is the
            // macro's: there an accumulator over a loop's iterations, zeros until the loop
            // adds to it, is not a mistake.
            _ if zero == all => {
                if let (Err(b), true) = (&result, report_errors && !rule.derived) {
                    report(&mut errors, &mut reported, b, &labels, zero, rule.direction);
                }
                Pattern {
                    mask: zero,
                    wanted,
                    body: PatternBody::Nothing,
                    zero_inputs: (closure.input_cotangents.iter())
                        .zip(&skipped)
                        .map(|(t, s)| !s && !is_no_tangent(t))
                        .collect(),
                    skipped,
                }
            }
            Err(b) => {
                if report_errors {
                    report(
                        &mut errors,
                        &mut reported,
                        &b,
                        &labels,
                        zero,
                        rule.direction,
                    );
                }
                Pattern {
                    mask: zero,
                    wanted,
                    body: PatternBody::Blocked,
                    zero_inputs: vec![false; n_inputs],
                    skipped,
                }
            }
            Ok(s) => Pattern {
                mask: zero,
                wanted,
                body: PatternBody::Runs(s.body),
                zero_inputs: s.results.iter().map(|f| *f == Fate::Zero).collect(),
                skipped,
            },
        }
    };
    let patterns: Vec<Pattern> = (0..=all).map(|z| run(z, wanted, true)).collect();
    // `PullbackFor`: every selection of wanted inputs but "all", for every zero pattern, when
    // their number stays within the limit.
    let for_enabled = rule.direction == Direction::Reverse && k + n_inputs <= PULLBACK_FOR_LIMIT;
    let mut selections: Vec<Pattern> = if for_enabled {
        (0..wanted)
            .flat_map(|w| (0..=all).map(move |z| (z, w)))
            .map(|(z, w)| run(z, w, false))
            .collect()
    } else {
        Vec::new()
    };
    for sel in &mut selections {
        if let (PatternBody::Blocked, Some(full)) = (&sel.body, patterns.get(sel.mask as usize)) {
            *sel = fall_back(full, &sel.skipped, rt);
        }
    }

    let mut candidates: Vec<String> = rule
        .inputs
        .iter()
        .flat_map(|i| syntax::pat_names(&i.pat))
        .collect();
    for s in &rule.forward {
        if let Stmt::Local(l) = &s.stmt {
            candidates.extend(syntax::pat_names(&l.pat));
        }
    }
    let captures = captures::find(&closure.params(), &closure.block(), &candidates);
    // Captures of owned container types (from the parameters' and `let`s' declared types).
    let mut owned: Vec<String> = Vec::new();
    for arg in &rule.sig.inputs {
        if let syn::FnArg::Typed(pt) = arg {
            if captures::is_owned_container(&pt.ty) {
                owned.extend(syntax::pat_names(&pt.pat));
            }
        }
    }
    // A forward `let` rebinds its names: owned only if its declared type says so (`let x =
    // x.sum();` shadows an owned parameter with a scalar).
    for s in &rule.forward {
        if let Stmt::Local(l) = &s.stmt {
            let names = syntax::pat_names(&l.pat);
            owned.retain(|o| !names.contains(o));
            if let syn::Pat::Type(pt) = &l.pat {
                if captures::is_owned_container(&pt.ty) {
                    owned.extend(names);
                }
            }
        }
    }
    let carriers = carriers(rule, &captures);
    let mut reclaim_errors = Ctxt::default();
    let reclaims = reclaim::find(
        &closure.block(),
        &captures,
        rule.direction,
        &mut reclaim_errors,
    );
    let misuse = (captures::misuse(&closure.params(), &closure.block(), &captures, &owned)
        .into_iter())
    .chain(nonlinear)
    .chain(reclaim_errors.finish().err())
    .reduce(|mut a, b| {
        a.combine(b);
        a
    });

    let side = |keep: Side| -> Vec<Stmt> {
        rule.forward
            .iter()
            .filter(|s| {
                s.side == Side::Both
                    || s.side == keep
                    || (keep == Side::Rrule && s.side == Side::Entry(rule.direction))
            })
            .map(|s| s.stmt.clone())
            .collect()
    };
    Analysis {
        misuse,
        reclaims,
        carriers,
        captures,
        patterns,
        selections,
        pullback_for: for_enabled,
        primal: specialise::dead_lets(side(Side::Primal), Some(&rule.value)),
        forward: side(Side::Rrule),
        errors: errors.finish().err(),
    }
}

/// The parameters whose lifetimes the pullback may carry (see [`Analysis::carriers`]): the
/// captured ones, and those named in the initialiser of a captured `let` that calls a rule's
/// entry (`g::rrule(..)`, `Self::m_rrule(..)`), followed through such `let`s.
///
/// The second kind is a guess (the callee's pullback type is not visible here), made only for
/// borrowed non-array parameters (`labels: &[usize]`, `p: &Params`), which callees' pullbacks
/// usually keep; an array view passed on (`svd::rrule(a)` keeps factors, not `a`) is not
/// assumed kept, so `pinv::rrule(temporary.view())` stays valid. A view a callee's pullback
/// does keep needs its lifetime named (`x: ArrayView1<'a, f64>`).
fn carriers(rule: &Rule, captures: &[String]) -> Vec<String> {
    let params: Vec<String> = (rule.inputs.iter())
        .flat_map(|i| syntax::pat_names(&i.pat))
        .collect();
    // Parameters whose type is not an array's (or a view's).
    let guessable: Vec<String> = (rule.sig.inputs.iter())
        .filter_map(|a| match a {
            syn::FnArg::Typed(pt) => {
                let ty = quote::ToTokens::to_token_stream(&pt.ty);
                let arrayish = idents_in(ty).iter().any(|i| {
                    i.starts_with("Array") || i.starts_with("ArcArray") || i.starts_with("CowArray")
                });
                (!arrayish).then(|| syntax::pat_names(&pt.pat))
            }
            syn::FnArg::Receiver(_) => Some(vec!["self".to_owned()]),
        })
        .flatten()
        .collect();
    let mut carriers: Vec<String> = (captures.iter())
        .filter(|c| params.contains(c) || c.as_str() == "self")
        .cloned()
        .collect();
    // Names (captured or reached from captures) whose values may hold another rule's pullback.
    let mut reached: Vec<String> = captures.to_vec();
    loop {
        let before = reached.len() + carriers.len();
        for s in rule.forward.iter().rev() {
            let Stmt::Local(l) = &s.stmt else { continue };
            let Some(init) = &l.init else { continue };
            if !syntax::pat_names(&l.pat)
                .iter()
                .any(|n| reached.contains(n))
            {
                continue;
            }
            let idents = idents_in(quote::ToTokens::to_token_stream(&init.expr));
            if !idents.iter().any(|i| i == "rrule" || i.ends_with("_rrule")) {
                continue;
            }
            for i in idents {
                if guessable.contains(&i) && !carriers.contains(&i) {
                    carriers.push(i.clone());
                }
                if !reached.contains(&i) {
                    reached.push(i);
                }
            }
        }
        if reached.len() + carriers.len() == before {
            return carriers;
        }
    }
}

/// Every identifier in `tokens`, groups included.
fn idents_in(tokens: proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => out.extend(idents_in(g.stream())),
            _ => {}
        }
    }
    out
}

/// A selection whose own specialisation was blocked: the full pattern's body, with the skipped
/// results taken out as `Skip` (it computes them, but returns the same as the dense body).
fn fall_back(full: &Pattern, skipped: &[bool], rt: &Path) -> Pattern {
    let wanted = (skipped.iter().enumerate())
        .filter(|(_, s)| !**s)
        .fold(0, |w, (j, _)| w | 1 << j);
    let body = match &full.body {
        PatternBody::Runs(b) => {
            let t = syntax::ident("__all", proc_macro2::Span::mixed_site());
            let elems: Vec<syn::Expr> = (0..skipped.len())
                .map(|j| {
                    if skipped[j] {
                        syn::parse_quote!(#rt::Skip)
                    } else if skipped.len() == 1 {
                        syn::parse_quote!(#t)
                    } else {
                        let idx = syn::Index::from(j);
                        syn::parse_quote!(#t.#idx)
                    }
                })
                .collect();
            let tail: syn::Expr = match elems.as_slice() {
                [one] => one.clone(),
                _ => syn::parse_quote!((#(#elems),*)),
            };
            PatternBody::Runs(syn::parse_quote!({ let #t = #b; #tail }))
        }
        PatternBody::Nothing => PatternBody::Nothing,
        PatternBody::Blocked => PatternBody::Blocked,
    };
    Pattern {
        mask: full.mask,
        wanted,
        body,
        zero_inputs: (full.zero_inputs.iter().zip(skipped))
            .map(|(z, s)| *z && !s)
            .collect(),
        skipped: skipped.to_vec(),
    }
}

/// `(du, Zero, dvt)`: a pattern written out.
pub(crate) fn label(names: &[String], mask: u64) -> String {
    let parts: Vec<&str> = names
        .iter()
        .enumerate()
        .map(|(i, n)| if mask & (1 << i) != 0 { "Zero" } else { n })
        .collect();
    match parts.as_slice() {
        [one] => (*one).to_owned(),
        _ => format!("({})", parts.join(", ")),
    }
}

/// Records the error of `b` unless its statement was reported already (for an earlier pattern).
fn report(
    errors: &mut Ctxt,
    reported: &mut Vec<String>,
    b: &Blocked,
    names: &[String],
    mask: u64,
    dir: Direction,
) {
    let key = b.at.to_string();
    if !reported.contains(&key) {
        reported.push(key);
        errors.push(syn::Error::new_spanned(&b.at, message(b, names, mask, dir)));
    }
}

/// The error for a statement that could not be specialised in pattern `mask`.
fn message(b: &Blocked, names: &[String], mask: u64, dir: Direction) -> String {
    let words = Words {
        noun: dir.noun(),
        closure: dir.closure(),
    };
    let zero: Vec<String> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| b.zero & (1 << i) != 0)
        .map(|(_, n)| format!("`{n}`"))
        .collect();
    let with = if zero.is_empty() {
        String::new()
    } else {
        format!(" with {} zero", zero.join(", "))
    };
    format!(
        "#[{}] cannot specialise this statement for the pattern {}: it {}{with}, and it cannot tell what the statement computes then. {}",
        dir.attr(),
        label(names, mask),
        b.reason.what(words),
        b.reason.advice(words),
    )
}
