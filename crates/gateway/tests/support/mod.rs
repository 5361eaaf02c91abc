//! Test support: a real PostgreSQL started in a temporary directory, and a KooGallery-like signed caller.
#![allow(dead_code)]

pub mod pg;

use koodesk_protocol::signature;
use serde_json::Value;

pub const KEY: &str = "gateway-it-interface-key-5b1f0c";
pub const FEED_TOKEN: &str = "kdf_gateway-it-feed-token-31c7";

/// Calls a production interface the way KooGallery does: V2.0 signature in the URL, fresh nonce.
#[derive(Clone)]
pub struct Kg {
    pub http: reqwest::Client,
    pub url: String,
    pub key: String,
}

/// One reply as received.
pub struct Got {
    pub status: u16,
    pub body: Vec<u8>,
    pub body_sign: Option<String>,
}

impl Got {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn code(&self) -> String {
        self.json()["resultCode"].as_str().unwrap_or("").to_string()
    }
}

pub fn nonce() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Kg {
    pub fn new(url: &str) -> Kg {
        Kg { http: reqwest::Client::new(), url: url.to_string(), key: KEY.to_string() }
    }

    /// The query KooGallery appends.
    pub fn query(&self, body: &[u8], nonce: &str, ts: i64) -> String {
        let ts = ts.to_string();
        format!("signature={}&timestamp={ts}&nonce={nonce}", signature::v2_sign(&self.key, nonce, &ts, body))
    }

    pub async fn raw(&self, body: &[u8], query: &str) -> Got {
        let resp = self
            .http
            .post(format!("{}?{query}", self.url))
            .header("Content-Type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .expect("the gateway answers");
        let status = resp.status().as_u16();
        let body_sign = resp.headers().get("Body-Sign").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = resp.bytes().await.expect("body").to_vec();
        Got { status, body, body_sign }
    }

    /// A call signed with this caller's key, however the reply looks.
    pub async fn call_unchecked(&self, body: &Value) -> Got {
        let bytes = serde_json::to_vec(body).expect("json");
        self.raw(&bytes, &self.query(&bytes, &nonce(), now_ms())).await
    }

    /// A correctly signed call; checks the reply is HTTP 200 with a Body-Sign that verifies.
    pub async fn call(&self, body: &Value) -> Got {
        let bytes = serde_json::to_vec(body).expect("json");
        let got = self.raw(&bytes, &self.query(&bytes, &nonce(), now_ms())).await;
        assert_signed(&got);
        got
    }
}

pub fn assert_signed(got: &Got) {
    assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
    let sign = got.body_sign.as_deref().expect("a Body-Sign header");
    signature::body_sign_verify(KEY, &got.body, sign).expect("the Body-Sign verifies");
}

pub fn new_instance(order: &str, line: &str) -> Value {
    serde_json::json!({"activity": "newInstance", "orderId": order, "orderLineId": line, "businessId": nonce()})
}

/// Asks `f` until it returns `Some`: each attempt is a request that waits for its answer, so this waits on the
/// condition, not on a time budget; it gives up after `tries` attempts.
pub async fn eventually<T, F, Fut>(tries: usize, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..tries {
        if let Some(v) = f().await {
            return v;
        }
        tokio::task::yield_now().await;
    }
    panic!("the condition never held");
}

/// A feed route's body (`GET {base_url}{path}` with the feed token), checked to be a 200 signed with the feed token.
pub async fn feed_body(base_url: &str, path: &str) -> Vec<u8> {
    let resp = reqwest::Client::new()
        .get(format!("{base_url}{path}"))
        .bearer_auth(FEED_TOKEN)
        .send()
        .await
        .expect("feed answers");
    assert_eq!(resp.status(), 200);
    let sign = resp.headers().get("Body-Sign").and_then(|v| v.to_str().ok()).map(str::to_string).expect("Body-Sign");
    let body = resp.bytes().await.expect("body").to_vec();
    signature::body_sign_verify(FEED_TOKEN, &body, &sign).expect("signed with the feed token");
    body
}
