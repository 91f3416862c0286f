//! The servers of the network tests, all on 127.0.0.1 and stopped when dropped: a TLS front with a
//! throwaway CA, a recording proxy, and a bare HTTP server that answers every request the same way.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use tokio::sync::oneshot;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::{TlsAcceptor, rustls};

/// A throwaway CA and a server certificate it signed.
pub(super) struct Pki {
    /// The CA certificate, PEM, written to a file for `SSL_CERT_FILE`.
    ca_file: PathBuf,
    leaf: CertificateDer<'static>,
    key: Vec<u8>,
}

impl Pki {
    /// A CA (in `dir`) and a leaf for `names`; `expired` puts the leaf's validity in 2000.
    pub(super) fn new(dir: &std::path::Path, names: &[&str], expired: bool) -> Pki {
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "bcsetup test CA (throwaway)");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca =
            CertifiedIssuer::self_signed(ca, KeyPair::generate().expect("CA key")).expect("CA certificate");
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut leaf = CertificateParams::new(names).expect("leaf params");
        leaf.distinguished_name
            .push(DnType::CommonName, "bcsetup test server");
        leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        if expired {
            leaf.not_before = rcgen::date_time_ymd(2000, 1, 1);
            leaf.not_after = rcgen::date_time_ymd(2000, 12, 31);
        }
        let key = KeyPair::generate().expect("leaf key");
        let leaf = leaf.signed_by(&key, &ca).expect("leaf certificate");
        let ca_file = tempfile::Builder::new()
            .suffix(".pem")
            .tempfile_in(dir)
            .expect("CA file")
            .keep()
            .expect("keep")
            .1;
        std::fs::write(&ca_file, ca.pem()).expect("write the CA");
        Pki {
            ca_file,
            leaf: leaf.der().clone(),
            key: key.serialize_der(),
        }
    }

    /// A self-signed server certificate for `names`, no CA (`ca_file` holds the certificate itself).
    pub(super) fn self_signed(dir: &std::path::Path, names: &[&str]) -> Pki {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let rcgen::CertifiedKey { cert, signing_key } =
            rcgen::generate_simple_self_signed(names).expect("cert");
        let ca_file = tempfile::Builder::new()
            .suffix(".pem")
            .tempfile_in(dir)
            .expect("file")
            .keep()
            .expect("keep")
            .1;
        std::fs::write(&ca_file, cert.pem()).expect("write the certificate");
        Pki {
            ca_file,
            leaf: cert.der().clone(),
            key: signing_key.serialize_der(),
        }
    }

    pub(super) fn ca(&self) -> String {
        self.ca_file.to_string_lossy().into_owned()
    }
}

/// TLS in front of a plaintext server (the fake): counts connections and completed handshakes.
pub(super) struct TlsFront {
    pub(super) addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    handshakes: Arc<AtomicUsize>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TlsFront {
    pub(super) fn start(pki: &Pki, upstream: SocketAddr) -> TlsFront {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone()));
        let mut config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![pki.leaf.clone()], key)
            .expect("server config");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("address");
        let (connections, handshakes) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let counters = (Arc::clone(&connections), Arc::clone(&handshakes));
        let (stop, stopped) = oneshot::channel();
        let thread = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(front(listener, acceptor, upstream, counters, stopped));
            runtime.shutdown_background();
        });
        TlsFront {
            addr,
            connections,
            handshakes,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub(super) fn url(&self, host: &str) -> String {
        format!("https://{host}:{}", self.addr.port())
    }

    pub(super) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub(super) fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn front(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    upstream: SocketAddr,
    (connections, handshakes): (Arc<AtomicUsize>, Arc<AtomicUsize>),
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((tcp, _)) = accepted else { continue };
        connections.fetch_add(1, Ordering::SeqCst);
        let (acceptor, handshakes) = (acceptor.clone(), Arc::clone(&handshakes));
        tokio::spawn(async move {
            // A client that rejects the certificate aborts the handshake: nothing to relay.
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                return;
            };
            handshakes.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut plain) = tokio::net::TcpStream::connect(upstream).await {
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            }
        });
    }
}

/// What the proxy was asked.
#[derive(Default)]
pub(super) struct Seen {
    /// The first line of each connection: `GET http://… HTTP/1.1` or `CONNECT host:port HTTP/1.1`.
    requests: Vec<String>,
    /// Every byte clients sent through the proxy, tunnels included.
    bytes: Vec<u8>,
}

/// A recording HTTP proxy on 127.0.0.1 that only reaches loopback targets.
pub(super) struct Proxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Proxy {
    pub(super) fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("address");
        let seen = Arc::new(Mutex::new(Seen::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, stopping) = (Arc::clone(&seen), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            while !stopping.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let seen = Arc::clone(&shared);
                        thread::spawn(move || proxy_connection(client, &seen));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Proxy {
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    pub(super) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(super) fn requests(&self) -> Vec<String> {
        self.seen.lock().expect("lock").requests.clone()
    }

    pub(super) fn bytes(&self) -> Vec<u8> {
        self.seen.lock().expect("lock").bytes.clone()
    }

    pub(super) fn clear(&self) {
        *self.seen.lock().expect("lock") = Seen::default();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Read up to the end of a request head (`\r\n\r\n`); returns everything read.
fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    head
}

/// Whether a `host:port` authority names this machine.
fn loopback(authority: &str) -> bool {
    let host = authority.rsplit_once(':').map_or(authority, |(host, _)| host);
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

fn proxy_connection(mut client: TcpStream, seen: &Mutex<Seen>) {
    let _ = client.set_nonblocking(false);
    let head = read_head(&mut client);
    let text = String::from_utf8_lossy(&head).into_owned();
    let line = text.lines().next().unwrap_or_default().to_owned();
    {
        let mut seen = seen.lock().expect("lock");
        seen.requests.push(line.clone());
        seen.bytes.extend_from_slice(&head);
    }
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let authority = match method {
        "CONNECT" => target,
        _ => target
            .strip_prefix("http://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default(),
    };
    let upstream = if loopback(authority) {
        TcpStream::connect(authority).ok()
    } else {
        None
    };
    let Some(mut upstream) = upstream else {
        let _ =
            client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    let ok = if method == "CONNECT" {
        client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
    } else {
        // Forwarded as received: the fake (hyper) accepts the absolute form.
        upstream.write_all(&head)
    };
    if ok.is_err() {
        return;
    }
    let (Ok(mut from_client), Ok(mut to_client)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let back = thread::spawn(move || {
        let _ = std::io::copy(&mut to_client, &mut client);
        let _ = client.shutdown(Shutdown::Write);
    });
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from_client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                seen.lock().expect("lock").bytes.extend_from_slice(&buf[..n]);
                if upstream.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = upstream.shutdown(Shutdown::Write);
    let _ = back.join();
}

/// Request lines received, each with its `X-Auth-Token`.
pub(super) type Asked = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A bare HTTP/1.1 server: every request gets `reply` and the connection is closed.
pub(super) struct Raw {
    pub(super) addr: SocketAddr,
    pub(super) connections: Arc<AtomicUsize>,
    pub(super) requests: Asked,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Raw {
    pub(super) fn start(reply: String) -> Raw {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("address");
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, log, stopping) = (Arc::clone(&connections), Arc::clone(&requests), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            while !stopping.load(Ordering::SeqCst) {
                let Ok((mut stream, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(5));
                    continue;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let head = String::from_utf8_lossy(&read_head(&mut stream)).into_owned();
                if head.is_empty() {
                    continue;
                }
                let token = head
                    .lines()
                    .find_map(|l| {
                        l.split_once(':')
                            .filter(|(k, _)| k.eq_ignore_ascii_case("x-auth-token"))
                    })
                    .map(|(_, v)| v.trim().to_owned());
                log.lock()
                    .expect("lock")
                    .push((head.lines().next().unwrap_or_default().to_owned(), token));
                // Drain a small body (the write probes send `{}` or `[{}]`) before answering.
                let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
                let _ = stream.read(&mut [0u8; 4096]);
                let _ = stream.write_all(reply.as_bytes());
                let _ = stream.shutdown(Shutdown::Both);
            }
        });
        Raw {
            addr,
            connections,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    pub(super) fn url(&self, host: &str) -> String {
        format!("http://{host}:{}", self.addr.port())
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub(super) fn redirect(status: u16, location: &str) -> String {
    format!(
        "HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}
