//! The check that a page works offline: it must name no script, stylesheet, font or other
//! resource that the browser would fetch from the network when the page loads.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::api::TEMPLATE;

/// Hosts that serve scripts, stylesheets or fonts, named anywhere in a page (a script could add
/// them at run time, where the markup scan cannot see them).
const CDN_HOSTS: [&str; 8] = [
    "fonts.googleapis.com",
    "fonts.gstatic.com",
    "use.typekit.net",
    "cdn.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "cdn.redocly.com/redoc/",
    "cdn.redoc.ly/",
];

/// Fails when the page at `path` would load anything from the network: a script, stylesheet,
/// font, image or frame with an `http(s)://` or `//` address in its markup, in its CSS, or
/// imported by an inline module script; a known CDN or font host named anywhere; or Redoc with
/// telemetry on.
pub fn check(path: &Path) -> Result<()> {
    let html = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut found = external_resources(&html);
    for host in CDN_HOSTS {
        if html.contains(host) {
            found.push(format!("the CDN or font host {host}"));
        }
    }
    if html.contains("__redoc_options") && !html.contains("\"disableTelemetry\":true") {
        found.push("Redoc with telemetry on (its options lack \"disableTelemetry\":true)".into());
    }
    if !found.is_empty() {
        bail!(
            "{} would load from the network, so it does not work offline:\n  {}\n\
             Keep every script, style and font in the page (for Redoc: build-docs \
             --inlineBundle and the template {TEMPLATE}).",
            path.display(),
            found.join("\n  ")
        );
    }
    Ok(())
}

/// Elements whose address attribute makes the browser fetch something when the page loads
/// (links of `<a>` only navigate, and are fine).
const FETCHING: [(&str, &[&str]); 12] = [
    ("script", &["src"]),
    ("link", &["href"]),
    ("img", &["src", "srcset"]),
    ("source", &["src", "srcset"]),
    ("iframe", &["src"]),
    ("frame", &["src"]),
    ("embed", &["src"]),
    ("object", &["data"]),
    ("video", &["src", "poster"]),
    ("audio", &["src"]),
    ("image", &["href", "xlink:href"]),
    ("use", &["href", "xlink:href"]),
];

/// The network resources the markup of `html` names: fetching elements' addresses, `url(...)`
/// and `@import` in `<style>` and `style="..."`, and imports in inline scripts. Script bodies
/// are otherwise skipped: their strings are code, not markup.
fn external_resources(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(offset) = lower[at..].find('<') {
        let start = at + offset;
        if lower[start..].starts_with("<!--") {
            at = lower[start..]
                .find("-->")
                .map_or(lower.len(), |end| start + end + 3);
            continue;
        }
        let end = tag_end(&lower, start);
        let tag = &html[start..end];
        let name: String = lower[start + 1..end]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let attributes = attributes(tag);
        if let Some((_, watched)) = FETCHING.iter().find(|(element, _)| *element == name) {
            for (attribute, value) in &attributes {
                if watched.contains(&attribute.as_str()) && is_remote(value) {
                    found.push(format!("<{name} {attribute}=\"{value}\">"));
                }
            }
        }
        for (attribute, value) in &attributes {
            if attribute == "style" {
                found.extend(css_resources(value));
            }
        }
        at = end;
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            let body_end = lower[end..]
                .find(&close)
                .map_or(lower.len(), |close| end + close);
            let body = &html[end..body_end];
            if name == "style" {
                found.extend(css_resources(body));
            } else {
                found.extend(script_imports(body));
            }
            at = body_end;
        }
    }
    found
}

/// Where the tag that opens at `start` ends (after its `>`), skipping quoted attribute values.
fn tag_end(html: &str, start: usize) -> usize {
    let mut quote = None;
    for (index, c) in html[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, '>') => return start + index + 1,
            _ => {}
        }
    }
    html.len()
}

/// The attributes of one tag, names lowercased, values unquoted.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let mut rest = inner
        .find(|c: char| c.is_whitespace())
        .map_or("", |space| &inner[space..]);
    let mut found = Vec::new();
    loop {
        rest = rest.trim_start();
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        if name_end == 0 {
            break;
        }
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (text, remaining) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(quote).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let close = after
                        .find(|c: char| c.is_whitespace())
                        .unwrap_or(after.len());
                    (&after[..close], &after[close..])
                }
            };
            value = text.to_owned();
            rest = remaining;
        }
        found.push((name, value));
    }
    found
}

/// Whether a URL (or a `srcset`) points at the network rather than into the page or the disk.
fn is_remote(value: &str) -> bool {
    value.split(',').any(|candidate| {
        let url = candidate.trim().to_ascii_lowercase();
        url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
    })
}

/// `url(...)` and `@import` targets on the network in a piece of CSS.
fn css_resources(css: &str) -> Vec<String> {
    let lower = css.to_ascii_lowercase();
    let mut found = Vec::new();
    for marker in ["url(", "@import"] {
        let mut at = 0;
        while let Some(offset) = lower[at..].find(marker) {
            let start = at + offset + marker.len();
            let target = lower[start..]
                .trim_start()
                .trim_start_matches("url(")
                .trim_start_matches(['"', '\'', ' ']);
            if is_remote(target) {
                let shown: String = css[start..].chars().take(80).collect();
                found.push(format!("CSS {marker}{}", shown.trim()));
            }
            at = start;
        }
    }
    found
}

/// Modules an inline script imports from the network (`import ... from "https://..."`, and
/// `import("https://...")`).
fn script_imports(script: &str) -> Vec<String> {
    let compact: String = script.chars().filter(|c| !c.is_whitespace()).collect();
    let mut found = Vec::new();
    for marker in [
        "from\"",
        "from'",
        "import(\"",
        "import('",
        "import\"",
        "import'",
    ] {
        let mut at = 0;
        while let Some(offset) = compact[at..].find(marker) {
            let start = at + offset + marker.len();
            if is_remote(&compact[start..(start + 8).min(compact.len())]) {
                let shown: String = compact[start..].chars().take(80).collect();
                found.push(format!("a script importing {shown}"));
            }
            at = start;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_scripts_styles_fonts_and_images_are_found() {
        let page = r#"<!DOCTYPE html><html><head>
            <link rel="preconnect" href="https://fonts.example.com">
            <link rel=stylesheet href=//cdn.example.com/a.css>
            <script src="https://cdn.example.com/a.js"></script>
            <style>@font-face { src: url( "https://fonts.example.com/a.woff2") }</style>
            <script type="module">import { hydrate } from "https://cdn.example.com/r.js";</script>
            </head><body><img srcset="a.png 1x, https://img.example.com/b.png 2x">
            <div style="background: url('http://img.example.com/c.png')"></div></body></html>"#;
        let found = external_resources(page);
        assert_eq!(found.len(), 7, "{found:#?}");
    }

    #[test]
    fn local_resources_links_and_script_strings_are_not() {
        let page = r#"<html><head><link rel="icon" href="favicon.svg">
            <style>.a { background: url(data:image/png;base64,AAAA) }</style>
            <script>const s = '<script src="https://example.com/x.js">'; const u = "https://x";</script>
            </head><body><a href="https://docs.amperity.com/api/">docs</a>
            <img src="data:image/svg+xml,%3Csvg%3E" alt=""><!-- <script src="https://x"> --></body></html>"#;
        assert_eq!(external_resources(page), Vec::<String>::new());
    }
}
