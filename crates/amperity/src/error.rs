//! The one error type of the SDK.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::auth::TokenError;
use crate::capture::{self, ResponseRecord};
use crate::types::ErrorResponse;

/// The error type of the progenitor-generated builders (`client.list_segments().send()`).
/// Convert it with `Error::from` to get the SDK's error; the SDK's own calls do that for you.
pub type GeneratedError = progenitor_client::Error<ErrorResponse>;

/// Everything that can go wrong when talking to Amperity.
///
/// Match on the variant to react (re-authenticate on [`Unauthorized`](Error::Unauthorized),
/// slow down on [`RateLimited`](Error::RateLimited), ...). `Display` names the HTTP status, the
/// server's message and the request id, which Amperity support asks for. No variant ever contains
/// the access token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be built: a missing tenant or token, a bad base URL, ...
    #[error("invalid configuration: {0}")]
    Config(String),

    /// The request could not be built from the given arguments.
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// The work was cancelled before it finished: a page fetch running ahead of the caller was
    /// stopped (its runtime shutting down, say) and has no answer to give.
    #[error("cancelled: {0}")]
    Cancelled(String),

    /// No access token to send: the credentials were refused, a static token has expired, or
    /// the token endpoint could not be reached. [`TokenError::kind`] tells which.
    #[error("could not get an access token: {0}")]
    Token(#[from] TokenError),

    /// 401: the token is missing, invalid or expired.
    #[error("authentication failed: {0}")]
    Unauthorized(Box<ApiError>),

    /// 403: the token is valid but not allowed to do this for this tenant.
    #[error("permission denied: {0}")]
    Forbidden(Box<ApiError>),

    /// 429, still, after every retry the policy allowed.
    #[error("rate limited: {0}")]
    RateLimited(Box<ApiError>),

    /// Any other error status, with the server's error body.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// A response whose body is not what the API documents: malformed or truncated JSON, an
    /// HTML page from a proxy, a success status the API does not use.
    #[error("{0}")]
    Decode(Box<DecodeError>),

    /// No answer in time.
    #[error("timed out: {0}")]
    Timeout(Timeout),

    /// The connection failed or broke (DNS, refused, reset, TLS, body cut short).
    #[error("connection failed: {message}")]
    Connection {
        /// The cause, as a chain of messages.
        message: String,
        /// The underlying transport error.
        #[source]
        source: reqwest::Error,
    },

    /// A request that is not safe to send twice (starting a workflow run) failed in a way that a
    /// retry might have cured (a 5xx, a timeout, a connection cut after sending), so the server
    /// may or may not have acted on it. It was not sent again: check what the server did before
    /// sending it again. The inner error is what went wrong.
    #[error(
        "{0} (not retried: this request is not idempotent and the server may have acted on it; \
         check before sending it again)"
    )]
    NotRetried(Box<Error>),

    /// The server handed back a `next_token` that this walk had already followed: following it
    /// would loop forever.
    #[error(
        "the server repeated next_token {token:?} after {pages} page(s); stopping instead of looping"
    )]
    RepeatedToken {
        /// The repeated token.
        token: String,
        /// Pages read before the repeat.
        pages: u64,
    },
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Timeout {
    /// One attempt (connect, send, and read the whole response) took longer than this.
    Attempt(Option<Duration>),
    /// The whole call, retries and waits included, took longer than this.
    Overall(Duration),
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timeout::Attempt(Some(limit)) => {
                write!(f, "the server did not answer within {limit:?}")
            }
            Timeout::Attempt(None) => write!(f, "the server did not answer in time"),
            Timeout::Overall(limit) => {
                write!(f, "the call, with retries, took longer than {limit:?}")
            }
        }
    }
}

/// An error response from the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The server's message (or, for a body that is not an error document, a note saying so).
    pub message: String,
    /// The request id, from the body or the response headers.
    pub request_id: Option<String>,
    /// The trace id from the body.
    pub trace_id: Option<String>,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
    /// The decoded error body, when the body was one.
    pub body: Option<ErrorResponse>,
    /// The body as received.
    pub raw_body: Bytes,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// A response body that could not be decoded.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: Option<StatusCode>,
    /// Its `content-type`.
    pub content_type: Option<String>,
    /// The request id from the response headers.
    pub request_id: Option<String>,
    /// What was wrong.
    pub reason: String,
    /// The start of the body, for the error message.
    pub snippet: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not decode the ")?;
        match self.status {
            Some(status) => write!(f, "HTTP {status} response")?,
            None => f.write_str("response")?,
        }
        write!(
            f,
            " (content-type {}): {}; body starts {:?}",
            self.content_type.as_deref().unwrap_or("none"),
            self.reason,
            self.snippet
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// How much of a body an error message quotes.
const SNIPPET_CHARS: usize = 120;

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut snippet: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().nth(SNIPPET_CHARS).is_some() {
        snippet.push('…');
    }
    snippet
}

impl Error {
    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Decode(e) => e.status,
            Error::NotRetried(e) => e.status(),
            other => other.api_error().map(|e| e.status),
        }
    }

    /// The request id of the failed request, for Amperity support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Decode(e) => e.request_id.as_deref(),
            Error::NotRetried(e) => e.request_id(),
            other => other.api_error().and_then(|e| e.request_id.as_deref()),
        }
    }

    /// The API error body, for the variants that carry one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::RateLimited(e)
            | Error::Api(e) => Some(e),
            Error::NotRetried(e) => e.api_error(),
            _ => None,
        }
    }

    /// Maps an error of the generated client, with the call's last response when the SDK
    /// recorded one.
    pub(crate) fn from_generated(error: GeneratedError, last: Option<ResponseRecord>) -> Self {
        use progenitor_client::Error as E;
        match error {
            E::InvalidRequest(message) => Error::InvalidRequest(message),
            // The request hook returns this only when the token provider failed.
            E::Custom(message) => Error::Token(TokenError::new(message)),
            E::CommunicationError(source)
            | E::ResponseBodyError(source)
            | E::InvalidUpgrade(source) => Error::from_transport(source),
            E::ErrorResponse(response) => {
                let status = response.status();
                let request_id = capture::request_id(response.headers());
                let retry_after = crate::retry::retry_after(response.headers());
                let raw_body = last.map(|r| r.body).unwrap_or_default();
                let body = response.into_inner();
                let api = ApiError {
                    status,
                    message: body.message.clone(),
                    request_id: body.request_id.clone().or(request_id),
                    trace_id: body.trace_id.clone(),
                    retry_after,
                    body: Some(body),
                    raw_body,
                };
                Error::from_api(api)
            }
            E::InvalidResponsePayload(body, cause) => Error::Decode(Box::new(DecodeError {
                status: last.as_ref().map(|r| r.status),
                content_type: last.as_ref().and_then(|r| r.content_type.clone()),
                request_id: last.and_then(|r| r.request_id),
                reason: format!("{cause}"),
                snippet: snippet(&body),
            })),
            E::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers();
                let content_type = capture::header_str(headers, "content-type");
                let request_id = capture::request_id(headers);
                let retry_after = crate::retry::retry_after(headers);
                let raw_body = last.map(|r| r.body).unwrap_or_default();
                if status.is_success() || status.is_informational() || status.is_redirection() {
                    return Error::Decode(Box::new(DecodeError {
                        status: Some(status),
                        content_type,
                        request_id,
                        reason: "the API does not document this status".into(),
                        snippet: snippet(&raw_body),
                    }));
                }
                // An undeclared error status, often from a proxy: keep the server's message when
                // the body is an error document, else say what came back.
                let body = serde_json::from_slice::<ErrorResponse>(&raw_body).ok();
                let message = match &body {
                    Some(body) => body.message.clone(),
                    None if raw_body.is_empty() => "(empty body)".to_owned(),
                    None => format!(
                        "non-JSON body (content-type {}): {:?}",
                        content_type.as_deref().unwrap_or("none"),
                        snippet(&raw_body)
                    ),
                };
                Error::from_api(ApiError {
                    status,
                    message,
                    request_id: body
                        .as_ref()
                        .and_then(|b| b.request_id.clone())
                        .or(request_id),
                    trace_id: body.as_ref().and_then(|b| b.trace_id.clone()),
                    retry_after,
                    body,
                    raw_body,
                })
            }
        }
    }

    fn from_api(error: ApiError) -> Self {
        let error = Box::new(error);
        match error.status.as_u16() {
            401 => Error::Unauthorized(error),
            403 => Error::Forbidden(error),
            429 => Error::RateLimited(error),
            _ => Error::Api(error),
        }
    }

    pub(crate) fn from_transport(source: reqwest::Error) -> Self {
        if source.is_timeout() {
            return Error::Timeout(Timeout::Attempt(None));
        }
        let mut message = source.to_string();
        let mut cause = std::error::Error::source(&source);
        while let Some(inner) = cause {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            cause = inner.source();
        }
        Error::Connection { message, source }
    }
}

impl From<GeneratedError> for Error {
    fn from(error: GeneratedError) -> Self {
        Error::from_generated(error, None)
    }
}
