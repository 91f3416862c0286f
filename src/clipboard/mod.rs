//! The system clipboard, for `copy`: an I/O seam like `store/`. `Clipboard` is what the command
//! needs (put a value, ask whether it is still there, clear it); `system::System` is the real one
//! (arboard), and unit tests use a fake. `finish` is the decision at the end of a copy: the
//! clipboard is cleared only when it still holds exactly the value copied, so a run never erases
//! something the user copied since.
//!
//! On X11 the clipboard is not a store but a promise: the program that copied answers every paste
//! for as long as it runs. So `copy` stays in the foreground, and `System` lives until the end of
//! the countdown.

pub(crate) mod system;

/// What the clipboard holds, compared with the value copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holding {
    /// Exactly the value copied.
    Ours,
    /// Something else: the user copied since.
    Other,
    /// Nothing: another program emptied it, or the program that owned it ended.
    Empty,
}

/// The clipboard could not be used. The message names the cause, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct ClipboardError(pub String);

/// The system clipboard, as `copy` uses it.
pub(crate) trait Clipboard {
    /// Put `text` on the clipboard (the CLIPBOARD selection on X11), marked so that clipboard
    /// managers do not keep it in their history.
    fn put(&mut self, text: &str) -> Result<(), ClipboardError>;
    /// What the clipboard holds now, compared with `text`.
    fn holding(&mut self, text: &str) -> Result<Holding, ClipboardError>;
    /// Empty the clipboard.
    fn clear(&mut self) -> Result<(), ClipboardError>;
}

/// How the clipboard was left at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Left {
    /// It held the value and was cleared.
    Cleared,
    /// It held something else, which was left as it is.
    Kept,
    /// It was empty already.
    Empty,
    /// What it held could not be read, so it was cleared anyway: a secret may be there.
    ClearedUnread,
}

/// Clear the clipboard if it still holds `text`; leave anything else as it is. When the clipboard
/// cannot be read, clear it all the same: the value may be a token, and a token left on the
/// clipboard is worse than a lost copy of something else.
pub(crate) fn finish(clipboard: &mut dyn Clipboard, text: &str) -> Result<Left, ClipboardError> {
    match clipboard.holding(text) {
        Ok(Holding::Ours) => clipboard.clear().map(|()| Left::Cleared),
        Ok(Holding::Other) => Ok(Left::Kept),
        Ok(Holding::Empty) => Ok(Left::Empty),
        Err(_) => clipboard.clear().map(|()| Left::ClearedUnread),
    }
}

/// Whether this platform's clipboard needs a display server named in the environment (X11's
/// `DISPLAY`, Wayland's `WAYLAND_DISPLAY`); macOS and Windows have one per login session.
pub(crate) const NEEDS_DISPLAY: bool = cfg!(all(
    unix,
    not(any(
        target_os = "macos",
        target_os = "android",
        target_os = "emscripten"
    ))
));

#[cfg(test)]
pub(crate) mod fake {
    use super::{Clipboard, ClipboardError, Holding};

    /// A clipboard in memory: `text` is what it holds, `unreadable` makes `holding` fail.
    #[derive(Default)]
    pub(crate) struct Fake {
        pub text: Option<String>,
        pub unreadable: bool,
        pub clears: usize,
    }

    impl Clipboard for Fake {
        fn put(&mut self, text: &str) -> Result<(), ClipboardError> {
            self.text = Some(text.to_owned());
            Ok(())
        }

        fn holding(&mut self, text: &str) -> Result<Holding, ClipboardError> {
            if self.unreadable {
                return Err(ClipboardError("no answer".into()));
            }
            Ok(match self.text.as_deref() {
                Some(held) if held == text => Holding::Ours,
                Some(_) => Holding::Other,
                None => Holding::Empty,
            })
        }

        fn clear(&mut self) -> Result<(), ClipboardError> {
            self.clears += 1;
            self.text = None;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::Fake;
    use super::*;

    #[test]
    fn the_value_copied_is_cleared_and_nothing_else_is() {
        let mut clipboard = Fake::default();
        clipboard.put("tok").unwrap();
        assert_eq!(finish(&mut clipboard, "tok"), Ok(Left::Cleared));
        assert_eq!(clipboard.text, None);

        let mut clipboard = Fake::default();
        clipboard.put("tok").unwrap();
        clipboard.text = Some("the user's own text".into());
        assert_eq!(finish(&mut clipboard, "tok"), Ok(Left::Kept));
        assert_eq!(clipboard.text.as_deref(), Some("the user's own text"));
        assert_eq!(clipboard.clears, 0);

        // A prefix or an extension of the value is something else.
        clipboard.text = Some("tok2".into());
        assert_eq!(finish(&mut clipboard, "tok"), Ok(Left::Kept));

        let mut clipboard = Fake::default();
        assert_eq!(finish(&mut clipboard, "tok"), Ok(Left::Empty));
        assert_eq!(clipboard.clears, 0);
    }

    #[test]
    fn a_clipboard_that_cannot_be_read_is_cleared_anyway() {
        let mut clipboard = Fake {
            text: Some("tok".into()),
            unreadable: true,
            clears: 0,
        };
        assert_eq!(finish(&mut clipboard, "tok"), Ok(Left::ClearedUnread));
        assert_eq!(clipboard.clears, 1);
    }
}
