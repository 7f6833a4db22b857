//! Resumable exports: an export broken half way keeps what it wrote as `FILE.partial`, names the
//! command that goes on, and that command finishes a file equal to an unbroken run's.

mod support;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use httpmock::{Mock, MockServer};
use predicates::prelude::*;
use serde_json::{Value, json};

use support::{MockTenant, TOKEN, against, resume_command, run_in_shell};

/// Page `n` of a three-page list, with values CSV must quote and a field the spec does not name.
fn page(n: usize) -> Value {
    let records: Vec<Value> = (0..3)
        .map(|i| {
            json!({"id": format!("sg-{n}{i}"), "name": format!("Page {n}, \"row\" {i}\n☃"),
                   "status": "active", "owner": {"team": n}})
        })
        .collect();
    let mut body = json!({"data": records});
    if n < 3 {
        body["next_token"] = json!(format!("after-{n}"));
    }
    body
}

/// Serves pages 1 and 2; page 3 answers 500 when `broken`.
fn serve<'a>(server: &'a MockServer, broken: bool) -> Vec<Mock<'a>> {
    let mut mocks = vec![
        server.mock(|when, then| {
            when.method("GET")
                .path("/segments")
                .query_param_missing("next_token");
            then.status(200).json_body(page(1));
        }),
        server.mock(|when, then| {
            when.method("GET")
                .path("/segments")
                .query_param("next_token", "after-1");
            then.status(200).json_body(page(2));
        }),
    ];
    mocks.push(server.mock(|when, then| {
        when.method("GET")
            .path("/segments")
            .query_param("next_token", "after-2");
        if broken {
            then.status(500)
                .json_body(json!({"status": 500, "message": "boom"}));
        } else {
            then.status(200).json_body(page(3));
        }
    }));
    mocks
}

#[test]
fn an_export_broken_half_way_resumes_to_the_same_bytes_in_every_format() {
    for format in ["csv", "json", "ndjson", "table"] {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join(format!("whole.{format}"));
        let server = MockServer::start();
        serve(&server, false);
        against(&server)
            .args(["segments", "list", "--all", "--format", format, "--output"])
            .arg(&whole)
            .assert()
            .success();

        let broken = MockServer::start();
        let mut mocks = serve(&broken, true);
        let file = dir.path().join(format!("export.{format}"));
        let partial = dir.path().join(format!("export.{format}.partial"));
        let assert = against(&broken)
            .args(["segments", "list", "--all", "--format", format, "--output"])
            .arg(&file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("HTTP 500"))
            .stderr(predicate::str::contains("6 segments written and kept in"));
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(
            !file.exists(),
            "never under the final name while incomplete"
        );
        assert!(partial.exists());
        let command = resume_command(&stderr);
        assert!(
            command.contains("--next-token after-2 --append"),
            "{command}"
        );
        assert!(!command.contains(TOKEN));

        // The server recovers; the resume command finishes the file.
        mocks.pop().unwrap().delete();
        serve(&broken, false);
        let resumed = run_in_shell(&command);
        assert!(
            resumed.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&resumed.stderr)
        );
        assert!(!partial.exists(), "put in place when done");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            std::fs::read_to_string(&whole).unwrap(),
            "{format}: byte for byte"
        );
    }
}

#[test]
fn a_failure_before_any_page_leaves_nothing_and_says_to_start_over() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/segments");
        then.status(503).body("down");
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.csv");
    against(&server)
        .args(["segments", "list", "--all", "--format", "csv", "--output"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "0 segments written; run the command again",
        ));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_export_to_stdout_names_the_cursor_to_go_on_from() {
    let server = MockServer::start();
    serve(&server, true);
    let assert = against(&server)
        .args(["segments", "list", "--all", "--format", "ndjson"])
        .assert()
        .code(1);
    let output = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 6);
    let command = resume_command(&String::from_utf8_lossy(&output.stderr));
    assert!(command.ends_with("--next-token after-2"), "{command}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_the_pages_written_and_the_resume_command_finishes_the_file() {
    let tenant = MockTenant::start(Duration::from_secs(1));
    let dir = tempfile::tempdir().unwrap();
    let args = |path: &Path| {
        let mut command = tenant.cli();
        command
            .args([
                "--rate-limit",
                "20",
                "segments",
                "list",
                "--all",
                "--limit",
                "5",
            ])
            .args(["--format", "csv", "--output"])
            .arg(path);
        command
    };
    let whole = dir.path().join("whole.csv");
    args(&whole).assert().success();

    let file = dir.path().join("export.csv");
    let mut child = tenant
        .spawnable()
        .args([
            "--rate-limit",
            "20",
            "segments",
            "list",
            "--all",
            "--limit",
            "5",
        ])
        .args(["--format", "csv", "--output"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The `.partial` appears once the command runs (its Ctrl-C handler is installed by then);
    // then let a few pages arrive.
    let partial = dir.path().join("export.csv.partial");
    for _ in 0..200 {
        if partial.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(800));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let _ = child.stdout.take();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(!file.exists());
    let command = resume_command(&stderr);
    let resumed = run_in_shell(&command);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&whole).unwrap(),
        "one header, no duplicate, no gap"
    );
}

#[cfg(unix)]
#[test]
fn output_files_get_the_umask_mode_and_keep_an_existing_one() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    // What the umask allows, as any tool that creates a file gets it.
    let probe = dir.path().join("probe");
    std::fs::write(&probe, "").unwrap();
    let umask_mode = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;

    let new = dir.path().join("new.csv");
    support::amperity()
        .args(["--mock", "segments", "list", "--format", "csv", "--output"])
        .arg(&new)
        .assert()
        .success();
    let mode = std::fs::metadata(&new).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, umask_mode);

    let existing = dir.path().join("existing.csv");
    std::fs::write(&existing, "old").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640)).unwrap();
    support::amperity()
        .args(["--mock", "segments", "list", "--format", "csv", "--output"])
        .arg(&existing)
        .assert()
        .success();
    let mode = std::fs::metadata(&existing).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert!(
        std::fs::read_to_string(&existing)
            .unwrap()
            .starts_with("id,name")
    );
}
