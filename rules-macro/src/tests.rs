//! Tests of the whole expansion on `proc_macro2` token streams: snapshots of the generated code,
//! and robustness against malformed input (the macro must never panic). The analysis has its own
//! unit tests on syntax trees (`analyse/specialise/tests.rs`).
//!
//! Snapshots: `tests/expand/FEATURE/NAME.rs` holds rules marked `#[rrule]`; the expansion,
//! formatted with `prettyplease`, must equal `NAME.expanded.rs` next to it. Run with
//! `UPDATE_SNAPSHOTS=1` to rewrite them after an intended change, and review the diff.

use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::model::Direction;

fn expand_rrule(args: TokenStream, item: TokenStream) -> TokenStream {
    crate::rrule::rule(args, item, Direction::Reverse)
}

fn expand_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("expand")
}

/// The rules of `rules-core` whose expansion is reviewed too: the SVD rule's `(Zero, dS, Zero)`
/// pattern must read as `U·diag(s̄)` then `·Vt`.
const CORE_RULES: &[(&str, &str)] = &[
    ("../rules-core/src/linalg/svd/mod.rs", "core/linalg_svd"),
    ("../rules-core/src/linalg/qr.rs", "core/linalg_qr"),
];

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

/// Every `tests/expand/FEATURE/NAME.rs`.
fn inputs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(expand_dir())
        .expect("tests/expand exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .flat_map(|dir| {
            std::fs::read_dir(dir)
                .expect("a feature folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
        })
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
                out.extend(expand_rrule(args, f.into_token_stream()));
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
            // Rule declarations only: the helper functions beside them would only fail.
            if let syn::Item::Fn(mut f) = item {
                if f.attrs.iter().any(|a| a.path().is_ident("rrule")) {
                    f.attrs.retain(|a| !a.path().is_ident("rrule"));
                    seeds.push(f.into_token_stream());
                }
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
        quote!(derive),
        quote!(derive, crate = ::rules_core),
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
        let result = std::panic::catch_unwind(|| expand_rrule(args, ts));
        match result {
            Ok(out) => {
                if !out.to_string().contains("compile_error") {
                    expanded_ok += 1;
                }
            }
            Err(_) => panic!("the expansion panicked on round {round} for input:\n{text}"),
        }
    }
    // The mutations must leave some inputs valid, or the test only exercises the error path. The
    // count is deterministic (seeded) but moves whenever a seed file changes (26 and 30 of 3000
    // seen), so the bound only asks for a clear handful.
    assert!(
        expanded_ok >= 10,
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
        "pub fn f<T>(x: T) -> (Vec<T>, T) { ((vec![], x), |dy: T, dz: f64| -> T { dy }) }",
        "pub fn f<T>(x: T) -> (T, T, T) { ((x, x, x), |a: T, b: T, c: T| -> T { a }) }",
        "fn f(x: f64) -> Result<f64, E> { (x, |dy: f64| -> f64 { dy }) }",
        "impl S { fn f(&self) {} }",
        "fn f(x: f64) -> (f64, f64, f64, f64, f64, f64, f64) { ((x,x,x,x,x,x,x), |a: f64, b: f64, c: f64, d: f64, e: f64, f: f64, g: f64| -> f64 { a }) }",
    ];
    for (s, args) in samples
        .iter()
        .flat_map(|s| [(s, quote!()), (s, quote!(derive))])
    {
        let ts: TokenStream = s.parse().expect("sample tokenizes");
        let r = std::panic::catch_unwind(|| expand_rrule(args, ts));
        assert!(r.is_ok(), "panicked on {s:?}");
        let out = r.unwrap_or_default().to_string();
        assert!(
            out.contains("compile_error"),
            "{s:?} should be rejected, got {out}"
        );
    }
}
