//! `koodesk bench sandbox`: order/query requests per second against the sandbox on loopback, and their latency.

use std::time::{Duration, Instant};

use koodesk_domain::time;
use koodesk_protocol::apig;
use koodesk_sandbox::SandboxConfig;
use serde::Serialize;

use crate::output::Failure;

#[derive(Debug, Serialize)]
pub struct LoadRun {
    pub requests: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Serialize)]
pub struct LoadFigures {
    pub name: String,
    pub connections: usize,
    pub seconds_per_run: f64,
    pub runs: Vec<LoadRun>,
    pub median_per_second: f64,
    pub median_p99_ms: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Runs one warm-up run and then `runs` measured runs of `seconds` each, with `connections` concurrent workers
/// each calling `call(worker, i)` (true: a good reply) back to back.
pub async fn drive<F, Fut>(connections: usize, runs: usize, seconds: f64, call: F) -> Result<Vec<LoadRun>, Failure>
where
    F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let call = std::sync::Arc::new(call);
    let mut results = Vec::new();
    for run in 0..runs + 1 {
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        let tasks: Vec<_> = (0..connections)
            .map(|c| {
                let call = call.clone();
                tokio::spawn(async move {
                    let mut lat = Vec::new();
                    let mut errors = 0;
                    let mut i = 0;
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        if call(c, i).await {
                            lat.push(t.elapsed());
                        } else {
                            errors += 1;
                        }
                        i += 1;
                    }
                    (lat, errors)
                })
            })
            .collect();
        let mut lat = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await.map_err(|e| Failure { status: 1, message: format!("load task: {e}") })?;
            lat.extend(l);
            errors += e;
        }
        lat.sort();
        if run == 0 {
            continue; // warm-up
        }
        results.push(LoadRun {
            requests: lat.len(),
            errors,
            per_second: lat.len() as f64 / seconds,
            p50_ms: percentile(&lat, 0.50),
            p99_ms: percentile(&lat, 0.99),
        });
    }
    Ok(results)
}

impl LoadFigures {
    pub fn new(name: impl Into<String>, connections: usize, seconds: f64, runs: Vec<LoadRun>) -> LoadFigures {
        LoadFigures {
            name: name.into(),
            connections,
            seconds_per_run: seconds,
            median_per_second: median(runs.iter().map(|r| r.per_second).collect()),
            median_p99_ms: median(runs.iter().map(|r| r.p99_ms).collect()),
            runs,
        }
    }

    /// For people: a line a run, then the medians.
    pub fn print(&self) {
        println!(
            "{} — {} connections, {} runs of {} s",
            self.name,
            self.connections,
            self.runs.len(),
            self.seconds_per_run
        );
        for (i, r) in self.runs.iter().enumerate() {
            println!(
                "  run {}: {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {} errors)",
                i + 1,
                r.per_second,
                r.p50_ms,
                r.p99_ms,
                r.requests,
                r.errors
            );
        }
        println!("  median: {:.0} req/s, p99 {:.2} ms", self.median_per_second, self.median_p99_ms);
    }
}

/// Runs `runs` load runs of `seconds` each with `connections` concurrent keep-alive clients.
pub fn order_query(connections: usize, runs: usize, seconds: f64) -> Result<LoadFigures, Failure> {
    let fail = |m: String| Failure { status: 1, message: m };
    let rt = tokio::runtime::Runtime::new().map_err(|e| fail(format!("runtime: {e}")))?;
    rt.block_on(async move {
        let start = time::to_beijing(chrono::Utc::now());
        let mut cfg = SandboxConfig::new(0, 1, start);
        cfg.speed = 0.0;
        let sb = koodesk_sandbox::serve(cfg).await.map_err(|e| fail(format!("sandbox: {e}")))?;
        let ids: Vec<String> = sb.state.world().orders().iter().take(1000).map(|o| o.id.clone()).collect();
        // Pre-signed requests (APIG signatures stay valid for 15 minutes and carry no nonce).
        let host = sb.addr.to_string();
        let mut signed = Vec::with_capacity(ids.len());
        for id in &ids {
            let mut req = apig::Request {
                method: "GET".into(),
                path: "/api/mkp-openapi-public/global/v1/order/query".into(),
                query: vec![("orderId".into(), id.clone())],
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: Vec::new(),
            };
            let c = &sb.state.cfg;
            apig::sign(&mut req, &c.access_key, c.secret_key.expose(), &host, chrono::Utc::now())
                .map_err(|e| fail(format!("sign: {e}")))?;
            let url = format!("{}{}?{}", sb.base_url(), req.path, req.canonical_query());
            signed.push((url, req.headers));
        }
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(connections)
            .build()
            .map_err(|e| fail(format!("client: {e}")))?;
        let results = drive(connections, runs, seconds, move |c, i| {
            let (url, headers) = signed[(c * 37 + i) % signed.len()].clone();
            let mut b = http.get(url);
            for (k, v) in headers {
                b = b.header(k, v);
            }
            async move {
                match b.send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        })
        .await?;
        sb.stop().await.map_err(|e| fail(format!("sandbox stop: {e}")))?;
        Ok(LoadFigures::new(
            "sandbox order/query (APIG-signed, loopback, client and server on this machine)",
            connections,
            seconds,
            results,
        ))
    })
}
