//! The cotangent type of a parameter or an output, read from its declared type: what the derived
//! closure declares, as a declared rule's author would write it.

use quote::quote;
use syn::{GenericArgument, Path, PathArguments, Type};

/// What a value of a declared type gets as its cotangent.
pub(super) enum Tangent {
    /// A differentiable value, with its cotangent type.
    Of(Box<Type>),
    /// An integer, a flag, an index list: `NoTangent`.
    None,
}

/// The integer, flag and index types whose cotangent is `NoTangent`.
const NOT_DIFFERENTIABLE: &[&str] = &[
    "usize", "isize", "u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "i128", "bool",
    "char", "str", "String", "Axis",
];

/// The cotangent of `ty`: an array view or shared array gets the owned array of its element and
/// dimension, a scalar itself, an integer or flag `NoTangent`, anything else its
/// `Differentiable::Tangent`. `params` are the function's type parameters (taken to be scalars
/// when they stand alone).
pub(super) fn of(ty: &Type, params: &[String], krate: &Path) -> Tangent {
    match ty {
        Type::Reference(r) => of(&r.elem, params, krate),
        Type::Paren(p) => of(&p.elem, params, krate),
        Type::Group(g) => of(&g.elem, params, krate),
        Type::Slice(s) => match of(&s.elem, params, krate) {
            Tangent::None => Tangent::None,
            Tangent::Of(_) => differentiable(ty, krate),
        },
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return differentiable(ty, krate);
            };
            let name = last.ident.to_string();
            if NOT_DIFFERENTIABLE.contains(&name.as_str()) {
                return Tangent::None;
            }
            if name == "f32" || name == "f64" || name == "Complex" || params.contains(&name) {
                return Tangent::Of(Box::new(ty.clone()));
            }
            match array(&name, &last.arguments, krate) {
                Some(t) => Tangent::Of(Box::new(t)),
                None => differentiable(ty, krate),
            }
        }
        _ => differentiable(ty, krate),
    }
}

/// `<ty as Differentiable>::Tangent`, lifetimes kept (a borrowed struct's tangent is owned).
fn differentiable(ty: &Type, krate: &Path) -> Tangent {
    let inner = match ty {
        Type::Reference(r) => &*r.elem,
        other => other,
    };
    Tangent::Of(Box::new(
        syn::parse_quote!(<#inner as #krate::Differentiable>::Tangent),
    ))
}

/// The owned array for an ndarray array type (`ArrayView2<'a, T>`, `ArcArray<T, D>`,
/// `Array1<T>`), or `None` for another type.
fn array(name: &str, args: &PathArguments, krate: &Path) -> Option<Type> {
    let nd = quote!(#krate::__private::ndarray);
    let types: Vec<&Type> = match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let base = ["ArrayView", "ArcArray", "CowArray", "Array"]
        .into_iter()
        .find(|b| name.starts_with(b))?;
    let rest = &name[base.len()..];
    match (rest, types.as_slice()) {
        ("", [t, d]) => Some(syn::parse_quote!(#nd::Array<#t, #d>)),
        ("D", [t]) => Some(syn::parse_quote!(#nd::ArrayD<#t>)),
        (n, [t]) if n.len() == 1 && n.as_bytes()[0].is_ascii_digit() => {
            let owned = syn::Ident::new(&format!("Array{n}"), proc_macro2::Span::call_site());
            Some(syn::parse_quote!(#nd::#owned<#t>))
        }
        _ => None,
    }
}
