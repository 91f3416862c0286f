//! Input problems: every missing or invalid input of one run, named by the flag and environment
//! variable that supply it, so the user fixes them all at once (exit 2).

use std::fmt;

use super::Error;

/// One missing or invalid input, named by the flag and environment variable that supply it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// How the user can give the input, e.g. `--name / BCSETUP_ACCOUNT_NAME`.
    pub source: String,
    /// What is wrong: "missing" or the validation message.
    pub problem: String,
}

/// Every input problem of one run, so the user fixes them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputErrors {
    /// The problems, in the order the wizard asks.
    pub errors: Vec<InputError>,
    /// The run could not prompt (no terminal, or `--no-input`).
    pub non_interactive: bool,
}

impl InputErrors {
    /// Record an input that was not given.
    pub fn missing(&mut self, source: &str) {
        self.errors.push(InputError {
            source: source.into(),
            problem: "missing".into(),
        });
    }

    /// Record an input that was given but is not valid.
    pub fn invalid(&mut self, source: &str, problem: impl Into<String>) {
        self.errors.push(InputError {
            source: source.into(),
            problem: problem.into(),
        });
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// A single invalid input as an error.
    pub fn one(source: &str, problem: impl Into<String>) -> Error {
        let mut errors = Self::default();
        errors.invalid(source, problem);
        Error::Input(errors)
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [one] => write!(f, "{}: {}", one.source, one.problem),
            many => {
                write!(f, "{} inputs are missing or invalid:", many.len())?;
                for e in many {
                    write!(f, "\n  - {}: {}", e.source, e.problem)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_list_every_problem() {
        let mut errors = InputErrors::default();
        errors.missing("--name / BCSETUP_ACCOUNT_NAME");
        errors.invalid("--store-hash / BCSETUP_STORE_HASH", "bad");
        let text = errors.to_string();
        assert!(text.starts_with("2 inputs are missing or invalid:"), "{text}");
        assert!(text.contains("--name / BCSETUP_ACCOUNT_NAME: missing"));
        assert!(text.contains("--store-hash / BCSETUP_STORE_HASH: bad"));
    }
}
