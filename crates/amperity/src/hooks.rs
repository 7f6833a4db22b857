//! The request hooks of the generated client: the one place that knows auth, pacing, retries,
//! tracing and the version-deprecation headers. Every generated operation goes through them.
//!
//! Retries know what is safe: a request the server may have acted on is sent again only when
//! repeating it is harmless (see [`Replay`]).

use std::time::Instant;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use tracing::{Instrument, field};

use crate::auth::Token;
use crate::capture::{self, ResponseRecord};
use crate::client_state::ClientState;
use crate::pacing::Pacer;
use crate::retry::{Replay, RetryPolicy, is_retryable_status};

const TENANT_HEADER: HeaderName = HeaderName::from_static("amperity-tenant");

/// The hooks of a generated client: every spec's client gets the same ones, so auth, pacing and
/// retries apply alike to every API.
macro_rules! request_hooks {
    ($($client:ty),+) => {$(
        impl ClientHooks<ClientState> for $client {
            /// Adds the tenant and the bearer token, each exactly once.
            async fn pre<E>(
                &self,
                request: &mut Request,
                _info: &OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                authorize(self.inner(), request).await
            }

            /// Sends the request, pacing every attempt and retrying what may succeed later.
            async fn exec(
                &self,
                request: Request,
                info: &OperationInfo,
            ) -> reqwest::Result<Response> {
                execute(self.client(), self.inner(), Self::api_version(), request, info).await
            }
        }
    )+};
}

request_hooks!(crate::Client, crate::profile::Client);

async fn authorize<E>(
    state: &ClientState,
    request: &mut Request,
) -> Result<(), progenitor_client::Error<E>> {
    let token = state.tokens().token().await.map_err(|error| {
        // progenitor carries only a message; the SDK's `call()` picks up the kind.
        let message = error.to_string();
        capture::token_error(error);
        progenitor_client::Error::Custom(message)
    })?;
    let headers = request.headers_mut();
    headers.insert(TENANT_HEADER, state.tenant_header().clone());
    set_token(headers, &token).map_err(progenitor_client::Error::Custom)?;
    Ok(())
}

async fn execute(
    http: &reqwest::Client,
    state: &ClientState,
    api_version: &'static str,
    request: Request,
    info: &OperationInfo,
) -> reqwest::Result<Response> {
    let span = tracing::info_span!(
        "amperity.call",
        operation = info.operation_id,
        api_version,
        attempts = field::Empty,
        status = field::Empty,
    );
    let attempts = Attempts {
        http,
        policy: state.retry_policy(),
        pacer: state.pacer(),
        operation: info.operation_id,
        replay: Replay::of(request.method(), info.operation_id),
        api: Some((state, api_version)),
    };
    attempts.send(request).instrument(span).await
}

/// What sending needs besides the request, for a request that is not an operation of the
/// generated client: the token exchange of OAuth client credentials. It shares the client's HTTP
/// client, retry policy and pacing budget.
#[derive(Clone)]
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub retry: RetryPolicy,
    pub pacer: Pacer,
}

/// The operation name the token exchange has in logs and spans.
const TOKEN_EXCHANGE: &str = "oauth2_token";

/// Sends a token request, paced and retried like any other. Minting a token twice is harmless,
/// so it is retried like a GET. Its response is not recorded for the call that needed the token
/// (a page walk would read it as the page).
pub(crate) async fn send_token_request(
    transport: &Transport,
    request: Request,
) -> reqwest::Result<Response> {
    let span = tracing::info_span!(
        "amperity.call",
        operation = TOKEN_EXCHANGE,
        attempts = field::Empty,
        status = field::Empty,
    );
    let attempts = Attempts {
        http: &transport.http,
        policy: &transport.retry,
        pacer: &transport.pacer,
        operation: TOKEN_EXCHANGE,
        replay: Replay::Idempotent,
        api: None,
    };
    attempts.send(request).instrument(span).await
}

fn set_token(headers: &mut HeaderMap, token: &Token) -> Result<(), String> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose_secret()))
        .map_err(|_| "the access token contains characters not allowed in a header".to_owned())?;
    // Sensitive values are redacted from `Debug` output and kept out of HTTP/2 header tables.
    value.set_sensitive(true);
    headers.insert(AUTHORIZATION, value);
    Ok(())
}

/// How one request is sent: by whom, under which rules.
struct Attempts<'a> {
    http: &'a reqwest::Client,
    policy: &'a RetryPolicy,
    pacer: &'a Pacer,
    operation: &'static str,
    replay: Replay,
    /// For requests of an API: the client's state, to renew a refused token, and the API
    /// version, to name in a deprecation warning. `None` for the token exchange itself.
    api: Option<(&'a ClientState, &'static str)>,
}

impl Attempts<'_> {
    async fn send(&self, mut request: Request) -> reqwest::Result<Response> {
        let Attempts {
            http: client,
            policy,
            pacer,
            operation,
            replay,
            api,
        } = *self;
        let mut retry = 0u32;
        let mut reauthenticated = false;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let call_span = tracing::Span::current();
            call_span.record("attempts", attempt);
            // A request with a streaming body cannot be sent twice; ours (JSON or none) always can.
            let retry_copy = request.try_clone();
            pacer.ready().await;
            let outcome = send_once(client, request, operation, attempt, api.is_some()).await;
            let may_retry = retry < policy.max_retries && retry_copy.is_some();
            match outcome {
                Ok(response) => {
                    let status = response.status();
                    call_span.record("status", status.as_u16());
                    if let Some((state, api_version)) = api {
                        warn_on_deprecation(state, api_version, response.headers());
                    }
                    if is_retryable_status(status) && !replay.after_status(status) {
                        // A 5xx or a 408 to a request the server may have acted on: sending it again
                        // could act twice. The caller's error says so.
                        capture::declined_retry();
                        return Ok(response);
                    } else if may_retry && is_retryable_status(status) {
                        let wait = policy.delay_after(retry, Some(response.headers()));
                        tracing::warn!(status = status.as_u16(), ?wait, attempt, "retrying");
                        tokio::time::sleep(wait).await;
                        retry += 1;
                    } else if let Some(state) = api
                        .map(|(state, _)| state)
                        .filter(|_| status == StatusCode::UNAUTHORIZED && !reauthenticated)
                    {
                        // An expired token: ask the provider for a fresh one, once. The server
                        // refused the request, so even a POST can go again.
                        reauthenticated = true;
                        let Some(fresh) = fresh_token(state, retry_copy.as_ref()).await else {
                            return Ok(response);
                        };
                        tracing::info!(attempt, "token rejected; retrying with a refreshed token");
                        let mut next = retry_copy.expect("checked by fresh_token");
                        if set_token(next.headers_mut(), &fresh).is_err() {
                            return Ok(response);
                        }
                        request = next;
                        continue;
                    } else {
                        return Ok(response);
                    }
                }
                Err(error) if !replay.after_transport_error(&error) => {
                    capture::declined_retry();
                    return Err(error);
                }
                Err(error) if may_retry => {
                    let wait = policy.backoff(retry);
                    tracing::warn!(error = %error, ?wait, attempt, "retrying after a transport error");
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                Err(error) => return Err(error),
            }
            request = retry_copy.expect("retries happen only with a copy");
        }
    }
}

/// One attempt: send, read the whole body (so that a body cut short is a transport error that can
/// be retried), record the response for error reports (when `record`), and hand back an
/// equivalent response.
async fn send_once(
    client: &reqwest::Client,
    request: Request,
    operation: &'static str,
    attempt: u32,
    record: bool,
) -> reqwest::Result<Response> {
    let span = tracing::debug_span!(
        "amperity.request",
        operation,
        attempt,
        method = %request.method(),
        status = field::Empty,
        latency_ms = field::Empty,
    );
    async move {
        let started = Instant::now();
        let result = async {
            let response = client.execute(request).await?;
            let status = response.status();
            let version = response.version();
            let headers = response.headers().clone();
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, version, headers, body))
        }
        .await;
        let span = tracing::Span::current();
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let (status, version, headers, body) = match result {
            Ok(parts) => parts,
            Err(error) => {
                tracing::debug!(error = %error, "request failed");
                return Err(error);
            }
        };
        span.record("status", status.as_u16());
        tracing::debug!("response");
        if record && capture::record(ResponseRecord::new(status, &headers, body.clone())) {
            // The tap's reader (a page walk starting the next request) was woken on this worker,
            // where it cannot be stolen by another: let it run before progenitor decodes the body.
            tokio::task::yield_now().await;
        }
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(Response::from(rebuilt))
    }
    .instrument(span)
    .await
}

/// A different token from the provider after a 401, if it has one.
async fn fresh_token(state: &ClientState, request: Option<&Request>) -> Option<Token> {
    let request = request?;
    let sent = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let sent = Token::new(sent.strip_prefix("Bearer ")?);
    state.tokens().invalidate(&sent);
    let fresh = state.tokens().token().await.ok()?;
    (fresh != sent).then_some(fresh)
}

fn warn_on_deprecation(state: &ClientState, api_version: &str, headers: &HeaderMap) {
    let deprecation = capture::header_str(headers, "deprecation");
    let sunset = capture::header_str(headers, "sunset");
    if (deprecation.is_some() || sunset.is_some()) && state.first_deprecation_notice() {
        tracing::warn!(
            api_version,
            deprecation = deprecation.as_deref().unwrap_or("-"),
            sunset = sunset.as_deref().unwrap_or("-"),
            "Amperity marks this API version as deprecated; plan the move to a newer version"
        );
    }
}
