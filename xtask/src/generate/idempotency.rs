//! Which operations may be sent twice: the fact the request hooks need to decide on retries,
//! taken from the spec.
//!
//! HTTP calls GET, HEAD, OPTIONS, PUT and DELETE idempotent, and the hooks know that much by the
//! method. A POST is not, unless the spec marks its operation `x-idempotent: true` (stopping a
//! workflow run that is already stopping changes nothing). This step lists those operations in
//! the generated client, so that marking one in the spec is all it takes.

use anyhow::{Result, bail};
use quote::quote;

/// The spec extension that marks an operation as safe to send twice.
pub const EXTENSION: &str = "x-idempotent";

/// Adds `IDEMPOTENT_OPERATIONS` to the generated client.
pub fn add(file: &mut syn::File, spec: &openapiv3::OpenAPI) -> Result<()> {
    let mut marked = Vec::new();
    for (path, method, operation) in spec.operations() {
        let Some(value) = operation.extensions.get(EXTENSION) else {
            continue;
        };
        let Some(id) = &operation.operation_id else {
            continue;
        };
        match value.as_bool() {
            Some(true) => marked.push(id.clone()),
            Some(false) => {}
            None => bail!(
                "{} {path}: `{EXTENSION}` must be true or false, not {value}",
                method.to_uppercase()
            ),
        }
    }
    marked.sort();
    let item: syn::Item = syn::parse2(quote! {
        /// Operations whose HTTP method is not idempotent (POST) but that the spec marks
        /// `x-idempotent: true`: sending one twice has the effect of sending it once, so the
        /// request hooks retry them like a GET.
        pub(crate) const IDEMPOTENT_OPERATIONS: &[&str] = &[#(#marked),*];
    })?;
    file.items.push(item);
    Ok(())
}
