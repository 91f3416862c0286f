//! The probe plan: which requests prove the token, the store and each wanted scope at the wanted
//! level. Pure data, built once; `run.rs` sends it. A request that serves several purposes is sent
//! once.

use super::scopes::{self, Method, Need, Request, Scope, ScopeSet};
use super::{Access, Level, TokenType};

/// The default-scope request every account may make: proves token and store together.
pub const HOOKS: Request = Request {
    method: Method::Get,
    path: "/v3/hooks",
    body: None,
};
/// Store name, domain and id. Not a scope proof: its guard was never observed refusing a request
/// (docs/bigcommerce.md, "Information & Settings"), so only `GET /v3/settings/store/locale` proves the
/// scope, and a refused `/v2/store` only leaves the name unknown.
pub const STORE_INFO: Request = Request {
    method: Method::Get,
    path: "/v2/store",
    body: None,
};

/// Why a request is in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Token and store check (`GET /v3/hooks`).
    Token,
    /// Store name and domain (`GET /v2/store`).
    StoreInfo,
    /// Proves the scope is at least Read-only.
    Read(&'static Scope),
    /// Proves the scope is Modify.
    Write(&'static Scope),
}

/// One request to send, with everything it proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The request.
    pub request: Request,
    /// What its answer decides.
    pub purposes: Vec<Purpose>,
}

/// A scope the job needs, at a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    /// The scope.
    pub scope: &'static Scope,
    /// The level to set in the control panel.
    pub level: Level,
    /// Whether falling short fails the verification or only warns.
    pub need: Need,
}

/// The whole verification: what is wanted and which requests prove it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbePlan {
    /// Token type being verified.
    pub token_type: TokenType,
    /// Access being verified.
    pub access: Access,
    /// Wanted scopes and levels, in catalog order.
    pub wanted: Vec<Wanted>,
    /// Requests to send, each once.
    pub probes: Vec<Probe>,
    /// Whether write probes were planned where Modify is wanted.
    pub check_modify: bool,
}

impl ProbePlan {
    /// Build the plan. Write probes run only where Modify is wanted and `check_modify` is on.
    pub fn new(token_type: TokenType, access: Access, scopes: &ScopeSet, check_modify: bool) -> Self {
        let wanted: Vec<Wanted> = scopes
            .iter()
            .map(|scope| Wanted {
                scope,
                level: scopes::wanted_level(scope, token_type, access),
                need: scopes::need(scope, token_type),
            })
            .collect();
        let mut plan = Self {
            token_type,
            access,
            wanted: wanted.clone(),
            probes: Vec::new(),
            check_modify,
        };
        plan.add(HOOKS, Purpose::Token);
        plan.add(STORE_INFO, Purpose::StoreInfo);
        for w in &wanted {
            if let Some(read) = w.scope.read_probe {
                plan.add(read, Purpose::Read(w.scope));
            }
            if let Some(write) = w
                .scope
                .write_probe
                .filter(|_| w.level == Level::Modify && check_modify)
            {
                plan.add(write, Purpose::Write(w.scope));
            }
        }
        plan
    }

    /// Only the token check (`GET /v3/hooks`): is this token still accepted for this store?
    pub fn token_check(token_type: TokenType, access: Access) -> Self {
        let mut plan = Self {
            token_type,
            access,
            wanted: Vec::new(),
            probes: Vec::new(),
            check_modify: false,
        };
        plan.add(HOOKS, Purpose::Token);
        plan
    }

    fn add(&mut self, request: Request, purpose: Purpose) {
        match self.probes.iter_mut().find(|p| p.request == request) {
            Some(probe) => probe.purposes.push(purpose),
            None => self.probes.push(Probe {
                request,
                purposes: vec![purpose],
            }),
        }
    }

    /// How many requests the plan sends when nothing is retried.
    pub fn request_count(&self) -> usize {
        self.probes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writes(plan: &ProbePlan) -> Vec<&'static str> {
        plan.probes
            .iter()
            .filter(|p| p.request.method != Method::Get)
            .map(|p| p.request.path)
            .collect()
    }

    #[test]
    fn modify_migration_plan_has_one_request_per_probe() {
        let plan = ProbePlan::new(TokenType::Api, Access::Modify, &ScopeSet::migration(), true);
        let mut requests: Vec<_> = plan.probes.iter().map(|p| p.request).collect();
        let n = requests.len();
        requests.dedup();
        assert_eq!(requests.len(), n, "no request is planned twice");
        assert_eq!(plan.probes[0].request, HOOKS);
        // /v2/store only names the store; the locale read proves Information & Settings.
        let store = plan.probes.iter().find(|p| p.request == STORE_INFO).unwrap();
        assert_eq!(store.purposes, [Purpose::StoreInfo]);
        let reads = plan
            .probes
            .iter()
            .filter(|p| p.request.method == Method::Get)
            .count();
        assert_eq!(reads, 2 + 8, "hooks, store info and one read per migration scope");
        assert_eq!(writes(&plan).len(), 8, "every migration scope has a write probe");
        assert!(writes(&plan).contains(&"/v2/currencies"));
        assert_eq!(plan.request_count(), 18);
        assert!(plan.wanted.iter().all(|w| w.level == Level::Modify));
        assert!(plan.wanted.iter().all(|w| w.need == Need::Required));
    }

    #[test]
    fn read_only_and_no_check_modify_send_no_writes() {
        let ro = ProbePlan::new(TokenType::Api, Access::ReadOnly, &ScopeSet::migration(), true);
        assert!(writes(&ro).is_empty());
        let unchecked = ProbePlan::new(TokenType::Api, Access::Modify, &ScopeSet::migration(), false);
        assert!(writes(&unchecked).is_empty());
        assert_eq!(unchecked.request_count(), 10);
    }

    #[test]
    fn stencil_plan_is_what_stencil_cli_calls() {
        let plan = ProbePlan::new(TokenType::Stencil, Access::Modify, &ScopeSet::stencil(), true);
        assert_eq!(writes(&plan), ["/v3/themes"]);
        let wanted: Vec<_> = plan
            .wanted
            .iter()
            .map(|w| (w.scope.key, w.level, w.need))
            .collect();
        assert_eq!(
            wanted,
            [
                ("information", Level::ReadOnly, Need::Required),
                ("channel_settings", Level::ReadOnly, Need::Advisory),
                ("themes", Level::Modify, Need::Required),
                ("sites", Level::ReadOnly, Need::Required),
            ]
        );
        let paths: Vec<_> = plan.probes.iter().map(|p| p.request.path).collect();
        assert!(paths.contains(&"/v3/settings/store/locale"), "{paths:?}");
        assert_eq!(plan.request_count(), 7);
        let local = ProbePlan::new(TokenType::Stencil, Access::ReadOnly, &ScopeSet::stencil(), true);
        assert_eq!(local.request_count(), 6);
    }
}
