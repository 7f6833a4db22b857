//! IDs shaped like Amperity's, that the mock can read back.
//!
//! A record's ID encodes its position through a keyed permutation, so `GET /…/{id}` finds the
//! record without storing anything, neighbours get unrelated-looking IDs, and a made-up ID is
//! recognised as unknown (it decodes to a position whose record has another ID).

use crate::data::mix;
use crate::time::{DAY_MS, compact_date};

/// Digits and letters, in the order base-62 numbers are written.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Bits of the numbers [`Permutation`] mixes; 2^34 is below 62^6, so six base-62 characters
/// hold any of them.
pub(crate) const ID_BITS: u32 = 34;
const HALF: u32 = ID_BITS / 2;
const HALF_MASK: u64 = (1 << HALF) - 1;

/// A keyed bijection of `0..2^34` (a four-round Feistel network), with its inverse.
#[derive(Debug, Clone)]
pub(crate) struct Permutation {
    keys: [u64; 4],
}

impl Permutation {
    /// The permutation for `seed` and `scope` (one per kind of ID, so that two resources do not
    /// share their sequences).
    pub(crate) fn new(seed: u64, scope: u64) -> Self {
        let key = |n: u64| mix(seed ^ mix(scope.wrapping_mul(31).wrapping_add(n)));
        Self {
            keys: [key(1), key(2), key(3), key(4)],
        }
    }

    /// The number position `n` (below 2^34) is written as.
    pub(crate) fn forward(&self, n: u64) -> u64 {
        let (mut left, mut right) = (n >> HALF & HALF_MASK, n & HALF_MASK);
        for key in self.keys {
            (left, right) = (right, left ^ (mix(right ^ key) & HALF_MASK));
        }
        left << HALF | right
    }

    /// The position written as `n`.
    pub(crate) fn inverse(&self, n: u64) -> u64 {
        let (mut left, mut right) = (n >> HALF & HALF_MASK, n & HALF_MASK);
        for key in self.keys.iter().rev() {
            (left, right) = (right ^ (mix(left ^ key) & HALF_MASK), left);
        }
        left << HALF | right
    }
}

/// Appends `n` as `len` base-62 characters (the low ones if it has more).
pub(crate) fn push_base62(out: &mut String, mut n: u64, len: usize) {
    let mut chars = [0u8; 16];
    for slot in chars[..len].iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out.extend(chars[..len].iter().map(|&b| char::from(b)));
}

/// The number `text` spells in base 62, if it is only base-62 characters.
pub(crate) fn read_base62(text: &str) -> Option<u64> {
    text.bytes().try_fold(0u64, |n, b| {
        let digit = BASE62.iter().position(|&c| c == b)? as u64;
        n.checked_mul(62)?.checked_add(digit)
    })
}

/// `prefix-YYYYMMDD-SSSSS-XXXXXX`, the shape of workflow, task and ingest job IDs
/// (`wf-20240619-14418-6UhqSe`): the day and second of day of `at_ms`, then `number` (below
/// 2^34) in base 62.
pub(crate) fn dated(prefix: &str, at_ms: i64, number: u64) -> String {
    let mut id = String::with_capacity(prefix.len() + 22);
    id.push_str(prefix);
    id.push('-');
    id.push_str(&compact_date(at_ms));
    id.push_str(&format!("-{}-", at_ms.rem_euclid(DAY_MS) / 1000));
    push_base62(&mut id, number, 6);
    id
}

/// The number of a [`dated`] ID with `prefix`, without checking its date: the caller rebuilds the
/// ID from the record it designates and compares.
pub(crate) fn dated_number(prefix: &str, id: &str) -> Option<u64> {
    let rest = id.strip_prefix(prefix)?.strip_prefix('-')?;
    let tail = rest.rsplit('-').next()?;
    (tail.len() == 6).then_some(())?;
    read_base62(tail)
}

/// `prefix-XXXX…`: `len` base-62 characters of a keyed mix of `n` (`ae-Ab1cDeFg`).
pub(crate) fn short(prefix: &str, n: u64, len: usize) -> String {
    let mut id = String::with_capacity(prefix.len() + 1 + len);
    id.push_str(prefix);
    id.push('-');
    push_base62(&mut id, n, len);
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_permutation_is_a_bijection_with_an_inverse() {
        let p = Permutation::new(7, 1);
        let mut seen = HashSet::new();
        for n in (0..50_000).chain((1 << ID_BITS) - 100..1 << ID_BITS) {
            let f = p.forward(n);
            assert!(f < 1 << ID_BITS);
            assert_eq!(p.inverse(f), n);
            assert!(seen.insert(f));
        }
        assert_ne!(Permutation::new(7, 2).forward(5), p.forward(5));
    }

    #[test]
    fn dated_ids_look_like_amperity_s_and_read_back() {
        let at = crate::time::days_from_civil(2026, 6, 19) * DAY_MS + 14_418_000;
        let id = dated("wf", at, (1 << ID_BITS) - 1);
        assert!(id.starts_with("wf-20260619-14418-"), "{id}");
        assert_eq!(id.len(), "wf-20240619-14418-6UhqSe".len());
        assert_eq!(dated_number("wf", &id), Some((1 << ID_BITS) - 1));
        assert_eq!(dated_number("isj", &id), None);
        assert_eq!(dated_number("wf", "wf-20260619-14418-6Uhq-e"), None);
        assert_eq!(short("ae", 61, 8), "ae-0000000z");
    }
}
