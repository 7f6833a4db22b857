//! Where output goes: stdout, or a file that appears under its name only when the command
//! succeeds.
//!
//! A file is written as `PATH.partial` next to it and renamed into place at the end. A failed
//! export that wrote some records keeps the `.partial` (ending after its last whole page) so that
//! the resume command can continue it with `--append`; nothing incomplete is ever under `PATH`.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Output buffer size: large writes keep a million-row export from being syscall-bound.
const BUFFER_BYTES: usize = 256 * 1024;

/// `PATH.partial`: where a file is written until it is complete.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// The output target of a command.
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file, written as `PATH.partial` and renamed into place by [`commit`].
    ///
    /// [`commit`]: Destination::commit
    File(FileTarget),
}

/// A file being written; see [`Destination`].
pub struct FileTarget {
    path: PathBuf,
    partial: PathBuf,
    file: File,
    /// Whether this run created the `.partial` (rather than continuing one).
    created: bool,
    /// What happens to the `.partial` if this is dropped: kept, or removed if this run made it.
    keep: bool,
}

impl Destination {
    /// Opens the target: stdout for `None`. With `append`, continues `PATH.partial`, which must
    /// exist; otherwise starts it afresh.
    pub fn open(path: Option<&Path>, append: bool) -> io::Result<Self> {
        let Some(path) = path else {
            return Ok(Destination::Stdout);
        };
        let partial = partial_path(path);
        // A new file gets the mode the umask allows (0666 less the umask), as with any other
        // tool: std's `OpenOptions` creates files that way. An existing file keeps its own mode
        // (see `commit`).
        let opened = if append {
            OpenOptions::new().append(true).open(&partial)
        } else {
            OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&partial)
        };
        let file = opened.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot write {}: {e}", partial.display()))
        })?;
        Ok(Destination::File(FileTarget {
            path: path.to_owned(),
            partial,
            file,
            created: !append,
            keep: false,
        }))
    }

    /// Whether the output is a terminal (decides the table layout).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Destination::Stdout) && io::stdout().is_terminal()
    }

    /// A buffered writer to the target.
    pub fn writer(&self) -> io::Result<Box<dyn Write + Send>> {
        Ok(match self {
            Destination::Stdout => Box::new(BufWriter::with_capacity(BUFFER_BYTES, io::stdout())),
            Destination::File(target) => Box::new(BufWriter::with_capacity(
                BUFFER_BYTES,
                target.file.try_clone()?,
            )),
        })
    }

    /// Puts a finished file in place, with the mode of the file it replaces, if any.
    pub fn commit(self) -> io::Result<()> {
        let Destination::File(mut target) = self else {
            return Ok(());
        };
        target.file.sync_all().ok();
        if let Ok(existing) = std::fs::metadata(&target.path) {
            std::fs::set_permissions(&target.partial, existing.permissions())?;
        }
        std::fs::rename(&target.partial, &target.path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot write {}: {e}", target.path.display()),
            )
        })?;
        // Renamed: nothing left to keep or remove.
        target.keep = true;
        Ok(())
    }

    /// Keeps the `.partial` for a resume, and names it; `None` for stdout.
    pub fn keep_partial(self) -> Option<PathBuf> {
        match self {
            Destination::Stdout => None,
            Destination::File(mut target) => {
                target.keep = true;
                Some(target.partial.clone())
            }
        }
    }
}

impl FileTarget {
    /// Whether this run created the `.partial`, rather than continuing one (`--append`).
    pub fn created(&self) -> bool {
        self.created
    }
}

impl Drop for FileTarget {
    /// An unfinished file this run started is removed, so that no failure leaves a file that
    /// looks like a resumable export when it is not one. A continued `.partial` is never removed.
    fn drop(&mut self) {
        if !self.keep && self.created {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}
