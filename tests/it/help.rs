//! Help, completions and the man page: generated from the clap definitions, so they must list every
//! command, and the scripts must be valid for their shells.

use crate::support::{TestEnv, have};

const COMMANDS: [&str; 10] = [
    "init",
    "verify",
    "status",
    "token",
    "copy",
    "env",
    "exec",
    "remove",
    "scopes",
    "completions",
];

#[test]
fn every_command_has_help() {
    let env = TestEnv::new();
    let top = env.run(&["--help"], "");
    assert_eq!(top.code, 0);
    for command in COMMANDS {
        assert!(
            top.stdout.contains(command),
            "`{command}` missing from --help:\n{}",
            top.stdout
        );
        let out = env.run(&[command, "--help"], "");
        assert_eq!(out.code, 0, "{command} --help: {}", out.stderr);
        assert!(out.stdout.contains("Usage: bcsetup"), "{command}: {}", out.stdout);
    }
    let version = env.run(&["--version"], "");
    assert_eq!(
        version.stdout.trim(),
        format!("bcsetup {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_cover_every_command_and_parse_in_their_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = env.run(&["completions", shell], "");
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for command in COMMANDS {
            assert!(
                out.stdout.contains(command),
                "{shell} completions lack `{command}`"
            );
        }
        let checker = match shell {
            "bash" => Some(("bash", "-n")),
            "zsh" if have("zsh") => Some(("zsh", "-n")),
            "fish" if have("fish") => Some(("fish", "--no-execute")),
            _ => None,
        };
        if let Some((program, flag)) = checker {
            let file = env.root.path().join(format!("completions.{shell}"));
            std::fs::write(&file, &out.stdout).unwrap();
            let status = std::process::Command::new(program)
                .arg(flag)
                .arg(&file)
                .status()
                .unwrap();
            assert!(
                status.success(),
                "{program} {flag} rejects the {shell} completions"
            );
        }
    }
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let env = TestEnv::new();
    let out = env.run(&["man"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(".ie") || out.stdout.contains(".TH bcsetup"),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
    for command in COMMANDS {
        assert!(out.stdout.contains(command), "the man page lacks `{command}`");
    }
    assert!(
        !env.run(&["--help"], "").stdout.contains("\n  man "),
        "`man` stays hidden from --help"
    );
}
