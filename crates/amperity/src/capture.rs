//! What the HTTP responses of a call looked like, as the request hook saw them, before
//! progenitor decodes them.
//!
//! - For error reports: progenitor reports an undecodable body as bytes plus a serde error, and the
//!   status and content type are gone by then. The request hook records them in a task-local
//!   slot that the SDK opens around each call, so that a decode error can name the status, the
//!   content type and the request id.
//! - For page walks: a successful body goes to a tap, so that the walk can read the next cursor
//!   while progenitor is still decoding (see `walk.rs`).
//!
//! - For retries: the hook notes when it declined to repeat a request the server may have acted
//!   on, so that the error can say so.
//!
//! Outside such scopes (a caller using the generated builders directly) recording is a no-op.

use std::cell::RefCell;
use std::future::Future;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use tokio::sync::oneshot;

use crate::auth::TokenError;

/// The final response of a call, as the request hook saw it.
#[derive(Debug, Clone)]
pub(crate) struct ResponseRecord {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub body: Bytes,
}

impl ResponseRecord {
    pub fn new(status: StatusCode, headers: &HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            content_type: header_str(headers, CONTENT_TYPE.as_str()),
            request_id: request_id(headers),
            body,
        }
    }
}

/// What the request hook saw of one call.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    /// The call's final response.
    pub last: Option<ResponseRecord>,
    /// The hook declined to retry a failure that a retry might have cured, because the server
    /// may already have acted on the request (see `retry::Replay`).
    pub declined_retry: bool,
    /// The token provider's failure, which progenitor passes on as a bare message.
    pub token_error: Option<TokenError>,
}

tokio::task_local! {
    static CALL: RefCell<CallRecord>;
}

/// Runs `future` with a fresh record and returns what it recorded.
pub(crate) async fn scope<F: Future>(future: F) -> (F::Output, CallRecord) {
    CALL.scope(RefCell::new(CallRecord::default()), async move {
        let output = future.await;
        let record = CALL.with(|slot| std::mem::take(&mut *slot.borrow_mut()));
        (output, record)
    })
    .await
}

/// Notes, when a scope is open, that the call failed in a way a retry might have cured but was
/// not retried, because the server may have acted on it.
pub(crate) fn declined_retry() {
    let _ = CALL.try_with(|slot| slot.borrow_mut().declined_retry = true);
}

/// Keeps, when a scope is open, why the token provider failed.
pub(crate) fn token_error(error: TokenError) {
    let _ = CALL.try_with(|slot| slot.borrow_mut().token_error = Some(error));
}

/// Remembers `record` as the call's latest response, when a scope is open, and hands a success
/// body to the tap of [`tap_success_body`], if one is waiting. True when it did.
pub(crate) fn record(record: ResponseRecord) -> bool {
    let mut tapped = false;
    if record.status.is_success() {
        let _ = SUCCESS_BODY_TAP.try_with(|tap| {
            if let Some(tap) = tap.borrow_mut().take() {
                tapped = tap.send(record.body.clone()).is_ok();
            }
        });
    }
    let _ = CALL.try_with(|slot| slot.borrow_mut().last = Some(record));
    tapped
}

tokio::task_local! {
    static SUCCESS_BODY_TAP: RefCell<Option<oneshot::Sender<Bytes>>>;
}

/// Runs `future`, sending the body of its first successful response to `tap` as soon as it has
/// arrived, before progenitor decodes it. A page walk reads the next cursor from it to start the
/// following request while this page is still being decoded. If no successful response arrives,
/// `tap` is dropped unsent.
pub(crate) async fn tap_success_body<F: Future>(
    tap: oneshot::Sender<Bytes>,
    future: F,
) -> F::Output {
    SUCCESS_BODY_TAP
        .scope(RefCell::new(Some(tap)), future)
        .await
}

/// A header's value as text, if it is present and printable.
pub(crate) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The server's request id header, under the names servers commonly use.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    ["request-id", "x-request-id", "x-amzn-requestid"]
        .iter()
        .find_map(|name| header_str(headers, name))
}
