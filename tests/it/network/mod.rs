//! TLS and network policy (issue 6): plain http only for loopback hosts, certificates always checked
//! (a trusted CA, the right name, in date), `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY` honoured, and the
//! token sent only to the configured API host — never after a redirect.
//!
//! Servers used here, all on 127.0.0.1 and stopped when dropped:
//! - [`TlsFront`]: terminates TLS with a certificate of a throwaway CA (rcgen) and relays the plaintext
//!   to the fake BigCommerce, counting connections and completed handshakes;
//! - [`Proxy`]: an HTTP proxy (absolute-form forwarding and `CONNECT` tunnels) that records what it was
//!   asked and every byte the client sent through it, and refuses any target that is not loopback;
//! - [`Raw`]: a bare HTTP/1.1 server answering every request the same way (a redirect, or 200),
//!   recording connections and requests.
//!
//! Every target is on this machine: a regression (following a redirect, ignoring the http policy)
//! must fail here without sending anything to the internet.
//!
//! Proxies and loopback: reqwest 0.13 takes proxies from the environment through hyper-util's
//! `Matcher::from_env` (`ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, upper or lower case;
//! `HTTP_PROXY` ignored when `REQUEST_METHOD` is set, against httpoxy) and does **not** exempt loopback
//! hosts on its own: only `NO_PROXY` does. So the https proxy tests can point the API base at
//! 127.0.0.1 and still see the proxy used. A plain-http base (loopback only) never uses a proxy, which
//! would read the token in clear text: `Client::new` turns proxies off for it (`loopback_proxy.rs`).
//!
//! Trust: on Linux reqwest verifies with rustls-platform-verifier, which loads the system roots through
//! rustls-native-certs, which honours `SSL_CERT_FILE`. The positive controls add the test CA that way —
//! trusting one more root, which is not disabling any check.

mod loopback_proxy;
mod servers;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use crate::support::{Level, Outcome, STORE, TestEnv, TokenSpec};
use servers::{Pki, Proxy, Raw, TlsFront, redirect};

/// A dead proxy: the discard port refuses connections.
const DEAD: &str = "http://127.0.0.1:9";

/// An env with a read-only profile in `--insecure-storage` (no keyring needed) for `token`, which the
/// fake accepts; the request log is empty.
fn stored(token: &str) -> TestEnv {
    let mut env = TestEnv::new();
    let token = env.token(token, TokenSpec::all(STORE, Level::ReadOnly));
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    env
}

/// Run `args` with extra variables (later ones win over the env's own).
fn run_with(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Outcome {
    let mut cmd = env.cmd(args);
    for (key, value) in vars {
        cmd.env(key, value);
    }
    cmd.write_stdin(Vec::new());
    let out = env.run_data(&mut cmd, args);
    assert!(!out.stdout.contains("SENTINEL"), "{args:?} printed a token");
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

fn addr_of(base_url: &str) -> SocketAddr {
    base_url
        .trim_start_matches("http://")
        .parse()
        .expect("a loopback socket address")
}

// ---------------------------------------------------------------------------------------------
// Plain http

#[test]
fn plain_http_is_refused_for_non_loopback_hosts_before_any_connection() {
    let env = stored("SENTINELnetHttp000001");
    // Every proxy variable points at a recorder, so even an attempt would stay on this machine.
    let proxy = Proxy::start();
    let url = proxy.url();
    let proxies = [
        ("HTTP_PROXY", url.as_str()),
        ("HTTPS_PROXY", url.as_str()),
        ("ALL_PROXY", url.as_str()),
    ];
    let rotate = [
        "init",
        "--token-type",
        "api",
        "--name",
        "Network check",
        "--access",
        "read-only",
        "--store-hash",
        STORE,
        "--access-token-stdin",
        "--insecure-storage",
        "--yes",
    ];
    for base in [
        "http://example.com",
        "http://api.bigcommerce.com",
        "http://192.0.2.10:8080",
        "http://[2001:db8::1]",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
    ] {
        for args in [&["verify"][..], &rotate] {
            let vars = [&proxies[..], &[("BCSETUP_API_BASE", base)]].concat();
            let out = run_with(&env, args, &vars);
            assert_eq!(out.code, 2, "{base} {args:?}: {}", out.stderr);
            assert!(
                out.stderr.contains("BCSETUP_API_BASE") && out.stderr.contains("loopback"),
                "{}",
                out.stderr
            );
        }
    }
    assert!(
        proxy.requests().is_empty(),
        "a connection was attempted: {:?}",
        proxy.requests()
    );
    assert!(env.fake.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Certificates

#[test]
fn certificates_are_checked_never_skipped() {
    let env = stored("SENTINELnetTls0000001");
    let pki = Pki::new(env.root.path(), &["127.0.0.1", "localhost"], false);
    let tls = TlsFront::start(&pki, addr_of(&env.fake.base_url()));
    let base = tls.url("127.0.0.1");

    // An unknown issuer: exit 5 naming the certificate; the handshake never completed, so no request
    // (and no token) reached the server.
    for args in [&["verify"][..], &["verify", "--json", "-v"]] {
        let out = run_with(&env, args, &[("BCSETUP_API_BASE", &base)]);
        assert_eq!(out.code, 5, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("certificate"),
            "the message names the certificate: {}",
            out.stderr
        );
    }
    assert!(tls.connections() > 0, "bcsetup did connect to the TLS server");
    assert_eq!(
        tls.handshakes(),
        0,
        "a handshake completed with an untrusted certificate"
    );
    assert!(
        env.fake.requests().is_empty(),
        "a request got through: {:?}",
        env.fake.requests()
    );

    // A self-signed certificate, the classic "just make TLS work" shortcut: refused the same way.
    let own = Pki::self_signed(env.root.path(), &["127.0.0.1", "localhost"]);
    let self_signed = TlsFront::start(&own, addr_of(&env.fake.base_url()));
    let out = run_with(
        &env,
        &["verify"],
        &[("BCSETUP_API_BASE", &self_signed.url("127.0.0.1"))],
    );
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("certificate"), "{}", out.stderr);
    assert!(self_signed.connections() > 0 && self_signed.handshakes() == 0);
    assert!(env.fake.requests().is_empty());

    // The same server with its CA trusted: verification passes through it (the server works; trust
    // was the only difference).
    let trusted = [("BCSETUP_API_BASE", base.as_str()), ("SSL_CERT_FILE", &pki.ca())];
    let out = run_with(&env, &["verify"], &trusted);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(tls.handshakes() > 0 && !env.fake.requests().is_empty());
    // localhost is in the certificate too.
    let out = run_with(
        &env,
        &["verify"],
        &[
            ("BCSETUP_API_BASE", &tls.url("localhost")),
            ("SSL_CERT_FILE", &pki.ca()),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_certificate_for_another_name_or_out_of_date_is_refused_even_from_a_trusted_ca() {
    let env = stored("SENTINELnetTls0000002");
    for (names, expired, why) in [
        (&["other.example"][..], false, "a certificate for another name"),
        (
            &["localhost"],
            false,
            "a certificate for localhost, reached as 127.0.0.1",
        ),
        (&["127.0.0.1", "localhost"], true, "an expired certificate"),
    ] {
        let pki = Pki::new(env.root.path(), names, expired);
        let tls = TlsFront::start(&pki, addr_of(&env.fake.base_url()));
        let vars = [
            ("BCSETUP_API_BASE", tls.url("127.0.0.1")),
            ("SSL_CERT_FILE", pki.ca()),
        ];
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run_with(&env, &["verify"], &vars);
        assert_eq!(out.code, 5, "{why}: {}", out.stderr);
        assert!(out.stderr.contains("certificate"), "{why}: {}", out.stderr);
        assert!(tls.connections() > 0 && tls.handshakes() == 0, "{why}");
        assert!(env.fake.requests().is_empty(), "{why}: a request got through");
    }
}

// ---------------------------------------------------------------------------------------------
// Proxies

#[test]
fn https_goes_through_a_connect_tunnel_the_proxy_cannot_read() {
    let env = stored("SENTINELnetTunnel0001");
    let token = "SENTINELnetTunnel0001";
    let pki = Pki::new(env.root.path(), &["127.0.0.1", "localhost"], false);
    let tls = TlsFront::start(&pki, addr_of(&env.fake.base_url()));
    let proxy = Proxy::start();
    let (url, base, ca) = (proxy.url(), tls.url("127.0.0.1"), pki.ca());
    let trusted = [
        ("BCSETUP_API_BASE", base.as_str()),
        ("SSL_CERT_FILE", ca.as_str()),
    ];

    let out = run_with(
        &env,
        &["verify"],
        &[&trusted[..], &[("HTTPS_PROXY", &url)]].concat(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let connect = format!("CONNECT 127.0.0.1:{} HTTP/1.1", tls.addr.port());
    assert!(
        proxy.requests().iter().all(|r| *r == connect),
        "{:?}",
        proxy.requests()
    );
    assert!(!proxy.requests().is_empty(), "the proxy was not used");
    let through = String::from_utf8_lossy(&proxy.bytes()).into_owned();
    assert!(!through.contains(token), "the proxy saw the token in the clear");
    let log = env.fake.requests();
    assert!(!log.is_empty() && log.iter().all(|r| r.auth_token.as_deref() == Some(token)));
    proxy.clear();

    // HTTP_PROXY is for http URLs only; NO_PROXY bypasses HTTPS_PROXY.
    for extra in [
        &[("HTTP_PROXY", url.as_str())][..],
        &[("HTTPS_PROXY", &url), ("NO_PROXY", "127.0.0.1")],
    ] {
        let out = run_with(&env, &["verify"], &[&trusted[..], extra].concat());
        assert_eq!(out.code, 0, "{extra:?}: {}", out.stderr);
        assert!(
            proxy.requests().is_empty(),
            "{extra:?}: the proxy was used: {:?}",
            proxy.requests()
        );
    }
    // An unreachable HTTPS proxy: exit 5, and nothing went around it.
    env.fake.clear_log();
    let out = run_with(
        &env,
        &["verify"],
        &[&trusted[..], &[("HTTPS_PROXY", DEAD)]].concat(),
    );
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(env.fake.requests().is_empty(), "went around the proxy");
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[test]
fn redirects_are_never_followed_whatever_the_status_or_target() {
    let token = "SENTINELnetRedirect01";
    let env = stored(token);
    let elsewhere =
        Raw::start("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]".into());
    let path = format!("/stores/{STORE}/v3/hooks");
    for status in [301, 302, 303, 307, 308] {
        // Loopback targets only: a regression must not send traffic off this machine.
        for target in [elsewhere.url("127.0.0.1"), elsewhere.url("localhost")] {
            let api = Raw::start(redirect(status, &format!("{target}{path}")));
            let out = run_with(&env, &["verify"], &[("BCSETUP_API_BASE", &api.url("127.0.0.1"))]);
            // A redirect is an unexpected answer from the API host: unhealthy, exit 5.
            assert_eq!(out.code, 5, "{status} → {target}: {}", out.stderr);
            assert!(
                out.stderr.contains(&format!("answered {status}")),
                "{}",
                out.stderr
            );
            let asked = api.requests.lock().expect("lock").clone();
            assert!(!asked.is_empty(), "bcsetup asked the configured host");
            assert!(asked.iter().all(|(_, t)| t.as_deref() == Some(token)));
            assert_eq!(
                elsewhere.connections.load(Ordering::SeqCst),
                0,
                "{status} → {target}: followed"
            );
        }
    }
    // https API, redirected to plain http on the same host name: not followed either.
    let pki = Pki::new(env.root.path(), &["127.0.0.1", "localhost"], false);
    for status in [301, 307, 308] {
        let api = Raw::start(redirect(status, &format!("{}{path}", elsewhere.url("localhost"))));
        let tls = TlsFront::start(&pki, api.addr);
        let vars = [
            ("BCSETUP_API_BASE", tls.url("localhost")),
            ("SSL_CERT_FILE", pki.ca()),
        ];
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run_with(&env, &["verify"], &vars);
        assert_eq!(out.code, 5, "{status} → http: {}", out.stderr);
        assert!(tls.handshakes() > 0 && !api.requests.lock().expect("lock").is_empty());
        assert_eq!(
            elsewhere.connections.load(Ordering::SeqCst),
            0,
            "{status} → http: followed"
        );
    }
    assert!(env.fake.requests().is_empty());
}
