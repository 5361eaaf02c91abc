//! Operating the gateway: HTTPS with a certificate reloaded on SIGHUP, TLS 1.2 as the floor, and a graceful
//! shutdown that lets a call in flight finish.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use koodesk_gateway::{DatabaseUrl, GatewayConfig, Provisioning, TlsFiles};
use koodesk_protocol::secret::Secret;
use serde_json::{json, Value};
use support::{new_instance, FEED_TOKEN, KEY};

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gateway-ops-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with the openssl command.
fn certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join(format!("{name}.crt")), dir.join(format!("{name}.key")));
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj"])
        .arg(format!("/CN={name}"))
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs (apt-get install openssl)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (cert, key)
}

fn client_trusting(cert: &Path, max_tls: Option<reqwest::tls::Version>) -> reqwest::Client {
    let pem = std::fs::read(cert).expect("cert");
    let mut b = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("pem"))
        .pool_max_idle_per_host(0);
    if let Some(v) = max_tls {
        b = b.tls_version_max(v);
    }
    b.build().expect("client")
}

fn base_config(d: &Path) -> GatewayConfig {
    let mut c = GatewayConfig::new(
        "127.0.0.1:0".parse().expect("addr"),
        DatabaseUrl::Sqlite(d.join("g.db")),
        Secret::new(KEY),
        Secret::new(FEED_TOKEN),
    );
    c.provisioning = Provisioning::FrontEndUrl("https://saas.example.com/{instanceId}".into());
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_serves_with_tls_1_2_and_reloads_the_certificate_on_sighup() {
    let d = dir("tls");
    let (first, first_key) = certificate(&d, "first");
    let (second, second_key) = certificate(&d, "second");
    let (cert, key) = (d.join("live.crt"), d.join("live.key"));
    std::fs::copy(&first, &cert).expect("copy");
    std::fs::copy(&first_key, &key).expect("copy");
    let mut cfg = base_config(&d);
    cfg.tls = Some(TlsFiles { cert: cert.clone(), key: key.clone() });
    let gw = koodesk_gateway::start(cfg).await.expect("starts");
    assert!(gw.interface_url.starts_with("https://127.0.0.1:"), "{}", gw.interface_url);
    let mut kg = support::Kg::new(&gw.interface_url);
    kg.http = client_trusting(&first, Some(reqwest::tls::Version::TLS_1_2));
    assert_eq!(kg.call(&new_instance("CST", "CST-000001")).await.code(), "000000", "TLS 1.2 is accepted");
    let old = client_trusting(&second, None);
    assert!(old.get(format!("{}/healthz", gw.base_url)).send().await.is_err(), "not yet the second certificate");

    std::fs::copy(&second, &cert).expect("copy");
    std::fs::copy(&second_key, &key).expect("copy");
    let hup = Command::new("kill").args(["-HUP", &std::process::id().to_string()]).status().expect("kill");
    assert!(hup.success());
    let fresh = client_trusting(&second, None);
    let status = support::eventually(100_000, || {
        let (c, url) = (fresh.clone(), format!("{}/healthz", gw.base_url));
        async move { c.get(url).send().await.ok().map(|r| r.status().as_u16()) }
    })
    .await;
    assert_eq!(status, 200, "the reloaded certificate is served");
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_call_in_flight_finish() {
    let d = dir("drain");
    // A provision hook that holds its reply until told to answer.
    let arrived = Arc::new(tokio::sync::Notify::new());
    let release = Arc::new(tokio::sync::Notify::new());
    let calls = Arc::new(AtomicUsize::new(0));
    let (a, r, n) = (arrived.clone(), release.clone(), calls.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let (a, r, n) = (a.clone(), r.clone(), n.clone());
            async move {
                n.fetch_add(1, Ordering::SeqCst);
                a.notify_one();
                r.notified().await;
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                json!({"frontEndUrl": format!("https://t.example/{}", v["instanceId"].as_str().unwrap_or(""))})
                    .to_string()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let hook = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let mut cfg = base_config(&d);
    cfg.provisioning = Provisioning::Hook { url: hook, timeout: Duration::from_millis(4000) };
    let gw = koodesk_gateway::start(cfg).await.expect("starts");
    let kg = support::Kg::new(&gw.interface_url);
    let in_flight = tokio::spawn(async move { kg.call(&new_instance("CSD", "CSD-000001")).await.json() });
    arrived.notified().await;
    let health = format!("{}/healthz", gw.base_url);
    let stopping = tokio::spawn(gw.stop());
    // The listener closes at once (a new connection is refused) while the call already received goes on.
    let fresh = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("client");
    support::eventually(100_000, || {
        let (c, url) = (fresh.clone(), health.clone());
        async move { c.get(url).send().await.is_err().then_some(()) }
    })
    .await;
    assert!(!in_flight.is_finished(), "the call is still waiting for its hook");
    release.notify_one();
    let reply = in_flight.await.expect("task");
    assert_eq!(reply["resultCode"], "000000", "{reply}");
    stopping.await.expect("stopped");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
