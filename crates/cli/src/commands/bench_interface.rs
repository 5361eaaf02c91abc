//! `koodesk bench interface`: the sample production interface under KooGallery-shaped load — every request
//! freshly signed (new nonce, V2.0 signature), newInstance and queryInstance alternating, replies read whole.

use std::sync::Arc;
use std::time::Duration;

use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use koodesk_sandbox::sample_interface::{self, SampleConfig};

use super::bench_sandbox::{drive, LoadFigures};
use crate::output::Failure;

fn signed(url: &str, key: &str, body: String, n: u64) -> (String, String) {
    let nonce = format!("{n:016X}{:016X}", rand_u64());
    let ts = chrono::Utc::now().timestamp_millis().to_string();
    let sig = signature::v2_sign(key, &nonce, &ts, body.as_bytes());
    (format!("{url}?signature={sig}&timestamp={ts}&nonce={nonce}"), body)
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}

/// The sample production interface, in memory: the floor every other figure is compared with.
pub fn new_and_query(connections: usize, runs: usize, seconds: f64) -> Result<LoadFigures, Failure> {
    let fail = |m: String| Failure { status: 1, message: m };
    let rt = tokio::runtime::Runtime::new().map_err(|e| fail(format!("runtime: {e}")))?;
    rt.block_on(async move {
        let key = koodesk_sandbox::config::random_credential(32);
        let mut cfg = SampleConfig::new(0, Secret::new(key.clone()));
        cfg.provisioning = Duration::ZERO;
        let server = sample_interface::serve(cfg).await.map_err(|e| fail(format!("sample: {e}")))?;
        let runs = load(vec![server.url.clone()], key, connections, runs, seconds).await;
        server.stop().await;
        Ok(LoadFigures::new(
            "sample production interface newInstance/queryInstance (V2.0-signed, nonce-checked, loopback, client and \
             server on this machine)",
            connections,
            seconds,
            runs?,
        ))
    })
}

/// Production interfaces at `urls` (e.g. two gateway replicas behind no balancer: connection c uses
/// `urls[c % n]`), signed with `key`.
pub fn at_urls(
    urls: Vec<String>,
    key: String,
    connections: usize,
    runs: usize,
    seconds: f64,
) -> Result<LoadFigures, Failure> {
    let fail = |m: String| Failure { status: 1, message: m };
    let rt = tokio::runtime::Runtime::new().map_err(|e| fail(format!("runtime: {e}")))?;
    let name = format!(
        "newInstance/queryInstance through {} (V2.0-signed, loopback, client and server on this machine)",
        urls.join(" and ")
    );
    let runs = rt.block_on(load(urls, key, connections, runs, seconds))?;
    Ok(LoadFigures::new(name, connections, seconds, runs))
}

async fn load(
    urls: Vec<String>,
    key: String,
    connections: usize,
    runs: usize,
    seconds: f64,
) -> Result<Vec<super::bench_sandbox::LoadRun>, Failure> {
    let fail = |m: String| Failure { status: 1, message: m };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .map_err(|e| fail(format!("client: {e}")))?;
    let url_of = |c: usize| urls[c % urls.len()].clone();
    // Instances to query: one per connection, made before the clock starts.
    let run_tag = rand_u64();
    let mut instances = Vec::new();
    for c in 0..connections {
        let body = format!(
            r#"{{"activity":"newInstance","orderId":"BENCH{run_tag:X}{c}","orderLineId":"BENCH{run_tag:X}{c}-000001","businessId":"b{c}"}}"#
        );
        let (url, body) = signed(&url_of(c), &key, body, c as u64);
        let reply: serde_json::Value = http
            .post(url)
            .header("Content-Type", "application/json;charset=UTF-8")
            .body(body)
            .send()
            .await
            .map_err(|e| fail(format!("newInstance: {e}")))?
            .json()
            .await
            .map_err(|e| fail(format!("newInstance reply: {e}")))?;
        let id = reply["instanceId"].as_str().ok_or_else(|| fail(format!("newInstance reply: {reply}")))?;
        instances.push(id.to_string());
    }
    let instances = Arc::new(instances);
    let urls = Arc::new(urls);
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(1_000_000));
    drive(connections, runs, seconds, move |c, i| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let body = if i % 2 == 0 {
            format!(r#"{{"activity":"newInstance","orderId":"B{run_tag:X}{n}","orderLineId":"B{run_tag:X}{n}-000001","businessId":"b{n}"}}"#)
        } else {
            format!(r#"{{"activity":"queryInstance","instanceId":"{}"}}"#, instances[c])
        };
        let (url, body) = signed(&urls[c % urls.len()], &key, body, n);
        let request = http.post(url).header("Content-Type", "application/json;charset=UTF-8").body(body);
        async move {
            match request.send().await {
                Ok(r) if r.status().is_success() => match r.bytes().await {
                    Ok(b) => b.windows(8).any(|w| w == b"\"000000\""),
                    Err(_) => false,
                },
                _ => false,
            }
        }
    })
    .await
}
