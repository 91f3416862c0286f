//! Secrets never reach `Debug` output (issue 6). Every type that holds a `SecretString` either
//! redacts it in `Debug` (checked below with sentinels, in both `{:?}` and `{:#?}`) or has no `Debug`
//! at all (checked at compile time: deriving `Debug` on one of them breaks this file, which forces a
//! decision and a redaction test). Errors built while a token is in scope are checked too.

use std::fmt::Debug;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::bigcommerce::credentials_file;
use crate::bigcommerce::scopes::ScopeSet;
use crate::bigcommerce::token::AccessToken;
use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
use crate::cli::InitArgs;
use crate::context::Env;
use crate::wizard::{Defaults, InitPlan, Inputs, resolve};

const TOKEN: &str = "SENTINEL-DEBUG-TOKEN";
const SECRET: &str = "SENTINEL-DEBUG-SECRET";

/// Compiles only if none of the types implements `Debug`: with an impl, the second blanket impl
/// also applies and the call is ambiguous (the `static_assertions::assert_not_impl_any` trick).
macro_rules! assert_not_debug {
    ($($t:ty),+ $(,)?) => {$({
        trait AmbiguousIfDebug<A> {
            fn some_item() {}
        }
        impl<T: ?Sized> AmbiguousIfDebug<()> for T {}
        #[allow(dead_code)]
        struct IsDebug;
        impl<T: ?Sized + Debug> AmbiguousIfDebug<IsDebug> for T {}
        let _ = <$t as AmbiguousIfDebug<_>>::some_item;
    })+};
}

#[test]
fn secret_holders_without_debug_stay_without_it() {
    assert_not_debug!(
        crate::stored::Stored,
        crate::stored::Value<'static>,
        crate::wizard::steps::ShownOnce,
        crate::transaction::Secrets<'static>,
        crate::transaction::Snapshot,
        crate::prover::Claim<'static>,
        crate::store::memory::MemoryStore,
        crate::bigcommerce::client::Client,
        crate::bigcommerce::stencil_files::lend::Secrets,
        crate::bigcommerce::stencil_files::lend::Original,
        crate::bigcommerce::stencil_files::lend::Lent,
    );
}

/// Both renderings of `value`, which must show neither sentinel.
fn assert_redacted(what: &str, value: &impl Debug) {
    for shown in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(
            !shown.contains(TOKEN) && !shown.contains(SECRET),
            "{what} leaks: {shown}"
        );
    }
}

#[test]
fn init_plan_debug_redacts_both_secrets() {
    let plan = InitPlan {
        token_type: TokenType::Api,
        account_name: AccountName::parse("Migration").unwrap(),
        access: Access::Modify,
        scopes: ScopeSet::migration(),
        store_hash: StoreHash::parse("abc123").unwrap(),
        client_id: Some("client-id".into()),
        access_token: AccessToken::parse(&SecretString::from(TOKEN)).unwrap(),
        client_secret: Some(SecretString::from(SECRET)),
        source_file: Some(PathBuf::from("/tmp/api-credentials.txt")),
        stencil: None,
    };
    assert_redacted("InitPlan", &plan);
    assert!(format!("{plan:?}").contains("REDACTED"), "{plan:?}");
}

#[test]
fn credentials_file_and_its_errors_redact_the_values() {
    let text = format!("ACCESS TOKEN: {TOKEN}\nCLIENT SECRET: {SECRET}\nCLIENT ID: cid\n");
    assert_redacted(
        "CredentialsFile",
        &credentials_file::parse(text.as_bytes()).unwrap(),
    );
    for bad in [
        format!("ACCESS TOKEN: {TOKEN}\nACCESS TOKEN: {SECRET}\n"),
        format!("ACCESS TOKEN: {TOKEN}\nAPI PATH: https://{SECRET}.example/stores/x/v3/\n"),
        format!("CLIENT SECRET: {SECRET}\n"),
    ] {
        let err = credentials_file::parse(bad.as_bytes()).unwrap_err();
        assert_redacted("CredentialsFileError", &err);
        assert!(
            !err.to_string().contains(TOKEN) && !err.to_string().contains(SECRET),
            "{err}"
        );
    }
}

/// `resolve` with these flags, variables and stdin, without a terminal.
fn resolve_with(
    args: &InitArgs,
    env: &[(&str, &str)],
    stdin: &[u8],
) -> Result<InitPlan, crate::error::Error> {
    let env = Env::from_pairs(env.iter().copied());
    let mut stdin = stdin;
    resolve(Inputs {
        args,
        env: &env,
        profile: &crate::domain::ProfileName::parse("shop").unwrap(),
        stdin: &mut stdin,
        prompter: None,
        defaults: Defaults::default(),
        downloads: None,
        can_open_browser: false,
        api_base: &crate::bigcommerce::client::ApiBase::default(),
        lookup: &|_| Err("no storefront in unit tests".into()),
        opening: None,
    })
}

#[test]
fn input_errors_built_around_secrets_do_not_show_them() {
    let stdin = InitArgs {
        access_token_stdin: true,
        ..InitArgs::default()
    };
    let none = InitArgs::default();
    let non_ascii = format!("{TOKEN}\u{e9}");
    for (args, env, input) in [
        (&stdin, &[][..], format!("{TOKEN} with a space\n")),
        (&stdin, &[], format!("{TOKEN}\u{7}\n")),
        (
            &none,
            &[("BCSETUP_ACCESS_TOKEN", non_ascii.as_str())],
            String::new(),
        ),
        // Valid secrets, other inputs missing: the error is built while they are in scope.
        (
            &none,
            &[("BCSETUP_ACCESS_TOKEN", TOKEN), ("BCSETUP_CLIENT_SECRET", SECRET)],
            String::new(),
        ),
    ] {
        let err = resolve_with(args, env, input.as_bytes()).expect_err("inputs are missing or bad");
        assert_redacted("Error", &err);
        assert!(
            !err.to_string().contains(TOKEN) && !err.to_string().contains(SECRET),
            "{err}"
        );
    }
}

#[test]
fn the_token_and_the_environment_snapshot_redact_in_debug() {
    let token = AccessToken::parse(&SecretString::from(TOKEN)).unwrap();
    assert_redacted("AccessToken", &token);
    let env = Env::from_pairs([("BCSETUP_ACCESS_TOKEN", TOKEN), ("BCSETUP_CLIENT_SECRET", SECRET)]);
    assert_redacted("Env", &env);
    // Names stay visible: a debugging aid that shows which variables were set.
    assert!(format!("{env:?}").contains("BCSETUP_ACCESS_TOKEN"), "{env:?}");
}

/// The files outside tests that call `expose_secret()`, as listed in `bigcommerce/token.rs`.
const EXPOSERS: [&str; 7] = [
    "bigcommerce/token.rs",
    "commands/env.rs",
    "store/file.rs",
    "store/keyring.rs",
    "store/memory.rs",
    "store/mod.rs",
    "stored.rs",
];

#[test]
fn expose_secret_only_where_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = std::collections::BTreeSet::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let is_rust = path.extension().is_some_and(|e| e == "rs");
            // Test-only files: `tests.rs` submodules, this file and the command-test kit.
            if !is_rust
                || name.ends_with("tests.rs")
                || name == "leak_tests.rs"
                || name.ends_with("testkit.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests sit at the end of a file, after `#[cfg(test)]` + `mod tests`.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
            if code
                .lines()
                .any(|l| !l.trim_start().starts_with("//") && l.contains(".expose_secret()"))
            {
                found.insert(name);
            }
        }
    }
    let documented = std::fs::read_to_string(root.join("bigcommerce/token.rs")).unwrap();
    for file in EXPOSERS {
        assert!(
            documented.contains(&format!("`{file}`")),
            "{file} is missing from the list in bigcommerce/token.rs"
        );
    }
    let expected: std::collections::BTreeSet<String> = EXPOSERS.iter().map(|f| (*f).to_owned()).collect();
    assert_eq!(found, expected, "files calling expose_secret() outside tests");
}
