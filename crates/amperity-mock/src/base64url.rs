//! Base64url without padding (RFC 4648 §5), the encoding of every part of a JWT. Decoding is
//! strict (no padding, no whitespace, no stray bits in the last character: the `base64` crate's
//! defaults), so that one token has one spelling and an altered one is never read as the
//! original.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// `bytes` in base64url, without `=` padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The bytes `text` encodes, or `None` unless it is canonical unpadded base64url.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_is_not_canonical() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"\xff\xfe\x00"] {
            assert_eq!(decode(&encode(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(encode(b"\xfb\xff"), "-_8");
        for bad in ["Zg==", "Zh", "Z", "Zm9v YmFy", "Zm9v+"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
