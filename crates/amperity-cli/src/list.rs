//! `amperity segments list`.

use std::io::{IsTerminal, Write};

use amperity::Client;
use futures::TryStreamExt;

use crate::args::ListArgs;
use crate::destination::Destination;
use crate::failure::Failure;
use crate::output::{self, OutputError};
use crate::progress::Progress;

/// Lists one page, or every page with `--all`, writing each page as it arrives.
pub async fn run(client: &Client, args: &ListArgs) -> Result<(), Failure> {
    let destination = Destination::open(args.output.as_deref()).map_err(OutputError::Io)?;
    let mut writer = output::writer(
        args.format,
        destination.writer().map_err(OutputError::Io)?,
        destination.is_terminal(),
    );
    let mut query = client.list_segments();
    if args.with_total {
        query = query.with_total(true);
    }
    if let Some(limit) = args.limit {
        query = query.limit(limit);
    }

    let mut total = None;
    let mut more_available = false;
    if args.all {
        let progress = Progress::new(true);
        let mut pages = query.pages();
        while let Some(page) = pages.try_next().await? {
            if total.is_none() {
                total = page.total;
                if let Some(total) = total {
                    progress.set_total(total);
                }
            }
            writer.write_page(&page.items)?;
            progress.advance(page.items.len() as u64);
        }
        progress.finish();
    } else {
        let page = query.page().await?;
        total = page.total;
        more_available = page.next_token.is_some();
        writer.write_page(&page.items)?;
    }

    let shows_total = writer.shows_total();
    writer.finish(total)?;
    destination.commit().map_err(OutputError::Io)?;

    let mut stderr = std::io::stderr();
    if let (Some(total), false) = (total, shows_total) {
        let _ = writeln!(stderr, "total: {total}");
    }
    if more_available && stderr.is_terminal() {
        let _ = writeln!(
            stderr,
            "more segments are available: add --all to list every page"
        );
    }
    Ok(())
}
