//! Where `init` keeps the secrets, settled before its first question, so that a keyring that cannot be
//! used is found before any answer is given (and before the control panel's one-time popup is spent).
//! `--insecure-storage` means the file store, checked writable and private; otherwise the OS keyring,
//! checked with `SecretStore::ready`. When the keyring cannot be used: without a terminal, exit 6 at
//! once; on a terminal, say what is missing and how to fix it, then let the user quit or choose the
//! file store, explicitly and with the same warning as the flag.

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

/// The store this run writes to, checked; an `Err` ends the run before any question.
pub(super) fn choose(args: &InitArgs, ctx: &Context) -> Result<StorageKind, Error> {
    if args.insecure_storage {
        return file(ctx, "--insecure-storage: ");
    }
    let Err(err) = ctx.store(StorageKind::Keyring).ready() else {
        return Ok(StorageKind::Keyring);
    };
    let Some(mut p) = ctx.prompter() else {
        return Err(Error::Storage(err));
    };
    match ask(ctx, &err, &mut *p)? {
        Item::Quit => Err(Error::StorageLeft {
            error: err,
            left: Left::Nothing,
        }),
        Item::File => file(ctx, ""),
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
fn file(ctx: &Context, flag: &str) -> Result<StorageKind, Error> {
    ctx.printer.warn(format_args!(
        "{flag}the secrets will be kept in a plain 0600 file under {}, not in the OS keyring",
        text::path(&secrets_dir(ctx))
    ));
    ctx.store(StorageKind::File).ready()?;
    Ok(StorageKind::File)
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
