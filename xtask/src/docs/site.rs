//! The pages `cargo xtask docs` writes itself: the index (the README's first section and links to
//! the references) and the CLI reference (the CLI's own Markdown), in one plain style
//! (`xtask/templates/site.css`) inlined into each page.

use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::api::Reference;

/// The site's style, inlined into every page this module writes.
const CSS: &str = include_str!("../../templates/site.css");

/// The README's first section: its title and everything up to its first `##` heading.
pub struct Readme {
    /// The text of the README's `#` heading, the site's name.
    pub title: String,
    /// The first section as Markdown, title included.
    pub intro: String,
}

impl Readme {
    /// Reads README.md's first section; fails when it has no title or no command to run.
    pub fn read(root: &Path) -> Result<Self> {
        let path = root.join("README.md");
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let intro = first_section(&text);
        let mut title = String::new();
        let mut in_title = false;
        let mut code_blocks = 0;
        for event in Parser::new(&intro) {
            match event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }) if title.is_empty() => in_title = true,
                Event::End(TagEnd::Heading(HeadingLevel::H1)) => in_title = false,
                Event::Text(text) | Event::Code(text) if in_title => title.push_str(&text),
                Event::Start(Tag::CodeBlock(_)) => code_blocks += 1,
                _ => {}
            }
        }
        ensure!(
            !title.is_empty(),
            "README.md does not start with a `# Title` heading, which names the docs site"
        );
        ensure!(
            code_blocks > 0,
            "README.md's first section (before its first `## ` heading) has no code block: the \
             docs index shows it as the quick start"
        );
        Ok(Readme { title, intro })
    }
}

/// The Markdown before the first `## ` heading outside a code fence.
fn first_section(markdown: &str) -> String {
    let mut fence: Option<&str> = None;
    let mut section = String::new();
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match fence {
            Some(marker) if trimmed.starts_with(marker) => fence = None,
            Some(_) => {}
            None if trimmed.starts_with("```") => fence = Some("```"),
            None if trimmed.starts_with("~~~") => fence = Some("~~~"),
            None if line.starts_with("## ") => break,
            None => {}
        }
        section.push_str(line);
        section.push('\n');
    }
    section
}

/// Writes `out/index.html`: the README's first section, then the references, each API's with
/// the API and the version it documents. Files the section links to (such as
/// `spec/openapi.yaml`) are copied into the site at the same path, so its links work there too.
pub fn write_index(
    root: &Path,
    out: &Path,
    readme: &Readme,
    references: &[Reference],
) -> Result<()> {
    let intro = render_markdown(&readme.intro, |url| {
        copy_linked_file(root, out, url)?;
        Ok(None)
    })?;
    let mut body = intro;
    body.push_str("\n<h2 id=\"documentation\">Documentation</h2>\n<ul class=\"cards\">\n");
    for reference in references {
        body.push_str(&api_card(reference));
    }
    body.push_str(
        r#"  <li><a href="cli/index.html"><strong>CLI reference</strong>
    <span>Every command and option of <code>amperity</code>, as its <code>--help</code> prints them, and its man pages.</span></a></li>
  <li><a href="sdk/amperity/index.html"><strong>SDK reference</strong>
    <span>The <code>amperity</code> crate's rustdoc: the client, its configuration, pagination and errors.</span></a></li>
</ul>
"#,
    );
    let page = page(
        &format!("{} — documentation", readme.title),
        &readme.title,
        None,
        &body,
    );
    fs::write(out.join("index.html"), page)?;
    Ok(())
}

/// The index's card for one API reference: which API, which version, from which spec.
fn api_card(reference: &Reference) -> String {
    format!(
        "  <li><a href=\"{href}\"><strong>{name} reference</strong>\n    \
         <span>{title}, version <code>{version}</code>: every operation, parameter, schema, \
         example and error of <code>{spec}</code>, rendered by Redoc.</span></a></li>\n",
        href = escape(&reference.href()),
        name = escape(reference.page.name),
        title = escape(&reference.title),
        version = escape(&reference.version),
        spec = escape(reference.page.spec),
    )
}

/// Writes `cli_dir/index.html` from the Markdown `amperity docs` wrote there, with a list of the
/// man pages beside it.
pub fn write_cli_page(cli_dir: &Path, site_name: &str) -> Result<()> {
    let source = cli_dir.join("amperity.md");
    let markdown = fs::read_to_string(&source)
        .with_context(|| format!("reading {} (written by amperity docs)", source.display()))?;
    let mut body = render_markdown(&markdown, |url| {
        if url.starts_with('#') {
            Ok(None)
        } else {
            bail!("the CLI reference links outside itself, to {url}")
        }
    })?;
    body.push_str("<h2 id=\"man-pages\">Man pages</h2>\n<p>The same reference as man pages; read one with <code>man -l FILE</code>:</p>\n<ul>\n");
    for page in man_pages(cli_dir)? {
        let name = page
            .file_name()
            .context("a man page has no file name")?
            .to_string_lossy();
        let _ = writeln!(
            body,
            "  <li><a href=\"man/{0}\"><code>{0}</code></a></li>",
            escape(&name)
        );
    }
    body.push_str("</ul>\n<p>The Markdown source of this page: <a href=\"amperity.md\"><code>amperity.md</code></a>.</p>\n");
    let html = page(
        "amperity — command-line reference",
        site_name,
        Some("CLI reference"),
        &body,
    );
    fs::write(cli_dir.join("index.html"), html)?;
    Ok(())
}

/// The man pages `amperity docs` wrote, sorted.
pub fn man_pages(cli_dir: &Path) -> Result<Vec<PathBuf>> {
    let dir = cli_dir.join("man");
    let mut pages: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()?;
    pages.retain(|path| path.extension().is_some_and(|extension| extension == "1"));
    pages.sort();
    ensure!(
        !pages.is_empty(),
        "amperity docs wrote no man page in {}",
        dir.display()
    );
    Ok(pages)
}

/// Markdown to HTML, with an `id` on each heading (as GitHub makes them, so a Markdown page's own
/// `#anchor` links work) and each relative link shown to `on_link`, which may rewrite it.
fn render_markdown(
    markdown: &str,
    mut on_link: impl FnMut(&str) -> Result<Option<String>>,
) -> Result<String> {
    let mut events: Vec<Event> = Parser::new_ext(markdown, Options::ENABLE_TABLES).collect();
    let mut used = Vec::new();
    for index in 0..events.len() {
        match &events[index] {
            Event::Start(Tag::Heading { id: None, .. }) => {
                let mut text = String::new();
                for event in &events[index + 1..] {
                    match event {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(part) | Event::Code(part) => text.push_str(part),
                        _ => {}
                    }
                }
                let mut id = slug(&text);
                let base = id.clone();
                let mut n = 0;
                while used.contains(&id) {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                used.push(id.clone());
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[index] {
                    *slot = Some(CowStr::from(id));
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !is_absolute(dest_url) =>
            {
                let url = dest_url.to_string();
                if let Some(new) = on_link(&url)?
                    && let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) =
                        &mut events[index]
                {
                    *dest_url = CowStr::from(new);
                }
            }
            _ => {}
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(html)
}

/// Whether a link leaves the page's directory tree: a scheme (`https:`, `mailto:`) or a path
/// from the root.
fn is_absolute(url: &str) -> bool {
    url.starts_with('/')
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

/// Copies the repository file a README link points to into the site at the same relative path.
fn copy_linked_file(root: &Path, out: &Path, url: &str) -> Result<()> {
    let path = url.split(['#', '?']).next().unwrap_or_default();
    if path.is_empty() {
        return Ok(());
    }
    let relative = Path::new(path);
    ensure!(
        relative
            .components()
            .all(|component| matches!(component, Component::Normal(_) | Component::CurDir)),
        "README.md's first section links to {url}, outside the repository's tree"
    );
    let source = root.join(relative);
    if !source.is_file() {
        bail!(
            "README.md's first section links to {url}, which is not a file of the repository \
             (the docs site copies linked files so the link works there too)"
        );
    }
    let target = out.join(relative);
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::copy(&source, &target).with_context(|| format!("copying {}", source.display()))?;
    Ok(())
}

/// A heading's anchor as GitHub makes it: lowercase, spaces to `-`, punctuation dropped.
fn slug(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// One page of the site: the navigation bar, the content, the inlined style.
fn page(title: &str, site_name: &str, section: Option<&str>, body: &str) -> String {
    let (home, crumb) = match section {
        Some(section) => (
            "../index.html",
            format!(
                "\n    <span aria-hidden=\"true\">›</span>\n    <span>{}</span>",
                escape(section)
            ),
        ),
        None => ("index.html", String::new()),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
  <title>{title}</title>
  <style>
{CSS}  </style>
</head>
<body>
  <nav class="site-nav" aria-label="Site">
    <a href="{home}">{site_name}</a>{crumb}
  </nav>
  <main>
{body}  </main>
  <footer>Built by <code>cargo xtask docs</code> from this repository's spec, CLI and SDK; it reads offline.</footer>
</body>
</html>
"#,
        title = escape(title),
        site_name = escape(site_name),
    )
}

/// Text made safe for HTML.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_section_ends_at_the_first_level_two_heading_outside_code() {
        let readme = "# Title\n\nIntro.\n\n```sh\n## not a heading\n```\n\n## Next\n\nMore.\n";
        assert_eq!(
            first_section(readme),
            "# Title\n\nIntro.\n\n```sh\n## not a heading\n```\n\n"
        );
    }

    #[test]
    fn an_api_card_names_the_api_its_version_and_its_spec() {
        let reference = Reference {
            page: super::super::api::PAGES[1],
            title: "Amperity Profile API".into(),
            version: "2025-07-31".into(),
        };
        let card = api_card(&reference);
        for expected in [
            r#"href="api/profile/index.html""#,
            "<strong>Profile API reference</strong>",
            "Amperity Profile API, version <code>2025-07-31</code>",
            "<code>spec/profile.yaml</code>",
        ] {
            assert!(card.contains(expected), "{expected} is not in {card}");
        }
    }

    #[test]
    fn headings_get_github_anchors_and_links_are_offered_for_rewriting() {
        let markdown = "## `amperity segments list`\n\n## Man pages\n\n## Man pages\n\n[spec](spec/openapi.yaml) [out](https://example.com)\n";
        let mut seen = Vec::new();
        let html = render_markdown(markdown, |url| {
            seen.push(url.to_owned());
            Ok(Some(format!("site/{url}")))
        })
        .unwrap();
        assert!(
            html.contains(r#"<h2 id="amperity-segments-list">"#),
            "{html}"
        );
        assert!(html.contains(r#"<h2 id="man-pages">"#), "{html}");
        assert!(html.contains(r#"<h2 id="man-pages-1">"#), "{html}");
        assert!(html.contains(r#"href="site/spec/openapi.yaml""#), "{html}");
        assert!(html.contains(r#"href="https://example.com""#), "{html}");
        assert_eq!(seen, ["spec/openapi.yaml"]);
    }
}
