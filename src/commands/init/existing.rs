//! The profile `init` is about to rotate, read once: its metadata, and its secrets from the store the
//! profile names. The rotation menu shows the token's mask from it, the transaction restores it when
//! the new secrets go to the same store, and the revocation check after a rotation sends its token,
//! even when the rotation moves the profile to another store.

use crate::bigcommerce::token::AccessToken;
use crate::context::Context;
use crate::error::Error;
use crate::profile::Profile;
use crate::store::StoreError;
use crate::transaction::Snapshot;

/// A stored profile and what its store held.
pub(super) struct Existing {
    /// The metadata.
    pub profile: Profile,
    /// Its secrets, or why its store could not be read (the menu still shows; saving to that store
    /// then fails with this error).
    pub secrets: Result<Snapshot, StoreError>,
}

impl Existing {
    /// The profile of `ctx.profile`, if there is one, with its secrets.
    pub(super) fn load(ctx: &Context) -> Result<Option<Self>, Error> {
        let Some(profile) = ctx.profiles().load()?.profiles.get(&ctx.profile).cloned() else {
            return Ok(None);
        };
        let secrets = Snapshot::read(&*ctx.store(profile.storage), &ctx.profile);
        Ok(Some(Self { profile, secrets }))
    }

    /// The stored access token, when it could be read and is still a token.
    pub(super) fn token(&self) -> Option<AccessToken> {
        let raw = self.secrets.as_ref().ok()?.token.as_ref()?;
        AccessToken::from_store(raw).ok()
    }
}
