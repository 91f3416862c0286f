//! `bcsetup copy` under a real X server: a private Xvfb per test (`support::xvfb`), the clipboard
//! read back with `xclip`. The value must be on the clipboard while the countdown runs and gone
//! after it, Enter, Ctrl-C or SIGTERM; something the user copied meanwhile must stay; and the
//! token must never reach stdout or stderr (only its mask).

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::sys::termios::LocalFlags;
use nix::unistd::Pid;

use crate::keyring_env;
use crate::support::pty::{CTRL_C, ENTER, Pty};
use crate::support::xvfb::Xvfb;
use crate::support::{Outcome, STORE, TestEnv};
use crate::terminal::{mode, spawn_as_a_user};

/// The token of every test here (31 characters, as BigCommerce's are).
const TOKEN: &str = "copytoken0123456789abcdefghWXYZ";
/// Its mask, as `copy` shows it.
const MASK: &str = "••••WXYZ (31 characters)";
const CLIENT_ID: &str = "cid-0123456789";

/// A test's world: an X server, and a profile kept in the insecure file store.
fn world() -> Option<(TestEnv, Xvfb)> {
    let x = Xvfb::start()?;
    let mut env = TestEnv::new();
    env.secret(TOKEN);
    env.set_env("DISPLAY", &x.display);
    let profile = env.profile.clone();
    let extra = ["--client-id", CLIENT_ID, "--insecure-storage"];
    env.init_offline(&profile, STORE, TOKEN, &extra);
    Some((env, x))
}

/// `bcsetup ARGS` started in the background (stdin empty, outputs kept).
fn spawn(env: &TestEnv, args: &[&str]) -> Child {
    env.std_cmd(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bcsetup")
}

/// Wait until the clipboard holds `value` while `child` still runs (it clears on its way out).
fn wait_until_copied(x: &Xvfb, child: &mut Child, value: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if x.clipboard().as_deref() == Some(value) {
            return;
        }
        if let Some(status) = child.try_wait().expect("poll bcsetup") {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
            }
            assert!(!stderr.contains(TOKEN), "token on stderr");
            panic!("bcsetup ended ({status}) before the value was seen on the clipboard:\n{stderr}");
        }
        assert!(Instant::now() < deadline, "the value never reached the clipboard");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Wait for a background run; the token must be in neither output.
fn finish(child: Child) -> Outcome {
    let out = child.wait_with_output().expect("wait for bcsetup");
    let outcome = Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !outcome.stdout.contains(TOKEN),
        "token on stdout:\n{}",
        outcome.stdout
    );
    assert!(
        !outcome.stderr.contains(TOKEN),
        "token on stderr:\n{}",
        outcome.stderr
    );
    outcome
}

#[test]
fn each_value_is_on_the_clipboard_during_the_countdown_and_gone_after_it() {
    let Some((env, x)) = world() else { return };
    let api_path = format!("{}/stores/{STORE}/v3/", env.fake.base_url());
    for (what, value, shown) in [
        ("token", TOKEN, MASK),
        ("api-path", api_path.as_str(), api_path.as_str()),
        ("client-id", CLIENT_ID, CLIENT_ID),
        ("store-hash", STORE, STORE),
    ] {
        let started = Instant::now();
        let mut child = spawn(&env, &["copy", what, "--clear-after", "1"]);
        wait_until_copied(&x, &mut child, value);
        let out = finish(child);
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{what}: cleared too soon"
        );
        assert_eq!(x.clipboard(), None, "{what}: still on the clipboard");
        assert!(out.stdout.is_empty(), "{what}: {}", out.stdout);
        assert!(
            out.stderr.contains(&format!("to the clipboard: {shown}\n")),
            "{what}: {}",
            out.stderr
        );
        assert!(out.stderr.ends_with("✓ Clipboard cleared.\n"), "{}", out.stderr);
    }
}

#[test]
fn what_the_user_copied_meanwhile_is_left_as_it_is() {
    let Some((env, x)) = world() else { return };
    let mut child = spawn(&env, &["copy", "--clear-after", "2"]);
    wait_until_copied(&x, &mut child, TOKEN);
    x.copy_as_the_user("the user's own text");
    let out = finish(child);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(x.clipboard().as_deref(), Some("the user's own text"));
    crate::assert_screen!(&env, "copy_kept_without_a_terminal", &out.stderr);
}

#[test]
fn copy_reads_the_token_from_the_keyring_and_json_tells_the_outcome_without_it() {
    let mut env = keyring_env!();
    let Some(x) = Xvfb::start() else { return };
    env.secret(TOKEN);
    env.set_env("DISPLAY", &x.display);
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, TOKEN, &[]);
    assert_eq!(env.keyring_token().as_deref(), Some(TOKEN));
    let mut child = spawn(&env, &["copy", "--clear-after", "1", "--json"]);
    wait_until_copied(&x, &mut child, TOKEN);
    let out = finish(child);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.json(),
        serde_json::json!({
            "ok": true,
            "profile": env.profile,
            "copied": "token",
            "shown": MASK,
            "clear_after": 1,
            "outcome": "cleared",
        })
    );
    assert_eq!(x.clipboard(), None);
}

#[test]
fn quiet_prints_nothing_and_still_clears() {
    let Some((env, x)) = world() else { return };
    let mut child = spawn(&env, &["copy", "store-hash", "--clear-after", "1", "--quiet"]);
    wait_until_copied(&x, &mut child, STORE);
    let out = finish(child);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(x.clipboard(), None);
}

#[test]
fn sigterm_clears_then_ends_the_run_with_143() {
    let Some((env, x)) = world() else { return };
    let mut child = spawn(&env, &["copy", "--clear-after", "30"]);
    wait_until_copied(&x, &mut child, TOKEN);
    // Marked for clipboard managers (Klipper and others) to keep out of their history.
    let targets = x.clipboard_as("TARGETS").unwrap_or_default();
    assert!(targets.contains("x-kde-passwordManagerHint"), "{targets}");
    assert_eq!(
        x.clipboard_as("x-kde-passwordManagerHint").as_deref(),
        Some("secret")
    );
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
    kill(pid, Signal::SIGTERM).expect("send SIGTERM");
    let out = finish(child);
    assert_eq!(out.code, 143, "{}", out.stderr);
    assert_eq!(x.clipboard(), None);
    assert!(
        out.stderr
            .ends_with("stopped by SIGTERM: the clipboard was cleared\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn enter_clears_at_once_and_the_screen_keeps_no_countdown() {
    let Some((env, x)) = world() else { return };
    let started = Instant::now();
    let mut pty = Pty::spawn(&env, &["copy"]);
    pty.expect("Enter clears now, Ctrl-C clears and quits");
    x.wait_for(TOKEN);
    pty.send(ENTER);
    let (code, raw, screen) = pty.finish_rendered();
    assert_eq!(code, 0, "{raw}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "Enter did not end the 30 s countdown"
    );
    assert_eq!(x.clipboard(), None);
    assert!(!raw.contains(TOKEN));
    crate::assert_screen!(&env, "copy_cleared_by_enter", &screen);
}

#[test]
fn the_countdown_runs_out_on_a_terminal() {
    let Some((env, x)) = world() else { return };
    let mut pty = Pty::spawn(&env, &["copy", "client-id", "--clear-after", "2"]);
    pty.expect("Clipboard clears in 2 s");
    x.wait_for(CLIENT_ID);
    pty.expect("Clipboard clears in 1 s");
    let (code, raw, screen) = pty.finish_rendered();
    assert_eq!(code, 0, "{raw}");
    assert_eq!(x.clipboard(), None);
    crate::assert_screen!(&env, "copy_countdown_ran_out", &screen);
}

#[test]
fn ctrl_c_clears_and_exits_130_with_the_terminal_as_it_was() {
    let Some((env, x)) = world() else { return };
    let (mut pty, master, start) = spawn_as_a_user(&env, &["copy"]);
    pty.expect("Enter clears now");
    x.wait_for(TOKEN);
    // Echo is off while the countdown waits, so typed keys do not break its line.
    assert!(!mode(&master).local_flags.contains(LocalFlags::ECHO));
    pty.send(CTRL_C);
    let (code, raw, screen) = pty.finish_rendered();
    assert_eq!(code, 130, "{raw}");
    assert_eq!(x.clipboard(), None);
    assert_eq!(mode(&master), start, "the terminal's mode was not restored");
    assert!(!raw.contains(TOKEN));
    crate::assert_screen!(&env, "copy_ctrl_c", &screen);
}

#[test]
fn without_a_display_it_is_exit_2_with_a_hint_before_the_keyring_is_read() {
    let Some((mut env, x)) = world() else { return };
    // The profile now says its token is in the keyring, which this world cannot reach (exit 6).
    let toml = env
        .profiles_toml()
        .replace("storage = \"file\"", "storage = \"keyring\"");
    std::fs::write(env.config_dir().join("profiles.toml"), toml).expect("rewrite profiles.toml");
    let with_display = finish(spawn(&env, &["copy"]));
    assert_eq!(with_display.code, 6, "{}", with_display.stderr);
    assert_eq!(x.clipboard(), None);

    env.set_env("DISPLAY", "");
    let out = env.run(&["copy"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains("••••"), "{}", out.stderr);
    crate::assert_screen!(&env, "copy_without_a_display", &out.stderr);

    let json = env.run(&["copy", "--json"], "").json();
    assert_eq!(json["error"]["kind"], "no_clipboard");
    assert_eq!(json["error"]["code"], 2);

    // A display that does not answer is the same error.
    env.set_env("DISPLAY", ":4242");
    let out = env.run(&["copy", "api-path"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("could not open the clipboard (DISPLAY=:4242)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_profile_without_a_client_id_says_how_to_add_one() {
    let Some(x) = Xvfb::start() else { return };
    let mut env = TestEnv::new();
    env.secret(TOKEN);
    env.set_env("DISPLAY", &x.display);
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, TOKEN, &["--insecure-storage"]);
    let out = env.run(&["copy", "client-id"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("has no client ID; add it with `bcsetup init"),
        "{}",
        out.stderr
    );
    assert_eq!(x.clipboard(), None);
    let out = env.run(&["copy", "--profile", "nobody"], "");
    assert_eq!(out.code, 7, "{}", out.stderr);
}
