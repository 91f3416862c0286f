//! `bcsetup token` (not yet implemented).

use crate::cli::TokenArgs;
use crate::context::Context;
use crate::error::Error;

/// Not yet implemented.
pub fn run(_args: &TokenArgs, _ctx: &Context) -> Result<(), Error> {
    Err(Error::Internal(anyhow::anyhow!("`bcsetup token` is not implemented yet")))
}
