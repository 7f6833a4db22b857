//! Enumerations that decode values they do not know.
//!
//! Amperity calls an added enumeration value non-breaking, but typify turns a string `enum` into
//! a closed Rust enum, which would fail to decode a whole response over one new workflow state.
//! So every string enumeration among the spec's component schemas is handed to progenitor as a
//! replacement (`with_replacement`), and this step writes the type itself into the generated
//! `types` module: one variant per documented value plus `Unknown(String)`, which keeps any other
//! value as sent and writes it back unchanged.

use anyhow::{Result, bail};
use heck::ToUpperCamelCase;
use openapiv3::{ReferenceOr, SchemaKind, StringType, Type};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// A string enumeration of the spec's components.
pub struct OpenEnum {
    /// The Rust type name (and the component's name, which typify keys replacements by).
    pub name: String,
    description: Option<String>,
    /// Each documented value and its variant.
    values: Vec<(String, Ident)>,
}

/// The path by which generated code names the replacement. `amperity` resolves both inside the
/// SDK (`extern crate self as amperity` in its `lib.rs`) and in the httpmock crate.
pub fn replacement_path(module_path: &str, name: &str) -> String {
    format!("{module_path}::types::{name}")
}

/// Every string enumeration among `spec`'s component schemas.
pub fn find(spec: &openapiv3::OpenAPI) -> Result<Vec<OpenEnum>> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for (component, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::Type(Type::String(StringType { enumeration, .. })) = &schema.schema_kind
        else {
            continue;
        };
        if enumeration.is_empty() {
            continue;
        }
        let name = component.to_upper_camel_case();
        if &name != component {
            bail!(
                "enumeration `{component}`: name it in UpperCamelCase (`{name}`), the Rust type's name"
            );
        }
        let mut values: Vec<(String, Ident)> = Vec::new();
        for value in enumeration {
            let Some(value) = value else {
                bail!("enumeration `{component}`: `null` is not a value; use `nullable: true`");
            };
            let variant = variant_name(value);
            if variant == "Unknown" {
                bail!(
                    "enumeration `{component}`: the value `{value}` would take the name `Unknown`"
                );
            }
            if let Some((other, _)) = values.iter().find(|(_, v)| *v == variant) {
                bail!("enumeration `{component}`: `{value}` and `{other}` both become `{variant}`");
            }
            values.push((value.clone(), format_ident!("{variant}")));
        }
        found.push(OpenEnum {
            name,
            description: schema.schema_data.description.clone(),
            values,
        });
    }
    Ok(found)
}

fn variant_name(value: &str) -> String {
    let name = value.to_upper_camel_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => format!("V{name}"),
    }
}

/// Adds the open enumerations to the generated client's `types` module.
pub fn add(file: &mut syn::File, enums: &[OpenEnum]) -> Result<()> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        bail!("progenitor's output has no `types` module");
    };
    for open in enums {
        let clash = types.1.iter().any(|item| match item {
            syn::Item::Enum(e) => e.ident == open.name,
            syn::Item::Struct(s) => s.ident == open.name,
            _ => false,
        });
        if clash {
            bail!(
                "progenitor generated its own `{}`: the replacement did not apply",
                open.name
            );
        }
        let item: syn::File = syn::parse2(tokens(open))?;
        types.1.extend(item.items);
    }
    Ok(())
}

fn tokens(open: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", open.name);
    let description = open
        .description
        .as_deref()
        .map(|d| format!(" {}", d.trim()))
        .unwrap_or_default();
    let note = " Amperity may add values without a new API version; a value this SDK does not \
        know decodes as `Unknown`, keeping the value as sent.";
    let (values, variants): (Vec<&String>, Vec<&Ident>) =
        open.values.iter().map(|(v, i)| (v, i)).unzip();
    let variant_docs: Vec<String> = values.iter().map(|v| format!(" `{v}`")).collect();
    let name_str = &open.name;
    quote! {
        #[doc = #description]
        #[doc = ""]
        #[doc = #note]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this version of the SDK does not know, as sent.
            Unknown(::std::string::String),
        }

        impl #name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => value,
                }
            }

            /// Whether this is a value the spec documents (not `Unknown`).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#variants, )*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                ::std::string::String::deserialize(deserializer).map(Self::from)
            }
        }

        /// Any string: a value the spec does not list is still valid for this type.
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #name_str.to_owned()
            }

            fn json_schema(
                generator: &mut ::schemars::r#gen::SchemaGenerator,
            ) -> ::schemars::schema::Schema {
                <::std::string::String as ::schemars::JsonSchema>::json_schema(generator)
            }
        }
    }
}
