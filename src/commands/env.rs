//! `bcsetup env` (not yet implemented).

use crate::cli::EnvArgs;
use crate::context::Context;
use crate::error::Error;

/// Not yet implemented.
pub fn run(_args: &EnvArgs, _ctx: &Context) -> Result<(), Error> {
    Err(Error::Internal(anyhow::anyhow!("`bcsetup env` is not implemented yet")))
}
