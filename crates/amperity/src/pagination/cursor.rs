//! Reading a page's `next_token` early, from the raw body, before the page is decoded.

/// The `next_token` of a page body, read without decoding its items; `None` on the last page
/// and for a body that is not a page (the full decode reports that).
pub(super) fn next_token_of(body: &[u8]) -> Option<String> {
    let token = match trailing_next_token(body) {
        Some(token) => token.to_owned(),
        None => {
            #[derive(serde::Deserialize)]
            struct Cursor {
                #[serde(default)]
                next_token: Option<String>,
            }
            serde_json::from_slice::<Cursor>(body).ok()?.next_token?
        }
    };
    (!token.is_empty()).then_some(token)
}

/// `next_token` read from the end of a body shaped `{…,"next_token":"<token>"}`, the common case
/// (Amperity and the mock both end a page with it), without looking at the items before it.
///
/// In valid JSON, the member just before the closing brace is a member of the outermost object;
/// a token with no quote or backslash needs no unescaping. Anything else falls back to a full
/// parse. Whatever this returns is only a hint: the walk checks it against the decoded page.
fn trailing_next_token(body: &[u8]) -> Option<&str> {
    let rest = body.trim_ascii_end().strip_suffix(b"}")?;
    let rest = rest.trim_ascii_end().strip_suffix(b"\"")?;
    let open = rest.iter().rposition(|&b| b == b'"' || b == b'\\')?;
    if rest[open] != b'"' {
        return None;
    }
    let token = std::str::from_utf8(&rest[open + 1..]).ok()?;
    let rest = rest[..open].trim_ascii_end().strip_suffix(b":")?;
    let rest = rest.trim_ascii_end().strip_suffix(b"\"next_token\"")?;
    match rest.trim_ascii_end().last() {
        Some(b',' | b'{') => Some(token),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::next_token_of;

    #[test]
    fn the_cursor_is_read_from_the_end_of_a_page() {
        let token = |body: &str| next_token_of(body.as_bytes());
        assert_eq!(
            token(r#"{"data":[{"id":"a"}],"next_token":"t1"}"#).as_deref(),
            Some("t1")
        );
        assert_eq!(
            token("{ \"data\": [] ,\n \"next_token\" : \"t1\" }\n").as_deref(),
            Some("t1")
        );
    }

    #[test]
    fn other_layouts_fall_back_to_a_full_parse() {
        let token = |body: &str| next_token_of(body.as_bytes());
        // The cursor first, and a nested member of the same name last.
        assert_eq!(
            token(r#"{"next_token":"t1","data":[{"id":"a","meta":{"next_token":"no"}}]}"#)
                .as_deref(),
            Some("t1")
        );
        // An escaped cursor.
        assert_eq!(
            token(r#"{"data":[],"next_token":"t\u0031"}"#).as_deref(),
            Some("t1")
        );
        // Something that only looks like a cursor, inside a string.
        assert_eq!(
            token(r#"{"data":[],"note":"\",\"next_token\":\"no"}"#),
            None
        );
        assert_eq!(
            token(r#"{"data":[],"next_token":"t1","total":3}"#).as_deref(),
            Some("t1")
        );
    }

    #[test]
    fn the_last_page_and_bodies_that_are_not_pages_have_no_cursor() {
        for body in [
            r#"{"data":[]}"#,
            r#"{"data":[],"next_token":null}"#,
            r#"{"data":[],"next_token":""}"#,
            "<html>bad gateway</html>",
            "",
        ] {
            assert_eq!(next_token_of(body.as_bytes()), None, "{body}");
        }
    }
}
