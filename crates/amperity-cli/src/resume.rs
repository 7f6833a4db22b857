//! The command that resumes an interrupted export: the user's own command line, with the cursor of
//! the next page and `--append` in place of whatever cursor it had.

use std::ffi::OsString;

/// Flags whose value is replaced (the cursor) or never printed (the token).
const DROPPED_WITH_VALUE: &[&str] = &["--next-token", "--token"];
/// Flags without a value that the resume command sets itself.
const DROPPED: &[&str] = &["--append"];

/// The resume command for `args` (the process's arguments, program first): the same command,
/// starting at `next_token`, and continuing the `.partial` file when `appends` (an `--output`).
///
/// A `--token` given on the command line is not repeated, since the command is printed: the
/// command reads `$AMPERITY_TOKEN` in its place.
pub fn command(args: &[OsString], next_token: &str, appends: bool) -> String {
    let mut words: Vec<String> = Vec::with_capacity(args.len() + 3);
    let mut had_token = false;
    let mut skip_value = false;
    let mut after_separator = false;
    for arg in args.iter().map(|arg| arg.to_string_lossy()) {
        if skip_value {
            skip_value = false;
            continue;
        }
        if !after_separator {
            if arg == "--" {
                after_separator = true;
            } else if let Some(flag) = DROPPED_WITH_VALUE.iter().find(|flag| {
                arg == **flag
                    || arg
                        .strip_prefix(**flag)
                        .is_some_and(|rest| rest.starts_with('='))
            }) {
                had_token |= *flag == "--token";
                skip_value = arg == *flag;
                continue;
            } else if DROPPED.contains(&arg.as_ref()) {
                continue;
            }
        }
        words.push(quote(&arg));
    }
    let mut tail = Vec::new();
    if had_token {
        tail.push("--token \"$AMPERITY_TOKEN\"".to_owned());
    }
    tail.push(format!("--next-token {}", quote(next_token)));
    if appends {
        tail.push("--append".to_owned());
    }
    // Flags go before a `--`, where clap still reads them.
    match words.iter().position(|word| word == "--") {
        Some(at) => {
            words.splice(at..at, tail);
        }
        None => words.extend(tail),
    }
    words.join(" ")
}

/// `word` as a POSIX shell reads it back: unchanged when it is plain, else in single quotes.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b'.' | b'/' | b':' | b'=' | b'+' | b',' | b'@' | b'%'
                )
        });
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_cursor_is_replaced_and_the_file_continued() {
        let line = command(
            &args(&[
                "amperity",
                "segments",
                "list",
                "--all",
                "--next-token",
                "old",
                "--format",
                "csv",
                "-o",
                "my file.csv",
            ]),
            "a+b/c=",
            true,
        );
        assert_eq!(
            line,
            "amperity segments list --all --format csv -o 'my file.csv' --next-token a+b/c= --append"
        );
    }

    #[test]
    fn the_token_is_never_printed() {
        for given in [&["--token", "s3cret"][..], &["--token=s3cret"][..]] {
            let mut words = vec!["amperity"];
            words.extend_from_slice(given);
            words.extend_from_slice(&["segments", "list", "--all", "--next-token=x"]);
            let line = command(&args(&words), "next", false);
            assert!(!line.contains("s3cret"), "{line}");
            assert_eq!(
                line,
                "amperity segments list --all --token \"$AMPERITY_TOKEN\" --next-token next"
            );
        }
    }

    #[test]
    fn quoting_survives_the_shell() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
    }
}
