//! Timestamps: the partial ISO 8601 forms the time-window parameters take, and the RFC 3339 form
//! every response uses (`2026-04-09T17:21:06.747Z`). Milliseconds since the Unix epoch
//! throughout; the calendar arithmetic is Howard Hinnant's `days_from_civil`, which needs no
//! time-zone data because everything is UTC.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::errors::{ApiError, quote};

/// Milliseconds in a day.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// Now, in milliseconds since the epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number from [`days_from_civil`].
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Appends `ms` as a quoted RFC 3339 UTC timestamp with milliseconds.
pub(crate) fn push_timestamp(out: &mut Vec<u8>, ms: i64) {
    out.push(b'"');
    out.extend_from_slice(rfc3339(ms).as_bytes());
    out.push(b'"');
}

/// `ms` as an RFC 3339 UTC timestamp with milliseconds, `2026-04-09T17:21:06.747Z`.
pub(crate) fn rfc3339(ms: i64) -> String {
    let (year, month, day) = civil_from_days(ms.div_euclid(DAY_MS));
    let in_day = ms.rem_euclid(DAY_MS);
    let (h, m, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// `YYYYMMDD` of the day of `ms`, as in Amperity's IDs (`wf-20240603-12345-MNabc`).
pub(crate) fn compact_date(ms: i64) -> String {
    let (year, month, day) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{year:04}{month:02}{day:02}")
}

/// Reads the time-window parameter `name`: an ISO 8601 timestamp, complete
/// (`2026-04-01T11:11:11Z`, `2026-04-01T11:11:11.250Z`) or partial (`2026`, `2026-04`,
/// `2026-04-01`, `2026-04-01T11`, `2026-04-01T11:11`), in UTC. A partial one stands for the start
/// of the period it names. Without a zone it is read as UTC, as the spec says every timestamp
/// is; `+00:00` is taken too, and another offset is converted.
pub(crate) fn parse_param(name: &str, text: &str) -> Result<i64, ApiError> {
    parse(text).ok_or_else(|| {
        ApiError::bad_request(format!(
            "Invalid value for {name}: {} is not an ISO 8601 timestamp in UTC, such as \
             2026-04-01 or 2026-04-01T11:11:11Z.",
            quote(text)
        ))
    })
}

fn parse(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let year = digits(0, 4)?;
    let (mut month, mut day, mut hour, mut minute, mut second, mut milli) = (1, 1, 0, 0, 0, 0);
    let mut at = 4;
    // Each optional piece, in order; the first missing one ends the timestamp.
    if b.get(at) == Some(&b'-') {
        month = digits(at + 1, 2)?;
        at += 3;
        if b.get(at) == Some(&b'-') {
            day = digits(at + 1, 2)?;
            at += 3;
            if matches!(b.get(at), Some(b'T' | b't')) {
                hour = digits(at + 1, 2)?;
                at += 3;
                if b.get(at) == Some(&b':') {
                    minute = digits(at + 1, 2)?;
                    at += 3;
                    if b.get(at) == Some(&b':') {
                        second = digits(at + 1, 2)?;
                        at += 3;
                        if b.get(at) == Some(&b'.') {
                            let start = at + 1;
                            at = start;
                            while b.get(at).is_some_and(u8::is_ascii_digit) {
                                at += 1;
                            }
                            let fraction = &text[start..at];
                            if fraction.is_empty() || fraction.len() > 9 {
                                return None;
                            }
                            milli = format!("{fraction:0<3}")[..3].parse().ok()?;
                        }
                    }
                }
            }
        }
    }
    let offset_ms = match &b[at..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] => {
            let rest = &text[at + 1..];
            let (h, m) = match rest.len() {
                5 if rest.as_bytes()[2] == b':' => (&rest[..2], &rest[3..]),
                4 => (&rest[..2], &rest[2..]),
                2 => (rest, "00"),
                _ => return None,
            };
            if !(h.bytes().chain(m.bytes())).all(|d| d.is_ascii_digit()) {
                return None;
            }
            let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
            if h > 23 || m > 59 || at <= 10 {
                // An offset needs a time of day to apply to.
                return None;
            }
            let magnitude = (h * 60 + m) * 60_000;
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month)
        || day < 1
        || day > i64::from(days_in_month(year, month as u32))
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    Some(days * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + milli - offset_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(ms: i64) -> String {
        let mut out = Vec::new();
        push_timestamp(&mut out, ms);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn partial_and_complete_timestamps_are_read_as_utc() {
        let day = parse("2026-04-01").unwrap();
        assert_eq!(text(day), "\"2026-04-01T00:00:00.000Z\"");
        assert_eq!(
            parse("2026").unwrap(),
            parse("2026-01-01T00:00:00Z").unwrap()
        );
        assert_eq!(parse("2026-04").unwrap(), day);
        assert_eq!(parse("2026-04-01T11").unwrap(), day + 11 * 3_600_000);
        assert_eq!(parse("2026-04-01T11:11").unwrap(), day + 40_260_000);
        assert_eq!(parse("2026-04-01T11:11:11Z").unwrap(), day + 40_271_000);
        assert_eq!(parse("2026-04-01T11:11:11.25Z").unwrap(), day + 40_271_250);
        assert_eq!(parse("2026-04-01T11:11:11").unwrap(), day + 40_271_000);
        assert_eq!(
            parse("2026-04-01T13:11:11+02:00").unwrap(),
            parse("2026-04-01T11:11:11Z").unwrap()
        );
        assert_eq!(
            text(parse("2024-02-29T23:59:59.999Z").unwrap()),
            "\"2024-02-29T23:59:59.999Z\""
        );
    }

    #[test]
    fn malformed_timestamps_are_refused() {
        for bad in [
            "",
            "x",
            "26-04-01",
            "2026-4-01",
            "2026-04-1",
            "2026-13-01",
            "2026-02-30",
            "2025-02-29",
            "2026-04-01T24:00",
            "2026-04-01T11:60",
            "2026-04-01 11:11",
            "2026-04-01T11:11:11.Z",
            "2026-04-01TZ",
            "2026-04-01T11:11:11ZZ",
            "2026-04-01Z+",
            "2026-04-01+02:00",
            "２０２６-04-01",
            "2026-04-01T11:11:11+2",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        let error = parse_param("happened_from", "nope").unwrap_err();
        assert_eq!(error.status, 400);
        assert!(error.message.contains("happened_from"));
    }

    #[test]
    fn days_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            compact_date(parse("2026-06-19T04:02:54Z").unwrap()),
            "20260619"
        );
    }
}
