//! BigCommerce domain: the validated newtypes every other layer speaks in, the scope catalog,
//! the credentials-file and store-hash parsers, the probe plan, classification and the HTTP client.
//!
//! Everything here except `client.rs` and `run.rs` (network) and `credentials_file::{read_path,
//! read_from}` (files) is pure. Nothing here imports from outside `bigcommerce/`: failures are domain
//! values (`judge::VerifyFailure`, `run::Unreachable`) that `error.rs` turns into exit codes and hints.

pub mod classify;
pub mod client;
pub mod credentials_file;
pub mod judge;
pub mod probe;
pub mod report;
pub mod run;
pub mod scopes;
pub mod stencil_files;
pub mod store_hash;
pub mod storefront;
pub mod token;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use store_hash::StoreHash;

/// The kind of store-level API account created in the control panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum TokenType {
    /// V2/V3 API token: REST management APIs (migrations, integrations).
    Api,
    /// Stencil-CLI token: theme development with stencil-cli.
    Stencil,
}

impl TokenType {
    /// The key used in flags, JSON and profiles.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Api => "api",
            TokenType::Stencil => "stencil",
        }
    }

    /// The name the control panel uses.
    pub fn ui_name(self) -> &'static str {
        match self {
            TokenType::Api => "V2/V3 API token",
            TokenType::Stencil => "Stencil-CLI token",
        }
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The level a scope is set to in the control panel.
///
/// Ordered: `None < ReadOnly < Modify`, so "observed ≥ wanted" is a plain comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// The scope is not granted.
    None,
    /// GET/HEAD only.
    ReadOnly,
    /// Read and write.
    Modify,
}

impl Level {
    /// The key used in JSON and profiles.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::ReadOnly => "read-only",
            Level::Modify => "modify",
        }
    }

    /// The label the control panel shows for this level.
    pub fn ui_name(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::ReadOnly => "Read-only",
            Level::Modify => "Modify",
        }
    }
}

/// The access level the job needs: Read-only (migrating FROM BigCommerce) or Modify (migrating TO it).
///
/// For Stencil-CLI tokens, Read-only is "local development only" and Modify is "publish theme".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Read-only scopes: migrating data FROM BigCommerce.
    ReadOnly,
    /// Modify scopes: migrating data TO BigCommerce.
    Modify,
}

impl Access {
    /// The key used in flags, JSON and profiles.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::ReadOnly => "read-only",
            Access::Modify => "modify",
        }
    }

    /// The scope level this access asks for.
    pub fn level(self) -> Level {
        match self {
            Access::ReadOnly => Level::ReadOnly,
            Access::Modify => Level::Modify,
        }
    }

    /// The option of the Stencil-CLI page's access toggle (docs/bigcommerce.md, "Stencil-CLI tokens").
    pub fn stencil_option(self) -> &'static str {
        match self {
            Access::ReadOnly => "Local development only",
            Access::Modify => "Publish theme",
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The API account's name as typed in the control panel: trimmed, 4 to 64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountName(String);

impl AccountName {
    /// Shortest name the control panel accepts.
    pub const MIN_CHARS: usize = 4;
    /// Longest name bcsetup accepts; the control panel's own limit is not documented.
    pub const MAX_CHARS: usize = 64;

    /// Validate a name as the control panel would, trimming surrounding white space.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        let chars = name.chars().count();
        if name.chars().any(char::is_control) {
            return Err("the account name must not contain control characters".into());
        }
        if chars < Self::MIN_CHARS {
            return Err(format!(
                "the account name must be at least {} characters (got {chars} after trimming)",
                Self::MIN_CHARS
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(format!(
                "the account name must be at most {} characters (got {chars})",
                Self::MAX_CHARS
            ));
        }
        Ok(Self(name.to_owned()))
    }

    /// The validated name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccountName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AccountName> for String {
    fn from(value: AccountName) -> Self {
        value.0
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_name_is_trimmed_and_bounded() {
        assert_eq!(AccountName::parse("  Migration  ").unwrap().as_str(), "Migration");
        assert_eq!(AccountName::parse("abcd").unwrap().as_str(), "abcd");
        assert!(AccountName::parse("abc").unwrap_err().contains("at least 4"));
        assert!(AccountName::parse("   ").unwrap_err().contains("got 0"));
        assert!(AccountName::parse(" ab  ").is_err());
        assert!(
            AccountName::parse(&"x".repeat(65))
                .unwrap_err()
                .contains("at most 64")
        );
        assert!(AccountName::parse(&"x".repeat(64)).is_ok());
        assert!(AccountName::parse("ab\ncd").unwrap_err().contains("control"));
        // Characters, not bytes: four accented letters are a valid name.
        assert!(AccountName::parse("éééé").is_ok());
    }

    #[test]
    fn levels_are_ordered() {
        assert!(Level::None < Level::ReadOnly && Level::ReadOnly < Level::Modify);
        assert_eq!(Access::Modify.level(), Level::Modify);
    }
}
