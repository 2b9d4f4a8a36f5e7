//! Names for what the derive stage generates (temporaries, pullbacks, cotangents, tapes, the
//! arena), each distinct from every identifier of the user's function and from every other
//! generated one: a generated `let` can then never shadow a user's binding, nor a user's binding
//! a generated one (which would, for the arena, free what the pullback still reads).

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};

/// The identifiers taken so far.
#[derive(Clone, Default)]
pub(super) struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    /// Every identifier in `tokens` (macro arguments included) is taken.
    pub(super) fn of(tokens: TokenStream) -> Names {
        let mut taken = BTreeSet::new();
        collect(tokens, &mut taken);
        Names { taken }
    }

    /// `base` if no one uses it, else `base_2`, `base_3`, ..; taken from then on.
    pub(super) fn fresh(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 1;
        while self.taken.contains(&name) {
            n += 1;
            name = format!("{base}_{n}");
        }
        self.taken.insert(name.clone());
        name
    }
}

fn collect(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                out.insert(s.strip_prefix("r#").map(str::to_owned).unwrap_or(s));
            }
            TokenTree::Group(g) => collect(g.stream(), out),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}
