//! `--stencil DIR`'s `secrets.stencil.json`: holding the token exactly while CMD runs. A missing file
//! is created (0600, exclusively) and removed afterwards; a JSON object without `accessToken` (the
//! `githubToken` that `init --from-stencil` keeps) gets the token added (atomically, 0600) and its
//! original bytes and permissions back afterwards. Either, when CMD changed it meanwhile (`stencil
//! release` saves a `githubToken`), loses the token and keeps the rest instead. A file with a token, a malformed one, and a `.stencil` beside it (which
//! stencil-cli reads first and writes over the newer files) are refused before anything is written.
//! The secrets file is the one stencil-cli reads: `config.stencil.json`'s `secretsFileName` when
//! that file exists, else `secrets.stencil.json`.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::bigcommerce::stencil_files::lend::{self, Lent, OldFile, PutBack, Secrets};
use crate::bigcommerce::stencil_files::{OLD_FILE, SECRETS_FILE};
use crate::bigcommerce::token::AccessToken;
use crate::context::Context;
use crate::error::{Error, InputErrors};
use crate::text;

/// The secrets file while CMD runs; the token leaves it on `finish` or, failing that, on drop.
pub(super) struct StencilFile {
    held: Option<Lent>,
}

impl StencilFile {
    /// Put the token in `DIR/secrets.stencil.json`, or refuse (exit 2) without writing anything.
    pub(super) fn create(dir: &Path, token: &AccessToken) -> Result<Self, Error> {
        let refuse = |problem: String| InputErrors::one("--stencil", problem);
        let shown = text::path(dir);
        if !fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
            return Err(refuse(format!("{shown} is not an existing directory")));
        }
        if let Some(problem) = old_file_problem(dir) {
            return Err(refuse(problem));
        }
        // The one place exec hands the token to a file: the file stencil-cli reads.
        let token = token.expose_to_program();
        match lend::secrets(dir) {
            Ok(Secrets::Absent) => Self::create_new(dir.join(SECRETS_FILE), token),
            Ok(Secrets::Object(original)) => original
                .lend(token)
                .map(|lent| Self { held: Some(lent) })
                .map_err(|e| {
                    Error::Internal(anyhow::Error::new(e).context("could not write the stencil file"))
                }),
            Ok(Secrets::HoldsToken(path)) => Err(refuse(format!(
                "{} already holds an accessToken (another store's, or a running `bcsetup exec \
                 --stencil`'s), and bcsetup does not replace it: import it with `bcsetup init \
                 --from-stencil {shown}`, or move the file away",
                text::path(&path)
            ))),
            Err(e) => Err(refuse(format!(
                "{e}; bcsetup leaves it as it is: fix it or move it away"
            ))),
        }
    }

    /// A new file, created exclusively with mode 0600, holding the token alone.
    fn create_new(path: PathBuf, token: &str) -> Result<Self, Error> {
        let body = lend::token_only(&path, token).map_err(|e| Error::Internal(e.into()))?;
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(|e| {
            let problem = match e.kind() {
                // Absent a moment ago: another program is writing it now.
                std::io::ErrorKind::AlreadyExists => {
                    format!(
                        "{} appeared while bcsetup was creating it; try again",
                        text::path(&path)
                    )
                }
                _ => format!("cannot create {}: {e}", text::path(&path)),
            };
            InputErrors::one("--stencil", problem)
        })?;
        if let Err(e) = file.write_all(body.as_bytes()).and_then(|()| file.sync_all()) {
            // Part of the token may be in it: the file bcsetup just created goes at once.
            let _ = fs::remove_file(&path);
            return Err(Error::Internal(
                anyhow::Error::new(e).context("could not write the stencil file"),
            ));
        }
        Ok(Self {
            held: Some(Lent::created(path, body)),
        })
    }

    /// Take the token out now, warning in one line about what was not as expected.
    pub(super) fn finish(mut self, ctx: &Context) {
        if let Some(warning) = self.clean_up() {
            ctx.printer.warn(warning);
        }
    }

    /// Remove the created file, or put the lent one back; what to warn about, if anything.
    fn clean_up(&mut self) -> Option<String> {
        put_back_warning(&self.held.take()?)
    }
}

impl Drop for StencilFile {
    fn drop(&mut self) {
        // Reached only on an early return (a failed spawn, a signal before CMD, an error): quietly.
        let _ = self.clean_up();
    }
}

/// Why a `.stencil` in `dir` stops the run, if there is one: stencil-cli reads it first and writes
/// the newer files from it (`lib/StencilConfigManager.js`, `read` and `_migrateOldConfig`).
fn old_file_problem(dir: &Path) -> Option<String> {
    let shown = text::path(dir);
    let what = format!(
        "{} exists: stencil-cli reads it first and writes {SECRETS_FILE} from it, over the token",
        text::path(&dir.join(OLD_FILE))
    );
    match lend::old_file(dir) {
        OldFile::Absent => None,
        OldFile::HoldsToken => Some(format!(
            "{what}. `bcsetup init --from-stencil {shown}` imports its token and replaces it by the \
             newer files; or move it away"
        )),
        OldFile::Other => Some(format!(
            "{what}. It holds no token, so move it away (or move its fields into the newer files)"
        )),
    }
}

/// The one-line warning after the run, or none when the file is back as it was before (or gone,
/// when bcsetup created it).
fn put_back_warning(lent: &Lent) -> Option<String> {
    let file = text::path(lent.path());
    let created = lent.is_created();
    let instead = if created {
        "instead of removing it"
    } else {
        "instead of putting back the original"
    };
    match lent.put_back() {
        Ok(PutBack::Restored) => None,
        // Gone, or the token alone: what bcsetup would have done to a file it created.
        Ok(PutBack::Missing | PutBack::Deleted) if created => None,
        Ok(PutBack::Missing) => Some(format!(
            "{file} was removed while the command ran: bcsetup did not put it back"
        )),
        Ok(PutBack::TokenTakenOut) => Some(format!(
            "{file} changed while the command ran: bcsetup took the access token out and kept the \
             rest, {instead}"
        )),
        Ok(PutBack::Deleted) => Some(format!(
            "{file} changed while the command ran and held only the access token: bcsetup deleted it"
        )),
        Ok(PutBack::NoToken) => Some(format!(
            "{file} changed while the command ran and holds no access token: bcsetup left it as it is"
        )),
        Err(e) => Some(format!(
            "could not take the access token out: {e}; check {file} by hand: it may hold the token"
        )),
    }
}

#[cfg(test)]
mod tests;
