//! The indexes of a tenant and the profiles in them, as functions of the seed and the position.
//!
//! Nothing is stored. An index is built from its position when a request names it (a handful of
//! hashes); a profile is written from `(index, position)`. Its attributes come in two kinds:
//!
//! - the ones a filter can select on are *solvable*: either a function of one "digit" of the
//!   position (the position modulo a prime: first name, last name, place, tier, e-mail opt-in),
//!   or an encoding of the whole position that reads back (e-mail address, loyalty ID). That is
//!   what lets `filter.rs` find the profiles a filter keeps without looking at the others;
//! - the others are hashes of the position (phone, birth date, amounts, notes, ...).
//!
//! IDs encode positions through keyed permutations (`ids.rs`), so a made-up ID is a 404. The
//! first index and its first profile are the documentation's examples (`idx-xyz789`
//! "loyalty_members"; `cl-abc123`, Daniel Kuhlman, `danielkuhlman@email.com`, `123456789-0`), as
//! the seed document's segments come first in `GET /segments`.

use crate::data::mix;
use crate::ids::{ID_BITS, Permutation, push_base62, read_base62};
use crate::json;
use crate::resources::{HISTORY_MS, Object, history_end_ms, pick, push_array};
use crate::time::{DAY_MS, civil_from_days, days_from_civil};

use super::words::{
    CATEGORIES, DOMAINS, FIRST_NAMES, LAST_NAMES, NOTES, PLACES, SIGNUP_SOURCES, STORES, TIERS,
};

/// The documentation's example index, served first.
const EXAMPLE_INDEX_ID: &str = "idx-xyz789";
/// When the example index was created and updated, as the documentation's list example says:
/// 2025-07-30T22:16:04.409Z.
const EXAMPLE_INDEX_TIME_MS: i64 = (20_299 * DAY_MS) + 80_164_409;
/// The documentation's example profile, first in the example index.
const EXAMPLE_PROFILE_ID: &str = "cl-abc123";
const EXAMPLE_EMAIL: &str = "danielkuhlman@email.com";
/// Its loyalty ID. Its check digit is not the Luhn digit of `123456789` (7), so no generated
/// loyalty ID, whose check digits are all right, can be the same.
const EXAMPLE_LOYALTY_ID: &str = "123456789-0";

/// 62^2: the random low part of an index or profile ID under its position's number. With the
/// permuted number (below 2^34) it fits eight base-62 characters, so generated IDs are longer
/// than the examples' six and never meet them.
const SALT: u64 = 62 * 62;
const ID_CHARS: usize = 8;

/// Loyalty IDs are nine digits: a keyed affine bijection of the position modulo 10^9.
const LOYALTY_MODULUS: u64 = 1_000_000_000;

/// The digits of a position: which word list each solvable attribute takes its value from.
/// Their moduli are the lists' lengths, distinct primes, so that every combination of values
/// occurs, and a filter on several of them is one residue class modulo their product.
pub(super) const FIRST: usize = 0;
pub(super) const LAST: usize = 1;
pub(super) const PLACE: usize = 2;
pub(super) const TIER: usize = 3;
pub(super) const OPT_IN: usize = 4;
/// The modulus of each digit.
pub(super) const MODULI: [u64; 5] = [
    FIRST_NAMES.len() as u64,
    LAST_NAMES.len() as u64,
    PLACES.len() as u64,
    TIERS.len() as u64,
    2,
];

/// A field of an index: an attribute every profile of the index has, under this name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    FirstName,
    LastName,
    Email,
    LoyaltyId,
    LoyaltyTier,
    PointsBalance,
    City,
    State,
    PostalCode,
    Country,
    Phone,
    Birthdate,
    EmailOptIn,
    LastPurchaseAt,
    PreferredStore,
    Notes,
    SubscribedAt,
    SignupSource,
    LifetimeValue,
    OrderCount,
    AverageOrderValue,
    ChurnRisk,
    FavoriteCategories,
}

/// How a field's value depends on the position: what a filter on it can be solved with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Solve {
    /// A function of one digit ([`FIRST`], ...); `text` gives each entry's value as a filter
    /// compares it.
    Digit(usize),
    /// Unique to the profile, and it reads back to the position.
    Unique,
    /// A hash of the position: no filter.
    Hash,
}

impl Field {
    /// Its name, the attribute's key and the `<attribute>` of `filter[<attribute>]`.
    pub(super) const fn name(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::LoyaltyId => "loyalty_id",
            Field::LoyaltyTier => "loyalty_tier",
            Field::PointsBalance => "points_balance",
            Field::City => "city",
            Field::State => "state",
            Field::PostalCode => "postal_code",
            Field::Country => "country",
            Field::Phone => "phone",
            Field::Birthdate => "birthdate",
            Field::EmailOptIn => "email_opt_in",
            Field::LastPurchaseAt => "last_purchase_at",
            Field::PreferredStore => "preferred_store",
            Field::Notes => "notes",
            Field::SubscribedAt => "subscribed_at",
            Field::SignupSource => "signup_source",
            Field::LifetimeValue => "lifetime_value",
            Field::OrderCount => "order_count",
            Field::AverageOrderValue => "average_order_value",
            Field::ChurnRisk => "churn_risk",
            Field::FavoriteCategories => "favorite_categories",
        }
    }

    /// How a filter on it is solved.
    pub(super) const fn solve(self) -> Solve {
        match self {
            Field::FirstName => Solve::Digit(FIRST),
            Field::LastName => Solve::Digit(LAST),
            Field::City | Field::State | Field::PostalCode | Field::Country => Solve::Digit(PLACE),
            Field::LoyaltyTier => Solve::Digit(TIER),
            Field::EmailOptIn => Solve::Digit(OPT_IN),
            Field::Email | Field::LoyaltyId => Solve::Unique,
            _ => Solve::Hash,
        }
    }

    /// The value of a [`Solve::Digit`] field for entry `entry` of its word list, as the text a
    /// filter value is compared with (`true` or `false` for the opt-in, a JSON boolean).
    pub(super) fn text(self, entry: usize) -> &'static str {
        match self {
            Field::FirstName => FIRST_NAMES[entry].0,
            Field::LastName => LAST_NAMES[entry].0,
            Field::City => PLACES[entry].city,
            Field::State => PLACES[entry].state,
            Field::PostalCode => PLACES[entry].postal_code,
            Field::Country => PLACES[entry].country,
            Field::LoyaltyTier => TIERS[entry],
            Field::EmailOptIn => opt_in_text(entry),
            _ => "",
        }
    }
}

/// Entry 0 of the opt-in digit is `true`: most customers of a loyalty program opted in, and the
/// example profile too.
fn opt_in_text(entry: usize) -> &'static str {
    if entry == 0 { "true" } else { "false" }
}

/// What an index is: its name, what it is for, its fields in order, and the ones it makes
/// available as filters.
#[derive(Debug)]
pub(super) struct Template {
    pub(super) name: &'static str,
    description: &'static str,
    pub(super) fields: &'static [Field],
    pub(super) filters: &'static [Field],
}

const LOYALTY_FIELDS: &[Field] = &[
    Field::FirstName,
    Field::LastName,
    Field::Email,
    Field::LoyaltyId,
    Field::LoyaltyTier,
    Field::PointsBalance,
    Field::City,
    Field::State,
    Field::PostalCode,
    Field::Phone,
    Field::Birthdate,
    Field::EmailOptIn,
    Field::LastPurchaseAt,
    Field::PreferredStore,
    Field::Notes,
];
const LOYALTY_FILTERS: &[Field] = &[
    Field::FirstName,
    Field::LastName,
    Field::Email,
    Field::LoyaltyId,
    Field::LoyaltyTier,
    Field::City,
    Field::State,
];
const SUBSCRIBER_FIELDS: &[Field] = &[
    Field::Email,
    Field::FirstName,
    Field::LastName,
    Field::EmailOptIn,
    Field::SubscribedAt,
    Field::SignupSource,
    Field::City,
    Field::Country,
    Field::Notes,
];
const SUBSCRIBER_FILTERS: &[Field] = &[
    Field::Email,
    Field::FirstName,
    Field::LastName,
    Field::EmailOptIn,
    Field::Country,
];
const VALUE_FIELDS: &[Field] = &[
    Field::FirstName,
    Field::LastName,
    Field::Email,
    Field::LoyaltyTier,
    Field::LifetimeValue,
    Field::OrderCount,
    Field::AverageOrderValue,
    Field::ChurnRisk,
    Field::FavoriteCategories,
    Field::LastPurchaseAt,
    Field::City,
    Field::State,
    Field::Country,
];
const VALUE_FILTERS: &[Field] = &[
    Field::Email,
    Field::LastName,
    Field::LoyaltyTier,
    Field::State,
    Field::Country,
];

/// The kinds of index, in the order the tenant's indexes cycle through them; past the sixth,
/// names take a number (`loyalty_members_2`).
pub(super) const TEMPLATES: [Template; 6] = [
    Template {
        name: "loyalty_members",
        description: "Profiles from the loyalty program",
        fields: LOYALTY_FIELDS,
        filters: LOYALTY_FILTERS,
    },
    Template {
        name: "email_subscribers",
        description: "Customers who opted in to marketing email",
        fields: SUBSCRIBER_FIELDS,
        filters: SUBSCRIBER_FILTERS,
    },
    Template {
        name: "high_value_customers",
        description: "Customers with the highest predicted lifetime value",
        fields: VALUE_FIELDS,
        filters: VALUE_FILTERS,
    },
    Template {
        name: "store_shoppers",
        description: "Customers who bought in a store in the last year",
        fields: LOYALTY_FIELDS,
        filters: LOYALTY_FILTERS,
    },
    Template {
        name: "lapsed_buyers",
        description: "Customers with no purchase in the last 12 months",
        fields: VALUE_FIELDS,
        filters: VALUE_FILTERS,
    },
    Template {
        name: "mobile_app_users",
        description: "Customers signed in to the mobile app",
        fields: SUBSCRIBER_FIELDS,
        filters: SUBSCRIBER_FILTERS,
    },
];

/// The indexes of every tenant: `len` of them, each holding `profiles` profiles.
#[derive(Debug, Clone)]
pub(crate) struct IndexCatalog {
    seed: u64,
    len: u64,
    profiles: u64,
    ids: Permutation,
    key: u64,
}

impl IndexCatalog {
    /// The `len` indexes of `seed`, of `profiles` profiles each. `len` must be below 2^34 and
    /// `profiles` at most 10^9 (the config's bounds are far lower and equal).
    pub(crate) fn new(seed: u64, len: u64, profiles: u64) -> Self {
        Self {
            seed,
            len,
            profiles,
            ids: Permutation::new(seed, 0x1d_e500),
            key: mix(seed ^ 0x1d_e500),
        }
    }

    /// How many indexes there are.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Index `position`, which must be below [`IndexCatalog::len`].
    pub(super) fn index(&self, position: u64) -> Index {
        let key = mix(self.key ^ mix(position));
        // The example index keeps its digits in list order, so that its first profile is the
        // documentation's Daniel Kuhlman; the others start and step through the lists at random.
        let example = position == 0;
        let digits = std::array::from_fn(|d| {
            let modulus = MODULI[d];
            let h = mix(key ^ (d as u64 + 1));
            Digit {
                modulus,
                step: 1 + (h >> 8) % (modulus - 1).max(1),
                offset: if example { 0 } else { h % modulus },
            }
        });
        // Odd and not a multiple of 5: a unit modulo 10^9, so the map is a bijection.
        let mut multiplier = (mix(key ^ 0x10) % LOYALTY_MODULUS) | 1;
        if multiplier.is_multiple_of(5) {
            multiplier += 2;
        }
        Index {
            position,
            id: self.id(position),
            template: &TEMPLATES[(position % TEMPLATES.len() as u64) as usize],
            len: self.profiles,
            key,
            profile_ids: Permutation::new(self.seed, 0x1d_e501 ^ (position << 24)),
            digits,
            loyalty: Affine {
                multiplier,
                inverse: inverse_mod(multiplier, LOYALTY_MODULUS),
                shift: mix(key ^ 0x11) % LOYALTY_MODULUS,
            },
        }
    }

    fn id(&self, position: u64) -> String {
        if position == 0 {
            return EXAMPLE_INDEX_ID.to_owned();
        }
        let number = self.ids.forward(position);
        let mut id = String::from("idx-");
        push_base62(
            &mut id,
            number * SALT + mix(self.key ^ number) % SALT,
            ID_CHARS,
        );
        id
    }

    /// The index with ID `id`, if there is one.
    pub(super) fn find(&self, id: &str) -> Option<Index> {
        let position = if id == EXAMPLE_INDEX_ID {
            0
        } else {
            let number = read_id(id.strip_prefix("idx-")?)?;
            self.ids.inverse(number)
        };
        (position < self.len && self.id(position) == id).then(|| self.index(position))
    }
}

/// The permuted number an eight-character ID tail spells, if it is one.
fn read_id(tail: &str) -> Option<u64> {
    if tail.len() != ID_CHARS {
        return None;
    }
    let number = read_base62(tail)? / SALT;
    (number < 1 << ID_BITS).then_some(number)
}

/// One digit of a position: `((position mod modulus) * step + offset) mod modulus` is the entry
/// of the word list. `step` is a unit modulo the (prime) modulus, so every entry occurs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Digit {
    pub(super) modulus: u64,
    step: u64,
    offset: u64,
}

impl Digit {
    /// The entry of position `p`.
    pub(super) fn entry(&self, p: u64) -> usize {
        (((p % self.modulus) * self.step + self.offset) % self.modulus) as usize
    }

    /// The residues (positions modulo `modulus`) whose entry `keep` accepts, in order.
    pub(super) fn residues(&self, mut keep: impl FnMut(usize) -> bool) -> Vec<u64> {
        (0..self.modulus).filter(|&r| keep(self.entry(r))).collect()
    }
}

/// `x -> (x * multiplier + shift) mod 10^9`, with the inverse multiplier to undo it.
#[derive(Debug, Clone, Copy)]
struct Affine {
    multiplier: u64,
    inverse: u64,
    shift: u64,
}

impl Affine {
    fn forward(&self, x: u64) -> u64 {
        ((u128::from(x) * u128::from(self.multiplier) + u128::from(self.shift))
            % u128::from(LOYALTY_MODULUS)) as u64
    }

    fn inverse(&self, y: u64) -> u64 {
        let shifted = (y + LOYALTY_MODULUS - self.shift % LOYALTY_MODULUS) % LOYALTY_MODULUS;
        ((u128::from(shifted) * u128::from(self.inverse)) % u128::from(LOYALTY_MODULUS)) as u64
    }
}

/// The inverse of `a` modulo `m` (extended Euclid); `a` must be a unit modulo `m`.
pub(super) fn inverse_mod(a: u64, m: u64) -> u64 {
    let (mut old_r, mut r) = (i128::from(a % m), i128::from(m));
    let (mut old_s, mut s) = (1i128, 0i128);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    old_s.rem_euclid(i128::from(m)) as u64
}

/// The Luhn check digit of `n`'s decimal digits.
fn luhn(mut n: u64) -> u8 {
    let mut sum = 0;
    let mut double = true;
    while n > 0 {
        let mut d = n % 10;
        if double {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        double = !double;
        n /= 10;
    }
    ((10 - sum % 10) % 10) as u8
}

/// One index, built from its position.
#[derive(Debug, Clone)]
pub(super) struct Index {
    position: u64,
    /// Its ID, the `index-id` of the requests for it.
    pub(super) id: String,
    pub(super) template: &'static Template,
    /// How many profiles it holds.
    pub(super) len: u64,
    key: u64,
    profile_ids: Permutation,
    pub(super) digits: [Digit; 5],
    loyalty: Affine,
}

impl Index {
    /// Whether `p` is the documentation's example profile.
    fn is_example(&self, p: u64) -> bool {
        self.position == 0 && p == 0
    }

    /// Writes the index as a `ProfileIndex`, with its filters (an extension, see the README).
    pub(super) fn write(&self, out: &mut Vec<u8>) {
        let (created, updated) = self.times();
        let suffix = self.position / TEMPLATES.len() as u64;
        let name = if suffix == 0 {
            self.template.name.to_owned()
        } else {
            format!("{}_{}", self.template.name, suffix + 1)
        };
        Object::open(out)
            .str("id", &self.id)
            .str("name", &name)
            .str("description", self.template.description)
            .time("created_at", created)
            .time("updated_at", updated)
            .with("filters", |out| {
                let filters = self.template.filters;
                push_array(out, filters.len(), |out, n| {
                    json::push_str(out, filters[n].name());
                });
            })
            .close();
    }

    /// When it was created and last updated (republished).
    fn times(&self) -> (i64, i64) {
        if self.position == 0 {
            return (EXAMPLE_INDEX_TIME_MS, EXAMPLE_INDEX_TIME_MS);
        }
        let start = history_end_ms() - HISTORY_MS;
        let created = start + (mix(self.key ^ 0x20) % (HISTORY_MS as u64 / 2)) as i64;
        let updated = created + (mix(self.key ^ 0x21) % (history_end_ms() - created) as u64) as i64;
        (created, updated)
    }

    /// The ID of profile `p`.
    pub(super) fn profile_id(&self, p: u64) -> String {
        if self.is_example(p) {
            return EXAMPLE_PROFILE_ID.to_owned();
        }
        let number = self.profile_ids.forward(p);
        let mut id = String::from("cl-");
        push_base62(
            &mut id,
            number * SALT + mix(self.key ^ number) % SALT,
            ID_CHARS,
        );
        id
    }

    /// The position of the profile with ID `id`, if the index holds it.
    pub(super) fn profile_position(&self, id: &str) -> Option<u64> {
        let p = if id == EXAMPLE_PROFILE_ID && self.position == 0 {
            0
        } else {
            self.profile_ids.inverse(read_id(id.strip_prefix("cl-")?)?)
        };
        (p < self.len && self.profile_id(p) == id).then_some(p)
    }

    /// The e-mail address of profile `p`: names, then its position, so that it reads back.
    pub(super) fn email(&self, p: u64) -> String {
        if self.is_example(p) {
            return EXAMPLE_EMAIL.to_owned();
        }
        let first = FIRST_NAMES[self.digits[FIRST].entry(p)].1;
        let last = LAST_NAMES[self.digits[LAST].entry(p)].1;
        let h = mix(self.key ^ mix(p) ^ 0x30);
        let domain = pick(&DOMAINS, h >> 8);
        match h % 4 {
            0 => format!("{first}.{last}{p}@{domain}"),
            1 => format!("{first}{last}{p}@{domain}"),
            2 => format!("{}{last}{p}@{domain}", &first[..1]),
            _ => format!("{first}_{last}{p}@{domain}"),
        }
    }

    /// The loyalty ID of profile `p`: nine digits and a Luhn check digit (`123456789-7`).
    pub(super) fn loyalty_id(&self, p: u64) -> String {
        if self.is_example(p) {
            return EXAMPLE_LOYALTY_ID.to_owned();
        }
        let n = self.loyalty.forward(p % LOYALTY_MODULUS);
        format!("{n:09}-{}", luhn(n))
    }

    /// The position of the profile whose `field` (a [`Solve::Unique`] one) is `value`, if any.
    pub(super) fn unique_position(&self, field: Field, value: &str) -> Option<u64> {
        let p = match field {
            Field::Email if value == EXAMPLE_EMAIL && self.position == 0 => 0,
            Field::Email => {
                // The digits right before the `@` are the position.
                let local = &value[..value.rfind('@')?];
                let digits =
                    local.len() - local.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                if digits == 0 || digits > 19 {
                    return None;
                }
                local[local.len() - digits..].parse().ok()?
            }
            Field::LoyaltyId if value == EXAMPLE_LOYALTY_ID && self.position == 0 => 0,
            Field::LoyaltyId => {
                let number = value.get(..9)?;
                if value.len() != 11 || !number.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                self.loyalty.inverse(number.parse().ok()?)
            }
            _ => return None,
        };
        // Rebuilding and comparing catches every malformed or foreign value at once.
        let rebuilt = match field {
            Field::Email => self.email(p),
            _ => self.loyalty_id(p),
        };
        (p < self.len && rebuilt == value).then_some(p)
    }

    /// Writes profile `p` as a `Profile`: `{"id", "index_id", "attributes"}`.
    pub(super) fn write_profile(&self, out: &mut Vec<u8>, p: u64) {
        Object::open(out)
            .str("id", &self.profile_id(p))
            .str("index_id", &self.id)
            .with("attributes", |out| self.write_attributes(out, p))
            .close();
    }

    fn write_attributes(&self, out: &mut Vec<u8>, p: u64) {
        let h = mix(self.key ^ mix(p));
        let mut object = Object::open(out);
        for &field in self.template.fields {
            // A hash of its own for each field, so that two fields do not move together; but the
            // order amounts share the profile's, so that the average is the quotient of the two
            // others.
            let fh = match field {
                Field::LifetimeValue | Field::OrderCount | Field::AverageOrderValue => h,
                _ => mix(h ^ (field as u64 + 1)),
            };
            let name = field.name();
            match field.solve() {
                Solve::Digit(OPT_IN) => {
                    let value = opt_in_text(self.digits[OPT_IN].entry(p));
                    object.with(name, |out| out.extend_from_slice(value.as_bytes()));
                }
                Solve::Digit(d) => {
                    object.str(name, field.text(self.digits[d].entry(p)));
                }
                Solve::Unique if field == Field::Email => {
                    object.str(name, &self.email(p));
                }
                Solve::Unique => {
                    object.str(name, &self.loyalty_id(p));
                }
                Solve::Hash => {
                    object.with(name, |out| write_hashed(out, field, fh));
                }
            }
        }
        object.close();
    }
}

/// Writes the value of a [`Solve::Hash`] field from the hash `h`: strings, numbers, booleans,
/// nulls and a list, as an index's query may produce them.
fn write_hashed(out: &mut Vec<u8>, field: Field, h: u64) {
    let history_start = history_end_ms() - HISTORY_MS;
    let in_history = |h: u64| history_start + (h % HISTORY_MS as u64) as i64;
    match field {
        Field::PointsBalance => json::push_u64(out, h % 50_000),
        Field::Phone => {
            const AREAS: [u64; 8] = [206, 503, 212, 312, 415, 512, 617, 305];
            let area = AREAS[(h % 8) as usize];
            json::push_str(out, &format!("+1 {area}-555-{:04}", (h >> 8) % 10_000));
        }
        Field::Birthdate if h.is_multiple_of(10) => out.extend_from_slice(b"null"),
        Field::Birthdate => {
            let first = days_from_civil(1940, 1, 1);
            let span = days_from_civil(2008, 1, 1) - first;
            let (y, m, d) = civil_from_days(first + ((h >> 8) % span as u64) as i64);
            json::push_str(out, &format!("{y:04}-{m:02}-{d:02}"));
        }
        Field::LastPurchaseAt if h.is_multiple_of(7) => out.extend_from_slice(b"null"),
        Field::LastPurchaseAt | Field::SubscribedAt => {
            crate::time::push_timestamp(out, in_history(h >> 8));
        }
        Field::PreferredStore => json::push_str(out, choose(STORES, h)),
        Field::Notes => json::push_str(out, choose(NOTES, h)),
        Field::SignupSource => json::push_str(out, choose(SIGNUP_SOURCES, h)),
        Field::LifetimeValue => push_cents(out, lifetime_cents(h)),
        Field::OrderCount => json::push_u64(out, order_count(h)),
        // Derived from the same hash bits as the two above, so that it is their quotient.
        Field::AverageOrderValue => push_cents(out, lifetime_cents(h) / order_count(h)),
        Field::ChurnRisk if h.is_multiple_of(10) => out.extend_from_slice(b"null"),
        Field::ChurnRisk => push_cents(out, (h >> 8) % 100),
        Field::FavoriteCategories => {
            let count = (h % 4) as usize;
            push_array(out, count, |out, n| {
                json::push_str(out, choose(CATEGORIES, mix(h ^ n as u64)));
            });
        }
        // Solvable fields are written by the index; nothing else reaches here.
        _ => out.extend_from_slice(b"null"),
    }
}

/// One of `words`, picked by bits of `h`.
fn choose(words: &'static [&'static str], h: u64) -> &'static str {
    pick::<&str>(words, h)
}

/// A lifetime value in cents, from the profile's hash (bits 16 and up).
fn lifetime_cents(h: u64) -> u64 {
    5_000 + (h >> 16) % 2_000_000
}

/// How many orders the lifetime value is spread over, from other bits of the same hash.
fn order_count(h: u64) -> u64 {
    1 + (h >> 40) % 120
}

/// Writes `cents` as a JSON number with two decimals (`1234.50`).
fn push_cents(out: &mut Vec<u8>, cents: u64) {
    json::push_u64(out, cents / 100);
    out.push(b'.');
    out.push(b'0' + (cents / 10 % 10) as u8);
    out.push(b'0' + (cents % 10) as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn catalog() -> IndexCatalog {
        IndexCatalog::new(1, 50, 100_000)
    }

    #[test]
    fn the_moduli_are_pairwise_coprime() {
        fn gcd(a: u64, b: u64) -> u64 {
            if b == 0 { a } else { gcd(b, a % b) }
        }
        for (i, a) in MODULI.iter().enumerate() {
            for b in &MODULI[i + 1..] {
                assert_eq!(gcd(*a, *b), 1, "{a} {b}");
            }
        }
    }

    #[test]
    fn the_first_index_and_profile_are_the_documentation_s() {
        let index = catalog().index(0);
        assert_eq!(index.id, "idx-xyz789");
        assert_eq!(index.template.name, "loyalty_members");
        assert_eq!(index.profile_id(0), "cl-abc123");
        assert_eq!(index.email(0), "danielkuhlman@email.com");
        assert_eq!(index.loyalty_id(0), "123456789-0");
        assert_eq!(FIRST_NAMES[index.digits[FIRST].entry(0)].0, "Daniel");
        assert_eq!(LAST_NAMES[index.digits[LAST].entry(0)].0, "Kuhlman");
        assert_eq!(
            crate::time::rfc3339(EXAMPLE_INDEX_TIME_MS),
            "2025-07-30T22:16:04.409Z"
        );
        let mut out = Vec::new();
        index.write_profile(&mut out, 0);
        let profile: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(profile["attributes"]["first_name"], "Daniel");
        assert_eq!(profile["attributes"]["loyalty_id"], "123456789-0");
    }

    #[test]
    fn ids_are_unique_and_read_back() {
        let catalog = catalog();
        let mut seen = HashSet::new();
        for position in 0..catalog.len() {
            let index = catalog.index(position);
            assert!(seen.insert(index.id.clone()));
            assert_eq!(catalog.find(&index.id).unwrap().position, position);
        }
        assert!(catalog.find("idx-nope").is_none());
        assert!(IndexCatalog::new(1, 0, 10).find("idx-xyz789").is_none());
        let index = catalog.index(3);
        let mut profiles = HashSet::new();
        for p in (0..2000).chain(99_000..100_000) {
            let id = index.profile_id(p);
            assert_eq!(index.profile_position(&id), Some(p), "{id}");
            assert!(profiles.insert(id));
        }
        assert_eq!(
            index.profile_position("cl-abc123"),
            None,
            "not the example index"
        );
        assert_eq!(catalog.index(0).profile_position("cl-abc123"), Some(0));
        assert_eq!(
            index.profile_position(&catalog.index(4).profile_id(7)),
            None
        );
        assert_eq!(
            IndexCatalog::new(1, 50, 10)
                .index(3)
                .profile_position(&index.profile_id(500)),
            None
        );
    }

    #[test]
    fn unique_attributes_read_back_to_their_profile() {
        let catalog = catalog();
        for position in [0, 1, 2] {
            let index = catalog.index(position);
            for p in (0..500).chain([99_999]) {
                let email = index.email(p);
                assert_eq!(
                    index.unique_position(Field::Email, &email),
                    Some(p),
                    "{email}"
                );
                let loyalty = index.loyalty_id(p);
                assert_eq!(
                    index.unique_position(Field::LoyaltyId, &loyalty),
                    Some(p),
                    "{loyalty}"
                );
            }
            for bad in [
                "",
                "@",
                "x@y",
                "daniel0@",
                "a99999999999999999999@email.com",
                "é9@x",
            ] {
                assert_eq!(index.unique_position(Field::Email, bad), None, "{bad}");
            }
            for bad in ["", "123456789-7", "12345678-90", "ééééé-ééé", "1234567890-"] {
                let found = index.unique_position(Field::LoyaltyId, bad);
                assert!(
                    found.is_none() || index.loyalty_id(found.unwrap()) == bad,
                    "{bad}"
                );
            }
        }
        // The example's values belong to the example index only.
        let other = catalog.index(1);
        assert_eq!(
            other.unique_position(Field::Email, "danielkuhlman@email.com"),
            None
        );
        assert_eq!(other.unique_position(Field::LoyaltyId, "123456789-0"), None);
    }

    #[test]
    fn loyalty_ids_are_a_bijection_with_check_digits() {
        let index = catalog().index(5);
        assert_eq!(luhn(7_992_739_871), 3, "the textbook example");
        let mut seen = HashSet::new();
        for p in 0..20_000 {
            let id = index.loyalty_id(p);
            assert_eq!(id.len(), 11);
            assert!(seen.insert(id));
        }
        assert_eq!(inverse_mod(3, 7), 5);
    }

    #[test]
    fn every_profile_is_valid_json_with_every_field() {
        let catalog = catalog();
        let mut types = HashSet::new();
        for position in 0..6 {
            let index = catalog.index(position);
            for p in 0..300 {
                let mut out = Vec::new();
                index.write_profile(&mut out, p);
                let profile: serde_json::Value = serde_json::from_slice(&out).unwrap();
                let attributes = profile["attributes"].as_object().unwrap();
                // serde_json's map sorts its keys, so the order is checked on the bytes.
                let names: HashSet<&str> = attributes.keys().map(String::as_str).collect();
                let expected: HashSet<&str> =
                    index.template.fields.iter().map(|f| f.name()).collect();
                assert_eq!(names, expected);
                let text = String::from_utf8(out.clone()).unwrap();
                let at: Vec<usize> = index
                    .template
                    .fields
                    .iter()
                    .map(|f| text.find(&format!("\"{}\":", f.name())).unwrap())
                    .collect();
                assert!(at.windows(2).all(|w| w[0] < w[1]), "fields in index order");
                for value in attributes.values() {
                    types.insert(std::mem::discriminant(value));
                }
            }
        }
        // Strings, numbers, booleans, nulls and lists: an attribute may be any JSON value.
        assert_eq!(types.len(), 5);
    }

    #[test]
    fn filters_are_solvable_fields_of_their_index() {
        for template in &TEMPLATES {
            assert!(template.fields.len() <= 30, "at most 30 fields");
            for filter in template.filters {
                assert!(template.fields.contains(filter), "{}", filter.name());
                assert_ne!(filter.solve(), Solve::Hash, "{}", filter.name());
            }
        }
    }
}
