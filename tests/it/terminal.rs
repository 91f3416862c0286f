//! How a run that ends early leaves the terminal, on a real pseudo-terminal: after Ctrl-C, Esc,
//! SIGINT, SIGTERM and SIGHUP at a prompt, the terminal is in the mode it started in (echo on), and
//! a cancel ends with one calm line of its own (exit 130), never an `error:`.
//!
//! expectrl starts the PTY with echo off; these runs go through `sh`, which turns it on (a user's
//! terminal) and waits, so the starting mode is read before bcsetup exists. The mode is read on the
//! master side, which still answers for the terminal after bcsetup has exited.

use std::os::fd::AsFd;
use std::process::Command;

use nix::sys::signal::{Signal, kill};
use nix::sys::termios::{LocalFlags, Termios, tcgetattr};
use nix::unistd::Pid;

use crate::keyring_env;
use crate::support::pty::{CTRL_C, ENTER, ESC, PRESET, Pty, SHOWN_ONCE, UP};
use crate::support::{Level, STORE, TestEnv, TokenSpec};

/// The PTY's master, kept open past the session: its mode can be read after bcsetup exits.
pub(crate) fn master(pty: &Pty) -> std::fs::File {
    pty.session
        .get_process()
        .get_raw_handle()
        .expect("the PTY's master")
}

/// The PTY's whole mode (termios), read through the master.
pub(crate) fn mode(master: &std::fs::File) -> Termios {
    tcgetattr(master.as_fd()).expect("read the PTY's mode")
}

/// `bcsetup ARGS` on a PTY in a user's mode (echo and line mode on), the PTY's master, and that
/// mode, read before bcsetup started.
pub(crate) fn spawn_as_a_user(env: &TestEnv, args: &[&str]) -> (Pty, std::fs::File, Termios) {
    let mut pty = Pty::spawn_cmd(through_sh(
        env,
        args,
        r#"stty echo icanon isig && echo ready && read _ && exec "$0" "$@""#,
    ));
    pty.expect("ready");
    let master = master(&pty);
    // `sh` waits in `read`, which leaves the mode as it is.
    let start = mode(&master);
    assert!(start.local_flags.contains(LocalFlags::ECHO));
    pty.send(ENTER);
    (pty, master, start)
}

/// `bcsetup ARGS` started by the `sh` script `script` (which ends in `exec "$0" "$@"`), with
/// bcsetup's environment.
fn through_sh(env: &TestEnv, args: &[&str], script: &str) -> Command {
    let bcsetup = env.std_cmd(args);
    let mut cmd = Command::new("sh");
    cmd.env_clear();
    for (name, value) in bcsetup.get_envs() {
        if let Some(value) = value {
            cmd.env(name, value);
        }
    }
    cmd.arg("-c")
        .arg(script)
        .arg(bcsetup.get_program())
        .args(bcsetup.get_args());
    cmd
}

/// Type `abc` into the text prompt showing, and wait until it shows: keys sent before the prompt
/// reads them sit in the terminal's line mode, where Ctrl-C would discard them unseen.
fn type_abc(pty: &mut Pty) {
    pty.send("abc");
    pty.expect("abc");
}

/// Up to the hidden token prompt, with echo off and part of a token typed.
fn at_the_hidden_prompt(pty: &mut Pty) {
    pty.expect(SHOWN_ONCE);
    pty.send(ENTER); // "Paste them", the default without a file in Downloads
    pty.expect("Access token (hidden)");
    pty.wait_for_echo_off();
    pty.send("SENTINELpartial");
}

/// The run is over: exit `code`, the terminal back in its starting mode (echo on), the screen's
/// last line `last`, no `error:`, and the half-typed token nowhere. Returns the rendered screen.
fn assert_left_as_found(
    mut pty: Pty,
    master: &std::fs::File,
    start: &Termios,
    code: i32,
    last: &str,
) -> String {
    // Waited for, not left to the end of the stream: once bcsetup has exited, Linux answers a read
    // of the master with EIO, and what was not read before is lost.
    pty.expect(last);
    let (got, screen, rendered) = pty.finish_rendered();
    let end = mode(master);
    assert_eq!(got, code, "{screen}");
    assert!(
        end.local_flags.contains(LocalFlags::ECHO),
        "echo is off after the run:\n{rendered}"
    );
    assert_eq!(&end, start, "the terminal's mode changed:\n{rendered}");
    assert_eq!(rendered.lines().last(), Some(last), "{rendered}");
    assert!(!screen.contains("error"), "{screen}");
    assert!(!screen.contains("SENTINELpartial"), "{screen}");
    rendered
}

#[test]
fn ctrl_c_at_the_hidden_prompt_restores_echo_and_cancels_calmly() {
    let env = keyring_env!();
    let (mut pty, master, start) = spawn_as_a_user(&env, PRESET);
    at_the_hidden_prompt(&mut pty);
    pty.send(CTRL_C);
    assert_left_as_found(pty, &master, &start, 130, "cancelled: nothing was saved");
    assert!(env.keyring_token().is_none());
    assert!(env.fake.requests().is_empty());
}

#[test]
fn esc_at_the_hidden_prompt_restores_echo_and_cancels_calmly() {
    let env = keyring_env!();
    let (mut pty, master, start) = spawn_as_a_user(&env, PRESET);
    at_the_hidden_prompt(&mut pty);
    pty.send(ESC);
    assert_left_as_found(pty, &master, &start, 130, "cancelled: nothing was saved");
    assert!(env.keyring_token().is_none());
}

/// A signal sent while the hidden prompt shows (echo off) ends the run at once, with the terminal
/// as it was: SIGINT as a cancel (130), SIGTERM and SIGHUP as 128 + N.
#[test]
fn signals_at_the_hidden_prompt_restore_echo() {
    let env = keyring_env!();
    for (signal, code, last) in [
        (Signal::SIGINT, 130, "cancelled: nothing was saved"),
        (Signal::SIGTERM, 143, "stopped by SIGTERM: nothing was saved"),
        (Signal::SIGHUP, 129, "stopped by SIGHUP: nothing was saved"),
    ] {
        let (mut pty, master, start) = spawn_as_a_user(&env, PRESET);
        at_the_hidden_prompt(&mut pty);
        let pid = pty.session.get_process().pid();
        kill(Pid::from_raw(pid.as_raw()), signal).expect("signal bcsetup");
        assert_left_as_found(pty, &master, &start, code, last);
    }
    assert!(env.keyring_token().is_none());
}

#[test]
fn esc_at_a_menu_cancels_calmly_with_the_terminal_as_it_was() {
    let env = keyring_env!();
    let (mut pty, master, start) = spawn_as_a_user(&env, &["init"]);
    pty.expect("Token type");
    pty.send(ESC);
    assert_left_as_found(pty, &master, &start, 130, "cancelled: nothing was saved");
}

#[test]
fn esc_at_a_confirmation_cancels_calmly_and_removes_nothing() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELtermRemove1", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&token, &["--access", "read-only", "--scopes", "products"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (mut pty, master, start) = spawn_as_a_user(&env, &["remove"]);
    pty.expect("Remove profile");
    pty.send(ESC);
    assert_left_as_found(pty, &master, &start, 130, "cancelled: nothing was removed");
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

#[test]
fn ctrl_c_at_a_text_prompt_restores_the_terminal() {
    let env = keyring_env!();
    let (mut pty, master, start) = spawn_as_a_user(&env, &["init", "--token-type", "api"]);
    pty.expect("API account name");
    type_abc(&mut pty);
    pty.send(CTRL_C);
    assert_left_as_found(pty, &master, &start, 130, "cancelled: nothing was saved");
}

/// Ctrl-C in a menu: the menu stays as drawn, the calm line follows it.
#[test]
fn ctrl_c_in_a_menu_screen() {
    let env = keyring_env!();
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("Token type");
    pty.send(CTRL_C);
    pty.expect("cancelled: nothing was saved");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 130, "{screen}");
    crate::assert_screen!(&env, "terminal_ctrl_c_in_a_menu", &rendered);
}

/// Ctrl-C after typing `abc` in a text prompt: the typed text stays, the calm line starts a line.
#[test]
fn ctrl_c_in_a_text_prompt_screen() {
    let env = keyring_env!();
    let mut pty = Pty::spawn(&env, &["init", "--token-type", "api"]);
    pty.expect("API account name");
    type_abc(&mut pty);
    pty.send(CTRL_C);
    pty.expect("cancelled: nothing was saved");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 130, "{screen}");
    crate::assert_screen!(&env, "terminal_ctrl_c_in_a_text_prompt", &rendered);
}

/// Ctrl-C at the hidden token prompt: nothing typed shows, the calm line starts a line.
#[test]
fn ctrl_c_at_the_hidden_prompt_screen() {
    let env = keyring_env!();
    let mut pty = Pty::spawn(&env, PRESET);
    pty.expect("Create API Token");
    at_the_hidden_prompt(&mut pty);
    pty.send(CTRL_C);
    pty.expect("cancelled: nothing was saved");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 130, "{screen}");
    assert!(!screen.contains("SENTINELpartial"), "{screen}");
    crate::assert_screen!(&env, "terminal_ctrl_c_at_the_hidden_prompt", &rendered);
}

/// The rotation menu's Cancel: the stored credentials stay, and the line says so.
#[test]
fn cancel_item_of_the_rotation_menu_screen() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELtermCancel01", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&token, &["--access", "read-only", "--scopes", "products"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("What do you want to do?");
    pty.send(UP); // wraps to the last item: Cancel
    pty.send(ENTER);
    pty.expect("cancelled: the previous credentials were kept");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 130, "{screen}");
    assert!(!screen.contains("error"), "{screen}");
    crate::assert_screen!(&env, "terminal_cancel_menu_item", &rendered);
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

/// With `--json`, a cancel is still the JSON error object on stdout (kind `interrupted`, code
/// 130), while the terminal gets the calm line.
#[test]
fn with_json_a_cancel_is_an_error_object_on_stdout() {
    let env = keyring_env!();
    let out_path = env.root.path().join("stdout.json");
    let mut cmd = through_sh(
        &env,
        &["--json", "init", "--token-type", "api"],
        r#"exec "$0" "$@" > "$OUT""#,
    );
    cmd.env("OUT", &out_path);
    let mut pty = Pty::spawn_cmd(cmd);
    pty.expect("API account name");
    type_abc(&mut pty);
    pty.send(CTRL_C);
    pty.expect("cancelled: nothing was saved");
    let (code, screen) = pty.finish();
    assert_eq!(code, 130, "{screen}");
    assert!(!screen.contains("error"), "{screen}");
    let stdout = std::fs::read_to_string(&out_path).expect("stdout");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(doc["ok"], false, "{stdout}");
    assert_eq!(doc["error"]["code"], 130, "{stdout}");
    assert_eq!(doc["error"]["kind"], "interrupted", "{stdout}");
    assert_eq!(
        doc["error"]["message"], "cancelled: nothing was saved",
        "{stdout}"
    );
}
