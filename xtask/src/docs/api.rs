//! The API references: each spec of [`SPECS`] rendered by Redocly's `build-docs` to a page of its
//! own (see [`PAGES`]: the control plane's at `api/`, the Profile API's at `api/profile/`).
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
use crate::generate::{SPECS, Spec};
use crate::process::{self, Finished, run_checked, run_with_timeout};

/// Where each spec's reference goes in the site, and what the site calls that API. The first
/// spec's stays at `api/`, where it always was; the others sit under it, named as their spec
/// file is. Every spec of [`SPECS`] needs its row.
pub const PAGES: [Page; 2] = [
    Page {
        spec: "spec/openapi.yaml",
        dir: "api",
        name: "Control-plane API",
    },
    Page {
        spec: "spec/profile.yaml",
        dir: "api/profile",
        name: "Profile API",
    },
];

/// A spec's place in the site.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// The spec, relative to the workspace root (as [`Spec::path`]).
    pub spec: &'static str,
    /// The page's directory, relative to the site; it holds `index.html`.
    pub dir: &'static str,
    /// The API's name in the site: on the index, and in the page's navigation bar.
    pub name: &'static str,
}

/// One rendered API reference.
pub struct Reference {
    /// Which spec, where its page goes and what the site calls the API.
    pub page: Page,
    /// The spec's `info.title`.
    pub title: String,
    /// The spec's `info.version`, the API version it documents.
    pub version: String,
}

impl Reference {
    /// The page, relative to the site.
    pub fn href(&self) -> String {
        format!("{}/index.html", self.page.dir)
    }
}

/// The page of each spec of [`SPECS`], in their order.
fn pages() -> Result<Vec<Page>> {
    SPECS
        .iter()
        .map(|Spec { path, .. }| {
            PAGES
                .iter()
                .find(|page| page.spec == *path)
                .copied()
                .with_context(|| {
                    format!("{path} has no API reference page: add it to docs::api::PAGES")
                })
        })
        .collect()
}

/// Renders every spec of [`SPECS`] into the site at `out`, each checked to work offline.
pub fn build_all(
    root: &Path,
    target_dir: &Path,
    out: &Path,
    site_name: &str,
) -> Result<Vec<Reference>> {
    let pages = pages()?;
    let redocly = redocly(root, target_dir)?;
    let mut references = Vec::new();
    for page in pages {
        let (title, version) = title_and_version(&root.join(page.spec))?;
        println!(
            "{} ({title} {version}): {} -> {}/",
            page.name, page.spec, page.dir
        );
        let reference = Reference {
            page,
            title,
            version,
        };
        build(root, &redocly, out, &reference, site_name)?;
        references.push(reference);
    }
    Ok(references)
}

/// A spec's `info.title` and `info.version`.
fn title_and_version(spec: &Path) -> Result<(String, String)> {
    let text = fs::read_to_string(spec).with_context(|| format!("reading {}", spec.display()))?;
    let document: serde_yaml::Value =
        serde_yaml::from_str(&text).with_context(|| format!("parsing {}", spec.display()))?;
    let field = |name: &str| {
        document["info"][name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("{} has no info.{name}", spec.display()))
    };
    Ok((field("title")?, field("version")?))
}

/// The way from a page's directory back to the site's index.
fn home(dir: &str) -> String {
    "../".repeat(Path::new(dir).components().count()) + "index.html"
}

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

/// Renders one spec to its `index.html` under the site at `out`.
fn build(
    root: &Path,
    redocly: &Path,
    out: &Path,
    reference: &Reference,
    site_name: &str,
) -> Result<()> {
    let dir = out.join(reference.page.dir);
    fs::create_dir_all(&dir)?;
    let page = dir.join("index.html");
    let finished = run_checked(
        redocly_command(redocly)
            .arg("build-docs")
            .arg(root.join(reference.page.spec))
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
            .arg(format!(
                "--templateOptions.home={}",
                home(reference.page.dir)
            ))
            .arg(format!(
                "--templateOptions.section={} reference ({})",
                reference.page.name, reference.version
            ))
            .current_dir(root),
        Duration::from_secs(300),
    )
    .with_context(|| format!("redocly build-docs {}", reference.page.spec))?;
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
    use std::path::Path;

    use super::{PAGES, REDOCLY_VERSION, SPECS, home, pages, title_and_version};

    /// Every spec gets a page of its own, the first (the control plane) at `api/` as before, and
    /// every page names the API and version of its own spec.
    #[test]
    fn every_spec_has_its_own_page() {
        let pages = pages().expect("a page for every spec");
        assert_eq!(pages.len(), SPECS.len());
        assert_eq!(
            PAGES.len(),
            SPECS.len(),
            "a page for a spec that is not in SPECS"
        );
        assert_eq!(pages[0].dir, "api");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut seen = Vec::new();
        for page in &pages {
            assert!(
                !seen.contains(&page.dir),
                "two specs render to {}",
                page.dir
            );
            assert!(
                !seen.contains(&page.name),
                "two APIs are named {}",
                page.name
            );
            seen.extend([page.dir, page.name]);
            let (title, version) = title_and_version(&root.join(page.spec)).expect(page.spec);
            assert!(!title.is_empty() && !version.is_empty(), "{}", page.spec);
        }
    }

    #[test]
    fn each_page_links_back_to_the_index() {
        assert_eq!(home("api"), "../index.html");
        assert_eq!(home("api/profile"), "../../index.html");
    }

    /// CI lints the spec with the Redocly it installs; the site must be rendered by the same one.
    #[test]
    fn ci_pins_the_same_redocly() {
        let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/run"))
            .expect(".ci/run");
        let pinned = format!("\nREDOCLY_VERSION={REDOCLY_VERSION}\n");
        assert!(ci.contains(&pinned), ".ci/run must pin{pinned}");
    }
}
