//! Workflow runs: `GET /workflow/runs`, `POST /workflow/runs`, `GET /workflow/runs/{id}` and
//! `POST /workflow/runs/{id}/stop`.
//!
//! Two kinds of runs share one list. The history (`--workflow-runs N`) is generated on demand
//! like every other list, and every run of it has ended. Runs started through the API are kept in
//! memory, per tenant, behind one lock that only these routes take, and live through
//! Amperity's states as time passes: `scheduled`, `started`, `running` (three steps), then
//! `succeeded`, one step (`--run-step-ms`) each. Nothing runs in the background: a run's state is
//! worked out from its start time whenever someone asks. A stop makes it `canceling` for one
//! step, then `canceled`, with the error the documentation shows ("Workflow manually stopped").

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::MockConfig;
use crate::cursor::CursorCodec;
use crate::data::mix;
use crate::errors::{ApiError, quote};
use crate::ids::{ID_BITS, Permutation, dated, dated_number};
use crate::resources::audit_events::PEOPLE;
use crate::resources::campaigns::CampaignCatalog;
use crate::resources::{
    Call, Object, Paging, Reply, Timeline, pick, push_array, select_ranges, tenant_family,
    time_param, write_list,
};
use crate::routes::App;
use hyper::StatusCode;

/// The most runs the API may start on one server (all tenants together): state kept in memory
/// needs a bound, and a test or a demo starts far fewer.
pub const MAX_STARTED_RUNS: usize = 100_000;

/// The longest a generated run lasts; an `ended_*` window looks this far back for its runs.
const MAX_DURATION_MS: i64 = 2 * 3_600_000;

/// Steps of a started run: one scheduled, one started, three running, then it has succeeded.
const STEPS_TO_SUCCESS: u128 = 5;

/// The states of `WorkflowRunState` the mock uses, and the ones GET /workflow/runs may filter
/// on (every value the spec lists).
const RUN_STATES: &[&str] = &[
    "scheduled",
    "started",
    "running",
    "paused",
    "stopping",
    "stopped",
    "canceling",
    "canceled",
    "succeeded",
    "failed",
];

/// A kind of workflow: its `WorkflowType`, and its tasks as (label, definition type, execution
/// type).
struct RunType {
    name: &'static str,
    tasks: &'static [(&'static str, &'static str, &'static str)],
}

const COURIER_GROUP: usize = 0;
const ORCHESTRATION: usize = 1;
const CAMPAIGN_SEND: usize = 2;
const CAMPAIGN_FETCH: usize = 3;

/// Every value of the spec's `WorkflowType`, and nothing else: the mock only sends what the spec
/// lists.
const RUN_TYPES: [RunType; 4] = [
    RunType {
        name: "courier.group/run",
        tasks: &[
            ("Resolving input tasks", "courier.group/resolve", "legacy"),
            ("Syncing tables", "bridge.sync", "prodigal"),
            ("Updating domain tables", "ingest.domain-table", "spark-sql"),
            ("Generating database", "database.generate", "databricks"),
        ],
    },
    RunType {
        name: "amperity.orchestration.orchestration/run",
        tasks: &[
            ("Getting query results", "query.run", "spark-sql"),
            (
                "Sending query results to destination",
                "orchestration.send",
                "prodigal",
            ),
        ],
    },
    RunType {
        name: "campaign.send",
        tasks: &[
            ("Getting segment results", "segment.run", "spark-sql"),
            (
                "Sending treatment to destination - S3",
                "campaign.send",
                "prodigal",
            ),
            (
                "Recording segment tracking history",
                "campaign.append-results",
                "spark-sql",
            ),
        ],
    },
    RunType {
        name: "campaign.fetch",
        tasks: &[("Getting campaign results", "campaign.fetch", "prodigal")],
    },
];

const COURIER_GROUP_NAMES: &[&str] = &[
    "Daily",
    "Hourly Loyalty",
    "Weekly POS",
    "Nightly Web Events",
    "Daily Ecommerce",
];
const ORCHESTRATION_NAMES: &[&str] = &[
    "Braze",
    "Loyalty Membership",
    "Meta Ads",
    "Google Customer Match",
    "Salesforce Marketing Cloud",
    "Klaviyo",
];

/// Errors of failed runs: attribution, type, message.
const FAILURES: &[(&str, &str, &str)] = &[
    (
        "customer",
        "amperity.workflow.task.stitch/table",
        "Found table in an invalid state: loyalty_members. This error can be resolved by \
         removing this table or by loading data to the table.",
    ),
    (
        "platform",
        "amperity.workflow.task.spark/job",
        "The Spark job was lost when its cluster was terminated. Rerunning the workflow \
         usually resolves this.",
    ),
    (
        "customer",
        "amperity.workflow.task.orchestration/send",
        "The destination refused the credentials: update them on the Destinations page, then \
         rerun the workflow.",
    ),
];
const STOPPED: (&str, &str, &str) = (
    "customer",
    "amperity.workflow.workflow.repository.core/cancel",
    "Workflow manually stopped",
);

/// How much of a run to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// GET /workflow/runs/{id} by default: the seven fields the documentation names.
    Overview,
    /// A list entry, as in the documentation's list example: the overview, the principal and
    /// the error.
    List,
    /// Everything, tasks included.
    Verbose,
}

/// Who started a run.
#[derive(Debug, Clone)]
struct Principal {
    id: String,
    name: String,
    email: Option<String>,
}

/// One task of a run, as it stands.
#[derive(Debug, Clone, Copy)]
struct Task {
    state: &'static str,
    started_at: Option<i64>,
    ended_at: Option<i64>,
}

/// A run as it stands, from either source, ready to write.
#[derive(Debug)]
struct Snapshot {
    id: String,
    name: String,
    run_type: usize,
    state: &'static str,
    created_at: i64,
    ended_at: Option<i64>,
    principal: Principal,
    /// The task that failed or was stopped, with the run's error.
    error: Option<(usize, (&'static str, &'static str, &'static str))>,
    tasks: Vec<Task>,
}

impl Snapshot {
    fn write(&self, out: &mut Vec<u8>, tenant: &str, view: View, ids: &Permutation) {
        let mut object = Object::open(out);
        object
            .str("id", &self.id)
            .str("name", &self.name)
            .str("type", RUN_TYPES[self.run_type].name)
            .str("state", self.state)
            .str("tenant", tenant)
            .time("created_at", self.created_at);
        if let Some(ended_at) = self.ended_at {
            object.time("ended_at", ended_at);
        }
        if view == View::Overview {
            object.close();
            return;
        }
        object
            .str("principal_id", &self.principal.id)
            .str("principal_name", &self.principal.name);
        if let Some(email) = &self.principal.email {
            object.str("principal_email", email);
        }
        if let Some((_, error)) = self.error {
            object.with("error", |out| write_error(out, error));
        }
        if view == View::List {
            object.close();
            return;
        }
        let number = dated_number("wf", &self.id).unwrap_or(0);
        let version = dated(
            "etv",
            self.created_at - 3_600_000,
            ids.forward(number % (1 << ID_BITS)) ^ 1,
        );
        object
            .str("launched_version", &version)
            .str("current_version", &version);
        let run_type = &RUN_TYPES[self.run_type];
        object.with("task_instances", |out| {
            push_array(out, self.tasks.len(), |out, t| {
                let task = self.tasks[t];
                let (label, definition, execution) = run_type.tasks[t];
                // Dated by the run, not the task, so the ID stays the same as the task starts.
                let task_id = dated(
                    "wft",
                    self.created_at,
                    ids.forward((number + t as u64 + 1) % (1 << ID_BITS)),
                );
                let mut task_object = Object::open(out);
                task_object
                    .str("id", &task_id)
                    .str("task_instance_id", &task_id)
                    .str("state", task.state)
                    .str("tenant", tenant)
                    .str("workflow_id", &self.id)
                    .str("label", label);
                if let Some(at) = task.started_at {
                    task_object.time("created_at", at);
                }
                if let Some(at) = task.ended_at {
                    task_object
                        .time("ended_at", at)
                        .time("state_changed_at", at);
                }
                task_object
                    .str("execution_type", execution)
                    .str("task_definition_type", definition)
                    .str(
                        "task_definition_id",
                        &format!("{definition}/{}", &self.id[3..]),
                    )
                    .u64("timeout_ms", 172_800_000);
                if let Some((failed, error)) = self.error
                    && failed == t
                {
                    task_object.with("error", |out| write_error(out, error));
                }
                task_object.close();
            });
        });
        object.close();
    }
}

fn write_error(out: &mut Vec<u8>, (attribution, kind, message): (&str, &str, &str)) {
    Object::open(out)
        .str("attribution", attribution)
        .str("type", kind)
        .str("message", message)
        .close();
}

/// The generated history: every run a function of the seed and its position, in the order
/// they were created.
#[derive(Debug, Clone)]
pub(crate) struct RunCatalog {
    len: u64,
    key: u64,
    line: Timeline,
    ids: Permutation,
    campaigns: CampaignCatalog,
}

impl RunCatalog {
    /// The `len` generated runs of `seed`, in a tenant of `campaigns` campaigns.
    pub(crate) fn new(seed: u64, len: u64, campaigns: u64) -> Self {
        let key = mix(seed ^ 0x3f10_a500);
        Self {
            len,
            key,
            line: Timeline::new(len, key),
            ids: Permutation::new(seed, 5),
            // The campaigns the runs send are the ones GET /campaigns lists.
            campaigns: CampaignCatalog::new(seed, campaigns),
        }
    }

    /// How many runs the history holds.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    fn hash(&self, i: u64) -> u64 {
        mix(self.key ^ mix(i))
    }

    /// The ID of run `i`.
    pub(crate) fn id(&self, i: u64) -> String {
        dated("wf", self.line.at(i), self.ids.forward(i))
    }

    /// The position of the run with ID `id`, if the history holds it.
    fn position(&self, id: &str) -> Option<u64> {
        let number = dated_number("wf", id)?;
        if number >= 1 << ID_BITS {
            return None;
        }
        let i = self.ids.inverse(number);
        (i < self.len && self.id(i) == id).then_some(i)
    }

    fn run_type(&self, i: u64) -> usize {
        match self.hash(i) % 10 {
            0..=3 => COURIER_GROUP,
            4..=6 => ORCHESTRATION,
            7..=8 => CAMPAIGN_SEND,
            _ => CAMPAIGN_FETCH,
        }
    }

    /// The name of the workflow run `i` is of.
    pub(crate) fn name(&self, i: u64) -> String {
        let h = self.hash(i) >> 8;
        match self.run_type(i) {
            COURIER_GROUP => (*pick(COURIER_GROUP_NAMES, h)).to_owned(),
            ORCHESTRATION => (*pick(ORCHESTRATION_NAMES, h)).to_owned(),
            _ if self.campaigns.len() > 0 => self.campaigns.name(h % self.campaigns.len()),
            _ => "Campaign".to_owned(),
        }
    }

    fn state(&self, i: u64) -> &'static str {
        match (self.hash(i) >> 16) % 50 {
            0..=4 => "failed",
            5..=7 => "canceled",
            _ => "succeeded",
        }
    }

    fn created_at(&self, i: u64) -> i64 {
        self.line.at(i)
    }

    fn ended_at(&self, i: u64) -> i64 {
        let h = self.hash(i) >> 24;
        self.created_at(i) + 10_000 + (h % (MAX_DURATION_MS as u64 - 10_000)) as i64
    }

    fn snapshot(&self, i: u64, tenant: &str, with_tasks: bool) -> Snapshot {
        let h = self.hash(i);
        let run_type = self.run_type(i);
        let state = self.state(i);
        let (created_at, ended_at) = (self.created_at(i), self.ended_at(i));
        let task_count = RUN_TYPES[run_type].tasks.len();
        let error = match state {
            "failed" => Some(((h >> 32) as usize % task_count, *pick(FAILURES, h >> 36))),
            "canceled" => Some(((h >> 32) as usize % task_count, STOPPED)),
            _ => None,
        };
        let principal = if (h >> 40).is_multiple_of(3) {
            let (first, last) = *pick(PEOPLE, h >> 44);
            let email = format!(
                "{}.{}@{}.com",
                first.to_lowercase(),
                last.to_lowercase().replace('\'', ""),
                tenant_family(tenant)
            );
            Principal {
                id: format!("google-apps|{email}"),
                name: format!("{first} {last}"),
                email: Some(email),
            }
        } else {
            automated()
        };
        let tasks = if with_tasks {
            let slice = (ended_at - created_at) / task_count as i64;
            (0..task_count)
                .map(|t| {
                    let start = created_at + slice * t as i64;
                    let end = start + slice;
                    match error {
                        Some((stopped, _)) if t > stopped => Task {
                            state: if state == "failed" {
                                "skipped"
                            } else {
                                "canceled"
                            },
                            started_at: None,
                            ended_at: None,
                        },
                        Some((stopped, _)) if t == stopped => Task {
                            state: if state == "failed" {
                                "failed"
                            } else {
                                "stopped"
                            },
                            started_at: Some(start),
                            ended_at: Some(ended_at),
                        },
                        _ => Task {
                            state: "succeeded",
                            started_at: Some(start),
                            ended_at: Some(end),
                        },
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        Snapshot {
            id: self.id(i),
            name: self.name(i),
            run_type,
            state,
            created_at,
            ended_at: Some(ended_at),
            principal,
            error,
            tasks,
        }
    }
}

fn automated() -> Principal {
    Principal {
        id: "amperity|scheduler".to_owned(),
        name: "Automated workflow".to_owned(),
        email: None,
    }
}

/// A run started through the API.
#[derive(Debug)]
struct StartedRun {
    id: String,
    name: String,
    run_type: usize,
    created_ms: i64,
    created: Instant,
    /// When it was stopped, if it was.
    stopped: Option<Instant>,
}

impl StartedRun {
    /// The run as it stands at `now`; `fresh` shows it as it was created (the answer to its
    /// POST), whatever the pace.
    fn snapshot(&self, now: Instant, step: Duration, fresh: bool) -> Snapshot {
        let step_ms = step.as_millis();
        let ms = |instant: Instant| {
            self.created_ms + instant.duration_since(self.created).as_millis() as i64
        };
        // Steps done by `at`: a zero pace has done them all at once.
        let steps_at = |at: Instant| -> u128 {
            if fresh {
                0
            } else {
                at.duration_since(self.created)
                    .as_millis()
                    .checked_div(step_ms)
                    .unwrap_or(u128::MAX)
            }
        };
        let step_time = |k: u128| self.created_ms + (k.min(1 << 40) * step_ms) as i64;
        let task_count = RUN_TYPES[self.run_type].tasks.len();
        // The tasks as they stand after `steps` steps: they share the three running steps.
        let progress = |steps: u128, elapsed_ms: u128| -> (usize, bool) {
            if steps < 2 {
                return (0, false);
            }
            if steps >= STEPS_TO_SUCCESS {
                return (task_count, false);
            }
            let running_ms = elapsed_ms.saturating_sub(2 * step_ms);
            let done = (running_ms * task_count as u128 / (3 * step_ms).max(1)) as usize;
            (done.min(task_count - 1), true)
        };
        let task_span = |t: usize| -> (i64, i64) {
            let running = 3 * step_ms as i64;
            let start =
                self.created_ms + 2 * step_ms as i64 + running * t as i64 / task_count as i64;
            (start, start + running / task_count as i64)
        };
        let (state, ended_at, error, tasks) = match self.stopped {
            Some(stopped) if !fresh => {
                let stop_ms = ms(stopped);
                let canceled = step_ms == 0 || now.duration_since(stopped).as_millis() >= step_ms;
                let ended = stop_ms + step_ms as i64;
                let steps = steps_at(stopped);
                let (done, active) =
                    progress(steps, stopped.duration_since(self.created).as_millis());
                let tasks = (0..task_count)
                    .map(|t| {
                        let (start, end) = task_span(t);
                        if t < done {
                            Task {
                                state: "succeeded",
                                started_at: Some(start),
                                ended_at: Some(end),
                            }
                        } else if t == done && active {
                            Task {
                                state: if canceled { "stopped" } else { "stopping" },
                                started_at: Some(start),
                                ended_at: canceled.then_some(ended),
                            }
                        } else {
                            Task {
                                state: "canceled",
                                started_at: None,
                                ended_at: None,
                            }
                        }
                    })
                    .collect();
                if canceled {
                    (
                        "canceled",
                        Some(ended),
                        Some((done.min(task_count - 1), STOPPED)),
                        tasks,
                    )
                } else {
                    ("canceling", None, None, tasks)
                }
            }
            _ => {
                let steps = steps_at(now);
                let elapsed = if fresh {
                    0
                } else {
                    now.duration_since(self.created).as_millis()
                };
                let (done, active) = progress(steps, elapsed);
                let tasks = (0..task_count)
                    .map(|t| {
                        let (start, end) = task_span(t);
                        if t < done {
                            Task {
                                state: "succeeded",
                                started_at: Some(start),
                                ended_at: Some(end),
                            }
                        } else if t == done && active {
                            Task {
                                state: "running",
                                started_at: Some(start),
                                ended_at: None,
                            }
                        } else {
                            Task {
                                state: "scheduled",
                                started_at: None,
                                ended_at: None,
                            }
                        }
                    })
                    .collect();
                match steps {
                    0 => ("scheduled", None, None, tasks),
                    1 => ("started", None, None, tasks),
                    k if k < STEPS_TO_SUCCESS => ("running", None, None, tasks),
                    _ => ("succeeded", Some(step_time(STEPS_TO_SUCCESS)), None, tasks),
                }
            }
        };
        Snapshot {
            id: self.id.clone(),
            name: self.name.clone(),
            run_type: self.run_type,
            state,
            created_at: self.created_ms,
            ended_at,
            principal: api_principal(),
            error,
            tasks,
        }
    }
}

/// Who starts runs through the mock's API: an API key.
fn api_principal() -> Principal {
    Principal {
        id: "api-key|ak-2mOcKaPiK".to_owned(),
        name: "amperity-mock API key".to_owned(),
        email: None,
    }
}

/// The runs one tenant started, in the order it started them.
#[derive(Debug, Default)]
struct TenantRuns {
    runs: Vec<StartedRun>,
    by_id: HashMap<String, usize>,
}

/// Every tenant's started runs.
#[derive(Debug, Default)]
struct Started {
    tenants: HashMap<String, TenantRuns>,
    count: u64,
}

/// The workflow runs of a server: the generated history and the runs started through the API.
pub(crate) struct WorkflowRuns {
    history: RunCatalog,
    cursors: CursorCodec,
    step: Duration,
    started: Mutex<Started>,
}

impl WorkflowRuns {
    /// The runs `config` describes.
    pub(crate) fn new(config: &MockConfig) -> Self {
        Self {
            history: RunCatalog::new(config.seed, config.workflow_runs, config.campaigns),
            // The list grows, so the cursor's bound is checked against the tenant's length.
            cursors: CursorCodec::new(config.seed, "workflow-runs", u64::MAX),
            step: config.run_step,
            started: Mutex::new(Started::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Started> {
        // A panic while holding the lock leaves the runs as they were (every change is one
        // push or one assignment), so the poison can be ignored.
        self.started
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

/// The `view` parameter.
fn view(call: &Call<'_>) -> Result<View, ApiError> {
    match call.query.get("view") {
        None | Some("overview") => Ok(View::Overview),
        Some("verbose") => Ok(View::Verbose),
        Some(other) => Err(ApiError::bad_request(format!(
            "Invalid value for view: must be overview or verbose, got {}.",
            quote(other)
        ))),
    }
}

/// A filter that must be one of `values`.
fn one_of(
    call: &Call<'_>,
    name: &str,
    values: &[&'static str],
) -> Result<Option<&'static str>, ApiError> {
    match call.query.get(name) {
        None => Ok(None),
        Some(text) => values
            .iter()
            .find(|v| **v == text)
            .copied()
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Invalid value for {name}: {} is not one of {}.",
                    quote(text),
                    values.join(", ")
                ))
            }),
    }
}

/// `GET /workflow/runs`: `limit`, `next_token`, `with_total`, `created_from`, `created_to`,
/// `ended_from`, `ended_to`, `state`, `type`. The history comes first, oldest first, then the
/// runs the tenant started, in the order it started them.
pub(crate) fn list(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let runs = &app.resources.workflow_runs;
    let history = &runs.history;
    let created_from = time_param(call, "created_from")?;
    let created_to = time_param(call, "created_to")?;
    let ended_from = time_param(call, "ended_from")?;
    let ended_to = time_param(call, "ended_to")?;
    let state = one_of(call, "state", RUN_STATES)?;
    let types: Vec<&'static str> = RUN_TYPES.iter().map(|t| t.name).collect();
    let run_type = one_of(call, "type", &types)?
        .and_then(|name| RUN_TYPES.iter().position(|t| t.name == name));
    let started = runs.lock();
    let own = started.tenants.get(call.tenant);
    let own_len = own.map_or(0, |t| t.runs.len() as u64);
    let paging = Paging::read(call, &runs.cursors, history.len() + own_len)?;
    app.simulate_fault()?;
    let now = Instant::now();
    let in_window = |t: i64, from: Option<i64>, to: Option<i64>| {
        from.is_none_or(|from| t >= from) && to.is_none_or(|to| t < to)
    };
    let ended_filter = ended_from.is_some() || ended_to.is_some();
    // The history's created window, narrowed by the ended window (no run lasts longer than
    // MAX_DURATION_MS), is a range of positions.
    let from = [created_from, ended_from.map(|t| t - MAX_DURATION_MS)]
        .into_iter()
        .flatten()
        .max();
    let to = [created_to, ended_to].into_iter().flatten().min();
    let window = history.line.window(from, to);
    let keep = |i: u64| -> bool {
        if i < history.len() {
            (!ended_filter || in_window(history.ended_at(i), ended_from, ended_to))
                && state.is_none_or(|s| history.state(i) == s)
                && run_type.is_none_or(|t| history.run_type(i) == t)
        } else {
            let run = &own
                .expect("positions past the history are the tenant's")
                .runs[(i - history.len()) as usize];
            let snapshot = run.snapshot(now, runs.step, false);
            in_window(run.created_ms, created_from, created_to)
                && (!ended_filter
                    || snapshot
                        .ended_at
                        .is_some_and(|t| in_window(t, ended_from, ended_to)))
                && state.is_none_or(|s| snapshot.state == s)
                && run_type.is_none_or(|t| run.run_type == t)
        }
    };
    let ranges = [window, history.len()..history.len() + own_len];
    let selection = select_ranges(&ranges, paging.start, paging.limit, &keep);
    let total = paging.with_total.then(|| {
        // Without a filter beyond the created window, the history's count is the window's
        // length: no need to look at every run.
        let scan_history = ended_filter || state.is_some() || run_type.is_some();
        let [window, own_range] = &ranges;
        let history_count = if scan_history {
            window.clone().filter(|&i| keep(i)).count() as u64
        } else {
            window.end - window.start
        };
        history_count + own_range.clone().filter(|&i| keep(i)).count() as u64
    });
    let ids = &history.ids;
    Ok(Reply::ok(write_list(
        &runs.cursors,
        &selection,
        total,
        |out, i| {
            let snapshot = if i < history.len() {
                history.snapshot(i, call.tenant, false)
            } else {
                own.expect("positions past the history are the tenant's")
                    .runs[(i - history.len()) as usize]
                    .snapshot(now, runs.step, false)
            };
            snapshot.write(out, call.tenant, View::List, ids);
        },
    )))
}

/// The run `id` of the tenant as it stands, or 404.
fn find(
    runs: &WorkflowRuns,
    started: &Started,
    call: &Call<'_>,
    now: Instant,
    with_tasks: bool,
) -> Result<Snapshot, ApiError> {
    if let Some(own) = started.tenants.get(call.tenant)
        && let Some(&at) = own.by_id.get(call.id)
    {
        return Ok(own.runs[at].snapshot(now, runs.step, false));
    }
    match runs.history.position(call.id) {
        Some(i) => Ok(runs.history.snapshot(i, call.tenant, with_tasks)),
        None => Err(ApiError::not_found(format!(
            "Workflow run {} not found in tenant {}: GET /workflow/runs lists the runs with \
             their IDs.",
            quote(call.id),
            quote(call.tenant)
        ))),
    }
}

/// `GET /workflow/runs/{workflow-id}`: the run as it stands, in the `view` asked for, or 404.
pub(crate) fn get(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let runs = &app.resources.workflow_runs;
    let view = view(call)?;
    app.simulate_fault()?;
    let snapshot = {
        let started = runs.lock();
        find(runs, &started, call, Instant::now(), view == View::Verbose)?
    };
    let mut out = Vec::with_capacity(1024);
    snapshot.write(&mut out, call.tenant, view, &runs.history.ids);
    Ok(Reply::ok(out))
}

/// The request body of POST /workflow/runs, checked.
struct StartRequest {
    config_id: String,
}

/// Reads a `WorkflowRunRequest`: 400 naming the field for a missing or malformed one.
fn start_request(body: &[u8]) -> Result<StartRequest, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|error| {
        ApiError::bad_request(format!(
            "The request body must be a JSON WorkflowRunRequest, such as \
             {{\"config_id\": \"cg-123ABc4DE\"}}: {error}."
        ))
    })?;
    let object = value.as_object().ok_or_else(|| {
        ApiError::bad_request(
            "The request body must be a JSON object (a WorkflowRunRequest), such as \
             {\"config_id\": \"cg-123ABc4DE\"}.",
        )
    })?;
    let text = |name: &str| -> Result<Option<&str>, ApiError> {
        match object.get(name) {
            None => Ok(None),
            Some(serde_json::Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(ApiError::bad_request(format!(
                "Invalid value for {name}: must be a string, got {}.",
                quote(&other.to_string())
            ))),
        }
    };
    let config_id = match text("config_id")? {
        None => {
            return Err(ApiError::bad_request(
                "Missing required field config_id: name the courier group (cg-…), \
                 orchestration group (og-…) or campaign (cc-…) to run.",
            ));
        }
        Some("") => return Err(ApiError::bad_request("config_id must not be empty.")),
        Some(id) => id.to_owned(),
    };
    let range_from = text("range_from")?
        .map(|t| crate::time::parse_param("range_from", t))
        .transpose()?;
    let range_to = text("range_to")?
        .map(|t| crate::time::parse_param("range_to", t))
        .transpose()?;
    let run_mode = one_of_body(
        text("run_mode")?,
        "run_mode",
        &["full", "refresh", "source"],
    )?;
    match (range_from, range_to) {
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "range_to needs range_from: give the start of the window too.",
            ));
        }
        (Some(from), Some(to)) if to <= from => {
            return Err(ApiError::bad_request(
                "Invalid value for range_to: it must be later than range_from.",
            ));
        }
        _ => {}
    }
    let courier_only = [
        ("range_from", range_from.is_some()),
        ("range_to", range_to.is_some()),
        ("run_mode", run_mode.is_some()),
    ];
    if !config_id.starts_with("cg-")
        && let Some((name, _)) = courier_only.iter().find(|(_, given)| *given)
    {
        // Only refused for IDs of another kind; an unknown ID is a 404 below.
        if config_id.starts_with("og-") || config_id.starts_with("cc-") {
            return Err(ApiError::bad_request(format!(
                "{name} applies to courier groups (cg-…) only, not to {}.",
                quote(&config_id)
            )));
        }
    }
    Ok(StartRequest { config_id })
}

fn one_of_body<'t>(
    value: Option<&'t str>,
    name: &str,
    values: &[&str],
) -> Result<Option<&'t str>, ApiError> {
    match value {
        Some(text) if !values.contains(&text) => Err(ApiError::bad_request(format!(
            "Invalid value for {name}: {} is not one of {}.",
            quote(text),
            values.join(", ")
        ))),
        other => Ok(other),
    }
}

/// `POST /workflow/runs`: starts a run of a courier group (`cg-…`, any), an orchestration group
/// (`og-…`, any) or a campaign (`cc-…`, one that GET /campaigns lists), and answers 201 with the
/// run, `scheduled`. Any other `config_id` names no workflow: 404.
pub(crate) fn start(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let runs = &app.resources.workflow_runs;
    let request = start_request(call.body)?;
    let id = request.config_id.as_str();
    let well_formed = |prefix: &str| {
        id.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    let h = mix(runs.history.key ^ id.bytes().fold(0, |h, b| mix(h ^ u64::from(b))));
    let (run_type, name) = if well_formed("cg-") {
        (COURIER_GROUP, (*pick(COURIER_GROUP_NAMES, h)).to_owned())
    } else if well_formed("og-") {
        (ORCHESTRATION, (*pick(ORCHESTRATION_NAMES, h)).to_owned())
    } else if let Some(i) = runs.history.campaigns.position(id) {
        (CAMPAIGN_SEND, runs.history.campaigns.name(i))
    } else {
        return Err(ApiError::not_found(format!(
            "No workflow with config_id {} in tenant {}: run a courier group (cg-…), an \
             orchestration group (og-…) or a campaign that GET /campaigns lists (cc-…).",
            quote(id),
            quote(call.tenant)
        )));
    };
    app.simulate_fault()?;
    let mut started = runs.lock();
    if started.count as usize >= MAX_STARTED_RUNS {
        return Err(ApiError::conflict(format!(
            "This mock server keeps at most {MAX_STARTED_RUNS} started runs in memory; restart \
             it to start more."
        )));
    }
    let number = runs
        .history
        .ids
        .forward((runs.history.len() + started.count) % (1 << ID_BITS));
    started.count += 1;
    let created_ms = crate::time::now_ms();
    let run = StartedRun {
        id: dated("wf", created_ms, number),
        name,
        run_type,
        created_ms,
        created: Instant::now(),
        stopped: None,
    };
    let snapshot = run.snapshot(run.created, runs.step, true);
    let own = started.tenants.entry(call.tenant.to_owned()).or_default();
    own.by_id.insert(run.id.clone(), own.runs.len());
    own.runs.push(run);
    drop(started);
    let mut out = Vec::with_capacity(1024);
    snapshot.write(&mut out, call.tenant, View::Verbose, &runs.history.ids);
    Ok(Reply {
        status: StatusCode::CREATED,
        body: out,
        headers: Vec::new(),
    })
}

/// `POST /workflow/runs/{workflow-id}/stop`: stops a run that has not ended and answers with it
/// (`canceling`, then `canceled` a step later). Stopping a run that is already stopping or
/// stopped answers 200 with the run as it stands, since stopping twice is stopping once. A run
/// that succeeded or failed cannot be stopped: 409. An unknown run: 404.
pub(crate) fn stop(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let runs = &app.resources.workflow_runs;
    app.simulate_fault()?;
    let now = Instant::now();
    let mut started = runs.lock();
    let snapshot = find(runs, &started, call, now, true)?;
    let snapshot = match snapshot.state {
        "scheduled" | "started" | "running" | "paused" => {
            let own = started
                .tenants
                .get_mut(call.tenant)
                .expect("only started runs are running");
            let at = own.by_id[call.id];
            own.runs[at].stopped = Some(now);
            own.runs[at].snapshot(now, runs.step, false)
        }
        "canceling" | "canceled" | "stopping" | "stopped" => snapshot,
        ended => {
            return Err(ApiError::conflict(format!(
                "Workflow run {} has already {ended}: only a run that has not ended can be \
                 stopped.",
                quote(call.id)
            )));
        }
    };
    drop(started);
    let mut out = Vec::with_capacity(1024);
    snapshot.write(&mut out, call.tenant, View::Verbose, &runs.history.ids);
    Ok(Reply::ok(out))
}
