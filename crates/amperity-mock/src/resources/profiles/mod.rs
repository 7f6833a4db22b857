//! The Profile API, version 2025-07-31 (spec/profile.yaml): `GET /indexes`,
//! `GET /indexes/{index-id}`, `GET /indexes/{index-id}/profiles` (with `filter[<attribute>]`)
//! and `GET /indexes/{index-id}/profiles/{profile-id}`.
//!
//! The indexes and their profiles are generated on demand (`catalog.rs`, from `words.rs`) and
//! filters are solved arithmetically (`filter.rs`), so an index of a billion profiles costs no
//! memory and any page of any filter costs only its own profiles. The routes' version and rate
//! limit are the gateway's business (the route table gives them to the Profile API).

mod catalog;
mod filter;
mod words;

use crate::config::MockConfig;
use crate::cursor::CursorCodec;
use crate::errors::{ApiError, quote};
use crate::query::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::resources::{Call, Reply, Selection, read_token, write_list};
use crate::routes::App;

use catalog::{Index, IndexCatalog};

/// The most indexes a tenant may have. Amperity tenants publish a handful; the bound keeps
/// [`crate::profile_index_ids`] small.
pub const MAX_PROFILE_INDEXES: u64 = 100_000;

/// The most profiles an index may hold: loyalty IDs have nine digits, one per profile. Nothing
/// scans them, so a billion costs what a thousand does.
pub const MAX_PROFILES: u64 = 1_000_000_000;

/// The page size of `GET /indexes` without `limit`, as its documentation says. The profiles
/// page documents none; it takes the mock's usual [`DEFAULT_LIMIT`].
const DEFAULT_INDEX_LIMIT: u64 = 25;

/// The indexes of every tenant (each tenant sees the same ones) and the cursors of their list.
/// The cursors of a list of profiles depend on its index and filters, so they are keyed per
/// request.
pub(crate) struct Profiles {
    catalog: IndexCatalog,
    index_cursors: CursorCodec,
    seed: u64,
}

impl Profiles {
    /// The indexes `config` describes.
    pub(crate) fn new(config: &MockConfig) -> Self {
        let catalog = catalog(config);
        Self {
            index_cursors: CursorCodec::new(config.seed, "profile-indexes", catalog.len()),
            catalog,
            seed: config.seed,
        }
    }
}

fn catalog(config: &MockConfig) -> IndexCatalog {
    // Bounded again so that an unvalidated config (the library functions take any) cannot
    // break the generators' assumptions.
    IndexCatalog::new(
        config.seed,
        config.profile_indexes.min(MAX_PROFILE_INDEXES),
        config.profiles.min(MAX_PROFILES),
    )
}

/// `limit` on the Profile API: an integer of at least 1 (and, as the spec's `int32` says, at most
/// 2^31 - 1), `default` when absent. The spec documents no maximum, so a larger one is no
/// error: a page holds at most [`MAX_LIMIT`] and the rest follows through `next_token`.
fn page_size(call: &Call<'_>, default: u64) -> Result<u64, ApiError> {
    let Some(text) = call.query.limit.as_deref() else {
        return Ok(default);
    };
    // Digits only: no sign, no spaces, no `1e3` or `10.0`.
    let digits = !text.is_empty() && text.len() <= 10 && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u64>() {
        Ok(n) if digits && (1..=i32::MAX as u64).contains(&n) => Ok(n.min(MAX_LIMIT)),
        _ => Err(ApiError::bad_request(format!(
            "Invalid value for limit: must be an integer of at least 1, got {}.",
            quote(text)
        ))),
    }
}

/// The index `call` names in its path, or 404.
fn index(profiles: &Profiles, call: &Call<'_>) -> Result<Index, ApiError> {
    profiles
        .catalog
        .find(call.id)
        .ok_or_else(|| unknown_index(call))
}

fn unknown_index(call: &Call<'_>) -> ApiError {
    ApiError::not_found(format!(
        "The requested entity does not exist: tenant {} has no index {} (GET /indexes lists the \
         indexes with their IDs).",
        quote(call.tenant),
        quote(call.id)
    ))
}

/// `GET /indexes`: `limit` (25 by default), `next_token`, `with_total`.
pub(crate) fn list_indexes(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let profiles = &app.resources.profiles;
    let limit = page_size(call, DEFAULT_INDEX_LIMIT)?;
    let with_total = call.query.with_total()?;
    let len = profiles.catalog.len();
    let start = read_token(call, &profiles.index_cursors, len)?;
    app.simulate_fault()?;
    let end = start.saturating_add(limit).min(len);
    let selection = Selection {
        positions: (start..end).collect(),
        next: (end < len).then_some(end),
    };
    Ok(Reply::ok(write_list(
        &profiles.index_cursors,
        &selection,
        with_total.then_some(len),
        |out, position| profiles.catalog.index(position).write(out),
    )))
}

/// `GET /indexes/{index-id}`: the index, or 404.
pub(crate) fn get_index(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let found = app.resources.profiles.catalog.find(call.id);
    app.simulate_fault()?;
    let index = found.ok_or_else(|| unknown_index(call))?;
    let mut out = Vec::with_capacity(512);
    index.write(&mut out);
    Ok(Reply::ok(out))
}

/// `GET /indexes/{index-id}/profiles`: `limit` (100 by default), `next_token`, `with_total` and
/// `filter[<attribute>]=<value>`, any number, ANDed. An unknown index is a 404 before its
/// filters are read, since which filters exist depends on the index; a value no profile has is
/// no error, the list is empty.
pub(crate) fn list_profiles(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let profiles = &app.resources.profiles;
    let limit = page_size(call, DEFAULT_LIMIT)?;
    let with_total = call.query.with_total()?;
    let index = index(profiles, call)?;
    let filters = filter::parse(&index, call.query)?;
    let matches = filter::solve(&index, &filters);
    let total = matches.count();
    // The cursor is an offset into this index's list under these filters; its key says so.
    let cursors = CursorCodec::new(
        profiles.seed,
        &filter::cursor_scope(&index, &filters),
        total,
    );
    let start = read_token(call, &cursors, total)?;
    app.simulate_fault()?;
    let end = start.saturating_add(limit).min(total);
    let selection = Selection {
        positions: (start..end).filter_map(|k| matches.nth(k)).collect(),
        next: (end < total).then_some(end),
    };
    Ok(Reply::ok(write_list(
        &cursors,
        &selection,
        with_total.then_some(total),
        |out, p| index.write_profile(out, p),
    )))
}

/// `GET /indexes/{index-id}/profiles/{profile-id}`: the profile, or 404 for an unknown index or
/// a profile the index does not hold.
pub(crate) fn get_profile(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let found = app.resources.profiles.catalog.find(call.id);
    let position = found
        .as_ref()
        .and_then(|index| index.profile_position(call.second_id));
    app.simulate_fault()?;
    let index = found.ok_or_else(|| unknown_index(call))?;
    let p = position.ok_or_else(|| {
        ApiError::not_found(format!(
            "The requested entity does not exist: index {} has no profile {} (GET \
             /indexes/{{index-id}}/profiles lists its profiles with their IDs).",
            quote(&index.id),
            quote(call.second_id)
        ))
    })?;
    let mut out = Vec::with_capacity(1024);
    index.write_profile(&mut out, p);
    Ok(Reply::ok(out))
}

/// The IDs of the indexes `config` serves, in list order.
pub(crate) fn index_ids(config: &MockConfig) -> Vec<String> {
    let catalog = catalog(config);
    (0..catalog.len()).map(|p| catalog.index(p).id).collect()
}

/// The `ProfileIndex` `GET /indexes/{index_id}` answers, if the index exists.
pub(crate) fn index_json(config: &MockConfig, index_id: &str) -> Option<serde_json::Value> {
    let index = catalog(config).find(index_id)?;
    let mut out = Vec::new();
    index.write(&mut out);
    serde_json::from_slice(&out).ok()
}

/// The `Profile` at `position` of the index `index_id`, as the API writes it.
pub(crate) fn profile_json(
    config: &MockConfig,
    index_id: &str,
    position: u64,
) -> Option<serde_json::Value> {
    let index = catalog(config).find(index_id)?;
    if position >= index.len {
        return None;
    }
    let mut out = Vec::with_capacity(1024);
    index.write_profile(&mut out, position);
    serde_json::from_slice(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_functions_agree_with_each_other() {
        let config = MockConfig {
            profile_indexes: 8,
            profiles: 50,
            ..MockConfig::default()
        };
        let ids = index_ids(&config);
        assert_eq!(ids.len(), 8);
        assert_eq!(ids[0], "idx-xyz789");
        let index = index_json(&config, &ids[7]).unwrap();
        assert_eq!(index["id"], ids[7].as_str());
        assert_eq!(index["name"], "email_subscribers_2");
        let profile = profile_json(&config, &ids[0], 0).unwrap();
        assert_eq!(profile["id"], "cl-abc123");
        assert_eq!(profile["index_id"], "idx-xyz789");
        assert!(profile_json(&config, &ids[0], 50).is_none());
        assert!(profile_json(&config, "idx-nope", 0).is_none());
        // An unvalidated config is bounded rather than trusted.
        let huge = MockConfig {
            profile_indexes: u64::MAX,
            profiles: u64::MAX,
            ..MockConfig::default()
        };
        assert!(profile_json(&huge, "idx-xyz789", MAX_PROFILES - 1).is_some());
        assert!(profile_json(&huge, "idx-xyz789", MAX_PROFILES).is_none());
    }
}
