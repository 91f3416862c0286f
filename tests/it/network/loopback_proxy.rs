//! A plain-http API base is a loopback host, and a proxy would read the token in clear text there:
//! no proxy variable may route it (issue 15). A listener posing as the proxy must see no connection.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{addr_of, run_with, stored};

/// A listener that only counts the connections it is offered.
struct Counter {
    url: String,
    connections: Arc<AtomicUsize>,
}

impl Counter {
    fn start() -> Counter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&connections);
        // Ends with the test binary; the accepted streams are dropped (closed) at once.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                drop(stream);
                seen.fetch_add(1, Ordering::SeqCst);
            }
        });
        Counter { url, connections }
    }
}

#[test]
fn no_proxy_variable_routes_a_plain_http_base() {
    let token = "SENTINELnetLoopback01";
    let env = stored(token);
    let proxy = Counter::start();
    let fake = env.fake.base_url();
    let localhost = format!("http://localhost:{}", addr_of(&fake).port());
    let url = proxy.url.as_str();
    for base in [fake.as_str(), &localhost] {
        for var in [
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "HTTPS_PROXY",
        ] {
            env.fake.clear_log();
            let out = run_with(&env, &["verify"], &[(var, url), ("BCSETUP_API_BASE", base)]);
            assert_eq!(out.code, 0, "{var} {base}: {}", out.stderr);
            let log = env.fake.requests();
            assert!(!log.is_empty(), "{var} {base}: the fake was not asked");
            assert!(log.iter().all(|r| r.auth_token.as_deref() == Some(token)));
            assert_eq!(
                proxy.connections.load(Ordering::SeqCst),
                0,
                "{var} {base}: the proxy was used"
            );
        }
    }
    // All of them at once, as a corporate shell profile sets them.
    let all: Vec<(&str, &str)> = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .map(|var| (var, url))
        .collect();
    let out = run_with(&env, &["verify"], &all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 0, "the proxy was used");
}
