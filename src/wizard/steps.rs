//! One function per prompt of the wizard, in the control panel's order. Each asks, validates where
//! the answer is typed, and echoes back what it understood. Secrets are wrapped the moment they are
//! read and echoed only as a mask.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::bigcommerce::client::ApiBase;
use crate::bigcommerce::credentials_file::{self, CredentialsFile};
use crate::bigcommerce::scopes::{SCOPES, ScopeSet};
use crate::bigcommerce::token::{AccessToken, client_secret_from};
use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
use crate::checklist::Checklist;
use crate::context::withhold_secrets;
use crate::domain::StorageKind;
use crate::error::Error;
use crate::prompter::Prompter;
use crate::text;

/// Token type: a Select with one line of help per choice.
pub(crate) fn token_type(p: &mut dyn Prompter) -> Result<TokenType, Error> {
    let items = [
        "V2/V3 API token — REST API: migrations, integrations",
        "Stencil-CLI token — theme development with stencil-cli",
    ];
    Ok(if p.select("Token type", &items, 0)? == 1 {
        TokenType::Stencil
    } else {
        TokenType::Api
    })
}

/// Why a non-secret answer is refused when it is the access token: it would be kept in plain text.
pub(crate) const COPIED: &str =
    "this is the access token, which must never be kept in plain text in profiles.toml";

/// Refuse an answer that is the token (when it is known already).
fn not_the_token(raw: &str, token: Option<&AccessToken>) -> Result<(), String> {
    match token {
        Some(token) if token.is_copied_in(raw) => Err(COPIED.into()),
        _ => Ok(()),
    }
}

/// Account name, re-asked until it has at least 4 characters and is not the token.
pub(crate) fn account_name(p: &mut dyn Prompter, token: Option<&AccessToken>) -> Result<AccountName, Error> {
    let raw = p.input(
        "API account name (you will type the same in the control panel)",
        false,
        &|s| {
            AccountName::parse(s)
                .map(|_| ())
                .and_then(|()| not_the_token(s, token))
        },
    )?;
    AccountName::parse(&raw).map_err(|e| Error::Internal(anyhow::anyhow!(e)))
}

/// Access: Read-only (FROM BigCommerce) or Modify (TO BigCommerce); stencil's two access levels.
pub(crate) fn access(p: &mut dyn Prompter, token_type: TokenType) -> Result<Access, Error> {
    let items: [&str; 2] = match token_type {
        TokenType::Api => [
            "Read-only — migrating data FROM BigCommerce",
            "Modify — migrating data TO BigCommerce",
        ],
        TokenType::Stencil => ["Local development only", "Publish theme (Themes: Modify)"],
    };
    Ok(if p.select("Access", &items, 0)? == 1 {
        Access::Modify
    } else {
        Access::ReadOnly
    })
}

/// Scopes: the catalog with the migration scopes pre-checked; required ones are kept whatever is picked.
pub(crate) fn scopes(p: &mut dyn Prompter, current: Option<&ScopeSet>) -> Result<ScopeSet, Error> {
    let labels: Vec<String> = SCOPES
        .iter()
        .map(|s| {
            if s.required {
                format!("{} (required)", s.ui_name)
            } else {
                s.ui_name.to_owned()
            }
        })
        .collect();
    let items: Vec<&str> = labels.iter().map(String::as_str).collect();
    let checked: Vec<bool> = SCOPES
        .iter()
        .map(|s| current.map_or(s.migration, |c| c.contains(s.key)))
        .collect();
    let picks = p.multi_select("Scopes (space toggles, enter accepts)", &items, &checked)?;
    let keys: Vec<&str> = picks
        .iter()
        .filter_map(|&i| SCOPES.get(i))
        .map(|s| s.key)
        .collect();
    let list = if keys.is_empty() {
        "information".to_owned()
    } else {
        keys.join(",")
    };
    let set = ScopeSet::parse(&list, TokenType::Api).map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
    let kept: Vec<&str> = set
        .iter()
        .filter(|s| !keys.contains(&s.key))
        .map(|s| s.ui_name)
        .collect();
    if !kept.is_empty() {
        p.note(&format!("  kept (required for a migration): {}", kept.join(", ")));
    }
    Ok(set)
}

/// Store: a hash, an API path or a control-panel URL (not the token), normalised and echoed back.
/// The API path echoed is where bcsetup will send the requests (`BCSETUP_API_BASE` moves it).
pub(crate) fn store(
    p: &mut dyn Prompter,
    token: Option<&AccessToken>,
    base: &ApiBase,
) -> Result<StoreHash, Error> {
    let raw = p.input("Store hash, API path or control-panel URL", false, &|s| {
        StoreHash::parse(s).and_then(|hash| not_the_token(hash.as_str(), token))
    })?;
    let hash = StoreHash::parse(&raw).map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
    p.note(&format!("  → store {hash} (API path {})", base.api_path(&hash)));
    Ok(hash)
}

/// What the run will do with the answers, for the opening line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Opening {
    /// Where the credentials will be kept.
    pub storage: StorageKind,
    /// Whether they are checked live first (not with `--no-verify`).
    pub verify: bool,
}

/// The line said before the first question, as `gh auth login` does: what will be asked, what is
/// checked, and where the result is kept. `credentials_only` when everything else was given (a
/// rotation keeps the profile's settings); `token_given` when the credentials are known (imported
/// from a theme folder, say).
pub(crate) fn opening(p: &mut dyn Prompter, credentials_only: bool, token_given: bool, run: Opening) {
    let asks = match (credentials_only, token_given) {
        (true, _) => "bcsetup asks for the credentials of the API account;",
        (false, true) => "bcsetup asks about the API account and the store;",
        (false, false) => "bcsetup asks about the API account and the store, then for the credentials;",
    };
    let place = match run.storage {
        StorageKind::Keyring => "the OS keyring",
        StorageKind::File => "a 0600 file",
    };
    let then = if run.verify {
        format!("it checks the token and every scope live, then keeps them in {place}.")
    } else {
        format!("it keeps them in {place} without checking them (--no-verify).")
    };
    p.note(&format!("{asks}\n{then}\n"));
}

/// The control-panel checklist and the link to its page, then an offer to open it (only where a
/// browser can open; the link is shown either way, for a terminal over SSH or without a display).
pub(crate) fn checklist(
    p: &mut dyn Prompter,
    list: &Checklist,
    store: &StoreHash,
    can_open: bool,
) -> Result<(), Error> {
    p.note(&list.render());
    let url = format!("{}settings/api-accounts", store.control_panel_url());
    p.note(&format!("The store's API accounts page (step 1):\n  {url}\n"));
    if can_open && p.confirm("Open it in your browser?", false)? && open_url(&url).is_err() {
        p.note(&format!("  could not open a browser; go to {url}"));
    }
    Ok(())
}

fn open_url(url: &str) -> std::io::Result<()> {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let mut command = std::process::Command::new(program);
    // The opener, and the browser it starts, get none of the secrets bcsetup was given.
    withhold_secrets(&mut command);
    let status = command
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other("the opener failed"))
    }
}

/// The credentials the control panel showed once: imported from its .txt file, or pasted.
pub(crate) struct ShownOnce {
    /// The access token.
    pub token: AccessToken,
    /// The client ID, if given.
    pub client_id: Option<String>,
    /// The client secret, if given.
    pub client_secret: Option<SecretString>,
    /// The file imported, if any.
    pub file: Option<(PathBuf, CredentialsFile)>,
}

/// The question of the credentials step.
pub(crate) const SHOWN_ONCE: &str = "How do you want to give the credentials shown after Save?";

/// Offer to import the downloaded .txt (suggesting the newest one in Downloads), else ask to paste.
/// The suggestion is the default when there is one, pasting otherwise: "another file" needs a path
/// typed, which is rarely what a user who has no file in Downloads has. A file that cannot be imported
/// (unreadable, or its token is not one) is said so, without its bytes, and the choice is asked
/// again; a suggestion that failed is not offered again. `home` is what `~` means in a typed path.
pub(crate) fn shown_once(
    p: &mut dyn Prompter,
    suggestion: Option<&Path>,
    home: Option<&Path>,
) -> Result<ShownOnce, Error> {
    let mut suggestion = suggestion.map(Path::to_owned);
    loop {
        let suggested = suggestion.as_deref().map(|s| {
            format!(
                "Import {} (the newest credentials file in Downloads)",
                text::path(s)
            )
        });
        let mut items: Vec<&str> = suggested.iter().map(String::as_str).collect();
        items.extend([
            "Import another credentials .txt file",
            "Paste them (hidden input)",
        ]);
        let paste = items.len() - 1;
        let default = if suggestion.is_some() { 0 } else { paste };
        let choice = p.select(SHOWN_ONCE, &items, default)?;
        let path = match (suggestion.as_deref(), choice) {
            (_, c) if c == paste => return pasted(p),
            (Some(s), 0) => {
                let chosen = s.to_owned();
                suggestion = None;
                chosen
            }
            _ => typed_path(p, home)?,
        };
        match import(&path) {
            Ok((token, file)) => {
                p.note(&format!("  → access token {}", token.mask()));
                return Ok(ShownOnce {
                    token,
                    client_id: file.client_id.clone(),
                    client_secret: file.client_secret.clone(),
                    file: Some((path, file)),
                });
            }
            Err(problem) => p.note(&format!("  {problem}; choose again")),
        }
    }
}

/// The path of a credentials file (`~` is the home directory, Tab completes), re-asked until the file
/// can be imported.
fn typed_path(p: &mut dyn Prompter, home: Option<&Path>) -> Result<PathBuf, Error> {
    p.path("Path of the .txt file (Tab completes)", home, &|path| {
        import(path).map(|_| ())
    })
}

/// Read a credentials file and validate its token. The problem names the file and what is wrong,
/// never a value from it.
fn import(path: &Path) -> Result<(AccessToken, CredentialsFile), String> {
    let file = credentials_file::read_path(path).map_err(|e| e.to_string())?;
    let token = AccessToken::parse(&file.access_token).map_err(|e| format!("{}: {e}", text::path(path)))?;
    Ok((token, file))
}

/// The credentials typed at hidden prompts.
fn pasted(p: &mut dyn Prompter) -> Result<ShownOnce, Error> {
    let token = access_token(p)?;
    let client_id = client_id(p, Some(&token))?;
    let client_secret = client_secret(p)?;
    Ok(ShownOnce {
        token,
        client_id,
        client_secret,
        file: None,
    })
}

/// The access token, hidden, re-asked until it is sendable; echoed as a mask.
pub(crate) fn access_token(p: &mut dyn Prompter) -> Result<AccessToken, Error> {
    loop {
        match AccessToken::parse(&p.password("Access token (hidden)", false)?) {
            Ok(token) => {
                p.note(&format!("  → access token {}", token.mask()));
                return Ok(token);
            }
            Err(problem) => p.note(&format!("  {problem}; paste it again")),
        }
    }
}

/// The client ID, optional, and not the token.
pub(crate) fn client_id(p: &mut dyn Prompter, token: Option<&AccessToken>) -> Result<Option<String>, Error> {
    let id = p.input("Client ID (optional, not secret; enter to skip)", true, &|s| {
        not_the_token(s, token)
    })?;
    Ok(Some(id.trim().to_owned()).filter(|s| !s.is_empty()))
}

fn client_secret(p: &mut dyn Prompter) -> Result<Option<SecretString>, Error> {
    let secret = p.password("Client secret (optional, hidden; enter to skip)", true)?;
    Ok(client_secret_from(&secret))
}
