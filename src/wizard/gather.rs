//! The inputs given without asking: flags (clap already merged their environment variables), the
//! secret variables, stdin and the credentials file. Each is validated where it is read, and two
//! sources of one value must agree; every problem is collected, so the user fixes them all at once.

use std::io::Read;
use std::path::PathBuf;

use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;

use super::Defaults;
use super::stencil::{self, SRC_STENCIL};
use crate::bigcommerce::credentials_file::{self, CredentialsFile};
use crate::bigcommerce::scopes::ScopeSet;
use crate::bigcommerce::token::AccessToken;
use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
use crate::cli::InitArgs;
use crate::context::Env;
use crate::error::InputErrors;
use crate::store::same_secret;

pub(super) const SRC_TYPE: &str = "--token-type / BCSETUP_TOKEN_TYPE";
pub(super) const SRC_NAME: &str = "--name / BCSETUP_ACCOUNT_NAME";
pub(super) const SRC_ACCESS: &str = "--access / BCSETUP_ACCESS";
pub(super) const SRC_SCOPES: &str = "--scopes";
pub(super) const SRC_STORE: &str = "--store-hash / --api-path (BCSETUP_STORE_HASH / BCSETUP_API_PATH)";
pub(super) const SRC_TOKEN: &str =
    "access token (--access-token-stdin, BCSETUP_ACCESS_TOKEN or --credentials-file)";
pub(super) const SRC_FILE: &str = "--credentials-file";
pub(super) const SRC_CLIENT_ID: &str = "--client-id / BCSETUP_CLIENT_ID";
pub(super) const SRC_SECRET: &str = "BCSETUP_CLIENT_SECRET";
pub(super) const SRC_STDIN: &str = "--access-token-stdin";
/// Where the profile name comes from.
pub(super) const SRC_PROFILE: &str = "--profile / BCSETUP_PROFILE";

/// The sources in the order the wizard asks (the profile first: it names the run).
const WIZARD_ORDER: [&str; 12] = [
    SRC_PROFILE,
    SRC_FILE,
    SRC_STENCIL,
    SRC_TYPE,
    SRC_NAME,
    SRC_ACCESS,
    SRC_SCOPES,
    SRC_STORE,
    SRC_STDIN,
    SRC_TOKEN,
    SRC_CLIENT_ID,
    SRC_SECRET,
];

/// Sort the problems into the order the wizard asks, so the list reads like the wizard.
pub(super) fn in_wizard_order(errors: &mut InputErrors) {
    errors.errors.sort_by_key(|e| {
        WIZARD_ORDER
            .iter()
            .position(|s| *s == e.source)
            .unwrap_or(WIZARD_ORDER.len())
    });
}

/// Values given by flags, env or the credentials file, validated but possibly absent.
#[derive(Default)]
pub(super) struct Given {
    pub(super) token_type: Option<TokenType>,
    pub(super) name: Option<AccountName>,
    pub(super) access: Option<Access>,
    pub(super) scopes: Option<ScopeSet>,
    pub(super) store: Option<StoreHash>,
    pub(super) token: Option<AccessToken>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<SecretString>,
    pub(super) source_file: Option<PathBuf>,
    /// The theme folder of `--from-stencil`, read.
    pub(super) stencil: Option<stencil::Given>,
}

impl Given {
    /// Fill gaps from the defaults; scopes only when the token type matches.
    pub(super) fn fill(&mut self, d: Defaults) {
        self.token_type = self.token_type.or(d.token_type);
        self.name = self.name.take().or(d.name);
        self.access = self.access.or(d.access);
        self.store = self.store.take().or(d.store);
        if self.scopes.is_none() && self.token_type == d.token_type {
            self.scopes = d.scopes;
        }
    }
}

pub(super) fn gather(args: &InitArgs, env: &Env, stdin: &mut dyn Read, errors: &mut InputErrors) -> Given {
    let file = read_credentials_file(args, stdin, errors);
    let source_file = args
        .credentials_file
        .clone()
        .filter(|p| file.is_some() && p.as_os_str() != "-");
    let name = args
        .name
        .clone()
        .or_else(|| file.as_ref().and_then(|f| f.client_name.clone()));
    let scopes = args.scopes.as_ref().and_then(|list| {
        ScopeSet::parse(list, args.token_type.unwrap_or(TokenType::Api))
            .map_err(|e| errors.invalid(SRC_SCOPES, e))
            .ok()
    });
    let flag_id = args
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let file_id = file.as_ref().and_then(|f| f.client_id.clone());
    let (stencil, stencil_token) = match stencil::read(args, env, errors) {
        Some((folder, token)) => (Some(folder), token),
        None => (None, None),
    };
    let token = if args.from_stencil.is_some() {
        stencil_token
    } else {
        gather_token(args, env, stdin, file.as_ref(), errors)
    };
    Given {
        // A token from a theme folder is a Stencil-CLI token (an explicit `api` is refused above).
        token_type: args
            .from_stencil
            .as_ref()
            .map_or(args.token_type, |_| Some(TokenType::Stencil)),
        name: name.and_then(|n| {
            AccountName::parse(&n)
                .map_err(|e| errors.invalid(SRC_NAME, e))
                .ok()
        }),
        access: args.access,
        scopes,
        store: gather_store(args, file.as_ref(), errors),
        token,
        client_id: agree(flag_id, file_id, SRC_CLIENT_ID, errors),
        client_secret: agree_secret(
            env.secret("BCSETUP_CLIENT_SECRET"),
            file.as_ref().and_then(|f| f.client_secret.clone()),
            SRC_SECRET,
            errors,
        ),
        source_file,
        stencil,
    }
}

/// The store from `--store-hash` or `--api-path`, which must agree with the credentials file.
fn gather_store(
    args: &InitArgs,
    file: Option<&CredentialsFile>,
    errors: &mut InputErrors,
) -> Option<StoreHash> {
    let flag_store = match (&args.store_hash, &args.api_path) {
        (Some(raw), _) => StoreHash::parse(raw)
            .map_err(|e| errors.invalid(SRC_STORE, e))
            .ok(),
        (None, Some(raw)) => StoreHash::from_api_path(raw)
            .map_err(|e| errors.invalid(SRC_STORE, e))
            .ok(),
        (None, None) => None,
    };
    agree(
        flag_store,
        file.and_then(|f| f.store_hash.clone()),
        SRC_STORE,
        errors,
    )
}

/// The token from stdin (`--access-token-stdin` wins), else the environment and the file, which
/// must agree; validated here, once, into an `AccessToken`.
fn gather_token(
    args: &InitArgs,
    env: &Env,
    stdin: &mut dyn Read,
    file: Option<&CredentialsFile>,
    errors: &mut InputErrors,
) -> Option<AccessToken> {
    let raw = if args.access_token_stdin {
        read_token_line(stdin, errors)
    } else {
        let file_token = file.map(|f| f.access_token.clone());
        agree_secret(env.secret("BCSETUP_ACCESS_TOKEN"), file_token, SRC_TOKEN, errors)
    }?;
    AccessToken::parse(&raw)
        .map_err(|e| errors.invalid(SRC_TOKEN, e))
        .ok()
}

fn read_credentials_file(
    args: &InitArgs,
    stdin: &mut dyn Read,
    errors: &mut InputErrors,
) -> Option<CredentialsFile> {
    let path = args.credentials_file.as_ref()?;
    let parsed = if path.as_os_str() == "-" {
        credentials_file::read_from(stdin)
    } else {
        credentials_file::read_path(path)
    };
    parsed.map_err(|e| errors.invalid(SRC_FILE, e.to_string())).ok()
}

/// One line from stdin, trimmed; at most 4 KiB are read so a wrong pipe cannot exhaust memory.
fn read_token_line(stdin: &mut dyn Read, errors: &mut InputErrors) -> Option<SecretString> {
    let mut buf = Zeroizing::new(Vec::new());
    if let Err(e) = stdin.take(4096).read_to_end(&mut buf) {
        errors.invalid(SRC_STDIN, format!("could not read stdin: {e}"));
        return None;
    }
    let first = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    let text = String::from_utf8_lossy(first);
    if text.trim().is_empty() {
        errors.invalid(SRC_STDIN, "stdin held no access token (an empty first line)");
        return None;
    }
    Some(SecretString::from(text.trim().to_owned()))
}

/// Two sources of one value: either may be absent, but if both are given they must agree.
fn agree<T: PartialEq>(a: Option<T>, b: Option<T>, source: &str, errors: &mut InputErrors) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => {
            errors.invalid(source, "differs from the value in the credentials file");
            None
        }
        (a, b) => a.or(b),
    }
}

fn agree_secret(
    a: Option<SecretString>,
    b: Option<SecretString>,
    source: &str,
    errors: &mut InputErrors,
) -> Option<SecretString> {
    match (a, b) {
        (Some(a), Some(b)) if !same_secret(&a, &b) => {
            errors.invalid(
                source,
                "the environment and the credentials file give different values",
            );
            None
        }
        (a, b) => a.or(b),
    }
}
