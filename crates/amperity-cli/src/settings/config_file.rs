//! The config file: named profiles in TOML, read with serde and updated in place (keeping the
//! user's comments and other profiles) with toml_edit.
//!
//! ```toml
//! [profiles.default]
//! tenant = "acme"
//! region = "aws"                      # or base_url = "https://acme.amperity.com/api"
//! client_id = "9f0c…"
//! client_secret_file = "~/.config/amperity/default.secret"   # or client_secret_env = "VAR"
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml_edit::{DocumentMut, Item, Table, value};

use crate::failure::Failure;

/// Environment variable naming the config file, instead of the platform's default.
pub const ENV_CONFIG: &str = "AMPERITY_CONFIG";

/// One profile: everything needed to reach a tenant, except the secret itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The tenant ID.
    pub tenant: Option<String>,
    /// `aws`, `azure` or `au`.
    pub region: Option<String>,
    /// An explicit base URL, instead of the region's.
    pub base_url: Option<String>,
    /// OAuth client id.
    pub client_id: Option<String>,
    /// The environment variable holding the client secret.
    pub client_secret_env: Option<String>,
    /// The file holding the client secret (owner-only permissions).
    pub client_secret_file: Option<String>,
    /// The token endpoint, when it is not the one under the base URL.
    pub token_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Contents {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The config file, as read from disk (or empty, when it does not exist yet).
pub struct ConfigFile {
    path: PathBuf,
    exists: bool,
    document: DocumentMut,
    profiles: BTreeMap<String, Profile>,
}

impl ConfigFile {
    /// Where the config file is: `AMPERITY_CONFIG`, else `<config dir>/amperity/config.toml`.
    pub fn default_path() -> Option<PathBuf> {
        match std::env::var_os(ENV_CONFIG).filter(|v| !v.is_empty()) {
            Some(path) => Some(PathBuf::from(path)),
            None => dirs::config_dir().map(|dir| dir.join("amperity").join("config.toml")),
        }
    }

    /// Reads the file at `path`; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Self, Failure> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(Failure::Usage(format!(
                    "could not read the config file {}: {error}",
                    path.display()
                )));
            }
        };
        let exists = text.is_some();
        let text = text.unwrap_or_default();
        let invalid = |error: &dyn std::fmt::Display| {
            Failure::Usage(format!(
                "the config file {} is not valid: {error}",
                path.display()
            ))
        };
        let document: DocumentMut = text.parse().map_err(|e| invalid(&e))?;
        let contents: Contents =
            toml_edit::de::from_document(document.clone()).map_err(|e| invalid(&e))?;
        Ok(Self {
            path: path.to_owned(),
            exists,
            document,
            profiles: contents.profiles,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file exists on disk.
    pub fn exists(&self) -> bool {
        self.exists
    }

    /// The profile named `name`, if the file has one.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The names of all profiles.
    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles.keys().map(String::as_str).collect()
    }

    /// Sets `name`'s keys to `profile`'s, removing the keys it leaves unset, and keeping
    /// everything else in the file as it was.
    pub fn set_profile(&mut self, name: &str, profile: &Profile) {
        let profiles = self.document.entry("profiles").or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        });
        let Some(profiles) = profiles.as_table_mut() else {
            return;
        };
        let entry = profiles
            .entry(name)
            .or_insert_with(|| Item::Table(Table::new()));
        let Some(table) = entry.as_table_mut() else {
            return;
        };
        for (key, setting) in [
            ("tenant", &profile.tenant),
            ("region", &profile.region),
            ("base_url", &profile.base_url),
            ("client_id", &profile.client_id),
            ("client_secret_env", &profile.client_secret_env),
            ("client_secret_file", &profile.client_secret_file),
            ("token_url", &profile.token_url),
        ] {
            match setting {
                Some(text) => {
                    table.insert(key, value(text.as_str()));
                }
                None => {
                    table.remove(key);
                }
            }
        }
        self.profiles.insert(name.to_owned(), profile.clone());
    }

    /// Writes the file (and its directory), readable by its owner only, replacing the old one
    /// at once so that a reader never sees half of it.
    pub fn save(&mut self) -> Result<(), Failure> {
        let failed = |error: std::io::Error| {
            Failure::Usage(format!(
                "could not write the config file {}: {error}",
                self.path.display()
            ))
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(failed)?;
        let mut file = tempfile::Builder::new()
            .prefix(".config.toml.")
            .tempfile_in(dir)
            .map_err(failed)?;
        file.write_all(self.document.to_string().as_bytes())
            .map_err(failed)?;
        file.as_file().sync_all().map_err(failed)?;
        // tempfile creates the file with mode 0600 on Unix.
        file.persist(&self.path).map_err(|e| failed(e.error))?;
        self.exists = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updating_a_profile_keeps_comments_and_other_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "# mine\n[profiles.prod]\ntenant = \"acme\" # the real one\nregion = \"aws\"\n\n[profiles.dev]\ntenant = \"acme-sb\"\n",
        )
        .unwrap();
        let mut config = ConfigFile::load(&path).unwrap();
        let mut dev = config.profile("dev").unwrap().clone();
        dev.client_id = Some("id-1".into());
        config.set_profile("dev", &dev);
        config.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# mine") && text.contains("# the real one"),
            "{text}"
        );
        let again = ConfigFile::load(&path).unwrap();
        assert_eq!(
            again.profile("dev").unwrap().client_id.as_deref(),
            Some("id-1")
        );
        assert_eq!(
            again.profile("prod").unwrap().tenant.as_deref(),
            Some("acme")
        );
    }

    #[test]
    fn a_misspelt_key_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[profiles.prod]\ntenat = \"acme\"\n").unwrap();
        let message = ConfigFile::load(&path).err().unwrap().to_string();
        assert!(message.contains("tenat"), "{message}");
        assert!(message.contains("config.toml"), "{message}");
    }
}
