//! The terminal seam. Steps talk to a `Prompter`; `DialoguerPrompter` draws on stderr with dialoguer,
//! `ScriptedPrompter` answers from a list in unit tests (and, through `Rc<RefCell<_>>`, stays
//! inspectable after a `Context` takes it). Ctrl-C and Esc become `Error::Interrupted`. Prompts,
//! items and notes may name outside values (a file name, a store's name): `DialoguerPrompter`
//! escapes every control character but LF before drawing them (`text::lines`).

use dialoguer::theme::ColorfulTheme;
use secrecy::SecretString;

use crate::error::Error;
use crate::text;

/// Validation callback for text input: `Err(message)` re-asks with the message.
pub(crate) type Validate<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// Asks the user things.
pub(crate) trait Prompter {
    /// Pick one of `items`; `default` is pre-selected.
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize, Error>;
    /// Pick any of `items`; `checked` says which start ticked.
    fn multi_select(&mut self, prompt: &str, items: &[&str], checked: &[bool]) -> Result<Vec<usize>, Error>;
    /// Free text, validated where it is typed; empty allowed only when `allow_empty`.
    fn input(&mut self, prompt: &str, allow_empty: bool, validate: Validate<'_>) -> Result<String, Error>;
    /// Hidden text; the answer is wrapped before it leaves the prompt.
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
        dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(text::lines(prompt))
            .allow_empty(allow_empty)
            .validate_with(|s: &String| {
                if allow_empty && s.trim().is_empty() {
                    Ok(())
                } else {
                    validate(s)
                }
            })
            .interact_text()
            .map_err(convert)
    }

    fn password(&mut self, prompt: &str, allow_empty: bool) -> Result<SecretString, Error> {
        dialoguer::Password::with_theme(&self.theme)
            .with_prompt(text::lines(prompt))
            .allow_empty_password(allow_empty)
            .interact()
            .map(SecretString::from)
            .map_err(convert)
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

/// Menu items as they are drawn: a label may name a file (`Import <path>`).
fn shown(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| text::lines(item).into_owned()).collect()
}

#[cfg(test)]
mod scripted;
#[cfg(test)]
pub(crate) use scripted::{Reply, ScriptedPrompter};
