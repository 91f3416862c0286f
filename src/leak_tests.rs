//! Secrets never reach `Debug` output (issue 6). Every type that holds a `SecretString` either
//! redacts it in `Debug` (checked below with sentinels, in both `{:?}` and `{:#?}`) or has no `Debug`
//! at all (checked at compile time: deriving `Debug` on one of them breaks this file, which forces a
//! decision and a redaction test). Errors built while a token is in scope are checked too.

use std::fmt::Debug;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::bigcommerce::credentials_file;
use crate::bigcommerce::scopes::ScopeSet;
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
        crate::credentials::Credentials,
        crate::credentials::Value<'static>,
        crate::wizard::steps::Pasted,
        crate::transaction::Secrets<'static>,
        crate::commands::prove::Claim<'static>,
        crate::store::memory::MemoryStore,
        crate::bigcommerce::client::Client,
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
        access_token: SecretString::from(TOKEN),
        client_secret: Some(SecretString::from(SECRET)),
        source_file: Some(PathBuf::from("/tmp/api-credentials.txt")),
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
        stdin: &mut stdin,
        prompter: None,
        defaults: Defaults::default(),
        downloads: None,
        can_open_browser: false,
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
