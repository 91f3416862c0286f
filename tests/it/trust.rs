//! What bcsetup trusts on disk: a config directory or file that another user owns or can write is
//! refused with the fix (as ssh refuses a shared `~/.ssh`), killed writes leave no token behind, and
//! a keyring entry another tool stored with a newline still works.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::keyring_env;
use crate::support::{Level, STORE, TestEnv, TokenSpec};

fn chmod(path: &std::path::Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_config_others_can_write_or_own_is_refused_with_the_fix() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELtrust00001", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&token, &["--access", "read-only", "--insecure-storage"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let dir = env.config_dir();
    let toml = dir.join("profiles.toml");
    let secrets = dir.join(format!("secrets/{}.toml", env.profile));

    // Another local user could swap profiles.toml and the secrets file for their own.
    for (path, mode, fix, code) in [
        (&dir, 0o777, "chmod 700", 2),
        (&dir, 0o770, "chmod 700", 2),
        (&toml, 0o666, "chmod 600", 2),
        (&secrets, 0o644, "chmod 600", 6),
        (&dir.join("secrets"), 0o755, "chmod 700", 6),
    ] {
        let before = fs::metadata(path).unwrap().permissions().mode() & 0o777;
        chmod(path, mode);
        for args in [&["exec", "--", "true"][..], &["status"], &["verify"]] {
            let out = env.run(args, "");
            // `status` reads no secrets: a shared secrets file is for the commands that do.
            if args == ["status"] && code == 6 {
                assert_eq!(out.code, 0, "{args:?} {}: {}", path.display(), out.stderr);
                continue;
            }
            assert_eq!(
                out.code,
                code,
                "{args:?} {} {mode:o}: {}",
                path.display(),
                out.stderr
            );
            assert!(
                out.stderr.contains(fix),
                "{args:?}: `{fix}` not in:\n{}",
                out.stderr
            );
        }
        chmod(path, before);
    }
    if nix::unistd::geteuid().is_root() {
        std::os::unix::fs::chown(&toml, Some(65534), None).unwrap();
        let out = env.run(&["exec", "--", "true"], "");
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("belongs to another user"), "{}", out.stderr);
        std::os::unix::fs::chown(&toml, Some(0), None).unwrap();
    } else {
        crate::support::skip("not root: a file of another owner cannot be made here");
    }
    assert_eq!(
        env.run(&["exec", "--", "true"], "").code,
        0,
        "fixed, it works again"
    );
}

#[test]
fn remove_leaves_no_copy_of_the_token_from_killed_writes() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELtemp000001", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&token, &["--access", "read-only", "--insecure-storage"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let secrets = env.config_dir().join("secrets");
    // What a SIGKILL between the write and the rename leaves: this version's names and the old ones.
    let body = format!("access_token = \"{token}\"\n");
    for name in [
        format!(".{}.toml.k1ll3d.bcsetup-tmp", env.profile),
        ".bcsetup-Xy12ab.tmp".into(),
    ] {
        fs::write(secrets.join(name), &body).unwrap();
        chmod(&secrets, 0o700);
    }
    let out = env.run(&["remove", "--yes"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    for file in crate::support::files_under(&env.config_dir()) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        assert!(!text.contains(&token), "{} still holds the token", file.display());
    }
}

#[test]
fn a_keyring_entry_with_a_newline_works_with_a_warning() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELnewline001", TokenSpec::all(STORE, Level::ReadOnly));
    assert_eq!(env.init(&token, &["--access", "read-only"]).code, 0);
    // `secret-tool store` from a pipe keeps the newline `echo` adds.
    env.keyring
        .unwrap()
        .store("bcsetup", &env.profile, &format!("{token}\n"));
    let out = env.run(&["verify"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("a newline around it"), "{}", out.stderr);
    let printed = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    assert_eq!(
        printed.stdout,
        format!("{token}\n"),
        "exactly the token, once trimmed"
    );
}
