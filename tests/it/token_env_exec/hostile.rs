//! `env` with hostile values (issue 15): every format, sourced by the real shells that are installed,
//! gives back exactly the stored values and runs nothing. The client ID comes from the user and the
//! token may be any visible ASCII, so both carry backticks, `$(…)`, `${…}`, `\`, `"`, `'` (and the
//! client ID a newline). A missing shell is skipped loudly and never counts as a pass.

use std::path::Path;

use super::{api_path, read};
use crate::support::{STORE, TestEnv, have, skip};

/// Visible ASCII without spaces, as a token may be: each `touch` would leave a file if run.
const TOKEN: &str = r#"SENTINEL'"`touch${IFS}pwned1`$(touch${IFS}pwned2)${HOME}\$HOME\n\"#;
/// Free text, as a client ID may be.
const CLIENT_ID: &str = "id `touch pwned3` $(touch pwned4) ${HOME} $HOME \\ \\\\ \" ' \nsecond line";

/// An offline profile holding the hostile values.
fn hostile() -> TestEnv {
    let mut env = TestEnv::new();
    let token = env.secret(TOKEN);
    let profile = env.profile.clone();
    env.init_offline(
        &profile,
        STORE,
        &token,
        &["--insecure-storage", "--client-id", CLIENT_ID],
    );
    env
}

/// `bcsetup env --format FORMAT` written to `<root>/<name>`.
fn env_file(env: &TestEnv, format: &str, name: &str) -> std::path::PathBuf {
    let args = ["env", "--format", format];
    let out = env.run_data(&mut env.cmd(&args), &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = env.root.path().join(name);
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// Run `program args…` in a fresh directory and return the NUL-separated values it printed, after
/// checking that no `touch` ran.
fn values_from(dir: &Path, program: &str, args: &[&str], file: &Path) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let out = std::process::Command::new(program)
        .args(args)
        .arg(file)
        .current_dir(dir)
        // Elsewhere: fish writes its config below HOME.
        .env("HOME", dir.with_extension("home"))
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        ran.is_empty(),
        "{program} {args:?} ran a command from the values: {ran:?}"
    );
    String::from_utf8_lossy(&out.stdout)
        .split('\0')
        .map(str::to_owned)
        .collect()
}

/// What every reader must give back, in the order the scripts below print them.
fn expected(env: &TestEnv) -> Vec<String> {
    vec![
        STORE.to_owned(),
        TOKEN.to_owned(),
        CLIENT_ID.to_owned(),
        api_path(env, STORE),
        String::new(),
    ]
}

const PRINT_SH: &str = r#"printf '%s\0' "$BIGCOMMERCE_STORE_HASH" "$BIGCOMMERCE_ACCESS_TOKEN" "$BIGCOMMERCE_CLIENT_ID" "$BIGCOMMERCE_API_PATH""#;

#[test]
fn sh_and_dotenv_output_sourced_by_sh_dash_and_bash_is_exact_and_inert() {
    let env = hostile();
    let sh = env_file(&env, "sh", "env.sh");
    let dotenv = env_file(&env, "dotenv", "dot.env");
    let mut ran = 0;
    for shell in ["sh", "dash", "bash"] {
        if !have(shell) {
            skip(&format!("{shell} is not installed"));
            continue;
        }
        ran += 1;
        let eval = format!(r#"eval "$(cat "$1")"; {PRINT_SH}"#);
        let dir = env.root.path().join(format!("{shell}-eval"));
        let got = values_from(&dir, shell, &["-c", &eval, shell], &sh);
        assert_eq!(got, expected(&env), "{shell}, eval of --format sh");
        let source = format!(r#"set -a; . "$1"; set +a; {PRINT_SH}"#);
        let dir = env.root.path().join(format!("{shell}-dotenv"));
        let got = values_from(&dir, shell, &["-c", &source, shell], &dotenv);
        assert_eq!(got, expected(&env), "{shell}, `set -a; . ./.env`");
    }
    assert!(ran > 0, "no POSIX shell at all");
    // The token and the client ID are double-quoted (they hold `'` and `\`), the rest single-quoted.
    let text = read(&dotenv);
    assert!(
        text.starts_with(&format!("BIGCOMMERCE_STORE_HASH='{STORE}'\n")),
        "{text}"
    );
    assert!(
        text.contains(r#"BIGCOMMERCE_ACCESS_TOKEN="SENTINEL'\"\`touch\${IFS}"#),
        "{text}"
    );
}

#[test]
fn fish_output_sourced_by_fish_is_exact_and_inert() {
    if !have("fish") {
        skip("fish is not installed");
        return;
    }
    let env = hostile();
    let file = env_file(&env, "fish", "env.fish");
    let script = r#"source $argv[1]; printf '%s\0' "$BIGCOMMERCE_STORE_HASH" "$BIGCOMMERCE_ACCESS_TOKEN" "$BIGCOMMERCE_CLIENT_ID" "$BIGCOMMERCE_API_PATH""#;
    let dir = env.root.path().join("fish");
    let got = values_from(&dir, "fish", &["--no-config", "-c", script], &file);
    assert_eq!(got, expected(&env));
}

#[test]
fn powershell_output_sourced_by_pwsh_is_exact_and_inert() {
    if !have("pwsh") {
        skip("pwsh (PowerShell) is not installed: the powershell format is checked by unit tests only");
        return;
    }
    let env = hostile();
    let file = env_file(&env, "powershell", "env.ps1");
    let script = format!(
        "{}foreach ($n in 'STORE_HASH','ACCESS_TOKEN','CLIENT_ID','API_PATH') {{ \
         [Console]::Out.Write((Get-Item \"Env:BIGCOMMERCE_$n\").Value + [char]0) }}\n",
        read(&file)
    );
    let ps1 = env.root.path().join("print.ps1");
    std::fs::write(&ps1, script).unwrap();
    let dir = env.root.path().join("pwsh");
    let got = values_from(&dir, "pwsh", &["-NoProfile", "-NonInteractive", "-File"], &ps1);
    assert_eq!(got, expected(&env));
}

/// python-dotenv, the most used dotenv reader: exact for values in the single-quoted form (every real
/// token and client ID). The hostile ones cannot be exact there (it keeps `\$` and `` \` `` as written,
/// and reads a value ending in `\` as an escaped closing quote), but nothing runs and the lines
/// before them are intact.
#[test]
fn python_dotenv_reads_the_dotenv_output() {
    let importable = std::process::Command::new("python3")
        .args(["-c", "import dotenv"])
        .status()
        .is_ok_and(|s| s.success());
    if !importable {
        skip("python3 with python-dotenv is not installed");
        return;
    }
    let read_back = |env: &TestEnv, file: &Path| {
        let script = "import sys, dotenv\nv = dotenv.dotenv_values(sys.argv[1])\nsys.stdout.write('\\0'.join(v.get(k) or '<missing>' for k in ['BIGCOMMERCE_STORE_HASH', 'BIGCOMMERCE_ACCESS_TOKEN', 'BIGCOMMERCE_CLIENT_ID', 'BIGCOMMERCE_API_PATH']) + '\\0')";
        values_from(&env.root.path().join("python"), "python3", &["-c", script], file)
    };
    let mut plain = TestEnv::new();
    let token = plain.secret("sentinelhyg0real1token2abc3def4");
    let profile = plain.profile.clone();
    plain.init_offline(
        &profile,
        STORE,
        &token,
        &["--insecure-storage", "--client-id", "abc123clientid"],
    );
    let file = env_file(&plain, "dotenv", "dot.env");
    let got = read_back(&plain, &file);
    let want = [
        STORE,
        token.as_str(),
        "abc123clientid",
        &api_path(&plain, STORE),
        "",
    ];
    assert_eq!(got, want);

    let env = hostile();
    let file = env_file(&env, "dotenv", "dot.env");
    let got = read_back(&env, &file);
    assert_eq!(got[0], STORE);
}
