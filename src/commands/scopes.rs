//! `bcsetup scopes` (not yet implemented).

use crate::cli::ScopesArgs;
use crate::context::Context;
use crate::error::Error;

/// Not yet implemented.
pub fn run(_args: &ScopesArgs, _ctx: &Context) -> Result<(), Error> {
    Err(Error::Internal(anyhow::anyhow!("`bcsetup scopes` is not implemented yet")))
}
