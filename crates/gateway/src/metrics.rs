//! `/metrics` in Prometheus's text format: requests by activity and result code, a latency histogram, refusals
//! by reason, and the enrichment backlog (read from the database when scraped). Per replica.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Debug, Default)]
struct Counts {
    requests: BTreeMap<(String, String), u64>,
    refused: BTreeMap<String, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
    enrichment: BTreeMap<String, u64>,
}

/// The counters of one replica.
#[derive(Debug, Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

impl Metrics {
    /// One answered call.
    pub fn request(&self, activity: &str, result_code: &str, refused: Option<&str>, latency: Duration) {
        let Ok(mut c) = self.counts.lock() else { return };
        *c.requests.entry((activity.to_string(), result_code.to_string())).or_default() += 1;
        if let Some(reason) = refused {
            *c.refused.entry(reason.to_string()).or_default() += 1;
        }
        let s = latency.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if s <= *bound {
                c.buckets[i] += 1;
            }
        }
        c.count += 1;
        c.sum_seconds += s;
    }

    /// One `order/query` attempt: `ok`, `rate-limited`, `failed`.
    pub fn enrichment(&self, outcome: &str) {
        if let Ok(mut c) = self.counts.lock() {
            *c.enrichment.entry(outcome.to_string()).or_default() += 1;
        }
    }

    /// The text exposition, with the backlog (`None` when the database did not answer).
    pub fn render(&self, backlog: Option<i64>) -> String {
        let mut out = String::new();
        let Ok(c) = self.counts.lock() else { return out };
        let _ = writeln!(
            out,
            "# HELP koodesk_gateway_requests_total Production-interface calls answered, by activity and result code."
        );
        let _ = writeln!(out, "# TYPE koodesk_gateway_requests_total counter");
        for ((activity, code), n) in &c.requests {
            let _ = writeln!(
                out,
                "koodesk_gateway_requests_total{{activity=\"{}\",result_code=\"{}\"}} {n}",
                label(activity),
                label(code)
            );
        }
        let _ =
            writeln!(out, "# HELP koodesk_gateway_request_seconds Time from receiving a call to sending its reply.");
        let _ = writeln!(out, "# TYPE koodesk_gateway_request_seconds histogram");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "koodesk_gateway_request_seconds_bucket{{le=\"{bound}\"}} {}", c.buckets[i]);
        }
        let _ = writeln!(out, "koodesk_gateway_request_seconds_bucket{{le=\"+Inf\"}} {}", c.count);
        let _ = writeln!(out, "koodesk_gateway_request_seconds_sum {}", c.sum_seconds);
        let _ = writeln!(out, "koodesk_gateway_request_seconds_count {}", c.count);
        let _ = writeln!(
            out,
            "# HELP koodesk_gateway_refused_total Calls refused before provisioning (answered 000001), by reason."
        );
        let _ = writeln!(out, "# TYPE koodesk_gateway_refused_total counter");
        for (reason, n) in &c.refused {
            let _ = writeln!(out, "koodesk_gateway_refused_total{{reason=\"{}\"}} {n}", label(reason));
        }
        let _ = writeln!(out, "# HELP koodesk_gateway_enrichment_total order/query attempts, by outcome.");
        let _ = writeln!(out, "# TYPE koodesk_gateway_enrichment_total counter");
        for (outcome, n) in &c.enrichment {
            let _ = writeln!(out, "koodesk_gateway_enrichment_total{{outcome=\"{}\"}} {n}", label(outcome));
        }
        if let Some(b) = backlog {
            let _ = writeln!(
                out,
                "# HELP koodesk_gateway_enrichment_backlog Orders whose details order/query has not given yet."
            );
            let _ = writeln!(out, "# TYPE koodesk_gateway_enrichment_backlog gauge");
            let _ = writeln!(out, "koodesk_gateway_enrichment_backlog {b}");
        }
        out
    }
}

fn label(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let m = Metrics::default();
        m.request("newInstance", "000000", None, Duration::from_micros(1500));
        m.request("unknown", "000001", Some("bad-signature"), Duration::from_millis(30));
        let text = m.render(Some(3));
        assert!(
            text.contains("koodesk_gateway_requests_total{activity=\"newInstance\",result_code=\"000000\"} 1"),
            "{text}"
        );
        assert!(text.contains("koodesk_gateway_refused_total{reason=\"bad-signature\"} 1"));
        assert!(text.contains("koodesk_gateway_request_seconds_bucket{le=\"0.002\"} 1"));
        assert!(text.contains("koodesk_gateway_request_seconds_bucket{le=\"0.05\"} 2"));
        assert!(text.contains("koodesk_gateway_request_seconds_count 2"));
        assert!(text.contains("koodesk_gateway_enrichment_backlog 3"));
    }
}
