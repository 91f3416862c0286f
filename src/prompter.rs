//! The terminal seam. Steps talk to a `Prompter`; `DialoguerPrompter` draws on stderr with dialoguer,
//! `ScriptedPrompter` answers from a list in unit tests (and, through `Rc<RefCell<_>>`, stays
//! inspectable after a `Context` takes it). Ctrl-C and Esc become `Error::Interrupted`.

use std::collections::VecDeque;

use dialoguer::theme::ColorfulTheme;
use secrecy::SecretString;

use crate::error::Error;

/// Validation callback for text input: `Err(message)` re-asks with the message.
pub type Validate<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// Asks the user things.
pub trait Prompter {
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
pub struct DialoguerPrompter {
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
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact_opt()
            .map_err(convert)?
            .ok_or(Error::Interrupted)
    }

    fn multi_select(&mut self, prompt: &str, items: &[&str], checked: &[bool]) -> Result<Vec<usize>, Error> {
        dialoguer::MultiSelect::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .defaults(checked)
            .interact_opt()
            .map_err(convert)?
            .ok_or(Error::Interrupted)
    }

    fn input(&mut self, prompt: &str, allow_empty: bool, validate: Validate<'_>) -> Result<String, Error> {
        dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
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
            .with_prompt(prompt)
            .allow_empty_password(allow_empty)
            .interact()
            .map(SecretString::from)
            .map_err(convert)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Error> {
        dialoguer::Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .interact_opt()
            .map_err(convert)?
            .ok_or(Error::Interrupted)
    }

    fn note(&mut self, text: &str) {
        let _ = console::Term::stderr().write_line(text);
    }
}

/// One scripted answer.
#[derive(Debug)]
pub enum Reply {
    /// For `select`.
    Pick(usize),
    /// For `multi_select`.
    Picks(Vec<usize>),
    /// For `input` and `password`.
    Text(String),
    /// For `confirm`.
    Yes(bool),
    /// Simulates Ctrl-C.
    Interrupt,
}

/// Answers prompts from a script, failing loudly on a mismatch; records every prompt shown.
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    /// Remaining answers.
    pub answers: VecDeque<Reply>,
    /// Prompts shown, in order.
    pub asked: Vec<String>,
    /// Notes shown, in order.
    pub notes: Vec<String>,
}

impl ScriptedPrompter {
    /// A prompter with these answers.
    pub fn new(answers: impl IntoIterator<Item = Reply>) -> Self {
        Self {
            answers: answers.into_iter().collect(),
            ..Self::default()
        }
    }

    fn next(&mut self, prompt: &str) -> Result<Reply, Error> {
        self.asked.push(prompt.to_owned());
        match self.answers.pop_front() {
            Some(Reply::Interrupt) => Err(Error::Interrupted),
            Some(a) => Ok(a),
            None => Err(Error::Internal(anyhow::anyhow!(
                "script ran out of answers at `{prompt}`"
            ))),
        }
    }
}

fn mismatch(prompt: &str, got: &Reply) -> Error {
    Error::Internal(anyhow::anyhow!(
        "unexpected scripted answer {got:?} for `{prompt}`"
    ))
}

impl Prompter for ScriptedPrompter {
    fn select(&mut self, prompt: &str, _: &[&str], _: usize) -> Result<usize, Error> {
        match self.next(prompt)? {
            Reply::Pick(i) => Ok(i),
            other => Err(mismatch(prompt, &other)),
        }
    }

    fn multi_select(&mut self, prompt: &str, _: &[&str], _: &[bool]) -> Result<Vec<usize>, Error> {
        match self.next(prompt)? {
            Reply::Picks(v) => Ok(v),
            other => Err(mismatch(prompt, &other)),
        }
    }

    fn input(&mut self, prompt: &str, allow_empty: bool, validate: Validate<'_>) -> Result<String, Error> {
        // Like dialoguer, re-ask until an answer validates.
        loop {
            match self.next(prompt)? {
                Reply::Text(t) if (allow_empty && t.trim().is_empty()) || validate(&t).is_ok() => {
                    return Ok(t);
                }
                Reply::Text(_) => {}
                other => return Err(mismatch(prompt, &other)),
            }
        }
    }

    fn password(&mut self, prompt: &str, _: bool) -> Result<SecretString, Error> {
        match self.next(prompt)? {
            Reply::Text(t) => Ok(SecretString::from(t)),
            other => Err(mismatch(prompt, &other)),
        }
    }

    fn confirm(&mut self, prompt: &str, _: bool) -> Result<bool, Error> {
        match self.next(prompt)? {
            Reply::Yes(b) => Ok(b),
            other => Err(mismatch(prompt, &other)),
        }
    }

    fn note(&mut self, text: &str) {
        self.notes.push(text.to_owned());
    }
}

/// A shared scripted prompter, so a test can hand one to a `Context` and still read what was asked.
#[cfg(test)]
impl<P: Prompter> Prompter for std::rc::Rc<std::cell::RefCell<P>> {
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize, Error> {
        self.borrow_mut().select(prompt, items, default)
    }
    fn multi_select(&mut self, prompt: &str, items: &[&str], checked: &[bool]) -> Result<Vec<usize>, Error> {
        self.borrow_mut().multi_select(prompt, items, checked)
    }
    fn input(&mut self, prompt: &str, allow_empty: bool, validate: Validate<'_>) -> Result<String, Error> {
        self.borrow_mut().input(prompt, allow_empty, validate)
    }
    fn password(&mut self, prompt: &str, allow_empty: bool) -> Result<SecretString, Error> {
        self.borrow_mut().password(prompt, allow_empty)
    }
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Error> {
        self.borrow_mut().confirm(prompt, default)
    }
    fn note(&mut self, text: &str) {
        self.borrow_mut().note(text);
    }
}
