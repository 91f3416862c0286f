//! A loopback fake of BigCommerce's store-level REST API, for the integration tests and the offline
//! try-out (`examples/fake-store.rs` includes this file by path, so it imports nothing from the crate or
//! its parent module). It models BigCommerce from `docs/bigcommerce.md` and the OpenAPI specs,
//! independently of bcsetup, so that the tests catch bcsetup's mistakes instead of repeating them.
//!
//! [`FakeStore::start`] binds `127.0.0.1:0` and serves HTTP/1.1 and h2c on its own thread and tokio
//! runtime; callers stay synchronous. Dropping the fake stops it and cancels in-flight connections.
//!
//! Paths are `/stores/{hash}/v2/...` and `/stores/{hash}/v3/...`. Each request is checked in this order:
//!
//! 1. a fault queued by [`FakeStore::fail_next`] answers instead of everything below (still logged and
//!    counted against the quota);
//! 2. the store's quota: 150 requests per 30 s window per store hash; past it, 429;
//! 3. `X-Auth-Token` missing, unknown or revoked → 401 (the body varies on purpose: v3 JSON, v2 plain
//!    text or an error array, so a client that reads it instead of the status breaks);
//! 4. unknown store hash → 404; a valid token of another known store → 403 with the scope title;
//! 5. unknown route → 404, listed in [`FakeStore::unrouted`] (the fake cannot judge such a probe);
//! 6. scope: GET/HEAD need read-only, POST/PUT/DELETE need modify, else 403 — before any body check;
//! 7. body validation (v3 → 422, v2 → 400; malformed JSON → 400); a valid body "creates" (2xx) and is
//!    recorded in [`FakeStore::created`].
//!
//! | method | path | scope key | answer when allowed |
//! |---|---|---|---|
//! | GET | `/v3/hooks` | (default) | 200 empty list |
//! | GET | `/v2/time` | (default) | 200 `{"time": …}` (answers any valid token, as observed) |
//! | GET | `/v3/content/widgets` | `content` | 200 empty list |
//! | POST | `/v3/content/widgets` | `content` | needs `name`, `widget_template_uuid` → 200 |
//! | GET | `/v2/pages` | `content` | 204 |
//! | POST | `/v2/pages` | `content` | needs `type`, `name`, `body` (spec) → 200 |
//! | GET | `/v3/customers` | `customers` | 200 empty list |
//! | POST | `/v3/customers` | `customers` | non-empty array, each needs `email`, `first_name`, `last_name` → 200 |
//! | GET | `/v2/store` | `information` | 200 store info; any token of the store after [`FakeStore::open_store_info`] |
//! | GET | `/v3/settings/store/locale` | `information` | 200 locale settings |
//! | GET | `/v2/currencies` | `information` | 200 with US Dollar |
//! | POST | `/v2/currencies` | `information` | needs `name`, `currency_code`, `currency_exchange_rate`, `token_location`, `token`, `decimal_token`, `thousands_token`, `decimal_places` → 200 |
//! | GET | `/v2/coupons` | `marketing` | 204 |
//! | GET | `/v2/coupons/count` | `marketing` | 200 `{"count": 0}` |
//! | POST | `/v2/coupons` | `marketing` | needs `name`, `type`, `amount`, `applies_to`, `code` → 201 |
//! | GET | `/v2/orders` | `orders` | 204 (the fake's stores have no orders) |
//! | GET | `/v2/orders/count` | `orders` | 200 `{"count": 0, "statuses": []}` |
//! | PUT | `/v2/orders/{id}` | `orders` | 404 for every id (v2 error array); the spec requires no field |
//! | POST | `/v2/orders` | `orders` | anything → 201: the spec requires no field, so never probe it |
//! | GET | `/v3/catalog/products` | `products` | 200 empty list |
//! | POST | `/v3/catalog/products` | `products` | needs `name`, `type`, `weight`, `price` → 200 |
//! | GET | `/v3/channels` | `channel_settings` | 200 with channel 1, the default storefront |
//! | POST | `/v3/channels` | `channel_settings` | needs `name`, `type`, `platform` → 200 |
//! | GET | `/v3/channels/{id}/active-theme` | `channel_settings` | 200 for channel 1, else 404 |
//! | GET | `/v3/channels/{id}/listings` | `channel_listings` | 200 empty list (any channel, as the spec says) |
//! | POST | `/v3/channels/{id}/listings` | `channel_listings` | non-empty array, each needs `product_id`, `state`, `variants` → 200 |
//! | GET | `/v3/themes` | `themes` | 200 with Cornerstone |
//! | POST | `/v3/themes` | `themes` | 409 after [`FakeStore::fill_theme_slots`]; else multipart with a `file` part → 201, anything else → 400 |
//! | GET | `/v3/sites` | `sites` | 200 empty list |
//! | POST | `/v3/sites` | `sites` | anything → 201: `createSite` marks no field required, so never probe it |
//! | PUT | `/v3/sites/{id}/routes/{id}` | `sites` | needs `type`, `matching`, `route` → else 422; then 404 (no sites) |
//! | GET | `/admin/oauth/info` | (none: the storefront's public endpoint) | 200 `{"store_hash": …}` after [`FakeStore::set_storefront`], else 404 |
//! | DELETE | any GET path above | its scope | 204, recorded in `created()` (bcsetup must never DELETE) |
//!
//! Success codes follow the specs (several creates answer 200, not 201). Empty v2 lists answer 204 with
//! no body. Every response, except a `Fault::RateLimitedNoHeaders` one, carries the four
//! `X-Rate-Limit-*` headers.
#![allow(dead_code, reason = "the tests and the example each use a subset")]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use std::{io, thread};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// The rate-limit window and quota of a Standard/Plus plan.
const WINDOW_MS: u64 = 30_000;
/// Requests allowed per store and window.
const QUOTA: u64 = 150;
/// The `type` BigCommerce puts in v3 error bodies.
const ERROR_TYPE: &str = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";
/// The title of a 403 for a missing scope (and, per the docs, for a wrong store).
const SCOPE_TITLE: &str = "You don't have a required scope to access the endpoint";
/// Every scope key the route table knows, for [`TokenSpec::all`].
pub const SCOPE_KEYS: [&str; 10] = [
    "content",
    "customers",
    "information",
    "marketing",
    "orders",
    "products",
    "channel_settings",
    "channel_listings",
    "themes",
    "sites",
];

/// The level a token holds for one scope, as set in the control panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Not granted: every request of the scope gets 403.
    None,
    /// GET and HEAD only.
    ReadOnly,
    /// Every method.
    Modify,
}

/// What a token may do: the store it belongs to and its level per scope key (missing means none).
#[derive(Clone, Debug)]
pub struct TokenSpec {
    /// The hash of the store whose control panel created the token.
    pub store: String,
    /// Scope key (see [`SCOPE_KEYS`]) to level; a missing key is [`Level::None`].
    pub levels: HashMap<String, Level>,
}

impl TokenSpec {
    /// A token of `store` with no scope beyond the default one.
    pub fn new(store: &str) -> TokenSpec {
        TokenSpec {
            store: store.to_owned(),
            levels: HashMap::new(),
        }
    }

    /// A token of `store` holding every scope of [`SCOPE_KEYS`] at `level`.
    pub fn all(store: &str, level: Level) -> TokenSpec {
        let levels = SCOPE_KEYS.iter().map(|key| ((*key).to_owned(), level)).collect();
        TokenSpec {
            store: store.to_owned(),
            levels,
        }
    }

    /// The same token with `key` set to `level`.
    #[must_use]
    pub fn with(mut self, key: &str, level: Level) -> TokenSpec {
        self.levels.insert(key.to_owned(), level);
        self
    }

    fn level(&self, key: &str) -> Level {
        self.levels.get(key).copied().unwrap_or(Level::None)
    }
}

/// A misbehaviour to serve instead of the normal answer.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with `X-Rate-Limit-Time-Reset-Ms: reset_ms` and, when given, `X-Retry-After`.
    RateLimited {
        /// The `X-Rate-Limit-Time-Reset-Ms` value.
        reset_ms: u64,
        /// The `X-Retry-After` value, in seconds.
        retry_after_s: Option<u64>,
    },
    /// 429 without any rate-limit header (platform load, per the docs).
    RateLimitedNoHeaders,
    /// This status with a BigCommerce-like v3 error body.
    Status(u16),
    /// Wait this long, then answer normally (for client timeouts).
    Hang(Duration),
    /// Close the connection (HTTP/1) or reset the stream (h2) without a response.
    ResetConnection,
    /// 200 with a truncated JSON body.
    InvalidJson,
    /// 301 to this URL, as the gateway does for `http` (a client must not follow it with the token).
    Redirect(String),
    /// This status with this JSON body, whatever was asked (a 2xx to a write probe is a defect).
    Reply(u16, String),
}

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path and query as received.
    pub path: String,
    /// The `X-Auth-Token` header.
    pub auth_token: Option<String>,
    /// The `Accept` header.
    pub accept: Option<String>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// The body, as received.
    pub body: Vec<u8>,
}

/// A running fake BigCommerce on `127.0.0.1`; stops on drop.
pub struct FakeStore {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeStore {
    /// Starts a fake with no stores and no tokens on an ephemeral loopback port.
    pub fn start() -> FakeStore {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("fake store: bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("fake store: set the listener non-blocking");
        let addr = listener.local_addr().expect("fake store: local address");
        let state = Arc::new(Mutex::new(State::default()));
        let (stop, stopped) = oneshot::channel();
        let shared = Arc::clone(&state);
        let thread = thread::Builder::new()
            .name("fake-bigcommerce".to_owned())
            .spawn(move || serve(listener, shared, stopped))
            .expect("fake store: spawn the server thread");
        FakeStore {
            addr,
            state,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The base URL to give bcsetup (`BCSETUP_API_BASE`), without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Registers a store: `GET /v2/store` with its hash answers `name` and a domain derived from it.
    pub fn add_store(&self, hash: &str, name: &str) {
        lock(&self.state).stores.insert(hash.to_owned(), name.to_owned());
    }

    /// Makes `GET /v2/store` of `hash` answer this `domain` (and `https://{domain}`) instead of one
    /// derived from the name: a hostile store's answer, for the tests of untrusted text.
    pub fn set_domain(&self, hash: &str, domain: &str) {
        lock(&self.state)
            .domains
            .insert(hash.to_owned(), domain.to_owned());
    }

    /// Registers an access token with its store and scopes.
    pub fn add_token(&self, token: &str, spec: TokenSpec) {
        lock(&self.state).tokens.insert(token.to_owned(), spec);
    }

    /// Makes `GET /v2/store` of `hash` answer any valid token of the store, whatever its scopes: the
    /// real API was never seen refusing it, and `GET /v2/time` (always open here) answered a token with no
    /// store scopes.
    pub fn open_store_info(&self, hash: &str) {
        lock(&self.state).open_store_info.insert(hash.to_owned());
    }

    /// Makes the fake also the storefront of `hash`: `GET /admin/oauth/info` answers
    /// `{"store_hash": hash}`, which is all stencil-cli reads of it (`getStoreHash` in
    /// `lib/theme-api-client.js`). The storefront's endpoint is public: no token is needed or checked.
    pub fn set_storefront(&self, hash: &str) {
        lock(&self.state).storefront = Some(hash.to_owned());
    }

    /// Fills `hash`'s theme slots: a theme upload that passed the scope check answers 409 "You have
    /// reached your upload limit", as stencil-cli's `postTheme` expects.
    pub fn fill_theme_slots(&self, hash: &str) {
        lock(&self.state).themes_full.insert(hash.to_owned());
    }

    /// Deletes the token's API account: later requests with it get 401.
    pub fn revoke(&self, token: &str) {
        lock(&self.state).revoked.insert(token.to_owned());
    }

    /// Delays every later response by `latency`.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.state).latency = latency;
    }

    /// Answers the next `n` requests, whatever their path, with `fault`.
    pub fn fail_next(&self, n: usize, fault: Fault) {
        lock(&self.state).faults.extend(std::iter::repeat_n(fault, n));
    }

    /// Drops every fault still queued.
    pub fn clear_faults(&self) {
        lock(&self.state).faults.clear();
    }

    /// Answers the next `n` requests for store `hash` with `fault` (after the faults of
    /// [`FakeStore::fail_next`]); other stores answer normally.
    pub fn fail_store_next(&self, hash: &str, n: usize, fault: Fault) {
        lock(&self.state)
            .store_faults
            .entry(hash.to_owned())
            .or_default()
            .extend(std::iter::repeat_n(fault, n));
    }

    /// Answers every request for store `hash` with `fault` from now on (`None`: normally again).
    pub fn fail_store(&self, hash: &str, fault: Option<Fault>) {
        let mut state = lock(&self.state);
        match fault {
            Some(fault) => state.failing_stores.insert(hash.to_owned(), fault),
            None => state.failing_stores.remove(hash),
        };
    }

    /// The most stores that had a request in flight at the same moment, since the start or the last
    /// [`FakeStore::clear_log`].
    pub fn max_stores_in_flight(&self) -> usize {
        lock(&self.state).max_stores_in_flight
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.state).log.clone()
    }

    /// Forgets the requests received so far (and the most stores in flight).
    pub fn clear_log(&self) {
        let mut state = lock(&self.state);
        state.log.clear();
        state.max_stores_in_flight = 0;
    }

    /// Every write the fake accepted (`METHOD path`): a verification must leave this empty.
    pub fn created(&self) -> Vec<String> {
        lock(&self.state).created.clone()
    }

    /// Authenticated requests that matched no route (`METHOD path`): their 404 proves nothing, since
    /// the fake does not model that endpoint, so a probe sent there needs a route first.
    pub fn unrouted(&self) -> Vec<String> {
        lock(&self.state).unrouted.clone()
    }
}

impl Drop for FakeStore {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may already be gone (its thread panicked); there is nothing left to stop then.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread must not turn into a second panic while a test unwinds.
            let _ = thread.join();
        }
    }
}

/// A fake with store `demo123` ("Demo Store") and four tokens, with a description of each.
pub fn demo() -> (FakeStore, Vec<(&'static str, String)>) {
    let fake = FakeStore::start();
    fake.add_store("demo123", "Demo Store");
    // Its storefront too, so `init --from-stencil` with `normalStoreUrl` at the fake finds the hash.
    fake.set_storefront("demo123");
    let tokens = [
        (
            "every scope Modify",
            "demomodifyall000000000000000001",
            TokenSpec::all("demo123", Level::Modify),
        ),
        (
            "every scope Read-only",
            "demoreadonly0000000000000000002",
            TokenSpec::all("demo123", Level::ReadOnly),
        ),
        (
            "every scope Modify except Products (none)",
            "demonoproducts00000000000000003",
            TokenSpec::all("demo123", Level::Modify).with("products", Level::None),
        ),
        (
            "revoked (API account deleted)",
            "demorevoked00000000000000000004",
            TokenSpec::all("demo123", Level::Modify),
        ),
    ];
    for (_, token, spec) in &tokens {
        fake.add_token(token, spec.clone());
    }
    fake.revoke(tokens[3].1);
    let described = tokens
        .iter()
        .map(|(what, token, _)| (*what, (*token).to_owned()))
        .collect();
    (fake, described)
}

#[derive(Default)]
struct State {
    stores: HashMap<String, String>,
    tokens: HashMap<String, TokenSpec>,
    revoked: HashSet<String>,
    latency: Duration,
    faults: VecDeque<Fault>,
    log: Vec<LoggedRequest>,
    created: Vec<String>,
    unrouted: Vec<String>,
    quotas: HashMap<String, Window>,
    open_store_info: HashSet<String>,
    themes_full: HashSet<String>,
    domains: HashMap<String, String>,
    storefront: Option<String>,
    store_faults: HashMap<String, VecDeque<Fault>>,
    failing_stores: HashMap<String, Fault>,
    /// Requests being answered, per store hash.
    in_flight: HashMap<String, usize>,
    max_stores_in_flight: usize,
}

/// One store's current rate-limit window.
struct Window {
    start: Instant,
    used: u64,
}

/// What the rate-limit headers of one response say.
#[derive(Clone, Copy)]
struct Quota {
    left: u64,
    reset_ms: u64,
    exceeded: bool,
}

impl State {
    /// Logs the request, takes the next fault, spends one request of the store's quota and counts
    /// the request in flight for its store (until [`InFlight`] is dropped).
    fn admit(&mut self, request: LoggedRequest) -> (Option<Fault>, Duration, Quota, String) {
        let store = parse_target(request.path.split('?').next().unwrap_or_default())
            .map_or(String::new(), |target| target.hash.to_owned());
        self.log.push(request);
        let now = Instant::now();
        let window = self
            .quotas
            .entry(store.clone())
            .or_insert(Window { start: now, used: 0 });
        let elapsed = u64::try_from(now.duration_since(window.start).as_millis()).unwrap_or(u64::MAX);
        if elapsed >= WINDOW_MS {
            *window = Window { start: now, used: 0 };
        }
        window.used += 1;
        let reset_ms = WINDOW_MS.saturating_sub(elapsed % WINDOW_MS);
        let quota = Quota {
            left: QUOTA.saturating_sub(window.used),
            reset_ms,
            exceeded: window.used > QUOTA,
        };
        let fault = self
            .faults
            .pop_front()
            .or_else(|| self.store_faults.get_mut(&store).and_then(VecDeque::pop_front))
            .or_else(|| self.failing_stores.get(&store).cloned());
        *self.in_flight.entry(store.clone()).or_default() += 1;
        let busy = self.in_flight.values().filter(|&&n| n > 0).count();
        self.max_stores_in_flight = self.max_stores_in_flight.max(busy);
        (fault, self.latency, quota, store)
    }
}

/// One request being answered: counted in its store's in-flight requests until dropped (also when
/// the client hangs up and the handler is cancelled).
struct InFlight {
    state: Arc<Mutex<State>>,
    store: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(n) = lock(&self.state).in_flight.get_mut(&self.store) {
            *n = n.saturating_sub(1);
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A test that panicked while holding the lock leaves consistent data: every update is one statement.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

type Reply = Response<Full<Bytes>>;

/// Runs the server on this thread until `stopped` fires, then drops every connection.
fn serve(listener: std::net::TcpListener, state: Arc<Mutex<State>>, stopped: oneshot::Receiver<()>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("fake-bigcommerce-worker")
        .enable_all()
        .build()
        .expect("fake store: build the tokio runtime");
    runtime.block_on(accept(listener, state, stopped));
    // Connection tasks may be hanging on purpose (Fault::Hang): cancel them rather than wait.
    runtime.shutdown_background();
}

async fn accept(
    listener: std::net::TcpListener,
    state: Arc<Mutex<State>>,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("fake store: register the listener");
    // The auto builder answers HTTP/1.1 and h2c (prior knowledge) on the same port.
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        let service = hyper::service::service_fn(move |req| handle(Arc::clone(&state), req));
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        tokio::spawn(async move {
            // A client hanging up mid-request is normal in timeout and reset tests.
            let _ = connection.await;
        });
    }
}

async fn handle(state: Arc<Mutex<State>>, req: Request<Incoming>) -> Result<Reply, io::Error> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let request = LoggedRequest::new(&parts.method, &parts.uri, &parts.headers, &body);
    let (fault, latency, mut quota, store) = lock(&state).admit(request.clone());
    let _in_flight = InFlight {
        state: Arc::clone(&state),
        store,
    };
    tokio::time::sleep(latency).await;
    if let Some(Fault::Hang(pause)) = fault {
        tokio::time::sleep(pause).await;
    }
    let (mut reply, retry_after) = match fault.and_then(|fault| inject(fault, &mut quota)) {
        Some(Injected::Reset) => {
            // An error from the service makes hyper drop the connection (h1) or reset the stream (h2).
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "fake store: injected reset",
            ));
        }
        Some(Injected::Bare(reply)) => return Ok(reply),
        Some(Injected::Reply(reply, retry_after)) => (reply, retry_after),
        None if quota.exceeded => (v3_error(StatusCode::TOO_MANY_REQUESTS, "Too many requests"), None),
        None => {
            let token = request.auth_token.as_deref();
            (
                answer(&mut lock(&state), &parts.method, &request.path, token, &body),
                None,
            )
        }
    };
    if parts.method == Method::HEAD {
        // hyper strips HEAD bodies on HTTP/1 only; on h2 a body would be a protocol error.
        *reply.body_mut() = Full::new(Bytes::new());
    }
    let headers = reply.headers_mut();
    insert(headers, "x-rate-limit-time-window-ms", &WINDOW_MS.to_string());
    insert(headers, "x-rate-limit-time-reset-ms", &quota.reset_ms.to_string());
    insert(headers, "x-rate-limit-requests-quota", &QUOTA.to_string());
    insert(headers, "x-rate-limit-requests-left", &quota.left.to_string());
    if let Some(seconds) = retry_after {
        insert(headers, "x-retry-after", &seconds.to_string());
    }
    Ok(reply)
}

/// What a queued fault serves instead of the normal answer.
enum Injected {
    /// This reply, then the rate-limit headers and, if given, `X-Retry-After` seconds.
    Reply(Reply, Option<u64>),
    /// This reply with no rate-limit header.
    Bare(Reply),
    /// No reply at all.
    Reset,
}

/// The reply for `fault`, or `None` when the normal answer follows (after a hang).
fn inject(fault: Fault, quota: &mut Quota) -> Option<Injected> {
    let reply = match fault {
        Fault::Hang(_) => return None,
        Fault::ResetConnection => return Some(Injected::Reset),
        Fault::RateLimitedNoHeaders => {
            return Some(Injected::Bare(v3_error(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
            )));
        }
        Fault::RateLimited {
            reset_ms,
            retry_after_s,
        } => {
            (quota.left, quota.reset_ms) = (0, reset_ms);
            let reply = v3_error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
            return Some(Injected::Reply(reply, retry_after_s));
        }
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            v3_error(status, status.canonical_reason().unwrap_or("Error"))
        }
        Fault::InvalidJson => raw(
            StatusCode::OK,
            Some("application/json"),
            "{\"data\": [{\"id\": 1,",
        ),
        Fault::Redirect(location) => {
            let mut reply = raw(StatusCode::MOVED_PERMANENTLY, None, "");
            insert(reply.headers_mut(), header::LOCATION, &location);
            reply
        }
        Fault::Reply(code, body) => raw(
            StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
            Some("application/json"),
            &body,
        ),
    };
    Some(Injected::Reply(reply, None))
}

impl LoggedRequest {
    fn new(method: &Method, uri: &hyper::Uri, headers: &HeaderMap, body: &[u8]) -> LoggedRequest {
        let text = |name: &str| {
            headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        LoggedRequest {
            method: method.as_str().to_owned(),
            path: uri
                .path_and_query()
                .map_or_else(|| uri.path().to_owned(), ToString::to_string),
            auth_token: text("x-auth-token"),
            accept: text("accept"),
            content_type: text("content-type"),
            user_agent: text("user-agent"),
            body: body.to_vec(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    V2,
    V3,
}

/// The parts of `/stores/{hash}/{v2|v3}/{rest}`.
struct Target<'a> {
    hash: &'a str,
    api: Api,
    rest: &'a str,
}

fn parse_target(path: &str) -> Option<Target<'_>> {
    let (hash, rest) = path.strip_prefix("/stores/")?.split_once('/')?;
    let (version, rest) = rest.split_once('/')?;
    let api = match version {
        "v2" => Api::V2,
        "v3" => Api::V3,
        _ => return None,
    };
    (!hash.is_empty()).then_some(Target { hash, api, rest })
}

/// The normal answer: steps 3 to 6 of the module docs, then [`perform`].
fn answer(state: &mut State, method: &Method, path: &str, token: Option<&str>, body: &[u8]) -> Reply {
    let plain_path = path.split('?').next().unwrap_or_default();
    if plain_path == "/admin/oauth/info" && *method == Method::GET {
        return match &state.storefront {
            Some(hash) => raw(
                StatusCode::OK,
                Some("application/json"),
                &json!({ "store_hash": hash }).to_string(),
            ),
            None => v3_error(StatusCode::NOT_FOUND, "Not Found"),
        };
    }
    let Some(target) = parse_target(plain_path) else {
        return v3_error(StatusCode::NOT_FOUND, "Not Found");
    };
    let api = target.api;
    let spec = match token {
        Some(token) if !state.revoked.contains(token) => state.tokens.get(token),
        _ => None,
    };
    let Some(spec) = spec else {
        return unauthorized(api, token.is_some());
    };
    if !state.stores.contains_key(target.hash) {
        return error(api, StatusCode::NOT_FOUND, "Not Found");
    }
    if spec.store != target.hash {
        return error(api, StatusCode::FORBIDDEN, SCOPE_TITLE);
    }
    let Some((route, needed)) = find_route(method, api, target.rest) else {
        state.unrouted.push(format!("{method} {plain_path}"));
        return error(
            api,
            StatusCode::NOT_FOUND,
            "The requested resource was not found.",
        );
    };
    let open = matches!(route.answer, Answer::Store) && state.open_store_info.contains(target.hash);
    if route.scope.is_some_and(|key| spec.level(key) < needed) && !open {
        return error(api, StatusCode::FORBIDDEN, SCOPE_TITLE);
    }
    if matches!(route.answer, Answer::Create(Shape::Upload, _)) && state.themes_full.contains(target.hash) {
        return v3_error(
            StatusCode::CONFLICT,
            "You have reached your upload limit. In order to proceed, you'll need to delete at least one theme.",
        );
    }
    if *method == Method::DELETE {
        state.created.push(format!("DELETE {plain_path}"));
        return raw(StatusCode::NO_CONTENT, None, "");
    }
    perform(state, route.answer, &target, plain_path, body)
}

/// The route's `Answer` for a request that passed every check (step 7 of the module docs).
fn perform(state: &mut State, answer: Answer, target: &Target, path: &str, body: &[u8]) -> Reply {
    let api = target.api;
    let store_name = state.stores.get(target.hash).cloned().unwrap_or_default();
    let reply = match answer {
        Answer::Create(shape, code) => return create(state, (api, path), shape, code, body),
        Answer::List => list(api, &json!([])),
        Answer::Store => store_info(target.hash, &store_name, state.domains.get(target.hash)),
        Answer::Time => {
            json!({ "time": SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs() })
        }
        Answer::Json(text) => serde_json::from_str(text).unwrap_or_default(),
        Answer::Channels => list(api, &json!([default_channel(&store_name)])),
        Answer::Themes => list(
            api,
            &json!([{ "uuid": CORNERSTONE, "name": "Cornerstone", "is_active": true }]),
        ),
        Answer::ActiveTheme if target.rest.starts_with("channels/1/") => {
            json!({ "data": { "active_theme_uuid": CORNERSTONE }, "meta": {} })
        }
        Answer::Update(shape) => {
            let refusal = check_body(shape, body).err();
            return refusal.map_or_else(
                || error(api, StatusCode::NOT_FOUND, "Not Found"),
                |r| refuse(api, r),
            );
        }
        Answer::ActiveTheme => return error(api, StatusCode::NOT_FOUND, "Not Found"),
    };
    if reply.is_null() {
        raw(StatusCode::NO_CONTENT, None, "")
    } else {
        json_reply(StatusCode::OK, &reply)
    }
}

/// What a route answers once the token may use it.
#[derive(Clone, Copy)]
enum Answer {
    /// A list: v2 answers 204, v3 an empty `data` array.
    List,
    Store,
    Time,
    /// This JSON document.
    Json(&'static str),
    Channels,
    Themes,
    ActiveTheme,
    /// An update of an entity the fake never has (orders, site routes): the body is checked as a
    /// create's would be, then 404.
    Update(Shape),
    /// A create endpoint: its body shape and its success status.
    Create(Shape, u16),
}

/// The body a create endpoint requires.
#[derive(Clone, Copy)]
enum Shape {
    Object(&'static [&'static str]),
    /// A non-empty array of objects, each with these fields.
    Array(&'static [&'static str]),
    /// `multipart/form-data` with a `file` part.
    Upload,
    /// Nothing required by the spec: any body passes, so `{}` creates (POST /v2/orders, POST /v3/sites).
    Anything,
}

struct Route {
    method: &'static str,
    api: Api,
    /// The path after `/v2/` or `/v3/`; `{id}` matches one segment.
    path: &'static str,
    /// The scope key, or `None` for the default scope every account has.
    scope: Option<&'static str>,
    answer: Answer,
}

const fn route(
    method: &'static str,
    api: Api,
    path: &'static str,
    scope: &'static str,
    answer: Answer,
) -> Route {
    let scope = if scope.is_empty() { None } else { Some(scope) };
    Route {
        method,
        api,
        path,
        scope,
        answer,
    }
}

const CORNERSTONE: &str = "e3d82ce0-9bae-0133-0de7-525400970412";

#[rustfmt::skip]
const ROUTES: &[Route] = {
    use Answer::{ActiveTheme, Channels, Create, Json, List, Store, Themes, Time, Update};
    use Api::{V2, V3};
    use Shape::{Anything, Array, Object, Upload};
    &[
        route("GET", V3, "hooks", "", List),
        route("GET", V2, "time", "", Time),
        route("GET", V3, "content/widgets", "content", List),
        route("POST", V3, "content/widgets", "content", Create(Object(&["name", "widget_template_uuid"]), 200)),
        route("GET", V2, "pages", "content", List),
        route("POST", V2, "pages", "content", Create(Object(&["type", "name", "body"]), 200)),
        route("GET", V3, "customers", "customers", List),
        route("POST", V3, "customers", "customers", Create(Array(&["email", "first_name", "last_name"]), 200)),
        route("GET", V2, "store", "information", Store),
        route("GET", V3, "settings/store/locale", "information", Json(LOCALE)),
        route("GET", V2, "currencies", "information", Json(CURRENCIES)),
        route("POST", V2, "currencies", "information", Create(Object(&["name", "currency_code", "currency_exchange_rate", "token_location", "token", "decimal_token", "thousands_token", "decimal_places"]), 200)),
        route("GET", V2, "coupons", "marketing", List),
        route("GET", V2, "coupons/count", "marketing", Json(r#"{"count": 0}"#)),
        route("POST", V2, "coupons", "marketing", Create(Object(&["name", "type", "amount", "applies_to", "code"]), 201)),
        route("GET", V2, "orders", "orders", List),
        route("GET", V2, "orders/count", "orders", Json(r#"{"count": 0, "statuses": []}"#)),
        route("PUT", V2, "orders/{id}", "orders", Update(Anything)),
        route("POST", V2, "orders", "orders", Create(Anything, 201)),
        route("GET", V3, "catalog/products", "products", List),
        route("POST", V3, "catalog/products", "products", Create(Object(&["name", "type", "weight", "price"]), 200)),
        route("GET", V3, "channels", "channel_settings", Channels),
        route("POST", V3, "channels", "channel_settings", Create(Object(&["name", "type", "platform"]), 200)),
        route("GET", V3, "channels/{id}/active-theme", "channel_settings", ActiveTheme),
        route("GET", V3, "channels/{id}/listings", "channel_listings", List),
        route("POST", V3, "channels/{id}/listings", "channel_listings", Create(Array(&["product_id", "state", "variants"]), 200)),
        route("GET", V3, "themes", "themes", Themes),
        route("POST", V3, "themes", "themes", Create(Upload, 201)),
        route("GET", V3, "sites", "sites", List),
        route("POST", V3, "sites", "sites", Create(Anything, 201)),
        route("PUT", V3, "sites/{id}/routes/{id}", "sites", Update(Object(&["type", "matching", "route"]))),
    ]
};

const CURRENCIES: &str =
    r#"[{"id": 1, "is_default": true, "currency_code": "USD", "name": "US Dollar", "enabled": true}]"#;

const LOCALE: &str = r#"{"data": {"default_shopper_language": "en", "shopper_language_selection_method": "default_shopper_language"}, "meta": {}}"#;

/// The route for this request and the level it needs; DELETE matches any GET path and needs modify.
fn find_route(method: &Method, api: Api, rest: &str) -> Option<(&'static Route, Level)> {
    let (wanted, needed) = match method.as_str() {
        "GET" | "HEAD" => ("GET", Level::ReadOnly),
        "DELETE" => ("GET", Level::Modify),
        other => (other, Level::Modify),
    };
    let matches = |pattern: &str| {
        let (mut want, mut got) = (pattern.split('/'), rest.split('/'));
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some("{id}"), Some(segment)) if !segment.is_empty() => {}
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    };
    ROUTES
        .iter()
        .find(|r| r.method == wanted && r.api == api && matches(r.path))
        .map(|r| (r, needed))
}

/// Validates a create body; a valid one is recorded as created.
fn create(state: &mut State, (api, path): (Api, &str), shape: Shape, code: u16, body: &[u8]) -> Reply {
    let created = match check_body(shape, body) {
        Ok(created) => created,
        Err(refusal) => return refuse(api, refusal),
    };
    state.created.push(format!("POST {path}"));
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::CREATED);
    match api {
        Api::V2 => json_reply(status, &json!({ "id": 1, "created": created })),
        Api::V3 => json_reply(status, &json!({ "data": created, "meta": {} })),
    }
}

/// Why BigCommerce refuses a write's body.
enum Refusal {
    /// 400 with this message: not JSON, or not the multipart upload expected.
    Malformed(&'static str),
    /// 422 (v3) / 400 (v2): this required field is missing or blank.
    Missing(String),
}

/// The body of a write, if BigCommerce would accept it.
fn check_body(shape: Shape, body: &[u8]) -> Result<Value, Refusal> {
    match shape {
        Shape::Anything => Ok(Value::Null),
        Shape::Upload if String::from_utf8_lossy(body).contains("name=\"file\"") => {
            Ok(json!({ "job_id": "ceea1917b1518f5ae491da6ad8a56336" }))
        }
        Shape::Upload => Err(Refusal::Malformed("Input is invalid.")),
        Shape::Object(required) | Shape::Array(required) => {
            let value = serde_json::from_slice::<Value>(body)
                .map_err(|_| Refusal::Malformed("The request body is not valid JSON."))?;
            match missing_field(&value, shape, required) {
                Some(field) => Err(Refusal::Missing(field)),
                None => Ok(value),
            }
        }
    }
}

fn refuse(api: Api, refusal: Refusal) -> Reply {
    match refusal {
        Refusal::Malformed(message) => error(api, StatusCode::BAD_REQUEST, message),
        Refusal::Missing(field) => invalid(api, &field),
    }
}

/// The first required field that is absent, null or blank, as a path (`name`, `[0].email`).
fn missing_field(value: &Value, shape: Shape, required: &[&str]) -> Option<String> {
    let blank = |object: &Value, field: &str| match object.get(field) {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.trim().is_empty(),
        Some(_) => false,
    };
    let first = required.first().copied().unwrap_or("body");
    match (shape, value) {
        (Shape::Object(_), Value::Object(_)) => {
            required.iter().find(|f| blank(value, f)).map(ToString::to_string)
        }
        (Shape::Array(_), Value::Array(items)) if !items.is_empty() => {
            items.iter().enumerate().find_map(|(i, item)| {
                let field = if item.is_object() {
                    required.iter().find(|f| blank(item, f))?
                } else {
                    &first
                };
                Some(format!("[{i}].{field}"))
            })
        }
        (Shape::Array(_), _) => Some(format!("[0].{first}")),
        _ => Some(first.to_owned()),
    }
}

fn store_info(hash: &str, name: &str, domain: Option<&String>) -> Value {
    let slug = name
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let domain = domain
        .cloned()
        .unwrap_or_else(|| format!("{}.example.com", if slug.is_empty() { "store" } else { &slug }));
    json!({
        "id": hash,
        "account_uuid": "8d4d492f-17a1-4d95-b396-e1c5720815a5",
        "domain": domain,
        "secure_url": format!("https://{domain}"),
        "control_panel_base_url": format!("https://store-{hash}.mybigcommerce.com"),
        "status": "live",
        "name": name,
        "language": "en",
        "currency": "USD",
        "plan_name": "Plus",
        "plan_level": "Plus",
        "plan_is_trial": false,
        "default_channel_id": 1,
        "features": { "stencil_enabled": true, "multi_storefront_enabled": true },
    })
}

fn default_channel(store_name: &str) -> Value {
    json!({ "id": 1, "name": store_name, "type": "storefront", "platform": "bigcommerce", "status": "active",
            "is_listable_from_ui": true, "is_visible": true, "external_id": "" })
}

/// A list in the version's shape; an empty v2 list is `Value::Null`, which becomes 204.
fn list(api: Api, items: &Value) -> Value {
    let count = items.as_array().map_or(0, Vec::len);
    match api {
        Api::V2 if count == 0 => Value::Null,
        Api::V2 => items.clone(),
        Api::V3 => json!({
            "data": items,
            "meta": { "pagination": { "total": count, "count": count, "per_page": 50, "current_page": 1,
                                      "total_pages": 1, "links": { "current": "?page=1&limit=50" } } },
        }),
    }
}

fn unauthorized(api: Api, had_token: bool) -> Reply {
    // Three different bodies on purpose: only the status is a contract.
    match (api, had_token) {
        (Api::V3, _) => v3_error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: missing or invalid X-Auth-Token",
        ),
        (Api::V2, false) => raw(StatusCode::UNAUTHORIZED, Some("text/plain"), "Unauthorized"),
        (Api::V2, true) => v2_error(
            StatusCode::UNAUTHORIZED,
            "You are not authorized to access this resource.",
        ),
    }
}

fn invalid(api: Api, field: &str) -> Reply {
    match api {
        Api::V2 => v2_error(
            StatusCode::BAD_REQUEST,
            &format!("The field '{field}' cannot be blank."),
        ),
        Api::V3 => json_reply(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({ "status": 422, "title": "JSON data is missing or invalid", "type": ERROR_TYPE,
                     "errors": { field: format!("error.path.missing[{field}]") } }),
        ),
    }
}

fn error(api: Api, status: StatusCode, message: &str) -> Reply {
    match api {
        Api::V2 => v2_error(status, message),
        Api::V3 => v3_error(status, message),
    }
}

fn v3_error(status: StatusCode, title: &str) -> Reply {
    json_reply(
        status,
        &json!({ "status": status.as_u16(), "title": title, "type": ERROR_TYPE, "errors": {} }),
    )
}

fn v2_error(status: StatusCode, message: &str) -> Reply {
    json_reply(
        status,
        &json!([{ "status": status.as_u16(), "message": message }]),
    )
}

fn json_reply(status: StatusCode, value: &Value) -> Reply {
    raw(status, Some("application/json"), &value.to_string())
}

fn raw(status: StatusCode, content_type: Option<&str>, body: &str) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::from(body.to_owned())));
    *reply.status_mut() = status;
    if let Some(content_type) = content_type {
        insert(reply.headers_mut(), header::CONTENT_TYPE, content_type);
    }
    reply
}

fn insert(headers: &mut HeaderMap, name: impl header::IntoHeaderName, value: &str) {
    // Only the fake's own ASCII values and test-supplied URLs get here; a bad one is a test bug.
    let value = HeaderValue::from_str(value).expect("fake store: header value is visible ASCII");
    headers.insert(name, value);
}
