//! Turn raw `init` inputs into a validated `InitPlan`. Each input is resolved in one place, in the
//! control panel's order (token type → name → access → scopes → store → credentials), from
//! *flag or env → credentials file → prompt*. Given values are all validated before anything is
//! asked; without a terminal nothing is asked, and every invalid value and every gap are reported
//! together (exit 2).

mod copies;
mod gather;
pub(crate) mod import;
pub(crate) mod stencil;
pub(crate) mod steps;

use std::io::Read;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::bigcommerce::client::ApiBase;
use crate::bigcommerce::credentials_file::CredentialsFile;
use crate::bigcommerce::scopes::ScopeSet;
use crate::bigcommerce::token::AccessToken;
use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
use crate::checklist::Checklist;
use crate::cli::InitArgs;
use crate::context::Env;
use crate::domain::ProfileName;
use crate::error::{Error, InputError, InputErrors};
use crate::profile::Profile;
use crate::prompter::Prompter;
pub(crate) use copies::settle as settle_copies;
use gather::{Given, SRC_ACCESS, SRC_FILE, SRC_NAME, SRC_STDIN, SRC_STORE, SRC_TOKEN, SRC_TYPE, gather};
use stencil::{Lookup, SRC_STENCIL, StencilSource};

/// Everything `init` needs, validated. Secrets stay wrapped; `Debug` redacts them.
#[derive(Debug)]
pub(crate) struct InitPlan {
    /// Token type.
    pub token_type: TokenType,
    /// Account name.
    pub account_name: AccountName,
    /// Access level.
    pub access: Access,
    /// Wanted scopes.
    pub scopes: ScopeSet,
    /// The store.
    pub store_hash: StoreHash,
    /// Client ID, if known.
    pub client_id: Option<String>,
    /// The access token.
    pub access_token: AccessToken,
    /// The client secret, if the user wants it kept.
    pub client_secret: Option<SecretString>,
    /// The credentials file the secrets came from (not for stdin).
    pub source_file: Option<PathBuf>,
    /// The theme folder the token came from (`--from-stencil`).
    pub stencil: Option<StencilSource>,
}

/// Values to fall back on when neither a flag nor the file gives one: the profile being rotated.
#[derive(Debug, Clone, Default)]
pub(crate) struct Defaults {
    /// Token type.
    pub token_type: Option<TokenType>,
    /// Account name.
    pub name: Option<AccountName>,
    /// Access level.
    pub access: Option<Access>,
    /// Wanted scopes.
    pub scopes: Option<ScopeSet>,
    /// The store.
    pub store: Option<StoreHash>,
}

impl Defaults {
    /// The settings of an existing profile, for its rotation.
    pub(crate) fn from_profile(p: &Profile) -> Self {
        Self {
            token_type: Some(p.token_type),
            name: Some(p.account_name.clone()),
            access: Some(p.access),
            scopes: Some(p.wanted_scopes()),
            store: Some(p.store_hash.clone()),
        }
    }
}

/// Where `resolve` reads from.
pub(crate) struct Inputs<'a> {
    /// The parsed flags (clap already merged their environment variables).
    pub args: &'a InitArgs,
    /// The environment, for the secret variables that have no flag.
    pub env: &'a Env,
    /// The profile being made: its name must not be the token either.
    pub profile: &'a ProfileName,
    /// Standard input, for `--access-token-stdin` and `--credentials-file -`.
    pub stdin: &'a mut dyn Read,
    /// The terminal, when prompting is allowed.
    pub prompter: Option<&'a mut dyn Prompter>,
    /// Fallbacks (the profile being rotated).
    pub defaults: Defaults,
    /// Where to look for a freshly downloaded credentials file.
    pub downloads: Option<PathBuf>,
    /// Whether a browser can be opened (a display is available).
    pub can_open_browser: bool,
    /// Where requests go, for the API path echoed back.
    pub api_base: &'a ApiBase,
    /// What the run does with the answers, for the opening line said before the first question;
    /// `None` says none (`--quiet`, `--json`).
    pub opening: Option<steps::Opening>,
    /// How a storefront is asked for its store hash (`--from-stencil`).
    pub lookup: Lookup<'a>,
}

/// Resolve every input, prompting only for what was not given.
pub(crate) fn resolve(mut inputs: Inputs<'_>) -> Result<InitPlan, Error> {
    let mut errors = InputErrors {
        non_interactive: inputs.prompter.is_none(),
        ..InputErrors::default()
    };
    let mut given = gather(inputs.args, inputs.env, inputs.stdin, &mut errors);
    copies::refuse(&given, inputs.profile, &mut errors);
    stencil_store(&mut given, &mut inputs, &mut errors);
    given.fill(std::mem::take(&mut inputs.defaults));
    let plan = match inputs.prompter.take() {
        // A value given as a flag, variable or file is not asked again: it is fixed where it was given.
        Some(_) if !errors.is_empty() => None,
        Some(p) => return ask(given, &inputs, p),
        // Without a terminal, what is missing is listed with what is invalid, so one run shows it all.
        None => complete(given, &mut errors),
    };
    match plan {
        Some(plan) if errors.is_empty() => Ok(plan),
        _ => {
            gather::in_wizard_order(&mut errors);
            Err(Error::Input(errors))
        }
    }
}

/// The store hash from a `--from-stencil` folder, when no flag gave it. Without a terminal a hash
/// the storefront told is taken, and a failure is listed (unless a rotation's profile gives the hash).
fn stencil_store(given: &mut Given, inputs: &mut Inputs<'_>, errors: &mut InputErrors) {
    let Some(folder) = given.stencil.as_mut().filter(|_| given.store.is_none()) else {
        return;
    };
    given.store = folder.settle_store(inputs.lookup);
    if inputs.prompter.is_some() {
        // The told hash is confirmed in `ask`, also on a rotation: the folder outranks the profile.
        if folder.has_found() {
            inputs.defaults.store = None;
        }
        return;
    }
    match folder.take_found() {
        Ok(found) => given.store = given.store.take().or(found),
        Err(why) if inputs.defaults.store.is_none() => errors.invalid(SRC_STORE, why),
        Err(_) => {}
    }
}

/// Without a terminal: every gap is an error, unless the source that would have filled it is
/// reported invalid already (a credentials file that could not be read gives no name, store or token).
fn complete(g: Given, errors: &mut InputErrors) -> Option<InitPlan> {
    let token_type = require(g.token_type, SRC_TYPE, &[], errors);
    let name = require(g.name, SRC_NAME, &[SRC_FILE], errors);
    let access = require(g.access, SRC_ACCESS, &[], errors);
    let store = require(g.store, SRC_STORE, &[SRC_FILE, SRC_STENCIL], errors);
    let token = require(g.token, SRC_TOKEN, &[SRC_STDIN, SRC_FILE, SRC_STENCIL], errors);
    let (token_type, account_name, access, store_hash, access_token) =
        (token_type?, name?, access?, store?, token?);
    Some(InitPlan {
        scopes: g.scopes.unwrap_or_else(|| ScopeSet::default_for(token_type)),
        token_type,
        account_name,
        access,
        store_hash,
        client_id: g.client_id,
        access_token,
        client_secret: g.client_secret,
        source_file: g.source_file,
        stencil: g.stencil.map(stencil::Given::into_source),
    })
}

/// `value`, or "missing" recorded against `source`, unless `source` or one of the sources in `also`
/// (which would have given it) has a problem recorded already.
fn require<T>(value: Option<T>, source: &str, also: &[&str], errors: &mut InputErrors) -> Option<T> {
    let reported = |e: &InputError| e.source == source || also.contains(&e.source.as_str());
    if value.is_none() && !errors.errors.iter().any(reported) {
        errors.missing(source);
    }
    value
}

/// On a terminal: ask for each gap, in the control panel's order.
fn ask(mut g: Given, inputs: &Inputs<'_>, p: &mut dyn Prompter) -> Result<InitPlan, Error> {
    if let Some(folder) = g.stencil.as_mut() {
        folder.tell(p, g.token.as_ref());
    }
    let settings_given = g.token_type.is_some()
        && g.name.is_some()
        && g.access.is_some()
        && (g.scopes.is_some() || g.token_type == Some(TokenType::Stencil))
        && g.store.is_some();
    if let Some(run) = inputs.opening.filter(|_| !settings_given || g.token.is_none()) {
        steps::opening(p, settings_given, g.token.is_some(), run);
    }
    let token_type = g.token_type.map_or_else(|| steps::token_type(p), Ok)?;
    let account_name = g
        .name
        .map_or_else(|| steps::account_name(p, g.token.as_ref()), Ok)?;
    let access = g.access.map_or_else(|| steps::access(p, token_type), Ok)?;
    let scopes = match g.scopes {
        Some(s) => s,
        None if token_type == TokenType::Stencil => ScopeSet::stencil(),
        None => steps::scopes(p, None)?,
    };
    let told = match (g.store.take(), g.stencil.as_mut()) {
        (Some(store), _) => Some(store),
        (None, Some(folder)) => folder.confirm_store(p)?,
        (None, None) => None,
    };
    let store_hash = told.map_or_else(|| steps::store(p, g.token.as_ref(), inputs.api_base), Ok)?;
    let mut plan = Partial {
        token_type,
        account_name,
        access,
        scopes,
        store_hash,
        client_id: g.client_id,
        client_secret: g.client_secret,
        source_file: g.source_file,
        stencil: g.stencil.map(stencil::Given::into_source),
    };
    if let Some(token) = g.token {
        return settled(plan.with_token(token), inputs, p);
    }
    let list = Checklist::new(token_type, access, &plan.scopes, Some(&plan.account_name));
    steps::checklist(p, &list, &plan.store_hash, inputs.can_open_browser)?;
    let suggestion = inputs
        .downloads
        .as_deref()
        .and_then(import::newest_credentials_file);
    let home = import::home_dir(inputs.env);
    let shown = steps::shown_once(p, suggestion.as_deref(), home.as_deref())?;
    if let Some((path, file)) = &shown.file {
        plan.take_file(path, file, p);
    }
    plan.client_id = shown.client_id.or(plan.client_id);
    plan.client_secret = shown.client_secret.or(plan.client_secret);
    settled(plan.with_token(shown.token), inputs, p)
}

/// The plan once no value that is kept in plain text is the token (asked again where it is).
fn settled(mut plan: InitPlan, inputs: &Inputs<'_>, p: &mut dyn Prompter) -> Result<InitPlan, Error> {
    copies::settle(&mut plan, inputs.profile, inputs.api_base, p)?;
    Ok(plan)
}

/// An `InitPlan` before its token is known.
struct Partial {
    token_type: TokenType,
    account_name: AccountName,
    access: Access,
    scopes: ScopeSet,
    store_hash: StoreHash,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    source_file: Option<PathBuf>,
    stencil: Option<StencilSource>,
}

impl Partial {
    /// An imported file names the account and store it was made for; they win over what was typed.
    fn take_file(&mut self, path: &std::path::Path, file: &CredentialsFile, p: &mut dyn Prompter) {
        if let Some(file_store) = file.store_hash.clone().filter(|h| *h != self.store_hash) {
            p.note(&format!(
                "  the file is for store {file_store}, not {}: using {file_store}",
                self.store_hash
            ));
            self.store_hash = file_store;
        }
        if let Some(name) = file
            .client_name
            .as_deref()
            .and_then(|n| AccountName::parse(n).ok())
        {
            self.account_name = name;
        }
        self.source_file = Some(path.to_owned());
    }

    fn with_token(self, access_token: AccessToken) -> InitPlan {
        InitPlan {
            token_type: self.token_type,
            account_name: self.account_name,
            access: self.access,
            scopes: self.scopes,
            store_hash: self.store_hash,
            client_id: self.client_id,
            access_token,
            client_secret: self.client_secret,
            source_file: self.source_file,
            stencil: self.stencil,
        }
    }
}

#[cfg(test)]
mod tests;
