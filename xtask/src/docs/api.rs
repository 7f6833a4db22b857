//! The API reference: `spec/openapi.yaml` rendered by Redocly's `build-docs`, and the check that
//! a page loads nothing from the network.
//!
//! Offline by construction, in three layers:
//! 1. `--inlineBundle` embeds Redoc's script in the page instead of importing it from Redocly's
//!    CDN (the default); the template (`xtask/templates/redoc.hbs`) adds no font or stylesheet
//!    and sets a Content-Security-Policy that lets the page load nothing from the network;
//! 2. Redoc's sidebar footer shows Redocly's logo from `cdn.redoc.ly`, with no option to turn it
//!    off: that one URL is replaced by an inline image (see [`LOGO_URLS`]);
//! 3. [`offline::check`] fails the build when a page still names a script, stylesheet, font or
//!    other resource on the network, or when Redoc's telemetry is on.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};

use super::offline;
use crate::process::{self, Finished, run_checked, run_with_timeout};

/// The Redocly CLI that renders the page: the version `.ci/run` lints the spec with.
pub const REDOCLY_VERSION: &str = "2.77.0";

/// The page template, relative to the workspace root.
pub const TEMPLATE: &str = "xtask/templates/redoc.hbs";

/// The Redocly logo Redoc's sidebar footer ("API docs by ...") loads after hydration, in its
/// expanded and collapsed forms. No build-docs or Redoc option removes it.
const LOGO_URLS: [&str; 2] = [
    "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
    "https://cdn.redoc.ly/redoc/logo-mini.svg",
];

/// What the logo becomes: the word "Redocly", as an inline SVG (no quotes, backticks or `${`,
/// so it stays a valid JavaScript string wherever the URL stood).
const LOGO_INLINE: &str = "data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 \
     width=%2752%27 height=%2714%27%3E%3Ctext x=%270%27 y=%2711%27 font-family=%27sans-serif%27 \
     font-size=%2711%27 fill=%27%23555%27%3ERedocly%3C/text%3E%3C/svg%3E";

/// Renders `spec/openapi.yaml` to `out/index.html`.
pub fn build(root: &Path, target_dir: &Path, out: &Path, site_name: &str) -> Result<()> {
    let redocly = redocly(root, target_dir)?;
    fs::create_dir_all(out)?;
    let page = out.join("index.html");
    let finished = run_checked(
        redocly_command(&redocly)
            .arg("build-docs")
            .arg(root.join("spec/openapi.yaml"))
            .arg("--output")
            .arg(&page)
            .arg("--inlineBundle")
            // Every level of every schema and example open: nothing of the spec hides behind a
            // click but the choice of response.
            .arg("--openapi.jsonSamplesExpandLevel=all")
            .arg("--openapi.schemasExpansionLevel=all")
            .arg("--template")
            .arg(root.join(TEMPLATE))
            .arg(format!("--templateOptions.siteName={site_name}"))
            .current_dir(root),
        Duration::from_secs(300),
    )
    .context("redocly build-docs")?;
    if let Some(line) = finished
        .stdout
        .lines()
        .chain(finished.stderr.lines())
        .find(|line| line.contains("bundled successfully"))
    {
        println!("{}", line.trim());
    }

    let mut html = fs::read_to_string(&page)?;
    for url in LOGO_URLS {
        html = html.replace(url, LOGO_INLINE);
    }
    fs::write(&page, html)?;
    offline::check(&page)
}

/// A redocly of the pinned version: the one on PATH when it is that version (CI installs it for
/// lint), otherwise one installed with npm under `target/docs-tools/`.
fn redocly(root: &Path, target_dir: &Path) -> Result<PathBuf> {
    let global = PathBuf::from("redocly");
    if version_of(&global).as_deref() == Some(REDOCLY_VERSION) {
        println!("using redocly {REDOCLY_VERSION} from PATH");
        return Ok(global);
    }
    let prefix = target_dir.join("docs-tools");
    let local = prefix.join("node_modules/.bin/redocly");
    if version_of(&local).as_deref() != Some(REDOCLY_VERSION) {
        println!(
            "installing @redocly/cli@{REDOCLY_VERSION} with npm under {}",
            prefix.display()
        );
        let package = format!("@redocly/cli@{REDOCLY_VERSION}");
        process::npm_install(root, &prefix, &package)
            .context("Redocly needs Node.js 20.19+ or 22.12+")?;
        let installed = version_of(&local);
        ensure!(
            installed.as_deref() == Some(REDOCLY_VERSION),
            "npm installed redocly {installed:?}, not {REDOCLY_VERSION}"
        );
    }
    Ok(local)
}

/// redocly with its update check and telemetry off, as in `.ci/run`.
fn redocly_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    command
}

/// The version a redocly prints (its last line), if it runs at all.
fn version_of(program: &Path) -> Option<String> {
    let Finished { status, stdout, .. } = run_with_timeout(
        redocly_command(program).arg("--version"),
        Duration::from_secs(60),
    )
    .ok()?;
    status
        .success()
        .then(|| stdout.lines().last().unwrap_or_default().trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::REDOCLY_VERSION;

    /// CI lints the spec with the Redocly it installs; the site must be rendered by the same one.
    #[test]
    fn ci_pins_the_same_redocly() {
        let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/run"))
            .expect(".ci/run");
        let pinned = format!("\nREDOCLY_VERSION={REDOCLY_VERSION}\n");
        assert!(ci.contains(&pinned), ".ci/run must pin{pinned}");
    }
}
