//! The reverse walk: from the calls the forward makes, the pullback that calls their pullbacks
//! in reverse order, each asked only for the cotangents of arguments that lead to an input, and
//! with `Zero` for an output nothing downstream reads. A loop's calls run in reverse over its
//! tape, carrying the cotangents of the values it carries and summing those of the values from
//! before it. What it writes is a declared rule's closure body, which the specialiser then
//! treats like any other.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Ident, Path};

use super::loops::Loop;
use super::walk::{Item, Program, Step};
use crate::analyse::PULLBACK_FOR_LIMIT;
use crate::syntax;

/// The pullback's body, and the names of its parameters (one per output).
pub(super) struct Reverse {
    pub(super) params: Vec<String>,
    pub(super) stmts: Vec<TokenStream>,
    /// Per input, the expression of its cotangent (`None`: it does not reach the outputs).
    pub(super) inputs: Vec<Option<TokenStream>>,
}

/// Contributions to one value's cotangent, in the order the reverse body produces them.
#[derive(Default, Clone)]
struct Terms {
    count: usize,
    names: Vec<String>,
}

/// Which steps and values lead to an output, found backwards: a value does if an output is it
/// or a step that does reads it; a step does if one of its outputs does. A loop does if a value
/// it carries does after it, and then all of its steps do.
pub(super) fn liveness(p: &Program) -> (Vec<bool>, Vec<bool>) {
    let mut live_var = vec![false; p.vars.len()];
    for v in p.outputs.iter().flatten() {
        live_var[*v] = true;
    }
    let mut live = vec![false; p.steps.len()];
    mark(p, &p.items, &mut live, &mut live_var);
    (live, live_var)
}

fn mark(p: &Program, items: &[Item], live: &mut [bool], live_var: &mut [bool]) {
    for item in items.iter().rev() {
        match item {
            Item::Step(i) => {
                let s = &p.steps[*i];
                if s.outputs.iter().flatten().any(|v| live_var[*v]) {
                    live[*i] = true;
                    for v in s.flows.iter().flatten() {
                        live_var[*v] = true;
                    }
                }
            }
            Item::Loop(l) => {
                if l.carried.iter().any(|c| live_var[c.after]) {
                    for c in &l.carried {
                        for v in [c.before, c.start, c.end, c.after] {
                            live_var[v] = true;
                        }
                    }
                    mark_all(p, &l.items, live, live_var);
                }
            }
            Item::Stmt(_) | Item::Keep(_) => {}
        }
    }
}

/// Every step of a live loop's body runs: its outputs and what they read are live.
fn mark_all(p: &Program, items: &[Item], live: &mut [bool], live_var: &mut [bool]) {
    for item in items {
        if let Item::Step(i) = item {
            live[*i] = true;
            let s = &p.steps[*i];
            for v in s.outputs.iter().flatten().chain(s.flows.iter().flatten()) {
                live_var[*v] = true;
            }
        }
    }
}

/// Whether loop `l` runs in the pullback.
pub(super) fn loop_live(l: &Loop, live: &[bool]) -> bool {
    l.items
        .iter()
        .any(|i| matches!(i, Item::Step(s) if live[*s]))
}

struct Rev<'a> {
    p: &'a Program,
    names: super::names::Names,
    /// Each value's cotangent name, given when first needed.
    dname: Vec<Option<String>>,
    /// In a loop: the accumulator of each value from before it.
    accs: Vec<(usize, Ident)>,
    krate: &'a Path,
    live: Vec<bool>,
    live_var: Vec<bool>,
    terms: Vec<Terms>,
    stmts: Vec<TokenStream>,
}

fn id(name: &str) -> Ident {
    syntax::ident(name, Span::call_site())
}

impl Rev<'_> {
    /// `dv` for value `v`: its cotangent's name (the whole, or the stem of its terms' names).
    fn d(&mut self, v: usize) -> String {
        if let Some(n) = &self.dname[v] {
            return n.clone();
        }
        let n = self.names.fresh(&format!("d{}", self.p.vars[v].display));
        self.dname[v] = Some(n.clone());
        n
    }

    /// Counts the terms each value's cotangent gets. In a loop, a value from before it gets one
    /// (the loop's sum), and so does a carried value before the loop and at an iteration's end.
    fn count(&mut self, items: &[Item], outer: &[usize]) {
        for item in items {
            match item {
                Item::Step(i) if self.live[*i] => {
                    for v in self.p.steps[*i].flows.iter().flatten() {
                        if !outer.contains(v) {
                            self.terms[*v].count += 1;
                        }
                    }
                }
                Item::Loop(l) if loop_live(l, &self.live) => {
                    for c in &l.carried {
                        self.terms[c.before].count += 1;
                        self.terms[c.end].count += 1;
                    }
                    for v in &l.outer {
                        self.terms[*v].count += 1;
                    }
                    self.count(&l.items, &l.outer);
                }
                _ => {}
            }
        }
    }

    /// The name of the next term of `v`'s cotangent.
    fn next_term(&mut self, v: usize) -> String {
        let base = self.d(v);
        let name = if self.terms[v].count == 1 {
            base
        } else {
            self.names.fresh(&format!("{base}_t"))
        };
        self.terms[v].names.push(name.clone());
        name
    }

    /// `t1 + t2 + ..`: the sum of terms.
    fn sum(names: &[String]) -> TokenStream {
        let ids: Vec<Ident> = names.iter().map(|n| id(n)).collect();
        quote!(#(#ids)+*)
    }

    /// Binds `v`'s whole cotangent to its name (`dv`) if it has several terms.
    fn total(&mut self, v: usize) -> Option<Ident> {
        if !self.live_var[v] || self.terms[v].names.is_empty() {
            return None;
        }
        let name = id(&self.d(v));
        if self.terms[v].names.len() > 1 {
            let total = Self::sum(&self.terms[v].names);
            self.stmts.push(quote!(let #name = #total;));
        }
        Some(name)
    }

    fn items(&mut self, items: &[Item], outer: &[usize]) {
        for item in items.iter().rev() {
            match item {
                Item::Step(i) if self.live[*i] => self.step(&self.p.steps[*i], outer),
                Item::Loop(l) if loop_live(l, &self.live) => self.reverse_loop(l),
                _ => {}
            }
        }
    }

    /// One callee's pullback: `let (da, db) = pb.pullback_for((Need, Skip), dy);`. Terms of
    /// values from before the enclosing loop (`outer`) are added to the loop's accumulators.
    fn step(&mut self, s: &Step, outer: &[usize]) {
        let krate = self.krate;
        let mut cots = Vec::new();
        for o in &s.outputs {
            match o.and_then(|v| self.total(v)) {
                Some(name) => cots.push(quote!(#name)),
                None => cots.push(quote!(#krate::Zero)),
            }
        }
        let cot = if s.tuple {
            quote!((#(#cots),*))
        } else {
            quote!(#(#cots)*)
        };
        let (n, k) = (s.args.len(), s.outputs.len());
        let mut pats = Vec::new();
        let mut sel = Vec::new();
        let mut accumulate = Vec::new();
        for (slot, f) in s.flows.iter().enumerate() {
            match f {
                Some(v) if outer.contains(v) => {
                    let stem = self.d(*v);
                    let term = id(&self.names.fresh(&format!("{stem}_i{slot}")));
                    let acc = (self.accs.iter())
                        .find(|(a, _)| a == v)
                        .map(|(_, i)| i.clone())
                        .unwrap_or_else(|| id(&stem));
                    pats.push(quote!(#term));
                    sel.push(quote!(#krate::Need));
                    accumulate.push(quote!(#acc += &#term;));
                }
                Some(v) => {
                    let name = id(&self.next_term(*v));
                    pats.push(quote!(#name));
                    sel.push(quote!(#krate::Need));
                }
                None => {
                    pats.push(quote!(_));
                    sel.push(quote!(#krate::Skip));
                }
            }
        }
        let pb = id(&s.pullback);
        let pat = if n == 1 {
            quote!(#(#pats)*)
        } else {
            quote!((#(#pats),*))
        };
        let call = if n > 1 && n + k <= PULLBACK_FOR_LIMIT {
            quote!(#pb.pullback_for((#(#sel),*), #cot))
        } else {
            quote!(#pb.pullback(#cot))
        };
        let marker = (k > 1).then(|| quote!(#[pass_zero]));
        self.stmts.push(quote!(#marker let #pat = #call;));
        self.stmts.extend(accumulate);
    }

    /// A loop: its body's pullbacks over its tape in reverse, the carried cotangents passed
    /// from each iteration to the one before, the others summed into accumulators.
    fn reverse_loop(&mut self, l: &Loop) {
        let krate = self.krate;
        let mut carries = Vec::new();
        for (c, z) in l.carried.iter().zip(&l.carried_zeros) {
            let carry = id(&self.names.fresh(&format!("d{}_carry", c.name)));
            match self.total(c.after) {
                Some(t) => self.stmts.push(quote!(let mut #carry = #t;)),
                // Nothing after the loop reads this value: its cotangent starts at zero.
                None => {
                    let z = id(z);
                    self.stmts
                        .push(quote!(let mut #carry = #krate::derive::zeros_like(&#z);));
                }
            }
            carries.push(carry);
        }
        let saved_accs = std::mem::take(&mut self.accs);
        for (v, (zero, _)) in l.outer.iter().zip(&l.outer_zeros) {
            let stem = self.d(*v);
            let acc = id(&self.names.fresh(&format!("{stem}_acc")));
            let zero = id(zero);
            self.stmts
                .push(quote!(let mut #acc = #krate::derive::zeros_like(&#zero);));
            self.accs.push((*v, acc));
        }
        let outer_stmts = std::mem::take(&mut self.stmts);
        // The body: the end values' cotangents are the carries.
        for (c, carry) in l.carried.iter().zip(&carries) {
            let t = id(&self.next_term(c.end));
            self.stmts.push(quote!(let #t = #carry;));
        }
        self.items(&l.items, &l.outer);
        for ((c, carry), z) in l.carried.iter().zip(&carries).zip(&l.carried_zeros) {
            match self.total(c.start) {
                Some(t) => self.stmts.push(quote!(#carry = #t;)),
                None => {
                    let z = id(z);
                    self.stmts
                        .push(quote!(#carry = #krate::derive::zeros_like(&#z);));
                }
            }
        }
        let body = std::mem::replace(&mut self.stmts, outer_stmts);
        let pbs: Vec<Ident> = (l.items.iter())
            .filter_map(|i| match i {
                Item::Step(s) => Some(id(&self.p.steps[*s].pullback)),
                _ => None,
            })
            .collect();
        let tape = id(&l.tape);
        self.stmts.push(quote! {
            for &(#(#pbs,)*) in #tape.iter().rev() {
                #(#body)*
            }
        });
        for (c, carry) in l.carried.iter().zip(&carries) {
            let t = id(&self.next_term(c.before));
            self.stmts.push(quote!(let #t = #carry;));
        }
        for (v, acc) in std::mem::replace(&mut self.accs, saved_accs) {
            let t = id(&self.next_term(v));
            self.stmts.push(quote!(let #t = #acc;));
        }
    }
}

pub(super) fn derive(p: &Program, n_inputs: usize, krate: &Path) -> Reverse {
    let (live, live_var) = liveness(p);
    let mut r = Rev {
        p,
        names: p.names.clone(),
        dname: vec![None; p.vars.len()],
        accs: Vec::new(),
        krate,
        live,
        live_var,
        terms: vec![Terms::default(); p.vars.len()],
        stmts: Vec::new(),
    };
    for v in p.outputs.iter().flatten() {
        r.terms[*v].count += 1;
    }
    r.count(&p.items, &[]);
    // The seeds: the pullback's parameters.
    let mut params = Vec::new();
    for (i, o) in p.outputs.iter().enumerate() {
        params.push(match o {
            Some(v) => r.next_term(*v),
            None => r.names.fresh(&format!("_d{i}")),
        });
    }
    r.items(&p.items, &[]);
    let mut inputs = vec![None; n_inputs];
    for (v, var) in p.vars.iter().enumerate() {
        if let Some(i) = var.input {
            if !r.terms[v].names.is_empty() {
                inputs[i] = Some(Rev::sum(&r.terms[v].names));
            }
        }
    }
    Reverse {
        params,
        stmts: r.stmts,
        inputs,
    }
}
