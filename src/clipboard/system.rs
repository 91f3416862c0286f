//! The real clipboard, through arboard: X11 (the CLIPBOARD selection), Wayland where the compositor
//! offers the data-control protocol, macOS and Windows.
//!
//! arboard's X11 `Clipboard` serves pastes from a thread for as long as it lives, and when the last
//! one is dropped while it still owns the selection, it would ask a clipboard manager to save the
//! contents; it skips that, and gives the selection up instead, for contents marked
//! `exclude_from_history`. Every `put` here is so marked, so dropping `System` on any path (an error,
//! a panic) never hands the value on; and `copy` clears before it drops when the value is still there.

use secrecy::zeroize::Zeroizing;

use super::{Clipboard, ClipboardError, Holding};

/// The system clipboard, held open for as long as a copy must be served.
pub(crate) struct System {
    inner: arboard::Clipboard,
}

impl System {
    /// Connect to the clipboard (on X11, the display server in `DISPLAY`).
    pub(crate) fn open() -> Result<Self, ClipboardError> {
        arboard::Clipboard::new()
            .map(|inner| Self { inner })
            .map_err(|e| describe(&e))
    }
}

impl Clipboard for System {
    fn put(&mut self, text: &str) -> Result<(), ClipboardError> {
        let set = self.inner.set();
        #[cfg(all(
            unix,
            not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
        ))]
        let set = {
            use arboard::SetExtLinux;
            // The CLIPBOARD selection (Ctrl-V), which is arboard's default; named so it stays so.
            set.clipboard(arboard::LinuxClipboardKind::Clipboard)
                .exclude_from_history()
        };
        #[cfg(target_os = "macos")]
        let set = {
            use arboard::SetExtApple;
            set.exclude_from_history()
        };
        #[cfg(windows)]
        let set = {
            use arboard::SetExtWindows;
            set.exclude_from_history().exclude_from_cloud()
        };
        set.text(text).map_err(|e| describe(&e))
    }

    fn holding(&mut self, text: &str) -> Result<Holding, ClipboardError> {
        match self.inner.get_text() {
            // The copy read back may be the token: wiped when dropped.
            Ok(held) => {
                let held = Zeroizing::new(held);
                Ok(if held.as_str() == text {
                    Holding::Ours
                } else {
                    Holding::Other
                })
            }
            // Empty, or holding something that is not text (an image): not the value either way.
            Err(arboard::Error::ContentNotAvailable) => Ok(Holding::Empty),
            Err(arboard::Error::ConversionFailure) => Ok(Holding::Other),
            Err(e) => Err(describe(&e)),
        }
    }

    fn clear(&mut self) -> Result<(), ClipboardError> {
        self.inner.clear().map_err(|e| describe(&e))
    }
}

/// arboard's errors carry descriptions only (never the clipboard's contents).
fn describe(error: &arboard::Error) -> ClipboardError {
    ClipboardError(crate::text::one_line(&error.to_string()).into_owned())
}
