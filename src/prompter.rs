//! The terminal seam. Steps talk to a `Prompter`; `DialoguerPrompter` draws on stderr with dialoguer,
//! `ScriptedPrompter` answers from a list in unit tests (and, through `Rc<RefCell<_>>`, stays
//! inspectable after a `Context` takes it). Ctrl-C and Esc become `Error::Interrupted`. Prompts,
//! items and notes may name outside values (a file name, a store's name): `DialoguerPrompter`
//! escapes every control character but LF before drawing them (`text::lines`).
//!
//! Making a `DialoguerPrompter` saves the terminal's mode (`terminal::save`); a prompt that ends in
//! an error or a cancel puts it back and shows the cursor before the error leaves, since dialoguer
//! returns early with the cursor hidden, and says where it left the cursor for the last line.

use std::path::{Path, PathBuf};

use dialoguer::theme::{ColorfulTheme, Theme};
use secrecy::SecretString;

use crate::error::Error;
use crate::terminal;
use crate::text;

#[cfg(unix)]
mod hidden;

/// Validation callback for text input: `Err(message)` re-asks with the message.
pub(crate) type Validate<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// Validation callback for a path, given with `~` expanded.
pub(crate) type ValidatePath<'a> = &'a dyn Fn(&Path) -> Result<(), String>;

/// What an optional prompt left empty shows after it, in place of the (empty) answer or a mask.
const SKIPPED: &str = "skipped";

/// Asks the user things.
pub(crate) trait Prompter {
    /// Pick one of `items`; `default` is pre-selected.
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize, Error>;
    /// Pick any of `items`; `checked` says which start ticked.
    fn multi_select(&mut self, prompt: &str, items: &[&str], checked: &[bool]) -> Result<Vec<usize>, Error>;
    /// Free text, validated where it is typed; empty allowed only when `allow_empty` (and then shown
    /// as skipped).
    fn input(&mut self, prompt: &str, allow_empty: bool, validate: Validate<'_>) -> Result<String, Error>;
    /// A file path: `~` is `home`, and Tab completes where the terminal allows it. The validation and
    /// the answer get the path with `~` expanded.
    fn path(
        &mut self,
        prompt: &str,
        home: Option<&Path>,
        validate: ValidatePath<'_>,
    ) -> Result<PathBuf, Error>;
    /// Hidden text; the answer is wrapped before it leaves the prompt. An optional one left empty
    /// shows that it was skipped, not a mask.
    fn password(&mut self, prompt: &str, allow_empty: bool) -> Result<SecretString, Error>;
    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Error>;
    /// Tell the user something between prompts (an echo-back, a checklist).
    fn note(&mut self, text: &str);
}

/// Prompts on the terminal (stderr) via dialoguer.
pub(crate) struct DialoguerPrompter {
    theme: ColorfulTheme,
}

impl DialoguerPrompter {
    /// A prompter for this process's terminal; its mode now is the one every way out restores.
    pub(crate) fn new() -> Self {
        terminal::save();
        Self {
            theme: ColorfulTheme::default(),
        }
    }
}

fn convert(err: dialoguer::Error) -> Error {
    match err {
        dialoguer::Error::IO(e) if e.kind() == std::io::ErrorKind::Interrupted => Error::Interrupted,
        dialoguer::Error::IO(e) => Error::Internal(anyhow::Error::new(e).context("terminal prompt failed")),
    }
}

/// Run one prompt. `mid_line`: while it waits, the cursor is after text on the prompt's line (an
/// answer being typed, `(y/n) ›`), so a cancel's line starts on the next one. An answer finishes
/// the line; `None` (Esc or q in a menu, which dialoguer clears) and an error (Ctrl-C, a terminal
/// that failed) restore the terminal and end the run.
fn ask<T>(mid_line: bool, prompt: impl FnOnce() -> dialoguer::Result<Option<T>>) -> Result<T, Error> {
    terminal::prompt_opened(mid_line);
    let answer = prompt();
    if answer.is_ok() {
        terminal::prompt_closed();
    }
    match answer {
        Ok(Some(value)) => Ok(value),
        Ok(None) => {
            terminal::restore();
            Err(Error::Interrupted)
        }
        Err(e) => {
            terminal::restore();
            Err(convert(e))
        }
    }
}

impl Prompter for DialoguerPrompter {
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize, Error> {
        // The menu's last item ends its line: the cursor waits at the start of the next.
        ask(false, || {
            dialoguer::Select::with_theme(&self.theme)
                .with_prompt(text::lines(prompt))
                .items(shown(items))
                .default(default)
                .interact_opt()
        })
    }

    fn multi_select(&mut self, prompt: &str, items: &[&str], checked: &[bool]) -> Result<Vec<usize>, Error> {
        ask(false, || {
            dialoguer::MultiSelect::with_theme(&self.theme)
                .with_prompt(text::lines(prompt))
                .items(shown(items))
                .defaults(checked)
                .interact_opt()
        })
    }

    fn input(&mut self, prompt: &str, allow_empty: bool, validate: Validate<'_>) -> Result<String, Error> {
        let prompt = text::lines(prompt);
        let answer = ask(true, || {
            dialoguer::Input::<String>::with_theme(&self.theme)
                .with_prompt(prompt.as_ref())
                .allow_empty(allow_empty)
                // An optional answer is echoed below, so that an empty one reads as skipped.
                .report(!allow_empty)
                .validate_with(|s: &String| {
                    if allow_empty && s.trim().is_empty() {
                        Ok(())
                    } else {
                        validate(s)
                    }
                })
                .interact_text()
                .map(Some)
        })?;
        if allow_empty {
            let shown = if answer.trim().is_empty() {
                SKIPPED.into()
            } else {
                text::one_line(&answer)
            };
            self.echo(&prompt, &shown);
        }
        Ok(answer)
    }

    fn path(
        &mut self,
        prompt: &str,
        home: Option<&Path>,
        validate: ValidatePath<'_>,
    ) -> Result<PathBuf, Error> {
        let prompt = text::lines(prompt);
        let completion = path::PathCompletion {
            home,
            room: self.room_after(&prompt),
        };
        let raw = ask(true, || {
            dialoguer::Input::<String>::with_theme(&self.theme)
                .with_prompt(prompt.as_ref())
                .completion_with(&completion)
                .validate_with(|s: &String| validate(&path::expand_home(s, home)))
                .interact_text()
                .map(Some)
        })?;
        Ok(path::expand_home(&raw, home))
    }

    fn password(&mut self, prompt: &str, allow_empty: bool) -> Result<SecretString, Error> {
        let prompt = text::lines(prompt);
        // An optional answer is echoed below, so that an empty one reads as skipped.
        let report = !allow_empty;
        // Whether the answer is blank is read before it is wrapped; its text is never shown.
        #[cfg(unix)]
        let read = || {
            hidden::ask(&self.theme, &prompt, allow_empty, report)
                .map(Some)
                .map_err(dialoguer::Error::IO)
        };
        #[cfg(not(unix))]
        let read = || {
            dialoguer::Password::with_theme(&self.theme)
                .with_prompt(prompt.as_ref())
                .allow_empty_password(allow_empty)
                .report(report)
                .interact()
                .map(|answer| Some((answer.trim().is_empty(), SecretString::from(answer))))
        };
        let (blank, answer) = ask(true, read)?;
        if allow_empty {
            self.echo(&prompt, if blank { SKIPPED } else { "********" });
        }
        Ok(answer)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Error> {
        ask(true, || {
            dialoguer::Confirm::with_theme(&self.theme)
                .with_prompt(text::lines(prompt))
                .default(default)
                .interact_opt()
        })
    }

    fn note(&mut self, text: &str) {
        let _ = console::Term::stderr().write_line(&text::lines(text));
    }
}

impl DialoguerPrompter {
    /// The line dialoguer draws after an answer (`✔ prompt · answer`), for the answers it cannot word.
    fn echo(&self, prompt: &str, shown: &str) {
        let mut line = String::new();
        if self
            .theme
            .format_input_prompt_selection(&mut line, prompt, shown)
            .is_ok()
        {
            let _ = console::Term::stderr().write_line(&line);
        }
    }

    /// The columns of the terminal left after `prompt` as an input prompt draws it.
    fn room_after(&self, prompt: &str) -> usize {
        let mut drawn = String::new();
        let _ = self.theme.format_input_prompt(&mut drawn, prompt, None);
        let (_, cols) = console::Term::stderr().size();
        usize::from(cols).saturating_sub(console::measure_text_width(&drawn))
    }
}

/// Menu items as they are drawn: a label may name a file (`Import <path>`).
fn shown(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| text::lines(item).into_owned()).collect()
}

mod path;
#[cfg(test)]
mod scripted;
#[cfg(test)]
pub(crate) use scripted::{Reply, ScriptedPrompter};

#[cfg(all(test, unix))]
mod tests {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};

    use super::*;

    /// Every way a prompt ends without an answer puts the terminal's mode back: an error of the
    /// terminal, Ctrl-C (an `Interrupted` read), Esc (`None`). A real pseudo-terminal stands in for
    /// stdin; the prompt "changes" its mode as dialoguer's would, then fails.
    #[test]
    fn a_prompt_that_ends_without_an_answer_restores_the_terminal() {
        let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
        let before = tcgetattr(&pty.slave).unwrap();
        terminal::use_for_tests(pty.slave.try_clone().unwrap());
        let mut changed = before.clone();
        changed
            .local_flags
            .remove(LocalFlags::ECHO | LocalFlags::ICANON | LocalFlags::ISIG);
        let endings: [(&str, dialoguer::Result<Option<()>>); 3] = [
            (
                "internal",
                Err(std::io::Error::other("the terminal went away").into()),
            ),
            (
                "interrupted",
                Err(std::io::Error::from(std::io::ErrorKind::Interrupted).into()),
            ),
            ("interrupted", Ok(None)),
        ];
        for (kind, ending) in endings {
            let err = ask(true, || {
                tcsetattr(&pty.slave, SetArg::TCSANOW, &changed).unwrap();
                ending
            })
            .unwrap_err();
            assert_eq!(err.kind(), kind);
            assert_eq!(tcgetattr(&pty.slave).unwrap(), before, "after {kind}");
        }
        // An answer leaves the mode to the prompt, which restored it itself.
        assert_eq!(ask(false, || Ok(Some(7))).unwrap(), 7);
    }
}
