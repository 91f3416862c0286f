//! Unit tests of `exec`: exit codes, the signal mask, a command that cannot start, withheld variables.

use super::*;

#[cfg(unix)]
#[test]
fn exit_codes_pass_through_and_signals_become_128_plus_n() {
    use std::os::unix::process::ExitStatusExt;
    // Raw wait statuses: the code in the second byte, or the signal number in the low bits.
    assert_eq!(exit_code(ExitStatus::from_raw(0)), 0);
    assert_eq!(exit_code(ExitStatus::from_raw(42 << 8)), 42);
    assert_eq!(exit_code(ExitStatus::from_raw(15)), 143);
    assert_eq!(exit_code(ExitStatus::from_raw(2)), 130);
}

#[cfg(unix)]
#[test]
fn ignored_signals_are_read_from_the_status_mask() {
    use platform::{is_in, parse_sig_ign};
    let status = "Name:\tbcsetup\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000003\n";
    let mask = parse_sig_ign(status);
    // 3 = SIGHUP (1) and SIGINT (2) ignored, as under `nohup cmd &` in a script.
    assert!(is_in(mask, 1) && is_in(mask, 2) && !is_in(mask, 15));
    assert_eq!(parse_sig_ign("SigIgn:\tzz\n"), 0);
    assert_eq!(parse_sig_ign(""), 0);
    assert!(!is_in(u64::MAX, 0) && !is_in(u64::MAX, 65));
}

#[test]
fn a_command_that_cannot_start_is_126_or_127() {
    let program = OsString::from("no-such-program");
    let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
    assert_eq!(not_run(&program, &missing).exit_code(), 127);
    let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
    let err = not_run(&program, &denied);
    assert_eq!(err.exit_code(), 126);
    assert!(err.to_string().contains("no-such-program"), "{err}");
}

#[test]
fn every_managed_variable_is_withheld_from_programs() {
    use crate::context::WITHHELD_FROM_PROGRAMS;
    for name in crate::stored::VARIABLES
        .into_iter()
        .chain(["BCSETUP_ACCESS_TOKEN", "BCSETUP_CLIENT_SECRET"])
    {
        assert!(WITHHELD_FROM_PROGRAMS.contains(&name), "{name}");
    }
}

#[test]
fn a_token_pasted_as_the_command_is_not_quoted() {
    let token = "abcdefghij0123456789abcdefghij0";
    let shown = shown_program(token);
    assert!(
        !shown.contains(token) && shown.contains("31-character"),
        "{shown}"
    );
    for name in [
        "migrate",
        "/usr/local/bin/bc-migration-tool2024",
        "python3",
        "MyVeryLongToolNameWithoutDigits",
    ] {
        assert_eq!(shown_program(name), name);
    }
}
