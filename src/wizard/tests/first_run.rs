//! The wizard as a newcomer first meets it: the opening line, the control-panel link shown without a
//! browser, the credentials step (its default, `~` in a typed path), and `--no-input` runs that list
//! what is missing beside what is invalid.

use super::super::gather::{SRC_FILE, SRC_STDIN};
use super::*;

#[test]
fn no_input_does_not_call_missing_what_a_bad_source_would_have_given() {
    let dir = tempfile::tempdir().unwrap();
    let args = InitArgs {
        credentials_file: Some(dir.path().join("missing.txt")),
        access: Some(Access::ReadOnly),
        ..InitArgs::default()
    };
    let Err(Error::Input(errors)) = resolve_with(&args, &Env::default(), b"", None) else {
        panic!()
    };
    // The file would have given the name, the store and the token: only the file is reported.
    let sources: Vec<_> = errors.errors.iter().map(|e| e.source.as_str()).collect();
    assert_eq!(sources, [SRC_FILE, SRC_TYPE], "{errors}");
    let args = InitArgs {
        access_token_stdin: true,
        ..InitArgs::default()
    };
    let Err(Error::Input(errors)) = resolve_with(&args, &Env::default(), b"\n", None) else {
        panic!()
    };
    let sources: Vec<_> = errors.errors.iter().map(|e| e.source.as_str()).collect();
    assert_eq!(
        sources,
        [SRC_TYPE, SRC_NAME, SRC_ACCESS, SRC_STORE, SRC_STDIN],
        "{errors}"
    );
}
