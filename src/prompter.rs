//! The terminal seam. Steps talk to a `Prompter`; `DialoguerPrompter` draws on stderr with dialoguer,
//! `ScriptedPrompter` answers from a list in unit tests (and, through `Rc<RefCell<_>>`, stays
//! inspectable after a `Context` takes it). Ctrl-C and Esc become `Error::Interrupted`. Prompts,
//! items and notes may name outside values (a file name, a store's name): `DialoguerPrompter`
//! escapes every control character but LF before drawing them (`text::lines`).

use std::path::{Path, PathBuf};

use dialoguer::theme::{ColorfulTheme, Theme};
use secrecy::SecretString;

use crate::error::Error;
use crate::text;

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
#[derive(Default)]
pub(crate) struct DialoguerPrompter {
    theme: ColorfulTheme,
}

fn convert(err: dialoguer::Error) -> Error {
    match err {
        dialoguer::Error::IO(e) if e.kind() == std::io::ErrorKind::Interrupted => Error::Interrupted,
        dialoguer::Error::IO(e) => Error::Internal(anyhow::Error::new(e).context("terminal prompt failed")),
    }
}

impl Prompter for DialoguerPrompter {
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize, Error> {
        dialoguer::Select::with_theme(&self.theme)
            .with_prompt(text::lines(prompt))
            .items(shown(items))
            .default(default)
            .interact_opt()
            .map_err(convert)?
            .ok_or(Error::Interrupted)
    }

    fn multi_select(&mut self, prompt: &str, items: &[&str], checked: &[bool]) -> Result<Vec<usize>, Error> {
        dialoguer::MultiSelect::with_theme(&self.theme)
            .with_prompt(text::lines(prompt))
            .items(shown(items))
            .defaults(checked)
            .interact_opt()
            .map_err(convert)?
            .ok_or(Error::Interrupted)
    }

    fn input(&mut self, prompt: &str, allow_empty: bool, validate: Validate<'_>) -> Result<String, Error> {
        let prompt = text::lines(prompt);
        let answer = dialoguer::Input::<String>::with_theme(&self.theme)
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
            .map_err(convert)?;
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
        let raw = dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt.as_ref())
            .completion_with(&completion)
            .validate_with(|s: &String| validate(&path::expand_home(s, home)))
            .interact_text()
            .map_err(convert)?;
        Ok(path::expand_home(&raw, home))
    }

    fn password(&mut self, prompt: &str, allow_empty: bool) -> Result<SecretString, Error> {
        let prompt = text::lines(prompt);
        let answer = dialoguer::Password::with_theme(&self.theme)
            .with_prompt(prompt.as_ref())
            .allow_empty_password(allow_empty)
            .report(!allow_empty)
            .interact()
            .map_err(convert)?;
        // Whether it is blank is read before the answer is wrapped; the text itself is never shown.
        let skipped = answer.trim().is_empty();
        let answer = SecretString::from(answer);
        if allow_empty {
            self.echo(&prompt, if skipped { SKIPPED } else { "********" });
        }
        Ok(answer)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Error> {
        dialoguer::Confirm::with_theme(&self.theme)
            .with_prompt(text::lines(prompt))
            .default(default)
            .interact_opt()
            .map_err(convert)?
            .ok_or(Error::Interrupted)
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
