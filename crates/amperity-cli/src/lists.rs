//! Every list command: one declaration each, all run by [`crate::list::run`].
//!
//! A declaration names the clap struct, the record type, the SDK method, and the method's
//! filters, each a flag whose help is the spec's description of the parameter. The macro writes
//! the flags and the code that sets them on the SDK's builder; paging (`--limit`, `--all`,
//! `--next-token`, `--append`, `--with-total`) and output (`--format`, `--output`) are the same
//! for every list. A list added to the spec needs one such declaration, plus its place in the
//! command tree (`args.rs`).

use amperity::Client;

use crate::args::{OutputArgs, PagingArgs};
use crate::failure::Failure;
use crate::list::{self, Fetch, OnePage};

/// Declares a list that pages (`limit`, `next_token`, `with_total`): its flags and how to run it.
macro_rules! paged_list {
    (
        $(#[$meta:meta])*
        $name:ident: $record:ty = $method:ident {
            $( $(#[$field_meta:meta])* $field:ident ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, clap::Args)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: Option<String>, )*
            /// Paging and resuming.
            #[command(flatten)]
            pub paging: PagingArgs,
            /// Format and destination.
            #[command(flatten)]
            pub output: OutputArgs,
        }

        impl $name {
            /// Lists one page, or every page with `--all`, from `--next-token` if given.
            pub async fn run(&self, client: &Client) -> Result<(), Failure> {
                let mut query = client.$method();
                $( if let Some(value) = &self.$field { query = query.$field(value.clone()); } )*
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
        $name:ident: $record:ty = $method:ident {
            $( $(#[$field_meta:meta])* $field:ident ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, clap::Args)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: Option<String>, )*
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
            pub async fn run(&self, client: &Client) -> Result<(), Failure> {
                let mut query = client.$method();
                $( if let Some(value) = &self.$field { query = query.$field(value.clone()); } )*
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
        happened_from,
        /// The end (exclusive) of the time window of the events, an ISO 8601 timestamp in UTC:
        /// complete (`2026-04-10T11:11:11Z`) or partial (`2026-04-10`).
        #[arg(long = "to", visible_alias = "happened-to", value_name = "TIME")]
        happened_to,
    }
}

paged_list! {
    /// List campaigns: one page, or every page with --all.
    CampaignsList: amperity::types::Campaign = list_campaigns {
        /// Only the campaigns configured to use this data template. Copy the template's ID in
        /// Amperity from the Destinations page (the row's menu, then Copy ID).
        #[arg(long, visible_alias = "template", value_name = "ID")]
        destination_data_template_id,
    }
}

paged_list! {
    /// List workflow runs: one page, or every page with --all.
    WorkflowsList: amperity::types::WorkflowRun = list_workflow_runs {
        /// Only runs created at or after this time, an ISO 8601 timestamp in UTC: complete
        /// (`2026-04-01T00:00:00Z`) or partial (`2026-04-01`).
        #[arg(long, value_name = "TIME")]
        created_from,
        /// Only runs created before this time (exclusive), an ISO 8601 timestamp in UTC: complete
        /// (`2026-04-30T00:00:00Z`) or partial (`2026-04-30`).
        #[arg(long, value_name = "TIME")]
        created_to,
        /// Only runs that ended at or after this time, an ISO 8601 timestamp in UTC: complete
        /// (`2026-04-01T00:00:00Z`) or partial (`2026-04-01`).
        #[arg(long, value_name = "TIME")]
        ended_from,
        /// Only runs that ended before this time (exclusive), an ISO 8601 timestamp in UTC:
        /// complete (`2026-04-30T00:00:00Z`) or partial (`2026-04-30`).
        #[arg(long, value_name = "TIME")]
        ended_to,
        /// Only runs in this state (for example `succeeded`). See `WorkflowRunState` for the
        /// values; a value not listed there may be sent as well.
        #[arg(long, value_name = "STATE")]
        state,
        /// Only runs of this type (for example `courier.group/run`). Any `type` that a listed run
        /// carries may be sent, including types not listed in `WorkflowType`.
        #[arg(long = "type", value_name = "TYPE")]
        type_,
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
        created_from,
        /// The end (exclusive) of the time window in which the jobs started, an ISO 8601
        /// timestamp in UTC: complete (`2026-10-07T00:00:00Z`) or partial (`2026-10-07`). The
        /// window, from `created_from`, spans at most 7 days.
        #[arg(long, required = true, value_name = "TIME")]
        created_to,
    }
}
