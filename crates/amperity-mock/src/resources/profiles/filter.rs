//! `filter[<attribute>]=<value>` on `GET /indexes/{index-id}/profiles`: reading the filters, and
//! finding the profiles they keep without looking at the others.
//!
//! An index may hold a billion profiles, so a scan per page is out. Every attribute an index
//! offers as a filter is solvable (`catalog.rs`):
//!
//! - a *digit* attribute (first name, last name, city, state, postal code, country, tier, opt-in)
//!   is a function of the position modulo a prime `m`; a filter on it keeps the positions in a
//!   few residue classes modulo `m` (one for a first name, two for "Portland", a few dozen for a
//!   country). Filters on several digits, ANDed, keep the positions whose residues agree with
//!   each, which by the Chinese remainder theorem are a few residue classes modulo the product of
//!   the primes;
//! - a *unique* attribute (e-mail, loyalty ID) reads back to one position, kept if it also
//!   passes the digit filters.
//!
//! Either way the profiles a filter keeps are `{ p < len : p mod M in R }` for a modulus `M` and
//! a sorted set of residues `R`: the `k`-th of them is `(k / |R|) * M + R[k mod |R|]` and their
//! count is a division. So a page costs its own profiles and no more, `with_total` is O(|R|), and
//! a cursor can stay a plain offset into the filtered list. `|R|` is at most the product of the
//! filters' matching entries (at most 32, the places of one country; names and tiers match one
//! entry each), so building it is microseconds.

use crate::errors::{ApiError, quote};
use crate::query::Query;

use super::catalog::{Field, Index, Solve, inverse_mod};

/// One filter: the attribute and the value it must have.
pub(super) type Filter<'q> = (Field, &'q str);

/// The filters of a request, in the order given. 400 for any other parameter than the shared
/// ones (`limit`, `next_token`, `with_total`, `api_version`) that is not `filter[<attribute>]`,
/// or for an attribute the index does not offer as a filter.
///
/// Other routes ignore parameters they do not know; this one cannot: the spec's `filter` is an
/// object sent exploded (`style: form`), one query parameter per entry, so every parameter the
/// route does not declare *is* an entry of it, and the spec says its keys are
/// `filter[<attribute>]`. Ignoring `?first_name=Daniel` would answer every profile to a client
/// that meant a filter.
pub(super) fn parse<'q>(index: &Index, query: &'q Query<'q>) -> Result<Vec<Filter<'q>>, ApiError> {
    let mut filters = Vec::new();
    for (key, value) in query.others() {
        let name = key
            .strip_prefix("filter[")
            .and_then(|rest| rest.strip_suffix(']'))
            .filter(|name| !name.is_empty() && !name.contains(['[', ']']))
            .ok_or_else(|| {
                let what = if key.starts_with("filter") {
                    "Malformed filter parameter"
                } else {
                    "Unknown query parameter"
                };
                ApiError::bad_request(format!(
                    "{what} {}: besides limit, next_token, with_total and api_version, this \
                     list takes filters only, each as filter[<attribute>]=<value>, for example \
                     filter[first_name]=Daniel.",
                    quote(key)
                ))
            })?;
        let template = index.template;
        let Some(&field) = template.filters.iter().find(|f| f.name() == name) else {
            let offered = template
                .filters
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ");
            let why = if template.fields.iter().any(|f| f.name() == name) {
                "is a field of index"
            } else {
                "is not a field of index"
            };
            return Err(ApiError::bad_request(format!(
                "Invalid filter attribute {} in {}: it {why} {}, whose filters are {offered}.",
                quote(name),
                quote(key),
                quote(&index.id)
            )));
        };
        filters.push((field, value));
    }
    Ok(filters)
}

/// The cursor scope of a filtered list: the index and its filters, in a canonical order and
/// unambiguously (each value length-prefixed), so that a cursor of another index or another
/// filter has another key and is refused.
pub(super) fn cursor_scope(index: &Index, filters: &[Filter<'_>]) -> String {
    let mut sorted = filters.to_vec();
    sorted.sort_by_key(|(field, _)| field.name());
    let mut scope = format!("profiles\0{}\0", index.id);
    for (field, value) in sorted {
        scope.push_str(&format!("{}={}:{value}\0", field.name(), value.len()));
    }
    scope
}

/// The profiles a filter keeps: the positions `p < len` with `p mod modulus` in `residues`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Matches {
    modulus: u64,
    /// Sorted, each below `modulus`.
    residues: Vec<u64>,
    len: u64,
}

impl Matches {
    /// How many profiles are kept.
    pub(super) fn count(&self) -> u64 {
        let per_block = self.residues.len() as u64;
        let rest = self.len % self.modulus;
        (self.len / self.modulus) * per_block
            + self.residues.iter().filter(|&&r| r < rest).count() as u64
    }

    /// The position of the `k`-th profile kept (0-based, in position order), if there is one.
    pub(super) fn nth(&self, k: u64) -> Option<u64> {
        let per_block = self.residues.len() as u64;
        if per_block == 0 {
            return None;
        }
        let residue = self.residues[(k % per_block) as usize];
        let p = (k / per_block)
            .checked_mul(self.modulus)?
            .checked_add(residue)?;
        (p < self.len).then_some(p)
    }
}

/// Solves `filters` (all of them must match) over the profiles of `index`.
pub(super) fn solve(index: &Index, filters: &[Filter<'_>]) -> Matches {
    // For each digit, the residues its filters allow (`None`: unfiltered).
    let mut allowed: [Option<Vec<u64>>; 5] = Default::default();
    // `Some(position)` once a unique attribute is filtered; `Some(None)` if it matches nothing.
    let mut pinned: Option<Option<u64>> = None;
    for &(field, value) in filters {
        match field.solve() {
            Solve::Digit(d) => {
                let these = index.digits[d].residues(|entry| field.text(entry) == value);
                allowed[d] = Some(match allowed[d].take() {
                    None => these,
                    Some(before) => before.into_iter().filter(|r| these.contains(r)).collect(),
                });
            }
            Solve::Unique => {
                let found = index.unique_position(field, value);
                pinned = Some(match pinned {
                    None => found,
                    Some(before) => before.filter(|&p| Some(p) == found),
                });
            }
            // `parse` only lets through the index's filters, which are all solvable (a test of
            // `catalog.rs` checks); were one not, it would filter nothing out.
            Solve::Hash => {}
        }
    }
    if let Some(found) = pinned {
        let kept = found.filter(|&p| {
            allowed
                .iter()
                .zip(&index.digits)
                .all(|(a, digit)| a.as_ref().is_none_or(|a| a.contains(&(p % digit.modulus))))
        });
        // A modulus above every position: the residues are the positions themselves.
        return Matches {
            modulus: u64::MAX,
            residues: kept.into_iter().collect(),
            len: index.len,
        };
    }
    // The Chinese remainder theorem, one digit at a time: `x ≡ r (mod modulus)` and
    // `x ≡ s (mod m)` is `x = r + modulus * t`, `t ≡ (s - r) / modulus (mod m)`.
    let mut modulus = 1u64;
    let mut residues = vec![0u64];
    for (d, allowed) in allowed.iter().enumerate() {
        let Some(allowed) = allowed else { continue };
        let m = index.digits[d].modulus;
        let inverse = inverse_mod(modulus % m, m);
        let mut next = Vec::with_capacity(residues.len() * allowed.len());
        for &r in &residues {
            for &s in allowed {
                let t = (s + m - r % m) % m * inverse % m;
                next.push(r + modulus * t);
            }
        }
        modulus *= m;
        residues = next;
    }
    residues.sort_unstable();
    Matches {
        modulus,
        residues,
        len: index.len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::profiles::catalog::IndexCatalog;

    fn query(raw: &str) -> Query<'_> {
        Query::parse(Some(raw)).unwrap()
    }

    /// Every profile's attributes as the text a filter compares (strings as they are, other
    /// values as JSON), by position.
    fn texts(index: &Index) -> Vec<serde_json::Map<String, serde_json::Value>> {
        (0..index.len)
            .map(|p| {
                let mut out = Vec::new();
                index.write_profile(&mut out, p);
                let profile: serde_json::Value = serde_json::from_slice(&out).unwrap();
                profile["attributes"].as_object().unwrap().clone()
            })
            .collect()
    }

    fn text(attributes: &serde_json::Map<String, serde_json::Value>, field: Field) -> String {
        match &attributes[field.name()] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// The positions `filters` keep, by brute force.
    fn scan(
        all: &[serde_json::Map<String, serde_json::Value>],
        filters: &[Filter<'_>],
    ) -> Vec<u64> {
        (0..all.len() as u64)
            .filter(|&p| {
                filters
                    .iter()
                    .all(|(field, value)| text(&all[p as usize], *field) == *value)
            })
            .collect()
    }

    fn solved(index: &Index, filters: &[Filter<'_>]) -> Vec<u64> {
        let matches = solve(index, filters);
        let all: Vec<u64> = (0..matches.count())
            .map(|k| matches.nth(k).unwrap())
            .collect();
        assert_eq!(matches.nth(matches.count()), None);
        all
    }

    #[test]
    fn solving_agrees_with_a_scan() {
        let catalog = IndexCatalog::new(3, 6, 20_000);
        for position in 0..6 {
            let index = catalog.index(position);
            let all = texts(&index);
            let (a, b) = (&all[1234], &all[777]);
            let filters = index.template.filters;
            let mut cases: Vec<Vec<(Field, String)>> = vec![vec![]];
            for &f in filters {
                cases.push(vec![(f, text(a, f))]);
                cases.push(vec![(f, "no such value".into())]);
                for &g in filters {
                    if f != g {
                        cases.push(vec![(f, text(a, f)), (g, text(a, g))]);
                        cases.push(vec![(f, text(a, f)), (g, text(b, g))]);
                    }
                }
            }
            cases.push(filters.iter().map(|&f| (f, text(a, f))).collect());
            for case in cases {
                let filters: Vec<Filter<'_>> = case.iter().map(|(f, v)| (*f, v.as_str())).collect();
                let expected = scan(&all, &filters);
                if case.len() == 1 && case[0].1 != "no such value" {
                    assert!(expected.contains(&1234), "{case:?}");
                }
                assert_eq!(solved(&index, &filters), expected, "{case:?}");
            }
        }
    }

    #[test]
    fn a_city_two_states_share_matches_both() {
        let index = IndexCatalog::new(1, 1, 10_000).index(0);
        let portland = solved(&index, &[(Field::City, "Portland")]);
        assert!(!portland.is_empty());
        let oregon = solved(&index, &[(Field::City, "Portland"), (Field::State, "OR")]);
        let maine = solved(&index, &[(Field::City, "Portland"), (Field::State, "ME")]);
        assert_eq!(oregon.len() + maine.len(), portland.len());
    }

    #[test]
    fn filter_keys_must_be_well_formed_and_offered() {
        let index = IndexCatalog::new(1, 1, 10).index(0);
        let ok = query("filter%5Bfirst_name%5D=Daniel&filter[city]=S%C3%A3o+Paulo&limit=3");
        let filters = parse(&index, &ok).unwrap();
        assert_eq!(
            filters,
            [(Field::FirstName, "Daniel"), (Field::City, "São Paulo")]
        );
        for (raw, named) in [
            ("filter=Daniel", "filter"),
            ("filter[]=x", "filter[]"),
            ("filter[first_name=x", "filter[first_name"),
            ("filter[a][b]=x", "filter[a][b]"),
            ("filter[first_name]x=1", "filter[first_name]x"),
            ("filter[nope]=x", "nope"),
            ("filter[phone]=x", "phone"),
            ("first_name=Daniel", "first_name"),
            ("=x", "\"\""),
        ] {
            let error = parse(&index, &query(raw)).unwrap_err();
            assert_eq!(error.status, 400, "{raw}");
            assert!(error.message.contains(named), "{raw}: {}", error.message);
        }
        // The shared parameters have slots of their own and are no filters.
        let shared = query("limit=1&next_token=x&with_total=true&api_version=x");
        assert!(parse(&index, &shared).unwrap().is_empty());
        assert_eq!(parse(&index, &query("filterx=1")).unwrap_err().status, 400);
    }

    #[test]
    fn cursor_scopes_tell_filters_apart_but_not_their_order() {
        let index = IndexCatalog::new(1, 1, 10).index(0);
        let scope = |f: &[Filter<'_>]| cursor_scope(&index, f);
        let (a, b) = ((Field::FirstName, "Daniel"), (Field::City, "Seattle"));
        assert_eq!(scope(&[a, b]), scope(&[b, a]));
        assert_ne!(scope(&[a]), scope(&[a, b]));
        assert_ne!(scope(&[]), scope(&[a]));
        assert_ne!(
            scope(&[(Field::FirstName, "a\0city=1:b")]),
            scope(&[(Field::FirstName, "a"), (Field::City, "b")])
        );
    }

    #[test]
    fn counting_and_ranking_handle_the_ends() {
        let m = Matches {
            modulus: 10,
            residues: vec![3, 7],
            len: 24,
        };
        assert_eq!(m.count(), 5);
        let all: Vec<_> = (0..5).map(|k| m.nth(k).unwrap()).collect();
        assert_eq!(all, [3, 7, 13, 17, 23]);
        assert_eq!(m.nth(5), None);
        assert_eq!(m.nth(u64::MAX), None);
        let one = Matches {
            modulus: u64::MAX,
            residues: vec![5],
            len: 10,
        };
        assert_eq!((one.count(), one.nth(0), one.nth(1)), (1, Some(5), None));
    }
}
