//! The rustdoc of `rrule`: every pattern and the body it compiles to, written as a function a
//! reader could have typed, with the runtime alias stripped before formatting.

use quote::{format_ident, quote};
use syn::visit_mut::{self, VisitMut};

use super::{Gen, pullback};
use crate::analyse::{self, PatternBody};

/// `rrule`'s documentation.
pub(super) fn rrule_doc(g: &Gen<'_>) -> String {
    let name = &g.rule.sig.ident;
    let patterns = &g.analysis.patterns;
    let (word, noun, tr) = (
        g.rule.direction.closure(),
        g.rule.direction.noun(),
        &g.names.tr,
    );
    let names: Vec<String> = g
        .rule
        .closure
        .cotangents
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let total = g.rule.closure.stmts.len() + usize::from(g.rule.closure.tail.is_some());
    let mut s = format!(
        "Runs `{name}` and returns its value with a {word} object that implements `{tr}` for each of the {} patterns below and for the runtime `MaybeZero` pattern.\n\n\
         # Patterns\n\n\
         Each pattern below is a separately compiled body: the declared {word} with the statements that only feed zero terms removed. \
         Mask bit `i` is set when {noun} `i` is `Zero`.\n\n",
        patterns.len()
    );
    for p in patterns {
        let label = analyse::label(&names, p.mask);
        let note = match &p.body {
            PatternBody::Runs(b) => format!(
                "Keeps {} of the {total} statements of the declared body.",
                b.stmts.len()
            ),
            PatternBody::Nothing => {
                "Runs nothing: every result is `Zero` (`NoTangent` stays).".to_owned()
            }
            PatternBody::Blocked => {
                "Not specialised: a statement of the body cannot be decided for this pattern (see the compile error).".to_owned()
            }
        };
        s.push_str(&format!("## `{label}` (mask {})\n\n{note}\n\n", p.mask));
        if let PatternBody::Runs(_) | PatternBody::Nothing = &p.body {
            let text = render(g, p);
            s.push_str(&format!("```text\n{text}```\n\n"));
        }
    }
    s
}

/// Pattern `p` as `fn pattern_MASK(params) -> Out { body }`, formatted by prettyplease, with the
/// runtime alias (`__rt::`) stripped from every path.
fn render(g: &Gen<'_>, p: &analyse::Pattern) -> String {
    let name = format_ident!("pattern_{}", p.mask);
    let params = g.params(p);
    let out = g.out_ty(p);
    let body = pullback::body(g, p);
    let Ok(mut f) = syn::parse2::<syn::File>(quote!(fn #name(#(#params),*) -> #out #body)) else {
        return quote!(#body).to_string();
    };
    StripAlias(g.rt.segments[0].ident.to_string()).visit_file_mut(&mut f);
    prettyplease::unparse(&f)
}

/// Removes a leading `alias::` from every path.
struct StripAlias(String);

impl VisitMut for StripAlias {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.segments.len() > 1 && path.segments[0].ident == self.0 {
            let rest: Vec<syn::PathSegment> = path.segments.iter().skip(1).cloned().collect();
            path.segments = rest.into_iter().collect();
            path.leading_colon = None;
        }
        visit_mut::visit_path_mut(self, path);
    }
}
