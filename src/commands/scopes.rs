//! `bcsetup scopes`: the control-panel checklist for a token type, access and scope list. The
//! checklist is what the user asked for, so it goes to stdout (to pipe or save it), as text or, with
//! `--json`, as JSON. No profile, no keyring, no network.

use crate::bigcommerce::AccountName;
use crate::bigcommerce::scopes::ScopeSet;
use crate::checklist::Checklist;
use crate::cli::ScopesArgs;
use crate::context::Context;
use crate::error::{Error, InputErrors};

/// Print the checklist.
pub(super) fn run(args: &ScopesArgs, ctx: &Context) -> Result<(), Error> {
    let mut errors = InputErrors::default();
    let scopes = match &args.scopes {
        Some(list) => ScopeSet::parse(list, args.token_type)
            .map_err(|e| errors.invalid("--scopes", e))
            .ok(),
        None => Some(ScopeSet::default_for(args.token_type)),
    };
    let name = match &args.name {
        Some(raw) => match AccountName::parse(raw) {
            Ok(name) => Some(name),
            Err(e) => {
                errors.invalid("--name", e);
                None
            }
        },
        None => None,
    };
    let Some(scopes) = scopes.filter(|_| errors.is_empty()) else {
        return Err(Error::Input(errors));
    };
    let checklist = Checklist::new(args.token_type, args.access, &scopes, name.as_ref());
    if ctx.printer.json {
        ctx.printer.json(&checklist);
    } else {
        ctx.printer.data(&checklist.render());
    }
    Ok(())
}
