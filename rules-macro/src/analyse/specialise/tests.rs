//! The engine on syntax trees: which statements each run keeps, which it rejects and why.

use proc_macro2::TokenStream;
use quote::ToTokens;

use super::{Blocked, Body, Fate, Reason, Spec, Specialised, specialise};
use crate::errors::Ctxt;
use crate::model::Rule;
use crate::parse;

fn rule(src: &str) -> Rule {
    let tokens: TokenStream = src.parse().expect("test rule tokenizes");
    let mut cx = Ctxt::default();
    let rule = parse::rule(&mut cx, tokens, crate::model::Direction::Reverse);
    assert!(cx.finish().is_ok(), "test rule does not parse: {src}");
    rule.into_iter().next().expect("test rule parses")
}

/// Runs the engine on `rule`'s pullback with the cotangents in `zero` zero and the results in
/// `wanted` wanted.
fn run(rule: &Rule, zero: u64, wanted: u64) -> Result<Specialised, Blocked> {
    let c = &rule.closure;
    let names = c.cotangent_names();
    let body = Body {
        inputs: &names,
        stmts: &c.stmts,
        tail: c.tail.as_ref(),
        results: c.input_cotangents.len(),
        brace: c.brace,
    };
    specialise(&body, Spec { zero, wanted }, &syn::parse_quote!(rt))
}

fn all(n: usize) -> u64 {
    (1 << n) - 1
}

/// The body kept for `zero`, every result wanted, as normalised token text.
fn kept(rule: &Rule, zero: u64) -> String {
    let wanted = all(rule.closure.input_cotangents.len());
    match run(rule, zero, wanted) {
        Ok(s) => s.body.to_token_stream().to_string(),
        Err(b) => panic!("pattern {zero} was rejected: {:?} at {}", b.reason, b.at),
    }
}

fn block(src: &str) -> String {
    syn::parse_str::<syn::Block>(src)
        .expect("expected block parses")
        .to_token_stream()
        .to_string()
}

/// The reason the first rejected pattern (in mask order) gives, if any.
fn rejection(rule: &Rule) -> Option<Reason> {
    let k = rule.closure.cotangents.len();
    let wanted = all(rule.closure.input_cotangents.len());
    (0..=all(k)).find_map(|z| run(rule, z, wanted).err().map(|b| b.reason))
}

const THREE: &str = "fn stats(a: Array2<f64>, b: Array2<f64>, flag: bool) -> (Array2<f64>, f64, Array2<f64>) {
    let p = a.dot(&b);
    ((p, a.sum(), &a * &a), move |dp: Array2<f64>, dt: f64, dsq: Array2<f64>| -> (Array2<f64>, Array2<f64>, NoTangent) {
        let scale = if flag { 2.0 } else { 1.0 };
        let da_p = dp.dot(&b.t()) * scale;
        let db = a.t().dot(&dp) * scale;
        let da_t = Array2::from_elem(a.raw_dim(), dt);
        let da_sq = &dsq * &a * 2.0;
        (da_p + da_t + da_sq, db, NoTangent)
    })
}";

#[test]
fn zero_terms_and_the_statements_that_only_feed_them_are_removed() {
    let r = rule(THREE);
    // (Zero, dt, Zero): one statement, `db` typed `Zero`, NoTangent kept.
    let s = run(&r, 0b101, all(3)).unwrap_or_else(|b| panic!("{:?}", b.reason));
    assert_eq!(
        s.body.to_token_stream().to_string(),
        block("{ let da_t = Array2::from_elem(a.raw_dim(), dt); (da_t, rt::Zero, NoTangent) }")
    );
    assert_eq!(s.results, [Fate::Computed, Fate::Zero, Fate::Computed]);
    // (dp, Zero, Zero): the sum keeps its first term; `scale` stays because `da_p` reads it.
    assert_eq!(
        kept(&r, 0b110),
        block(
            "{ let scale = if flag { 2.0 } else { 1.0 }; let da_p = dp.dot(&b.t()) * scale; \
             let db = a.t().dot(&dp) * scale; (da_p, db, NoTangent) }"
        )
    );
    // (Zero, Zero, dsq): a borrowed term standing alone is copied once, as the sum would have.
    assert_eq!(
        kept(&r, 0b011),
        block("{ let da_sq = &dsq * &a * 2.0; (da_sq, rt::Zero, NoTangent) }")
    );
    // Dense: the body as written.
    assert_eq!(
        kept(&r, 0),
        block(&{
            let c = &r.closure;
            c.block().to_token_stream().to_string()
        })
    );
}

#[test]
fn subtraction_of_a_lone_term_negates_it() {
    let r = rule("fn f(x: f64) -> (f64, f64) { ((x, x), move |a: f64, b: f64| -> f64 { a - b }) }");
    assert_eq!(kept(&r, 0b01), block("{ rt::Zero - (b) }"));
    assert_eq!(kept(&r, 0b10), block("{ a }"));
}

/// Bodies the engine cannot decide are rejected, each with its reason; none may be specialised
/// into something the dense body fed explicit zeros would not compute.
#[test]
fn undecidable_statements_are_rejected_with_their_reason() {
    let wrap = |body: &str| {
        format!(
            "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {{ let w = x.clone(); let k = 2.0; let flag = true; \
             ((x.clone(), x.clone()), move |dy: Array1<f64>, dz: Array1<f64>| -> Array1<f64> {{ {body} }}) }}"
        )
    };
    let lost = |t: &str| Reason::LostWrite(t.to_owned());
    let cases = [
        // A non-linear write into a zero-filled accumulator, made linear again later.
        (
            "affine-assign",
            "let mut g = Array1::<f64>::zeros(3); g.assign(&(&x + &dy)); g -= &x; g + &dz",
            Reason::ConstantPlusZero,
        ),
        // A zero-filled local read at an index that is an integer zero, then overwritten.
        (
            "index-zero",
            "let i = 0; let mut g = x.slice(s![i..]).to_owned(); g.assign(&dy); g + &dz",
            lost("g"),
        ),
        // A write through an iterator adaptor that hands out the receiver's elements.
        (
            "adaptor",
            "let mut g = x.clone(); copy_into(&mut g.iter_mut().map(|v| v), &dy); g + &dz",
            lost("g"),
        ),
        // A size read from a cotangent, then used as a number.
        (
            "size",
            "let denom = dy.len() as f64 - 1.0; &dz * (2.0 / denom)",
            Reason::ConstantPlusZero,
        ),
        // A method that overwrites a value that is zero in the pattern with primal data.
        (
            "assign",
            "let mut g = &dy * 2.0; g.assign(&w); g *= &dz; g",
            Reason::WriteIntoZero,
        ),
        // An early return that depends on a cotangent.
        (
            "return",
            "if !flag { return &dy * k; } &dy * k + &dz * 2.0",
            Reason::EarlyExit,
        ),
        // A write through a `&mut` alias.
        (
            "alias",
            "let mut g = x.to_owned(); let r = &mut g; overwrite(r, &dy); g + &dz",
            lost("g"),
        ),
        // A write made by a `let` initialiser.
        (
            "let-write",
            "let mut g = x.to_owned(); let _ = add_into(&mut g, &dy); let t = g + &dz; t",
            lost("g"),
        ),
        // Adding a primal constant into an accumulator that is zero in the pattern.
        (
            "count",
            "let mut c = dy.sum(); c += 1.0; &dz * c",
            Reason::ConstantIntoZero,
        ),
        // A call that takes a zero and a non-zero cotangent.
        ("mixed-call", "combine(&dy, &dz)", Reason::Mixed),
        // `+=` through an alias.
        (
            "alias-add",
            "let mut g = Array1::zeros(3); let r = &mut g; *r += &dy; concat(&g, &dz)",
            Reason::Mixed,
        ),
        // A destructuring assignment.
        (
            "destructure",
            "let (a, b); (a, b) = (dy.to_owned(), x.to_owned()); concat(&a, &dz)",
            lost("a"),
        ),
        // A `let … else` that depends on a cotangent.
        (
            "let-else",
            "let Some(_) = first_nonzero(&dy) else { return Array1::zeros(3); }; &dz * 2.0",
            Reason::LetElse,
        ),
        // A write inside a term that is dropped as zero.
        (
            "dropped-write",
            "let mut buf = x.to_owned(); let t = &dy + &scale_into(&mut buf, &dz); t + &buf",
            Reason::ZeroTermWrites("buf".to_owned()),
        ),
        // A loop that overwrites, rather than accumulates, into a local.
        (
            "loop-assign",
            "let mut g = x.to_owned(); for (i, v) in dy.iter().enumerate() { g[i] = *v; } g + &dz",
            lost("g"),
        ),
        // A write into a capture with interior mutability.
        (
            "interior",
            "w.borrow_mut().assign(&dz); &dy + &w.borrow().to_owned()",
            lost("w"),
        ),
        // `scaled_add` whose arguments mix a zero and a non-zero cotangent.
        (
            "scaled-add-mixed",
            "let mut g = x.to_owned(); g.scaled_add(dy.sum(), &dz); g",
            Reason::MixedScaledAdd,
        ),
        // `+=` into an element of a value that is zero.
        (
            "part-of-zero",
            "let mut g = dy.to_owned(); g[0] += dz[0]; g",
            Reason::AddIntoPartOfZero,
        ),
    ];
    for (name, body, reason) in cases {
        let r = rule(&wrap(body));
        assert_eq!(rejection(&r), Some(reason), "{name}");
    }
}

/// The same mistake gets the same error whatever the number of outputs: the all-`Zero` pattern
/// is analysed too, although it runs nothing.
#[test]
fn an_affine_term_is_rejected_in_every_pattern_count() {
    let one = rule(
        "fn f(x: Array1<f64>) -> Array1<f64> { let k = 2.0; (&x * k, move |dy: Array1<f64>| -> Array1<f64> { &dy * k + 1.0 }) }",
    );
    assert_eq!(rejection(&one), Some(Reason::ConstantPlusZero));
    let two = rule(
        "fn f(x: Array1<f64>, y: Array1<f64>) -> (Array1<f64>, Array1<f64>) { let k = 2.0; ((&x * k, y.clone()), move |dy: Array1<f64>, dz: Array1<f64>| -> (Array1<f64>, Array1<f64>) { (&dy * k + 1.0, dz) }) }",
    );
    assert_eq!(rejection(&two), Some(Reason::ConstantPlusZero));
}

/// An accumulator that starts from zeros and receives only zero terms is zero, not a constant:
/// adding zero terms to it is fine in every pattern, the all-`Zero` one included.
#[test]
fn zero_filled_accumulators_are_not_constants() {
    let r = rule(
        "fn tile(x: Array1<f64>, n: usize, k: f64) -> (Array1<f64>, f64) {
            ((x.clone(), 1.0), move |dy: Array1<f64>, dt: f64| -> (Array1<f64>, NoTangent, f64) {
                let len = x.len();
                let mut dx = Array1::zeros(len);
                for c in dy.exact_chunks(len) { dx += &c; }
                let dk_y = dx.dot(&x);
                let dx = dx * k;
                let dx_t = Array1::from_elem(len, dt * k);
                let dk_t = dt * x.sum();
                (dx + dx_t, NoTangent, dk_y + dk_t)
            })
        }",
    );
    assert_eq!(rejection(&r), None);
    // A write of zero terms into it is dropped: it still holds zeros (the body is linear in its
    // cotangents, so what is written there is zero too).
    for write in [
        "dx.slice_mut(s![..2]).fill(dy);",
        "let _ = add_into(&mut dx, dy);",
        "dx[0] = dy * 3.0;",
    ] {
        let r = rule(&format!(
            "fn head(x: Array1<f64>) -> (f64, f64) {{ ((x.sum(), 1.0), move |dy: f64, dt: f64| -> Array1<f64> {{ \
             let mut dx = Array1::zeros(x.len()); {write} dx + &(&x * dt) }}) }}"
        ));
        assert_eq!(rejection(&r), None, "{write}");
        assert_eq!(
            kept(&r, 0b01),
            block("{ let dx = Array1::zeros(x.len()); dx + &(&x * dt) }"),
            "{write}"
        );
    }
    // But a primal write into it makes it a constant again.
    let r = rule(
        "fn f(x: Array1<f64>) -> (Array1<f64>, f64) {
            ((x.clone(), 1.0), move |dy: Array1<f64>, dt: f64| -> Array1<f64> {
                let mut dx = Array1::zeros(x.len());
                dx.fill(1.0);
                dx += &dy;
                dx + &(&x * dt)
            })
        }",
    );
    assert_eq!(rejection(&r), Some(Reason::ConstantPlusZero));
    // So does a size read from it: that is a constant, not a zero.
    let r = rule(
        "fn f(x: Array1<f64>) -> (f64, f64) {
            ((x.sum(), 1.0), move |dy: f64, dt: f64| -> f64 {
                let dx = Array1::<f64>::zeros(x.len());
                let n = dx.len() as f64;
                n + dt * 2.0
            })
        }",
    );
    assert_eq!(rejection(&r), Some(Reason::ConstantPlusZero));
}

#[test]
fn accumulation_loops_are_dropped_when_their_terms_are_zero() {
    let loops = [
        (
            "chunks",
            "for c in dy_parts.exact_chunks(n) { dx += &(&c * ds); }",
        ),
        ("index", "for i in 0..n { dx[i] += 2.0 * ds; }"),
        (
            "iter_mut",
            "for (d, xi) in dx.iter_mut().zip(x.iter()) { *d += 2.0 * xi * ds; }",
        ),
        (
            "zip_mut_with",
            "dx.zip_mut_with(&x, |d, xi| *d += 2.0 * xi * ds);",
        ),
        ("for_each", "dx.iter_mut().for_each(|d| *d += ds);"),
        (
            "let-in-loop",
            "for _ in 0..2 { let t = &x * ds; dx += &t; }",
        ),
        (
            "if",
            "if n > 2 { dx += &(&x * ds); } else { dx -= &(&x * ds); }",
        ),
        ("scaled_add", "dx.scaled_add(ds, &x);"),
    ];
    for (name, lp) in loops {
        let r = rule(&format!(
            "fn f(x: Array1<f64>) -> (f64, Array1<f64>) {{ let n = x.len(); let dy_parts = x.clone(); ((x.sum(), x.clone()), \
             move |ds: f64, dp: Array1<f64>| -> Array1<f64> {{ let mut dx = Array1::<f64>::zeros(n); dx += &(&dp * &x); {lp} dx }}) }}"
        ));
        assert_eq!(rejection(&r), None, "{name}");
        // (Zero, dp): the loop is gone. (ds, Zero): it runs.
        assert!(!kept(&r, 0b01).contains("ds"), "{name}: {}", kept(&r, 0b01));
        assert!(kept(&r, 0b10).contains("ds"), "{name}: {}", kept(&r, 0b10));
    }
}

#[test]
fn an_accumulator_that_is_zero_starts_from_its_first_term() {
    let r = rule(
        "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) { ((x.clone(), x.clone()), \
         move |a: Array1<f64>, b: Array1<f64>| -> Array1<f64> { let mut g = &a * 2.0; g += &b; g -= &(&b * 3.0); g }) }",
    );
    assert_eq!(
        kept(&r, 0b01),
        block("{ let mut g = rt::owned(&b); g -= &(&b * 3.0); g }")
    );
    assert_eq!(kept(&r, 0b10), block("{ let g = &a * 2.0; g }"));
}

/// A method outside the read-only list is taken to write its receiver, but not when it is called
/// on a fresh value (`dy.dot(&x).norm_squared()` cannot write `dy`).
#[test]
fn methods_write_their_receiver_not_a_fresh_value() {
    let fresh = rule(
        "fn f(x: Array1<f64>) -> Array1<f64> { (x.clone(), move |dy: Array1<f64>| -> Array1<f64> { let n = dy.dot(&x).norm_squared(); &x * n }) }",
    );
    assert_eq!(rejection(&fresh), None);
    let receiver = rule(
        "fn f(x: Array1<f64>) -> Array1<f64> { (x.clone(), move |dy: Array1<f64>| -> Array1<f64> { let mut g = dy.to_owned(); g.normalise(); g }) }",
    );
    assert_eq!(rejection(&receiver), Some(Reason::WriteIntoZero));
    let view = rule(
        "fn f(x: Array1<f64>) -> Array1<f64> { (x.clone(), move |dy: Array1<f64>| -> Array1<f64> { let mut g = x.to_owned(); g.slice_mut(s![..1]).assign(&dy); g }) }",
    );
    assert_eq!(rejection(&view), Some(Reason::LostWrite("g".to_owned())));
}

/// What only a view or a `ref mut` binding reaches is never dropped as dead, and `mut` stays where
/// a pattern borrows mutably.
#[test]
fn writes_through_views_and_ref_bindings_are_kept() {
    let r = rule(
        "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) { let n = 2; ((x.clone(), x.clone()), move |dy: Array1<f64>, dz: Array1<f64>| -> Array1<f64> { \
         let mut dx = Array1::<f64>::zeros(n + n); let v = dx.view_mut(); let (mut top, mut bottom) = v.split_at(Axis(0), n); \
         top += &dy; bottom += &dz; dx }) }",
    );
    let dense = kept(&r, 0);
    assert!(
        dense.contains("top += & dy") && dense.contains("bottom += & dz"),
        "{dense}"
    );
    let r = rule(
        "fn f(x: Array1<f64>) -> Array1<f64> { (x.clone(), move |dy: Array1<f64>| -> Array1<f64> { \
         let mut opt = Some(dy.to_owned()); if let Some(ref mut v) = opt { v.mapv_inplace(|e| e * 2.0); } opt.unwrap() }) }",
    );
    assert!(kept(&r, 0).contains("let mut opt"), "{}", kept(&r, 0));
    // A tail in parentheses is still a tuple of results.
    let r = rule(
        "fn f(x: f64, y: f64) -> (f64, f64) { ((x, y), move |a: f64, b: f64| -> (f64, f64) { ((a * 2.0, b)) }) }",
    );
    assert_eq!(rejection(&r), None);
}

#[test]
fn lets_with_effects_are_kept() {
    let r = rule(
        "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) { ((x.clone(), x.clone()), move |p: Array1<f64>, q: Array1<f64>| -> Array1<f64> { \
         let mut g = x.clone(); let _n = normalise(&mut g); \
         let mut stack = vec![x.clone(), x.clone()]; let top = stack.pop().unwrap(); \
         let unused = p.sum(); \
         let a = &top * &q; let b = &g * &p; a + b }) }",
    );
    for zero in [0b01, 0b10] {
        let body = kept(&r, zero);
        // A `_` name kept for its effect, and a method that may write its receiver.
        assert!(body.contains("let _n = normalise"), "{body}");
        assert!(body.contains("let top = stack . pop ()"), "{body}");
        // A `let` nothing reads is removed.
        assert!(!body.contains("unused"), "{body}");
    }
}

#[test]
fn pass_zero_passes_zero_names_but_not_closure_parameters() {
    let r = rule(
        "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) { ((x.clone(), x), move |p: Array1<f64>, q: Array1<f64>| -> Array1<f64> { \
         #[pass_zero] let c = combine(&p, &q.mapv(|p| p + 1.0)); c }) }",
    );
    assert_eq!(
        kept(&r, 0b01),
        block("{ let c = combine(rt::Zero, &q.mapv(|p| p + 1.0)); c }")
    );
    // Without the marker the same statement is rejected.
    let r = rule(
        "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) { ((x.clone(), x), move |p: Array1<f64>, q: Array1<f64>| -> Array1<f64> { \
         let c = combine(&p, &q); c }) }",
    );
    assert_eq!(rejection(&r), Some(Reason::Mixed));
}

/// What simplifying leaves is tidied: `let c = c;` and `mut` nothing mutates any more are gone.
#[test]
fn specialised_bodies_have_no_self_rebinds_or_needless_mut() {
    let r = rule(
        "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) { ((x.clone(), x.clone()), move |p: Array1<f64>, q: Array1<f64>| -> Array1<f64> { \
         let c = p.dot(&x); let c = c + q.sum(); let mut out = &x * c; out += &q; out }) }",
    );
    assert_eq!(
        kept(&r, 0b10),
        block("{ let c = p.dot(&x); let out = &x * c; out }")
    );
}

/// Unwanted results are `Skip`, and everything only they needed is gone, accumulations included.
#[test]
fn unwanted_results_are_skipped_with_their_backward_slice() {
    let r = rule(
        "fn affine(x: Array2<f64>, w: Array2<f64>, b: Array1<f64>) -> Array2<f64> { (x.dot(&w), move |dy: Array2<f64>| -> (Array2<f64>, Array2<f64>, Array1<f64>) { \
         let dx = dy.dot(&w.t()); let mut dw = x.t().dot(&dy); dw *= 1.0; let db = dy.sum_axis(Axis(0)); (dx, dw, db) }) }",
    );
    let s = run(&r, 0, 0b001).unwrap_or_else(|b| panic!("{:?}", b.reason));
    assert_eq!(
        s.body.to_token_stream().to_string(),
        block("{ let dx = dy.dot(&w.t()); (dx, rt::Skip, rt::Skip) }")
    );
    assert_eq!(s.results, [Fate::Computed, Fate::Skipped, Fate::Skipped]);
    // Zero and unwanted together: nothing runs.
    let s = run(&r, 1, 0b010).unwrap_or_else(|b| panic!("{:?}", b.reason));
    assert_eq!(
        s.body.to_token_stream().to_string(),
        block("{ (rt::Skip, rt::Zero, rt::Skip) }")
    );
    // A tail computed as a whole: the wanted elements are taken out of it.
    let r = rule(
        "fn f(x: f64, y: f64) -> f64 { (x * y, move |d: f64| -> (f64, f64) { let r = (d * y, d * x); r }) }",
    );
    let s = run(&r, 0, 0b10).unwrap_or_else(|b| panic!("{:?}", b.reason));
    assert_eq!(s.results, [Fate::Skipped, Fate::Computed]);
    assert!(s.body.to_token_stream().to_string().contains(". 1"));
}
