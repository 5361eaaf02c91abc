//! A seller's production interface written the right way — the reference a SaaS integrator can read, and the
//! test bed for `koodesk check-interface` [KG §7].
//!
//! What "right" means here, in the order a request meets it:
//! 1. `signature`, `timestamp` and `nonce` are in the URL; the timestamp is within 60 s of this server's clock; the
//!    V2.0 signature matches the raw body (constant time); only then is the nonce remembered, and a nonce seen
//!    before is refused. Any of these failing answers `000001` without touching any instance.
//! 2. The body parses and its fields are present and within their lengths, else `000002`.
//! 3. newInstance is idempotent per orderId + orderLineId (businessId is new on every call, so it is not the key):
//!    the same order line always gets the same instanceId. Provisioning is asynchronous: the first reply is
//!    `000004` with the instanceId, and queryInstance answers `000004` until the instance is ready, then its
//!    appInfo with `userName`/`password` encrypted with the interface key (encryptType 1, AES-256).
//! 4. refresh, freeze/unfreeze, upgrade and changeInstanceCheck of an unknown (or released) instance answer
//!    `000003`; releasing a released instance succeeds.
//! 5. Every reply is `HTTP/1.1 200`, `application/json;charset=UTF-8`, with a `Body-Sign` header over the exact
//!    bytes sent.
//!
//! [`Flaw`] breaks exactly one of these at a time, for testing the checker.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use koodesk_protocol::field_crypto::{self, EncryptType};
use koodesk_protocol::production::{AppInfo, InstanceInfo, InstanceStatus, ProductionRequest, Reply};
use koodesk_protocol::replay::{AuthError, NonceCache, MAX_SKEW_MS};
use koodesk_protocol::result_code::ResultCode;
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The path the sample serves.
pub const PATH: &str = "/saasproduce";

/// One way to break the sample server; [`Flaw::None`] is the correct server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Flaw {
    #[default]
    None,
    /// Signs replies with the wrong key.
    WrongBodySign,
    /// Sends no Body-Sign header.
    MissingBodySign,
    /// Gives every newInstance a new instanceId.
    NoIdempotency,
    /// Answers after [`SampleConfig::slow_by`] (longer than KooGallery waits).
    SlowReply,
    /// Sends a truncated JSON body.
    BadJson,
    /// Answers `201 Created` instead of `200 OK`.
    WrongStatus,
    /// Serves requests whose signature does not match.
    AcceptsBadSignature,
    /// Serves requests whose timestamp is minutes old.
    AcceptsStaleTimestamp,
    /// Serves a request again when its nonce comes back.
    AcceptsReplayedNonce,
    /// Returns userName and password in plain text.
    PlainCredentials,
}

impl Flaw {
    pub const ALL: [Flaw; 11] = [
        Flaw::None,
        Flaw::WrongBodySign,
        Flaw::MissingBodySign,
        Flaw::NoIdempotency,
        Flaw::SlowReply,
        Flaw::BadJson,
        Flaw::WrongStatus,
        Flaw::AcceptsBadSignature,
        Flaw::AcceptsStaleTimestamp,
        Flaw::AcceptsReplayedNonce,
        Flaw::PlainCredentials,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Flaw::None => "none",
            Flaw::WrongBodySign => "wrong-body-sign",
            Flaw::MissingBodySign => "missing-body-sign",
            Flaw::NoIdempotency => "no-idempotency",
            Flaw::SlowReply => "slow-reply",
            Flaw::BadJson => "bad-json",
            Flaw::WrongStatus => "wrong-status",
            Flaw::AcceptsBadSignature => "accepts-bad-signature",
            Flaw::AcceptsStaleTimestamp => "accepts-stale-timestamp",
            Flaw::AcceptsReplayedNonce => "accepts-replayed-nonce",
            Flaw::PlainCredentials => "plain-credentials",
        }
    }
}

impl fmt::Display for Flaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Flaw {
    type Err = String;
    fn from_str(s: &str) -> Result<Flaw, String> {
        Flaw::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Flaw::ALL.iter().map(|f| f.name()).collect();
            format!("unknown flaw `{s}`; one of: {}", names.join(", "))
        })
    }
}

/// How to run the sample.
#[derive(Debug, Clone)]
pub struct SampleConfig {
    pub bind: SocketAddr,
    /// The interface key (商家对接密钥) shared with KooGallery.
    pub key: Secret,
    pub flaw: Flaw,
    /// How long provisioning takes; zero provisions at once and answers newInstance with `000000`.
    pub provisioning: Duration,
    /// Provisioning also waits for this many queryInstance polls (each answered `000004`) — a count, not a time,
    /// for tests that must see the polling whatever the machine's speed. Zero: the time alone decides.
    pub provisioning_polls: u32,
    /// How late [`Flaw::SlowReply`] answers.
    pub slow_by: Duration,
}

impl SampleConfig {
    /// A correct sample on `127.0.0.1:port` (0: any free port), provisioning in 100 ms.
    pub fn new(port: u16, key: Secret) -> SampleConfig {
        SampleConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], port)),
            key,
            flaw: Flaw::None,
            provisioning: Duration::from_millis(100),
            provisioning_polls: 0,
            slow_by: Duration::from_secs(6),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifecycle {
    Active,
    Frozen,
    Released,
}

#[derive(Debug)]
struct Instance {
    ready_at: Instant,
    /// queryInstance polls still to answer `000004` before it is ready.
    polls_left: u32,
    state: Lifecycle,
    expire_time: Option<String>,
}

#[derive(Debug, Default)]
struct Instances {
    by_order_line: HashMap<(String, String), String>,
    by_id: HashMap<String, Instance>,
}

struct Sample {
    cfg: SampleConfig,
    nonces: Mutex<NonceCache>,
    instances: Mutex<Instances>,
    next_id: AtomicU64,
    served: AtomicU64,
}

/// A running sample server.
pub struct RunningSample {
    pub addr: SocketAddr,
    /// The production URL to give KooGallery (or the checker).
    pub url: String,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<()>,
    sample: Arc<Sample>,
}

impl RunningSample {
    /// Requests answered so far (any result code).
    pub fn served(&self) -> u64 {
        self.sample.served.load(Ordering::Relaxed)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.handle).await;
    }
}

/// Starts the sample on its own task.
pub async fn serve(cfg: SampleConfig) -> std::io::Result<RunningSample> {
    let listener = tokio::net::TcpListener::bind(cfg.bind).await?;
    let addr = listener.local_addr()?;
    let sample = Arc::new(Sample {
        nonces: Mutex::new(NonceCache::new(koodesk_protocol::replay::DEFAULT_CAPACITY)),
        instances: Mutex::new(Instances::default()),
        next_id: AtomicU64::new(1),
        served: AtomicU64::new(0),
        cfg,
    });
    let app = Router::new().route(PATH, post(saasproduce)).with_state(sample.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(RunningSample { addr, url: format!("http://{addr}{PATH}"), shutdown: Some(tx), handle, sample })
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| pair.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Sample {
    /// Step 1: signature, timestamp window, nonce — each skippable by exactly one flaw.
    fn authenticate(&self, query: &str, body: &[u8]) -> Result<(), AuthError> {
        let flaw = self.cfg.flaw;
        let signature = query_param(query, "signature").filter(|s| !s.is_empty());
        let timestamp = query_param(query, "timestamp").filter(|s| !s.is_empty());
        let nonce = query_param(query, "nonce").filter(|s| !s.is_empty());
        let signature = signature.ok_or(AuthError::Missing("signature"))?;
        let timestamp = timestamp.ok_or(AuthError::Missing("timestamp"))?;
        let nonce = nonce.ok_or(AuthError::Missing("nonce"))?;
        let ts: i64 = timestamp.parse().map_err(|_| AuthError::BadTimestamp(timestamp.to_string()))?;
        let now = now_ms();
        if (now - ts).abs() > MAX_SKEW_MS && flaw != Flaw::AcceptsStaleTimestamp {
            return Err(AuthError::Skewed { skew_ms: now - ts });
        }
        match signature::v2_verify(self.cfg.key.expose(), nonce, timestamp, body, signature) {
            Err(_) if flaw == Flaw::AcceptsBadSignature => {}
            other => other?,
        }
        if flaw == Flaw::AcceptsReplayedNonce {
            return Ok(());
        }
        let mut nonces = self.nonces.lock().map_err(|_| AuthError::CacheFull)?;
        nonces.insert(nonce, ts.max(now) + MAX_SKEW_MS, now)
    }

    fn new_instance_id(&self) -> String {
        format!("sample-{:010}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn app_info(&self, id: &str) -> AppInfo {
        let key = self.cfg.key.expose();
        let (user, password) = (format!("admin@{id}"), format!("pw-{id}"));
        let (user_name, password) = if self.cfg.flaw == Flaw::PlainCredentials {
            (user, password)
        } else {
            (
                field_crypto::encrypt(key, EncryptType::Aes256, &user),
                field_crypto::encrypt(key, EncryptType::Aes256, &password),
            )
        };
        AppInfo {
            front_end_url: format!("https://saas.sample.invalid/{id}/login"),
            admin_url: Some(format!("https://saas.sample.invalid/{id}/admin")),
            user_name: Some(user_name),
            password: Some(password),
            memo: Some("provisioned by the KooDesk sample interface".into()),
        }
    }

    /// Steps 2–4: what the request asks for.
    fn handle(&self, req: &ProductionRequest) -> Reply {
        let mut instances = match self.instances.lock() {
            Ok(i) => i,
            Err(_) => return Reply::of(ResultCode::InternalError),
        };
        let now = Instant::now();
        let live = |i: &Instance| i.state != Lifecycle::Released;
        match req {
            ProductionRequest::NewInstance(n) => {
                let line = (n.order_id.clone(), n.order_line_id.clone());
                let existing = instances.by_order_line.get(&line).cloned();
                let id = match existing {
                    Some(id) if self.cfg.flaw != Flaw::NoIdempotency => id,
                    _ => {
                        let id = self.new_instance_id();
                        let ready_at = now + self.cfg.provisioning;
                        instances.by_id.insert(
                            id.clone(),
                            Instance {
                                ready_at,
                                polls_left: self.cfg.provisioning_polls,
                                state: Lifecycle::Active,
                                expire_time: None,
                            },
                        );
                        instances.by_order_line.insert(line, id.clone());
                        id
                    }
                };
                let ready = instances.by_id.get(&id).is_some_and(|i| i.ready_at <= now && i.polls_left == 0);
                let mut reply = Reply::of(if ready { ResultCode::Success } else { ResultCode::Processing });
                reply.instance_id = Some(id);
                reply
            }
            ProductionRequest::QueryInstance(q) => {
                let mut info = Vec::new();
                let mut pending = false;
                for id in q.ids() {
                    match instances.by_id.get_mut(id).filter(|i| live(i)) {
                        Some(i) if i.polls_left > 0 => {
                            i.polls_left -= 1;
                            pending = true;
                        }
                        Some(i) if i.ready_at > now => pending = true,
                        Some(_) => {
                            info.push(InstanceInfo { instance_id: id.to_string(), app_info: Some(self.app_info(id)) })
                        }
                        None => {}
                    }
                }
                if info.is_empty() {
                    return Reply::of(if pending { ResultCode::Processing } else { ResultCode::InstanceNotFound });
                }
                let mut reply = Reply::of(ResultCode::Success);
                reply.info = Some(info);
                reply.encrypt_type = Some("1".into());
                reply
            }
            ProductionRequest::RefreshInstance(r) => {
                match instances.by_id.get_mut(&r.instance_id).filter(|i| live(i)) {
                    Some(i) => {
                        i.expire_time = Some(r.expire_time.clone());
                        Reply::of(ResultCode::Success)
                    }
                    None => Reply::of(ResultCode::InstanceNotFound),
                }
            }
            ProductionRequest::UpdateInstanceStatus(u) => {
                match instances.by_id.get_mut(&u.instance_id).filter(|i| live(i)) {
                    Some(i) => {
                        i.state = match u.status {
                            InstanceStatus::Freeze => Lifecycle::Frozen,
                            InstanceStatus::Unfreeze => Lifecycle::Active,
                        };
                        Reply::of(ResultCode::Success)
                    }
                    None => Reply::of(ResultCode::InstanceNotFound),
                }
            }
            ProductionRequest::ReleaseInstance(r) => match instances.by_id.get_mut(&r.instance_id) {
                Some(i) => {
                    i.state = Lifecycle::Released;
                    Reply::of(ResultCode::Success)
                }
                None => Reply::of(ResultCode::InstanceNotFound),
            },
            ProductionRequest::UpgradeInstance(u) => match instances.by_id.get(&u.instance_id).filter(|i| live(i)) {
                Some(_) => Reply::of(ResultCode::Success),
                None => Reply::of(ResultCode::InstanceNotFound),
            },
            ProductionRequest::ChangeInstanceCheck(c) => {
                match instances.by_id.get(&c.instance_id).filter(|i| live(i)) {
                    Some(_) => Reply::of(ResultCode::Success),
                    None => Reply::of(ResultCode::InstanceNotFound),
                }
            }
            ProductionRequest::OrderNotify(_) => Reply::of(ResultCode::Success),
        }
    }

    /// Step 5: the reply on the wire, with its Body-Sign.
    fn respond(&self, reply: &Reply) -> Response {
        let mut body = serde_json::to_string(reply).unwrap_or_else(|_| r#"{"resultCode":"000005"}"#.to_string());
        if self.cfg.flaw == Flaw::BadJson {
            body.truncate(body.len() / 2);
        }
        let key = self.cfg.key.expose();
        let sign = match self.cfg.flaw {
            Flaw::WrongBodySign => Some(signature::body_sign_header(&format!("{key}-old"), body.as_bytes())),
            Flaw::MissingBodySign => None,
            _ => Some(signature::body_sign_header(key, body.as_bytes())),
        };
        let status = if self.cfg.flaw == Flaw::WrongStatus { StatusCode::CREATED } else { StatusCode::OK };
        let mut resp = (status, [(header::CONTENT_TYPE, "application/json;charset=UTF-8")], body).into_response();
        if let Some(sign) = sign.and_then(|s| s.parse().ok()) {
            resp.headers_mut().insert("Body-Sign", sign);
        }
        resp
    }
}

/// A refusal: its result code, and why in resultMsg (at most 255 characters).
fn refused(code: ResultCode, why: &dyn std::fmt::Display) -> Reply {
    let mut reply = Reply::of(code);
    reply.result_msg = Some(why.to_string().chars().take(255).collect());
    reply
}

async fn saasproduce(State(sample): State<Arc<Sample>>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    if sample.cfg.flaw == Flaw::SlowReply {
        tokio::time::sleep(sample.cfg.slow_by).await;
    }
    sample.served.fetch_add(1, Ordering::Relaxed);
    let reply = match sample.authenticate(query.as_deref().unwrap_or(""), &body) {
        Err(e) => refused(e.result_code(), &e),
        Ok(()) => match ProductionRequest::parse(&body) {
            Ok(req) => sample.handle(&req),
            Err(e) => refused(e.result_code(), &e),
        },
    };
    sample.respond(&reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flaws_round_trip_by_name() {
        for f in Flaw::ALL {
            assert_eq!(f.name().parse::<Flaw>(), Ok(f));
        }
        let e = "broken".parse::<Flaw>().expect_err("unknown");
        assert!(e.contains("wrong-body-sign"), "{e}");
    }

    #[test]
    fn query_params_are_found_by_exact_name() {
        let q = "xsignature=1&signature=ABC&timestamp=5&nonce=n";
        assert_eq!(query_param(q, "signature"), Some("ABC"));
        assert_eq!(query_param(q, "nonce"), Some("n"));
        assert_eq!(query_param(q, "missing"), None);
    }
}
