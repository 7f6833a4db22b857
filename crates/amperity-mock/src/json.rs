//! Writing JSON straight into a byte buffer.
//!
//! Responses are written by hand rather than through serde so that a page of a thousand segments
//! is one pass over one pre-sized buffer, with no intermediate values.

/// Appends `s` as the inside of a JSON string (no surrounding quotes), escaping what RFC 8259
/// requires. Non-ASCII text is copied as UTF-8, as serde_json does.
pub(crate) fn push_str_content(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPED[b as usize] {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Which bytes a JSON string cannot hold as they are: one lookup per byte on the common path.
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Whether `s` holds anything [`push_str_content`] would escape; usable in constants.
pub(crate) const fn needs_escape(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if ESCAPED[bytes[i] as usize] {
            return true;
        }
        i += 1;
    }
    false
}

/// Appends `s` as a quoted JSON string.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    push_str_content(out, s);
    out.push(b'"');
}

/// Appends an unsigned integer in decimal, without going through `fmt`.
pub(crate) fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Lower-case hexadecimal digits.
pub(crate) const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_serde_json() {
        let samples = [
            "",
            "plain",
            "quote \" and backslash \\",
            "controls \u{0}\u{1}\u{8}\u{c}\n\r\t\u{1f}",
            "Café Regulars, Клиенты, 顧客 VIP, Emoji 🎉 fans",
            "\u{7f}\u{2028}",
        ];
        for sample in samples {
            let mut out = Vec::new();
            push_str(&mut out, sample);
            let parsed: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(parsed, sample);
            assert_eq!(out, serde_json::to_vec(sample).unwrap(), "{sample:?}");
        }
    }

    #[test]
    fn integers_are_decimal() {
        for n in [0, 7, 10, 999, 1_000_000, u64::MAX] {
            let mut out = Vec::new();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
