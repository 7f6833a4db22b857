//! The query string of every route: decoding, duplicates and the checks of the parameters that
//! several routes share (`limit`, `with_total`).

use std::borrow::Cow;

use crate::errors::{ApiError, quote};

/// The default page size when a request sets no `limit`.
pub(crate) const DEFAULT_LIMIT: u64 = 100;
/// The largest page a request may ask for.
pub(crate) const MAX_LIMIT: u64 = 1000;
/// More parameters than this is abuse, not a client; refusing bounds the duplicate check's work.
const MAX_PARAMS: usize = 64;

/// The parameters of a request, still as text. The ones every list shares have their own slot;
/// the others are kept in order of appearance, for the route that knows them. A route ignores
/// parameters it does not know, as an API that adds parameters over time must let old servers
/// ignore new ones.
#[derive(Debug, Default)]
pub(crate) struct Query<'a> {
    pub(crate) limit: Option<Cow<'a, str>>,
    pub(crate) next_token: Option<Cow<'a, str>>,
    pub(crate) with_total: Option<Cow<'a, str>>,
    pub(crate) api_version: Option<Cow<'a, str>>,
    // A `Vec` allocates on its first push only, so a segments request with the shared
    // parameters alone costs nothing here.
    others: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Query<'a> {
    /// Splits and decodes `raw` (the part after `?`), refusing malformed encodings and any
    /// parameter given twice: with two values there is no right one to pick.
    pub(crate) fn parse(raw: Option<&'a str>) -> Result<Self, ApiError> {
        let mut query = Query::default();
        let Some(raw) = raw else { return Ok(query) };
        for (count, pair) in raw.split('&').filter(|p| !p.is_empty()).enumerate() {
            if count == MAX_PARAMS {
                return Err(ApiError::bad_request(format!(
                    "Too many query parameters: at most {MAX_PARAMS} are accepted."
                )));
            }
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(key, true)?;
            let value = decode(value, true)?;
            let slot = match key.as_ref() {
                "limit" => &mut query.limit,
                "next_token" => &mut query.next_token,
                "with_total" => &mut query.with_total,
                "api_version" => &mut query.api_version,
                _ => {
                    if query.others.iter().any(|(k, _)| *k == key) {
                        return Err(duplicate(&key));
                    }
                    query.others.push((key, value));
                    continue;
                }
            };
            if slot.is_some() {
                return Err(duplicate(&key));
            }
            *slot = Some(value);
        }
        Ok(query)
    }

    /// The value of a parameter without a slot of its own, such as `state` or `created_from`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.others
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_ref())
    }

    /// The parameters without a slot of their own, in order of appearance: for a route whose
    /// parameter names vary (the Profile API's `filter[<attribute>]`).
    pub(crate) fn others(&self) -> impl Iterator<Item = (&str, &str)> {
        self.others.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    /// `limit`: an integer from 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent.
    pub(crate) fn limit(&self) -> Result<u64, ApiError> {
        let Some(text) = self.limit.as_deref() else {
            return Ok(DEFAULT_LIMIT);
        };
        // Digits only: no sign, no spaces, no `1e3` or `10.0`, which `parse` might let through.
        let valid =
            !text.is_empty() && text.len() <= 10 && text.bytes().all(|b| b.is_ascii_digit());
        match text.parse::<u64>() {
            Ok(n) if valid && (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "Invalid value for limit: must be an integer from 1 to {MAX_LIMIT}, got {}.",
                quote(text)
            ))),
        }
    }

    /// `with_total`: exactly `true` or `false`, `false` when absent.
    pub(crate) fn with_total(&self) -> Result<bool, ApiError> {
        match self.with_total.as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "Invalid value for with_total: must be true or false, got {}.",
                quote(other)
            ))),
        }
    }
}

fn duplicate(key: &str) -> ApiError {
    ApiError::bad_request(format!(
        "Query parameter {} is given more than once; give it at most once.",
        quote(key)
    ))
}

/// Decodes percent-encoded text: `%XX` is a byte, `+` a space when `plus_is_space` (in a query
/// string, not in a path), and the result must be UTF-8. Text with nothing to decode is borrowed
/// as it is.
pub(crate) fn decode(text: &str, plus_is_space: bool) -> Result<Cow<'_, str>, ApiError> {
    if !text
        .bytes()
        .any(|b| b == b'%' || (plus_is_space && b == b'+'))
    {
        return Ok(Cow::Borrowed(text));
    }
    let malformed = || {
        ApiError::bad_request(format!(
            "Malformed URL: {} is not valid percent-encoded UTF-8.",
            quote(text)
        ))
    };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or_else(malformed)?;
                let hex = std::str::from_utf8(hex).map_err(|_| malformed())?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| malformed())?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| malformed())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(raw: &str) -> Result<u64, ApiError> {
        Query::parse(Some(raw))?.limit()
    }

    #[test]
    fn known_parameters_are_decoded() {
        let q = Query::parse(Some(
            "limit=12&with_total=true&next_token=a%2Bb+c&api_version=2024-04-01&x=1",
        ))
        .unwrap();
        assert_eq!(q.limit().unwrap(), 12);
        assert!(q.with_total().unwrap());
        assert_eq!(q.next_token.as_deref(), Some("a+b c"));
        assert_eq!(q.api_version.as_deref(), Some("2024-04-01"));
    }

    #[test]
    fn absent_parameters_take_their_defaults() {
        let q = Query::parse(None).unwrap();
        assert_eq!(q.limit().unwrap(), DEFAULT_LIMIT);
        assert!(!q.with_total().unwrap());
        assert!(Query::parse(Some("")).unwrap().next_token.is_none());
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        assert_eq!(limit("limit=1").unwrap(), 1);
        assert_eq!(limit("limit=1000").unwrap(), 1000);
        for bad in [
            "0",
            "1001",
            "-1",
            "+5",
            " 5",
            "5.0",
            "1e3",
            "abc",
            "",
            "99999999999999999999",
        ] {
            assert_eq!(
                limit(&format!("limit={bad}")).unwrap_err().status,
                400,
                "{bad}"
            );
        }
        assert_eq!(limit("limit").unwrap_err().status, 400);
    }

    #[test]
    fn with_total_is_strictly_boolean() {
        for bad in ["TRUE", "1", "yes", ""] {
            let raw = format!("with_total={bad}");
            let q = Query::parse(Some(&raw)).unwrap();
            assert_eq!(q.with_total().unwrap_err().status, 400, "{bad}");
        }
    }

    #[test]
    fn duplicates_and_bad_encodings_are_refused() {
        for raw in [
            "limit=1&limit=1",
            "l%69mit=1&limit=2",
            "a=1&a=2",
            "next_token=%zz",
            "x=%ff",
            "x=%4",
        ] {
            assert_eq!(Query::parse(Some(raw)).unwrap_err().status, 400, "{raw}");
        }
        let many: Vec<_> = (0..65).map(|i| format!("k{i}=1")).collect();
        assert!(Query::parse(Some(&many.join("&"))).is_err());
    }
}
