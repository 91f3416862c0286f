//! `bcsetup remove`: delete a profile's secrets (a missing entry is fine) and then its metadata, and
//! tell the user how to revoke the account, because removing local credentials revokes nothing (the
//! same note `cargo logout` prints). Secrets go first: if the keyring fails, the metadata stays, so
//! a retry can find what is left instead of leaving an entry nothing points to.

use crate::bigcommerce::StoreHash;
use crate::cli::RemoveArgs;
use crate::context::Context;
use crate::domain::StorageKind;
use crate::error::{Error, InputErrors};
use crate::profile::Profile;
use crate::store::Key;
use crate::transaction::Owner;

/// Remove `ctx.profile`.
pub(super) fn run(args: &RemoveArgs, ctx: &Context) -> Result<(), Error> {
    // Own the profile for the whole run, and finish an interrupted rotation first, so what is removed
    // is one consistent profile, staging keys included.
    let owner = Owner::acquire(ctx)?;
    let profile = ctx.profiles().load()?.get(&ctx.profile)?.clone();
    confirm(args, ctx, &profile)?;
    let (access_token, client_secret) = owner.changing(|| delete(ctx, &profile))?;
    if ctx.printer.json {
        ctx.printer.json(&serde_json::json!({
            "ok": true,
            "profile": ctx.profile,
            "removed": {
                "access_token": access_token,
                "client_secret": client_secret,
                "metadata": true,
                "storage": profile.storage,
            },
            "revoke": {
                "store_hash": profile.store_hash,
                "account_name": profile.account_name,
                "control_panel_url": profile.store_hash.control_panel_url(),
            },
        }));
    } else {
        ctx.printer.success(format_args!(
            "Removed profile `{}` (store {}): its secrets from the {} and its metadata",
            ctx.profile,
            profile.store_hash,
            place(profile.storage)
        ));
    }
    ctx.printer
        .info(revoke_note(&profile.store_hash, profile.account_name.as_str()));
    Ok(())
}

/// Delete the secrets, then the metadata; says whether the token and the client secret were there.
fn delete(ctx: &Context, profile: &Profile) -> Result<(bool, bool), Error> {
    let store = ctx.store(profile.storage);
    let access_token = store.delete(&Key::access_token(&ctx.profile))?;
    let client_secret = store.delete(&Key::client_secret(&ctx.profile))?;
    if profile.storage == StorageKind::Keyring {
        // An interrupted switch from --insecure-storage may have left the old file behind (and a
        // killed write its temp copies); removing them needs no keyring and cannot fail on a missing file.
        let file = ctx.store(StorageKind::File);
        for key in [Key::access_token(&ctx.profile), Key::client_secret(&ctx.profile)] {
            if let Err(e) = file.delete(&key) {
                ctx.printer
                    .warn(format_args!("could not clean up the secrets file: {e}"));
            }
        }
    }
    ctx.profiles().update(|profiles| {
        profiles.profiles.remove(&ctx.profile);
        Ok(())
    })?;
    Ok((access_token, client_secret))
}

/// Ask on a terminal; without one, only `--yes` confirms.
fn confirm(args: &RemoveArgs, ctx: &Context, profile: &Profile) -> Result<(), Error> {
    if args.yes {
        return Ok(());
    }
    let Some(mut p) = ctx.prompter() else {
        return Err(InputErrors::one(
            "--yes",
            format!(
                "removing profile `{}` needs confirmation and there is no terminal to ask on \
                 (or --no-input); pass --yes",
                ctx.profile
            ),
        ));
    };
    let question = format!(
        "Remove profile `{}` (store {}, account `{}`) and its secrets from this computer?",
        ctx.profile, profile.store_hash, profile.account_name
    );
    crate::terminal::cancel_keeps("nothing was removed");
    if p.confirm(&question, false)? {
        // From here a signal may end the run halfway through the removal: its line says no more.
        crate::terminal::cancel_keeps("");
        return Ok(());
    }
    // Declining is a cancel, as in `init`'s rotation prompt.
    Err(Error::Interrupted)
}

fn place(storage: StorageKind) -> &'static str {
    match storage {
        StorageKind::Keyring => "OS keyring",
        StorageKind::File => "secrets file",
    }
}

/// What removing does not do, and how to do it.
fn revoke_note(store: &StoreHash, account_name: &str) -> String {
    format!(
        "This does not revoke the token: it keeps working until its API account is\n\
         deleted. To revoke it, open the store's control panel at\n  \
         {}\n\
         go to Settings › Store-level API accounts and delete `{account_name}`.\n\
         Deleting the account also deletes the webhooks, metafields and scripts it\n\
         created.",
        store.control_panel_url()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bigcommerce::Access;
    use crate::commands::init;
    use crate::commands::testkit::{Level, STORE, TokenSpec, World, init_args, profile, stored_token};
    use crate::prompter::Reply;

    /// How the removal is confirmed, and whether the profile must be gone afterwards.
    struct Case {
        name: &'static str,
        yes: bool,
        /// `None`: no terminal; otherwise the answer to "Remove profile …?".
        answer: Option<bool>,
        /// `None` = removed; otherwise the JSON kind of the error.
        expect: Option<&'static str>,
    }

    const CASES: &[Case] = &[
        Case {
            name: "--yes removes without asking",
            yes: true,
            answer: None,
            expect: None,
        },
        Case {
            name: "no terminal and no --yes",
            yes: false,
            answer: None,
            expect: Some("invalid_input"),
        },
        Case {
            name: "yes on the terminal",
            yes: false,
            answer: Some(true),
            expect: None,
        },
        Case {
            name: "no on the terminal is a cancel",
            yes: false,
            answer: Some(false),
            expect: Some("interrupted"),
        },
    ];

    #[test]
    fn remove_cases() {
        for case in CASES {
            let w = World::new();
            let token = w.token(
                "unitremove0000000000000000000001",
                TokenSpec::all(STORE, Level::ReadOnly),
            );
            init::run(
                &init_args(Access::ReadOnly, "products"),
                &w.batch(&[("BCSETUP_ACCESS_TOKEN", &token)]),
            )
            .unwrap();
            let ctx = match case.answer {
                Some(yes) => w.terminal(&[], [Reply::Yes(yes)]),
                None => w.batch(&[]),
            };
            let result = run(&RemoveArgs { yes: case.yes }, &ctx);
            assert_eq!(
                result.as_ref().err().map(Error::kind),
                case.expect,
                "{}",
                case.name
            );
            let gone = case.expect.is_none();
            assert_eq!(profile(&ctx).is_none(), gone, "{}", case.name);
            assert_eq!(
                stored_token(&ctx, StorageKind::Keyring).is_none(),
                gone,
                "{}",
                case.name
            );
            assert_eq!(
                w.asked().len(),
                usize::from(case.answer.is_some()),
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn removing_a_profile_that_does_not_exist_is_exit_7() {
        let w = World::new();
        let err = run(&RemoveArgs { yes: true }, &w.batch(&[])).unwrap_err();
        assert_eq!(err.exit_code(), 7);
    }

    #[test]
    fn the_note_says_it_revokes_nothing_and_where_to_revoke() {
        let note = revoke_note(&StoreHash::parse("abc123").unwrap(), "Migration bot");
        assert!(note.starts_with("This does not revoke the token"), "{note}");
        assert!(
            note.contains("https://store-abc123.mybigcommerce.com/manage/"),
            "{note}"
        );
        assert!(note.contains("Settings › Store-level API accounts"), "{note}");
        assert!(note.contains("`Migration bot`"), "{note}");
        assert!(note.contains("webhooks, metafields and scripts"), "{note}");
        assert!(note.lines().all(|l| l.chars().count() <= 80), "{note}");
    }
}
