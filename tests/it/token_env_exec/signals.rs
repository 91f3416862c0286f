//! `exec --stencil` and the other signals whose default action ends a process (issue 15): each is
//! passed on to the command, which dies of it, and bcsetup outlives it to remove the file and exit
//! with the command's 128+N.

use super::exec::{signal_during_stencil, signal_number};
use super::with_profile;

#[test]
fn exec_stencil_outlives_quit_usr1_usr2_and_alrm() {
    let env = with_profile("SENTINELsigother01");
    for signal in ["QUIT", "USR1", "USR2", "ALRM"] {
        let code = signal_during_stencil(&env, signal);
        assert_eq!(code, 128 + signal_number(signal), "SIG{signal}");
    }
}

/// The rest of the audit (`FORWARDED` in `src/commands/exec/unix.rs`); SIGPWR and SIGSTKFLT are Linux's.
#[cfg(target_os = "linux")]
#[test]
fn exec_stencil_outlives_the_rest_of_the_terminating_signals() {
    let env = with_profile("SENTINELsigother02");
    for signal in ["VTALRM", "PROF", "XCPU", "XFSZ", "IO", "PWR", "STKFLT", "ABRT"] {
        let code = signal_during_stencil(&env, signal);
        assert_eq!(code, 128 + signal_number(signal), "SIG{signal}");
    }
}
