//! Table tests of the judgement: hand-made evidence in, the verdict out. Each row states the answers
//! BigCommerce gives (by request), the wanted access and what may stay unproven, and the expected
//! outcome: a passing report with its observed levels, or the failure with its cause.

use bytes::Bytes;

use super::*;
use crate::bigcommerce::run::Evidence;
use crate::bigcommerce::scopes::{Method, ScopeSet};
use crate::bigcommerce::{Access, TokenType};

/// A store where every request passes the scope check: reads 200, writes fail validation (400/422).
fn full_modify(request: Request) -> Answer {
    match request.method {
        Method::Get => Answer::Success(200),
        _ => Answer::Invalid(422),
    }
}

/// Evidence for every probe of the plan, from a rule; the store-info body names the store.
fn evidence(plan: &ProbePlan, rule: &dyn Fn(Request) -> Answer) -> Evidence {
    let answers = plan
        .probes
        .iter()
        .map(|p| {
            let answer = rule(p.request);
            let body = if p.request == STORE_INFO && matches!(answer, Answer::Success(_)) {
                Bytes::from_static(
                    br#"{"name":"Test Store","domain":"shop.example","secure_url":"https://shop.example"}"#,
                )
            } else if matches!(answer, Answer::Success(201)) {
                Bytes::from_static(br#"{"data":{"id":42}}"#)
            } else {
                Bytes::new()
            };
            (p.request, answer, body)
        })
        .collect();
    Evidence {
        answers,
        attempts: Vec::new(),
    }
}

fn store() -> StoreHash {
    StoreHash::parse("abc123").unwrap()
}

/// What a row expects.
#[derive(Debug)]
enum Expect {
    /// Passes; the observed level of these scopes.
    Pass(&'static [(&'static str, Observed)]),
    /// Fails with this kind of failure; these scopes are named in it.
    Fail(&'static str, &'static [&'static str]),
}

struct Row {
    name: &'static str,
    access: Access,
    scopes: fn() -> ScopeSet,
    check_modify: bool,
    accept_unknown: bool,
    rule: fn(Request) -> Answer,
    expect: Expect,
}

fn failure_kind(f: &VerifyFailure) -> (&'static str, Vec<&'static str>) {
    let names = |list: &[Shortfall]| list.iter().map(|s| s.name).collect();
    match f {
        VerifyFailure::Rejected { .. } => ("rejected", vec![]),
        VerifyFailure::WrongStore { .. } => ("wrong_store", vec![]),
        VerifyFailure::Unhealthy { .. } => ("unhealthy", vec![]),
        VerifyFailure::ScopesMissing { missing, .. } => ("scopes_missing", names(missing)),
        VerifyFailure::ScopesUnproven { unproven } => ("scopes_unproven", names(unproven)),
        VerifyFailure::ProbeChangedData { accepted } => (
            "probe_changed_data",
            accepted.iter().map(|a| a.request.path).collect(),
        ),
        VerifyFailure::Revoked { .. } => ("revoked", vec![]),
        VerifyFailure::ScopeLost { lost, .. } => ("scope_lost", names(lost)),
    }
}

fn products() -> ScopeSet {
    ScopeSet::from_keys(["information", "products"])
}

const ROWS: &[Row] = &[
    Row {
        name: "every read and write passes the scope check: all eight at Modify, with nothing to accept",
        access: Access::Modify,
        scopes: ScopeSet::migration,
        check_modify: true,
        accept_unknown: false,
        rule: full_modify,
        expect: Expect::Pass(&[("products", Observed::Modify), ("information", Observed::Modify)]),
    },
    Row {
        name: "Information & Settings write refused: read-only, and the migration fails",
        access: Access::Modify,
        scopes: ScopeSet::migration,
        check_modify: true,
        accept_unknown: true,
        rule: |r| match (r.method, r.path) {
            (Method::Get, _) => Answer::Success(200),
            (_, "/v2/currencies") => Answer::Forbidden,
            _ => Answer::Invalid(400),
        },
        expect: Expect::Fail("scopes_missing", &["Information & Settings"]),
    },
    Row {
        name: "/v2/store answers but the locale read is refused: the scope is not granted",
        access: Access::ReadOnly,
        scopes: ScopeSet::migration,
        check_modify: true,
        accept_unknown: true,
        rule: |r| match r.path {
            "/v3/settings/store/locale" => Answer::Forbidden,
            _ => Answer::Success(200),
        },
        expect: Expect::Fail("scopes_missing", &["Information & Settings"]),
    },
    Row {
        name: "/v2/store refused while the locale read passes: the scope is proven, the name unknown",
        access: Access::ReadOnly,
        scopes: ScopeSet::migration,
        check_modify: true,
        accept_unknown: false,
        rule: |r| match r.path {
            "/v2/store" => Answer::Forbidden,
            _ => Answer::Success(200),
        },
        expect: Expect::Pass(&[("information", Observed::ReadOnly)]),
    },
    Row {
        name: "--no-check-modify leaves only unknowns, which fail without acceptance",
        access: Access::Modify,
        scopes: products,
        check_modify: false,
        accept_unknown: false,
        rule: full_modify,
        expect: Expect::Fail("scopes_unproven", &["Information & Settings", "Products"]),
    },
    Row {
        name: "read-only access needs no write probe",
        access: Access::ReadOnly,
        scopes: ScopeSet::migration,
        check_modify: true,
        accept_unknown: false,
        rule: |r| match r.method {
            Method::Get => Answer::Success(200),
            _ => Answer::Forbidden,
        },
        expect: Expect::Pass(&[("products", Observed::ReadOnly), ("orders", Observed::ReadOnly)]),
    },
    Row {
        name: "401 on the token check: rejected, and no scope is observed",
        access: Access::ReadOnly,
        scopes: products,
        check_modify: true,
        accept_unknown: true,
        rule: |r| {
            if r == HOOKS {
                Answer::Unauthorized
            } else {
                Answer::Success(200)
            }
        },
        expect: Expect::Fail("rejected", &[]),
    },
    Row {
        name: "403 on the token check: the token belongs to another store",
        access: Access::ReadOnly,
        scopes: products,
        check_modify: true,
        accept_unknown: true,
        rule: |r| {
            if r == HOOKS {
                Answer::Forbidden
            } else {
                Answer::Success(200)
            }
        },
        expect: Expect::Fail("wrong_store", &[]),
    },
    Row {
        name: "an odd status on the token check says nothing about the token",
        access: Access::ReadOnly,
        scopes: products,
        check_modify: true,
        accept_unknown: true,
        rule: |r| {
            if r == HOOKS {
                Answer::Other(418)
            } else {
                Answer::Success(200)
            }
        },
        expect: Expect::Fail("unhealthy", &[]),
    },
    Row {
        name: "a write probe refused with 403: the scope is read-only",
        access: Access::Modify,
        scopes: products,
        check_modify: true,
        accept_unknown: true,
        rule: |r| match r.method {
            Method::Get => Answer::Success(200),
            _ => Answer::Forbidden,
        },
        expect: Expect::Fail("scopes_missing", &["Information & Settings", "Products"]),
    },
    Row {
        name: "a read refused with 403: the scope is not granted at all",
        access: Access::ReadOnly,
        scopes: products,
        check_modify: true,
        accept_unknown: true,
        rule: |r| {
            if r.path.starts_with("/v3/catalog") {
                Answer::Forbidden
            } else {
                Answer::Success(200)
            }
        },
        expect: Expect::Fail("scopes_missing", &["Products"]),
    },
    Row {
        name: "a write probe that succeeded is a defect, even when the token check failed",
        access: Access::Modify,
        scopes: products,
        check_modify: true,
        accept_unknown: true,
        rule: |r| match (r == HOOKS, r.method) {
            (true, _) => Answer::Unauthorized,
            (false, Method::Get) => Answer::Success(200),
            (false, _) => Answer::Success(201),
        },
        // Every accepted write is named, not only the first.
        expect: Expect::Fail("probe_changed_data", &["/v2/currencies", "/v3/catalog/products"]),
    },
    Row {
        name: "--no-check-modify: Modify is unknown, accepted where init accepted it",
        access: Access::Modify,
        scopes: products,
        check_modify: false,
        accept_unknown: true,
        rule: full_modify,
        expect: Expect::Pass(&[("products", Observed::Unknown)]),
    },
    Row {
        name: "Stencil preset at Modify: themes proven by its write probe",
        access: Access::Modify,
        scopes: ScopeSet::stencil,
        check_modify: true,
        accept_unknown: false,
        rule: full_modify,
        expect: Expect::Pass(&[("themes", Observed::Modify), ("information", Observed::ReadOnly)]),
    },
    Row {
        name: "Stencil preset: a theme upload refused with 409 (upload limit) proves Modify",
        access: Access::Modify,
        scopes: ScopeSet::stencil,
        check_modify: true,
        accept_unknown: false,
        rule: |r| match r.method {
            Method::Get => Answer::Success(200),
            _ => Answer::Conflict,
        },
        expect: Expect::Pass(&[("themes", Observed::Modify)]),
    },
    Row {
        name: "Stencil preset without Channel Settings: a warning, not a failure",
        access: Access::Modify,
        scopes: ScopeSet::stencil,
        check_modify: true,
        accept_unknown: false,
        rule: |r| match (r.method, r.path) {
            (_, "/v3/channels?limit=1") => Answer::Forbidden,
            (Method::Get, _) => Answer::Success(200),
            _ => Answer::Invalid(400),
        },
        expect: Expect::Pass(&[("channel_settings", Observed::None), ("themes", Observed::Modify)]),
    },
    Row {
        name: "Stencil preset without the locale read: `stencil start` would fail, so the check fails",
        access: Access::ReadOnly,
        scopes: ScopeSet::stencil,
        check_modify: true,
        accept_unknown: true,
        rule: |r| match r.path {
            "/v3/settings/store/locale" => Answer::Forbidden,
            _ => Answer::Success(200),
        },
        expect: Expect::Fail("scopes_missing", &["Information & Settings"]),
    },
    Row {
        name: "Stencil preset without sites: fails",
        access: Access::ReadOnly,
        scopes: ScopeSet::stencil,
        check_modify: true,
        accept_unknown: true,
        rule: |r| match r.path {
            "/v3/sites?limit=1" => Answer::Forbidden,
            _ => Answer::Success(200),
        },
        expect: Expect::Fail("scopes_missing", &["Sites & Routes"]),
    },
];

#[test]
fn the_judgement_table() {
    for row in ROWS {
        let token_type = if row.name.starts_with("Stencil") {
            TokenType::Stencil
        } else {
            TokenType::Api
        };
        let plan = ProbePlan::new(token_type, row.access, &(row.scopes)(), row.check_modify);
        let evidence = evidence(&plan, &row.rule);
        let accept = |_: &str| row.accept_unknown;
        let verdict = judge(&plan, &evidence, &store(), "shop", &accept);
        match (&row.expect, verdict) {
            (Expect::Pass(levels), Ok(report)) => {
                assert!(report.ok, "{}", row.name);
                for (key, level) in *levels {
                    let got = report.scopes.iter().find(|s| s.scope == *key).map(|s| s.observed);
                    assert_eq!(got, Some(*level), "{}: {key}", row.name);
                }
            }
            (Expect::Fail(kind, named), Err(failed)) => {
                let (got_kind, got_named) = failure_kind(&failed.failure);
                assert_eq!((got_kind, got_named.as_slice()), (*kind, *named), "{}", row.name);
                let report = failed.report.expect("a failure carries its report");
                assert!(!report.ok, "{}", row.name);
            }
            (expect, got) => panic!("{}: expected {expect:?}, got {:?}", row.name, got.map(|r| r.ok)),
        }
    }
}

/// The cases outside the table: the store name, defects, regressions, unproven and advisory rows.
mod cases;
