//! The SDK's methods on progenitor's request builders, generated next to progenitor's own.
//!
//! progenitor gives each operation a builder with `send()`, and for Dropshot's paging convention
//! also `stream()`. Amperity pages with `data` plus `next_token`, which progenitor does not know,
//! so this step reads progenitor's output back with syn and adds, inside its `builder` module:
//!
//! - to every builder, `call()`: `send()` within the client's overall timeout, with the SDK's
//!   error type;
//! - to every builder whose response is a page (a struct with `data: Vec<T>` and `next_token`)
//!   and that takes a `next_token`, `page()`, `pages()` and `stream()`, by implementing the two
//!   traits of `crates/amperity/src/pagination` for the builder's request and its page type.
//!
//! It works from the generated code's shape, never from operation names: adding a list
//! operation to the spec and regenerating is all it takes. The methods have to live in the
//! `builder` module because a walk needs the builder's private fields (its filters) to send the
//! same request again for each page.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Names progenitor must not already use on a builder, since the SDK adds methods by them.
const ADDED_METHODS: [&str; 4] = ["call", "page", "pages", "stream"];

/// A struct's fields, in order.
type Fields = Vec<(Ident, syn::Type)>;

/// Adds the SDK's builder methods to progenitor's generated client.
pub fn add(file: &mut syn::File) -> Result<()> {
    let types = structs_of(module(file, "types")?);
    let builder = module_mut(file, "builder")?;
    let items = builder
        .content
        .as_ref()
        .map(|(_, i)| i.as_slice())
        .unwrap_or_default();
    let builders = structs_of(items);
    let sends = send_signatures(builder);
    let mut added = Vec::new();
    for (name, send) in &sends {
        let fields = builders
            .get(name)
            .with_context(|| format!("progenitor's builder `{name}` has no struct"))?;
        if let Some(taken) = ADDED_METHODS
            .iter()
            .find(|m| send.methods.iter().any(|n| n == *m))
        {
            bail!(
                "progenitor's builder `{name}` already has a method `{taken}`, which the SDK adds"
            );
        }
        added.push(call_method(name, send));
        if let Some(page) = page_shape(&send.ok, &types)
            && fields.iter().any(|(field, _)| field == "next_token")
        {
            added.push(list_methods(name, fields, &send.ok, &page));
        }
    }
    let content = &mut builder.content.as_mut().expect("checked by module_mut").1;
    for tokens in added {
        let item: syn::File =
            syn::parse2(tokens).context("generated builder methods do not parse")?;
        content.extend(item.items);
    }
    Ok(())
}

/// What a builder's `send()` says about the operation.
struct Send {
    /// The success body type, as `types::X`.
    ok: syn::Type,
    /// The names of every method of the builder.
    methods: Vec<String>,
}

/// What makes a response type a page: `data: Vec<item>`, `next_token`, and what else it has.
struct PageShape {
    item: syn::Type,
    has_total: bool,
    has_extra: bool,
}

fn call_method(name: &Ident, send: &Send) -> TokenStream {
    let ok = &send.ok;
    let doc = format!(
        " Sends the request the way the SDK's own calls do: within the client's overall timeout, \
         with errors as [`crate::Error`] (status, message and request id). [`{name}::send`] is \
         progenitor's: the same request hooks, its own error type."
    );
    quote! {
        impl<'a> #name<'a> {
            #[doc = #doc]
            pub async fn call(self) -> Result<ResponseValue<#ok>, crate::Error> {
                let state = self.client.inner.clone();
                crate::call::call(&state, self.send()).await
            }
        }
    }
}

fn list_methods(
    name: &Ident,
    fields: &Fields,
    page_type: &syn::Type,
    page: &PageShape,
) -> TokenStream {
    let walk = format_ident!("{name}Walk");
    let (filters, filter_types): (Vec<&Ident>, Vec<&syn::Type>) = fields
        .iter()
        .filter(|(field, _)| field != "client" && field != "next_token")
        .map(|(field, ty)| (field, ty))
        .unzip();
    let item = &page.item;
    let total = if page.has_total {
        quote!(crate::pagination::IntoTotal::into_total(self.total))
    } else {
        quote!(None)
    };
    let extra = if page.has_extra {
        quote!(self.extra)
    } else {
        quote!(::std::default::Default::default())
    };
    let walk_doc = format!(
        " What a walk over [`{name}`] sends again for every page: the request without its \
         client and its cursor."
    );
    let page_doc = " Sends the request for one page (the builder's `next_token`, or the first \
         page) the way the SDK's own calls do, and returns its items with the page's cursor, \
         `total`, unknown fields and headers.";
    let pages_doc = " Every page from the builder's `next_token` (or the first page) on, as a \
         [`crate::Pages`] stream: each request goes out as soon as the previous page's cursor has \
         arrived, running ahead of the caller by one page at first and further as the caller \
         reads on. A repeated cursor ends the stream with an error. Nothing is sent until the \
         stream is polled; dropping it cancels what is under way.";
    let stream_doc = " Every item of every page, in order, as a [`crate::Items`] stream; see \
         [`pages`](Self::pages).";
    quote! {
        #[doc = #walk_doc]
        #[derive(Debug, Clone)]
        pub(crate) struct #walk {
            #( #filters: #filter_types, )*
        }

        impl crate::pagination::ListRequest for #walk {
            type Body = #page_type;
            type Client = super::Client;

            fn send_page<'b>(
                &'b self,
                client: &'b super::Client,
                next_token: ::std::option::Option<&'b str>,
            ) -> ::futures::future::BoxFuture<
                'b,
                Result<ResponseValue<Self::Body>, crate::error::GeneratedError>,
            > {
                let request = #name {
                    client,
                    next_token: Ok(None),
                    #( #filters: self.#filters.clone(), )*
                };
                let request = match next_token {
                    Some(token) => request.next_token(token),
                    None => request,
                };
                ::std::boxed::Box::pin(request.send())
            }
        }

        impl crate::pagination::PageBody for #page_type {
            type Item = #item;

            fn into_parts(self) -> crate::pagination::PageParts<#item> {
                crate::pagination::PageParts {
                    items: self.data,
                    next_token: crate::pagination::IntoCursor::into_cursor(self.next_token),
                    total: #total,
                    extra: #extra,
                }
            }
        }

        impl<'a> #name<'a> {
            #[doc = #page_doc]
            pub async fn page(self) -> Result<crate::Page<#item>, crate::Error> {
                let (client, request, first) = self.into_walk();
                let first = first.map_err(crate::Error::InvalidRequest)?;
                crate::pagination::page(client, &request, first.as_deref()).await
            }

            #[doc = #pages_doc]
            pub fn pages(self) -> crate::Pages<#item> {
                let (client, request, first) = self.into_walk();
                crate::pagination::pages(client.clone(), request, first)
            }

            #[doc = #stream_doc]
            pub fn stream(self) -> crate::Items<#item> {
                self.pages().items()
            }

            fn into_walk(
                self,
            ) -> (&'a super::Client, #walk, Result<Option<String>, String>) {
                let Self { client, next_token, #( #filters, )* } = self;
                let request = #walk { #( #filters, )* };
                (client, request, crate::pagination::first_token(next_token))
            }
        }
    }
}

fn module<'f>(file: &'f syn::File, name: &str) -> Result<&'f [syn::Item]> {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, i)| i.as_slice()),
            _ => None,
        })
        .with_context(|| format!("progenitor's output has no `{name}` module"))
}

fn module_mut<'f>(file: &'f mut syn::File, name: &str) -> Result<&'f mut syn::ItemMod> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name && m.content.is_some() => Some(m),
            _ => None,
        })
        .with_context(|| format!("progenitor's output has no `{name}` module"))
}

/// The named-field structs of a module, by name.
fn structs_of(items: &[syn::Item]) -> BTreeMap<Ident, Fields> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => {
                let fields = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.clone()?, f.ty.clone())))
                    .collect();
                Some((s.ident.clone(), fields))
            }
            _ => None,
        })
        .collect()
}

/// Every builder with a `send()`, and its success type (`Result<ResponseValue<T>, _>`).
fn send_signatures(builder: &syn::ItemMod) -> BTreeMap<Ident, Send> {
    let items = builder
        .content
        .as_ref()
        .map(|(_, i)| i.as_slice())
        .unwrap_or_default();
    let mut sends = BTreeMap::new();
    let mut methods: BTreeMap<Ident, Vec<String>> = BTreeMap::new();
    for item in items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(self_ty) = &*imp.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.clone()) else {
            continue;
        };
        for item in &imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            methods
                .entry(name.clone())
                .or_default()
                .push(f.sig.ident.to_string());
            if f.sig.ident == "send"
                && let Some(ok) = response_value_type(&f.sig.output)
            {
                sends.insert(name.clone(), ok);
            }
        }
    }
    sends
        .into_iter()
        .map(|(name, ok)| {
            let methods = methods.remove(&name).unwrap_or_default();
            (name, Send { ok, methods })
        })
        .collect()
}

/// `T` in `-> Result<ResponseValue<T>, E>`.
fn response_value_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = last_segment(ty)?;
    let ok = first_type_argument(&result.arguments)?;
    let response = last_segment(ok)?;
    (response.ident == "ResponseValue")
        .then(|| first_type_argument(&response.arguments).cloned())
        .flatten()
}

/// When `ty` is `types::X` and `X` is a page: `data: Vec<item>` and a `next_token`.
fn page_shape(ty: &syn::Type, types: &BTreeMap<Ident, Fields>) -> Option<PageShape> {
    let name = &last_segment(ty)?.ident;
    let fields = types.get(name)?;
    let field = |wanted: &str| fields.iter().find(|(f, _)| f == wanted).map(|(_, ty)| ty);
    let data = last_segment(field("data")?)?;
    if data.ident != "Vec" || field("next_token").is_none() {
        return None;
    }
    let item = qualify_in_types(first_type_argument(&data.arguments)?);
    Some(PageShape {
        item,
        has_total: field("total").is_some(),
        has_extra: field("extra").is_some(),
    })
}

/// A type named inside the `types` module (`Segment`), as the `builder` module names it
/// (`types::Segment`).
fn qualify_in_types(ty: &syn::Type) -> syn::Type {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            let ident = &p.path.segments[0].ident;
            syn::parse_quote!(types::#ident)
        }
        other => other.clone(),
    }
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

fn first_type_argument(arguments: &syn::PathArguments) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}
