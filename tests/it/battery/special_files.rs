//! Special files where bcsetup's own files should be, where a regression would not just fail but hang
//! or exhaust memory: each runs under `timeout -s KILL` and a 2 GB address-space limit, so it cannot
//! take the machine down. (A FIFO as profiles.toml is a row of the battery, whose per-row timeout is
//! enough for a hang.)

use std::path::Path;

use crate::support::{TestEnv, have, skip};

/// Run `args` through `sh` with `ulimit -v` and `timeout`; returns (exit code, stderr).
fn bounded(env: &TestEnv, args: &[&str]) -> (i32, String) {
    let std = env.std_cmd(args);
    let mut cmd = std::process::Command::new("sh");
    cmd.env_clear();
    for (key, value) in std.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd.arg("-c")
        .arg(r#"ulimit -v 2000000; exec timeout -s KILL 10 "$0" "$@""#)
        .arg(std.get_program());
    cmd.args(std.get_args());
    let out = cmd.output().expect("run sh");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(made.success());
}

fn usable() -> bool {
    let ok = have("timeout") && have("mkfifo");
    if !ok {
        skip("coreutils timeout and mkfifo are needed");
    }
    ok
}

#[test]
fn a_symlink_to_dev_zero_as_profiles_toml_is_refused_without_reading_it() {
    let env = TestEnv::new();
    if !usable() {
        return;
    }
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::os::unix::fs::symlink("/dev/zero", env.config_dir().join("profiles.toml")).unwrap();
    let (code, stderr) = bounded(&env, &["status"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        !stderr.contains("out of memory"),
        "read the device until memory ran out: {stderr}"
    );
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn a_fifo_as_the_insecure_secrets_file_is_refused_without_hanging() {
    let mut env = TestEnv::new();
    if !usable() {
        return;
    }
    let token = env.secret("SENTINELfifosecrets1");
    let profile = env.profile.clone();
    env.init_offline(&profile, crate::support::STORE, &token, &["--insecure-storage"]);
    let file = env.config_dir().join("secrets").join(format!("{profile}.toml"));
    std::fs::remove_file(&file).unwrap();
    mkfifo(&file);
    let (code, stderr) = bounded(&env, &["token"]);
    assert_eq!(code, 6, "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn a_fifo_as_the_lock_file_is_refused_without_hanging() {
    let mut env = TestEnv::new();
    if !usable() {
        return;
    }
    let token = env.secret("SENTINELfifolock0001");
    let profile = env.profile.clone();
    env.init_offline(&profile, crate::support::STORE, &token, &["--insecure-storage"]);
    let lock = env.config_dir().join("profiles.lock");
    std::fs::remove_file(&lock).unwrap();
    mkfifo(&lock);
    let (code, stderr) = bounded(&env, &["remove", "--yes"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("profiles.lock"), "{stderr}");
}
