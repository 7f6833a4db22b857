//! Every list command: one declaration each, all run by [`crate::list::run`].
//!
//! A declaration names the clap struct, the record type, the SDK method (and the generated
//! client it belongs to, when that is not the control plane's `amperity::Client`), and the
//! method's filters, each a flag whose help is the spec's description of the parameter. The
//! macro writes the flags and the code that sets them on the SDK's builder; paging (`--limit`,
//! `--all`, `--next-token`, `--append`, `--with-total`) and output (`--format`, `--output`) are
//! the same for every list. A list added to the spec needs one such declaration, plus its place
//! in the command tree (`args.rs`).

use amperity::Client;

use crate::args::{OutputArgs, PagingArgs};
use crate::failure::Failure;
use crate::list::{self, Fetch, OnePage};

/// What a list's API decides about its flags: the spec's words for `limit`, which differ from
/// one API to the other (the control plane caps a page at 1000, the Profile API names no cap).
pub trait Api {
    /// The `--limit` help: the description of the spec's `Limit` parameter, without the final
    /// period, as clap shows a doc comment.
    const LIMIT: &'static str;
}

impl Api for Client {
    const LIMIT: &'static str = "The maximum number of records in one page of results (1 to 1000)";
}

impl Api for amperity::profile::Client {
    const LIMIT: &'static str = "The maximum number of records in one page of results, at least \
                                 1. Without it, GET /indexes returns pages of 25 indexes";
}

/// A filter flag's value as the SDK builder's method takes it.
pub trait Param {
    /// What the builder's method is given.
    type Value;
    /// The value to set, or `None` to leave the parameter out of the request.
    fn param(&self) -> Result<Option<Self::Value>, Failure>;
}

impl Param for Option<String> {
    type Value = String;

    fn param(&self) -> Result<Option<String>, Failure> {
        Ok(self.clone())
    }
}

/// The generated client a declaration names with `on`, else the control plane's.
macro_rules! client_type {
    () => {
        Client
    };
    ($client:ty) => {
        $client
    };
}

/// Declares a list that pages (`limit`, `next_token`, `with_total`): its flags and how to run it.
macro_rules! paged_list {
    (
        $(#[$meta:meta])*
        $name:ident: $record:ty = $method:ident $(on $client:ty)? {
            $( $(#[$field_meta:meta])* $field:ident: $type:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, clap::Args)]
        #[command(mut_arg("limit", |arg| {
            arg.help(<client_type!($($client)?) as Api>::LIMIT)
        }))]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $type, )*
            /// Paging and resuming.
            #[command(flatten)]
            pub paging: PagingArgs,
            /// Format and destination.
            #[command(flatten)]
            pub output: OutputArgs,
        }

        impl $name {
            /// Lists one page, or every page with `--all`, from `--next-token` if given.
            pub async fn run(&self, client: &client_type!($($client)?)) -> Result<(), Failure> {
                let mut query = client.$method();
                $( if let Some(value) = Param::param(&self.$field)? { query = query.$field(value); } )*
                if let Some(limit) = self.paging.limit {
                    query = query.limit(limit);
                }
                if self.paging.with_total {
                    query = query.with_total(true);
                }
                if let Some(token) = &self.paging.next_token {
                    query = query.next_token(token.clone());
                }
                let fetch = if self.paging.all {
                    Fetch::Every(query.pages())
                } else {
                    Fetch::One(Box::pin(async move { query.page().await.map(OnePage::from) }))
                };
                list::run::<$record>(fetch, &self.output, Some(&self.paging)).await
            }
        }
    };
}

/// Declares a list that comes whole in one response (no `limit`, no `next_token`).
macro_rules! whole_list {
    (
        $(#[$meta:meta])*
        $name:ident: $record:ty = $method:ident $(on $client:ty)? {
            $( $(#[$field_meta:meta])* $field:ident: $type:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, clap::Args)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $type, )*
            /// `true` adds `total`, the count of all results, to the response. Counting can be
            /// expensive when there are many pages.
            #[arg(long)]
            pub with_total: bool,
            /// Format and destination.
            #[command(flatten)]
            pub output: OutputArgs,
        }

        impl $name {
            /// Lists everything the filters select, which comes in one response.
            pub async fn run(&self, client: &client_type!($($client)?)) -> Result<(), Failure> {
                let mut query = client.$method();
                $( if let Some(value) = Param::param(&self.$field)? { query = query.$field(value); } )*
                if self.with_total {
                    query = query.with_total(true);
                }
                let fetch = Fetch::One(Box::pin(async move {
                    let page = query.call().await?.into_inner();
                    Ok(OnePage { items: page.data, next_token: None, total: page.total })
                }));
                list::run::<$record>(fetch, &self.output, None).await
            }
        }
    };
}

paged_list! {
    /// List segments: one page, or every page with --all.
    SegmentsList: amperity::types::Segment = list_segments {}
}

paged_list! {
    /// List audit events (who did what to which object, when, from where): one page, or every
    /// page with --all.
    AuditEventsList: amperity::types::AuditEvent = list_audit_events {
        /// The start (inclusive) of the time window of the events, an ISO 8601 timestamp in UTC:
        /// complete (`2026-04-01T11:11:11Z`) or partial (`2026-04-01`).
        #[arg(long = "from", visible_alias = "happened-from", value_name = "TIME")]
        happened_from: Option<String>,
        /// The end (exclusive) of the time window of the events, an ISO 8601 timestamp in UTC:
        /// complete (`2026-04-10T11:11:11Z`) or partial (`2026-04-10`).
        #[arg(long = "to", visible_alias = "happened-to", value_name = "TIME")]
        happened_to: Option<String>,
    }
}

paged_list! {
    /// List campaigns: one page, or every page with --all.
    CampaignsList: amperity::types::Campaign = list_campaigns {
        /// Only the campaigns configured to use this data template. Copy the template's ID in
        /// Amperity from the Destinations page (the row's menu, then Copy ID).
        #[arg(long, visible_alias = "template", value_name = "ID")]
        destination_data_template_id: Option<String>,
    }
}

paged_list! {
    /// List workflow runs: one page, or every page with --all.
    WorkflowsList: amperity::types::WorkflowRun = list_workflow_runs {
        /// Only runs created at or after this time, an ISO 8601 timestamp in UTC: complete
        /// (`2026-04-01T00:00:00Z`) or partial (`2026-04-01`).
        #[arg(long, value_name = "TIME")]
        created_from: Option<String>,
        /// Only runs created before this time (exclusive), an ISO 8601 timestamp in UTC: complete
        /// (`2026-04-30T00:00:00Z`) or partial (`2026-04-30`).
        #[arg(long, value_name = "TIME")]
        created_to: Option<String>,
        /// Only runs that ended at or after this time, an ISO 8601 timestamp in UTC: complete
        /// (`2026-04-01T00:00:00Z`) or partial (`2026-04-01`).
        #[arg(long, value_name = "TIME")]
        ended_from: Option<String>,
        /// Only runs that ended before this time (exclusive), an ISO 8601 timestamp in UTC:
        /// complete (`2026-04-30T00:00:00Z`) or partial (`2026-04-30`).
        #[arg(long, value_name = "TIME")]
        ended_to: Option<String>,
        /// Only runs in this state (for example `succeeded`). See `WorkflowRunState` for the
        /// values; a value not listed there may be sent as well.
        #[arg(long, value_name = "STATE")]
        state: Option<String>,
        /// Only runs of this type (for example `courier.group/run`). Any `type` that a listed run
        /// carries may be sent, including types not listed in `WorkflowType`.
        #[arg(long = "type", value_name = "TYPE")]
        type_: Option<String>,
    }
}

whole_list! {
    /// List the ingest jobs that started within a time window of at most 7 days (the API
    /// returns the whole window at once: no paging).
    IngestJobsList: amperity::types::IngestJob = list_ingest_jobs {
        /// The start (inclusive) of the time window in which the jobs started, an ISO 8601
        /// timestamp in UTC: complete (`2026-10-01T00:00:00Z`) or partial (`2026-10-01`). The
        /// window, up to `created_to`, spans at most 7 days.
        #[arg(long, required = true, value_name = "TIME")]
        created_from: Option<String>,
        /// The end (exclusive) of the time window in which the jobs started, an ISO 8601
        /// timestamp in UTC: complete (`2026-10-07T00:00:00Z`) or partial (`2026-10-07`). The
        /// window, from `created_from`, spans at most 7 days.
        #[arg(long, required = true, value_name = "TIME")]
        created_to: Option<String>,
    }
}

paged_list! {
    /// List the Profile API indexes of the tenant: one page, or every page with --all.
    ProfileIndexesList: amperity::profile::types::ProfileIndex = list_profile_indexes
        on amperity::profile::Client {}
}

paged_list! {
    /// List the customer profiles of an index, optionally only those whose attributes have
    /// given values: one page, or every page with --all.
    ProfilesList: amperity::profile::types::Profile = list_profiles on amperity::profile::Client {
        /// The ID of the index, for example `idx-xyz789` (in Amperity: Destinations, Profile
        /// API, the index's menu, Copy index ID).
        #[arg(long = "index", required = true, value_name = "INDEX_ID")]
        index_id: Option<String>,
        /// Keep the profiles whose ATTRIBUTE has this VALUE (`--filter first_name=Daniel`);
        /// repeat it for several attributes, which a profile must all match. The filters, one
        /// entry per filtered attribute: the key is `filter[<attribute>]` and the value the
        /// attribute's value to keep, sent as `filter[<attribute>]=<value>` (see
        /// `ProfileFilter`).
        #[arg(long, value_name = "ATTRIBUTE=VALUE")]
        filter: Vec<AttributeFilter>,
    }
}

/// One `--filter ATTRIBUTE=VALUE` of `profiles list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeFilter {
    /// The attribute: a field of the index.
    pub attribute: String,
    /// The value to keep (everything after the first `=`, which may be empty).
    pub value: String,
}

impl std::str::FromStr for AttributeFilter {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.split_once('=') {
            Some((attribute, value)) if !attribute.is_empty() => Ok(Self {
                attribute: attribute.to_owned(),
                value: value.to_owned(),
            }),
            Some(_) => Err(format!(
                "{text:?} names no attribute: give ATTRIBUTE=VALUE, for example first_name=Daniel"
            )),
            None => Err(format!(
                "{text:?} has no '=': give ATTRIBUTE=VALUE, for example first_name=Daniel"
            )),
        }
    }
}

/// Every `--filter`, as the one `filter` map of the request: `filter[<attribute>]=<value>` each.
impl Param for Vec<AttributeFilter> {
    type Value = amperity::profile::types::ProfileFilter;

    fn param(&self) -> Result<Option<Self::Value>, Failure> {
        if self.is_empty() {
            return Ok(None);
        }
        for (at, filter) in self.iter().enumerate() {
            if self[..at].iter().any(|f| f.attribute == filter.attribute) {
                return Err(Failure::Usage(format!(
                    "--filter names {:?} twice: a profile has one value per attribute, give it \
                     once",
                    filter.attribute
                )));
            }
        }
        Ok(Some(amperity::profile::filter(self.iter().map(|filter| {
            (filter.attribute.as_str(), filter.value.clone())
        }))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_is_attribute_equals_value() {
        let filter: AttributeFilter = "note=a=b".parse().unwrap();
        assert_eq!(filter.attribute, "note");
        assert_eq!(filter.value, "a=b", "split at the first '='");
        let empty: AttributeFilter = "middle_name=".parse().unwrap();
        assert_eq!(empty.value, "");
        for bad in ["first_name", "=Daniel", ""] {
            assert!(bad.parse::<AttributeFilter>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn filters_become_one_map_and_an_attribute_named_twice_is_refused() {
        let filters: Vec<AttributeFilter> = ["first_name=Daniel", "last_name=Kuhlman"]
            .iter()
            .map(|text| text.parse().unwrap())
            .collect();
        let map = filters.param().unwrap().unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map["filter[first_name]"], "Daniel");
        assert_eq!(map["filter[last_name]"], "Kuhlman");
        assert!(Vec::<AttributeFilter>::new().param().unwrap().is_none());
        let twice: Vec<AttributeFilter> = ["a=1", "a=2"]
            .iter()
            .map(|text| text.parse().unwrap())
            .collect();
        assert!(matches!(twice.param(), Err(Failure::Usage(_))));
    }
}
