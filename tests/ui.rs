//! Misuse of `#[rrule]` is a compile error at the offending tokens: one file per mistake under
//! `ui/`, with the expected compiler output next to it. Files under `ui/pass/` must compile.
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite` after an intended change.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    t.pass("ui/pass/*.rs");
}
