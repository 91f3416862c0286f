//! `bcsetup copy [WHAT] [--clear-after SECS]`: put one credential on the system clipboard for a
//! paste into a web form (a migration service asks for the API path, client ID and token), then
//! take it off again. `pass -c` taught the shape: the value is cleared after a while, but only if
//! the clipboard still holds it, so something the user copied since is never erased.
//!
//! The run stays in the foreground with a countdown: on X11 the clipboard is served by the program
//! that copied, so the value lives exactly as long as the run. Enter clears at once; Ctrl-C, SIGTERM
//! and SIGHUP clear, then end the run as a cancel (130, 128+N). The token is shown only as its mask.
//!
//! Order: the profile (exit 7), what it lacks (a client ID: exit 2), the clipboard (no display:
//! exit 2), and only then the keyring: a run that cannot copy reads no secret.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use crate::bigcommerce::token::AccessToken;
use crate::cli::{CopyArgs, CopyWhat};
use crate::clipboard::system::System;
use crate::clipboard::{self, Clipboard, Left};
use crate::context::Context;
use crate::error::{Error, InputErrors};
use crate::profile::Profile;
use crate::stored;
use crate::text;

mod countdown;
use countdown::Ended;

/// The value copied: the token (shown masked) or a plain one (shown in full).
enum Value {
    Token(AccessToken),
    Plain(String),
}

impl Value {
    fn text(&self) -> &str {
        match self {
            // The one place `copy` reads the token: it goes to the clipboard, never to a stream.
            Value::Token(token) => token.expose_to_program(),
            Value::Plain(plain) => plain,
        }
    }

    fn shown(&self) -> String {
        match self {
            Value::Token(token) => token.mask(),
            Value::Plain(plain) => text::one_line(plain).into_owned(),
        }
    }
}

/// Copy, count down, clear.
pub(super) fn run(args: &CopyArgs, ctx: &Context) -> Result<(), Error> {
    let profile = ctx.profiles().load()?.get(&ctx.profile)?.clone();
    let plain = plain_value(args.what, ctx, &profile)?;
    let mut system = open(ctx)?;
    let value = match plain {
        Some(plain) => Value::Plain(plain),
        None => Value::Token(stored::load(ctx, false)?.access_token),
    };
    // Watched before the value is on the clipboard, so no signal can end the run with it there.
    let watch = platform::Watch::install();
    system
        .put(value.text())
        .map_err(|e| Error::NoClipboard(e.to_string()))?;
    let keys = countdown::Keys {
        enter: platform::KEYS && ctx.interactive(),
        ctrl_c: platform::KEYS,
    };
    ctx.printer.success(format_args!(
        "Copied {} of profile `{}` to the clipboard: {}",
        countdown::name(args.what),
        ctx.profile,
        value.shown()
    ));
    let redraw = std::io::stderr().is_terminal();
    let total = Duration::from_secs(args.clear_after);
    if !redraw {
        ctx.printer.info(countdown::countdown(args.clear_after, keys));
    }
    let ended = watch.wait(Instant::now() + total, keys.enter, |left| {
        if redraw {
            ctx.printer.redraw(&countdown::countdown(left, keys));
        }
    });
    let left = clipboard::finish(&mut system, value.text());
    // Cleared (or left) before the clipboard connection closes: only then is `system` dropped.
    drop(system);
    report(ctx, args, &value, ended, left)
}

/// The value of a non-secret field, `None` for the token. A client ID the profile never kept is a
/// request the profile cannot satisfy (exit 2, as `--include-client-secret` without one): `init`
/// fixes it, not the keyring.
fn plain_value(what: CopyWhat, ctx: &Context, profile: &Profile) -> Result<Option<String>, Error> {
    Ok(match what {
        CopyWhat::Token => None,
        // Where the token is used, as `env` and `exec` hand it over (it follows BCSETUP_API_BASE).
        CopyWhat::ApiPath => Some(ctx.api_base.api_path(&profile.store_hash)),
        CopyWhat::StoreHash => Some(profile.store_hash.as_str().to_owned()),
        CopyWhat::ClientId => match &profile.client_id {
            Some(id) => Some(id.clone()),
            None => {
                return Err(InputErrors::one(
                    "client-id",
                    format!(
                        "profile `{}` has no client ID; add it with `bcsetup init --profile {} \
                         --client-id ID` (a rotation: it asks for the token again)",
                        ctx.profile, ctx.profile
                    ),
                ));
            }
        },
    })
}

/// The clipboard, or exit 2 without one; checked before the keyring is read.
fn open(ctx: &Context) -> Result<System, Error> {
    if clipboard::NEEDS_DISPLAY
        && ctx.env.get("DISPLAY").is_none()
        && ctx.env.get("WAYLAND_DISPLAY").is_none()
    {
        return Err(Error::NoClipboard(
            "neither DISPLAY nor WAYLAND_DISPLAY is set, so there is no desktop session here".into(),
        ));
    }
    System::open().map_err(|e| {
        let display = ctx
            .env
            .get("DISPLAY")
            .map_or_else(String::new, |d| format!(" (DISPLAY={})", text::one_line(d)));
        Error::NoClipboard(format!("could not open the clipboard{display}: {e}"))
    })
}

/// Say how it ended: a line on stderr, the JSON object, or the cancel a signal asked for.
fn report(
    ctx: &Context,
    args: &CopyArgs,
    value: &Value,
    ended: Ended,
    left: Result<Left, clipboard::ClipboardError>,
) -> Result<(), Error> {
    platform::restore_terminal();
    let left = match left {
        Ok(left) => left,
        // The clipboard answered the copy but not the clear: unexpected (exit 1), and the user
        // must know the value may still be there.
        Err(e) => {
            ctx.printer.redraw("");
            return Err(Error::Internal(anyhow::anyhow!(
                "could not clear the clipboard ({e}); it may still hold the value: copy something \
                 else over it"
            )));
        }
    };
    if left == Left::ClearedUnread {
        ctx.printer.redraw("");
        ctx.printer
            .warn("the clipboard could not be read back, so it was cleared without checking it");
    }
    crate::terminal::cancel_keeps(countdown::kept(left));
    if let Ended::Signal(signal) = ended {
        return Err(Error::for_signal(signal));
    }
    ctx.printer.redraw("");
    match left {
        Left::Cleared | Left::ClearedUnread => ctx.printer.success("Clipboard cleared."),
        Left::Kept | Left::Empty => ctx.printer.info(countdown::capital(countdown::kept(left))),
    }
    if ctx.printer.json {
        ctx.printer.json(&serde_json::json!({
            "ok": true,
            "profile": ctx.profile,
            "copied": countdown::key(args.what),
            "shown": value.shown(),
            "clear_after": args.clear_after,
            "outcome": countdown::outcome(ended, left),
        }));
    }
    Ok(())
}

#[cfg(unix)]
#[path = "copy/unix.rs"]
mod platform;

#[cfg(not(unix))]
mod platform {
    //! Elsewhere (Windows) no signal is watched and no key read: signal-hook and nix are Unix
    //! dependencies here. Ctrl-C ends the run at once and the clipboard keeps the value until
    //! something else is copied (docs/interface.md says so); the countdown offers no keys.
    use std::time::Instant;

    use super::countdown::Ended;

    pub(super) struct Watch;

    impl Watch {
        pub(super) fn install() -> Self {
            Watch
        }

        #[allow(clippy::unused_self, reason = "the same call as the Unix watch's")]
        pub(super) fn wait(&self, deadline: Instant, _enter: bool, mut tick: impl FnMut(u64)) -> Ended {
            super::countdown::count_down(deadline, &mut tick, |slice| {
                std::thread::sleep(slice);
                None
            })
        }
    }

    pub(super) fn restore_terminal() {}

    /// Whether Enter and Ctrl-C work during the countdown.
    pub(super) const KEYS: bool = false;
}
