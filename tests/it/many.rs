//! Many stores at once: `verify --all` (one row per profile in name order, the JSON array, the worst
//! row's exit code, bounded parallelism, a 429 on one store, every pass recorded, Ctrl-C) and
//! `status --check` (each problem, `--max-age`, `--json`, `--quiet`, no network, no profiles).

use std::time::Duration;

use crate::support::pty::{CTRL_C, Pty};
use crate::support::{Fault, Level, TestEnv, TokenSpec};

/// The store of profile `i`: one per profile, so each has its own rate limit and in-flight count.
fn store(i: usize) -> String {
    format!("mstore{i:02}")
}

/// Profile `name` for a new store of its own, stored offline in the secrets file (read-only, the
/// eight migration scopes), with a token that has every scope at `level`.
fn profile(env: &mut TestEnv, name: &str, i: usize, level: Level) -> String {
    let hash = store(i);
    env.fake.add_store(&hash, &format!("Store {i}"));
    let token = env.token(
        &format!("SENTINELmany{i:04}xxxxxxxxxxxx"),
        TokenSpec::all(&hash, level),
    );
    env.init_offline(name, &hash, &token, &["--insecure-storage"]);
    token
}

fn verify(env: &TestEnv, name: &str) {
    let out = env.run(&["verify", "--profile", name], "");
    assert_eq!(out.code, 0, "verify {name}: {}", out.stderr);
}

fn profiles_toml(env: &TestEnv) -> toml::Table {
    toml::from_str(&env.profiles_toml()).expect("profiles.toml parses")
}

fn verified_at(env: &TestEnv, name: &str) -> Option<String> {
    profiles_toml(env)["profiles"][name]
        .get("verified_at")
        .map(ToString::to_string)
}

/// Seven profiles, one of each result (names sort in this order).
fn mixed(env: &mut TestEnv) {
    profile(env, "a-ok", 1, Level::ReadOnly);
    let revoked = profile(env, "b-revoked", 2, Level::ReadOnly);
    let lost = profile(env, "c-lost", 3, Level::ReadOnly);
    profile(env, "d-missing", 4, Level::None);
    // Never registered on the fake: BigCommerce rejects it.
    env.fake.add_store(&store(5), "Store 5");
    let unknown = env.secret("SENTINELmanyunknownxxxxxxxxxxxx");
    env.init_offline("e-rejected", &store(5), &unknown, &["--insecure-storage"]);
    profile(env, "f-unreachable", 6, Level::ReadOnly);
    profile(env, "g-storage", 7, Level::ReadOnly);
    for name in ["a-ok", "b-revoked", "c-lost"] {
        verify(env, name);
    }
    env.fake.revoke(&revoked);
    env.fake.add_token(
        &lost,
        TokenSpec::all(&store(3), Level::ReadOnly).with("products", Level::None),
    );
    env.fake.fail_store(&store(6), Some(Fault::Status(503)));
    std::fs::remove_file(env.config_dir().join("secrets/g-storage.toml")).expect("remove a secrets file");
}

#[test]
fn verify_all_gives_one_row_per_profile_and_the_worst_code_by_the_ranking() {
    let mut env = TestEnv::new();
    mixed(&mut env);
    let before = verified_at(&env, "a-ok");
    // BCSETUP_PROFILE is set (the env's own profile): only a typed --profile conflicts with --all.
    let out = env.run(&["verify", "--all"], "");
    // storage (6) outranks revoked (3), scope (4) and unreachable (5).
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let rows: Vec<&str> = out.stderr.lines().collect();
    assert!(rows[0].starts_with("PROFILE"), "{}", out.stderr);
    for (row, (name, result)) in rows[1..].iter().zip([
        ("a-ok", "ok"),
        ("b-revoked", "revoked"),
        ("c-lost", "scope lost"),
        ("d-missing", "scope missing"),
        ("e-rejected", "rejected"),
        ("f-unreachable", "unreachable"),
        ("g-storage", "storage"),
    ]) {
        assert!(
            row.starts_with(name) && row.contains(result),
            "{name}: {row}\n{}",
            out.stderr
        );
    }
    assert!(rows[3].contains("Products read-only → none"), "{}", out.stderr);
    assert!(
        out.stderr.trim_end().ends_with(
            "1 ok, 1 revoked, 1 rejected, 1 scope lost, 1 scope missing, 1 unreachable, 1 storage"
        ),
        "{}",
        out.stderr
    );
    assert_ne!(verified_at(&env, "a-ok"), before, "the pass was not recorded");
    assert_eq!(verified_at(&env, "e-rejected"), None);
    crate::assert_screen!(&env, "many_verify_all_table", out.stderr.trim_end());

    let json = env.run(&["verify", "--all", "--json"], "");
    assert_eq!(json.code, 6, "{}", json.stderr);
    let doc = json.json();
    let list = doc.as_array().expect("a JSON array");
    let got: Vec<(&str, &str, u64)> = list
        .iter()
        .map(|r| {
            (
                r["profile"].as_str().unwrap(),
                r["result"].as_str().unwrap(),
                r["code"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a-ok", "ok", 0),
            ("b-revoked", "revoked", 3),
            ("c-lost", "scope-lost", 4),
            ("d-missing", "scope-missing", 4),
            ("e-rejected", "rejected", 3),
            ("f-unreachable", "unreachable", 5),
            ("g-storage", "storage", 6),
        ]
    );
    assert_eq!(list[0]["ok"], true);
    assert_eq!(list[0]["recorded"], true);
    assert!(
        list[0]["scopes"].as_array().is_some_and(|s| !s.is_empty()),
        "{}",
        list[0]
    );
    assert_eq!(list[1]["ok"], false);
    assert_eq!(list[1]["error"]["kind"], "revoked");
    assert_eq!(list[6]["error"]["kind"], "storage");
    assert_eq!(list[6]["store"]["hash"], store(7));
    assert_eq!(list[5]["token_type"], "api");

    // Without the storage failure, revoked (3) outranks unreachable (5), though smaller.
    assert_eq!(
        env.run(&["remove", "--profile", "g-storage", "--yes"], "").code,
        0
    );
    let out = env.run(&["verify", "--all", "--quiet"], "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    // --quiet: the rows that are not ok, no summary.
    assert!(
        !out.stderr.contains("a-ok") && out.stderr.contains("b-revoked"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(" ok,"), "{}", out.stderr);
    assert!(env.fake.created().is_empty(), "{:?}", env.fake.created());
}

#[test]
fn verify_all_is_bounded_records_every_pass_and_waits_out_a_429_on_one_store() {
    let mut env = TestEnv::new();
    let names: Vec<String> = (0..12).map(|i| format!("p{i:02}")).collect();
    for (i, name) in names.iter().enumerate() {
        profile(&mut env, name, i + 10, Level::ReadOnly);
    }
    // Sixteen at a time, no latency: records land together and none may be lost.
    let out = env.run(&["verify", "--all", "--jobs", "16"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    for name in &names {
        assert!(
            verified_at(&env, name).is_some(),
            "{name} not recorded:\n{}",
            env.profiles_toml()
        );
    }
    assert!(out.stderr.contains("12 ok"), "{}", out.stderr);

    // With latency, at most four stores have requests in flight at once (and more than one does).
    env.fake.set_latency(Duration::from_millis(100));
    env.fake.clear_log();
    // One store's first answer is a 429 with a short reset: it waits, retries and passes.
    env.fake.fail_store_next(
        &store(13),
        1,
        Fault::RateLimited {
            reset_ms: 300,
            retry_after_s: None,
        },
    );
    let out = env.run(&["verify", "--all", "--json"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let max = env.fake.max_stores_in_flight();
    assert!((2..=4).contains(&max), "{max} stores in flight at once");
    let doc = out.json();
    assert!(
        doc.as_array().unwrap().iter().all(|r| r["result"] == "ok"),
        "{doc}"
    );
    let to_13 = env
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with(&format!("/stores/{}/", store(13))))
        .count();
    let to_14 = env
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with(&format!("/stores/{}/", store(14))))
        .count();
    assert_eq!(to_13, to_14 + 1, "the 429 was retried once");

    env.fake.clear_log();
    let out = env.run(&["verify", "--all", "--jobs", "1"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.fake.max_stores_in_flight(), 1);
}

#[test]
fn verify_all_needs_profiles_and_refuses_a_typed_profile() {
    let env = TestEnv::new();
    let out = env.run(&["verify", "--all"], "");
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains("bcsetup init"), "{}", out.stderr);
    let json = env.run(&["verify", "--all", "--json"], "").json();
    assert_eq!(json["error"]["kind"], "profile_not_found");
    assert_eq!(json["error"]["code"], 7);
    let out = env.run(&["verify", "--all", "--profile", "x"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--all"), "{}", out.stderr);
    assert_eq!(env.run(&["status", "--check"], "").code, 7);
    assert!(env.fake.requests().is_empty());
}

#[test]
fn verify_all_reads_the_real_keyring_and_tells_a_missing_entry() {
    let mut env = crate::keyring_env!();
    let ss = env.keyring.expect("keyring env");
    let names: Vec<String> = (0..3).map(|i| format!("{}-k{i}", env.profile)).collect();
    for (i, name) in names.iter().enumerate() {
        let hash = store(40 + i);
        env.fake.add_store(&hash, "Keyring store");
        let token = env.token(
            &format!("SENTINELmanykeyring{i}xxxxxxxxxxxx"),
            TokenSpec::all(&hash, Level::ReadOnly),
        );
        env.init_offline(name, &hash, &token, &[]);
        assert!(env.keyring_has_user(name));
    }
    let cleared = std::process::Command::new("secret-tool")
        .args(["clear", "service", "bcsetup", "username", &names[2]])
        .envs(ss.envs())
        .status()
        .expect("secret-tool clear");
    assert!(cleared.success());
    let out = env.run(&["verify", "--all", "--json"], "");
    assert_eq!(out.code, 6, "{}", out.stderr);
    let doc = out.json();
    let mine: Vec<&serde_json::Value> = doc
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| names.iter().any(|n| r["profile"] == n.as_str()))
        .collect();
    let results: Vec<&str> = mine.iter().map(|r| r["result"].as_str().unwrap()).collect();
    assert_eq!(results, ["ok", "ok", "storage"]);
    assert!(verified_at(&env, &names[0]).is_some() && verified_at(&env, &names[1]).is_some());
    for name in &names {
        let _ = env.run(&["remove", "--profile", name, "--yes"], "");
    }
}

#[test]
fn ctrl_c_during_verify_all_ends_calmly_with_the_finished_ones_recorded() {
    let mut env = TestEnv::new();
    let names: Vec<String> = (0..8).map(|i| format!("c{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        profile(&mut env, name, 60 + i, Level::ReadOnly);
    }
    env.fake.set_latency(Duration::from_millis(600));
    // indicatif draws its progress line only for a terminal with a TERM.
    let mut cmd = env.std_cmd(&["verify", "--all", "--jobs", "2"]);
    cmd.env("TERM", "xterm");
    let mut pty = Pty::spawn_cmd(cmd);
    pty.expect("2/8");
    pty.send(CTRL_C);
    let (code, screen) = pty.finish();
    assert_eq!(code, 130, "{screen}");
    assert!(
        screen.contains("cancelled: the profiles verified so far were recorded"),
        "{screen}"
    );
    let recorded = names.iter().filter(|n| verified_at(&env, n).is_some()).count();
    assert!(
        (2..8).contains(&recorded),
        "{recorded} recorded:\n{}",
        env.profiles_toml()
    );
    let left: Vec<_> = crate::support::files_under(&env.config_dir())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".bcsetup-tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Write profiles.toml by hand: `change` edits the parsed table.
fn edit_profiles(env: &TestEnv, change: impl FnOnce(&mut toml::Table)) {
    let mut table = profiles_toml(env);
    change(&mut table);
    let path = env.config_dir().join("profiles.toml");
    std::fs::write(&path, toml::to_string(&table).unwrap()).expect("write profiles.toml");
}

#[test]
fn status_check_names_each_problem_without_network_or_keyring() {
    let mut env = TestEnv::new();
    for (i, name) in ["fine", "old", "rotating", "unverified"].iter().enumerate() {
        profile(&mut env, name, 80 + i, Level::ReadOnly);
    }
    for name in ["fine", "old", "rotating"] {
        verify(&env, name);
    }
    env.fake.clear_log();
    let out = env.run(&["status", "--check"], "");
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert!(
        out.stderr.contains("`unverified` was never verified"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 of 4 profiles need attention"),
        "{}",
        out.stderr
    );

    edit_profiles(&env, |t| {
        let profiles = t["profiles"].as_table_mut().unwrap();
        profiles["old"]["created_at"] = toml::Value::String("2020-01-01T00:00:00Z".into());
        let pending = profiles["rotating"].clone();
        t.insert(
            "pending".into(),
            toml::Value::Table(toml::Table::from_iter([("rotating".to_owned(), pending)])),
        );
    });
    let json = env.run(&["status", "--check", "--json"], "");
    assert_eq!(json.code, 8, "{}", json.stderr);
    let doc = json.json();
    assert_eq!(doc["ok"], false);
    let problems = |doc: &serde_json::Value, name: &str| -> Vec<String> {
        let row = doc["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()
            .clone();
        row["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(problems(&doc, "fine"), Vec::<String>::new());
    assert_eq!(problems(&doc, "old"), ["too-old"]);
    assert_eq!(problems(&doc, "rotating"), ["mid-rotation"]);
    assert_eq!(problems(&doc, "unverified"), ["unverified"]);

    let screen = env.run(&["status", "--check", "--profile", "fine"], "");
    assert_eq!(screen.code, 8);
    let mut settings = crate::support::snapshot::settings(&env);
    settings.add_filter(r"\b\d+[smhd]\b", "[AGE]");
    settings.add_filter(r"\b\d+ days old", "[N] days old");
    settings.bind(|| insta::assert_snapshot!("many_status_check_problems", screen.stderr.trim_end()));

    // --quiet: only the problems. --max-age past the old one's age: it is no longer one.
    let quiet = env.run(&["status", "--check", "--quiet", "--max-age", "100000"], "");
    assert_eq!(quiet.code, 8);
    assert_eq!(quiet.stderr.lines().count(), 2, "{}", quiet.stderr);
    assert!(
        !quiet.stderr.contains("days old") && !quiet.stderr.contains("PROFILE"),
        "{}",
        quiet.stderr
    );

    // A rotation whose run still owns the profile is alive, not left behind.
    let lock = std::fs::File::open(env.config_dir().join("locks/rotating.lock")).expect("owner lock file");
    fs4::fs_std::FileExt::lock_exclusive(&lock).expect("hold the owner lock");
    let doc = env.run(&["status", "--check", "--json"], "").json();
    assert_eq!(problems(&doc, "rotating"), Vec::<String>::new());
    drop(lock);

    for name in ["old", "rotating", "unverified"] {
        assert_eq!(env.run(&["remove", "--profile", name, "--yes"], "").code, 0);
    }
    env.fake.clear_log();
    let good = env.run(&["status", "--check", "--quiet"], "");
    assert_eq!((good.code, good.stderr.as_str()), (0, ""));
    let good = env.run(&["status", "--check", "--json"], "");
    assert_eq!(good.code, 0);
    assert_eq!(good.json()["ok"], true);
    // No request, and no keyring: this env's D-Bus address leads nowhere.
    assert!(env.fake.requests().is_empty(), "status --check made a request");
}
