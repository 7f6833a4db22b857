//! The hidden `amperity docs`: the reference it writes (one Markdown page, one man page per
//! command) must name every command, argument and flag that `--help` lists, each where a reader
//! of that command looks for it. `--help` is read from the binary itself, walking the command
//! tree the way a user would.

mod support;

use std::path::Path;

use support::amperity;

/// What one command's `--help` lists.
#[derive(Debug, Default)]
struct Help {
    /// The line after `Usage:`.
    usage: String,
    /// Subcommand names, from the `Commands:` section.
    commands: Vec<String>,
    /// Positional arguments as shown (`<SHELL>`), from the `Arguments:` section.
    arguments: Vec<String>,
    /// Every spelling of every option (`-o`, `--output`), from the `Options:` section.
    flags: Vec<String>,
}

fn help_of(path: &[String]) -> Help {
    let output = amperity().args(path).arg("--help").output().unwrap();
    assert!(output.status.success(), "{path:?} --help failed");
    parse_help(&String::from_utf8(output.stdout).unwrap())
}

/// Reads clap's help layout: section titles at column 0 (`Options:`), items indented by at most
/// six spaces (`  -o, --output <PATH>`, `      --all`), descriptions and their lists deeper.
fn parse_help(text: &str) -> Help {
    let mut help = Help::default();
    let mut section = "";
    for line in text.lines() {
        if let Some(usage) = line.strip_prefix("Usage: ") {
            help.usage = usage.trim().to_owned();
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let item = line.trim();
        if item.is_empty() {
            continue;
        }
        if indent == 0 {
            section = if item.ends_with(':') { item } else { "" };
            continue;
        }
        if indent > 6 {
            continue;
        }
        let first = item.split_whitespace().next().unwrap_or_default();
        match section {
            "Commands:" => help.commands.push(first.to_owned()),
            "Arguments:" => help
                .arguments
                .push(first.trim_end_matches("...").to_owned()),
            "Options:" => help.flags.extend(
                item.split([' ', ','])
                    .take_while(|word| word.is_empty() || word.starts_with('-'))
                    .filter(|word| !word.is_empty())
                    .map(|word| word.trim_end_matches("...").to_owned()),
            ),
            _ => {}
        }
    }
    help
}

/// The part of the Markdown page under `## \`amperity segments list\``, up to the next section.
fn section<'a>(markdown: &'a str, path: &[impl AsRef<str>]) -> &'a str {
    let path: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    let heading = format!("\n## `{}`\n", path.join(" "));
    let start = markdown
        .find(&heading)
        .unwrap_or_else(|| panic!("the reference has no section {heading:?}"))
        + heading.len();
    let end = markdown[start..]
        .find("\n## ")
        .map_or(markdown.len(), |end| start + end);
    &markdown[start..end]
}

/// The flags and arguments a part of the reference documents: the code span that opens each
/// list item, `- \`-o, --output <PATH>\` — ...` giving `-o`, `--output` and `<PATH>`.
fn documented_items(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|rest| rest.split('`').next())
        .flat_map(|span| span.split([',', ' ']))
        .map(|word| word.trim_end_matches("...").to_owned())
        .filter(|word| word.starts_with('-') || word.starts_with('<'))
        .collect()
}

/// A man page as text: roff writes each `-` of a flag as `\-`.
fn man_page(dir: &Path, path: &[String]) -> String {
    let file = dir.join("man").join(format!("{}.1", path.join("-")));
    let roff = std::fs::read_to_string(&file)
        .unwrap_or_else(|error| panic!("no man page {}: {error}", file.display()));
    roff.replace("\\-", "-")
}

#[test]
fn the_reference_names_every_command_argument_and_flag_of_help() {
    let out = tempfile::tempdir().unwrap();
    let status = amperity()
        .args(["docs", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let markdown = std::fs::read_to_string(out.path().join("amperity.md")).unwrap();
    // Flags `amperity --help` lists that every command takes are documented once, there.
    let root = section(&markdown, &["amperity"]);
    let global_items = documented_items(
        &root[root
            .find("**Global options**")
            .expect("the root section lists the global options")..],
    );

    // Walk the tree as a user would: each command's --help names its subcommands.
    let mut pending: Vec<Vec<String>> = vec![vec![]];
    let mut visited = Vec::new();
    let mut all_flags = Vec::new();
    while let Some(path) = pending.pop() {
        let help = help_of(&path);
        let mut full = vec!["amperity".to_owned()];
        full.extend(path.iter().cloned());
        let text = section(&markdown, &full);
        let man = man_page(out.path(), &full);

        assert!(
            text.contains(&format!("**Usage:** `{}`", help.usage)),
            "{full:?}: the reference's usage differs from --help's {:?}",
            help.usage
        );
        for command in &help.commands {
            assert!(
                text.contains(&format!("`{command}`")),
                "{full:?}: the reference does not list the command {command}"
            );
            // `help` is clap's; man replaces it, and its own help has no options to document.
            if command != "help" {
                let mut sub = path.clone();
                sub.push(command.clone());
                pending.push(sub);
            }
        }
        for argument in &help.arguments {
            assert!(
                documented_items(text).contains(argument),
                "{full:?}: the reference does not document the argument {argument}"
            );
            let name = argument.trim_matches(['<', '>', '[', ']']);
            assert!(
                man.contains(name),
                "{full:?}: the man page does not document the argument {argument}"
            );
        }
        let documented = documented_items(text);
        for flag in &help.flags {
            assert!(
                documented.contains(flag) || global_items.contains(flag),
                "{full:?}: the reference does not document {flag}"
            );
            assert!(
                man.contains(flag.as_str()),
                "{full:?}: the man page does not document {flag}"
            );
        }
        all_flags.extend(help.flags);
        visited.push(full.join(" "));
    }

    // The walk itself must have seen the whole tree, or the checks above prove nothing.
    visited.sort();
    assert_eq!(
        visited,
        [
            "amperity",
            "amperity audit-events",
            "amperity audit-events list",
            "amperity auth",
            "amperity auth login",
            "amperity auth status",
            "amperity auth token",
            "amperity campaigns",
            "amperity campaigns list",
            "amperity completions",
            "amperity ingest",
            "amperity ingest jobs",
            "amperity ingest jobs get",
            "amperity ingest jobs list",
            "amperity profiles",
            "amperity profiles get",
            "amperity profiles indexes",
            "amperity profiles indexes get",
            "amperity profiles indexes list",
            "amperity profiles list",
            "amperity segments",
            "amperity segments list",
            "amperity workflows",
            "amperity workflows get",
            "amperity workflows list",
            "amperity workflows start",
            "amperity workflows stop",
        ]
    );
    for flag in [
        "--tenant",
        "--token",
        "--mock",
        "-v",
        "--verbose",
        "-h",
        "--help",
        "-V",
        "--version",
        "--all",
        "--limit",
        "--with-total",
        "--format",
        "-o",
        "--output",
    ] {
        assert!(
            all_flags.iter().any(|seen| seen == flag),
            "--help parsing missed {flag}"
        );
    }
    // Hidden stays hidden: neither --help nor the reference mentions `docs`.
    assert!(
        !help_of(&[])
            .commands
            .iter()
            .any(|command| command == "docs")
    );
    assert!(!markdown.contains("amperity docs"));
    assert!(!out.path().join("man/amperity-docs.1").exists());
}
