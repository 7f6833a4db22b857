//! `next_token`: an opaque, unforgeable cursor.
//!
//! A token is the offset of the next page's first record plus an HMAC-SHA256 tag over it,
//! both in lower-case hex. The MAC key is derived from a random per-process secret, the seed, the
//! list (its scope) and the number of records, so a client cannot make up a token, alter one,
//! carry one over to another list, or to a server with different data (or to a restarted one).
//! Because the cursor is an offset, not a page number, a client may change `limit` from one
//! request to the next and still see every record exactly once.

use std::sync::OnceLock;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::json::HEX;

/// Bytes of the HMAC tag kept in a token; 128 bits are far beyond guessing range.
const TAG_LEN: usize = 16;
const OFFSET_LEN: usize = 8;

/// Length of every token this server issues, in characters.
pub(crate) const TOKEN_LEN: usize = 2 * (OFFSET_LEN + TAG_LEN);

/// Signs and checks the cursors of one list of one server.
#[derive(Clone)]
pub(crate) struct CursorCodec {
    // Keyed once; cloning the keyed state per token skips re-hashing the key.
    mac: Hmac<Sha256>,
    len: u64,
}

impl CursorCodec {
    /// The codec of the list `scope` holding `len` records generated from `seed`. A list that
    /// grows (workflow runs) passes `u64::MAX` and checks offsets against its length itself.
    pub(crate) fn new(seed: u64, scope: &str, len: u64) -> Self {
        let key = Sha256::new()
            .chain_update(b"amperity-mock next_token v2\0")
            .chain_update(process_secret())
            .chain_update(seed.to_le_bytes())
            .chain_update(scope.as_bytes())
            .chain_update(b"\0")
            .chain_update(len.to_le_bytes())
            .finalize();
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
            .expect("HMAC accepts keys of any length");
        Self { mac, len }
    }

    /// The token that resumes a walk at `offset`.
    pub(crate) fn encode(&self, offset: u64) -> [u8; TOKEN_LEN] {
        let offset = offset.to_be_bytes();
        let tag = self
            .mac
            .clone()
            .chain_update(offset)
            .finalize()
            .into_bytes();
        let mut raw = [0u8; OFFSET_LEN + TAG_LEN];
        raw[..OFFSET_LEN].copy_from_slice(&offset);
        raw[OFFSET_LEN..].copy_from_slice(&tag[..TAG_LEN]);
        let mut out = [0u8; TOKEN_LEN];
        for (pair, byte) in out.chunks_exact_mut(2).zip(raw) {
            pair[0] = HEX[(byte >> 4) as usize];
            pair[1] = HEX[(byte & 0xf) as usize];
        }
        out
    }

    /// The offset a token stands for, or `None` when this server did not issue it.
    pub(crate) fn decode(&self, token: &str) -> Option<u64> {
        let token = token.as_bytes();
        if token.len() != TOKEN_LEN {
            return None;
        }
        let mut raw = [0u8; OFFSET_LEN + TAG_LEN];
        for (byte, pair) in raw.iter_mut().zip(token.chunks_exact(2)) {
            // Only the lower-case digits this server writes: accepting upper case too would let a
            // changed token (`a` to `A`) pass as the original.
            *byte = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
        }
        let (offset, tag) = raw.split_at(OFFSET_LEN);
        self.mac
            .clone()
            .chain_update(offset)
            .verify_truncated_left(tag)
            .ok()?;
        let offset = u64::from_be_bytes(offset.try_into().ok()?);
        // Tokens are only issued for offsets with something left to read.
        (offset > 0 && offset < self.len).then_some(offset)
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Random bytes drawn once per process, so that tokens cannot be computed from the public seed.
fn process_secret() -> &'static [u8; 32] {
    static SECRET: OnceLock<[u8; 32]> = OnceLock::new();
    SECRET.get_or_init(rand::random)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(token: [u8; TOKEN_LEN]) -> String {
        String::from_utf8(token.to_vec()).unwrap()
    }

    #[test]
    fn issued_tokens_decode_to_their_offset() {
        let codec = CursorCodec::new(1, "segments", 1_000_000);
        for offset in [1, 2, 100, 999_999] {
            assert_eq!(codec.decode(&text(codec.encode(offset))), Some(offset));
        }
    }

    #[test]
    fn altered_or_foreign_tokens_are_rejected() {
        let codec = CursorCodec::new(1, "segments", 1000);
        let token = text(codec.encode(100));
        for i in 0..TOKEN_LEN {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
            assert_eq!(
                codec.decode(&String::from_utf8(bytes).unwrap()),
                None,
                "{i}"
            );
        }
        assert_eq!(codec.decode(&token.to_uppercase()), None);
        assert_eq!(codec.decode(&token[1..]), None);
        assert_eq!(codec.decode(""), None);
        assert_eq!(codec.decode("ABCd1fghIJk2l3M"), None);
        assert_eq!(CursorCodec::new(2, "segments", 1000).decode(&token), None);
        assert_eq!(CursorCodec::new(1, "segments", 1001).decode(&token), None);
        // Multi-byte characters must not trip the pairwise hex decoding.
        assert_eq!(codec.decode(&"é".repeat(TOKEN_LEN / 2)), None);
    }

    #[test]
    fn offsets_without_a_next_page_are_rejected() {
        let codec = CursorCodec::new(1, "segments", 10);
        assert_eq!(codec.decode(&text(codec.encode(0))), None);
        assert_eq!(codec.decode(&text(codec.encode(10))), None);
    }
}
