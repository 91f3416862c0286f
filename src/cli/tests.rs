use super::*;
use clap::CommandFactory;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("bcsetup").chain(args.iter().copied()))
}

#[test]
fn cli_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn global_options_go_before_or_after_the_subcommand() {
    let a = parse(&["--profile", "shop", "status", "--json"]).unwrap();
    let b = parse(&["status", "--profile", "shop", "--json"]).unwrap();
    assert_eq!(a.global.profile, "shop");
    assert_eq!(b.global.profile, "shop");
    assert!(a.global.json && b.global.json);
}

#[test]
fn init_flags_parse_into_raw_values() {
    let cli = parse(&[
        "init",
        "--token-type",
        "api",
        "--access",
        "read-only",
        "--name",
        "abc",
        "--yes",
    ])
    .unwrap();
    let Command::Init(args) = cli.command else {
        panic!("not init")
    };
    assert_eq!(args.token_type, Some(TokenType::Api));
    assert_eq!(args.access, Some(Access::ReadOnly));
    assert_eq!(args.name.as_deref(), Some("abc"));
    assert!(args.yes);
}

#[test]
fn bad_values_and_conflicts_are_usage_errors() {
    for args in [
        &["init", "--token-type", "oauth"][..],
        &["init", "--access", "write"],
        &["init", "--store-hash", "a", "--api-path", "b"],
        &["init", "--access-token-stdin", "--credentials-file", "x"],
        &["-q", "-v", "status"],
    ] {
        let err = parse(args).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{args:?}");
    }
}

#[test]
fn verify_all_refuses_a_typed_profile_but_not_one_from_the_environment() {
    let os = |list: &[&str]| -> Vec<std::ffi::OsString> {
        std::iter::once("bcsetup")
            .chain(list.iter().copied())
            .map(Into::into)
            .collect()
    };
    for args in [
        &["verify", "--all", "--profile", "x"][..],
        &["--profile", "x", "verify", "--all"],
        &["verify", "--profile=x", "--all"],
    ] {
        let err = super::parse(&os(args)).err().map(|e| e.exit_code());
        assert_eq!(err, Some(2), "{args:?}");
    }
    assert!(super::parse(&os(&["verify", "--all", "--jobs", "16"])).is_ok());
    assert!(super::parse(&os(&["verify", "--profile", "x"])).is_ok());
    for bad in [
        &["verify", "--jobs", "2"][..],
        &["verify", "--all", "--jobs", "0"],
        &["verify", "--all", "--jobs", "17"],
    ] {
        assert!(super::parse(&os(bad)).is_err(), "{bad:?}");
    }
}

#[test]
fn there_is_no_flag_that_takes_a_secret() {
    let cmd = Cli::command();
    let init = cmd.find_subcommand("init").unwrap();
    for arg in init.get_arguments() {
        let id = arg.get_id().as_str();
        let secretish = (id.contains("token") && id != "token_type") || id.contains("secret");
        assert!(
            !secretish || !arg.get_action().takes_values(),
            "--{id} takes a value"
        );
    }
}

#[test]
fn the_variables_clap_reads_are_all_found() {
    let mut names = env_variables();
    names.sort();
    assert_eq!(
        names,
        [
            "BCSETUP_ACCESS",
            "BCSETUP_ACCOUNT_NAME",
            "BCSETUP_API_PATH",
            "BCSETUP_CLIENT_ID",
            "BCSETUP_CONFIG_DIR",
            "BCSETUP_PROFILE",
            "BCSETUP_STORE_HASH",
            "BCSETUP_TOKEN_TYPE",
        ]
    );
}
