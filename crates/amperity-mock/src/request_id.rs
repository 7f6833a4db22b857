//! Request and trace ids, cheap enough to make for every response.
//!
//! A random UUID per request would cost a trip to the operating system's random source; instead a
//! counter is mixed with per-server random salts, which gives UUID-shaped ids that never repeat
//! in practice and cost a few multiplications.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::data::mix;
use crate::json::HEX;

/// Length of a request id: a UUID in its usual 8-4-4-4-12 spelling.
pub(crate) const REQUEST_ID_LEN: usize = 36;

/// Hands out request ids for one server.
#[derive(Debug)]
pub(crate) struct RequestIds {
    salts: [u64; 3],
    counter: AtomicU64,
}

/// The ids of one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestId {
    bits: (u64, u64),
    trace_salt: u64,
}

impl RequestIds {
    /// A generator with fresh random salts, so two servers do not hand out the same ids.
    pub(crate) fn new() -> Self {
        Self {
            salts: rand::random(),
            counter: AtomicU64::new(0),
        }
    }

    /// The ids of the next request.
    pub(crate) fn next(&self) -> RequestId {
        // Relaxed: only uniqueness matters, not ordering against other memory.
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        // Each half is a bijection of the counter; only the six version and variant bits are
        // overwritten later, so two requests of one server practically never share an id.
        let high = mix(self.salts[0] ^ n);
        let low = mix(self.salts[1] ^ n);
        RequestId {
            bits: (high, low),
            trace_salt: self.salts[2],
        }
    }
}

impl RequestId {
    /// The request id as a version-4-shaped UUID, e.g. `6a1f7c2e-3b7d-4d4e-9a51-0c7a3f0b2d11`.
    pub(crate) fn uuid(&self) -> [u8; REQUEST_ID_LEN] {
        let (high, low) = self.bits;
        let mut bits = (u128::from(high) << 64) | u128::from(low);
        bits = (bits & !(0xf << 76)) | (0x4 << 76); // version 4
        bits = (bits & !(0x3 << 62)) | (0x2 << 62); // RFC 4122 variant
        let mut out = [b'-'; REQUEST_ID_LEN];
        let mut pos = 0;
        for i in 0..32 {
            if matches!(i, 8 | 12 | 16 | 20) {
                pos += 1; // leave the dash
            }
            out[pos] = HEX[((bits >> (124 - 4 * i)) & 0xf) as usize];
            pos += 1;
        }
        out
    }

    /// A trace id in the AWS X-Ray form Amperity's examples use: `1-<epoch seconds>-<96 bits>`.
    pub(crate) fn trace_id(&self) -> String {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let a = mix(self.bits.0 ^ self.trace_salt);
        let b = mix(self.bits.1 ^ self.trace_salt);
        let mut out = *b"1-00000000-000000000000000000000000";
        write_hex(&mut out[2..10], seconds);
        write_hex(&mut out[11..27], a);
        write_hex(&mut out[27..35], b);
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Writes the low `out.len()` hex digits of `value` into `out`.
fn write_hex(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        *slot = HEX[(value & 0xf) as usize];
        value >>= 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_uuid_shaped_and_distinct() {
        let ids = RequestIds::new();
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let id = ids.next().uuid();
            let text = std::str::from_utf8(&id).unwrap();
            let groups: Vec<_> = text.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{text}");
            assert_eq!(id[14], b'4', "{text}");
            assert!(matches!(id[19], b'8' | b'9' | b'a' | b'b'), "{text}");
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn trace_ids_look_like_x_ray_ids() {
        let trace = RequestIds::new().next().trace_id();
        let parts: Vec<_> = trace.split('-').collect();
        assert_eq!(parts.len(), 3, "{trace}");
        assert_eq!((parts[0], parts[1].len(), parts[2].len()), ("1", 8, 24));
    }
}
