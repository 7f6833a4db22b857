//! Ctrl-C, seen by whoever needs to act on it.
//!
//! One task listens for the signal and raises a flag that every waiter sees, including one that
//! starts waiting after the signal came: an export that is busy writing a page when Ctrl-C
//! arrives still notices it at its next await, and can keep what it wrote and say how to resume.

use std::sync::OnceLock;

use tokio::sync::watch;

static RAISED: OnceLock<watch::Receiver<bool>> = OnceLock::new();

/// Starts listening for Ctrl-C. Call once, inside the runtime, before the command runs.
pub fn install() {
    let (raise, raised) = watch::channel(false);
    if RAISED.set(raised).is_ok() {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = raise.send(true);
            }
            // Keep the sender alive, so waiters keep seeing the flag rather than a closed channel.
            std::future::pending::<()>().await;
        });
    }
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
