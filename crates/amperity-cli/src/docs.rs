//! The hidden `amperity docs --out DIR`: the command-line reference, generated from the clap
//! definitions that `--help` prints, so the two cannot drift apart.
//!
//! It writes one man page per command (`DIR/man/amperity.1`, `DIR/man/amperity-segments-list.1`,
//! ...) with clap_mangen, and the whole command tree as one Markdown page (`DIR/amperity.md`).
//! `cargo xtask docs` runs it and turns the Markdown into HTML.
//!
//! The Markdown is written here rather than by clap-markdown, which leaves out environment
//! variables and, given the built command tree that has `--help`, `--version` and the `help`
//! command, names each command by its man-page name (`amperity-segments-list`).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, CommandFactory};

use crate::args::Cli;

/// The Markdown page's file name under the output directory.
pub const MARKDOWN_FILE: &str = "amperity.md";
/// The man pages' directory under the output directory.
pub const MAN_DIR: &str = "man";

/// Writes the man pages and the Markdown reference under `out`; returns the files written.
pub fn write(out: &Path) -> io::Result<Vec<PathBuf>> {
    let man_dir = out.join(MAN_DIR);
    fs::create_dir_all(&man_dir)?;
    // Stale pages of a command that no longer exists must not survive a rebuild.
    for entry in fs::read_dir(&man_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "1") {
            fs::remove_file(&path)?;
        }
    }
    let mut written = Vec::new();
    // As clap_mangen's own generate_to: no page for the `help` command, which man replaces.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    write_man_pages(&command, &man_dir, &mut written)?;

    let markdown_path = out.join(MARKDOWN_FILE);
    fs::write(&markdown_path, markdown())?;
    written.push(markdown_path);
    Ok(written)
}

/// One man page for `command` and for each of its visible subcommands, named after the command
/// path (`amperity-segments-list.1`).
fn write_man_pages(
    command: &clap::Command,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let page = clap_mangen::Man::new(command.clone())
        .source(format!("amperity {}", env!("CARGO_PKG_VERSION")))
        .manual("amperity manual");
    written.push(page.generate_to(dir)?);
    for subcommand in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        write_man_pages(subcommand, dir, written)?;
    }
    Ok(())
}

/// The reference of every visible command as Markdown: one section per command with its usage,
/// subcommands, arguments and options, and each option's default, possible values and
/// environment variable. Global options are listed once, in the section of `amperity` itself.
pub fn markdown() -> String {
    // Built, as `--help` sees it: with `-h`/`--help`, `-V`/`--version` and the `help` command.
    let mut command = Cli::command();
    command.build();
    let mut out = String::new();
    out.push_str("# The `amperity` command\n\n");
    out.push_str(
        "Generated from the definitions that `amperity --help` prints: every command, argument \
         and option of this version, with its default value, possible values and environment \
         variable.\n\n",
    );
    for (path, _) in sections(&command, Vec::new()) {
        let indent = "  ".repeat(path.len() - 1);
        let name = path.join(" ");
        let _ = writeln!(out, "{indent}- [`{name}`](#{})", anchor(&path));
    }
    out.push('\n');
    for (path, command) in sections(&command, Vec::new()) {
        write_section(&mut out, &path, command);
    }
    out
}

/// Every visible command with its path (`["amperity", "segments", "list"]`), depth first. The
/// `help` command has a section but no subsections: its subcommands only mirror the real ones.
fn sections(command: &clap::Command, parent: Vec<String>) -> Vec<(Vec<String>, &clap::Command)> {
    let mut path = parent;
    path.push(command.get_name().to_owned());
    let mut all = vec![(path.clone(), command)];
    if path.len() > 1 && command.get_name() == "help" {
        return all;
    }
    for subcommand in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        all.extend(sections(subcommand, path.clone()));
    }
    all
}

/// The heading anchor GitHub and `cargo xtask docs` give the section of `path`.
fn anchor(path: &[String]) -> String {
    path.join("-")
}

fn write_section(out: &mut String, path: &[String], command: &clap::Command) {
    let is_root = path.len() == 1;
    let _ = writeln!(out, "## `{}`\n", path.join(" "));
    if let Some(about) = command.get_long_about().or(command.get_about()) {
        let _ = writeln!(out, "{about}\n");
    }
    let usage = command.clone().render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let _ = writeln!(out, "**Usage:** `{usage}`\n");

    let subcommands: Vec<&clap::Command> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .collect();
    if !subcommands.is_empty() {
        out.push_str("**Commands:**\n\n");
        let mirrors_only = !is_root && command.get_name() == "help";
        for subcommand in subcommands {
            let about = subcommand
                .get_about()
                .map(ToString::to_string)
                .unwrap_or_default();
            let name = subcommand.get_name();
            if mirrors_only {
                let _ = writeln!(out, "- `{name}` — {about}");
            } else {
                let mut sub_path = path.to_vec();
                sub_path.push(name.to_owned());
                let _ = writeln!(out, "- [`{name}`](#{}) — {about}", anchor(&sub_path));
            }
        }
        out.push('\n');
    }

    let visible = |arg: &&Arg| !arg.is_hide_set();
    let positionals: Vec<&Arg> = command.get_positionals().filter(visible).collect();
    if !positionals.is_empty() {
        out.push_str("**Arguments:**\n\n");
        for arg in positionals {
            write_arg(out, arg);
        }
        out.push('\n');
    }
    let (global, local): (Vec<&Arg>, Vec<&Arg>) = command
        .get_arguments()
        .filter(visible)
        .filter(|arg| !arg.is_positional())
        .partition(|arg| arg.is_global_set());
    if !local.is_empty() {
        out.push_str("**Options:**\n\n");
        for arg in local {
            write_arg(out, arg);
        }
        out.push('\n');
    }
    if is_root && !global.is_empty() {
        out.push_str("**Global options** (accepted by every command):\n\n");
        for arg in global {
            write_arg(out, arg);
        }
        out.push('\n');
    } else if !global.is_empty() {
        let root = anchor(&path[..1]);
        let _ = writeln!(
            out,
            "Also takes the [global options](#{root}) of `{}`.\n",
            path[0]
        );
    }
    if let Some(after) = command.get_after_long_help().or(command.get_after_help()) {
        let _ = writeln!(out, "{after}\n");
    }
}

/// One list item: the flag as typed, its help, then its details as indented lines.
fn write_arg(out: &mut String, arg: &Arg) {
    let takes_value = arg.get_action().takes_values();
    let value = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map(ToString::to_string)
        .unwrap_or_else(|| arg.get_id().as_str().to_ascii_uppercase());
    let mut spelling = Vec::new();
    if let Some(short) = arg.get_short() {
        spelling.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        spelling.push(format!("--{long}"));
    }
    let mut shown = if arg.is_positional() {
        format!("<{value}>")
    } else {
        spelling.join(", ")
    };
    if takes_value && !arg.is_positional() {
        let _ = write!(shown, " <{value}>");
    }
    if matches!(arg.get_action(), ArgAction::Count) {
        shown.push_str("...");
    }
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|help| help.to_string().replace('\n', " "))
        .unwrap_or_default();
    let _ = writeln!(out, "- `{shown}` — {help}");

    if takes_value {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|value| format!("`{}`", value.to_string_lossy()))
            .collect();
        if !defaults.is_empty() {
            let _ = writeln!(out, "  - Default: {}", defaults.join(", "));
        }
        let values: Vec<_> = arg
            .get_possible_values()
            .into_iter()
            .filter(|value| !value.is_hide_set())
            .collect();
        if !values.is_empty() {
            out.push_str("  - Possible values:\n");
            for value in values {
                match value.get_help() {
                    Some(help) => {
                        let _ = writeln!(out, "    - `{}`: {help}", value.get_name());
                    }
                    None => {
                        let _ = writeln!(out, "    - `{}`", value.get_name());
                    }
                }
            }
        }
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        let _ = writeln!(out, "  - Environment variable: `{}`", env.to_string_lossy());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_name_commands_by_their_path_and_skip_the_hidden_docs_command() {
        let mut command = Cli::command();
        command.build();
        let paths: Vec<String> = sections(&command, Vec::new())
            .into_iter()
            .map(|(path, _)| path.join(" "))
            .collect();
        assert_eq!(
            paths,
            [
                "amperity",
                "amperity segments",
                "amperity segments list",
                "amperity segments help",
                "amperity audit-events",
                "amperity audit-events list",
                "amperity audit-events help",
                "amperity campaigns",
                "amperity campaigns list",
                "amperity campaigns help",
                "amperity ingest",
                "amperity ingest jobs",
                "amperity ingest jobs list",
                "amperity ingest jobs get",
                "amperity ingest jobs help",
                "amperity ingest help",
                "amperity workflows",
                "amperity workflows list",
                "amperity workflows get",
                "amperity workflows start",
                "amperity workflows stop",
                "amperity workflows help",
                "amperity profiles",
                "amperity profiles list",
                "amperity profiles get",
                "amperity profiles indexes",
                "amperity profiles indexes list",
                "amperity profiles indexes get",
                "amperity profiles indexes help",
                "amperity profiles help",
                "amperity auth",
                "amperity auth login",
                "amperity auth status",
                "amperity auth token",
                "amperity auth help",
                "amperity completions",
                "amperity help",
            ]
        );
    }
}
