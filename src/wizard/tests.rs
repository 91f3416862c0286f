//! Tests of the wizard: gaps reported at once, the prompt order, imports and rotation defaults.

use super::gather::{SRC_CLIENT_ID, SRC_SCOPES};
use super::*;
use crate::prompter::{Reply, ScriptedPrompter};

fn resolve_with(
    args: &InitArgs,
    env: &Env,
    stdin: &[u8],
    p: Option<&mut ScriptedPrompter>,
) -> Result<InitPlan, Error> {
    let mut stdin = stdin;
    let prompter = p.map(|p| p as &mut dyn Prompter);
    resolve(Inputs {
        args,
        env,
        profile: &ProfileName::parse("shop").unwrap(),
        stdin: &mut stdin,
        prompter,
        defaults: Defaults::default(),
        downloads: None,
        can_open_browser: false,
        api_base: &crate::bigcommerce::client::ApiBase::default(),
        lookup: &|_| Err("no storefront in unit tests".into()),
        opening: None,
    })
}

#[test]
fn no_input_lists_every_gap_at_once() {
    let args = InitArgs {
        name: Some("ab".into()),
        ..InitArgs::default()
    };
    let Err(Error::Input(errors)) = resolve_with(&args, &Env::default(), b"", None) else {
        panic!()
    };
    // The invalid name and the missing inputs, in one list, in the wizard's order.
    let sources: Vec<_> = errors.errors.iter().map(|e| e.source.as_str()).collect();
    assert_eq!(sources, [SRC_TYPE, SRC_NAME, SRC_ACCESS, SRC_STORE, SRC_TOKEN]);
    assert!(errors.errors[1].problem.contains("at least 4"));
    assert_eq!(errors.errors[0].problem, "missing");
    let args = InitArgs {
        name: Some("abcd".into()),
        ..InitArgs::default()
    };
    let Err(Error::Input(errors)) = resolve_with(&args, &Env::default(), b"", None) else {
        panic!()
    };
    let sources: Vec<_> = errors.errors.iter().map(|e| e.source.as_str()).collect();
    assert_eq!(sources, [SRC_TYPE, SRC_ACCESS, SRC_STORE, SRC_TOKEN]);
    assert!(errors.non_interactive);
}

#[test]
fn flags_env_and_stdin_make_a_plan() {
    let args = InitArgs {
        token_type: Some(TokenType::Api),
        name: Some("  Migration ".into()),
        access: Some(Access::Modify),
        store_hash: Some("store-ABC123".into()),
        access_token_stdin: true,
        ..InitArgs::default()
    };
    let env = Env::from_pairs([("BCSETUP_CLIENT_SECRET", "SENTINEL-SECRET")]);
    let plan = resolve_with(&args, &env, b"SENTINEL-TOKEN\nignored\n", None).unwrap();
    assert_eq!(plan.store_hash.as_str(), "abc123");
    assert_eq!(plan.account_name.as_str(), "Migration");
    assert_eq!(plan.access_token.expose_to_program(), "SENTINEL-TOKEN");
    assert_eq!(plan.scopes, ScopeSet::migration());
    let debug = format!("{plan:?}");
    assert!(!debug.contains("SENTINEL"), "{debug}");
}

#[test]
fn empty_stdin_and_bad_tokens_are_invalid() {
    let args = InitArgs {
        access_token_stdin: true,
        ..InitArgs::default()
    };
    let Err(Error::Input(e)) = resolve_with(&args, &Env::default(), b"\n", None) else {
        panic!()
    };
    assert!(e.to_string().contains("empty first line"), "{e}");
    let env = Env::from_pairs([("BCSETUP_ACCESS_TOKEN", "has space")]);
    let Err(Error::Input(e)) = resolve_with(&InitArgs::default(), &env, b"", None) else {
        panic!()
    };
    assert!(e.to_string().contains("spaces"), "{e}");
    assert!(!e.to_string().contains("has space"));
}

#[test]
fn prompts_follow_the_control_panel_order() {
    let mut p = ScriptedPrompter::new([
        Reply::Pick(0),
        Reply::Text("abc".into()), // rejected: too short, asked again
        Reply::Text("Migration".into()),
        Reply::Pick(1),
        Reply::Picks(vec![5]),
        Reply::Text("https://api.bigcommerce.com/stores/abc123/v3/".into()),
        Reply::Pick(1), // paste rather than import
        Reply::Text("SENTINELtok123456".into()),
        Reply::Text(String::new()),
        Reply::Text(String::new()),
    ]);
    let plan = resolve_with(&InitArgs::default(), &Env::default(), b"", Some(&mut p)).unwrap();
    assert_eq!(plan.access, Access::Modify);
    assert!(plan.scopes.contains("products") && plan.scopes.contains("content"));
    assert!(!plan.scopes.contains("orders"));
    assert_eq!(plan.client_id, None);
    assert!(plan.client_secret.is_none());
    assert_eq!(p.asked.len(), 10);
    assert!(p.answers.is_empty());
    let notes = p.notes.join("\n");
    assert!(notes.contains("→ store abc123"), "{notes}");
    assert!(
        notes.contains("Create API Token"),
        "the checklist is shown: {notes}"
    );
    assert!(notes.contains("••••3456"), "{notes}");
    assert!(!notes.contains("SENTINEL"), "{notes}");
}

#[test]
fn import_takes_the_store_and_name_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("creds.txt");
    std::fs::write(
        &file,
        "ACCESS TOKEN: SENTINELfile1234\nCLIENT NAME: Real name\nAPI PATH: https://api.bigcommerce.com/stores/zzz999/v3/\nCLIENT ID: cid\n",
    )
    .unwrap();
    let args = InitArgs {
        token_type: Some(TokenType::Api),
        name: Some("Typed name".into()),
        access: Some(Access::ReadOnly),
        store_hash: Some("abc123".into()),
        ..InitArgs::default()
    };
    let mut p = ScriptedPrompter::new([
        Reply::Picks((0..8).collect()),
        Reply::Pick(0), // import (no suggestion: no Downloads folder given)
        Reply::Text(file.display().to_string()),
    ]);
    let plan = resolve_with(&args, &Env::default(), b"", Some(&mut p)).unwrap();
    assert_eq!(plan.store_hash.as_str(), "zzz999");
    assert_eq!(plan.account_name.as_str(), "Real name");
    assert_eq!(plan.client_id.as_deref(), Some("cid"));
    assert_eq!(plan.access_token.expose_to_program(), "SENTINELfile1234");
    assert_eq!(plan.source_file.as_deref(), Some(file.as_path()));
    assert!(p.notes.iter().any(|n| n.contains("not abc123")), "{:?}", p.notes);
}

#[test]
fn rotation_defaults_fill_the_gaps_but_flags_win() {
    let defaults = Defaults {
        token_type: Some(TokenType::Api),
        name: Some(AccountName::parse("Old account").unwrap()),
        access: Some(Access::Modify),
        scopes: Some(ScopeSet::parse("products", TokenType::Api).unwrap()),
        store: Some(StoreHash::parse("abc123").unwrap()),
    };
    let args = InitArgs {
        access: Some(Access::ReadOnly),
        access_token_stdin: true,
        ..InitArgs::default()
    };
    let mut stdin: &[u8] = b"tok\n";
    let plan = resolve(Inputs {
        args: &args,
        env: &Env::default(),
        profile: &ProfileName::parse("shop").unwrap(),
        stdin: &mut stdin,
        prompter: None,
        defaults,
        downloads: None,
        can_open_browser: false,
        api_base: &crate::bigcommerce::client::ApiBase::default(),
        lookup: &|_| Err("no storefront in unit tests".into()),
        opening: None,
    })
    .unwrap();
    assert_eq!(plan.access, Access::ReadOnly);
    assert_eq!(plan.account_name.as_str(), "Old account");
    assert!(plan.scopes.contains("products") && !plan.scopes.contains("orders"));
    assert_eq!(plan.store_hash.as_str(), "abc123");
}

#[test]
fn interrupt_at_a_prompt_is_interrupted() {
    let mut p = ScriptedPrompter::new([Reply::Pick(0), Reply::Interrupt]);
    let err = resolve_with(&InitArgs::default(), &Env::default(), b"", Some(&mut p)).unwrap_err();
    assert_eq!(err.exit_code(), 130);
}

/// A token as BigCommerce makes them: 31 lowercase letters and digits, so also a valid store hash.
const TOKEN: &str = "sentinelcopy0000000000000000001";

#[test]
fn a_given_value_that_is_the_token_is_refused_with_the_other_errors() {
    let args = InitArgs {
        token_type: Some(TokenType::Api),
        name: Some(TOKEN.into()),
        access: Some(Access::ReadOnly),
        store_hash: Some(TOKEN.to_uppercase()),
        client_id: Some(format!(" {TOKEN} ")),
        scopes: Some("no-such-scope".into()),
        ..InitArgs::default()
    };
    let env = Env::from_pairs([("BCSETUP_ACCESS_TOKEN", TOKEN)]);
    for prompter in [None, Some(ScriptedPrompter::default())] {
        let mut prompter = prompter;
        let Err(Error::Input(e)) = resolve_with(&args, &env, b"", prompter.as_mut()) else {
            panic!("accepted")
        };
        let sources: Vec<_> = e.errors.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(sources, [SRC_NAME, SRC_SCOPES, SRC_STORE, SRC_CLIENT_ID], "{e}");
        let text = e.to_string().to_lowercase();
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("access token"), "{text}");
    }
}

#[test]
fn on_a_terminal_a_typed_copy_of_the_token_is_asked_again() {
    let args = InitArgs {
        token_type: Some(TokenType::Api),
        access: Some(Access::ReadOnly),
        scopes: Some("products".into()),
        ..InitArgs::default()
    };
    // The token is known before the name and the store are typed: each copy is refused at its prompt.
    let env = Env::from_pairs([("BCSETUP_ACCESS_TOKEN", TOKEN)]);
    let mut p = ScriptedPrompter::new([
        Reply::Text(TOKEN.into()),
        Reply::Text("Migration".into()),
        Reply::Text(TOKEN.into()),
        Reply::Text("abc123".into()),
    ]);
    let plan = resolve_with(&args, &env, b"", Some(&mut p)).unwrap();
    assert_eq!(
        (plan.account_name.as_str(), plan.store_hash.as_str()),
        ("Migration", "abc123")
    );
    assert!(p.answers.is_empty());
    // Pasted last: the client ID typed after it is refused, and a name given before it is asked again.
    let args = InitArgs {
        name: Some(TOKEN.into()),
        store_hash: Some("abc123".into()),
        ..args
    };
    let mut p = ScriptedPrompter::new([
        Reply::Pick(1), // paste
        Reply::Text(TOKEN.into()),
        Reply::Text(TOKEN.to_uppercase()), // client ID: refused
        Reply::Text("cid".into()),
        Reply::Text(String::new()),      // client secret
        Reply::Text("Migration".into()), // the name, asked again
    ]);
    let plan = resolve_with(&args, &Env::default(), b"", Some(&mut p)).unwrap();
    assert_eq!(plan.client_id.as_deref(), Some("cid"));
    assert_eq!(plan.account_name.as_str(), "Migration");
    assert!(p.answers.is_empty());
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("account name given is the access token"))
    );
}

#[test]
fn an_imported_name_that_is_the_token_is_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("creds.txt");
    std::fs::write(&file, format!("ACCESS TOKEN: {TOKEN}\nCLIENT NAME: {TOKEN}\n")).unwrap();
    let args = InitArgs {
        token_type: Some(TokenType::Api),
        name: Some("Typed name".into()),
        access: Some(Access::ReadOnly),
        scopes: Some("products".into()),
        store_hash: Some("abc123".into()),
        ..InitArgs::default()
    };
    let mut p = ScriptedPrompter::new([
        Reply::Pick(0), // import
        Reply::Text(file.display().to_string()),
        Reply::Text(TOKEN.into()), // the name again: still the token, refused
        Reply::Text("Real name".into()),
    ]);
    let plan = resolve_with(&args, &Env::default(), b"", Some(&mut p)).unwrap();
    assert_eq!(plan.account_name.as_str(), "Real name");
    assert!(
        p.notes.iter().any(|n| n.contains("is the access token")),
        "{:?}",
        p.notes
    );
    assert!(!p.notes.join("\n").contains(TOKEN), "{:?}", p.notes);
}

#[test]
fn a_credentials_file_whose_token_is_malformed_is_said_so_and_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad\u{1b}]52;c;eA==\u{7}.txt");
    std::fs::write(&bad, "ACCESS TOKEN: abc\u{1b}[2J\u{1b}]52;c;eA==\u{7}def\n").unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, format!("ACCESS TOKEN: {TOKEN}\n")).unwrap();
    let mut p = ScriptedPrompter::new([
        Reply::Pick(0),                         // the suggestion: it fails, and is not offered again
        Reply::Pick(0),                         // import another
        Reply::Text(bad.display().to_string()), // refused where it is typed
        Reply::Text(good.display().to_string()),
    ]);
    let shown = steps::shown_once(&mut p, Some(&bad), None).unwrap();
    assert_eq!(shown.token.expose_to_program(), TOKEN);
    assert!(p.answers.is_empty());
    let notes = p.notes.join("\n");
    assert!(
        notes.contains("control or non-ASCII characters; choose again"),
        "{notes}"
    );
    assert!(notes.contains("bad\\u{1b}]52;c;eA==\\u{7}.txt"), "{notes}");
    assert!(
        !notes.chars().any(|c| crate::text::is_unsafe(c) && c != '\n'),
        "{notes:?}"
    );
    assert!(!notes.contains("[2J"), "no byte of the token is shown: {notes}");
}

/// The first run: the opening line, the checklist's link, the credentials step, `--no-input` lists.
mod first_run;
/// `--from-stencil`: where the store hash comes from, on a terminal and without one.
mod stencil;
