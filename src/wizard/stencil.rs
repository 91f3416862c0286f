//! `init --from-stencil DIR`: the token comes from the theme folder stencil-cli wrote
//! (`bigcommerce::stencil_files`), the token type is Stencil-CLI, and the store hash, when no flag
//! gives it, from the folder's `normalStoreUrl`: read off a `store-{hash}.mybigcommerce.com` URL, or
//! told by the storefront's public `/admin/oauth/info` (asked through `Inputs::lookup`; confirmed on
//! a terminal). Everything else is asked or given as for any `init`.

use url::Url;

use super::gather::{SRC_TOKEN, SRC_TYPE};
use crate::bigcommerce::stencil_files::{self, StencilFileError, StencilFiles};
use crate::bigcommerce::storefront;
use crate::bigcommerce::token::AccessToken;
use crate::bigcommerce::{StoreHash, TokenType};
use crate::cli::InitArgs;
use crate::context::Env;
use crate::error::{Error, InputErrors};
use crate::prompter::Prompter;
use crate::text;

/// Where the theme folder is named.
pub(super) const SRC_STENCIL: &str = "--from-stencil";

/// Ask a storefront (`/admin/oauth/info`) for its store hash; the error says why it could not.
pub(crate) type Lookup<'a> = &'a dyn Fn(&Url) -> Result<StoreHash, String>;

/// What the theme folder gave, kept on the plan so the token can be taken out after the save.
#[derive(Debug)]
pub(crate) struct StencilSource {
    /// The files read.
    pub files: StencilFiles,
    /// Where the store hash came from, when the folder gave it (shown to the user).
    pub store_from: Option<String>,
    /// The wizard told the user what was read (on a terminal), so the command need not.
    pub told: bool,
}

/// The folder's contribution before the store hash is settled.
pub(super) struct Given {
    pub(super) source: StencilSource,
    /// A hash the storefront told, waiting for the user's yes on a terminal.
    found: Option<(StoreHash, String)>,
    /// Why the folder could not give the hash.
    failed: Option<String>,
}

/// Read the folder named by `--from-stencil`, recording every problem; the token, validated.
pub(super) fn read(
    args: &InitArgs,
    env: &Env,
    errors: &mut InputErrors,
) -> Option<(Given, Option<AccessToken>)> {
    let dir = args.from_stencil.as_ref()?;
    if args.token_type == Some(TokenType::Api) {
        errors.invalid(
            SRC_TYPE,
            "is api, but --from-stencil imports a Stencil-CLI token: leave --token-type out",
        );
    }
    if env.secret("BCSETUP_ACCESS_TOKEN").is_some() {
        errors.invalid(
            SRC_TOKEN,
            "BCSETUP_ACCESS_TOKEN is set, but --from-stencil reads the token from the theme folder: unset it",
        );
    }
    let files = match stencil_files::read(dir) {
        Ok(files) => files,
        Err(e) => {
            errors.invalid(SRC_STENCIL, describe(&e));
            return None;
        }
    };
    let token = AccessToken::parse(&files.token)
        .map_err(|e| errors.invalid(SRC_STENCIL, format!("{}: {e}", text::path(&files.token_file))))
        .ok();
    let source = StencilSource {
        files,
        store_from: None,
        told: false,
    };
    Some((
        Given {
            source,
            found: None,
            failed: None,
        },
        token,
    ))
}

fn describe(e: &StencilFileError) -> String {
    match e {
        StencilFileError::NoFiles { .. } | StencilFileError::NoToken { .. } => {
            format!("{e}; run `stencil init` or use bcsetup init without --from-stencil")
        }
        other => other.to_string(),
    }
}

impl Given {
    /// The store hash from the folder's URL, when no flag gave one: read off the URL, or asked of
    /// the storefront (`lookup`). Without a terminal a told hash is taken; on one it is confirmed.
    pub(super) fn settle_store(&mut self, lookup: Lookup<'_>) -> Option<StoreHash> {
        let Some(url) = self.source.files.store_url.clone() else {
            self.failed = Some("the theme folder has no normalStoreUrl".into());
            return None;
        };
        if let Some(hash) = storefront::hash_in_url(&url) {
            self.source.store_from = Some(format!("normalStoreUrl {}", text::one_line(&url)));
            return Some(hash);
        }
        let info = match storefront::info_url(&url) {
            Ok(info) => info,
            Err(why) => {
                self.failed = Some(why);
                return None;
            }
        };
        match lookup(&info) {
            Ok(hash) => self.found = Some((hash, info.to_string())),
            Err(why) => self.failed = Some(format!("{info}: {why}")),
        }
        None
    }

    /// Whether the storefront told a hash that waits for the user's yes.
    pub(super) fn has_found(&self) -> bool {
        self.found.is_some()
    }

    /// Without a terminal: the hash the storefront told, or why there is none (listed with the rest).
    pub(super) fn take_found(&mut self) -> Result<Option<StoreHash>, String> {
        match (self.found.take(), &self.failed) {
            (Some((hash, from)), _) => {
                self.source.store_from = Some(text::one_line(&from).into_owned());
                Ok(Some(hash))
            }
            (None, Some(why)) => Err(format!("missing, and not found from the theme folder: {why}")),
            (None, None) => Ok(None),
        }
    }

    /// On a terminal: say what was read, before the first question.
    pub(super) fn tell(&mut self, p: &mut dyn Prompter, token: Option<&AccessToken>) {
        let files = &self.source.files;
        let mask = token.map(|t| format!(" {}", t.mask())).unwrap_or_default();
        p.note(&format!(
            "Importing the access token{mask} from {}",
            text::path(&files.token_file)
        ));
        if files.newer_ignored {
            p.note(&ignored_note());
        }
        self.source.told = true;
    }

    /// On a terminal: confirm the hash the storefront told, or say why there is none; `None` asks.
    pub(super) fn confirm_store(&mut self, p: &mut dyn Prompter) -> Result<Option<StoreHash>, Error> {
        if let Some((hash, from)) = self.found.take() {
            let from = text::one_line(&from).into_owned();
            // The source on a line of its own: a prompt longer than the terminal is redrawn badly.
            p.note(&format!("  store hash {hash}, from {from}"));
            if p.confirm(&format!("Use store hash {hash}?"), true)? {
                self.source.store_from = Some(from);
                return Ok(Some(hash));
            }
        } else if let Some(why) = &self.failed {
            p.note(&format!("  the store hash could not be found: {why}"));
        }
        Ok(None)
    }

    pub(super) fn into_source(self) -> StencilSource {
        self.source
    }
}

/// Why `.stencil`'s token is the one imported when the newer files exist too.
pub(crate) fn ignored_note() -> String {
    format!(
        "  {} wins over {} and {}, as in stencil-cli (which replaces them with it on its next run)",
        stencil_files::OLD_FILE,
        stencil_files::CONFIG_FILE,
        stencil_files::SECRETS_FILE
    )
}
