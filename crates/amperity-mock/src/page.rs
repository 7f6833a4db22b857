//! One page of segments as a `SegmentPage` JSON body.

use crate::cursor::CursorCodec;
use crate::data::{Catalog, ID_LEN};
use crate::json;

const ITEM_HEAD: &[u8; 27] = b"{\"id\":\"___________\",\"name\":";
const ID_AT: usize = 7;

/// Room for one `{"id":…,"name":…}` item: most names are under 50 bytes, so one allocation
/// almost always fits the whole page.
const BYTES_PER_ITEM: usize = 80;

/// Writes the page that starts at segment `start` and holds up to `limit` segments:
/// `{"data":[…],"next_token":"…","total":N}`. `next_token` is left out on the last page and
/// `total` unless asked for, as the seed describes.
pub(crate) fn write_page(
    catalog: &Catalog,
    cursors: &CursorCodec,
    start: u64,
    limit: u64,
    with_total: bool,
) -> Vec<u8> {
    let end = start.saturating_add(limit).min(catalog.len());
    let start = start.min(end);
    let items = usize::try_from(end - start).unwrap_or(0);
    let mut out = Vec::with_capacity(128 + items * BYTES_PER_ITEM);
    out.extend_from_slice(b"{\"data\":[");
    for index in start..end {
        if index != start {
            out.push(b',');
        }
        // One copy for `{"id":"<id>","name":` rather than three.
        let mut head = *ITEM_HEAD;
        head[ID_AT..ID_AT + ID_LEN].copy_from_slice(&catalog.id(index));
        out.extend_from_slice(&head);
        catalog.name(index).push_json(&mut out);
        out.push(b'}');
    }
    out.push(b']');
    if end < catalog.len() {
        out.extend_from_slice(b",\"next_token\":\"");
        out.extend_from_slice(&cursors.encode(end));
        out.push(b'"');
    }
    if with_total {
        out.extend_from_slice(b",\"total\":");
        json::push_u64(&mut out, catalog.len());
    }
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn page(len: u64, start: u64, limit: u64, with_total: bool) -> Value {
        let catalog = Catalog::new(1, len);
        let cursors = CursorCodec::new(1, "segments", len);
        serde_json::from_slice(&write_page(&catalog, &cursors, start, limit, with_total)).unwrap()
    }

    #[test]
    fn first_page_matches_the_seed_example() {
        let body = page(300, 0, 2, true);
        assert_eq!(body["data"][0]["id"], "ab-1CDEfGHI");
        assert_eq!(body["data"][1]["name"], "Returning Customers");
        assert_eq!(body["total"], 300);
        assert!(body["next_token"].is_string());
        assert_eq!(body.as_object().unwrap().len(), 3);
    }

    #[test]
    fn last_page_has_no_token_and_total_only_on_request() {
        let body = page(10, 7, 100, false);
        assert_eq!(body["data"].as_array().unwrap().len(), 3);
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    }

    #[test]
    fn an_empty_tenant_has_an_empty_page() {
        assert_eq!(
            page(0, 0, 100, true),
            serde_json::json!({"data": [], "total": 0})
        );
    }
}
