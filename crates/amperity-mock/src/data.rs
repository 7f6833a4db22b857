//! The tenant's segments, computed on demand from `(seed, index)`.
//!
//! Nothing is stored: segment `i` is a pure function of the seed and `i`, so a server can offer
//! millions of segments in constant memory and any page can be built directly from its offset.

use std::fmt;

use crate::json;

/// Length in bytes of every segment id (`ab-1CDEfGHI`).
pub(crate) const ID_LEN: usize = 11;

/// The seed document's example segments, served first so its example flow finds them.
const SEED_SEGMENTS: [(&str, &str); 2] = [
    ("ab-1CDEfGHI", "Holiday Segment"),
    ("cd-2FGHiJKL", "Returning Customers"),
];

/// Generated ids use only the digits 3 to 9 after the dash, so they can never collide with the
/// seed's ids (digits 1 and 2) whatever the permutation does.
const ID_DIGITS: u64 = 7;

/// How many distinct generated ids exist: two lower-case letters, one digit, seven letters.
const GENERATED_IDS: u64 = ID_DIGITS * 26u64.pow(9);

/// The most segments a server can hold while keeping every id unique.
pub const MAX_SEGMENTS: u64 = SEED_SEGMENTS.len() as u64 + GENERATED_IDS;

/// Half the width of the Feistel permutation; 2^46 is the smallest power of two above
/// `GENERATED_IDS`, so cycle walking needs fewer than two rounds on average.
const HALF_BITS: u32 = 23;
const HALF_MASK: u64 = (1 << HALF_BITS) - 1;

/// The segments of one tenant: `len` of them, generated from `seed`.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    len: u64,
    round_keys: [u64; 4],
    name_key: u64,
}

impl Catalog {
    /// The catalog of `len` segments for `seed`. `len` must not exceed [`MAX_SEGMENTS`].
    pub(crate) fn new(seed: u64, len: u64) -> Self {
        let key = |n: u64| mix(seed ^ mix(n));
        Self {
            len,
            round_keys: [key(1), key(2), key(3), key(4)],
            name_key: key(5),
        }
    }

    /// How many segments the tenant has.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The id of segment `index` as ASCII bytes.
    pub(crate) fn id(&self, index: u64) -> [u8; ID_LEN] {
        if index < SEED_SEGMENTS.len() as u64 {
            let mut out = [0; ID_LEN];
            out.copy_from_slice(SEED_SEGMENTS[index as usize].0.as_bytes());
            return out;
        }
        encode_id(self.permute(index - SEED_SEGMENTS.len() as u64))
    }

    /// The name of segment `index`.
    pub(crate) fn name(&self, index: u64) -> Name {
        if index < SEED_SEGMENTS.len() as u64 {
            return Name::one(SEED_SEGMENTS[index as usize].1);
        }
        let h = mix(self.name_key ^ mix(index));
        let pick =
            |list: &[&'static str], shift: u32| list[((h >> shift) % list.len() as u64) as usize];
        let audience = pick(AUDIENCES, 8);
        let region = pick(REGIONS, 24);
        let qualifier = pick(QUALIFIERS, 40);
        let year = 2019 + ((h >> 48) % 8) as u16;
        let quarter = 1 + ((h >> 56) % 4) as u16;
        use Piece::{Number as N, Text as T};
        match h % 16 {
            0..=3 => Name::of(&[T(audience), T(" – "), T(region)]),
            4..=6 => Name::of(&[T(audience), T(" "), N(year), T(" Q"), N(quarter)]),
            7..=8 => Name::of(&[T(audience), T(", "), T(qualifier)]),
            9..=10 => Name::of(&[T(audience), T(" ("), T(region), T(")")]),
            11 => Name::of(&[T(region), T(" "), T(audience)]),
            12 => Name::of(&[T(audience), T(" "), N(year)]),
            _ => Name::one(pick(SPECIAL_NAMES, 32)),
        }
    }

    /// A bijection of `0..GENERATED_IDS` keyed by the seed, so consecutive segments get unrelated
    /// ids that are still guaranteed unique. A balanced Feistel network permutes `0..2^46`;
    /// re-applying it until the value lands in range ("cycle walking") keeps it a bijection of the
    /// smaller range.
    fn permute(&self, n: u64) -> u64 {
        debug_assert!(n < GENERATED_IDS);
        let mut x = n;
        loop {
            let (mut left, mut right) = (x >> HALF_BITS, x & HALF_MASK);
            for key in self.round_keys {
                (left, right) = (right, left ^ (mix(right ^ key) & HALF_MASK));
            }
            x = (left << HALF_BITS) | right;
            if x < GENERATED_IDS {
                return x;
            }
        }
    }
}

/// Spells a number below `GENERATED_IDS` as an id shaped like the seed's (`ab-1CDEfGHI`).
fn encode_id(mut n: u64) -> [u8; ID_LEN] {
    let mut letter = |base: u8| {
        let c = base + (n % 26) as u8;
        n /= 26;
        c
    };
    let (a, b) = (letter(b'a'), letter(b'a'));
    let c = [letter(b'A'), letter(b'A'), letter(b'A'), letter(b'a')];
    let d = [letter(b'A'), letter(b'A'), letter(b'A')];
    let digit = b'3' + (n % ID_DIGITS) as u8;
    [a, b, b'-', digit, c[0], c[1], c[2], c[3], d[0], d[1], d[2]]
}

/// SplitMix64's finaliser: a fast bijective mixer, enough to make data look random. It is not
/// used for anything secret.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One part of a generated name.
#[derive(Debug, Clone, Copy)]
enum Piece {
    Text(&'static str),
    Number(u16),
}

/// A segment name as a few static pieces, so writing it allocates nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Name {
    pieces: [Piece; 5],
    len: usize,
}

impl Name {
    fn one(text: &'static str) -> Self {
        Self::of(&[Piece::Text(text)])
    }

    fn of(pieces: &[Piece]) -> Self {
        let mut name = Self {
            pieces: [Piece::Text(""); 5],
            len: pieces.len(),
        };
        name.pieces[..pieces.len()].copy_from_slice(pieces);
        name
    }

    /// Appends the name as a quoted JSON string.
    pub(crate) fn push_json(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        for piece in &self.pieces[..self.len] {
            match *piece {
                Piece::Text(text) => json::push_str_content(out, text),
                Piece::Number(n) => json::push_u64(out, n.into()),
            }
        }
        out.push(b'"');
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.pieces[..self.len] {
            match piece {
                Piece::Text(text) => f.write_str(text)?,
                Piece::Number(n) => write!(f, "{n}")?,
            }
        }
        Ok(())
    }
}

const AUDIENCES: &[&str] = &[
    "High-Value Customers",
    "Lapsed Buyers",
    "Returning Customers",
    "First-Time Buyers",
    "Loyalty Members",
    "Cart Abandoners",
    "Newsletter Subscribers",
    "Frequent Shoppers",
    "One-Time Purchasers",
    "Churn Risk",
    "VIP Customers",
    "Discount Seekers",
    "Big Spenders",
    "Window Shoppers",
    "Mobile App Users",
    "In-Store Shoppers",
    "Online-Only Buyers",
    "Gift Card Holders",
    "Reactivated Customers",
    "Dormant Accounts",
    "Early Adopters",
    "Brand Advocates",
    "Seasonal Shoppers",
    "Full-Price Buyers",
    "Outlet Shoppers",
    "Email Engaged",
    "SMS Opt-Ins",
    "Rewards Members",
    "Holiday Shoppers",
    "Back-to-School Shoppers",
];

const REGIONS: &[&str] = &[
    "Pacific Northwest",
    "Northeast",
    "Southeast",
    "Midwest",
    "Southwest",
    "Mountain West",
    "California",
    "Texas",
    "New England",
    "Mid-Atlantic",
    "Great Lakes",
    "EMEA",
    "APAC",
    "LATAM",
    "Canada",
    "UK & Ireland",
    "DACH",
    "Nordics",
    "Québec",
    "Île-de-France",
    "São Paulo",
    "München",
];

const QUALIFIERS: &[&str] = &[
    "Tier 1",
    "Tier 2",
    "Age 25–34",
    "Spend > $500",
    "Last 90 Days",
    "Opened Email",
    "No Purchase in 12 Months",
    "Predicted CLV Top 10%",
    "Women's Apparel",
    "Men's Footwear",
    "Kids & Baby",
    "\"Gold\" Tier",
];

/// Names that stress CSV writers and Unicode handling: commas, both kinds of quote, a backslash,
/// Cyrillic, CJK, Arabic and an emoji outside the Basic Multilingual Plane.
const SPECIAL_NAMES: &[&str] = &[
    "Café Regulars",
    "Клиенты",
    "顧客 VIP",
    "Emoji 🎉 fans",
    "Mother's Day Shoppers",
    "\"Best\" Customers",
    "Shoppers, Returning, Loyal",
    "He said \"buy\", she said \"wait\"",
    "Señor Sánchez's Picks",
    "Постоянные клиенты – Москва",
    "高価値顧客",
    "عملاء مخلصون",
    "Größte Fans",
    "Back\\Slash Test",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn seed_segments_come_first() {
        let catalog = Catalog::new(42, 10);
        assert_eq!(&catalog.id(0), b"ab-1CDEfGHI");
        assert_eq!(catalog.name(0).to_string(), "Holiday Segment");
        assert_eq!(&catalog.id(1), b"cd-2FGHiJKL");
        assert_eq!(catalog.name(1).to_string(), "Returning Customers");
    }

    #[test]
    fn ids_are_unique_and_shaped_like_the_seed() {
        let catalog = Catalog::new(7, 200_000);
        let mut seen = HashSet::new();
        for i in 0..catalog.len() {
            let id = catalog.id(i);
            let s = std::str::from_utf8(&id).unwrap();
            let b = s.as_bytes();
            assert!(b[..2].iter().all(u8::is_ascii_lowercase), "{s}");
            assert_eq!(b[2], b'-');
            assert!(b[3].is_ascii_digit());
            assert!(b[4..7].iter().all(u8::is_ascii_uppercase), "{s}");
            assert!(b[7].is_ascii_lowercase(), "{s}");
            assert!(b[8..].iter().all(u8::is_ascii_uppercase), "{s}");
            assert!(seen.insert(id), "duplicate id {s} at {i}");
        }
    }

    #[test]
    fn permutation_stays_in_range_at_the_top() {
        let catalog = Catalog::new(1, MAX_SEGMENTS);
        for n in GENERATED_IDS - 1000..GENERATED_IDS {
            assert!(catalog.permute(n) < GENERATED_IDS);
        }
    }

    #[test]
    fn data_depends_only_on_seed_and_index() {
        let (a, b, c) = (
            Catalog::new(3, 50),
            Catalog::new(3, 1_000_000),
            Catalog::new(4, 50),
        );
        let names = |cat: &Catalog| (2..50).map(|i| cat.name(i).to_string()).collect::<Vec<_>>();
        let ids = |cat: &Catalog| (2..50).map(|i| cat.id(i)).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&c));
    }

    #[test]
    fn names_render_as_valid_json() {
        let catalog = Catalog::new(9, 5_000);
        let mut special = 0;
        for i in 0..catalog.len() {
            let name = catalog.name(i);
            let mut out = Vec::new();
            name.push_json(&mut out);
            let parsed: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(parsed, name.to_string());
            special += usize::from(parsed.contains(['"', ',', '\'']) || !parsed.is_ascii());
        }
        assert!(special > 100, "too few names exercise escaping: {special}");
    }
}
