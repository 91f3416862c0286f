//! The files `stencil init` leaves in a theme folder (stencil-cli's `lib/StencilConfigManager.js`,
//! docs/bigcommerce.md): `config.stencil.json` (`normalStoreUrl`, `customLayouts`, …, and optionally
//! `secretsFileName`), `secrets.stencil.json` (`accessToken`, `githubToken`), or the older `.stencil`,
//! one object with all of them. stencil-cli reads `.stencil` first whenever it exists (and then
//! replaces the other two with its contents), so `.stencil` wins here too.
//!
//! Owns reading them safely (regular files only, not through a symbolic link, at most
//! [`MAX_BYTES`], into a zeroized buffer; the token straight into a `SecretString`) and taking the
//! token out again: the file rewritten atomically with the same permissions and every other byte as
//! it was, or deleted when the token was all it held. Errors name the file and the field, never a value.
//! `lend` is `exec --stencil`'s side: the token added to the secrets file for a run, then put back.

mod json;
pub mod lend;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;

use crate::text;

/// Largest file read; stencil-cli's are a few hundred bytes (a large `customLayouts` a few KiB).
pub const MAX_BYTES: u64 = 1024 * 1024;
/// The older single file.
pub const OLD_FILE: &str = ".stencil";
/// The general settings of the newer pair.
pub const CONFIG_FILE: &str = "config.stencil.json";
/// The secrets of the newer pair (unless `config.stencil.json` names another in `secretsFileName`).
pub const SECRETS_FILE: &str = "secrets.stencil.json";
const TOKEN_FIELD: &str = "accessToken";
/// The other field stencil-cli keeps in the secrets file.
const GITHUB_FIELD: &str = "githubToken";

/// Why the theme folder's files could not be used; no variant carries a value from a file.
#[derive(Debug, thiserror::Error)]
pub enum StencilFileError {
    /// Neither `.stencil` nor a secrets file exists.
    #[error("`{}` holds no {SECRETS_FILE} and no {OLD_FILE}", text::path(dir))]
    NoFiles { dir: PathBuf },
    /// The file could not be read (or rewritten).
    #[error("`{}`: {source}", text::path(path))]
    Io { path: PathBuf, source: std::io::Error },
    /// A symbolic link, directory, FIFO or device.
    #[error(
        "`{}` is not a regular file (a symbolic link is not followed)",
        text::path(path)
    )]
    NotAFile { path: PathBuf },
    /// Over `MAX_BYTES`, not UTF-8, not JSON, not an object, or a field of the wrong type.
    #[error("`{}` {problem}", text::path(path))]
    Malformed { path: PathBuf, problem: String },
    /// The object has no usable `accessToken`.
    #[error("no accessToken in `{}`", text::path(path))]
    NoToken { path: PathBuf },
}

/// What was read: the token, the file it came from (and its bytes, to notice a change before the
/// token is taken out), and the storefront's URL. No `Debug` of the token: it is redacted.
pub struct StencilFiles {
    /// The file that holds the token.
    pub token_file: PathBuf,
    /// The `accessToken`, untrimmed, as the file holds it.
    pub token: SecretString,
    /// `normalStoreUrl`, when it is a string.
    pub store_url: Option<String>,
    /// `.stencil` was read while the newer files exist too (stencil-cli would overwrite them with it).
    pub newer_ignored: bool,
    bytes: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for StencilFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StencilFiles")
            .field("token_file", &self.token_file)
            .field("token", &"[REDACTED]")
            .field("store_url", &self.store_url)
            .finish_non_exhaustive()
    }
}

/// What taking the token out did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// The file was rewritten without `accessToken`.
    Rewritten,
    /// The token was all the file held, so it was deleted.
    Deleted,
    /// `.stencil` was replaced by `config.stencil.json` (and `secrets.stencil.json` when it held a
    /// `githubToken`) without the token, as stencil-cli's own migration would, and deleted.
    Migrated,
    /// The file is no longer what was read: it was left as it is.
    Changed,
}

/// Read the token and store URL from the theme folder `dir`, as stencil-cli would.
pub fn read(dir: &Path) -> Result<StencilFiles, StencilFileError> {
    let old = dir.join(OLD_FILE);
    if exists(&old) {
        let bytes = read_file(&old)?;
        let (token, store_url) = fields(&old, &bytes, true)?;
        let newer_ignored = exists(&dir.join(SECRETS_FILE)) || exists(&dir.join(CONFIG_FILE));
        return Ok(StencilFiles {
            token_file: old,
            token: token.ok_or_else(|| StencilFileError::NoToken {
                path: dir.join(OLD_FILE),
            })?,
            store_url,
            newer_ignored,
            bytes,
        });
    }
    let config_path = dir.join(CONFIG_FILE);
    let (store_url, secrets_name) = if exists(&config_path) {
        config(&config_path)?
    } else {
        (None, None)
    };
    let named = secrets_name.map(|n| dir.join(n)).filter(|p| exists(p));
    let secrets_path = named.unwrap_or_else(|| dir.join(SECRETS_FILE));
    if !exists(&secrets_path) {
        return Err(if exists(&config_path) {
            StencilFileError::NoToken { path: secrets_path }
        } else {
            StencilFileError::NoFiles { dir: dir.to_owned() }
        });
    }
    let bytes = read_file(&secrets_path)?;
    let (token, _) = fields(&secrets_path, &bytes, false)?;
    Ok(StencilFiles {
        token: token.ok_or_else(|| StencilFileError::NoToken {
            path: secrets_path.clone(),
        })?,
        token_file: secrets_path,
        store_url,
        newer_ignored: false,
        bytes,
    })
}

impl StencilFiles {
    /// Take `accessToken` out of the file it came from, unless the file changed since it was read.
    pub fn remove_token(&self) -> Result<Removal, StencilFileError> {
        let path = &self.token_file;
        let Some(now) = read_present(path)? else {
            return Ok(Removal::Changed);
        };
        if *now != *self.bytes {
            return Ok(Removal::Changed);
        }
        let text = utf8(path, &now)?;
        let members = json::members(text).map_err(|problem| malformed(path, problem))?;
        if !members.iter().any(|m| m.key == TOKEN_FIELD) {
            return Ok(Removal::Changed);
        }
        if self.migrates() {
            return self.migrate(text);
        }
        Ok(match cut_token(path, text, &members, None)? {
            Cut::NoToken => Removal::Changed,
            Cut::Deleted => Removal::Deleted,
            Cut::Rewritten => Removal::Rewritten,
        })
    }
}

/// What `cut_token` did to the file.
enum Cut {
    /// It holds no `accessToken`: left as it is.
    NoToken,
    /// The token was all it held.
    Deleted,
    /// Rewritten without the token, every other byte kept.
    Rewritten,
}

/// Take `accessToken` out of `path`, whose text is `text` (parsed into `members`): delete the file
/// when the token was all it held, else rewrite the rest atomically with `permissions` (the file's
/// own when `None`). Shared by `init --from-stencil` (`remove_token`) and `exec --stencil`
/// (`lend::Lent::put_back`).
fn cut_token(
    path: &Path,
    text: &str,
    members: &[json::Member],
    permissions: Option<fs::Permissions>,
) -> Result<Cut, StencilFileError> {
    let io = |source| StencilFileError::Io {
        path: path.to_owned(),
        source,
    };
    let Some(index) = members.iter().position(|m| m.key == TOKEN_FIELD) else {
        return Ok(Cut::NoToken);
    };
    if members.len() == 1 {
        fs::remove_file(path).map_err(io)?;
        return Ok(Cut::Deleted);
    }
    let rest =
        Zeroizing::new(json::without(text, members, index).map_err(|problem| malformed(path, problem))?);
    let permissions = match permissions {
        Some(permissions) => permissions,
        None => fs::symlink_metadata(path).map_err(io)?.permissions(),
    };
    crate::atomic::write_atomic_with(path, rest.as_bytes(), Some(permissions)).map_err(io)?;
    Ok(Cut::Rewritten)
}

impl StencilFiles {
    /// Whether taking the token out replaces `.stencil` by the newer pair: the token came from
    /// `.stencil` and neither newer file exists yet (stencil-cli would overwrite them).
    pub fn migrates(&self) -> bool {
        self.token_file.file_name() == Some(OLD_FILE.as_ref()) && !self.newer_ignored
    }

    /// Whether a `secrets.stencil.json` (or the file the token came from) is left in the folder once
    /// the token is out: the file holds other fields, or the newer files exist beside `.stencil`.
    pub fn leaves_a_secrets_file(&self) -> bool {
        // What stays beside the token: `githubToken` when `.stencil` is migrated, else any field.
        let stays = |m: &json::Member| {
            if self.migrates() {
                m.key == GITHUB_FIELD
            } else {
                m.key != TOKEN_FIELD
            }
        };
        let others = std::str::from_utf8(&self.bytes)
            .ok()
            .and_then(|text| json::members(text).ok())
            .is_none_or(|members| members.iter().any(stays));
        self.newer_ignored || others
    }

    /// stencil-cli's `_migrateOldConfig` without the token: `githubToken` to the secrets file (written
    /// only when there is one, so `exec --stencil` can create it), the rest to the config file, each
    /// with `.stencil`'s permissions; `.stencil` deleted last, so a failure leaves it as it was.
    fn migrate(&self, text: &str) -> Result<Removal, StencilFileError> {
        let old = &self.token_file;
        let dir = old.parent().unwrap_or_else(|| Path::new("."));
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| StencilFileError::Io { path, source }
        };
        let mode = fs::symlink_metadata(old).map_err(io(old))?.permissions();
        let mut general = Zeroizing::new(text.to_owned());
        let mut github = None;
        for field in [TOKEN_FIELD, GITHUB_FIELD] {
            let members = json::members(&general).map_err(|problem| malformed(old, problem))?;
            if let Some(index) = members.iter().position(|m| m.key == field) {
                if field == GITHUB_FIELD {
                    github = Some(Zeroizing::new(general[members[index].value.clone()].to_owned()));
                }
                general = Zeroizing::new(
                    json::without(&general, &members, index).map_err(|problem| malformed(old, problem))?,
                );
            }
        }
        let config = dir.join(CONFIG_FILE);
        crate::atomic::write_atomic_with(&config, general.as_bytes(), Some(mode.clone()))
            .map_err(io(&config))?;
        if let Some(raw) = github {
            let secrets = dir.join(SECRETS_FILE);
            let body = Zeroizing::new(format!("{{\n  \"{GITHUB_FIELD}\": {}\n}}", raw.as_str()));
            crate::atomic::write_atomic_with(&secrets, body.as_bytes(), Some(mode)).map_err(io(&secrets))?;
        }
        fs::remove_file(old).map_err(io(old))?;
        Ok(Removal::Migrated)
    }
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

fn malformed(path: &Path, problem: impl Into<String>) -> StencilFileError {
    StencilFileError::Malformed {
        path: path.to_owned(),
        problem: problem.into(),
    }
}

/// A regular file (not followed through a symbolic link), at most `MAX_BYTES`, in a zeroized buffer.
fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, StencilFileError> {
    let io = |source| StencilFileError::Io {
        path: path.to_owned(),
        source,
    };
    // Checked before opening: a FIFO would block the open, and a link could lead anywhere.
    let meta = fs::symlink_metadata(path).map_err(io)?;
    if !meta.file_type().is_file() {
        return Err(StencilFileError::NotAFile {
            path: path.to_owned(),
        });
    }
    if meta.len() > MAX_BYTES {
        return Err(malformed(path, format!("is larger than {MAX_BYTES} bytes")));
    }
    // Allocated once at full size, so no reallocation leaves an unzeroed copy of the token behind.
    let capacity = usize::try_from(meta.len()).unwrap_or(0).saturating_add(1);
    let mut bytes = Zeroizing::new(Vec::with_capacity(capacity));
    fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES).read_to_end(&mut bytes))
        .map_err(io)?;
    Ok(bytes)
}

/// `read_file`, or `None` when the file is gone (removed since it was first read).
fn read_present(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>, StencilFileError> {
    match read_file(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(StencilFileError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, StencilFileError> {
    std::str::from_utf8(bytes).map_err(|_| malformed(path, "is not UTF-8 text"))
}

/// The `accessToken` (a non-empty string, or absent) and, when `with_url`, `normalStoreUrl`.
fn fields(
    path: &Path,
    bytes: &[u8],
    with_url: bool,
) -> Result<(Option<SecretString>, Option<String>), StencilFileError> {
    let text = utf8(path, bytes)?;
    let members = json::members(text).map_err(|problem| malformed(path, problem))?;
    let mut tokens = members.iter().filter(|m| m.key == TOKEN_FIELD);
    let token = match (tokens.next(), tokens.next()) {
        (Some(_), Some(_)) => return Err(malformed(path, "holds accessToken twice")),
        (Some(m), None) => Some(string_value(path, &text[m.value.clone()], TOKEN_FIELD)?),
        (None, _) => None,
    };
    let token = token
        .filter(|t| !t.trim().is_empty())
        .map(|t| SecretString::from(t.as_str()));
    let url = if with_url {
        store_url(path, text, &members)?
    } else {
        None
    };
    Ok((token, url))
}

/// A string member's value; anything else is refused by its field name. Decoded into a zeroized string.
fn string_value(path: &Path, raw: &str, field: &str) -> Result<Zeroizing<String>, StencilFileError> {
    if !raw.starts_with('"') {
        return Err(malformed(path, format!("has a {field} that is not a string")));
    }
    serde_json::from_str::<String>(raw)
        .map(Zeroizing::new)
        .map_err(|_| malformed(path, format!("has a {field} that is not a string")))
}

fn store_url(path: &Path, text: &str, members: &[json::Member]) -> Result<Option<String>, StencilFileError> {
    members
        .iter()
        .find(|m| m.key == "normalStoreUrl")
        .map(|m| string_value(path, &text[m.value.clone()], "normalStoreUrl").map(|s| s.trim().to_owned()))
        .transpose()
        .map(|url| url.filter(|u| !u.is_empty()))
}

/// `config.stencil.json`: `normalStoreUrl`, and `secretsFileName` when it names a file in the folder.
fn config(path: &Path) -> Result<(Option<String>, Option<String>), StencilFileError> {
    let bytes = read_file(path)?;
    let text = utf8(path, &bytes)?;
    let members = json::members(text).map_err(|problem| malformed(path, problem))?;
    let url = store_url(path, text, &members)?;
    let name = members
        .iter()
        .find(|m| m.key == "secretsFileName")
        .map(|m| string_value(path, &text[m.value.clone()], "secretsFileName"))
        .transpose()?;
    let name = match name {
        Some(n) if n.is_empty() || n.contains(['/', '\\']) || *n == "." || *n == ".." => {
            return Err(malformed(
                path,
                "has a secretsFileName that is not a file name in the folder",
            ));
        }
        n => n.map(|n| n.to_string()),
    };
    Ok((url, name))
}

#[cfg(test)]
mod tests;
