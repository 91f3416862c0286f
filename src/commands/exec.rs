//! `bcsetup exec` (not yet implemented).

use crate::cli::ExecArgs;
use crate::context::Context;
use crate::error::Error;

/// Not yet implemented.
pub fn run(_args: &ExecArgs, _ctx: &Context) -> Result<(), Error> {
    Err(Error::Internal(anyhow::anyhow!("`bcsetup exec` is not implemented yet")))
}
