//! The one runner of every list command: fetch, write page by page, finish or keep what was
//! written and say how to resume.

use std::io::{IsTerminal, Write};

use futures::TryStreamExt;
use futures::future::BoxFuture;

use crate::args::{Format, OutputArgs, PagingArgs};
use crate::destination::{self, Destination};
use crate::failure::Failure;
use crate::output::{self, OutputError, Start};
use crate::progress::Progress;
use crate::record::Record;
use crate::{interrupt, resume};

/// One page of a list, whatever the list.
pub struct OnePage<T> {
    /// The records.
    pub items: Vec<T>,
    /// The cursor of the next page, if there is one.
    pub next_token: Option<String>,
    /// The count of everything the filters select, if asked for.
    pub total: Option<u64>,
}

impl<T> From<amperity::Page<T>> for OnePage<T> {
    fn from(page: amperity::Page<T>) -> Self {
        Self {
            items: page.items,
            next_token: page.next_token,
            total: page.total,
        }
    }
}

/// What to fetch.
pub enum Fetch<'a, T> {
    /// Every page, from the first or the `--next-token` cursor on (`--all`).
    Every(amperity::Pages<T>),
    /// One page, or the whole of a list that does not page.
    One(BoxFuture<'a, Result<OnePage<T>, amperity::Error>>),
}

/// Runs a list: writes one page, or every page as it arrives, to the output.
///
/// When a walk over every page stops part way (an error once the SDK's retries are spent,
/// Ctrl-C), the records of the pages written so far are kept (in `PATH.partial` with
/// `--output`, ending after the last whole page) and the error names how many there are and the
/// command that goes on from the next page.
pub async fn run<T: Record>(
    fetch: Fetch<'_, T>,
    args: &OutputArgs,
    paging: Option<&PagingArgs>,
) -> Result<(), Failure> {
    let append = paging.is_some_and(|paging| paging.append);
    let start = if append {
        continued_start(args)?
    } else {
        Start::Fresh
    };
    let destination = Destination::open(args.output.as_deref(), append).map_err(OutputError::Io)?;
    let mut writer = output::writer::<T>(
        args.format,
        destination.writer().map_err(OutputError::Io)?,
        destination.is_terminal(),
        false,
        start,
    );

    let mut total = None;
    let mut more_available = false;
    match fetch {
        Fetch::One(page) => {
            let page = page.await?;
            total = page.total;
            more_available = page.next_token.is_some();
            writer.write_page(&page.items)?;
        }
        Fetch::Every(mut pages) => {
            let progress = Progress::new(T::NOUN);
            let mut written = 0u64;
            // The cursor of the next page to write: where a resume starts.
            let mut cursor = paging.and_then(|paging| paging.next_token.clone());
            loop {
                let next = tokio::select! {
                    biased;
                    () = interrupt::interrupted() => Err(Failure::Interrupted),
                    page = pages.try_next() => page.map_err(Failure::Api),
                };
                let page = match next {
                    Ok(Some(page)) => page,
                    Ok(None) => break,
                    Err(cause) => {
                        progress.finish();
                        drop(pages);
                        return Err(stopped(
                            cause,
                            written,
                            cursor,
                            writer,
                            destination,
                            T::NOUN,
                        ));
                    }
                };
                if total.is_none() {
                    total = page.total;
                    if let Some(total) = total {
                        progress.set_total(total);
                    }
                }
                // A failed write may leave half a record: nothing to resume from, so the
                // unfinished file this run started is removed (see `Destination`).
                writer.write_page(&page.items)?;
                written += page.items.len() as u64;
                progress.advance(page.items.len() as u64);
                cursor = page.next_token;
            }
            progress.finish();
        }
    }

    let shows_total = writer.shows_total();
    writer.finish(total)?;
    destination.commit().map_err(OutputError::Io)?;

    // Everything on stdout first, so that `total:` never lands inside its last line on a
    // terminal that shows both.
    let _ = std::io::stdout().flush();
    let mut stderr = std::io::stderr();
    if let (Some(total), false) = (total, shows_total) {
        let _ = writeln!(stderr, "total: {total}");
    }
    if more_available && stderr.is_terminal() {
        let _ = writeln!(
            stderr,
            "more {} are available: add --all to list every page",
            T::NOUN
        );
    }
    Ok(())
}

/// How an export that stopped part way fails: the records of the pages written so far are kept
/// and the resume command printed.
fn stopped<T>(
    cause: Failure,
    written: u64,
    cursor: Option<String>,
    mut writer: Box<dyn output::RecordWriter<T> + Send>,
    destination: Destination,
    noun: &'static str,
) -> Failure {
    let to_file = matches!(destination, Destination::File(_));
    // What a resume continues must end after a whole page; if even that cannot be written,
    // there is nothing to resume from.
    if writer.flush().is_err() {
        return cause;
    }
    drop(writer);
    // Keep the partial file if it holds something: records of this run, or of the runs it
    // continues (then it was opened with `--append`, and is never removed).
    let partial = if written > 0 || appended(&destination) {
        destination.keep_partial()
    } else {
        drop(destination);
        None
    };
    let resume = cursor.map(|cursor| {
        let args: Vec<_> = std::env::args_os().collect();
        let mut command = resume::command(&args, &cursor, to_file && partial.is_some());
        // A cursor is signed by the server that issued it, and `--mock` starts a new one.
        if args.iter().any(|arg| arg == "--mock") {
            command.push_str(
                "\n(not with --mock: each run starts a new embedded server, which refuses \
                 another's cursors; resume against a server that stays up)",
            );
        }
        command
    });
    Failure::Export {
        cause: Box::new(cause),
        written,
        noun,
        partial,
        resume,
    }
}

fn appended(destination: &Destination) -> bool {
    match destination {
        Destination::File(target) => !target.created(),
        Destination::Stdout => false,
    }
}

/// Where `--append` starts: the `.partial` of `--output` must exist; a CSV keeps its header.
fn continued_start(args: &OutputArgs) -> Result<Start, Failure> {
    let Some(path) = args.output.as_deref() else {
        return Err(Failure::Usage(
            "--append continues the file of --output: give the same --output as the export \
             that was interrupted"
                .into(),
        ));
    };
    let partial = destination::partial_path(path);
    if !partial.is_file() {
        return Err(Failure::Usage(format!(
            "--append continues {}, which does not exist: an interrupted export keeps it; \
             without it, run the export again without --append and --next-token",
            partial.display()
        )));
    }
    let csv_header = if args.format == Format::Csv {
        let mut reader = csv::Reader::from_path(&partial).map_err(|error| {
            Failure::Usage(format!("cannot read {}: {error}", partial.display()))
        })?;
        let header = reader.headers().map_err(|error| {
            Failure::Usage(format!("cannot read {}: {error}", partial.display()))
        })?;
        Some(header.iter().map(str::to_owned).collect())
    } else {
        None
    };
    Ok(Start::Continue { csv_header })
}
