//! The catalog against the probe contract (`tests/data/probe-contract.toml`): the requests the catalog
//! sends are exactly the fixture's, each guarded by its scope's parameter, and each write cannot change
//! data by the facts the fixture records from BigCommerce's specs. Needs nothing outside the repository;
//! `tests/contract/spec_drift.rs` keeps the fixture itself true to the specs.

#[path = "../../../tests/contract/fixture.rs"]
#[allow(
    unreachable_pub,
    reason = "the fixture types are shared with the spec-drift test"
)]
mod fixture;

use fixture::{Probe, Purpose};

use super::super::probe::{HOOKS, STORE_INFO};
use super::{Request, SCOPES};

/// Every request the catalog can send, as (scope key, purpose, request), in catalog order.
fn catalog_requests() -> Vec<(&'static str, Purpose, Request)> {
    let scoped = SCOPES.iter().flat_map(|scope| {
        let read = scope.read_probe.map(|r| (scope.key, Purpose::Read, r));
        let write = scope.write_probe.map(|r| (scope.key, Purpose::Write, r));
        read.into_iter().chain(write)
    });
    [
        ("", Purpose::Token, HOOKS),
        ("information", Purpose::Store, STORE_INFO),
    ]
    .into_iter()
    .chain(scoped)
    .collect()
}

#[test]
fn the_catalog_sends_exactly_the_contracts_requests() {
    let contract = fixture::load();
    let fixture: Vec<_> = contract
        .probe
        .iter()
        .map(|p| {
            (
                p.scope.as_str(),
                p.purpose,
                p.method.as_str(),
                p.path.as_str(),
                p.body.as_deref(),
            )
        })
        .collect();
    let catalog: Vec<_> = catalog_requests()
        .into_iter()
        .map(|(key, purpose, r)| (key, purpose, r.method.as_str(), r.path, r.body))
        .collect();
    let missing: Vec<_> = catalog.iter().filter(|r| !fixture.contains(r)).collect();
    let stale: Vec<_> = fixture.iter().filter(|r| !catalog.contains(r)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "the catalog and tests/data/probe-contract.toml disagree.\n\
         In the catalog, not in the fixture: {missing:?}\nIn the fixture, not in the catalog: {stale:?}\n\
         Add or update the fixture entry, then re-derive it from the specs (see the fixture's header)."
    );
    assert_eq!(fixture, catalog, "same requests, but not in catalog order");
}

#[test]
fn each_request_is_guarded_by_its_scope_and_named_with_its_source() {
    for probe in fixture::load().probe {
        let request = probe.request();
        let expected = match probe.purpose {
            Purpose::Token => "",
            Purpose::Store | Purpose::Read | Purpose::Write => {
                super::find(&probe.scope)
                    .unwrap_or_else(|| panic!("{request}: unknown scope {:?}", probe.scope))
                    .param
            }
        };
        assert_eq!(probe.guard, expected, "{request}: guard");
        assert!(
            probe.commit.len() == 40 && probe.commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "{request}: commit {:?} is not a full git hash",
            probe.commit
        );
        assert!(
            probe.spec.rsplit_once('.').is_some_and(|(_, ext)| ext == "yml") && !probe.operation.is_empty(),
            "{request}: spec file and operationId are required"
        );
    }
}

#[test]
fn every_request_is_safe_by_the_recorded_facts() {
    let problems: Vec<String> = fixture::load()
        .probe
        .iter()
        .flat_map(|p| {
            p.check_safety()
                .into_iter()
                .map(move |e| format!("{}: {e}", p.request()))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One change that makes a real entry unsafe.
type Breakage = fn(&mut Probe);

/// The safety check must be able to fail: each row breaks one fact of a real entry.
#[test]
fn the_safety_check_rejects_unsafe_entries() {
    let contract = fixture::load();
    let entry = |path: &str| {
        contract
            .probe
            .iter()
            .find(|p| p.path == path)
            .cloned()
            .unwrap_or_else(|| panic!("no entry for {path}"))
    };
    let cases: [(&str, &str, Breakage); 9] = [
        ("a body with every required field", "/v3/catalog/products", |p| {
            p.body = Some(r#"{"name":"x","price":1,"type":"physical","weight":1}"#.into());
        }),
        (
            "a POST whose spec requires nothing",
            "/v3/catalog/products",
            |p| p.required.clear(),
        ),
        ("an empty array body", "/v3/customers", |p| {
            p.body = Some("[]".into());
        }),
        ("a PUT to an id that may exist", "/v2/orders/0", |p| {
            p.path = "/v2/orders/1".into();
            p.ids[0].value = "1".into();
        }),
        (
            "a PUT to an id the spec does not type as an integer",
            "/v2/orders/0",
            |p| {
                p.ids[0].integer = false;
            },
        ),
        ("a read with a body", "/v2/store", |p| p.body = Some("{}".into())),
        ("a read that is not a GET", "/v2/store", |p| {
            p.method = "POST".into();
        }),
        (
            "a query the path does not send",
            "/v3/catalog/products?limit=1",
            |p| {
                p.query = vec!["page".into()];
            },
        ),
        ("a template that does not match the ids", "/v2/orders/0", |p| {
            p.template = "/v2/orders/{id}".into();
        }),
    ];
    for (what, path, break_it) in cases {
        let mut probe = entry(path);
        break_it(&mut probe);
        assert!(!probe.check_safety().is_empty(), "{what} passed the safety check");
    }
}
