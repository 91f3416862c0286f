//! Where `init` keeps the secrets, settled before its first question, so that a keyring that cannot be
//! used is found before any answer is given (and before the control panel's one-time popup is spent).
//! `--insecure-storage` means the file store, checked writable and private; otherwise the OS keyring,
//! checked with `SecretStore::ready`. When the keyring cannot be used: on a terminal, say what is
//! missing and how to fix it, then let the user quit or choose the file store, explicitly and with the
//! same warning as the flag. Without a terminal nothing is asked, so no answer can be wasted: the
//! failure (exit 6) waits until the inputs were checked, and a script learns every input problem
//! (exit 2) first; both come before any request.

use crate::cli::InitArgs;
use crate::context::Context;
use crate::domain::StorageKind;
use crate::error::{Error, Left, fixes};
use crate::prompter::Prompter;
use crate::store::StoreError;
use crate::text;

/// The storage menu, in the order shown: Quit first, so Enter alone never picks the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Quit,
    File,
}

impl Item {
    const MENU: [Self; 2] = [Self::Quit, Self::File];

    fn label(self) -> &'static str {
        match self {
            Self::Quit => "Quit, and set up the keyring first (nothing is saved)",
            Self::File => "A plain file only you can read (as --insecure-storage)",
        }
    }
}

/// The store this run writes to, or why it cannot be used (`kind` says it, once the inputs are checked).
#[must_use]
pub(super) struct Chosen(Result<StorageKind, StoreError>);

impl Chosen {
    /// The store, or exit 6.
    pub(super) fn kind(self) -> Result<StorageKind, Error> {
        self.0.map_err(Error::Storage)
    }

    /// The store the run means to use, for the wizard's opening line. That line is said only on a
    /// terminal, where a store that failed its check was settled already (`choose`).
    pub(super) fn planned(&self) -> StorageKind {
        self.0.as_ref().map_or(StorageKind::Keyring, |kind| *kind)
    }
}

/// Check the store this run writes to; on a terminal, a keyring that cannot be used is settled here
/// (Quit is an `Err`).
pub(super) fn choose(args: &InitArgs, ctx: &Context) -> Result<Chosen, Error> {
    if args.insecure_storage {
        return Ok(file(ctx, "--insecure-storage: "));
    }
    let Err(err) = ctx.store(StorageKind::Keyring).ready() else {
        return Ok(Chosen(Ok(StorageKind::Keyring)));
    };
    let Some(mut p) = ctx.prompter() else {
        return Ok(Chosen(Err(err)));
    };
    match ask(ctx, &err, &mut *p)? {
        Item::Quit => Err(Error::StorageLeft {
            error: err,
            left: Left::Nothing,
        }),
        Item::File => Ok(file(ctx, "")),
    }
}

/// Say what is missing and how to fix it, then ask.
fn ask(ctx: &Context, err: &StoreError, p: &mut dyn Prompter) -> Result<Item, Error> {
    let fix = match err {
        StoreError::Keyring(missing) => fixes(*missing),
        other => Error::Storage(other.clone()).hint().unwrap_or_default(),
    };
    p.note(&format!(
        "{}.\n\n{fix}\n\nOr keep the secrets in a plain file only you can read, under {}.",
        capitalized(&err.to_string()),
        text::path(&secrets_dir(ctx))
    ));
    let labels = Item::MENU.map(Item::label);
    let index = p.select("Where should bcsetup keep the credentials?", &labels, 0)?;
    Ok(Item::MENU.get(index).copied().unwrap_or(Item::Quit))
}

/// The file store, after its warning; its directory must be private and writable.
fn file(ctx: &Context, flag: &str) -> Chosen {
    ctx.printer.warn(format_args!(
        "{flag}the secrets will be kept in a plain 0600 file under {}, not in the OS keyring",
        text::path(&secrets_dir(ctx))
    ));
    Chosen(ctx.store(StorageKind::File).ready().map(|()| StorageKind::File))
}

fn secrets_dir(ctx: &Context) -> std::path::PathBuf {
    ctx.config_dir.join("secrets")
}

fn capitalized(message: &str) -> String {
    let mut chars = message.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
