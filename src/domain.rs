//! The value types every layer names and that belong to bcsetup rather than to BigCommerce: a
//! profile's name and where its secrets live. A leaf: it imports nothing from the crate, so
//! `profile`, `store` and the commands can all use it without depending on each other.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A validated profile name: `[A-Za-z0-9._-]{1,64}`, not `.` or `..`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProfileName(String);

impl ProfileName {
    /// Validate a profile name (docs/interface.md, "Global options").
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if raw.is_empty() || raw.len() > 64 || !ok_chars || raw == "." || raw == ".." {
            return Err(format!(
                "invalid profile name `{}`: use 1 to 64 of A-Z a-z 0-9 . _ -",
                raw.chars().take(70).collect::<String>().escape_default()
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProfileName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ProfileName> for String {
    fn from(value: ProfileName) -> Self {
        value.0
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a profile's secrets are kept, as shown by `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StorageKind {
    /// The OS keyring (Secret Service, Keychain, Credential Manager).
    Keyring,
    /// A 0600 file under the config dir (`--insecure-storage`).
    File,
}

impl StorageKind {
    /// The key used in JSON and profiles.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageKind::Keyring => "keyring",
            StorageKind::File => "file",
        }
    }
}
