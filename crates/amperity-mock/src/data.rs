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

/// Generated ids come from numbers of this many bits. 2^45 is just below the 7 * 26^9 ids of the
/// seed's shape, which is what makes [`encode_id`] injective.
const ID_BITS: u32 = 45;
const ID_MASK: u64 = (1 << ID_BITS) - 1;

/// The most segments a server can hold while keeping every id unique.
pub const MAX_SEGMENTS: u64 = SEED_SEGMENTS.len() as u64 + (1 << ID_BITS);

/// The segments of one tenant: `len` of them, generated from `seed`.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    len: u64,
    id_keys: [u64; 4],
    name_key: u64,
}

impl Catalog {
    /// The catalog of `len` segments for `seed`. `len` must not exceed [`MAX_SEGMENTS`].
    pub(crate) fn new(seed: u64, len: u64) -> Self {
        let key = |n: u64| mix(seed ^ mix(n));
        Self {
            len,
            id_keys: [key(1), key(2) | 1, key(3) | 1, key(4)],
            name_key: key(5),
        }
    }

    /// How many segments the tenant has.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The id of segment `index` as ASCII bytes.
    #[inline]
    pub(crate) fn id(&self, index: u64) -> [u8; ID_LEN] {
        if index < SEED_SEGMENTS.len() as u64 {
            let mut out = [0; ID_LEN];
            out.copy_from_slice(SEED_SEGMENTS[index as usize].0.as_bytes());
            return out;
        }
        encode_id(self.permute(index - SEED_SEGMENTS.len() as u64))
    }

    /// The name of segment `index`.
    #[inline]
    pub(crate) fn name(&self, index: u64) -> Name {
        if index < SEED_SEGMENTS.len() as u64 {
            return Name::of(&[&SEED_NAMES[index as usize]]);
        }
        let h = mix(self.name_key ^ mix(index));
        // Multiply-shift picks an element from 32 bits of the hash without a division.
        let pick = |list: &'static [Word], shift: u32| {
            &list[((((h >> shift) & 0xffff_ffff) * list.len() as u64) >> 32) as usize]
        };
        let audience = pick(AUDIENCES, 8);
        let region = pick(REGIONS, 24);
        let qualifier = pick(QUALIFIERS, 40);
        let year = &YEARS[((h >> 48) % 8) as usize];
        let quarter = &QUARTERS[((h >> 56) % 4) as usize];
        const DASH: &Word = &word(" – ");
        const SPACE: &Word = &word(" ");
        const COMMA: &Word = &word(", ");
        const OPEN: &Word = &word(" (");
        const CLOSE: &Word = &word(")");
        match h % 16 {
            0..=3 => Name::of(&[audience, DASH, region]),
            4..=6 => Name::of(&[audience, year, quarter]),
            7..=8 => Name::of(&[audience, COMMA, qualifier]),
            9..=10 => Name::of(&[audience, OPEN, region, CLOSE]),
            11 => Name::of(&[region, SPACE, audience]),
            12 => Name::of(&[audience, year]),
            _ => Name::of(&[pick(SPECIAL_NAMES, 32)]),
        }
    }

    /// A bijection of `0..2^45` keyed by the seed, so consecutive segments get unrelated ids that
    /// are still guaranteed unique. Every step is invertible modulo 2^45: xor or add a key,
    /// multiply by an odd number, xor with a right shift of itself.
    #[inline]
    fn permute(&self, n: u64) -> u64 {
        debug_assert!(n <= ID_MASK);
        let [k0, k1, k2, k3] = self.id_keys;
        let mut x = (n ^ k0) & ID_MASK;
        x = x.wrapping_mul(k1) & ID_MASK;
        x ^= x >> 23;
        x = x.wrapping_add(k3).wrapping_mul(k2) & ID_MASK;
        x ^= x >> 21;
        x = x.wrapping_mul(0x2545_F491_4F6C_DD1D) & ID_MASK;
        x ^ (x >> 22)
    }
}

/// Spells a 45-bit number as an id shaped like the seed's (`ab-1CDEfGHI`).
///
/// It reads the digits of `n / 2^45` in the mixed radix of the id's characters (26, 26, 7, 26,
/// ...), one multiplication each, two letters at a time through a table. That radix has
/// 7 * 26^9 > 2^45 values, so two numbers (which differ by at least 2^-45 as fractions) always
/// differ in some digit: no two numbers share an id.
#[inline]
fn encode_id(n: u64) -> [u8; ID_LEN] {
    let mut fraction = n & ID_MASK;
    let mut digit = |radix: u64| {
        fraction *= radix;
        let d = (fraction >> ID_BITS) as usize;
        fraction &= ID_MASK;
        d
    };
    let lower = PAIRS[LOWER_LOWER][digit(676)];
    let number = b'3' + digit(ID_DIGITS) as u8;
    let upper = PAIRS[UPPER_UPPER][digit(676)];
    let middle = PAIRS[UPPER_LOWER][digit(676)];
    let tail = PAIRS[UPPER_UPPER][digit(676)];
    let last = b'A' + digit(26) as u8;
    [
        lower[0], lower[1], b'-', number, upper[0], upper[1], middle[0], middle[1], tail[0],
        tail[1], last,
    ]
}

const LOWER_LOWER: usize = 0;
const UPPER_UPPER: usize = 1;
const UPPER_LOWER: usize = 2;

/// Every two-letter combination, `aa` to `zz`, `AA` to `ZZ` and `Aa` to `Zz`, in base-26 order.
const PAIRS: [[[u8; 2]; 676]; 3] = {
    let mut pairs = [[[0u8; 2]; 676]; 3];
    let mut i = 0;
    while i < 676 {
        let (first, second) = ((i / 26) as u8, (i % 26) as u8);
        pairs[LOWER_LOWER][i] = [b'a' + first, b'a' + second];
        pairs[UPPER_UPPER][i] = [b'A' + first, b'A' + second];
        pairs[UPPER_LOWER][i] = [b'A' + first, b'a' + second];
        i += 1;
    }
    pairs
};

/// SplitMix64's finaliser: a fast bijective mixer, enough to make data look random. It is not
/// used for anything secret.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fixed piece of text, with whether it needs JSON escaping worked out at compile time: nearly
/// none do, and copying them whole is much faster than scanning them on every page.
#[derive(Debug, Clone, Copy)]
struct Word {
    text: &'static str,
    plain: bool,
}

const fn word(text: &'static str) -> Word {
    Word {
        text,
        plain: !json::needs_escape(text),
    }
}

/// A segment name as up to five static words, so building and writing it allocates nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Name {
    words: [&'static Word; 5],
    len: usize,
}

impl Name {
    fn of(words: &[&'static Word]) -> Self {
        let mut name = Self {
            words: [words[0]; 5],
            len: words.len(),
        };
        name.words[..words.len()].copy_from_slice(words);
        name
    }

    /// Appends the name as a quoted JSON string.
    #[inline]
    pub(crate) fn push_json(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        for word in &self.words[..self.len] {
            if word.plain {
                out.extend_from_slice(word.text.as_bytes());
            } else {
                json::push_str_content(out, word.text);
            }
        }
        out.push(b'"');
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.words[..self.len]
            .iter()
            .try_for_each(|word| f.write_str(word.text))
    }
}

const SEED_NAMES: &[Word] = &[word(SEED_SEGMENTS[0].1), word(SEED_SEGMENTS[1].1)];

const YEARS: &[Word] = &[
    word(" 2019"),
    word(" 2020"),
    word(" 2021"),
    word(" 2022"),
    word(" 2023"),
    word(" 2024"),
    word(" 2025"),
    word(" 2026"),
];

const QUARTERS: &[Word] = &[word(" Q1"), word(" Q2"), word(" Q3"), word(" Q4")];

const AUDIENCES: &[Word] = &[
    word("High-Value Customers"),
    word("Lapsed Buyers"),
    word("Returning Customers"),
    word("First-Time Buyers"),
    word("Loyalty Members"),
    word("Cart Abandoners"),
    word("Newsletter Subscribers"),
    word("Frequent Shoppers"),
    word("One-Time Purchasers"),
    word("Churn Risk"),
    word("VIP Customers"),
    word("Discount Seekers"),
    word("Big Spenders"),
    word("Window Shoppers"),
    word("Mobile App Users"),
    word("In-Store Shoppers"),
    word("Online-Only Buyers"),
    word("Gift Card Holders"),
    word("Reactivated Customers"),
    word("Dormant Accounts"),
    word("Early Adopters"),
    word("Brand Advocates"),
    word("Seasonal Shoppers"),
    word("Full-Price Buyers"),
    word("Outlet Shoppers"),
    word("Email Engaged"),
    word("SMS Opt-Ins"),
    word("Rewards Members"),
    word("Holiday Shoppers"),
    word("Back-to-School Shoppers"),
];

const REGIONS: &[Word] = &[
    word("Pacific Northwest"),
    word("Northeast"),
    word("Southeast"),
    word("Midwest"),
    word("Southwest"),
    word("Mountain West"),
    word("California"),
    word("Texas"),
    word("New England"),
    word("Mid-Atlantic"),
    word("Great Lakes"),
    word("EMEA"),
    word("APAC"),
    word("LATAM"),
    word("Canada"),
    word("UK & Ireland"),
    word("DACH"),
    word("Nordics"),
    word("Québec"),
    word("Île-de-France"),
    word("São Paulo"),
    word("München"),
];

const QUALIFIERS: &[Word] = &[
    word("Tier 1"),
    word("Tier 2"),
    word("Age 25–34"),
    word("Spend > $500"),
    word("Last 90 Days"),
    word("Opened Email"),
    word("No Purchase in 12 Months"),
    word("Predicted CLV Top 10%"),
    word("Women's Apparel"),
    word("Men's Footwear"),
    word("Kids & Baby"),
    word("\"Gold\" Tier"),
];

/// Names that stress CSV writers and Unicode handling: commas, both kinds of quote, a backslash,
/// Cyrillic, CJK, Arabic and an emoji outside the Basic Multilingual Plane.
const SPECIAL_NAMES: &[Word] = &[
    word("Café Regulars"),
    word("Клиенты"),
    word("顧客 VIP"),
    word("Emoji 🎉 fans"),
    word("Mother's Day Shoppers"),
    word("\"Best\" Customers"),
    word("Shoppers, Returning, Loyal"),
    word("He said \"buy\", she said \"wait\""),
    word("Señor Sánchez's Picks"),
    word("Постоянные клиенты – Москва"),
    word("高価値顧客"),
    word("عملاء مخلصون"),
    word("Größte Fans"),
    word("Back\\Slash Test"),
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

    fn assert_id_shaped(id: &[u8; ID_LEN]) {
        let s = std::str::from_utf8(id).unwrap();
        assert!(id[..2].iter().all(u8::is_ascii_lowercase), "{s}");
        assert_eq!(id[2], b'-');
        assert!(id[3].is_ascii_digit(), "{s}");
        assert!(id[4..7].iter().all(u8::is_ascii_uppercase), "{s}");
        assert!(id[7].is_ascii_lowercase(), "{s}");
        assert!(id[8..].iter().all(u8::is_ascii_uppercase), "{s}");
    }

    #[test]
    fn ids_are_unique_and_shaped_like_the_seed() {
        let catalog = Catalog::new(7, 200_000);
        let mut seen = HashSet::new();
        for i in 0..catalog.len() {
            let id = catalog.id(i);
            assert_id_shaped(&id);
            assert!(seen.insert(id), "duplicate id at {i}");
        }
    }

    #[test]
    fn neighbouring_numbers_get_different_ids_up_to_the_top() {
        let catalog = Catalog::new(1, MAX_SEGMENTS);
        for n in (0..1000).chain(ID_MASK - 1000..=ID_MASK) {
            assert_ne!(encode_id(n), encode_id(n + 1), "{n}");
            assert!(catalog.permute(n) <= ID_MASK);
        }
        assert_eq!(&encode_id(0), b"aa-3AAAaAAA");
        assert_id_shaped(&encode_id(ID_MASK));
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
