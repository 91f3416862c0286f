//! Tests of the scope catalog, including the check of every probe against BigCommerce's OpenAPI specs.
use std::path::Path;

use serde_json::Value as Json;
use serde_yaml_ng::Value as Yaml;

use super::*;

#[test]
fn migration_set_is_the_eight_checklist_scopes() {
    assert_eq!(
        ScopeSet::migration().keys(),
        [
            "content",
            "customers",
            "information",
            "marketing",
            "orders",
            "products",
            "channel_settings",
            "channel_listings"
        ]
    );
}

#[test]
fn parse_keeps_required_scopes_and_catalog_order() {
    let set = ScopeSet::parse("products, Products,orders", TokenType::Api).unwrap();
    assert_eq!(
        set.keys(),
        [
            "content",
            "information",
            "marketing",
            "orders",
            "products",
            "channel_settings",
            "channel_listings"
        ]
    );
    let stencil = ScopeSet::parse("themes", TokenType::Stencil).unwrap();
    assert_eq!(stencil.keys(), ["themes"]);
}

#[test]
fn parse_reports_every_unknown_key() {
    let err = ScopeSet::parse("prodcts,ordrs", TokenType::Api).unwrap_err();
    assert!(err.contains("prodcts, ordrs"), "{err}");
    assert!(
        ScopeSet::parse(" , ", TokenType::Api)
            .unwrap_err()
            .contains("empty")
    );
}

#[test]
fn keys_and_params_are_unique() {
    for (i, a) in SCOPES.iter().enumerate() {
        for b in &SCOPES[i + 1..] {
            assert_ne!(a.key, b.key);
            assert_ne!(a.param, b.param);
        }
    }
}

#[test]
fn no_probe_deletes_and_reads_are_gets() {
    for scope in SCOPES {
        if let Some(read) = scope.read_probe {
            assert_eq!(read.method, Method::Get, "{}", scope.key);
            assert!(read.body.is_none());
        }
        if let Some(write) = scope.write_probe {
            assert_ne!(write.method, Method::Get, "{}", scope.key);
            assert!(write.body.is_some());
        }
    }
}

#[test]
fn stencil_wants_read_only_except_themes_when_publishing() {
    let themes = find("themes").unwrap();
    let sites = find("sites").unwrap();
    assert_eq!(
        wanted_level(themes, TokenType::Stencil, Access::Modify),
        Level::Modify
    );
    assert_eq!(
        wanted_level(sites, TokenType::Stencil, Access::Modify),
        Level::ReadOnly
    );
    assert_eq!(
        wanted_level(themes, TokenType::Stencil, Access::ReadOnly),
        Level::ReadOnly
    );
}

#[test]
fn offered_levels_match_the_parameters() {
    for scope in SCOPES {
        let key = scope.key;
        let read_only = match scope.offered {
            // Read-only is the Modify parameter with `_manage` dropped and `_read_only` added.
            Offered::Both => Some(format!("{}_read_only", scope.param.trim_end_matches("_manage"))),
            Offered::ModifyOnly | Offered::ReadOnlyOnly => None,
        };
        assert_eq!(scope.param_read_only, read_only.as_deref(), "{key}");
        assert!(
            scope.offered != Offered::ReadOnlyOnly || scope.write_probe.is_none(),
            "{key}"
        );
        assert!(!scope.migration || scope.offered == Offered::Both, "{key}");
    }
    let login = find("customers_login").unwrap();
    assert_eq!(
        wanted_level(login, TokenType::Api, Access::ReadOnly),
        Level::Modify
    );
    let methods = find("payments_methods").unwrap();
    assert_eq!(
        wanted_level(methods, TokenType::Api, Access::Modify),
        Level::ReadOnly
    );
}

// The spec check: every probe against `shared/bigcommerce-openapi/`, the specs copied from
// github.com/bigcommerce/docs (see its SOURCE.txt).

const SPEC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bigcommerce-openapi");

/// The spec file documenting each probed scope's endpoints (and listing its parameter).
const SPEC_FILES: &[(&str, &str)] = &[
    ("content", "widgets.v3.yml"),
    ("customers", "customers.v3.yml"),
    ("information", "store_information.v2.yml"),
    ("marketing", "marketing.v2.yml"),
    ("orders", "orders.v2.oas2.yml"),
    ("products", "products_catalog.v3.yml"),
    ("channel_settings", "channels.v3.yml"),
    ("channel_listings", "channels.v3.yml"),
    ("themes", "themes.v3.yml"),
    ("sites", "sites.v3.yml"),
];

#[test]
fn write_probes_match_the_openapi_specs() {
    if !Path::new(SPEC_DIR).is_dir() {
        #[allow(
            clippy::disallowed_methods,
            reason = "the test's own opt-out, not program input"
        )]
        let skip = std::env::var_os("BCSETUP_SKIP_SPEC_CHECK").is_some_and(|v| v == "1");
        assert!(
            skip,
            "the OpenAPI specs are missing at {SPEC_DIR}: run the tests inside the bcsetup workspace \
             (next to shared/), or set BCSETUP_SKIP_SPEC_CHECK=1 to skip this check"
        );
        return;
    }
    for (key, _) in SPEC_FILES {
        assert!(
            SCOPES.iter().any(|s| s.key == *key),
            "SPEC_FILES names unknown scope {key}"
        );
    }
    for scope in SCOPES {
        let file = SPEC_FILES
            .iter()
            .find(|(key, _)| *key == scope.key)
            .map(|(_, file)| *file);
        let probes: Vec<Request> = scope.read_probe.into_iter().chain(scope.write_probe).collect();
        match (file, probes.is_empty()) {
            (None, true) => {}
            (Some(file), false) => check_scope(scope, file, &probes),
            (None, false) => panic!("{}: probes but no spec file in SPEC_FILES", scope.key),
            (Some(_), true) => panic!("{}: in SPEC_FILES but has no probe", scope.key),
        }
    }
}

fn check_scope(scope: &Scope, file: &str, probes: &[Request]) {
    let path = Path::new(SPEC_DIR).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec: Yaml = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let scopes = spec["components"]["securitySchemes"]["X-Auth-Token"]["description"].as_str();
    let param = format!("`{}`", scope.param);
    assert!(
        scopes.is_some_and(|d| d.contains(&param)),
        "{file} does not list {param}"
    );
    for probe in probes {
        check_probe(&spec, probe, &format!("{}: {probe} ({file})", scope.key));
    }
}

fn check_probe(spec: &Yaml, probe: &Request, ctx: &str) {
    let (path, query) = probe.path.split_once('?').unwrap_or((probe.path, ""));
    let (version, path) = ["v2", "v3"]
        .into_iter()
        .find_map(|v| Some((v, path.strip_prefix('/')?.strip_prefix(v)?)))
        .unwrap_or_else(|| panic!("{ctx}: path must start with /v2/ or /v3/"));
    let server = format!("https://api.bigcommerce.com/stores/{{store_hash}}/{version}");
    assert_eq!(spec["servers"][0]["url"].as_str(), Some(server.as_str()), "{ctx}");
    let (template, item) = find_path(spec, path).unwrap_or_else(|| panic!("{ctx}: no such path"));
    let op = &item[probe.method.as_str().to_ascii_lowercase().as_str()];
    assert!(
        op.is_mapping(),
        "{ctx}: {template} has no {}",
        probe.method.as_str()
    );
    let params = parameters(spec, item, op);
    let ids = path_ids(spec, &params, (template, path), ctx);
    for name in query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| q.split('=').next().unwrap_or(q))
    {
        assert!(
            parameter(&params, "query", name).is_some(),
            "{ctx}: no query parameter {name}"
        );
    }
    // Exhaustive on purpose: a DELETE variant must come with a decision here.
    match probe.method {
        Method::Get => assert!(probe.body.is_none(), "{ctx}: a read probe sends no body"),
        Method::Post => {
            assert!(
                !probe.path.starts_with("/v2/orders"),
                "{ctx}: never POST /v2/orders, it requires no field"
            );
            assert!(
                rejects(spec, op, probe, ctx),
                "{ctx}: the body misses no field the spec requires, so the write could succeed"
            );
        }
        Method::Put => {
            assert!(
                !ids.is_empty() && ids.iter().all(|(v, _)| *v == "0"),
                "{ctx}: a PUT must target id 0 in every {{…}} segment"
            );
            let integer_ids = ids.iter().all(|(_, integer)| *integer);
            assert!(
                integer_ids || rejects(spec, op, probe, ctx),
                "{ctx}: the ids are not integers and the body misses no required field"
            );
        }
    }
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

/// The values the probe puts in the template's `{…}` segments, each with whether the spec types it
/// as an integer (then the value must be one).
fn path_ids<'p>(
    spec: &Yaml,
    params: &[&Yaml],
    (template, path): (&str, &'p str),
    ctx: &str,
) -> Vec<(&'p str, bool)> {
    let mut ids = Vec::new();
    for (pattern, value) in template.split('/').zip(path.split('/')) {
        if let Some(name) = pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            let declared =
                parameter(params, "path", name).unwrap_or_else(|| panic!("{ctx}: {name} undeclared"));
            let integer = resolve(spec, &declared["schema"])["type"].as_str() == Some("integer");
            assert!(
                !integer || value.parse::<u64>().is_ok(),
                "{ctx}: {name} must be an integer"
            );
            ids.push((value, integer));
        }
    }
    ids
}

/// The path template a concrete path (below the server's `/v2` or `/v3`) matches, preferring the
/// most literal one (`/orders/count` over `/orders/{order_id}`), as a router does.
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

/// Whether the operation's request schema makes the probe's body invalid for a missing required field.
fn rejects(spec: &Yaml, op: &Yaml, probe: &Request, ctx: &str) -> bool {
    let body: Json = serde_json::from_str(probe.body.unwrap_or_default())
        .unwrap_or_else(|e| panic!("{ctx}: the body is not JSON: {e}"));
    let content = &resolve(spec, &op["requestBody"])["content"];
    // themes.v3.yml documents its upload only as multipart/form-data.
    let media = ["application/json", "multipart/form-data"]
        .into_iter()
        .find_map(|m| content.get(m));
    let schema = &media.unwrap_or_else(|| panic!("{ctx}: no request schema"))["schema"];
    lacks_required(spec, schema, &body)
}

/// True when every object the body sends, at every level, lacks a field its schema requires:
/// an object misses one of its required fields; a non-empty array has only such items; for
/// `oneOf`/`anyOf`, every alternative rejects it.
fn lacks_required(spec: &Yaml, schema: &Yaml, body: &Json) -> bool {
    let schema = resolve(spec, schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Yaml::as_sequence) {
            return alternatives
                .iter()
                .all(|alternative| lacks_required(spec, alternative, body));
        }
    }
    match body {
        Json::Object(fields) => required(spec, schema)
            .iter()
            .any(|name| !fields.contains_key(*name)),
        Json::Array(elements) => items(spec, schema).is_some_and(|item| {
            !elements.is_empty() && elements.iter().all(|element| lacks_required(spec, item, element))
        }),
        _ => false,
    }
}

/// The required field names of an object schema, merged across `allOf`.
fn required<'a>(spec: &'a Yaml, schema: &'a Yaml) -> Vec<&'a str> {
    let schema = resolve(spec, schema);
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
        .chain(parts.flat_map(|part| required(spec, part)))
        .collect()
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
