//! `#[derive(Differentiable)]`: structural tangents. For a struct `Name` it generates
//! `NameTangent` (one field per field not marked `#[no_tangent]`, with that field's tangent type
//! and visibility), `impl Differentiable for Name`, the tangent's `Clone`, `Debug`, `PartialEq`,
//! its arithmetic with itself and with `Zero` (`+`, `-`, `+=`, negation, accumulation), and what
//! the testing kit needs to flatten both.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Index, Member, Type};

/// The whole derive: the generated items, or the errors.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    match syn::parse2::<DeriveInput>(input).and_then(|i| expand(&i)) {
        Ok(ts) => ts,
        Err(e) => e.to_compile_error(),
    }
}

/// A field of the struct and what the tangent does with it.
struct Field {
    member: Member,
    vis: syn::Visibility,
    ty: Type,
    /// `#[no_tangent]`: left out of the tangent.
    skip: bool,
    /// The field's doc comments, repeated on its tangent.
    docs: Vec<syn::Attribute>,
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let fields = match &input.data {
        Data::Struct(s) => &s.fields,
        Data::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span,
                "`Differentiable` can be derived for structs only: an enum's tangent would depend on the variant. Implement `Differentiable` by hand, or differentiate a struct per variant",
            ));
        }
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span,
                "`Differentiable` can be derived for structs only, not for unions",
            ));
        }
    };
    let mut errors: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    let named = matches!(fields, Fields::Named(_));
    let mut list = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let mut skip = false;
        for a in &f.attrs {
            if a.path().is_ident("no_tangent") {
                if let Err(e) = a.meta.require_path_only() {
                    push(syn::Error::new(
                        e.span(),
                        "`#[no_tangent]` takes no arguments",
                    ));
                }
                skip = true;
            }
        }
        let member = match &f.ident {
            Some(id) => Member::Named(id.clone()),
            None => Member::Unnamed(Index::from(i)),
        };
        list.push(Field {
            member,
            vis: f.vis.clone(),
            ty: f.ty.clone(),
            skip,
            docs: f
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect(),
        });
    }
    if let Fields::Unit = fields {
        push(syn::Error::new(
            input.ident.span(),
            "`Differentiable` needs fields to differentiate: a unit struct has none (its tangent would be `NoTangent`)",
        ));
    }
    if let Some(e) = errors {
        return Err(e);
    }
    Ok(generate(input, &list, named))
}

/// What every generated item reads: the names, the generics and bounds, the tangent's fields.
struct Plan<'a> {
    krate: TokenStream,
    input: &'a DeriveInput,
    fields: &'a [Field],
    /// Named fields (`struct S { a }`) or a tuple struct.
    named: bool,
    tangent: Ident,
    impl_g: TokenStream,
    ty_g: TokenStream,
    /// The user's bounds and one `Differentiable` bound per field type.
    where_all: TokenStream,
    /// The tangent type of each differentiated field.
    tan_tys: Vec<TokenStream>,
    /// The tangent's members, and the same fields in the primal struct.
    members: Vec<Member>,
    primal_members: Vec<Member>,
    own_lifetimes: Vec<syn::LifetimeParam>,
    own_others: Vec<syn::GenericParam>,
    /// `PhantomData` of the type parameters and lifetimes no tangent field mentions, if any.
    marker_ty: Option<TokenStream>,
    allows: TokenStream,
}

/// The derive's items, one step each: the tangent struct, the standard impls, the tangent
/// algebra, the testing kit's and the tape's impls.
fn generate(input: &DeriveInput, fields: &[Field], named: bool) -> TokenStream {
    let p = Plan::new(input, fields, named);
    let items = [
        tangent_struct(&p),
        core_impls(&p),
        algebra_impls(&p),
        kit_impls(&p),
        tape_impls(&p),
    ];
    quote!(#(#items)*)
}

/// The tangent type of a field.
fn tan_ty(f: &Field) -> TokenStream {
    let ty = &f.ty;
    quote_spanned!(ty.span()=> <#ty as ::rules_core::Differentiable>::Tangent)
}

impl<'a> Plan<'a> {
    fn new(input: &'a DeriveInput, fields: &'a [Field], named: bool) -> Self {
        let krate = quote!(::rules_core);
        let name = &input.ident;
        let tangent = format_ident!("{}Tangent", name, span = name.span());
        let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
        let user_where: Vec<&syn::WherePredicate> =
            where_c.iter().flat_map(|w| w.predicates.iter()).collect();
        let diff: Vec<&Field> = fields.iter().filter(|f| !f.skip).collect();
        // The impls ask for every field type to be `Differentiable`, quantified over a lifetime so
        // that a field type which is not makes them unusable rather than each an error: the one
        // error is then the tangent struct's field, at the user's field type. (A plain bound on a
        // generic field type would also keep rustc from normalising its tangent type.)
        let params: Vec<String> = input
            .generics
            .type_params()
            .map(|t| t.ident.to_string())
            .collect();
        let generic = |ty: &Type| {
            crate::syntax::referenced(ty)
                .iter()
                .any(|n| params.contains(n))
        };
        let field_bounds: Vec<TokenStream> = diff
            .iter()
            .filter(|f| !generic(&f.ty))
            .map(|f| {
                let ty = &f.ty;
                quote!(for<'__d> #ty: #krate::Differentiable)
            })
            .collect();
        let tan_tys: Vec<TokenStream> = diff.iter().map(|f| tan_ty(f)).collect();
        // The tangent's members: the field names, or for a tuple struct the positions among the
        // differentiated fields (`struct P(#[no_tangent] String, Array1<f64>)` → `PTangent(..).0`).
        let members: Vec<Member> = (diff.iter().enumerate())
            .map(|(i, f)| match &f.member {
                Member::Named(id) => Member::Named(id.clone()),
                Member::Unnamed(_) => Member::Unnamed(Index::from(i)),
            })
            .collect();
        // The same fields in the primal struct.
        let primal_members: Vec<&Member> = diff.iter().map(|f| &f.member).collect();
        let where_all = quote!(where #(#user_where,)* #(#field_bounds,)*);
        // The generics of the impls that add a lifetime and a type of their own.
        // Defaults (`struct S<T = f64>`) are not allowed there: they are dropped.
        let own_lifetimes: Vec<_> = input.generics.lifetimes().collect();
        let own_others: Vec<syn::GenericParam> = (input.generics.params.iter())
            .filter(|p| !matches!(p, syn::GenericParam::Lifetime(_)))
            .map(|p| {
                let mut p = p.clone();
                match &mut p {
                    syn::GenericParam::Type(t) => {
                        t.eq_token = None;
                        t.default = None;
                    }
                    syn::GenericParam::Const(c) => {
                        c.eq_token = None;
                        c.default = None;
                    }
                    syn::GenericParam::Lifetime(_) => {}
                }
                p
            })
            .collect();

        // The tangent struct (with a marker for type parameters no tangent field mentions).
        let used: std::collections::BTreeSet<String> =
            crate::syntax::referenced(&quote!(#(#tan_tys)*))
                .into_iter()
                .collect();
        let used_lifetimes = quote!(#(#tan_tys)*).to_string();
        let unused: Vec<&Ident> = input
            .generics
            .type_params()
            .map(|t| &t.ident)
            .filter(|t| !used.contains(&t.to_string()))
            .collect();
        // Lifetimes only the fields left out use (`#[no_tangent] labels: &'a [usize]`).
        let unused_lifetimes: Vec<&syn::Lifetime> = input
            .generics
            .lifetimes()
            .map(|l| &l.lifetime)
            .filter(|l| !used_lifetimes.contains(&l.to_string()))
            .collect();
        let marker_ty =
            quote!(::core::marker::PhantomData<fn() -> (#(#unused,)* #(&#unused_lifetimes (),)*)>);
        let has_marker = !unused.is_empty() || !unused_lifetimes.is_empty();
        Plan {
            krate,
            input,
            fields,
            named,
            tangent,
            impl_g: quote!(#impl_g),
            ty_g: quote!(#ty_g),
            where_all,
            tan_tys,
            members,
            primal_members: primal_members.into_iter().cloned().collect(),
            own_lifetimes: own_lifetimes.into_iter().cloned().collect(),
            own_others,
            marker_ty: has_marker.then_some(marker_ty),
            allows: quote!(#[allow(clippy::all, clippy::pedantic, clippy::nursery, unused_qualifications, non_camel_case_types)]),
        }
    }

    /// The differentiated fields.
    fn diff(&self) -> Vec<&'a Field> {
        self.fields.iter().filter(|f| !f.skip).collect()
    }

    /// `Tangent { a: f(a), .. }` built from one expression per differentiated field.
    fn build(&self, per_field: &dyn Fn(&Member) -> TokenStream) -> TokenStream {
        let (tangent, members, named) = (&self.tangent, &self.members, self.named);
        let has_marker = self.marker_ty.is_some();
        let inits = members.iter().map(|m| {
            let e = per_field(m);
            quote!(#m: #e)
        });
        let marker = if has_marker {
            let m = if named {
                quote!(__marker)
            } else {
                let i = Index::from(members.len());
                quote!(#i)
            };
            quote!(#m: ::core::marker::PhantomData,)
        } else {
            TokenStream::new()
        };
        quote!(#tangent { #(#inits,)* #marker })
    }
}

/// The tangent struct, with a marker field for the parameters its fields do not mention.
fn tangent_struct(p: &Plan<'_>) -> TokenStream {
    let (input, named, tangent, where_all, allows) =
        (p.input, p.named, &p.tangent, &p.where_all, &p.allows);
    let (name, vis) = (&input.ident, &input.vis);
    let diff = p.diff();
    let has_marker = p.marker_ty.is_some();
    let marker_ty = &p.marker_ty;
    let def_fields = diff.iter().map(|f| {
        let (v, t) = (&f.vis, tan_ty(f));
        let docs = if f.docs.is_empty() {
            let m = &f.member;
            let text = format!(" The tangent of `{}`.", quote!(#m));
            quote!(#[doc = #text])
        } else {
            let d = &f.docs;
            quote!(#(#d)*)
        };
        match &f.member {
            Member::Named(id) => quote!(#docs #v #id: #t),
            Member::Unnamed(_) => quote!(#docs #v #t),
        }
    });
    let marker_field = if has_marker {
        if named {
            quote!(#[doc(hidden)] pub __marker: #marker_ty,)
        } else {
            quote!(#[doc(hidden)] pub #marker_ty,)
        }
    } else {
        TokenStream::new()
    };
    let generic_params = &input.generics.params;
    let doc = format!(
        " The tangent (and cotangent) of [`{name}`]: one field per differentiated field, each with that field's tangent type. Generated by `#[derive(Differentiable)]`."
    );
    let def = if named {
        quote!(#vis struct #tangent<#generic_params> #where_all { #(#def_fields,)* #marker_field })
    } else {
        quote!(#vis struct #tangent<#generic_params> (#(#def_fields,)* #marker_field) #where_all;)
    };

    quote! {
        #[doc = #doc]
        #allows
        #def
    }
}

/// `Differentiable` for the struct; `Clone`, `Debug`, `PartialEq` for its tangent.
fn core_impls(p: &Plan<'_>) -> TokenStream {
    let (krate, named, tangent, where_all, allows) =
        (&p.krate, p.named, &p.tangent, &p.where_all, &p.allows);
    let (impl_g, ty_g, tan_tys, members, primal_members) = (
        &p.impl_g,
        &p.ty_g,
        &p.tan_tys,
        &p.members,
        &p.primal_members,
    );
    let name = &p.input.ident;
    let build = |f: &dyn Fn(&Member) -> TokenStream| p.build(f);
    let zero_tangent = {
        let primal_of = |m: &Member| -> Member {
            let i = members.iter().position(|x| x == m).unwrap_or(0);
            primal_members
                .get(i)
                .map_or_else(|| m.clone(), |p| (*p).clone())
        };
        build(&|m| {
            let p = primal_of(m);
            quote!(#krate::Differentiable::zero_tangent(&self.#p))
        })
    };
    let clone = build(&|m| quote!(::core::clone::Clone::clone(&self.#m)));
    let eq = if members.is_empty() {
        quote!(true)
    } else {
        quote!(#(self.#members == other.#members)&&*)
    };
    let debug_name = tangent.to_string();
    let debug = if named {
        let names = members.iter().map(|m| quote!(#m).to_string());
        quote!(f.debug_struct(#debug_name)#(.field(#names, &self.#members))*.finish())
    } else {
        quote!(f.debug_tuple(#debug_name)#(.field(&self.#members))*.finish())
    };

    quote! {
        #allows
        #[automatically_derived]
        impl #impl_g #krate::Differentiable for #name #ty_g #where_all {
            type Tangent = #tangent #ty_g;
            fn zero_tangent(&self) -> Self::Tangent {
                #zero_tangent
            }
        }

        #allows
        #[automatically_derived]
        impl #impl_g ::core::clone::Clone for #tangent #ty_g #where_all #(#tan_tys: ::core::clone::Clone,)* {
            fn clone(&self) -> Self {
                #clone
            }
        }

        #allows
        #[automatically_derived]
        impl #impl_g ::core::fmt::Debug for #tangent #ty_g #where_all #(#tan_tys: ::core::fmt::Debug,)* {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #debug
            }
        }

        #allows
        #[automatically_derived]
        impl #impl_g ::core::cmp::PartialEq for #tangent #ty_g #where_all #(#tan_tys: ::core::cmp::PartialEq,)* {
            fn eq(&self, other: &Self) -> bool {
                #eq
            }
        }
    }
}

/// The tangent algebra: `+`, `-`, unary `-`, `+=`, `Accumulate`, and the same with `Zero`.
fn algebra_impls(p: &Plan<'_>) -> TokenStream {
    let (krate, tangent, where_all, allows) = (&p.krate, &p.tangent, &p.where_all, &p.allows);
    let (impl_g, ty_g, tan_tys, members) = (&p.impl_g, &p.ty_g, &p.tan_tys, &p.members);
    let build = |f: &dyn Fn(&Member) -> TokenStream| p.build(f);
    let binop = |op: TokenStream| build(&|m| quote!(self.#m #op rhs.#m));
    let add = binop(quote!(+));
    let sub = binop(quote!(-));
    let neg = build(&|m| quote!(-self.#m));
    let acc = build(&|m| quote!(#krate::accumulate(self.#m, rhs.#m)));
    quote! {
        #allows
        impl #impl_g ::core::ops::Add for #tangent #ty_g #where_all #(#tan_tys: ::core::ops::Add<Output = #tan_tys>,)* {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                #add
            }
        }

        #allows
        impl #impl_g ::core::ops::Sub for #tangent #ty_g #where_all #(#tan_tys: ::core::ops::Sub<Output = #tan_tys>,)* {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                #sub
            }
        }

        #allows
        impl #impl_g ::core::ops::Neg for #tangent #ty_g #where_all #(#tan_tys: ::core::ops::Neg<Output = #tan_tys>,)* {
            type Output = Self;
            fn neg(self) -> Self {
                #neg
            }
        }

        #allows
        impl #impl_g ::core::ops::AddAssign<&Self> for #tangent #ty_g #where_all #(#tan_tys: for<'__r> ::core::ops::AddAssign<&'__r #tan_tys>,)* {
            fn add_assign(&mut self, rhs: &Self) {
                #(self.#members += &rhs.#members;)*
            }
        }

        #allows
        impl #impl_g ::core::ops::AddAssign for #tangent #ty_g #where_all #(#tan_tys: for<'__r> ::core::ops::AddAssign<&'__r #tan_tys>,)* {
            fn add_assign(&mut self, rhs: Self) {
                *self += &rhs;
            }
        }

        #allows
        impl #impl_g #krate::Accumulate<#tangent #ty_g> for #tangent #ty_g #where_all #(#tan_tys: #krate::Accumulate<#tan_tys, Output = #tan_tys>,)* {
            type Output = Self;
            fn accumulate(self, rhs: Self) -> Self {
                #acc
            }
        }

        #allows
        impl #impl_g #krate::Accumulate<#krate::Zero> for #tangent #ty_g #where_all {
            type Output = Self;
            fn accumulate(self, _: #krate::Zero) -> Self {
                self
            }
        }

        #allows
        impl #impl_g #krate::Accumulate<#tangent #ty_g> for #krate::Zero #where_all {
            type Output = #tangent #ty_g;
            fn accumulate(self, rhs: #tangent #ty_g) -> #tangent #ty_g {
                rhs
            }
        }

        #allows
        impl #impl_g ::core::ops::Add<#krate::Zero> for #tangent #ty_g #where_all {
            type Output = Self;
            fn add(self, _: #krate::Zero) -> Self {
                self
            }
        }

        #allows
        impl #impl_g ::core::ops::Add<#tangent #ty_g> for #krate::Zero #where_all {
            type Output = #tangent #ty_g;
            fn add(self, rhs: #tangent #ty_g) -> #tangent #ty_g {
                rhs
            }
        }

        #allows
        impl #impl_g ::core::ops::Sub<#krate::Zero> for #tangent #ty_g #where_all {
            type Output = Self;
            fn sub(self, _: #krate::Zero) -> Self {
                self
            }
        }

        #allows
        impl #impl_g ::core::ops::AddAssign<#krate::Zero> for #tangent #ty_g #where_all {
            fn add_assign(&mut self, _: #krate::Zero) {}
        }

        #allows
        impl #impl_g ::core::ops::SubAssign<#krate::Zero> for #tangent #ty_g #where_all {
            fn sub_assign(&mut self, _: #krate::Zero) {}
        }

        #allows
        impl #impl_g ::core::ops::Sub<#tangent #ty_g> for #krate::Zero #where_all #(#tan_tys: ::core::ops::Neg<Output = #tan_tys>,)* {
            type Output = #tangent #ty_g;
            fn sub(self, rhs: #tangent #ty_g) -> #tangent #ty_g {
                -rhs
            }
        }

        #allows
        impl #impl_g ::core::convert::From<#tangent #ty_g> for #krate::MaybeZero<#tangent #ty_g> #where_all {
            fn from(t: #tangent #ty_g) -> Self {
                #krate::MaybeZero::Value(t)
            }
        }

    }
}

/// The testing kit: the primal flattens its differentiated fields, the tangent all of its.
fn kit_impls(p: &Plan<'_>) -> TokenStream {
    let (krate, tangent, where_all, allows, fields) =
        (&p.krate, &p.tangent, &p.where_all, &p.allows, p.fields);
    let (impl_g, ty_g, tan_tys, members, primal_members) = (
        &p.impl_g,
        &p.ty_g,
        &p.tan_tys,
        &p.members,
        &p.primal_members,
    );
    let name = &p.input.ident;
    let diff = p.diff();
    let build = |f: &dyn Fn(&Member) -> TokenStream| p.build(f);
    let testing = quote!(#krate::testing);
    let primal_rebuild = fields.iter().map(|f| {
        let m = &f.member;
        if f.skip {
            quote!(#m: ::core::clone::Clone::clone(&self.#m))
        } else {
            quote!(#m: #testing::rebuild_field(&self.#m, __values, &mut __at))
        }
    });
    let skipped_clone = fields.iter().filter(|f| f.skip).map(|f| {
        let ty = &f.ty;
        quote!(#ty: ::core::clone::Clone)
    });
    let skipped_clone: Vec<TokenStream> = skipped_clone.collect();
    let diff_tys: Vec<&Type> = diff.iter().map(|f| &f.ty).collect();
    let tangent_rebuild =
        build(&|m| quote!(#testing::rebuild_field(&self.#m, __values, &mut __at)));
    quote! {
        #allows
        impl #impl_g #testing::Tangent for #name #ty_g #where_all #(#diff_tys: #testing::Tangent,)* #(#skipped_clone,)* {
            fn parts(&self) -> ::std::vec::Vec<#testing::Part> {
                #testing::merge_parts(::std::vec![#(#testing::Tangent::parts(&self.#primal_members)),*])
            }
            fn rebuild(&self, parts: &[::std::vec::Vec<f64>]) -> Self {
                let __values = parts.first().map_or(&[][..], ::std::vec::Vec::as_slice);
                let mut __at = 0usize;
                #name { #(#primal_rebuild,)* }
            }
        }
        #allows
        impl #impl_g #testing::Tangent for #tangent #ty_g #where_all #(#tan_tys: #testing::Tangent,)* {
            fn parts(&self) -> ::std::vec::Vec<#testing::Part> {
                #testing::merge_parts(::std::vec![#(#testing::Tangent::parts(&self.#members)),*])
            }
            fn rebuild(&self, parts: &[::std::vec::Vec<f64>]) -> Self {
                let __values = parts.first().map_or(&[][..], ::std::vec::Vec::as_slice);
                let mut __at = 0usize;
                #tangent_rebuild
            }
        }
    }
}

/// The tape: the struct is an input, and a constant argument of any rule.
fn tape_impls(p: &Plan<'_>) -> TokenStream {
    let (krate, where_all, allows) = (&p.krate, &p.where_all, &p.allows);
    let (impl_g, ty_g, own_lifetimes, own_others) =
        (&p.impl_g, &p.ty_g, &p.own_lifetimes, &p.own_others);
    let name = &p.input.ident;
    quote! {

        #allows
        impl #impl_g #krate::tape::Input for #name #ty_g #where_all Self: 'static {}

        #allows
        impl<'__t, #(#own_lifetimes,)* __Ct, #(#own_others,)*> #krate::tape::Arg<'__t, &'__t #name #ty_g, __Ct> for &'__t #name #ty_g #where_all #name #ty_g: '__t {
            fn lend(self, _: &'__t #krate::tape::Tape<'__t, '_>, _: &'static str) -> #krate::tape::Lent<'__t, &'__t #name #ty_g> {
                #krate::tape::Lent::constant(self)
            }
        }

        #allows
        impl<'__s, '__t, #(#own_lifetimes,)* __Ct, #(#own_others,)*> #krate::tape::ArgRef<'__s, '__t, &'__s #name #ty_g, __Ct> for &#name #ty_g #where_all #name #ty_g: '__s {
            fn lend_ref(&'__s self, _: &'__t #krate::tape::Tape<'__t, '_>, _: &'static str) -> #krate::tape::Lent<'__t, &'__s #name #ty_g> {
                #krate::tape::Lent::constant(*self)
            }
        }

    }
}
