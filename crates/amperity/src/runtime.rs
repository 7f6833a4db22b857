//! Placeholder runtime state.

/// State the hand-written layer keeps inside the generated client.
#[derive(Debug, Clone, Default)]
pub struct Runtime {}
