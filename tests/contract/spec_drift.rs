//! The spec-drift check: re-derives `tests/data/probe-contract.toml` from BigCommerce's OpenAPI specs and
//! fails on any difference.
//!
//! Not part of a plain `cargo test` (the specs are not in this repository: bigcommerce/docs has no
//! licence). Run it against the `reference/` folder of a bigcommerce/docs checkout:
//!
//! ```text
//! BCSETUP_OPENAPI_DIR=path/to/docs/reference cargo test --test spec-drift
//! ```
//!
//! Spec files are found by name anywhere below that folder. The commit the specs were read at comes from `BCSETUP_OPENAPI_COMMIT`, else from a `SOURCE.txt` beside
//! the specs, else from `git rev-parse HEAD` in that folder. On drift the test prints every difference and
//! the whole fixture as it should now read.
#![allow(
    unreachable_pub,
    reason = "a test, bench or example crate has no public API to keep narrow"
)]
#![allow(
    clippy::disallowed_methods,
    clippy::print_stderr,
    reason = "a test program: its inputs are its own environment variables, its report goes to stderr"
)]

#[path = "fixture.rs"]
mod fixture;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use fixture::{Contract, PathId, Probe, Purpose, Rule};
use serde_json::Value as Json;
use serde_yaml_ng::Value as Yaml;

#[test]
fn probe_contract_matches_the_openapi_specs() {
    let Some(dir) = std::env::var_os("BCSETUP_OPENAPI_DIR").map(PathBuf::from) else {
        panic!(
            "BCSETUP_OPENAPI_DIR is not set: point it at the reference/ folder of a bigcommerce/docs \
             checkout (this check is run on purpose, never skipped)"
        );
    };
    assert!(
        dir.is_dir(),
        "BCSETUP_OPENAPI_DIR={} is not a folder",
        dir.display()
    );
    let commit = upstream_commit(&dir);
    let contract = fixture::load();
    let derived = Contract {
        probe: contract.probe.iter().map(|p| derive(&dir, &commit, p)).collect(),
    };
    let mut drift = String::new();
    for (probe, fresh) in contract.probe.iter().zip(&derived.probe) {
        for problem in fresh.check_safety() {
            let _ = writeln!(drift, "- {}: unsafe by the spec: {problem}", probe.request());
        }
        if fresh != probe {
            let _ = writeln!(drift, "- {}: {}", probe.request(), differences(probe, fresh));
        }
    }
    assert!(
        drift.is_empty(),
        "tests/data/probe-contract.toml has drifted from the specs in {}:\n{drift}\n\
         Review each difference against the catalog (src/bigcommerce/scopes/catalog.rs); if the probes are still \
         safe, replace the fixture's entries with:\n\n{}",
        dir.display(),
        render(&derived)
    );
    eprintln!(
        "{} probes match the specs in {} at {commit}",
        contract.probe.len(),
        dir.display()
    );
}

fn upstream_commit(dir: &Path) -> String {
    if let Some(commit) = std::env::var_os("BCSETUP_OPENAPI_COMMIT") {
        return commit.to_string_lossy().into_owned();
    }
    let from_source = std::fs::read_to_string(dir.join("SOURCE.txt"))
        .ok()
        .and_then(|text| {
            text.split(|c: char| !c.is_ascii_hexdigit())
                .find(|w| w.len() == 40)
                .map(str::to_owned)
        });
    let from_git = || {
        let out = std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(dir)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    from_source.or_else(from_git).unwrap_or_else(|| {
        panic!(
            "cannot tell which bigcommerce/docs commit {} holds: set BCSETUP_OPENAPI_COMMIT",
            dir.display()
        )
    })
}

/// The entry as the spec describes the probe's request. The request itself (scope, purpose, method,
/// path, body, spec file) is the fixture's; everything else comes from the YAML.
fn derive(dir: &Path, commit: &str, probe: &Probe) -> Probe {
    let ctx = format!("{} {} ({})", probe.method, probe.path, probe.spec);
    let file = find_spec(dir, &probe.spec);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let spec: Yaml = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{ctx}: {e}"));
    let (path, query) = probe.path.split_once('?').unwrap_or((&probe.path, ""));
    let (version, rest) = ["v2", "v3"]
        .into_iter()
        .find_map(|v| Some((v, path.strip_prefix('/')?.strip_prefix(v)?)))
        .unwrap_or_else(|| panic!("{ctx}: the path must start with /v2/ or /v3/"));
    let server = format!("https://api.bigcommerce.com/stores/{{store_hash}}/{version}");
    assert_eq!(
        spec["servers"][0]["url"].as_str(),
        Some(server.as_str()),
        "{ctx}: server URL"
    );
    let Some((template, item)) = find_path(&spec, rest) else {
        panic!("{ctx}: the spec has no path matching {rest}")
    };
    let op = &item[probe.method.to_ascii_lowercase().as_str()];
    assert!(op.is_mapping(), "{ctx}: {template} has no {}", probe.method);
    let params = parameters(&spec, item, op);
    let query: Vec<String> = query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| q.split('=').next().unwrap_or(q).to_owned())
        .collect();
    for name in &query {
        assert!(
            parameter(&params, "query", name).is_some(),
            "{ctx}: no query parameter {name}"
        );
    }
    let ids = path_ids(&spec, &params, (template, rest), &ctx);
    let body = probe.body.as_deref().map(|b| {
        serde_json::from_str::<Json>(b).unwrap_or_else(|e| panic!("{ctx}: the body is not JSON: {e}"))
    });
    let required = body
        .as_ref()
        .map(|b| body_required(&spec, op, b, &ctx))
        .unwrap_or_default();
    let rule = match probe.method.as_str() {
        "GET" => Rule::Read,
        "PUT" if !ids.is_empty() && ids.iter().all(|id| id.value == "0" && id.integer) => Rule::IdCannotExist,
        "POST" | "PUT" if body.as_ref().is_some_and(|b| fixture::lacks(b, &required)) => {
            Rule::RequiredFieldsMissing
        }
        other => panic!("{ctx}: nothing in the spec stops this {other} from changing data"),
    };
    Probe {
        template: format!("/{version}{template}"),
        operation: op["operationId"].as_str().unwrap_or_default().to_owned(),
        guard: guard(&spec, probe),
        commit: commit.to_owned(),
        rule,
        query,
        ids,
        required,
        ..probe.clone()
    }
}

/// The one file of that name below `dir`: bigcommerce/docs keeps some specs in subfolders
/// (`reference/catalog/products_catalog.v3.yml`), a flat copy of the specs keeps none.
fn find_spec(dir: &Path, name: &str) -> PathBuf {
    fn walk(dir: &Path, name: &str, found: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&path, name, found);
            } else if entry.file_name() == name {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, name, &mut found);
    match <[PathBuf; 1]>::try_from(found) {
        Ok([path]) => path,
        Err(found) => panic!(
            "{name}: expected one file below {}, found {found:?}",
            dir.display()
        ),
    }
}

/// The fixture's guard when the spec's scope table lists it at the Modify level (or, for the token
/// check, `""` when the spec says no scope is required); otherwise what the table does list.
fn guard(spec: &Yaml, probe: &Probe) -> String {
    let table = spec["components"]["securitySchemes"]["X-Auth-Token"]["description"]
        .as_str()
        .unwrap_or_default();
    let modify: Vec<&str> = table
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells.len() > 3 && cells[2] == "modify").then(|| cells[3].trim_matches('`'))
        })
        .collect();
    let none = modify.is_empty() && table.contains("None required");
    match probe.purpose {
        Purpose::Token if none => String::new(),
        _ if modify.contains(&probe.guard.as_str()) => probe.guard.clone(),
        _ => format!("not listed; the spec lists [{}]", modify.join(", ")),
    }
}

/// The fields the spec requires of each object the body sends. For `oneOf`/`anyOf`, the fields every
/// alternative requires, so a body lacking one of them is invalid whichever alternative is tried.
fn body_required(spec: &Yaml, op: &Yaml, body: &Json, ctx: &str) -> Vec<String> {
    let content = &resolve(spec, &op["requestBody"])["content"];
    // themes.v3.yml documents its upload only as multipart/form-data.
    let media = ["application/json", "multipart/form-data"]
        .into_iter()
        .find_map(|m| content.get(m))
        .unwrap_or_else(|| panic!("{ctx}: no request schema"));
    let mut schema = resolve(spec, &media["schema"]);
    if body.is_array() {
        schema = items(spec, schema).unwrap_or_else(|| panic!("{ctx}: an array body for a non-array schema"));
    }
    let mut fields = object_required(spec, schema);
    fields.sort();
    fields.dedup();
    fields
}

fn object_required(spec: &Yaml, schema: &Yaml) -> Vec<String> {
    let schema = resolve(spec, schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Yaml::as_sequence) {
            let mut sets = alternatives.iter().map(|a| object_required(spec, a));
            let first = sets.next().unwrap_or_default();
            return sets.fold(first, |acc, set| {
                acc.into_iter().filter(|f| set.contains(f)).collect()
            });
        }
    }
    let own = schema
        .get("required")
        .and_then(Yaml::as_sequence)
        .into_iter()
        .flatten();
    let parts = schema
        .get("allOf")
        .and_then(Yaml::as_sequence)
        .into_iter()
        .flatten();
    own.filter_map(Yaml::as_str)
        .map(str::to_owned)
        .chain(parts.flat_map(|part| object_required(spec, part)))
        .collect()
}

/// The operation's parameters, with those declared for the whole path, `$ref`s resolved.
fn parameters<'a>(spec: &'a Yaml, item: &'a Yaml, op: &'a Yaml) -> Vec<&'a Yaml> {
    [item, op]
        .into_iter()
        .filter_map(|node| node.get("parameters")?.as_sequence())
        .flatten()
        .map(|p| resolve(spec, p))
        .collect()
}

fn parameter<'a>(params: &[&'a Yaml], location: &str, name: &str) -> Option<&'a Yaml> {
    params
        .iter()
        .copied()
        .find(|p| p["in"].as_str() == Some(location) && p["name"].as_str() == Some(name))
}

/// The values the request puts in the template's `{…}` segments, with whether the spec types each as an
/// integer.
fn path_ids(spec: &Yaml, params: &[&Yaml], (template, path): (&str, &str), ctx: &str) -> Vec<PathId> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(pattern, value)| {
            let name = pattern.strip_prefix('{')?.strip_suffix('}')?;
            let declared =
                parameter(params, "path", name).unwrap_or_else(|| panic!("{ctx}: {name} undeclared"));
            let integer = resolve(spec, &declared["schema"])["type"].as_str() == Some("integer");
            Some(PathId {
                name: name.to_owned(),
                value: value.to_owned(),
                integer,
            })
        })
        .collect()
}

/// The path template a concrete path (below `/v2` or `/v3`) matches, preferring the most literal one
/// (`/orders/count` over `/orders/{order_id}`), as a router does.
fn find_path<'a>(spec: &'a Yaml, path: &str) -> Option<(&'a str, &'a Yaml)> {
    let segments: Vec<&str> = path.split('/').collect();
    let matches = |template: &str| {
        let patterns: Vec<&str> = template.split('/').collect();
        patterns.len() == segments.len()
            && patterns
                .iter()
                .zip(&segments)
                .all(|(p, s)| p == s || p.starts_with('{'))
    };
    spec["paths"]
        .as_mapping()?
        .iter()
        .filter_map(|(template, item)| Some((template.as_str()?, item)))
        .filter(|(template, _)| matches(template))
        .max_by_key(|(template, _)| template.split('/').filter(|p| !p.starts_with('{')).count())
}

/// The item schema of an array schema, looking through `allOf`.
fn items<'a>(spec: &'a Yaml, schema: &'a Yaml) -> Option<&'a Yaml> {
    let schema = resolve(spec, schema);
    let mut parts = schema
        .get("allOf")
        .and_then(Yaml::as_sequence)
        .into_iter()
        .flatten();
    schema
        .get("items")
        .or_else(|| parts.find_map(|part| items(spec, part)))
        .map(|item| resolve(spec, item))
}

/// Follow `$ref`s within the same file (`#/components/...`).
fn resolve<'a>(spec: &'a Yaml, mut node: &'a Yaml) -> &'a Yaml {
    for _ in 0..32 {
        let Some(reference) = node.get("$ref").and_then(Yaml::as_str) else {
            return node;
        };
        let pointer = reference
            .strip_prefix("#/")
            .unwrap_or_else(|| panic!("external $ref {reference}"));
        node = pointer.split('/').fold(spec, |n, key| {
            &n[key.replace("~1", "/").replace("~0", "~").as_str()]
        });
        assert!(!node.is_null(), "dangling $ref {reference}");
    }
    panic!("$ref chain too long")
}

fn differences(old: &Probe, new: &Probe) -> String {
    let pairs = [
        ("commit", format!("{:?}", old.commit), format!("{:?}", new.commit)),
        (
            "template",
            format!("{:?}", old.template),
            format!("{:?}", new.template),
        ),
        (
            "operation",
            format!("{:?}", old.operation),
            format!("{:?}", new.operation),
        ),
        ("guard", format!("{:?}", old.guard), format!("{:?}", new.guard)),
        ("rule", format!("{:?}", old.rule), format!("{:?}", new.rule)),
        ("query", format!("{:?}", old.query), format!("{:?}", new.query)),
        ("ids", format!("{:?}", old.ids), format!("{:?}", new.ids)),
        (
            "required",
            format!("{:?}", old.required),
            format!("{:?}", new.required),
        ),
    ];
    pairs
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, a, b)| format!("{field} {a} -> {b}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The fixture's entries in the committed layout (one line per field, inline arrays).
fn render(contract: &Contract) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let list = |v: &[String]| format!("[{}]", v.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", "));
    let mut out = String::new();
    for p in &contract.probe {
        let _ = writeln!(out, "[[probe]]");
        let _ = writeln!(out, "scope = {}", quote(&p.scope));
        let _ = writeln!(out, "purpose = {}", token(&p.purpose));
        let _ = writeln!(out, "method = {}", quote(&p.method));
        let _ = writeln!(out, "path = {}", quote(&p.path));
        if let Some(body) = &p.body {
            let _ = writeln!(out, "body = {}", quote(body));
        }
        let _ = writeln!(out, "spec = {}", quote(&p.spec));
        let _ = writeln!(out, "commit = {}", quote(&p.commit));
        let _ = writeln!(out, "template = {}", quote(&p.template));
        let _ = writeln!(out, "operation = {}", quote(&p.operation));
        let _ = writeln!(out, "guard = {}", quote(&p.guard));
        let _ = writeln!(out, "rule = {}", token(&p.rule));
        if !p.query.is_empty() {
            let _ = writeln!(out, "query = {}", list(&p.query));
        }
        if !p.ids.is_empty() {
            let ids: Vec<String> = p
                .ids
                .iter()
                .map(|id| {
                    format!(
                        "{{ name = {}, value = {}, integer = {} }}",
                        quote(&id.name),
                        quote(&id.value),
                        id.integer
                    )
                })
                .collect();
            let _ = writeln!(out, "ids = [{}]", ids.join(", "));
        }
        if !p.required.is_empty() {
            let _ = writeln!(out, "required = {}", list(&p.required));
        }
        out.push('\n');
    }
    out
}

/// An enum value as the fixture spells it (serde's kebab-case name, quoted).
fn token(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
