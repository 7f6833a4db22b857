//! Running one generated call the way the SDK promises: within the overall time limit, with its
//! errors mapped to [`Error`].

use std::future::Future;

use progenitor_client::ResponseValue;

use crate::capture;
use crate::client_state::ClientState;
use crate::error::{Error, GeneratedError, Timeout};

/// Awaits a generated call (`client.list_segments()...send()`), bounded by the client's overall
/// timeout, and maps its error with the details of the last response.
pub(crate) async fn call<T, F>(state: &ClientState, call: F) -> Result<ResponseValue<T>, Error>
where
    F: Future<Output = Result<ResponseValue<T>, GeneratedError>>,
{
    let limit = state.overall_timeout();
    let (outcome, record) = capture::scope(tokio::time::timeout(limit, call)).await;
    let error = match outcome {
        Err(_elapsed) => Error::Timeout(Timeout::Overall(limit)),
        Ok(Ok(response)) => return Ok(response),
        Ok(Err(progenitor_client::Error::Custom(_))) if record.token_error.is_some() => {
            Error::Token(record.token_error.expect("checked"))
        }
        Ok(Err(error)) => match Error::from_generated(error, record.last) {
            Error::Timeout(Timeout::Attempt(None)) => {
                Error::Timeout(Timeout::Attempt(Some(state.attempt_timeout())))
            }
            other => other,
        },
    };
    Err(if record.declined_retry {
        Error::NotRetried(Box::new(error))
    } else {
        error
    })
}
