//! Where output goes: stdout, or a file that is replaced only when the command succeeds.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Output buffer size: large writes keep a million-row export from being syscall-bound.
const BUFFER_BYTES: usize = 256 * 1024;

/// The output target of a command.
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file, written to a temporary sibling and renamed into place by [`commit`].
    ///
    /// [`commit`]: Destination::commit
    File {
        /// The final path.
        path: PathBuf,
        /// The temporary file being written.
        temp: NamedTempFile,
    },
}

impl Destination {
    /// Opens the target: stdout for `None`.
    pub fn open(path: Option<&Path>) -> io::Result<Self> {
        let Some(path) = path else {
            return Ok(Destination::Stdout);
        };
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".amperity-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| {
                io::Error::new(e.kind(), format!("cannot write to {}: {e}", path.display()))
            })?;
        Ok(Destination::File {
            path: path.to_owned(),
            temp,
        })
    }

    /// Whether the output is a terminal (decides the table layout).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Destination::Stdout) && io::stdout().is_terminal()
    }

    /// A buffered writer to the target.
    pub fn writer(&self) -> io::Result<Box<dyn Write + Send>> {
        Ok(match self {
            Destination::Stdout => Box::new(BufWriter::with_capacity(BUFFER_BYTES, io::stdout())),
            Destination::File { temp, .. } => {
                Box::new(BufWriter::with_capacity(BUFFER_BYTES, temp.reopen()?))
            }
        })
    }

    /// Puts a finished file in place. Dropping a destination without committing removes the
    /// temporary file, so a failed export never leaves a file that looks complete.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Destination::Stdout => Ok(()),
            Destination::File { path, temp } => {
                temp.persist(&path).map_err(|e| {
                    io::Error::new(
                        e.error.kind(),
                        format!("cannot write {}: {}", path.display(), e.error),
                    )
                })?;
                Ok(())
            }
        }
    }
}
