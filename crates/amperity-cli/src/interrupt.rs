//! Ctrl-C, seen by whoever needs to act on it.
//!
//! One task listens for the signal and raises a flag that every waiter sees, including one that
//! starts waiting after the signal came: an export that is busy writing a page when Ctrl-C
//! arrives still notices it at its next await, and can keep what it wrote and say how to resume.

use std::sync::OnceLock;

use tokio::sync::watch;

static RAISED: OnceLock<watch::Receiver<bool>> = OnceLock::new();

/// Starts listening for Ctrl-C. Call once, inside the runtime, before the command runs.
///
/// On Unix the SIGINT handler is registered here, before this returns, so that even a Ctrl-C
/// right after the start is seen (`tokio::signal::ctrl_c` registers only when first polled).
pub fn install() {
    let (raise, raised) = watch::channel(false);
    if RAISED.set(raised).is_err() {
        return;
    }
    #[cfg(unix)]
    let mut signal = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
    {
        Ok(signal) => signal,
        // No handler: Ctrl-C keeps its default effect, ending the process at once.
        Err(_) => return,
    };
    tokio::spawn(async move {
        #[cfg(unix)]
        let received = signal.recv().await.is_some();
        #[cfg(not(unix))]
        let received = tokio::signal::ctrl_c().await.is_ok();
        if received {
            let _ = raise.send(true);
        }
        // Keep the sender alive, so waiters keep seeing the flag rather than a closed channel.
        std::future::pending::<()>().await;
    });
}

/// Completes once Ctrl-C has been pressed (at once if it already was); never, if [`install`] was
/// not called.
pub async fn interrupted() {
    let Some(raised) = RAISED.get() else {
        return std::future::pending().await;
    };
    let mut raised = raised.clone();
    if raised.wait_for(|raised| *raised).await.is_err() {
        std::future::pending::<()>().await;
    }
}
