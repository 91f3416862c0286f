//! Single cases of the judgement that do not fit the table: what the store-info answer gives, what a
//! defect keeps, how regressions and unproven levels are named, advisory rows and the account to remake.

use std::collections::BTreeMap;

use super::super::*;
use super::{evidence, failure_kind, full_modify, products, store};
use crate::bigcommerce::scopes::{Method, ScopeSet};
use crate::bigcommerce::{Access, TokenType};

#[test]
fn the_store_is_named_only_when_store_info_answered() {
    let plan = ProbePlan::new(TokenType::Api, Access::ReadOnly, &products(), true);
    let report = judge(&plan, &evidence(&plan, &full_modify), &store(), "shop", &|_| true).unwrap();
    assert_eq!(report.store.name.as_deref(), Some("Test Store"));
    assert_eq!(report.store.domain.as_deref(), Some("shop.example"));
    let refused = |r: Request| {
        if r == STORE_INFO {
            Answer::Forbidden
        } else {
            Answer::Success(200)
        }
    };
    // The name is all /v2/store gives: refused, it leaves the name unknown and proves nothing.
    let report = judge(&plan, &evidence(&plan, &refused), &store(), "shop", &|_| false).unwrap();
    assert_eq!(report.store.name, None);
    assert_eq!(report.store.hash, store());
    let information = report.scopes.iter().find(|s| s.scope == "information").unwrap();
    assert_eq!(information.observed, Observed::ReadOnly);
}

#[test]
fn a_defect_names_every_accepted_write_with_the_start_of_its_body() {
    let plan = ProbePlan::new(TokenType::Api, Access::Modify, &products(), true);
    let created = |r: Request| match r.method {
        Method::Get => Answer::Success(200),
        _ => Answer::Success(201),
    };
    let failed = judge(&plan, &evidence(&plan, &created), &store(), "shop", &|_| true).unwrap_err();
    let VerifyFailure::ProbeChangedData { accepted } = &failed.failure else {
        panic!("{:?}", failed.failure)
    };
    let writes: Vec<Request> = plan
        .probes
        .iter()
        .map(|p| p.request)
        .filter(|r| r.method != Method::Get)
        .collect();
    assert!(writes.len() > 1, "the plan has several writes: {writes:?}");
    assert_eq!(accepted.iter().map(|a| a.request).collect::<Vec<_>>(), writes);
    for one in accepted {
        assert_eq!((one.status, one.body.as_str()), (201, r#"{"data":{"id":42}}"#));
    }
    // One accepted write among refusals is named alone.
    let one = |r: Request| match r.method {
        Method::Get => Answer::Success(200),
        _ if r == writes[0] => Answer::Success(201),
        _ => Answer::Invalid(422),
    };
    let failed = judge(&plan, &evidence(&plan, &one), &store(), "shop", &|_| true).unwrap_err();
    assert_eq!(
        failure_kind(&failed.failure),
        ("probe_changed_data", vec![writes[0].path])
    );
}

#[test]
fn regressions_are_named_only_for_what_passed_before() {
    let plan = ProbePlan::new(TokenType::Api, Access::Modify, &products(), true);
    let read_only = |r: Request| match r.method {
        Method::Get => Answer::Success(200),
        _ => Answer::Forbidden,
    };
    let failed = judge(&plan, &evidence(&plan, &read_only), &store(), "shop", &|_| true).unwrap_err();
    let report = failed.report.as_deref();
    let was_modify = BTreeMap::from([("products".to_owned(), Observed::Modify)]);
    let cases: [(bool, &BTreeMap<String, Observed>, &str); 3] = [
        (true, &was_modify, "scope_lost"),
        (true, &BTreeMap::new(), "scopes_missing"),
        (
            false,
            &BTreeMap::from([("products".to_owned(), Observed::ReadOnly)]),
            "scopes_missing",
        ),
    ];
    for (verified, before, kind) in cases {
        let reworded = regression(failed.failure.clone(), report, verified, before);
        assert_eq!(failure_kind(&reworded).0, kind, "{before:?}");
        if let VerifyFailure::ScopeLost { lost, missing, .. } = reworded {
            assert_eq!(lost[0].before, Some(Observed::Modify));
            assert_eq!(
                missing.len(),
                2,
                "Information & Settings is short too, but was not before"
            );
        }
    }
    let rejected = VerifyFailure::Rejected { store: store() };
    assert_eq!(
        failure_kind(&regression(rejected.clone(), None, true, &BTreeMap::new())).0,
        "revoked"
    );
    assert_eq!(
        failure_kind(&regression(rejected, None, false, &BTreeMap::new())).0,
        "rejected"
    );
}

#[test]
fn unproven_names_only_the_unknown_rows() {
    let plan = ProbePlan::new(TokenType::Api, Access::Modify, &ScopeSet::migration(), false);
    let report = judge(&plan, &evidence(&plan, &full_modify), &store(), "shop", &|_| true).unwrap();
    let Some(VerifyFailure::ScopesUnproven { unproven: rows }) = unproven(&report) else {
        panic!("without write probes no Modify is proven")
    };
    assert_eq!(rows.len(), 8);
    let checked = ProbePlan::new(TokenType::Api, Access::Modify, &ScopeSet::migration(), true);
    let report = judge(
        &checked,
        &evidence(&checked, &full_modify),
        &store(),
        "shop",
        &|_| false,
    )
    .unwrap();
    assert!(
        unproven(&report).is_none(),
        "every migration scope has a write probe"
    );
}

#[test]
fn an_advisory_shortfall_is_reported_but_not_judged() {
    let plan = ProbePlan::new(TokenType::Stencil, Access::ReadOnly, &ScopeSet::stencil(), true);
    let refused = |r: Request| match r.path {
        "/v3/channels?limit=1" => Answer::Forbidden,
        _ => Answer::Success(200),
    };
    let report = judge(&plan, &evidence(&plan, &refused), &store(), "theme", &|_| false).unwrap();
    let warned: Vec<_> = report.warnings().map(|r| r.scope).collect();
    assert_eq!(warned, ["channel_settings"]);
    assert_eq!(report.short().count(), 0);
    let row = report
        .scopes
        .iter()
        .find(|r| r.scope == "channel_settings")
        .unwrap();
    assert!(!row.ok && row.advisory);
}

#[test]
fn a_shortfall_names_the_account_to_create() {
    let plan = ProbePlan::new(TokenType::Api, Access::Modify, &products(), true);
    let read_only = |r: Request| match r.method {
        Method::Get => Answer::Success(200),
        _ => Answer::Forbidden,
    };
    let failed = judge(&plan, &evidence(&plan, &read_only), &store(), "shop", &|_| true).unwrap_err();
    let VerifyFailure::ScopesMissing { remake, .. } = failed.failure else {
        panic!("{:?}", failed.failure)
    };
    assert_eq!(
        remake,
        Remake {
            token_type: TokenType::Api,
            access: Access::Modify,
            scopes: vec!["information", "products"],
            profile: "shop".into(),
        }
    );
}
