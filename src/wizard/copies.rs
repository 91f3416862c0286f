//! Non-secret inputs that are the access token. The account name, client ID, store hash and profile
//! name are kept in plain text (profiles.toml, keyring entry names, URLs), so a token pasted into one
//! of them would be written where no secret may be. Given values are refused with the other input
//! errors (exit 2); on a terminal, a typed one is asked again. The token is never echoed.

use super::gather::{Given, SRC_CLIENT_ID, SRC_NAME, SRC_PROFILE, SRC_STORE};
use super::{InitPlan, steps};
use crate::bigcommerce::client::ApiBase;
use crate::bigcommerce::token::AccessToken;
use crate::bigcommerce::{AccountName, StoreHash};
use crate::domain::ProfileName;
use crate::error::{Error, InputErrors};
use crate::prompter::Prompter;

/// The sources of the given values (flags, variables, the credentials file) that are the token.
pub(super) fn refuse(given: &Given, profile: &ProfileName, errors: &mut InputErrors) {
    let Some(token) = &given.token else {
        return;
    };
    let copied = [
        (SRC_PROFILE, Some(profile.as_str())),
        (SRC_NAME, given.name.as_ref().map(AccountName::as_str)),
        (SRC_STORE, given.store.as_ref().map(StoreHash::as_str)),
        (SRC_CLIENT_ID, given.client_id.as_deref()),
    ];
    for (source, value) in copied {
        if value.is_some_and(|v| token.is_copied_in(v)) {
            errors.invalid(source, steps::COPIED);
        }
    }
}

/// On a terminal, once the token is known: ask again for each value that is the token. The profile
/// name cannot be asked (it names the run), so a copy of it ends the run with exit 2.
pub(crate) fn settle(
    plan: &mut InitPlan,
    profile: &ProfileName,
    base: &ApiBase,
    p: &mut dyn Prompter,
) -> Result<(), Error> {
    let token: &AccessToken = &plan.access_token;
    if token.is_copied_in(profile.as_str()) {
        return Err(InputErrors::one(SRC_PROFILE, steps::COPIED));
    }
    if token.is_copied_in(plan.account_name.as_str()) {
        p.note("  the account name given is the access token; type the account name");
        plan.account_name = steps::account_name(p, Some(token))?;
    }
    if plan.client_id.as_deref().is_some_and(|id| token.is_copied_in(id)) {
        p.note("  the client ID given is the access token; type the client ID, or leave it empty");
        plan.client_id = steps::client_id(p, Some(token))?;
    }
    if token.is_copied_in(plan.store_hash.as_str()) {
        p.note("  the store hash given is the access token; type the store");
        plan.store_hash = steps::store(p, Some(token), base)?;
    }
    Ok(())
}
