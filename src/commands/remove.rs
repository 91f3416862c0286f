//! `bcsetup remove` (not yet implemented).

use crate::cli::RemoveArgs;
use crate::context::Context;
use crate::error::Error;

/// Not yet implemented.
pub fn run(_args: &RemoveArgs, _ctx: &Context) -> Result<(), Error> {
    Err(Error::Internal(anyhow::anyhow!("`bcsetup remove` is not implemented yet")))
}
