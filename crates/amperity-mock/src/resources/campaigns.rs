//! `GET /campaigns`: the tenant's campaigns, generated on demand, optionally only those that use
//! one data template (`destination_data_template_id`).

use crate::config::MockConfig;
use crate::cursor::CursorCodec;
use crate::data::mix;
use crate::errors::ApiError;
use crate::ids::{ID_BITS, Permutation, push_base62, read_base62};
use crate::resources::{Call, Object, Paging, Reply, Timeline, pick, select, write_list};
use crate::routes::App;

/// The data templates campaigns use, the spec's example first. Campaign `i` uses template
/// `i % 6`, so a filter on one is a stride through the list, not a scan.
pub const DATA_TEMPLATES: [&str; 6] = [
    "ptg-1abcAB4C2",
    "ptg-2QLLqXBEq",
    "ptg-2XsDnXwEu",
    "ptg-3fGhJk7Lm",
    "ptg-4NpQr8StU",
    "ptg-5vWxY9zAb",
];

/// 62^3: the random low part of a campaign ID under its position's number.
const SALT: u64 = 62 * 62 * 62;

/// The campaigns of a tenant: their IDs, names and delivery times as functions of the position.
#[derive(Debug, Clone)]
pub(crate) struct CampaignCatalog {
    len: u64,
    ids: Permutation,
    key: u64,
    line: Timeline,
}

impl CampaignCatalog {
    /// The `len` campaigns of `seed`.
    pub(crate) fn new(seed: u64, len: u64) -> Self {
        let key = mix(seed ^ 0xca3a_1600);
        Self {
            len,
            ids: Permutation::new(seed, 2),
            key,
            line: Timeline::new(len, key),
        }
    }

    /// How many campaigns there are.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The ID of campaign `i`, shaped like the configuration IDs of POST /workflow/runs
    /// (`cc-123ABc4DE`), so a listed campaign can be run.
    pub(crate) fn id(&self, i: u64) -> String {
        let number = self.ids.forward(i);
        let mut id = String::from("cc-");
        push_base62(&mut id, number * SALT + mix(self.key ^ number) % SALT, 9);
        id
    }

    /// The position of the campaign with ID `id`, if it is one of them.
    pub(crate) fn position(&self, id: &str) -> Option<u64> {
        let tail = id.strip_prefix("cc-")?;
        if tail.len() != 9 {
            return None;
        }
        let number = read_base62(tail)? / SALT;
        if number >= 1 << ID_BITS {
            return None;
        }
        let i = self.ids.inverse(number);
        (i < self.len && self.id(i) == id).then_some(i)
    }

    /// The name of campaign `i`.
    pub(crate) fn name(&self, i: u64) -> String {
        const THEMES: &[&str] = &[
            "Holiday Campaign",
            "Welcome Series",
            "Win-Back",
            "Spring Sale",
            "Loyalty Rewards",
            "Back to School",
            "Black Friday",
            "Cyber Monday",
            "Anniversary Offer",
            "Cart Reminder",
            "VIP Early Access",
            "New Arrivals",
            "Mother's Day",
            "Summer Clearance",
        ];
        const AUDIENCES: &[&str] = &[
            "Returning Customers",
            "Lapsed Buyers",
            "High-Value Customers",
            "Newsletter Subscribers",
            "Loyalty Members",
            "Café Regulars",
        ];
        let h = mix(self.key ^ mix(i));
        let theme = pick(THEMES, h);
        match h >> 60 {
            0..=5 => (*theme).to_owned(),
            6..=10 => format!("{theme} {}", 2025 + (h >> 40) % 2),
            _ => format!("{theme} – {}", pick(AUDIENCES, h >> 32)),
        }
    }

    /// When campaign `i` was delivered.
    pub(crate) fn deliver_at(&self, i: u64) -> i64 {
        // Campaigns go out on the hour or half hour, as the documentation's examples do.
        let at = self.line.at(i);
        at - at.rem_euclid(30 * 60_000)
    }

    fn write(&self, out: &mut Vec<u8>, i: u64) {
        Object::open(out)
            .str("id", &self.id(i))
            .str("name", &self.name(i))
            .time("deliver_at", self.deliver_at(i))
            .close();
    }
}

/// The campaigns of every tenant and their cursors.
pub(crate) struct Campaigns {
    catalog: CampaignCatalog,
    cursors: CursorCodec,
}

impl Campaigns {
    /// The campaigns `config` describes.
    pub(crate) fn new(config: &MockConfig) -> Self {
        Self {
            catalog: CampaignCatalog::new(config.seed, config.campaigns),
            cursors: CursorCodec::new(config.seed, "campaigns", config.campaigns),
        }
    }
}

/// `GET /campaigns`: `limit`, `next_token`, `with_total`, `destination_data_template_id`. An
/// unknown template is no error: no campaign uses it, so the list is empty.
pub(crate) fn list(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let campaigns = &app.resources.campaigns;
    let len = campaigns.catalog.len();
    let paging = Paging::read(call, &campaigns.cursors, len)?;
    let template = match call.query.get("destination_data_template_id") {
        None => None,
        Some("") => {
            return Err(ApiError::bad_request(
                "destination_data_template_id must not be empty: omit it to list every campaign.",
            ));
        }
        Some(id) => Some(DATA_TEMPLATES.iter().position(|t| *t == id)),
    };
    app.simulate_fault()?;
    let stride = DATA_TEMPLATES.len() as u64;
    let (selection, total) = match template {
        None => (select(0..len, paging.start, paging.limit, |_| true), len),
        Some(None) => (Default::default(), 0),
        Some(Some(t)) => {
            let t = t as u64;
            let keep = |i: u64| i % stride == t;
            let total = len / stride + u64::from(len % stride > t);
            (select(0..len, paging.start, paging.limit, keep), total)
        }
    };
    Ok(Reply::ok(write_list(
        &campaigns.cursors,
        &selection,
        paging.with_total.then_some(total),
        |out, i| campaigns.catalog.write(out, i),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_shaped_like_config_ids_and_read_back() {
        let catalog = CampaignCatalog::new(1, 1000);
        let mut seen = std::collections::HashSet::new();
        for i in 0..1000 {
            let id = catalog.id(i);
            assert_eq!(id.len(), "cc-123ABc4DE".len(), "{id}");
            assert_eq!(catalog.position(&id), Some(i));
            assert!(seen.insert(id));
        }
        assert_eq!(catalog.position("cc-123ABc4DE"), None);
        assert_eq!(CampaignCatalog::new(1, 10).position(&catalog.id(500)), None);
    }
}
