//! `scopes`: the control-panel checklist is data the user asked for, so it goes to stdout.

use crate::support::TestEnv;

#[test]
fn scopes_prints_the_checklist_on_stdout() {
    let env = TestEnv::new();
    // No profile exists: `scopes` needs none.
    let out = env.run(&["scopes", "--access", "modify", "--name", "Migration bot"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let text = &out.stdout;
    for needle in [
        "Settings › Store-level API accounts › Create API Token",
        "Name: Migration bot",
        "shown only once",
        ".txt",
    ] {
        assert!(text.contains(needle), "missing `{needle}`:\n{text}");
    }
    let row = |name: &str| {
        text.lines()
            .find(|l| l.trim_start_matches([' ', '*']).starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{text}"))
            .to_owned()
    };
    assert!(
        row("Products").trim_end().ends_with("Modify"),
        "{}",
        row("Products")
    );
    assert!(row("Themes").trim_end().ends_with("None"), "{}", row("Themes"));
    assert!(
        text.lines().all(|l| l.chars().count() <= 80),
        "wider than 80 columns:\n{text}"
    );
    assert!(env.fake.requests().is_empty(), "scopes made a request");
}

#[test]
fn scopes_json_for_a_stencil_token() {
    let env = TestEnv::new();
    let out = env.run(
        &[
            "scopes",
            "--json",
            "--token-type",
            "stencil",
            "--access",
            "modify",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["token_type"], "stencil");
    assert_eq!(json["location"][2], "Create Stencil-CLI Token");
    assert_eq!(json["stencil_access"], "Publish theme");
    assert_eq!(json["scopes_settable"], false);
    let themes = json["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["scope"] == "themes")
        .cloned();
    assert_eq!(themes.map(|t| t["level"].clone()), Some("modify".into()));
}

#[test]
fn scopes_with_a_list_keeps_the_required_ones() {
    let env = TestEnv::new();
    let out = env.run(&["scopes", "--json", "--scopes", "products"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    let wanted: Vec<&str> = json["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["wanted"] == true)
        .filter_map(|r| r["scope"].as_str())
        .collect();
    assert_eq!(
        wanted,
        [
            "content",
            "information",
            "marketing",
            "products",
            "channel_settings",
            "channel_listings"
        ]
    );
}

#[test]
fn scopes_lists_every_bad_input_at_once() {
    let env = TestEnv::new();
    let out = env.run(&["scopes", "--scopes", "prodcts", "--name", "ab"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("--scopes") && out.stderr.contains("prodcts"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--name") && out.stderr.contains("at least 4"),
        "{}",
        out.stderr
    );
}
