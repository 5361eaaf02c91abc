//! Applies the fault rules to each request (never to `/admin`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;

use super::{json, AppState};
use crate::faults::Fault;

pub async fn apply(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/admin") {
        return next.run(req).await;
    }
    let faults = state.faults.take(&path);
    if faults.is_empty() {
        return next.run(req).await;
    }
    for f in &faults {
        if let Fault::Latency { ms } = f {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
        }
    }
    if let Some(status) = faults.iter().find_map(|f| match f {
        Fault::Status { status } => StatusCode::from_u16(*status).ok(),
        _ => None,
    }) {
        let body = serde_json::json!({"code": "injected-fault", "message": format!("sandbox fault: HTTP {status} injected on {path}")});
        return json(status, &body);
    }
    if faults.contains(&Fault::Reset) {
        // Headers, a few bytes, then the stream fails: hyper drops the connection mid-reply.
        let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"{\"items\":[")),
            Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "sandbox fault: connection reset")),
        ];
        let mut resp = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return resp;
    }
    let resp = next.run(req).await;
    let (mut parts, body) = resp.into_parts();
    let Ok(mut bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &serde_json::json!({"code": "internal", "message": "reply body"}),
        );
    };
    if faults.contains(&Fault::Truncate) {
        bytes = bytes.slice(..bytes.len() / 2);
        parts.headers.remove(header::CONTENT_LENGTH);
    }
    if faults.contains(&Fault::BadSignature) {
        let wrong = koodesk_protocol::signature::body_sign_header("not-the-seller-key", &bytes);
        if let Ok(v) = HeaderValue::from_str(&wrong) {
            parts.headers.insert("Body-Sign", v);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
