//! The theme folder as `exec --stencil` lends it the token: what `secrets.stencil.json` and `.stencil`
//! hold before a run, the secrets file with `accessToken` added for the run (by text, every other
//! byte kept), and afterwards the original put back (or the file bcsetup created removed), or, when
//! the file is no longer what was written, the token taken out of what is there now.

use std::fs;
use std::path::{Path, PathBuf};

use secrecy::zeroize::Zeroizing;

use super::{
    CONFIG_FILE, Cut, OLD_FILE, SECRETS_FILE, StencilFileError, TOKEN_FIELD, config, cut_token, exists, json,
    malformed, read_file, read_present, utf8,
};

/// The secrets file stencil-cli reads, before a run.
pub enum Secrets {
    /// There is none: the run creates `secrets.stencil.json`.
    Absent,
    /// A JSON object without `accessToken` (a `githubToken`, say): the run adds the token to it.
    Object(Original),
    /// This file holds an `accessToken` already, perhaps another store's.
    HoldsToken(PathBuf),
}

/// `DIR/.stencil`, which stencil-cli reads first and then replaces the newer files with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldFile {
    Absent,
    /// It holds an `accessToken` (`init --from-stencil` imports it and migrates the file).
    HoldsToken,
    /// It holds none, or cannot be read as a JSON object (stencil-cli then migrates `{}`).
    Other,
}

/// A secrets file as it was before the run: its exact bytes and permissions.
pub struct Original {
    path: PathBuf,
    bytes: Zeroizing<Vec<u8>>,
    permissions: fs::Permissions,
}

/// The secrets file while it holds the token: what was there before, and what was written.
pub struct Lent {
    path: PathBuf,
    /// The bytes and permissions to put back; `None` when bcsetup created the file.
    original: Option<(Zeroizing<Vec<u8>>, fs::Permissions)>,
    written: Zeroizing<String>,
}

/// What became of a lent file after the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutBack {
    /// It was as written: the original bytes and permissions are back, or the file bcsetup created
    /// is removed.
    Restored,
    /// It was gone: nothing holds the token, and nothing was put back.
    Missing,
    /// It had changed: `accessToken` was taken out and the rest kept (with the original permissions,
    /// or, in a file bcsetup created, the ones it has now).
    TokenTakenOut,
    /// It had changed and held only `accessToken`, so it was deleted.
    Deleted,
    /// It had changed and holds no `accessToken`: left as it is.
    NoToken,
}

/// What `.stencil` in `dir` is.
pub fn old_file(dir: &Path) -> OldFile {
    let path = dir.join(OLD_FILE);
    if !exists(&path) {
        return OldFile::Absent;
    }
    let holds_token = read_file(&path).ok().is_some_and(|bytes| {
        std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| json::members(text).ok())
            .is_some_and(|members| members.iter().any(|m| m.key == TOKEN_FIELD))
    });
    if holds_token {
        OldFile::HoldsToken
    } else {
        OldFile::Other
    }
}

/// What the secrets file stencil-cli reads in `dir` is: the one `config.stencil.json`'s
/// `secretsFileName` names when it exists, else `secrets.stencil.json` (`_getSecretsConfig`). One
/// that is not a regular file or not a JSON object is an error (and is left as it is).
pub fn secrets(dir: &Path) -> Result<Secrets, StencilFileError> {
    let config_path = dir.join(CONFIG_FILE);
    // A config that cannot be read names nothing; stencil-cli stops on it anyway.
    let named = exists(&config_path)
        .then(|| config(&config_path).ok().and_then(|(_, name)| name))
        .flatten()
        .map(|name| dir.join(name))
        .filter(|path| exists(path));
    let path = named.unwrap_or_else(|| dir.join(SECRETS_FILE));
    if !exists(&path) {
        return Ok(Secrets::Absent);
    }
    let bytes = read_file(&path)?;
    let members = json::members(utf8(&path, &bytes)?).map_err(|problem| malformed(&path, problem))?;
    if members.iter().any(|m| m.key == TOKEN_FIELD) {
        return Ok(Secrets::HoldsToken(path));
    }
    let permissions = fs::symlink_metadata(&path)
        .map_err(|source| StencilFileError::Io {
            path: path.clone(),
            source,
        })?
        .permissions();
    Ok(Secrets::Object(Original {
        path,
        bytes,
        permissions,
    }))
}

/// The body of a secrets file that holds the token alone, as `JSON.stringify(…, null, 2)` writes it.
pub fn token_only(path: &Path, token: &str) -> Result<Zeroizing<String>, StencilFileError> {
    let value = json_string(path, token)?;
    json::with_member("{}\n", &[], TOKEN_FIELD, &value).map_err(|problem| malformed(path, problem))
}

impl Original {
    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write the file again with `accessToken` added after its last member, atomically and 0600.
    pub fn lend(self, token: &str) -> Result<Lent, StencilFileError> {
        let path = &self.path;
        let text = utf8(path, &self.bytes)?;
        let members = json::members(text).map_err(|problem| malformed(path, problem))?;
        let value = json_string(path, token)?;
        let written = json::with_member(text, &members, TOKEN_FIELD, &value)
            .map_err(|problem| malformed(path, problem))?;
        let result = crate::atomic::write_atomic(path, written.as_bytes());
        let lent = Lent {
            path: self.path,
            original: Some((self.bytes, self.permissions)),
            written,
        };
        if let Err(source) = result {
            // A failure after the rename (the folder's fsync) leaves the token in the file: put back.
            let _ = lent.put_back();
            return Err(StencilFileError::Io {
                path: lent.path,
                source,
            });
        }
        Ok(lent)
    }
}

impl Lent {
    /// A file bcsetup created holding `written` alone: putting it back removes it.
    pub fn created(path: PathBuf, written: Zeroizing<String>) -> Self {
        Self {
            path,
            original: None,
            written,
        }
    }

    /// The file that holds the token.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether bcsetup created the file (rather than adding the token to the user's).
    pub fn is_created(&self) -> bool {
        self.original.is_none()
    }

    /// Put the original back (or remove a created file) if the file is still what was written; else
    /// take `accessToken` out of what is there now and keep the rest. An error leaves the file as it
    /// is (it may hold a token).
    pub fn put_back(&self) -> Result<PutBack, StencilFileError> {
        let path = self.path();
        let io = |source| StencilFileError::Io {
            path: path.to_owned(),
            source,
        };
        let Some(now) = read_present(path)? else {
            return Ok(PutBack::Missing);
        };
        if *now == *self.written.as_bytes() {
            match &self.original {
                Some((bytes, permissions)) => {
                    crate::atomic::write_atomic_with(path, bytes, Some(permissions.clone())).map_err(io)?;
                }
                None => fs::remove_file(path).map_err(io)?,
            }
            return Ok(PutBack::Restored);
        }
        let parsed = utf8(path, &now).and_then(|text| {
            Ok((
                text,
                json::members(text).map_err(|problem| malformed(path, problem))?,
            ))
        });
        let (text, members) = match parsed {
            Ok(parsed) => parsed,
            // A file bcsetup created and cannot read now (a write cut short?) goes, as it would have.
            Err(_) if self.original.is_none() => {
                fs::remove_file(path).map_err(io)?;
                return Ok(PutBack::Deleted);
            }
            Err(e) => return Err(e),
        };
        let permissions = self.original.as_ref().map(|(_, permissions)| permissions.clone());
        Ok(match cut_token(path, text, &members, permissions)? {
            Cut::NoToken => PutBack::NoToken,
            Cut::Deleted => PutBack::Deleted,
            Cut::Rewritten => PutBack::TokenTakenOut,
        })
    }
}

/// `token` as a JSON string, in a buffer sized for the longest escaping so it is never reallocated.
fn json_string(path: &Path, token: &str) -> Result<Zeroizing<String>, StencilFileError> {
    let mut buf = Zeroizing::new(Vec::with_capacity(token.len() * 6 + 2));
    serde_json::to_writer(&mut *buf, token).map_err(|_| malformed(path, "could not be written"))?;
    // Moves the buffer, so the only copy stays in a zeroizing wrapper.
    String::from_utf8(std::mem::take(&mut *buf))
        .map(Zeroizing::new)
        .map_err(|_| malformed(path, "could not be written"))
}
