//! The control-panel checklist: where to click, the name to type, the level to set for every scope,
//! and the warning that the credentials are shown only once. Pure: data in, `Checklist` out, rendered
//! as text (≤ 80 columns) or serialised as JSON. `bcsetup scopes` prints it and the wizard reuses it;
//! it must not print, prompt or read anything itself.
//!
//! The two token types differ in the control panel. A V2/V3 API token's page lists every scope with a
//! level selector, so the checklist names every scope of the catalog: wanted ones at `wanted_level`,
//! all others at None (least privilege). The "Create Stencil-CLI Token" page has only a name and an
//! access toggle; its scopes are a preset bcsetup cannot change, so the checklist lists the scopes
//! bcsetup will check instead of asking the user to set them.

use std::fmt::Write;

use serde::Serialize;

use crate::bigcommerce::scopes::{self, Need, Offered, SCOPES, Scope, ScopeSet, wanted_level};
use crate::bigcommerce::{Access, AccountName, Level, TokenType};

/// The control-panel path to the page that creates the account.
const API_PATH: [&str; 3] = ["Settings", "Store-level API accounts", "Create API Token"];
/// The same for a Stencil-CLI token.
const STENCIL_PATH: [&str; 3] = ["Settings", "Store-level API accounts", "Create Stencil-CLI Token"];
/// Width of the scope-name column: the longest UI name in the catalog is 44 characters.
const NAME_COLUMN: usize = 44;

/// One scope and the level to choose for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Row {
    /// bcsetup's key for the scope.
    pub scope: &'static str,
    /// The name the control panel shows.
    pub name: &'static str,
    /// The level, as a machine key (`none`, `read-only`, `modify`).
    pub level: Level,
    /// The label of that level in the control panel (`None`, `Read-only`, `Modify`, `Login`, `Create`).
    pub ui_level: &'static str,
    /// Whether the job needs this scope (everything else stays at None).
    pub wanted: bool,
    /// Whether bcsetup only warns when the token lacks it (Channel Settings for Stencil-CLI tokens).
    pub advisory: bool,
}

/// Everything the user has to do in the control panel for one API account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Checklist {
    /// V2/V3 API token or Stencil-CLI token.
    pub token_type: TokenType,
    /// Read-only or Modify.
    pub access: Access,
    /// The name to type, when known.
    pub account_name: Option<String>,
    /// The control-panel path to the create page, one element per click.
    pub location: Vec<&'static str>,
    /// The access option to pick on the Stencil-CLI page (`None` for API tokens).
    pub stencil_access: Option<&'static str>,
    /// Whether the user sets the scopes (API tokens) or they are a preset (Stencil-CLI tokens).
    pub scopes_settable: bool,
    /// API tokens: every scope of the catalog; Stencil-CLI tokens: the scopes bcsetup will check.
    pub scopes: Vec<Row>,
    /// The popup with the credentials is shown once; the .txt download is the only copy.
    pub shown_once: bool,
}

impl Checklist {
    /// The checklist for a token type, access, wanted scopes and (optionally) account name.
    pub(crate) fn new(
        token_type: TokenType,
        access: Access,
        wanted: &ScopeSet,
        name: Option<&AccountName>,
    ) -> Self {
        let row = |scope: &'static Scope, is_wanted: bool| {
            let level = if is_wanted {
                wanted_level(scope, token_type, access)
            } else {
                Level::None
            };
            Row {
                scope: scope.key,
                name: scope.ui_name,
                level,
                ui_level: ui_level(scope, level),
                wanted: is_wanted,
                advisory: is_wanted && scopes::need(scope, token_type) == Need::Advisory,
            }
        };
        let (location, stencil_access, scopes) = match token_type {
            TokenType::Api => (
                API_PATH,
                None,
                SCOPES.iter().map(|s| row(s, wanted.contains(s.key))).collect(),
            ),
            TokenType::Stencil => (
                STENCIL_PATH,
                Some(access.stencil_option()),
                wanted.iter().map(|s| row(s, true)).collect(),
            ),
        };
        Self {
            token_type,
            access,
            account_name: name.map(|n| n.as_str().to_owned()),
            location: location.to_vec(),
            stencil_access,
            scopes_settable: token_type == TokenType::Api,
            scopes,
            shown_once: true,
        }
    }

    /// The checklist as numbered steps for people, every line at most 80 columns.
    pub(crate) fn render(&self) -> String {
        let mut out = String::from("In the BigCommerce control panel:\n\n");
        let mut step = 0;
        let mut next = || {
            step += 1;
            step
        };
        let _ = writeln!(out, "  {}. Go to {}.", next(), self.location.join(" › "));
        let _ = match &self.account_name {
            Some(name) => writeln!(out, "  {}. Name: {name}", next()),
            None => writeln!(
                out,
                "  {}. Name: any name of at least {} characters; give bcsetup the same\n     \
                 name later (`bcsetup init --name`).",
                next(),
                AccountName::MIN_CHARS
            ),
        };
        if let Some(option) = self.stencil_access {
            let _ = writeln!(out, "  {}. Access: {option}", next());
            let _ = writeln!(
                out,
                "     The scopes are preset; bcsetup will check these levels:\n"
            );
        } else {
            let _ = writeln!(
                out,
                "  {}. OAuth scopes: set each one exactly as listed ({} wanted, the rest None):\n",
                next(),
                self.scopes.iter().filter(|r| r.wanted).count()
            );
        }
        render_table(&mut out, &self.scopes);
        let _ = writeln!(out, "\n  {}. Click Save.\n", next());
        out.push_str(SHOWN_ONCE);
        out
    }
}

/// The warning about the credentials popup, wrapped to 80 columns.
const SHOWN_ONCE: &str = "\
The popup with the credentials is shown only once and cannot be opened again.
Keep it open, and keep the .txt file your browser downloads with them, until
bcsetup has stored them (`bcsetup init --credentials-file FILE` imports it);
then delete the .txt file: it holds the access token in plain text.
";

fn render_table(out: &mut String, rows: &[Row]) {
    let _ = writeln!(out, "       {:<NAME_COLUMN$}  Level", "Scope");
    for row in rows {
        let mark = if row.wanted { '*' } else { ' ' };
        let note = if row.advisory { " (warning only)" } else { "" };
        let _ = writeln!(
            out,
            "     {mark} {:<NAME_COLUMN$}  {}{note}",
            row.name, row.ui_level
        );
    }
}

/// The label the control panel shows for a level of this scope. Scopes with a single non-None level
/// name it after what it allows: Customers Login offers None / Login, the token-creation scopes
/// None / Create (see the catalog's comments).
fn ui_level(scope: &Scope, level: Level) -> &'static str {
    match (scope.offered, level) {
        (Offered::ModifyOnly, Level::Modify) if scope.key == "customers_login" => "Login",
        (Offered::ModifyOnly, Level::Modify) => "Create",
        (_, level) => level.ui_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(access: Access, list: &str) -> Checklist {
        let set = ScopeSet::parse(list, TokenType::Api).unwrap();
        Checklist::new(TokenType::Api, access, &set, None)
    }

    fn level_of<'a>(c: &'a Checklist, key: &str) -> &'a Row {
        c.scopes.iter().find(|r| r.scope == key).unwrap()
    }

    #[test]
    fn api_lists_every_scope_with_wanted_ones_at_the_access_level() {
        let c = api(Access::ReadOnly, "products");
        assert_eq!(c.scopes.len(), SCOPES.len());
        assert_eq!(level_of(&c, "products").level, Level::ReadOnly);
        // Required scopes are part of the set even when not named.
        assert_eq!(level_of(&c, "information").ui_level, "Read-only");
        assert_eq!(level_of(&c, "customers").level, Level::None);
        assert!(!level_of(&c, "customers").wanted);
        assert_eq!(level_of(&c, "themes").ui_level, "None");
        assert!(c.scopes_settable && c.stencil_access.is_none());
        assert_eq!(c.location.last(), Some(&"Create API Token"));
    }

    #[test]
    fn single_level_scopes_use_the_control_panel_labels() {
        let c = api(
            Access::ReadOnly,
            "customers_login,payments_create,payments_methods",
        );
        assert_eq!(level_of(&c, "customers_login").ui_level, "Login");
        assert_eq!(level_of(&c, "payments_create").ui_level, "Create");
        assert_eq!(level_of(&c, "payments_create").level, Level::Modify);
        let m = api(Access::Modify, "payments_methods");
        assert_eq!(level_of(&m, "payments_methods").ui_level, "Read-only");
        assert_eq!(level_of(&m, "products").ui_level, "None");
        assert_eq!(level_of(&m, "content").ui_level, "Modify");
    }

    #[test]
    fn stencil_shows_the_toggle_and_the_preset_it_will_check() {
        let c = Checklist::new(TokenType::Stencil, Access::Modify, &ScopeSet::stencil(), None);
        assert_eq!(c.location.last(), Some(&"Create Stencil-CLI Token"));
        assert_eq!(c.stencil_access, Some("Publish theme"));
        assert!(!c.scopes_settable);
        let keys: Vec<_> = c.scopes.iter().map(|r| r.scope).collect();
        assert_eq!(keys, ScopeSet::stencil().keys());
        assert_eq!(level_of(&c, "themes").level, Level::Modify);
        assert_eq!(level_of(&c, "sites").level, Level::ReadOnly);
        assert_eq!(level_of(&c, "information").level, Level::ReadOnly);
        let advisory: Vec<_> = c.scopes.iter().filter(|r| r.advisory).map(|r| r.scope).collect();
        assert_eq!(advisory, ["channel_settings"]);
        let text = c.render();
        assert!(text.contains("Read-only (warning only)"), "{text}");
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "too wide: `{line}`");
        }
        assert!(text.contains("Create Stencil-CLI Token"), "{text}");
        assert!(text.contains("Access: Publish theme"), "{text}");
        assert!(!text.contains("Create API Token"), "{text}");
        let local = Checklist::new(TokenType::Stencil, Access::ReadOnly, &ScopeSet::stencil(), None);
        assert_eq!(local.stencil_access, Some("Local development only"));
    }

    #[test]
    fn text_has_the_steps_the_name_and_the_warning_within_80_columns() {
        let name = AccountName::parse("  Migration bot ").unwrap();
        let set = ScopeSet::migration();
        for (token_type, access) in [
            (TokenType::Api, Access::Modify),
            (TokenType::Api, Access::ReadOnly),
            (TokenType::Stencil, Access::ReadOnly),
        ] {
            for name in [Some(&name), None] {
                let text = Checklist::new(token_type, access, &set, name).render();
                for line in text.lines() {
                    assert!(line.chars().count() <= 80, "too wide: `{line}`");
                }
                assert!(text.contains("shown only once"), "{text}");
                assert!(text.contains(".txt"), "{text}");
                assert!(text.contains("Settings › Store-level API accounts"), "{text}");
            }
        }
        let text = Checklist::new(TokenType::Api, Access::Modify, &set, Some(&name)).render();
        assert!(text.contains("Name: Migration bot\n"), "{text}");
        assert!(text.contains("8 wanted"), "{text}");
        assert!(text.contains("   * Products"), "{text}");
        assert!(text.contains("     Themes"), "{text}");
        let unnamed = Checklist::new(TokenType::Api, Access::Modify, &set, None).render();
        assert!(unnamed.contains("at least 4 characters"), "{unnamed}");
    }

    #[test]
    fn json_has_stable_keys() {
        let name = AccountName::parse("Migration bot").unwrap();
        let c = Checklist::new(
            TokenType::Api,
            Access::ReadOnly,
            &ScopeSet::migration(),
            Some(&name),
        );
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["token_type"], "api");
        assert_eq!(json["access"], "read-only");
        assert_eq!(json["account_name"], "Migration bot");
        assert_eq!(json["shown_once"], true);
        assert_eq!(json["scopes_settable"], true);
        assert_eq!(
            json["location"],
            serde_json::json!(["Settings", "Store-level API accounts", "Create API Token"])
        );
        let first = &json["scopes"][0];
        assert_eq!(first["scope"], "content");
        assert_eq!(first["name"], "Content");
        assert_eq!(first["level"], "read-only");
        assert_eq!(first["ui_level"], "Read-only");
        assert_eq!(first["wanted"], true);
    }

    #[test]
    fn the_name_column_fits_the_longest_ui_name() {
        let longest = SCOPES.iter().map(|s| s.ui_name.chars().count()).max();
        assert_eq!(longest, Some(NAME_COLUMN));
    }
}
