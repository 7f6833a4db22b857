//! `GET /ingest/jobs` (one time window of at most 7 days, whole, not paginated) and
//! `GET /ingest/jobs/{job-id}`: the jobs that loaded the tenant's tables, generated on demand.

use crate::config::MockConfig;
use crate::cursor::CursorCodec;
use crate::data::mix;
use crate::errors::{ApiError, quote};
use crate::ids::{ID_BITS, Permutation, dated, dated_number, short};
use crate::resources::{Call, Object, Reply, Timeline, push_array, select, time_param, write_list};
use crate::routes::App;
use crate::time::DAY_MS;

/// The longest window GET /ingest/jobs answers, as its documentation says.
const MAX_WINDOW_MS: i64 = 7 * DAY_MS;

/// The tables a tenant loads; each has a feed of its own.
const TABLES: &[&str] = &[
    "Customers",
    "Orders",
    "Order Items",
    "Loyalty Members",
    "Email Events",
    "Store Locations",
    "Products",
    "Web Sessions",
];

/// The ingest jobs of every tenant.
pub(crate) struct IngestJobs {
    len: u64,
    key: u64,
    line: Timeline,
    ids: Permutation,
    runs: Permutation,
    // Never encodes anything (the list is not paginated); `write_list` wants one.
    cursors: CursorCodec,
}

impl IngestJobs {
    /// The jobs `config` describes.
    pub(crate) fn new(config: &MockConfig) -> Self {
        let key = mix(config.seed ^ 0x1a9e_5700);
        Self {
            len: config.ingest_jobs,
            key,
            line: Timeline::new(config.ingest_jobs, key),
            ids: Permutation::new(config.seed, 3),
            runs: Permutation::new(config.seed, 4),
            cursors: CursorCodec::new(config.seed, "ingest-jobs", config.ingest_jobs),
        }
    }

    fn id(&self, i: u64) -> String {
        dated("isj", self.line.at(i), self.ids.forward(i))
    }

    /// The position of the job with ID `id`, if it is one of them.
    fn position(&self, id: &str) -> Option<u64> {
        let number = dated_number("isj", id)?;
        if number >= 1 << ID_BITS {
            return None;
        }
        let i = self.ids.inverse(number);
        (i < self.len && self.id(i) == id).then_some(i)
    }

    /// Writes job `i`: one to three tables, one to three files each, counts that add up (a
    /// table's rows read are its files' rows read, and are inserted, updated, rejected or in
    /// error).
    fn write(&self, out: &mut Vec<u8>, i: u64) {
        let started = self.line.at(i);
        let h = mix(self.key ^ mix(i));
        let job_id = self.id(i);
        // The courier group run that ran the job began a little earlier.
        let workflow_id = dated(
            "wf",
            started - 5_000 - (h % 60_000) as i64,
            self.runs.forward(i),
        );
        let batch = dated("cb", started - 2_000, self.ids.forward(i) ^ 0x2_0000_0000);
        let tables = 1 + (h % 3) as usize;
        let mut object = Object::open(out);
        object.str("id", &job_id).with("tables", |out| {
            push_array(out, tables, |out, t| {
                let th = mix(h ^ (t as u64 + 1));
                let table = (h as usize / 7 + t * 3) % TABLES.len();
                let files = 1 + (th % 3) as usize;
                let file_reads: Vec<u64> = (0..files)
                    .map(|f| 200 + mix(th ^ f as u64) % 50_000)
                    .collect();
                let file_errors: Vec<u64> = (0..files)
                    .map(|f| {
                        let e = mix(th ^ (f as u64 + 10));
                        if e.is_multiple_of(4) {
                            e % (file_reads[f] / 10)
                        } else {
                            0
                        }
                    })
                    .collect();
                let read: u64 = file_reads.iter().sum();
                let errors: u64 = file_errors.iter().sum();
                let rejected = (read - errors) * ((th >> 20) % 5) / 100;
                let updated = (read - errors - rejected) * ((th >> 28) % 60) / 100;
                let inserted = read - errors - rejected - updated;
                let state = match (th >> 40) % 50 {
                    0 => "failed",
                    1 => "skipped",
                    _ => "succeeded",
                };
                let table_start = started + 1_000 + t as i64 * 500;
                let table_end = table_start + 2_000 + (th % 240_000) as i64;
                Object::open(out)
                    .u64("errors", errors)
                    .str(
                        "feed_id",
                        &short("df", mix(self.key ^ table as u64) >> 20, 8),
                    )
                    .u64("read", read)
                    .u64("rejected", rejected)
                    .u64("updated", updated)
                    .time("started_at", table_start)
                    .str("state", state)
                    .time("ended_at", table_end)
                    .with("files", |out| {
                        push_array(out, files, |out, f| {
                            let name = format!("part{f}.avro");
                            Object::open(out)
                                .str("file_id", &format!("{batch}/{name}"))
                                .str("name", &name)
                                .u64("read", file_reads[f])
                                .u64("errors", file_errors[f])
                                .close();
                        });
                    })
                    .u64("inserted", inserted)
                    .str("table_name", TABLES[table])
                    .str("job_id", &job_id)
                    .close();
            });
        });
        object.str("workflow_id", &workflow_id).close();
    }
}

/// `GET /ingest/jobs`: `created_from` and `created_to` (both required, at most 7 days apart),
/// `with_total`. Every job of the window comes in one answer, without `next_token`.
pub(crate) fn list(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let jobs = &app.resources.ingest_jobs;
    let required = |name: &str| {
        time_param(call, name)?.ok_or_else(|| {
            ApiError::bad_request(format!(
                "Missing required parameter {name}: GET /ingest/jobs needs a window of at most \
                 7 days, for example created_from=2026-10-01&created_to=2026-10-07."
            ))
        })
    };
    let from = required("created_from")?;
    let to = required("created_to")?;
    let with_total = call.query.with_total()?;
    if to <= from {
        return Err(ApiError::bad_request(format!(
            "Invalid value for created_to: {} must be later than created_from {}.",
            quote(call.query.get("created_to").unwrap_or_default()),
            quote(call.query.get("created_from").unwrap_or_default())
        )));
    }
    if to - from > MAX_WINDOW_MS {
        return Err(ApiError::bad_request(format!(
            "Invalid value for created_to: the window from created_from spans at most 7 days; \
             {} is more than 7 days after {}.",
            quote(call.query.get("created_to").unwrap_or_default()),
            quote(call.query.get("created_from").unwrap_or_default())
        )));
    }
    app.simulate_fault()?;
    let window = jobs.line.window(Some(from), Some(to));
    let total = window.end - window.start;
    let selection = select(window, 0, u64::MAX, |_| true);
    Ok(Reply::ok(write_list(
        &jobs.cursors,
        &selection,
        with_total.then_some(total),
        |out, i| jobs.write(out, i),
    )))
}

/// `GET /ingest/jobs/{job-id}`: the job, or 404.
pub(crate) fn get(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let jobs = &app.resources.ingest_jobs;
    let position = jobs.position(call.id);
    app.simulate_fault()?;
    let i = position.ok_or_else(|| {
        ApiError::not_found(format!(
            "Ingest job {} not found in tenant {}: GET /ingest/jobs lists the jobs of a window \
             with their IDs.",
            quote(call.id),
            quote(call.tenant)
        ))
    })?;
    let mut out = Vec::with_capacity(2048);
    jobs.write(&mut out, i);
    Ok(Reply::ok(out))
}
