//! Tests of the expansion on `proc_macro2` token streams: snapshots of the generated code, and
//! robustness against malformed input (the macro must never panic).
//!
//! Snapshots: each `tests/expand/NAME.rs` holds rules marked `#[rrule]`; the expansion, formatted
//! with `prettyplease`, must equal `tests/expand/NAME.expanded.rs`. Run with
//! `UPDATE_SNAPSHOTS=1` to rewrite them after an intended change, and review the diff.

use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::expand;

fn expand_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("expand")
}

/// The rules of `rules-core` whose expansion is reviewed too: the SVD rule's `(Zero, dS, Zero)`
/// pattern must read as `U·diag(s̄)` then `·Vt`.
const CORE_RULES: &[(&str, &str)] = &[("../rules-core/src/linalg/svd.rs", "linalg_svd")];

/// Each input and the path of its snapshot.
fn cases() -> Vec<(PathBuf, PathBuf)> {
    let mut v: Vec<(PathBuf, PathBuf)> = inputs()
        .into_iter()
        .map(|p| (p.clone(), p.with_extension("expanded.rs")))
        .collect();
    for (src, name) in CORE_RULES {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(src);
        v.push((src, expand_dir().join(format!("{name}.expanded.rs"))));
    }
    v
}

fn inputs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(expand_dir())
        .expect("tests/expand exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && !p.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    v.sort();
    v
}

/// Expands every `#[rrule]` item of a source file; other items are kept as they are.
fn expand_file(src: &str) -> String {
    let file: syn::File = syn::parse_str(src).expect("snapshot input parses");
    let mut out = TokenStream::new();
    for item in file.items {
        match item {
            syn::Item::Fn(mut f) if f.attrs.iter().any(|a| a.path().is_ident("rrule")) => {
                let pos = f
                    .attrs
                    .iter()
                    .position(|a| a.path().is_ident("rrule"))
                    .unwrap_or(0);
                let attr = f.attrs.remove(pos);
                let args = match attr.meta {
                    syn::Meta::List(l) => l.tokens,
                    _ => TokenStream::new(),
                };
                out.extend(expand::rrule(args, f.into_token_stream()));
            }
            other => out.extend(other.into_token_stream()),
        }
    }
    let file: syn::File = syn::parse2(out).expect("the expansion parses as a file");
    prettyplease::unparse(&file)
}

#[test]
fn expansion_snapshots() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() > CORE_RULES.len(), "no snapshot inputs found");
    for (input, expected_path) in all {
        let src = std::fs::read_to_string(&input).expect("read input");
        let got = expand_file(&src);
        if update {
            std::fs::write(&expected_path, &got).expect("write snapshot");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == got => {}
            Ok(expected) => {
                let line = expected
                    .lines()
                    .zip(got.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| expected.lines().count().min(got.lines().count()));
                failures.push(format!(
                    "{}: expansion differs from the snapshot at line {}:\n  expected: {:?}\n  got:      {:?}",
                    input.display(),
                    line + 1,
                    expected.lines().nth(line),
                    got.lines().nth(line)
                ));
            }
            Err(_) => failures.push(format!(
                "{}: no snapshot; run with UPDATE_SNAPSHOTS=1",
                input.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(review, then rerun with UPDATE_SNAPSHOTS=1 if intended)",
        failures.join("\n")
    );
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One random edit somewhere in the token tree: delete, duplicate, swap, replace, or empty a group.
fn mutate(ts: TokenStream, rng: &mut Rng, pool: &[TokenTree]) -> TokenStream {
    let mut tts: Vec<TokenTree> = ts.into_iter().collect();
    if tts.is_empty() {
        return pool
            .get(rng.below(pool.len()))
            .cloned()
            .into_iter()
            .collect();
    }
    let i = rng.below(tts.len());
    // Descend into a group half of the time.
    if let TokenTree::Group(g) = &tts[i] {
        if rng.below(2) == 0 {
            let mut ng = Group::new(g.delimiter(), mutate(g.stream(), rng, pool));
            ng.set_span(g.span());
            tts[i] = TokenTree::Group(ng);
            return tts.into_iter().collect();
        }
    }
    match rng.below(6) {
        0 => {
            tts.remove(i);
        }
        1 => {
            let t = tts[i].clone();
            tts.insert(i, t);
        }
        2 if tts.len() > 1 => {
            let j = rng.below(tts.len());
            tts.swap(i, j);
        }
        3 if !pool.is_empty() => tts[i] = pool[rng.below(pool.len())].clone(),
        4 => tts[i] = TokenTree::Group(Group::new(Delimiter::Parenthesis, TokenStream::new())),
        _ => tts.truncate(i),
    }
    tts.into_iter().collect()
}

fn flatten(ts: TokenStream, out: &mut Vec<TokenTree>) {
    for t in ts {
        if let TokenTree::Group(g) = &t {
            flatten(g.stream(), out);
        }
        out.push(t);
    }
}

/// Feeds thousands of mutated rule declarations to the expansion: it may reject them, but it must
/// never panic.
#[test]
fn mutated_rules_never_panic() {
    let mut seeds: Vec<TokenStream> = Vec::new();
    for (input, _) in cases() {
        let src = std::fs::read_to_string(&input).expect("read input");
        let file: syn::File = syn::parse_str(&src).expect("parses");
        for item in file.items {
            if let syn::Item::Fn(mut f) = item {
                f.attrs.retain(|a| !a.path().is_ident("rrule"));
                seeds.push(f.into_token_stream());
            }
        }
    }
    assert!(!seeds.is_empty());
    let mut pool = Vec::new();
    for s in &seeds {
        flatten(s.clone(), &mut pool);
    }
    let arg_choices = [
        quote!(),
        quote!(crate = ::rules_core),
        quote!(crate),
        quote!(unknown),
        quote!(crate = 1),
        quote!(,,),
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut expanded_ok = 0usize;
    for round in 0..3000 {
        let seed = &seeds[round % seeds.len()];
        let mut ts = seed.clone();
        for _ in 0..=rng.below(2) {
            ts = mutate(ts, &mut rng, &pool);
        }
        let args = arg_choices[rng.below(arg_choices.len())].clone();
        let text = ts.to_string();
        let result = std::panic::catch_unwind(|| expand::rrule(args, ts));
        match result {
            Ok(out) => {
                if !out.to_string().contains("compile_error") {
                    expanded_ok += 1;
                }
            }
            Err(_) => panic!("the expansion panicked on round {round} for input:\n{text}"),
        }
    }
    // The mutations must leave some inputs valid, or the test only exercises the error path.
    assert!(
        expanded_ok > 30,
        "only {expanded_ok} mutated inputs expanded without error"
    );
}

/// Random token soup, including empty input and non-function items.
#[test]
fn arbitrary_tokens_never_panic() {
    let samples = [
        "",
        "struct S;",
        "fn f() {}",
        "fn f(x: f64) -> f64 { x }",
        "fn f(x: f64) -> f64 { (x, |dy: f64| -> f64 { dy }) ; }",
        "fn f(x: f64) -> f64 { (x, 1) }",
        "fn f(x: f64) -> f64 { (x, |dy| dy) }",
        "fn f(x: f64) -> () { ((), |dy: ()| -> f64 { 0.0 }) }",
        "fn f() -> f64 { (1.0, |dy: f64| -> () { () }) }",
        "pub fn f<T>(x: T) -> Vec<T> { (vec![], |dy: T| -> T { dy }) }",
        "fn f(x: f64) -> Result<f64, E> { (x, |dy: f64| -> f64 { dy }) }",
        "impl S { fn f(&self) {} }",
        "fn f(x: f64) -> (f64, f64, f64, f64, f64, f64, f64) { ((x,x,x,x,x,x,x), |a: f64, b: f64, c: f64, d: f64, e: f64, f: f64, g: f64| -> f64 { a }) }",
    ];
    for s in samples {
        let ts: TokenStream = s.parse().expect("sample tokenizes");
        let r = std::panic::catch_unwind(|| expand::rrule(TokenStream::new(), ts));
        assert!(r.is_ok(), "panicked on {s:?}");
        let out = r.unwrap_or_default().to_string();
        assert!(
            out.contains("compile_error"),
            "{s:?} should be rejected, got {out}"
        );
    }
}

/// The expansion of one rule, as text.
fn expand_rule(src: &str) -> String {
    let ts: TokenStream = src.parse().expect("test rule tokenizes");
    expand::rrule(TokenStream::new(), ts).to_string()
}

/// Bodies the specialisation cannot decide must be rejected, each with the reason; none may be
/// silently specialised into something the dense pullback fed zeros would not compute.
#[test]
fn undecidable_statements_are_rejected_not_guessed() {
    let wrap = |body: &str| {
        format!(
            "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) {{ let w = x.clone(); let k = 2.0; let flag = true; \
             ((x.clone(), x.clone()), move |dy: Array1<f64>, dz: Array1<f64>| -> Array1<f64> {{ {body} }}) }}"
        )
    };
    let cases = [
        // A size read from a cotangent, then used as a number.
        (
            "size",
            "let denom = dy.len() as f64 - 1.0; &dz * (2.0 / denom)",
            "depends on no cotangent",
        ),
        // A method that overwrites a value that is zero in the pattern with primal data.
        (
            "assign",
            "let mut g = &dy * 2.0; g.assign(&w); g *= &dz; g",
            "writes into a value that is zero",
        ),
        // An early return that depends on a cotangent.
        (
            "return",
            "if !flag { return &dy * k; } &dy * k + &dz * 2.0",
            "leave the closure early",
        ),
        // A write through a `&mut` alias.
        (
            "alias",
            "let mut g = x.to_owned(); let r = &mut g; overwrite(r, &dy); g + &dz",
            "may write into `g`",
        ),
        // A write made by a `let` initialiser.
        (
            "let-write",
            "let mut g = Array1::zeros(3); let _ = add_into(&mut g, &dy); let t = g + &dz; t",
            "may write into `g`",
        ),
        // Adding a primal constant into an accumulator that is zero in the pattern.
        (
            "count",
            "let mut c = dy.sum(); c += 1.0; &dz * c",
            "depends on no cotangent",
        ),
        // A call that takes a zero and a non-zero cotangent.
        ("mixed-call", "combine(&dy, &dz)", "combines cotangents"),
        // `+=` through an alias.
        (
            "alias-add",
            "let mut g = Array1::zeros(3); let r = &mut g; *r += &dy; concat(&g, &dz)",
            "combines cotangents",
        ),
        // A destructuring assignment.
        (
            "destructure",
            "let (a, b); (a, b) = (dy.to_owned(), x.to_owned()); concat(&a, &dz)",
            "may write into `a`",
        ),
        // A `let … else` that depends on a cotangent.
        (
            "let-else",
            "let Some(_) = first_nonzero(&dy) else { return Array1::zeros(3); }; &dz * 2.0",
            "let … else",
        ),
        // A write inside a term that is dropped as zero.
        (
            "dropped-write",
            "let mut buf = x.to_owned(); let t = &dy + &scale_into(&mut buf, &dz); t + &buf",
            "may write into `buf`",
        ),
        // A loop that overwrites, rather than accumulates, into a local.
        (
            "loop-assign",
            "let mut g = Array1::zeros(3); for (i, v) in dy.iter().enumerate() { g[i] = *v; } g + &dz",
            "may write into `g`",
        ),
        // A write into a capture with interior mutability.
        (
            "interior",
            "w.borrow_mut().assign(&dz); &dy + &w.borrow().to_owned()",
            "may write into `w`",
        ),
    ];
    for (name, body, reason) in cases {
        let out = expand_rule(&wrap(body));
        assert!(
            out.contains("compile_error"),
            "{name}: expected a rejection, got an expansion"
        );
        assert!(
            out.contains(reason),
            "{name}: the message should say {reason:?}:\n{out}"
        );
    }
}

#[test]
fn loops_that_only_accumulate_cotangent_terms_are_dropped_when_those_are_zero() {
    let src = "fn f(x: Array1<f64>) -> (Array1<f64>, f64) { ((x.clone(), 1.0), move |dy: Array1<f64>, dt: f64| -> Array1<f64> { \
               let mut dx = Array1::zeros(x.len()); for c in dy.exact_chunks(x.len()) { dx += &c; } dx + &(&x * dt) }) }";
    let out = expand_rule(src);
    assert!(!out.contains("compile_error"), "{out}");
    // The loop runs in the dense pattern and in (dy, Zero), not in (Zero, dt).
    assert_eq!(
        out.matches("for c in dy . exact_chunks").count(),
        2,
        "{out}"
    );
}

#[test]
fn elementwise_accumulation_loops_specialise() {
    let bodies = [
        ("index", "for i in 0..n { dx[i] += 2.0 * ds; }"),
        (
            "iter_mut",
            "for (d, xi) in dx.iter_mut().zip(x.iter()) { *d += 2.0 * xi * ds; }",
        ),
        (
            "zip_mut_with",
            "dx.zip_mut_with(&x, |d, xi| *d += 2.0 * xi * ds);",
        ),
        (
            "let-in-loop",
            "for _ in 0..2 { let t = &x * ds; dx += &t; }",
        ),
    ];
    for (name, lp) in bodies {
        let src = format!(
            "fn f(x: Array1<f64>) -> (f64, Array1<f64>) {{ let n = x.len(); let w = x.clone(); ((x.sum(), x.clone()), \
             move |ds: f64, dp: Array1<f64>| -> Array1<f64> {{ let mut dx = Array1::<f64>::zeros(n); dx += &(&dp * &w); {lp} dx }}) }}"
        );
        let out = expand_rule(&src);
        assert!(!out.contains("compile_error"), "{name}: {out}");
        // The loop runs in (ds, Zero) and not in (Zero, dp): read the pattern bodies from the
        // generated rustdoc.
        let body = |label: &str| {
            let start = out
                .find(label)
                .unwrap_or_else(|| panic!("{name}: no {label} in the docs"));
            let rest = &out[start..];
            rest[..rest.find("```").unwrap_or(rest.len())].to_owned()
        };
        assert!(
            !body("fn pattern_1(").contains("ds"),
            "{name}: {}",
            body("fn pattern_1(")
        );
        assert!(
            body("fn pattern_2(").contains("ds"),
            "{name}: {}",
            body("fn pattern_2(")
        );
    }
}

#[test]
fn lets_with_effects_are_kept_and_pass_zero_respects_inner_closures() {
    let src = "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) { ((x.clone(), x), move |p: Array1<f64>, q: Array1<f64>| -> Array1<f64> { \
               let mut g = x.clone(); let _n = normalise(&mut g); \
               #[pass_zero] let c = combine(&p, &q.mapv(|p| p + g[0])); c }) }";
    let out = expand_rule(src);
    assert!(!out.contains("compile_error"), "{out}");
    // In the pattern (Zero, q), the outer `p` becomes `Zero`, the closure's own `p` stays.
    assert!(
        out.contains("combine (:: rules_core :: __private :: Zero , & q . mapv (| p | p + g [0]))"),
        "{out}"
    );
    // `let _n = normalise(&mut g)` binds a name nothing reads but writes `g`: the three patterns
    // that run a body keep it (the all-zero one runs nothing).
    assert_eq!(out.matches("let _n = normalise (").count(), 3, "{out}");
    // A `let` whose initialiser calls a method that may write its receiver is kept too.
    let src = "fn f(x: Array1<f64>) -> (Array1<f64>, Array1<f64>) { ((x.clone(), x.clone()), move |p: Array1<f64>, q: Array1<f64>| -> Array1<f64> { \
               let mut stack = vec![x.clone(), x.clone()]; let top = stack.pop().unwrap(); \
               let a = &top * &q; let b = stack.iter().fold(p.clone(), |acc, v| acc + v); a + b }) }";
    let out = expand_rule(src);
    assert_eq!(
        out.matches("let top = stack . pop () . unwrap ()").count(),
        3,
        "{out}"
    );
}

#[test]
fn names_bound_inside_macros_are_not_captures() {
    // `s` is a forward local and also what `azip!` binds: only the outer uses are captures.
    let src = "fn f(x: Array1<f64>) -> Array1<f64> { let s = x.clone(); \
               (x, move |dy: Array1<f64>| -> Array1<f64> { let mut g = Array1::zeros(dy.len()); \
               azip!((g in &mut g, &s in &s, &d in &dy) *g = s * d); g }) }";
    let out = expand_rule(src);
    assert!(!out.contains("compile_error"), "{out}");
    assert!(
        out.contains("azip ! ((g in & mut g , & s in & s , & d in & dy) * g = s * d)"),
        "{out}"
    );
}
