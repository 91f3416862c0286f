//! `bcsetup copy`'s arguments.

use clap::Args;

/// What `bcsetup copy` puts on the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum CopyWhat {
    /// The access token
    #[default]
    Token,
    /// The API path (`https://api.bigcommerce.com/stores/HASH/v3/`)
    ApiPath,
    /// The client ID
    ClientId,
    /// The store hash
    StoreHash,
}

/// `bcsetup copy`.
#[derive(Debug, Args)]
pub(crate) struct CopyArgs {
    /// What to copy
    #[arg(value_enum, default_value_t = CopyWhat::Token)]
    pub what: CopyWhat,
    /// Clear the clipboard after this many seconds (1 to 3600), if it still holds the value
    // At most an hour: a copy waits in the foreground, and a token left on the clipboard longer
    // than a form takes to fill in is what `copy` exists to avoid.
    #[arg(
        long,
        default_value_t = 30,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub clear_after: u64,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::CopyWhat;
    use crate::cli::{Cli, Command};

    fn parse(args: &[&str]) -> Result<(CopyWhat, u64), clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once("bcsetup").chain(args.iter().copied()))?;
        let Command::Copy(args) = cli.command else {
            panic!("not copy")
        };
        Ok((args.what, args.clear_after))
    }

    #[test]
    fn copy_takes_the_token_and_thirty_seconds_by_default_and_at_most_an_hour() {
        assert_eq!(parse(&["copy"]).unwrap(), (CopyWhat::Token, 30));
        assert_eq!(
            parse(&["copy", "client-id", "--clear-after", "3600"]).unwrap(),
            (CopyWhat::ClientId, 3600)
        );
        for bad in [
            &["copy", "--clear-after", "0"][..],
            &["copy", "--clear-after", "3601"],
            &["copy", "--clear-after", "-1"],
            &["copy", "password"],
        ] {
            assert_eq!(parse(bad).unwrap_err().exit_code(), 2, "{bad:?}");
        }
    }
}
