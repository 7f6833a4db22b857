//! The public items of a generated client, read back from its source with syn, so that the change
//! report can name the Rust items a spec change touches exactly as callers write them.
//!
//! Names are looked up, never guessed: a JSON field is found through the struct field that
//! serializes to it (`#[serde(rename = "...")]` or the field's own name), an enumeration value
//! through its variant's `rename`, an operation through the client's method. What the generated
//! code does not have (a header the client sets itself) names nothing.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::ToTokens;

use super::{SchemaRoot, Subject};

/// The items of one generated file, by the names the spec knows them by.
#[derive(Default, Debug)]
pub struct RustItems {
    /// Struct name → JSON name → (Rust field, the field's type as tokens).
    structs: BTreeMap<String, BTreeMap<String, (String, String)>>,
    /// Enum name → JSON value → variant.
    enums: BTreeMap<String, BTreeMap<String, String>>,
    /// Client method → its request builder.
    client_methods: BTreeMap<String, String>,
    /// Request builder → setter → the types its signature mentions.
    builder_methods: BTreeMap<String, BTreeMap<String, String>>,
}

impl RustItems {
    /// Reads a generated file. Anything syn cannot parse gives an empty index: the report then
    /// names no items rather than failing.
    pub fn parse(source: &str) -> RustItems {
        let mut items = RustItems::default();
        let Ok(file) = syn::parse_file(source) else {
            return items;
        };
        for item in &file.items {
            match item {
                syn::Item::Mod(module) if module.ident == "types" => {
                    for item in module.content.iter().flat_map(|(_, items)| items) {
                        items.add_type(item);
                    }
                }
                syn::Item::Mod(module) if module.ident == "builder" => {
                    for item in module.content.iter().flat_map(|(_, items)| items) {
                        if let syn::Item::Impl(block) = item {
                            let name = type_name(&block.self_ty);
                            let methods = items.builder_methods.entry(name).or_default();
                            for (method, signature) in methods_of(block) {
                                methods.insert(method, signature);
                            }
                        }
                    }
                }
                syn::Item::Impl(block)
                    if block.trait_.is_none() && type_name(&block.self_ty) == "Client" =>
                {
                    for item in &block.items {
                        if let syn::ImplItem::Fn(method) = item
                            && let syn::ReturnType::Type(_, ty) = &method.sig.output
                        {
                            let builder = type_name(ty);
                            items
                                .client_methods
                                .insert(method.sig.ident.to_string(), builder);
                        }
                    }
                }
                _ => {}
            }
        }
        items
    }

    fn add_type(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Struct(s) => {
                let mut fields = BTreeMap::new();
                if let syn::Fields::Named(named) = &s.fields {
                    for field in &named.named {
                        let Some(ident) = &field.ident else { continue };
                        let ident = ident.to_string();
                        let json = serde_rename(&field.attrs).unwrap_or_else(|| ident.clone());
                        let ty = field.ty.to_token_stream().to_string();
                        fields.insert(json, (ident, ty));
                    }
                }
                self.structs.insert(s.ident.to_string(), fields);
            }
            syn::Item::Enum(e) => {
                let variants = e
                    .variants
                    .iter()
                    .map(|v| {
                        let name = v.ident.to_string();
                        (serde_rename(&v.attrs).unwrap_or_else(|| name.clone()), name)
                    })
                    .collect();
                self.enums.insert(e.ident.to_string(), variants);
            }
            _ => {}
        }
    }

    /// The item paths (relative to the SDK's generated module: `types::Segment::name`,
    /// `Client::list_segments`) that a change to `subject` changes.
    pub fn resolve(&self, subject: &Subject) -> Vec<String> {
        match subject {
            Subject::None => Vec::new(),
            Subject::Operation { operation_id } => match self.client_method(operation_id) {
                Some((method, builder)) => {
                    vec![format!("Client::{method}"), format!("builder::{builder}")]
                }
                None => Vec::new(),
            },
            Subject::Parameter { operation_id, name } => self
                .setter(operation_id, name)
                .map(|(builder, setter, _)| vec![format!("builder::{builder}::{setter}")])
                .unwrap_or_default(),
            Subject::Schema {
                root,
                path,
                enum_value,
            } => self.schema_items(root, path, enum_value.as_deref()),
        }
    }

    fn client_method(&self, operation_id: &str) -> Option<(String, &String)> {
        let method = operation_id.to_snake_case();
        [method.clone(), format!("{method}_")]
            .into_iter()
            .find_map(|m| self.client_methods.get(&m).map(|b| (m, b)))
    }

    fn setter(&self, operation_id: &str, name: &str) -> Option<(&String, String, &String)> {
        let (_, builder) = self.client_method(operation_id)?;
        let methods = self.builder_methods.get(builder)?;
        let setter = name.to_snake_case();
        [setter.clone(), format!("{setter}_")]
            .into_iter()
            .find_map(|s| methods.get(&s).map(|signature| (builder, s, signature)))
    }

    /// The first generated type a piece of a signature or a field type mentions.
    fn known_type(&self, tokens: &str) -> Option<String> {
        tokens
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .find(|word| self.structs.contains_key(*word) || self.enums.contains_key(*word))
            .map(str::to_string)
    }

    fn schema_items(&self, root: &SchemaRoot, path: &[String], value: Option<&str>) -> Vec<String> {
        let start = match root {
            SchemaRoot::Component(name) => {
                let name = name.to_upper_camel_case();
                (self.structs.contains_key(&name) || self.enums.contains_key(&name)).then_some(name)
            }
            SchemaRoot::ResponseBody { operation_id }
            | SchemaRoot::RequestBody { operation_id } => {
                let setter = match root {
                    SchemaRoot::RequestBody { .. } => "body",
                    _ => "send",
                };
                self.client_method(operation_id)
                    .and_then(|(_, builder)| self.builder_methods.get(builder))
                    .and_then(|methods| methods.get(setter))
                    .and_then(|signature| self.known_type(signature))
            }
            SchemaRoot::Unnamed => None,
            SchemaRoot::Parameter { operation_id, name } => self
                .setter(operation_id, name)
                .and_then(|(_, _, signature)| self.known_type(signature)),
        };
        let Some(mut current) = start else {
            return Vec::new();
        };
        let mut item = format!("types::{current}");
        for segment in path.iter().filter(|s| *s != "[]") {
            let Some((field, ty)) = self.structs.get(&current).and_then(|f| f.get(segment)) else {
                return vec![item];
            };
            item = format!("types::{current}::{field}");
            match self.known_type(ty) {
                Some(next) => current = next,
                None => return vec![item],
            }
        }
        if let Some(value) = value
            && let Some(variant) = self.enums.get(&current).and_then(|v| v.get(value))
        {
            return vec![format!("types::{current}::{variant}")];
        }
        vec![item]
    }
}

/// `Foo`, `builder::Foo<'_>` or `&Foo` → `Foo`
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => String::new(),
    }
}

/// The methods of an impl block, each with its signature as tokens.
fn methods_of(block: &syn::ItemImpl) -> Vec<(String, String)> {
    block
        .items
        .iter()
        .filter_map(|item| match item {
            syn::ImplItem::Fn(method) => Some((
                method.sig.ident.to_string(),
                method.sig.to_token_stream().to_string(),
            )),
            _ => None,
        })
        .collect()
}

/// The name given by `#[serde(rename = "...")]`, if any.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|attr| {
            let tokens = attr.meta.to_token_stream().to_string();
            let rest = &tokens[tokens.find("rename = \"")? + "rename = \"".len()..];
            Some(rest[..rest.find('"')?].to_string())
        })
}
