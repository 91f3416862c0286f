//! A prompter for unit tests: answers from a script, fails loudly on a mismatch, and records every
//! prompt and note. Through `Rc<RefCell<_>>` it stays inspectable after a `Context` takes it.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::path::expand_home;
use super::{Prompter, Validate, ValidatePath};
use crate::error::Error;

/// One scripted answer.
#[derive(Debug)]
pub(crate) enum Reply {
    /// For `select`.
    Pick(usize),
    /// For `select`: Enter on the item the prompt pre-selected.
    Default,
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
pub(crate) struct ScriptedPrompter {
    /// Remaining answers.
    pub answers: VecDeque<Reply>,
    /// Prompts shown, in order.
    pub asked: Vec<String>,
    /// Notes shown, in order.
    pub notes: Vec<String>,
}

impl ScriptedPrompter {
    /// A prompter with these answers.
    pub(crate) fn new(answers: impl IntoIterator<Item = Reply>) -> Self {
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
    fn select(&mut self, prompt: &str, _: &[&str], default: usize) -> Result<usize, Error> {
        match self.next(prompt)? {
            Reply::Pick(i) => Ok(i),
            Reply::Default => Ok(default),
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

    fn path(
        &mut self,
        prompt: &str,
        home: Option<&Path>,
        validate: ValidatePath<'_>,
    ) -> Result<PathBuf, Error> {
        // Like `input`: re-ask until the path, with `~` expanded, validates.
        loop {
            match self.next(prompt)? {
                Reply::Text(t) => {
                    let path = expand_home(&t, home);
                    if validate(&path).is_ok() {
                        return Ok(path);
                    }
                }
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
    fn path(
        &mut self,
        prompt: &str,
        home: Option<&Path>,
        validate: ValidatePath<'_>,
    ) -> Result<PathBuf, Error> {
        self.borrow_mut().path(prompt, home, validate)
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
