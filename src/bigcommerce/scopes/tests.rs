//! Tests of the scope catalog. Its requests are checked against BigCommerce's specs in `contract.rs`.

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
    // A Stencil-CLI token keeps what `stencil start` and `stencil push` cannot do without.
    let stencil = ScopeSet::parse("themes", TokenType::Stencil).unwrap();
    assert_eq!(stencil.keys(), ["information", "themes", "sites"]);
    let advisory = ScopeSet::parse("channel_settings", TokenType::Stencil).unwrap();
    assert_eq!(
        advisory.keys(),
        ["information", "channel_settings", "themes", "sites"]
    );
}

#[test]
fn a_stored_stencil_profile_gains_the_locale_read() {
    // What bcsetup before the locale read saved for a Stencil-CLI profile.
    let old = ScopeSet::from_keys(["themes", "sites", "channel_settings"]);
    assert_eq!(old.with_required(TokenType::Stencil), ScopeSet::stencil());
    let api = ScopeSet::from_keys(["products"]).with_required(TokenType::Api);
    assert!(api.contains("information") && !api.contains("themes"));
}

#[test]
fn only_channel_settings_of_the_stencil_preset_is_advisory() {
    let advisory: Vec<_> = SCOPES
        .iter()
        .filter(|s| need(s, TokenType::Stencil) == Need::Advisory)
        .map(|s| s.key)
        .collect();
    assert_eq!(advisory, ["channel_settings"]);
    assert!(SCOPES.iter().all(|s| need(s, TokenType::Api) == Need::Required));
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
