//! `remove`: the profile's keyring entries and metadata are gone afterwards, other profiles are
//! untouched, and the user is told that nothing was revoked and how to revoke it.

use crate::keyring_env;
use crate::support::{STORE, TestEnv};

#[test]
fn remove_leaves_no_keyring_entry_and_no_metadata() {
    let mut env = keyring_env!();
    let token = env.secret("SENTINELremove0001");
    let secret = env.secret("SENTINELremovesecret1");
    let profile = env.profile.clone();
    env.set_env("BCSETUP_CLIENT_SECRET", &secret);
    env.init_offline(&profile, STORE, &token, &[]);
    assert!(env.keyring_has_user(&profile));
    assert!(env.keyring_has_user(&format!("{profile}/client-secret")));

    let out = env.run(&["remove", "--yes"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(!env.keyring_has_user(&profile), "access token entry left behind");
    assert!(
        !env.keyring_has_user(&format!("{profile}/client-secret")),
        "client secret left behind"
    );
    assert!(env.keyring_token().is_none());
    assert!(
        !env.profiles_toml().contains(&format!("[profiles.{profile}]")),
        "{}",
        env.profiles_toml()
    );
    for needle in [
        "does not revoke the token",
        "https://store-abc123.mybigcommerce.com/manage/",
        "Settings › Store-level API accounts",
        "`Migration bot`",
        "webhooks, metafields and scripts",
    ] {
        assert!(out.stderr.contains(needle), "missing `{needle}`:\n{}", out.stderr);
    }
    // Gone is gone: a second remove is an unknown profile.
    assert_eq!(env.run(&["remove", "--yes"], "").code, 7);
}

#[test]
fn remove_needs_yes_without_a_terminal() {
    let mut env = TestEnv::new();
    let token = env.secret("SENTINELremoveyes1");
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    let out = env.run(&["remove"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert!(env.profiles_toml().contains(&format!("[profiles.{profile}]")));
    let file = env.config_dir().join("secrets").join(format!("{profile}.toml"));
    assert!(file.exists(), "a refused remove deleted the secrets");
}

#[test]
fn remove_json_reports_what_was_there() {
    let mut env = TestEnv::new();
    let token = env.secret("SENTINELremovejson");
    let profile = env.profile.clone();
    let other = format!("{profile}-kept");
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    env.init_offline(&other, STORE, &token, &["--insecure-storage"]);
    // A secret already gone from the store is not an error for remove.
    let file = env.config_dir().join("secrets").join(format!("{profile}.toml"));
    std::fs::remove_file(&file).unwrap();
    let out = env.run(&["remove", "--yes", "--json"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["profile"], profile.as_str());
    assert_eq!(json["removed"]["access_token"], false);
    assert_eq!(json["removed"]["client_secret"], false);
    assert_eq!(json["removed"]["metadata"], true);
    assert_eq!(json["removed"]["storage"], "file");
    assert_eq!(
        json["revoke"]["control_panel_url"],
        "https://store-abc123.mybigcommerce.com/manage/"
    );
    let toml = env.profiles_toml();
    assert!(!toml.contains(&format!("[profiles.{profile}]")), "{toml}");
    assert!(
        toml.contains(&format!("[profiles.{other}]")),
        "the other profile went too: {toml}"
    );
    assert!(
        env.config_dir()
            .join("secrets")
            .join(format!("{other}.toml"))
            .exists()
    );
}

#[cfg(unix)]
#[test]
fn remove_asks_on_a_terminal() {
    use expectrl::process::unix::WaitStatus;
    use expectrl::{Eof, Expect};

    let mut env = TestEnv::new();
    let token = env.secret("SENTINELremovepty1");
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    for (answer, code, kept) in [("n", 130, true), ("y", 0, false)] {
        let mut session = expectrl::Session::spawn(env.std_cmd(&["remove"])).expect("spawn on a PTY");
        session.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
        session.expect("Remove profile").expect("the question");
        session.send(answer).expect("answer");
        let rest = session.expect(Eof).expect("output until EOF");
        let text = String::from_utf8_lossy(rest.as_bytes()).into_owned();
        let status = session.get_process().wait().expect("wait");
        assert!(
            matches!(status, WaitStatus::Exited(_, c) if c == code),
            "{answer}: {status:?}\n{text}"
        );
        assert_eq!(
            env.profiles_toml().contains(&format!("[profiles.{profile}]")),
            kept,
            "{answer}\n{text}"
        );
    }
}
