//! The Profile API (version 2025-07-31): the indexes of a tenant and the customer profiles in
//! them, for lookups in real time. Generated from `spec/profile.yaml`.
//!
//! It is its own generated client, since every request names its API's version; a
//! [`crate::Client`] hands one out with [`profile_api`](crate::Client::profile_api), sharing its
//! configuration, its token, its retries and its pacing budget:
//!
//! ```no_run
//! # async fn demo() -> Result<(), amperity::Error> {
//! use futures::TryStreamExt;
//!
//! let client = amperity::Client::from_env()?;
//! let profiles = client.profile_api();
//! let mut stream = profiles
//!     .list_profiles()
//!     .index_id("idx-xyz789")
//!     .filter(amperity::profile::filter([("last_name", "Kuhlman")]))
//!     .stream();
//! while let Some(profile) = stream.try_next().await? {
//!     // Attributes are an open map: read typed values with serde_json.
//!     let first_name = profile.attributes.as_ref().and_then(|a| a.get("first_name"));
//!     println!("{} {first_name:?}", profile.id);
//! }
//! # Ok(()) }
//! ```

pub use crate::generated_profile::{Client, builder, types};

/// A `filter` for [`list_profiles`](Client::list_profiles) from attribute names and values:
/// `filter([("last_name", "Kuhlman")])` keeps the profiles whose `last_name` is `Kuhlman`. Each
/// entry is sent as `filter[<attribute>]=<value>`.
pub fn filter<K: AsRef<str>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> types::ProfileFilter {
    let map: std::collections::HashMap<String, String> = pairs
        .into_iter()
        .map(|(attribute, value)| (format!("filter[{}]", attribute.as_ref()), value.into()))
        .collect();
    types::ProfileFilter::from(map)
}

impl crate::Client {
    /// A client for the Profile API with this client's configuration: tenant, credentials,
    /// base URL, retries, timeouts, and one pacing budget shared by both.
    pub fn profile_api(&self) -> Client {
        use progenitor_client::ClientInfo;
        Client::new_with_client(self.baseurl(), self.client().clone(), self.inner().clone())
    }
}
