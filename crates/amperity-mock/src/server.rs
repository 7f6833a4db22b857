//! Accepting connections, serving HTTP/1.1 on them, and stopping cleanly.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::config::MockConfig;
use crate::routes::App;

/// How long open connections get to finish their current request once the server stops.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// A client that has not finished sending its headers by then is dropped, so idle or slow
/// clients cannot pile up connections.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves the mock API on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, config: MockConfig) -> io::Result<()> {
    serve_with_shutdown(listener, config, std::future::pending()).await
}

/// Serves the mock API on `listener` until `shutdown` completes, then stops accepting, lets
/// open connections finish their current request (for up to 5 seconds) and returns.
pub async fn serve_with_shutdown(
    listener: TcpListener,
    config: MockConfig,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    config.validate()?;
    serve_app(listener, Arc::new(App::new(config)), shutdown).await
}

/// [`serve_with_shutdown`] of a server whose state the caller keeps too (to read its counters).
async fn serve_app(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        // Flushing pipelined answers together saves syscalls under load (wrk, benchmarks).
        .pipeline_flush(true);
    // Each connection holds a receiver; the sender tells them to stop and, once every receiver
    // is gone, tells the server that all connections have closed.
    let (stop_tx, stop_rx) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning; the
                    // server must outlive a burst of connections.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Small answers must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let app = Arc::clone(&app);
        let service = service_fn(move |request| {
            let app = Arc::clone(&app);
            async move { Ok::<_, Infallible>(app.handle(request).await) }
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    drop(stop_rx);
    let _ = stop_tx.send(());
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, stop_tx.closed()).await;
    Ok(())
}

/// A mock server running in a background task of the current tokio runtime.
///
/// Dropping it stops the server too, without waiting for it.
pub struct RunningMock {
    addr: SocketAddr,
    app: Arc<App>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl fmt::Debug for RunningMock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningMock")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Starts a mock server on an ephemeral port of 127.0.0.1.
pub async fn spawn(config: MockConfig) -> io::Result<RunningMock> {
    config.validate()?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Arc::new(App::new(config));
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(serve_app(listener, Arc::clone(&app), async {
        // A dropped sender stops the server just like a sent signal.
        let _ = stopped.await;
    }));
    Ok(RunningMock {
        addr,
        app,
        stop: Some(stop),
        task: Some(task),
    })
}

impl RunningMock {
    /// The API's base URL, e.g. `http://127.0.0.1:41234/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many access tokens `POST {base_url}/v0/oauth2/token` has issued (its 200 answers).
    pub fn tokens_issued(&self) -> u64 {
        self.app.oauth.issued()
    }

    /// How many requests reached `POST {base_url}/v0/oauth2/token`, whatever their answer
    /// (refusals and 429s included), so a test can tell how often a client asked for a token.
    pub fn token_requests(&self) -> u64 {
        self.app.requests_to("oauth2_token")
    }

    /// Stops the server and waits until it has closed its connections.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
