//! Elided lifetimes of captured inputs. The pullback returned by `rrule` captures only the
//! lifetimes it names (`+ use<..>`), so a pullback that keeps `idx: &[usize]` or
//! `x: ArrayView1<'_, f64>` needs that lifetime named. It is named, as `'__l0`, `'__l1`, .., if
//! and only if the parameter that carries it is captured by the pullback itself: then
//! `svd::rrule(tmp.view())`, whose pullback captures `u, s, vt` and not `a`, still does not
//! borrow `tmp`.

use syn::visit_mut::{self, VisitMut};
use syn::{FnArg, GenericParam, Lifetime, LifetimeParam, Signature, Type};

use crate::syntax;

/// `sig` with every elided lifetime (`&T`, `&mut T`, `'_`) of the parameters in `captured` named,
/// and the names it introduced (already added to the signature's generics).
pub(super) fn name_captured_elided(
    sig: &Signature,
    captured: &[String],
) -> (Signature, Vec<Lifetime>) {
    let mut sig = sig.clone();
    let mut namer = Namer {
        fresh: Vec::new(),
        fixed: None,
    };
    for arg in &mut sig.inputs {
        if let FnArg::Receiver(r) = arg {
            if captured.iter().any(|c| c == "self") {
                if let Some((_, lifetime @ None)) = &mut r.reference {
                    let l = namer.next();
                    *lifetime = Some(l.clone());
                    if let Type::Reference(t) = &mut *r.ty {
                        t.lifetime = Some(l);
                    }
                }
            }
            continue;
        }
        let FnArg::Typed(pt) = arg else { continue };
        let carried = syntax::pat_names(&pt.pat)
            .iter()
            .any(|n| captured.contains(n));
        if carried {
            namer.visit_type_mut(&mut pt.ty);
        }
    }
    for l in &namer.fresh {
        sig.generics
            .params
            .insert(0, GenericParam::Lifetime(LifetimeParam::new(l.clone())));
    }
    (sig, namer.fresh)
}

/// Names the elided lifetimes of a type, fresh ones (`'__l0`, ..) or all `fixed`, leaving alone
/// those of function pointers and `Fn` bounds, whose elision rules are their own.
pub(super) struct Namer {
    fresh: Vec<Lifetime>,
    fixed: Option<Lifetime>,
}

impl Namer {
    /// A namer that names every elided lifetime `l`.
    pub(super) fn fixed(l: &Lifetime) -> Self {
        Namer {
            fresh: Vec::new(),
            fixed: Some(l.clone()),
        }
    }

    fn next(&mut self) -> Lifetime {
        if let Some(l) = &self.fixed {
            return l.clone();
        }
        let name = format!("'__l{}", self.fresh.len());
        let l = Lifetime::new(&name, proc_macro2::Span::call_site());
        self.fresh.push(l.clone());
        l
    }
}

impl VisitMut for Namer {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.next());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }

    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.next();
        }
    }

    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}

    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        _: &mut syn::ParenthesizedGenericArguments,
    ) {
    }

    fn visit_type_mut(&mut self, t: &mut Type) {
        // `impl Trait` parameters are rejected when parsing; nothing to name inside a macro.
        if !matches!(t, Type::Macro(_)) {
            visit_mut::visit_type_mut(self, t);
        }
    }
}
