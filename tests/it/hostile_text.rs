//! Text bcsetup did not write, from a hostile store or a hostile file: it reaches the terminal
//! escaped (no control character of its own, since these runs have no terminal and so no styling),
//! JSON carries it as answered (bounded), profiles.toml keeps it cleaned and bounded, and a token
//! pasted into a non-secret field is refused without being shown.

use crate::keyring_env;
use crate::support::{Fault, Level, OTHER_STORE, Outcome, STORE, TestEnv, TokenSpec};

/// A store name that clears the screen, writes the clipboard (OSC 52), forges a "✓" line with CR
/// and LF, reorders text (RLO) and starts a C1 CSI.
const NAME: &str =
    "Shop\u{1b}[2J\u{1b}[H\u{1b}]52;c;cm0gLXJmIH4=\u{7}\r✓ forged line\n\u{202e}gpj.exe\u{9b}31m";
const DOMAIN: &str = "evil.example\u{1b}[1A\u{1b}[2K\r✓ verified\u{202d}";

/// What a terminal could act on: C0 but LF, DEL, C1, the line separators and the bidi controls.
fn raw_control(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn assert_no_raw_control(out: &Outcome, what: &str) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let found: Vec<String> = text
            .chars()
            .filter(|c| raw_control(*c))
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        assert!(found.is_empty(), "{what}: {stream} holds {found:?}:\n{text}");
    }
}

#[test]
fn a_hostile_store_name_and_domain_reach_no_terminal_raw() {
    let mut env = keyring_env!();
    env.fake.add_store(STORE, NAME);
    env.fake.set_domain(STORE, DOMAIN);
    let token = env.token("SENTINELhostile01", TokenSpec::all(STORE, Level::Modify));
    let init = env.init(&token, &[]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert_no_raw_control(&init, "init");
    // The name is cleaned as it is read (it is kept); the domain is shown escaped.
    assert!(
        init.stderr
            .contains("Store   Shop[2J[H]52;c;cm0gLXJmIH4= ✓ forged line gpj.exe31m — hash"),
        "{}",
        init.stderr
    );
    assert!(
        init.stderr.contains("Domain  evil.example\\u{1b}[1A"),
        "{}",
        init.stderr
    );
    assert!(
        !init
            .stderr
            .lines()
            .any(|l| l.trim_start().starts_with("✓ forged")),
        "a forged line: {}",
        init.stderr
    );
    // Kept cleaned: no control or bidi character, nothing escaped either.
    let toml = env.profiles_toml();
    assert!(
        toml.contains("store_name = \"Shop[2J[H]52;c;cm0gLXJmIH4= ✓ forged line gpj.exe31m\""),
        "{toml}"
    );
    for args in [
        &["verify"][..],
        &["status"],
        &["verify", "--json"],
        &["status", "--json"],
    ] {
        let out = env.run(args, "");
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_no_raw_control(&out, &format!("{args:?}"));
    }
    // JSON carries the domain as answered (serde escapes it), and the name as kept.
    let json = env.run(&["verify", "--json"], "").json();
    assert_eq!(json["store"]["domain"], DOMAIN);
    assert_eq!(json["store"]["secure_url"], format!("https://{DOMAIN}"));
    assert_eq!(
        json["store"]["name"],
        "Shop[2J[H]52;c;cm0gLXJmIH4= ✓ forged line gpj.exe31m"
    );
}

#[test]
fn a_defect_report_lists_every_accepted_write_with_its_body_escaped() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELdefect001", TokenSpec::all(STORE, Level::Modify));
    let body = "{\"data\":{\"id\":1}}\u{1b}]52;c;cm0gLXJmIH4=\u{7}\r✓ no defect\n\u{202e}\u{9b}2J";
    // Every request is answered 201 with the hostile body: each write probe is accepted.
    env.fake.fail_next(1000, Fault::Reply(201, body.into()));
    let out = env.init(&token, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_no_raw_control(&out, "init");
    let listed: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("  - ") && l.contains(" answered 201; response body: "))
        .collect();
    // Every write probe of the eight migration scopes at Modify, not only the first.
    assert!(listed.len() > 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("DEFECT: {} write probes were accepted", listed.len())),
        "{}",
        out.stderr
    );
    for line in &listed {
        assert!(
            line.ends_with("\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}\\u{d}✓ no defect\\u{a}\\u{202e}\\u{9b}2J"),
            "{line}"
        );
    }
    let json = env.init(&token, &["--json"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let doc = json.json();
    assert_eq!(doc["error"]["kind"], "probe_changed_data");
    let accepted = doc["error"]["accepted"].as_array().expect("accepted writes");
    assert_eq!(accepted.len(), listed.len(), "{doc}");
    for one in accepted {
        assert_eq!(one["status"], 201, "{one}");
        assert_eq!(one["body"], body, "the body as answered");
        assert!(
            one["request"].as_str().is_some_and(|r| r.starts_with('P')),
            "{one}"
        );
    }
    assert_eq!(env.profiles_toml(), "", "nothing is stored after a defect");
}

#[test]
fn a_megabyte_store_name_is_kept_bounded_and_every_profile_keeps_working() {
    let mut env = keyring_env!();
    let other = env.token("SENTINELotherprof", TokenSpec::all(OTHER_STORE, Level::ReadOnly));
    // Keyring entries are shared by the whole test binary: a name of this test's own.
    let second = format!("{}-other", env.profile);
    env.init_offline(&second, OTHER_STORE, &other, &[]);
    // 1 MB of DEL and `x`: escaped in TOML as it was kept before, it made a 3.5 MB file; all DEL,
    // 6 MB, over the 4 MiB the loader reads.
    env.fake.add_store(STORE, &"\u{7f}x".repeat(500_000));
    // Not derived from the name: a megabyte domain and URL would push the answer over the 1 MiB read.
    env.fake.set_domain(STORE, "big.example");
    let token = env.token("SENTINELhugename1", TokenSpec::all(STORE, Level::Modify));
    let out = env.init(&token, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let toml = env.profiles_toml();
    assert!(toml.len() < 4096, "profiles.toml is {} bytes", toml.len());
    let kept = format!("store_name = \"{}…\"", "x".repeat(199));
    assert!(toml.contains(&kept), "{toml}");
    for args in [
        &["status", "--json"][..],
        &["verify"],
        &["verify", "--profile", &second],
    ] {
        let out = env.run(args, "");
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let status = env.run(&["status", "--json"], "").json();
    assert_eq!(status["profiles"].as_array().map(Vec::len), Some(2), "{status}");

    // All DEL: nothing is left of the name, and the file stays small.
    env.fake.add_store(STORE, &"\u{7f}".repeat(1_000_000));
    let out = env.run(&["verify"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(env.profiles_toml().len() < 4096);
    assert_eq!(env.run(&["status"], "").code, 0);
}

#[test]
fn a_credentials_file_with_a_malformed_token_is_an_input_error_without_its_bytes() {
    let env = TestEnv::new();
    let dir = env.root.path();
    let cases = [
        (
            "esc.txt",
            "ACCESS TOKEN: abc\u{1b}]52;c;cm0gLXJmIH4=\u{7}def\u{1b}[2J\n",
        ),
        ("nul.txt", "ACCESS TOKEN: abc\u{0}\u{0}def\n"),
        ("bidi.txt", "ACCESS TOKEN: abcdef\u{202e}ghijkl\n"),
    ];
    for (name, contents) in cases {
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        let out = env.run(
            &[
                "init",
                "--token-type",
                "api",
                "--name",
                "Migration bot",
                "--access",
                "read-only",
                "--credentials-file",
                path.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert_no_raw_control(&out, name);
        assert!(
            !out.stderr.contains("]52;") && !out.stderr.contains("cm0g"),
            "{}",
            out.stderr
        );
        assert!(env.fake.requests().is_empty());
    }
    // A file name bcsetup prints is escaped too.
    let odd = dir.join("creds\u{1b}[2J\r✓.txt");
    std::fs::create_dir(&odd).unwrap();
    let out = env.run(&["init", "--credentials-file", odd.to_str().unwrap()], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_no_raw_control(&out, "a directory with an odd name");
    assert!(
        out.stderr.contains("creds\\u{1b}[2J\\u{d}✓.txt"),
        "{}",
        out.stderr
    );
    assert_eq!(env.profiles_toml(), "");
}

#[test]
fn the_token_is_never_kept_as_a_non_secret_value() {
    let mut env = keyring_env!();
    let other = env.token(
        "sentinelother000000000000000001",
        TokenSpec::all(STORE, Level::ReadOnly),
    );
    env.init_offline(&format!("{}-other", env.profile), STORE, &other, &[]);
    let before = env.profiles_toml();
    // Lowercase letters and digits, as BigCommerce makes them: also a valid store hash.
    let token = env.token(
        "sentinelcopy0000000000000000001",
        TokenSpec::all(STORE, Level::Modify),
    );
    let upper = token.to_uppercase();
    let cases: [(&[&str], &[&str]); 4] = [
        (&["--client-id", &token], &["--client-id / BCSETUP_CLIENT_ID"]),
        (&["--name", &token], &["--name / BCSETUP_ACCOUNT_NAME"]),
        (
            &["--client-id", &upper, "--scopes", "nope"],
            &["--scopes", "--client-id / BCSETUP_CLIENT_ID"],
        ),
        (&["--profile", &token], &["--profile / BCSETUP_PROFILE"]),
    ];
    for (extra, sources) in cases {
        let mut args = vec!["init", "--token-type", "api", "--access", "modify"];
        args.extend(["--store-hash", STORE, "--access-token-stdin"]);
        if !extra.contains(&"--name") {
            args.extend(["--name", "Migration bot"]);
        }
        args.extend_from_slice(extra);
        let out = env.run(&args, &format!("{token}\n"));
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
        for source in sources {
            assert!(out.stderr.contains(source), "{extra:?}: {}", out.stderr);
        }
        assert!(out.stderr.contains("this is the access token"), "{}", out.stderr);
        assert!(
            !out.stderr.to_lowercase().contains(&token),
            "never echoed: {}",
            out.stderr
        );
        assert_eq!(env.profiles_toml(), before, "{extra:?}");
        assert!(env.fake.requests().is_empty(), "{extra:?}");
    }
    let out = env.run(
        &[
            "init",
            "--token-type",
            "api",
            "--name",
            "Migration bot",
            "--access",
            "modify",
            "--store-hash",
            &token,
            "--access-token-stdin",
        ],
        &format!("{token}\n"),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--store-hash"), "{}", out.stderr);
    assert_eq!(env.profiles_toml(), before);
}
