//! `buyin serve`: preview server with live reload.

use std::path::Path;

use crate::BuildOptions;

/// Settings of the preview server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    pub bind: String,
    pub open: bool,
    pub build: BuildOptions,
    pub quiet: bool,
}

/// Why the server stopped.
#[derive(Debug)]
pub struct ServeError(pub String);

impl ServeError {
    /// Whether the user asked for something impossible (exit code 2).
    pub fn is_usage(&self) -> bool {
        false
    }
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Builds, serves and watches until interrupted.
pub fn serve(_root: &Path, _options: &ServeOptions) -> Result<(), ServeError> {
    Err(ServeError("serve is not available yet".into()))
}
