//! Client secrets kept in files: read only when no one but the owner can read them, and written
//! that way.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// Expands a leading `~/` to the home directory.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// The secret in `path` (its first line, without surrounding whitespace). Refused when the file
/// is readable or writable by its group or others: a secret anyone on the machine can read is
/// no longer secret, and `ssh` refuses such key files for the same reason.
pub fn read(path: &Path) -> Result<String, Failure> {
    let failed = |what: String| {
        Failure::Usage(format!(
            "could not read the client secret from {}: {what}",
            path.display()
        ))
    };
    let metadata = std::fs::metadata(path).map_err(|e| failed(e.to_string()))?;
    if !metadata.is_file() {
        return Err(failed("it is not a file".into()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Failure::Usage(format!(
                "refusing to read the client secret from {}: its permissions ({mode:04o}) let \
                 other users read or change it; run `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
    let secret = text.lines().next().unwrap_or_default().trim().to_owned();
    if secret.is_empty() {
        return Err(failed("it is empty".into()));
    }
    Ok(secret)
}

/// Writes `secret` to `path`, readable by its owner only, replacing any file there at once.
pub fn write(path: &Path, secret: &str) -> Result<(), Failure> {
    let failed = |error: std::io::Error| {
        Failure::Usage(format!(
            "could not write the client secret to {}: {error}",
            path.display()
        ))
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    // tempfile creates the file with mode 0600 on Unix, before anything is written to it.
    let mut file = tempfile::Builder::new()
        .prefix(".secret.")
        .tempfile_in(dir)
        .map_err(failed)?;
    writeln!(file, "{secret}").map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_secret_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("prod.secret");
        write(&path, "s3cr3t").unwrap();
        assert_eq!(read(&path).unwrap(), "s3cr3t");
    }

    #[cfg(unix)]
    #[test]
    fn a_group_or_world_readable_secret_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prod.secret");
        std::fs::write(&path, "s3cr3t\n").unwrap();
        for mode in [0o644, 0o640, 0o604, 0o620] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let message = read(&path).unwrap_err().to_string();
            assert!(message.contains("chmod 600"), "{message}");
            assert!(!message.contains("s3cr3t"), "{message}");
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert_eq!(read(&path).unwrap(), "s3cr3t");
    }
}
