//! `init --from-stencil DIR` around the usual run: what was read, said without a terminal (the wizard
//! says it on one), and, once the profile is saved (its token written and read back), taking the
//! token out of the theme folder's file: asked on a terminal, or answered by `--remove-stencil-token`
//! / `--keep-stencil-token`; never after `--no-verify`, nor when the file changed since it was read.

use std::path::Path;

use crate::bigcommerce::stencil_files::lend::{self, OldFile, Secrets};
use crate::bigcommerce::stencil_files::{CONFIG_FILE, OLD_FILE, Removal, SECRETS_FILE};
use crate::bigcommerce::token::AccessToken;
use crate::cli::InitArgs;
use crate::context::Context;
use crate::error::Error;
use crate::text;
use crate::wizard::InitPlan;
use crate::wizard::stencil::{StencilSource, ignored_note};

/// What became of the file, for the JSON report.
pub(super) struct Outcome {
    file: String,
    token_removed: bool,
    file_deleted: bool,
    migrated: bool,
    store_hash_from: Option<String>,
}

impl Outcome {
    pub(super) fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.file,
            "token_removed": self.token_removed,
            "file_deleted": self.file_deleted,
            "migrated": self.migrated,
            "store_hash_from": self.store_hash_from,
        })
    }
}

/// Without a terminal: the file the token came from and where the store hash came from.
pub(super) fn tell(ctx: &Context, plan: &InitPlan) {
    let Some(source) = plan.stencil.as_ref().filter(|s| !s.told) else {
        return;
    };
    ctx.printer.info(format_args!(
        "Importing the access token from {}",
        text::path(&source.files.token_file)
    ));
    if source.files.newer_ignored {
        ctx.printer.info(ignored_note());
    }
    if let Some(from) = &source.store_from {
        ctx.printer
            .info(format_args!("  store hash {}, from {from}", plan.store_hash));
    }
}

/// After the save: take the token out of the file, if the user wants it and it is safe.
pub(super) fn take_out(args: &InitArgs, ctx: &Context, plan: &InitPlan) -> Result<Option<Outcome>, Error> {
    let Some(source) = plan.stencil.as_ref() else {
        return Ok(None);
    };
    let path = &source.files.token_file;
    let shown = text::path(path);
    let mut outcome = Outcome {
        file: path.display().to_string(),
        token_removed: false,
        file_deleted: false,
        migrated: false,
        store_hash_from: source.store_from.clone(),
    };
    if args.no_verify {
        ctx.printer.warn(format_args!(
            "{shown} still holds the access token: with --no-verify nothing proved it, so it was left there"
        ));
        return Ok(Some(outcome));
    }
    // A token typed again after a failed check is what the profile keeps; the file's is another.
    let same = AccessToken::parse(&source.files.token).is_ok_and(|t| t.same_as(&plan.access_token));
    if !same {
        ctx.printer.warn(format_args!(
            "the profile keeps another token than {shown} holds, so the file was left as it is"
        ));
        return Ok(Some(outcome));
    }
    if !wanted(args, ctx, path, source.files.leaves_a_secrets_file())? {
        return Ok(Some(outcome));
    }
    say(ctx, source, &mut outcome);
    Ok(Some(outcome))
}

/// Take the token out and say what became of the file.
fn say(ctx: &Context, source: &StencilSource, outcome: &mut Outcome) {
    let path = &source.files.token_file;
    let shown = text::path(path);
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    match source.files.remove_token() {
        Ok(Removal::Rewritten) => {
            outcome.token_removed = true;
            ctx.printer.success(format_args!(
                "Removed the access token from {shown} (its other fields are kept)"
            ));
        }
        Ok(Removal::Deleted) => {
            (outcome.token_removed, outcome.file_deleted) = (true, true);
            ctx.printer
                .success(format_args!("Deleted {shown}: it held only the access token"));
        }
        Ok(Removal::Migrated) => {
            (outcome.token_removed, outcome.file_deleted, outcome.migrated) = (true, true, true);
            let github = if dir.join(SECRETS_FILE).exists() {
                format!(" (githubToken to {SECRETS_FILE})")
            } else {
                String::new()
            };
            ctx.printer.success(format_args!(
                "Replaced {shown} by {CONFIG_FILE}{github} without the access token, as stencil-cli \
                 would on its next run"
            ));
        }
        Ok(Removal::Changed) => ctx.printer.warn(format_args!(
            "{shown} changed since it was read, so it was left as it is"
        )),
        Err(e) => ctx
            .printer
            .warn(format_args!("could not take the access token out: {e}")),
    }
    if outcome.token_removed
        && let Some(note) = exec_note(ctx, dir)
    {
        ctx.printer.info(note);
    }
}

/// What `exec --stencil` does with the folder as it is now, when a file stays that it does not
/// simply create and remove: the same checks as `exec` (`stencil_files::lend`), so the two agree.
fn exec_note(ctx: &Context, dir: &Path) -> Option<String> {
    if lend::old_file(dir) != OldFile::Absent {
        return Some(format!(
            "  {} stays, and stencil-cli reads it first (writing the newer files from it):\n  \
             move it away before `bcsetup exec --stencil`, which refuses while it is there",
            text::path(&dir.join(OLD_FILE))
        ));
    }
    match lend::secrets(dir) {
        Ok(Secrets::Object(original)) => Some(format!(
            "  `bcsetup{} exec --stencil {} -- stencil start` adds the token to {}\n  \
             only while stencil-cli runs, then puts the file back as it is now",
            profile_flag(ctx),
            text::path(dir),
            text::path(original.path())
        )),
        Ok(Secrets::HoldsToken(path)) => Some(format!(
            "  {} still holds an accessToken, so `bcsetup exec --stencil` refuses while it does",
            text::path(&path)
        )),
        Ok(Secrets::Absent) | Err(_) => None,
    }
}

fn profile_flag(ctx: &Context) -> String {
    if ctx.profile.as_str() == "default" {
        String::new()
    } else {
        format!(" --profile {}", ctx.profile)
    }
}

/// The flags answer; else the terminal; else keep, with a hint.
fn wanted(args: &InitArgs, ctx: &Context, path: &Path, leaves_a_secrets_file: bool) -> Result<bool, Error> {
    if args.remove_stencil_token || args.keep_stencil_token {
        return Ok(args.remove_stencil_token);
    }
    let shown = text::path(path);
    let dir = path.parent().map_or_else(|| ".".to_owned(), text::path);
    let Some(mut p) = ctx.prompter() else {
        ctx.printer.info(format_args!(
            "{shown} still holds the access token in plain text; the profile has it now, so \
             --remove-stencil-token takes it out next time (or delete the accessToken line)"
        ));
        return Ok(false);
    };
    // The details on lines of their own: a prompt longer than the terminal is redrawn badly.
    let name = path
        .file_name()
        .map_or_else(|| shown.clone(), |n| text::path(Path::new(n)));
    if leaves_a_secrets_file {
        p.note(&format!(
            "The profile keeps the token now; {shown} keeps its other fields."
        ));
    } else {
        p.note(&format!(
            "The profile keeps the token now; `bcsetup{} exec --stencil {dir} -- stencil start`\n\
             hands it to stencil-cli while it runs, so {shown} need not hold it.",
            profile_flag(ctx)
        ));
    }
    p.confirm(&format!("Remove the access token from {name} now?"), true)
}
