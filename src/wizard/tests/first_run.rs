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

#[test]
fn pasting_is_the_default_without_a_file_in_downloads_and_the_file_is_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("creds.txt");
    std::fs::write(&file, format!("ACCESS TOKEN: {TOKEN}\nCLIENT ID: cid\n")).unwrap();
    let mut p = ScriptedPrompter::new([
        Reply::Default,
        Reply::Text(TOKEN.into()),
        Reply::Text(String::new()),
        Reply::Text(String::new()),
    ]);
    let shown = steps::shown_once(&mut p, None, None).unwrap();
    assert!(shown.file.is_none(), "Enter pasted");
    assert_eq!(p.asked[0], steps::SHOWN_ONCE);
    assert!(p.asked[1].starts_with("Access token"), "{:?}", p.asked);
    let mut p = ScriptedPrompter::new([Reply::Default]);
    let shown = steps::shown_once(&mut p, Some(&file), None).unwrap();
    assert_eq!(
        shown.client_id.as_deref(),
        Some("cid"),
        "Enter imported the suggestion"
    );
}

#[test]
fn a_typed_path_starting_with_a_tilde_is_in_the_home_directory() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join("Downloads")).unwrap();
    let file = home.path().join("Downloads").join("creds.txt");
    std::fs::write(&file, format!("ACCESS TOKEN: {TOKEN}\n")).unwrap();
    let mut p = ScriptedPrompter::new([
        Reply::Pick(0), // another file
        Reply::Text("~/Downloads/creds.txt".into()),
    ]);
    let shown = steps::shown_once(&mut p, None, Some(home.path())).unwrap();
    let (path, _) = shown.file.unwrap();
    assert_eq!(path, file);
    assert!(p.answers.is_empty(), "accepted at once");
}

/// `resolve` on a scripted terminal, with the opening line on.
fn resolve_opening(args: &InitArgs, env: &Env, p: &mut ScriptedPrompter) -> Result<InitPlan, Error> {
    let mut stdin: &[u8] = b"";
    resolve(Inputs {
        args,
        env,
        profile: &ProfileName::parse("shop").unwrap(),
        stdin: &mut stdin,
        prompter: Some(p),
        defaults: Defaults::default(),
        downloads: None,
        can_open_browser: false,
        api_base: &crate::bigcommerce::client::ApiBase::default(),
        lookup: &|_| Err("no storefront in unit tests".into()),
        opening: Some(steps::Opening {
            storage: crate::domain::StorageKind::Keyring,
            verify: true,
        }),
    })
}

#[test]
fn the_opening_line_comes_first_and_only_when_something_is_asked() {
    let settings = InitArgs {
        token_type: Some(TokenType::Api),
        name: Some("Migration".into()),
        access: Some(Access::ReadOnly),
        scopes: Some("products".into()),
        store_hash: Some("abc123".into()),
        ..InitArgs::default()
    };
    // Everything asked: the opening line is the first thing said.
    let mut p = ScriptedPrompter::new([Reply::Interrupt]);
    let _ = resolve_opening(&InitArgs::default(), &Env::default(), &mut p);
    assert!(
        p.notes[0].starts_with("bcsetup asks about the API account"),
        "{:?}",
        p.notes
    );
    assert!(p.notes[0].contains("in the OS keyring"), "{:?}", p.notes);
    // Only the credentials asked.
    let mut p = ScriptedPrompter::new([Reply::Interrupt]);
    let _ = resolve_opening(&settings, &Env::default(), &mut p);
    assert!(
        p.notes[0].starts_with("bcsetup asks for the credentials"),
        "{:?}",
        p.notes
    );
    // Nothing asked: nothing said.
    let env = Env::from_pairs([("BCSETUP_ACCESS_TOKEN", TOKEN)]);
    let mut p = ScriptedPrompter::default();
    resolve_opening(&settings, &env, &mut p).unwrap();
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn the_checklist_shows_the_control_panel_link_even_without_a_browser() {
    let list = Checklist::new(TokenType::Api, Access::ReadOnly, &ScopeSet::migration(), None);
    let store = StoreHash::parse("abc123").unwrap();
    let mut p = ScriptedPrompter::default();
    steps::checklist(&mut p, &list, &store, false).unwrap();
    assert!(p.asked.is_empty(), "no browser: nothing to ask");
    let url = "https://store-abc123.mybigcommerce.com/manage/settings/api-accounts";
    assert!(p.notes.iter().any(|n| n.contains(url)), "{:?}", p.notes);
    let mut p = ScriptedPrompter::new([Reply::Yes(false)]);
    steps::checklist(&mut p, &list, &store, true).unwrap();
    assert!(p.notes.iter().any(|n| n.contains(url)), "{:?}", p.notes);
    assert_eq!(p.asked, ["Open it in your browser?"]);
}
