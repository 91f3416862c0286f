//! The `.txt` file the control panel downloads after an API account is created.
//!
//! Owns reading it safely (regular files only, at most [`MAX_BYTES`]) and parsing its `LABEL: value` lines
//! tolerantly. It must never put a value in an error or in `Debug` output: the file holds the access token
//! and client secret, so errors name labels only.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;

use super::store_hash::StoreHash;
use crate::text;

/// Largest credentials file accepted; the real one is a few hundred bytes.
pub const MAX_BYTES: u64 = 64 * 1024;
/// `MAX_BYTES` as a buffer size.
const MAX_LEN: usize = 64 * 1024;
const _: () = assert!(MAX_LEN as u64 == MAX_BYTES);

/// What a credentials file holds; only the access token is required.
pub struct CredentialsFile {
    /// `ACCESS TOKEN`: sent as `X-Auth-Token`.
    pub access_token: SecretString,
    /// `CLIENT SECRET`: unused by the REST API, kept so it can be stored with the token.
    pub client_secret: Option<SecretString>,
    /// `CLIENT ID`.
    pub client_id: Option<String>,
    /// `CLIENT NAME` or `NAME`: the account name typed in the control panel.
    pub client_name: Option<String>,
    /// The store hash taken from `API PATH`.
    pub store_hash: Option<StoreHash>,
}

impl fmt::Debug for CredentialsFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const REDACTED: &str = "[REDACTED]";
        f.debug_struct("CredentialsFile")
            .field("access_token", &REDACTED)
            .field("client_secret", &self.client_secret.as_ref().map(|_| REDACTED))
            .field("client_id", &self.client_id)
            .field("client_name", &self.client_name)
            .field("store_hash", &self.store_hash)
            .finish()
    }
}

/// Why a credentials file was refused; no variant carries a value from the file.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsFileError {
    /// The file could not be opened or read; `path` is `-` for a stream such as stdin.
    #[error("could not read credentials file `{}`: {source}", text::path(path))]
    Io { path: PathBuf, source: std::io::Error },
    /// A directory, FIFO, device or socket: reading it could block or never end.
    #[error("credentials file `{}` is not a regular file", text::path(path))]
    NotAFile { path: PathBuf },
    /// Larger than `limit` bytes.
    #[error("the credentials file is larger than {limit} bytes; the downloaded one is a few hundred")]
    TooLarge { limit: u64 },
    /// Not valid UTF-8 (UTF-16 included).
    #[error("the credentials file is not UTF-8 text; save it as UTF-8 and try again")]
    NotUtf8,
    /// Contains a NUL byte.
    #[error("the credentials file contains a NUL byte; it is binary or UTF-16, not UTF-8 text")]
    Binary,
    /// No non-empty `ACCESS TOKEN` line.
    #[error("the credentials file has no ACCESS TOKEN line")]
    NoAccessToken,
    /// The same label twice with different values.
    #[error("the credentials file has two different {label} values; keep one")]
    Conflict { label: &'static str },
    /// `API PATH` is not an API path; holds the reason `StoreHash` gave.
    #[error("the credentials file's API PATH is not valid: {0}")]
    BadApiPath(String),
    /// Nothing but white space.
    #[error("the credentials file is empty")]
    Empty,
}

/// The labels the parser understands, in the order of the documented example.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    AccessToken,
    ClientName,
    ApiPath,
    ClientId,
    ClientSecret,
}

impl Label {
    const ALL: [Label; 5] = [
        Label::AccessToken,
        Label::ClientName,
        Label::ApiPath,
        Label::ClientId,
        Label::ClientSecret,
    ];

    /// The label as the downloaded file spells it; errors use this.
    fn canonical(self) -> &'static str {
        match self {
            Label::AccessToken => "ACCESS TOKEN",
            Label::ClientName => "CLIENT NAME",
            Label::ApiPath => "API PATH",
            Label::ClientId => "CLIENT ID",
            Label::ClientSecret => "CLIENT SECRET",
        }
    }

    /// Match a raw label case-insensitively, with spaces, underscores and hyphens equivalent.
    fn recognise(raw: &str) -> Option<Label> {
        let words: Vec<String> = raw
            .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_uppercase)
            .collect();
        let normalised = words.join(" ");
        // Some downloads say `NAME` rather than `CLIENT NAME`; both are the account name.
        if normalised == "NAME" {
            return Some(Label::ClientName);
        }
        Label::ALL
            .into_iter()
            .find(|label| label.canonical() == normalised)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Parse the bytes of a credentials file.
pub fn parse(bytes: &[u8]) -> Result<CredentialsFile, CredentialsFileError> {
    if bytes.len() > MAX_LEN {
        return Err(CredentialsFileError::TooLarge { limit: MAX_BYTES });
    }
    // A UTF-16 byte-order mark gets the clearer "not UTF-8" rather than "binary".
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(CredentialsFileError::NotUtf8);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CredentialsFileError::NotUtf8)?;
    if text.contains('\0') {
        return Err(CredentialsFileError::Binary);
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(CredentialsFileError::Empty);
    }
    let values = collect_values(text)?;
    let [access_token, client_name, api_path, client_id, client_secret] = values;
    let access_token = access_token.ok_or(CredentialsFileError::NoAccessToken)?;
    let store_hash = api_path
        .map(|path| StoreHash::from_api_path(path).map_err(CredentialsFileError::BadApiPath))
        .transpose()?;
    Ok(CredentialsFile {
        access_token: SecretString::from(access_token),
        client_secret: client_secret.map(SecretString::from),
        client_id: client_id.map(str::to_owned),
        client_name: client_name.map(str::to_owned),
        store_hash,
    })
}

/// Read a file: must be a regular file after following symlinks, and at most `MAX_BYTES` are read.
pub fn read_path(path: &Path) -> Result<CredentialsFile, CredentialsFileError> {
    let io_error = |source| CredentialsFileError::Io {
        path: path.to_owned(),
        source,
    };
    // Check before opening: opening a FIFO blocks until a writer appears, and a device never ends.
    // A swap between this check and `open` is possible but needs an attacker already in the directory.
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if !metadata.is_file() {
        return Err(CredentialsFileError::NotAFile {
            path: path.to_owned(),
        });
    }
    if metadata.len() > MAX_BYTES {
        return Err(CredentialsFileError::TooLarge { limit: MAX_BYTES });
    }
    let file = File::open(path).map_err(io_error)?;
    let bytes = read_limited(file).map_err(io_error)?;
    parse(&bytes)
}

/// Read from any reader (stdin for `--credentials-file -`) with the same size limit.
pub fn read_from(reader: impl Read) -> Result<CredentialsFile, CredentialsFileError> {
    let bytes = read_limited(reader).map_err(|source| CredentialsFileError::Io {
        path: "-".into(),
        source,
    })?;
    parse(&bytes)
}

/// Read at most `MAX_BYTES + 1` bytes, so `parse` can tell "too large" without reading the rest.
fn read_limited(reader: impl Read) -> std::io::Result<Zeroizing<Vec<u8>>> {
    // Allocated once at full size so no reallocation leaves an unzeroed copy of the secrets behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_LEN + 1));
    reader.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Gather each known label's value, indexed by `Label::index`, refusing conflicting duplicates.
fn collect_values(text: &str) -> Result<[Option<&str>; 5], CredentialsFileError> {
    let mut values: [Option<&str>; 5] = [None; 5];
    // Splitting on both CR and LF handles LF, CRLF and old Mac CR; the empty pieces are skipped below.
    for line in text.split(['\r', '\n']) {
        // The first separator splits: values such as the API path contain `:` themselves.
        let Some((raw_label, raw_value)) = line.split_once([':', '=']) else {
            continue;
        };
        let Some(label) = Label::recognise(raw_label) else {
            continue;
        };
        let value = clean_value(raw_value);
        if value.is_empty() {
            continue;
        }
        match values[label.index()] {
            Some(previous) if previous != value => {
                return Err(CredentialsFileError::Conflict {
                    label: label.canonical(),
                });
            }
            _ => values[label.index()] = Some(value),
        }
    }
    Ok(values)
}

/// Trim a value and drop one pair of matching surrounding quotes.
fn clean_value(raw: &str) -> &str {
    let value = raw.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote).and_then(|v| v.strip_suffix(quote)) {
            return inner.trim();
        }
    }
    value
}

#[cfg(test)]
mod tests;
