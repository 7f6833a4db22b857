//! `GET /audit-events`: the tenant's activity log, generated on demand in time order, optionally
//! within a time window (`happened_from` inclusive, `happened_to` exclusive).
//!
//! Events name objects the other lists serve: a segment event names a segment of GET /segments,
//! a campaign event a campaign of GET /campaigns, a workflow event a run of GET /workflow/runs.
//! A production tenant's log also holds its sandbox's events (`<tenant>-sb`), as the
//! documentation says.

use crate::config::MockConfig;
use crate::cursor::CursorCodec;
use crate::data::{Catalog, mix};
use crate::errors::ApiError;
use crate::ids::{Permutation, push_base62, short};
use crate::resources::campaigns::CampaignCatalog;
use crate::resources::workflow_runs::RunCatalog;
use crate::resources::{
    Call, Object, Paging, Reply, Timeline, pick, select, tenant_family, time_param, write_list,
};
use crate::routes::App;

/// People who act in a tenant: first and last names; emails are built on the tenant's name.
pub(crate) const PEOPLE: &[(&str, &str)] = &[
    ("Justin", "Scott"),
    ("Daniel", "Kuhlman"),
    ("María", "García"),
    ("Wei", "Chen"),
    ("Aisha", "Okafor"),
    ("Lars", "Nilsson"),
    ("Priya", "Raman"),
    ("Sam", "O'Neill"),
];

const USER_AGENTS: &[&str] = &[
    "Mac OS X 10.15.7 / Chrome 131.0",
    "Windows 10 / Edge 130.0",
    "Mac OS X 14.6 / Safari 18.1",
    "Windows 11 / Firefox 132.0",
    "python-requests/2.32.3",
    "amperity-cli/0.1.0",
];

/// What an event is about, which decides its type and object.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Segment,
    Campaign,
    Workflow,
    Login,
}

const SEGMENT_EVENTS: &[&str] = &[
    ":amperity.alert.audience/created",
    ":amperity.segment/created",
    ":amperity.segment/updated",
    ":amperity.segment/published",
];
const CAMPAIGN_EVENTS: &[&str] = &[
    ":amperity.campaign/created",
    ":amperity.campaign/updated",
    ":amperity.campaign/scheduled",
];
const WORKFLOW_EVENTS: &[&str] = &[":amperity.workflow/started", ":amperity.workflow/stopped"];

/// The audit events of every tenant (the same log, with the tenant's name in it).
pub(crate) struct AuditEvents {
    len: u64,
    key: u64,
    line: Timeline,
    ids: Permutation,
    cursors: CursorCodec,
    segments: Catalog,
    segment_count: u64,
    campaigns: CampaignCatalog,
    runs: RunCatalog,
}

impl AuditEvents {
    /// The log `config` describes.
    pub(crate) fn new(config: &MockConfig) -> Self {
        let key = mix(config.seed ^ 0xa0d1_7e00);
        Self {
            len: config.audit_events,
            key,
            line: Timeline::new(config.audit_events, key),
            ids: Permutation::new(config.seed, 1),
            cursors: CursorCodec::new(config.seed, "audit-events", config.audit_events),
            segments: Catalog::new(config.seed, config.segments),
            segment_count: config.segments.min(crate::data::MAX_SEGMENTS),
            campaigns: CampaignCatalog::new(config.seed, config.campaigns),
            runs: RunCatalog::new(config.seed, config.workflow_runs, config.campaigns),
        }
    }

    /// Writes event `i` as the tenant `tenant` sees it.
    fn write(&self, out: &mut Vec<u8>, i: u64, tenant: &str) {
        let h = mix(self.key ^ mix(i));
        let family = tenant_family(tenant);
        let (first, last) = *pick(PEOPLE, h >> 8);
        let email = format!(
            "{}.{}@{family}.com",
            first.to_lowercase(),
            last.to_lowercase().replace('\'', "")
        );
        let name = format!("{first} {last}");
        let kind = match h % 20 {
            0..=8 => Kind::Segment,
            9..=13 => Kind::Campaign,
            14..=17 => Kind::Workflow,
            _ => Kind::Login,
        };
        let (event_type, object_id, object_name) = match kind {
            Kind::Segment if self.segment_count > 0 => {
                let s = (h >> 20) % self.segment_count;
                let id = String::from_utf8_lossy(&self.segments.id(s)).into_owned();
                let name = self.segments.name(s).to_string();
                (*pick(SEGMENT_EVENTS, h >> 40), id, Some(name))
            }
            Kind::Campaign if self.campaigns.len() > 0 => {
                let c = (h >> 20) % self.campaigns.len();
                let id = self.campaigns.id(c);
                let name = self.campaigns.name(c);
                (*pick(CAMPAIGN_EVENTS, h >> 40), id, Some(name))
            }
            Kind::Workflow if self.runs.len() > 0 => {
                let r = (h >> 20) % self.runs.len();
                (
                    *pick(WORKFLOW_EVENTS, h >> 40),
                    self.runs.id(r),
                    Some(self.runs.name(r)),
                )
            }
            _ => (
                ":amperity.user/logged-in",
                format!("google-apps|{email}"),
                None,
            ),
        };
        // A production tenant's log includes its sandbox's events.
        let sandbox;
        let event_tenant = if family == tenant && (h >> 56).is_multiple_of(4) {
            sandbox = format!("{tenant}-sb");
            sandbox.as_str()
        } else {
            tenant
        };
        let ip = mix(h);
        let origin_ip = format!(
            "{}.{}.{}.{}",
            20 + ip % 180,
            (ip >> 8) % 256,
            (ip >> 16) % 256,
            1 + (ip >> 24) % 254
        );
        // A session is one person's day: the same ID for the same person on the same day.
        let day = self.line.at(i).div_euclid(crate::time::DAY_MS) as u64;
        let session = mix(self.key ^ mix(day) ^ ((h >> 8) % PEOPLE.len() as u64));
        let mut session_id = String::with_capacity(33);
        push_base62(&mut session_id, session, 11);
        push_base62(&mut session_id, mix(session), 11);
        push_base62(&mut session_id, mix(session ^ 1), 11);
        let mut object = Object::open(out);
        object
            .str(
                "event_id",
                &short("ae", self.ids.forward(i) * 3844 + h % 3844, 8),
            )
            .str("event_type", event_type)
            .time("happened_at", self.line.at(i))
            .str("principal_email", &email)
            .str("principal_id", &format!("google-apps|{email}"))
            .str("principal_name", &name)
            .str("object_id", &object_id);
        if let Some(object_name) = &object_name {
            object.str("object_name", object_name);
        }
        object
            .str("origin_ip", &origin_ip)
            .str("session_id", &session_id)
            .str("tenant", event_tenant)
            .str("tenant_family", family)
            .str("user_agent", pick::<&str>(USER_AGENTS, h >> 24))
            .close();
    }
}

/// `GET /audit-events`: `limit`, `next_token`, `with_total`, `happened_from`, `happened_to`.
pub(crate) fn list(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let events = &app.resources.audit_events;
    let paging = Paging::read(call, &events.cursors, events.len)?;
    let from = time_param(call, "happened_from")?;
    let to = time_param(call, "happened_to")?;
    app.simulate_fault()?;
    let window = events.line.window(from, to);
    let total = window.end - window.start;
    let selection = select(window, paging.start, paging.limit, |_| true);
    Ok(Reply::ok(write_list(
        &events.cursors,
        &selection,
        paging.with_total.then_some(total),
        |out, i| events.write(out, i, call.tenant),
    )))
}
