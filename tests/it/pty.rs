//! The real wizard (dialoguer on a pseudo-terminal) driven by expectrl, against the fake
//! BigCommerce and the private Secret Service. Everything the terminal shows is captured and
//! checked for the token.

use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect};

use crate::keyring_env;
use crate::support::{Level, STORE, TestEnv, TokenSpec};

const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const ENTER: &str = "\r";
const CTRL_C: &str = "\x03";

/// `init` with every choice before the credentials given as flags.
const PRESET: &[&str] = &[
    "init",
    "--token-type",
    "api",
    "--access",
    "read-only",
    "--store-hash",
    STORE,
    "--name",
    "Reader account",
    "--scopes",
    "products",
];

/// A bcsetup process on a PTY, with everything it printed so far.
struct Pty {
    session: expectrl::session::OsSession,
    screen: String,
}

impl Pty {
    fn spawn(env: &TestEnv, args: &[&str]) -> Self {
        let mut session = expectrl::Session::spawn(env.std_cmd(args)).expect("spawn on a PTY");
        session
            .get_process_mut()
            .set_window_size(80, 24)
            .expect("window size");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        Self {
            session,
            screen: String::new(),
        }
    }

    /// Wait for `needle`, keeping what came before it.
    fn expect(&mut self, needle: &str) {
        match self.session.expect(needle) {
            Ok(found) => {
                self.screen.push_str(&String::from_utf8_lossy(found.before()));
                self.screen.push_str(&String::from_utf8_lossy(found.as_bytes()));
            }
            Err(e) => panic!(
                "waiting for {needle:?}: {e}\n--- screen so far ---\n{}",
                self.screen
            ),
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("send keys");
    }

    /// Wait until a hidden prompt has switched echo off. It does so with TCSAFLUSH, which discards
    /// input that arrives before: typing earlier could lose the text, or have it echoed.
    fn wait_for_echo_off(&mut self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self
            .session
            .get_process()
            .get_echo()
            .expect("read the PTY's echo flag")
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the hidden prompt never turned echo off\n{}",
                self.screen
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Type into a hidden prompt, then Enter.
    fn type_hidden(&mut self, text: &str) {
        self.wait_for_echo_off();
        self.send(text);
        self.send(ENTER);
    }

    /// Choose "Paste them", type the token into the hidden prompt, skip client ID and secret.
    fn paste(&mut self, token: &str) {
        self.expect("The credentials shown after Save");
        self.send(DOWN);
        self.send(ENTER);
        self.expect("Access token (hidden)");
        self.type_hidden(token);
        self.expect("Client ID");
        self.send(ENTER);
        self.expect("Client secret");
        self.type_hidden("");
    }

    /// Read to the end and return the exit code (or 128 + signal).
    fn finish(mut self) -> (i32, String) {
        if let Ok(found) = self.session.expect(Eof) {
            self.screen.push_str(&String::from_utf8_lossy(found.before()));
        }
        let code = match self.session.get_process().wait() {
            Ok(WaitStatus::Exited(_, code)) => code,
            Ok(WaitStatus::Signaled(_, signal, _)) => 128 + signal as i32,
            other => panic!("unexpected wait status {other:?}\n{}", self.screen),
        };
        (code, self.screen)
    }
}

/// Answer the first four steps: token type by arrow keys, a rejected short name then a good one,
/// Modify, the default scopes.
fn first_steps(pty: &mut Pty) {
    pty.expect("Token type");
    pty.send(DOWN);
    pty.send(UP);
    pty.send(ENTER);
    pty.expect("API account name");
    pty.send("abc");
    pty.send(ENTER);
    pty.expect("at least 4 characters");
    pty.send("Migration bot");
    pty.send(ENTER);
    pty.expect("Access");
    pty.send(DOWN);
    pty.send(ENTER);
    pty.expect("Scopes");
    pty.send(ENTER);
}

#[test]
fn happy_path_through_the_real_terminal() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELptyHappy1234", TokenSpec::all(STORE, Level::Modify));
    let mut pty = Pty::spawn(&env, &["init"]);
    first_steps(&mut pty);
    pty.expect("Store hash");
    pty.send(&format!("https://api.bigcommerce.com/stores/{STORE}/v3/"));
    pty.send(ENTER);
    pty.expect("→ store abc123");
    pty.expect("Create API Token");
    pty.expect("The credentials shown after Save");
    pty.send(DOWN);
    pty.send(ENTER);
    pty.expect("Access token (hidden)");
    pty.type_hidden(&token);
    pty.expect("••••1234");
    pty.expect("Client ID");
    pty.send(ENTER);
    pty.expect("Client secret");
    pty.type_hidden("");
    // Every scope, Information & Settings included, is proven at Modify: nothing to accept.
    pty.expect("Saved profile");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("unproven"), "{screen}");
    assert!(
        !screen.contains(&token),
        "the token was echoed on the terminal:\n{screen}"
    );
    assert!(
        screen.contains("Products"),
        "the result table is shown:\n{screen}"
    );
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

#[test]
fn import_a_credentials_file_and_delete_it_afterwards() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELptyImport1", TokenSpec::all(STORE, Level::ReadOnly));
    let downloads = env.root.path().join("Downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let file = downloads.join("store-api-credentials.txt");
    std::fs::write(
        &file,
        format!("ACCESS TOKEN: {token}\nCLIENT NAME: Reader account\nAPI PATH: https://api.bigcommerce.com/stores/{STORE}/v3/\nCLIENT ID: cid42\n"),
    )
    .unwrap();
    let mut pty = Pty::spawn(&env, PRESET);
    pty.expect("Create API Token");
    pty.expect("the newest credentials file in Downloads");
    pty.send(ENTER);
    pty.expect("Saved profile");
    pty.expect("holds the token in plain text");
    pty.send("y");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(&token), "{screen}");
    assert!(!file.exists(), "the imported file was not deleted");
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    assert!(env.profiles_toml().contains("cid42"));
}

#[test]
fn a_failed_verification_is_fixed_by_re_entering_the_token() {
    let mut env = keyring_env!();
    let wrong = env.secret("SENTINELptyWrong999");
    let right = env.token("SENTINELptyRight111", TokenSpec::all(STORE, Level::ReadOnly));
    let mut pty = Pty::spawn(
        &env,
        &[
            "init",
            "--token-type",
            "api",
            "--access",
            "read-only",
            "--store-hash",
            STORE,
            "--name",
            "Reader account",
        ],
    );
    pty.expect("Scopes");
    pty.send(ENTER);
    pty.paste(&wrong);
    pty.expect("rejected the access token");
    pty.expect("What now?");
    pty.send(ENTER); // re-enter the access token
    pty.expect("Access token (hidden)");
    pty.type_hidden(&right);
    pty.expect("Saved profile");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(&wrong) && !screen.contains(&right), "{screen}");
    assert_eq!(env.keyring_token().as_deref(), Some(right.as_str()));
}

#[test]
fn rotation_keeps_the_old_token_when_the_new_one_fails_and_replaces_it_when_it_passes() {
    let mut env = keyring_env!();
    let old = env.token("SENTINELptyOld00001", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&old, &["--access", "read-only", "--scopes", "products"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bad = env.secret("SENTINELptyBad00002");
    let new = env.token("SENTINELptyNew00003", TokenSpec::all(STORE, Level::ReadOnly));

    // A new token that fails, then Cancel: exit 3, old token untouched.
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("already holds credentials");
    pty.expect("What do you want to do?");
    pty.send(ENTER); // rotate
    pty.paste(&bad);
    pty.expect("What now?");
    pty.send(UP); // wraps to the last item: Cancel
    pty.send(ENTER);
    let (code, screen) = pty.finish();
    assert_eq!(code, 3, "{screen}");
    assert_eq!(env.keyring_token().as_deref(), Some(old.as_str()));

    // A new token that passes replaces it; then the old one is checked for revocation.
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("What do you want to do?");
    pty.send(ENTER);
    pty.paste(&new);
    pty.expect("Rotated profile");
    pty.expect("delete the old API account");
    pty.expect("Check now that the old token is revoked");
    pty.send("y");
    pty.expect("the old token still works");
    env.fake.revoke(&old);
    pty.expect("Check now that the old token is revoked");
    pty.send("y");
    pty.expect("the old token is revoked");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    for secret in [&old, &bad, &new] {
        assert!(!screen.contains(secret.as_str()), "{screen}");
    }
    assert_eq!(env.keyring_token().as_deref(), Some(new.as_str()));
}

#[test]
fn ctrl_c_at_two_steps_writes_nothing_and_exits_130() {
    let env = keyring_env!();
    // At the first Select.
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("Token type");
    pty.send(CTRL_C);
    let (code, screen) = pty.finish();
    assert_eq!(code, 130, "{screen}");
    // At the hidden token prompt, after several answers.
    let mut pty = Pty::spawn(&env, PRESET);
    pty.expect("The credentials shown after Save");
    pty.send(DOWN);
    pty.send(ENTER);
    pty.expect("Access token (hidden)");
    pty.wait_for_echo_off();
    pty.send("SENTINELpartial");
    pty.send(CTRL_C);
    let (code, screen) = pty.finish();
    assert_eq!(code, 130, "{screen}");
    assert!(!screen.contains("SENTINELpartial"), "{screen}");
    assert!(!env.config_dir().join("profiles.toml").exists());
    assert!(env.keyring_token().is_none());
    assert!(env.fake.requests().is_empty());
}
