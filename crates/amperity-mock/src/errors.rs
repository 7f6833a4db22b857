//! Error answers, in the spec's `ErrorResponse` shape.

use std::borrow::Cow;

use hyper::StatusCode;

use crate::json;
use crate::request_id::RequestId;

/// Why a request is answered with an error, and what extra headers that answer needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// The HTTP status, repeated as `status` in the body.
    pub(crate) status: StatusCode,
    /// What went wrong, specific enough to fix the request without reading the mock's code.
    pub(crate) message: Cow<'static, str>,
    /// Seconds for `Retry-After`, on 429 and 503.
    pub(crate) retry_after: Option<u64>,
    /// The methods the path answers, for the `Allow` header of a 405.
    pub(crate) allow: Option<Cow<'static, str>>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: None,
            allow: None,
        }
    }

    /// 400: the request is malformed.
    pub(crate) fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401: the access token is missing or wrong.
    pub(crate) fn unauthorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403: the token may not read this tenant.
    pub(crate) fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404: no such path or resource.
    pub(crate) fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 405: the path exists but does not answer this method; `allow` lists the ones it does.
    pub(crate) fn method_not_allowed(
        message: impl Into<Cow<'static, str>>,
        allow: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            allow: Some(allow.into()),
            ..Self::new(StatusCode::METHOD_NOT_ALLOWED, message)
        }
    }

    /// 409: the request conflicts with the current state of a resource.
    pub(crate) fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 429: too many requests; retry after `seconds`.
    pub(crate) fn too_many_requests(message: impl Into<Cow<'static, str>>, seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, message)
        }
    }

    /// 500: a simulated internal failure.
    pub(crate) fn internal(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 503: a simulated outage; retry after `seconds`.
    pub(crate) fn unavailable(message: impl Into<Cow<'static, str>>, seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds.max(1)),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
        }
    }

    /// The JSON body: `{"status", "message", "request_id", "trace_id"}`.
    pub(crate) fn body(&self, id: &RequestId) -> Vec<u8> {
        let mut out = Vec::with_capacity(160 + self.message.len());
        out.extend_from_slice(b"{\"status\":");
        json::push_u64(&mut out, self.status.as_u16().into());
        out.extend_from_slice(b",\"message\":");
        json::push_str(&mut out, &self.message);
        out.extend_from_slice(b",\"request_id\":\"");
        out.extend_from_slice(&id.uuid());
        out.extend_from_slice(b"\",\"trace_id\":\"");
        out.extend_from_slice(id.trace_id().as_bytes());
        out.extend_from_slice(b"\"}");
        out
    }
}

/// Quotes a client-supplied value for an error message, cut short so that a huge parameter does
/// not make a huge answer.
pub(crate) fn quote(value: &str) -> String {
    const MAX_CHARS: usize = 64;
    match value.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("\"{}…\"", &value[..cut]),
        None => format!("\"{value}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request_id::RequestIds;

    #[test]
    fn body_is_an_error_response() {
        let error = ApiError::bad_request(format!("bad {}", quote("x\"y")));
        let body: serde_json::Value =
            serde_json::from_slice(&error.body(&RequestIds::new().next())).unwrap();
        assert_eq!(body["status"], 400);
        assert_eq!(body["message"], "bad \"x\"y\"");
        assert_eq!(body["request_id"].as_str().unwrap().len(), 36);
        assert!(body["trace_id"].as_str().unwrap().starts_with("1-"));
    }

    #[test]
    fn quoted_values_are_bounded() {
        assert_eq!(quote("abc"), "\"abc\"");
        let long = "é".repeat(1000);
        assert_eq!(quote(&long).chars().count(), 64 + 3);
    }
}
