//! The console over loopback HTTP, for a browser: `POST /api/<command>` with the JSON arguments runs the same
//! handler as Tauri's IPC; everything else is the built UI (`ui/dist`). Each run has its own random token, given
//! to the browser once in the printed URL (`?token=…`) and required as `Authorization: Bearer …` on every call,
//! so other local users and web pages cannot drive the console.

use crate::error::ErrorCode;
use koodesk_domain::problem::Rule;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use rand::distributions::Alphanumeric;
use rand::Rng;
use subtle::ConstantTimeEq;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::ApiError;
use crate::dispatch;
use crate::workspace::Workspace;

/// The UI's content security policy: its own scripts and styles only; calls to its own origin.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

struct Shared {
    ws: Arc<Workspace>,
    token: String,
}

pub struct Served {
    pub addr: SocketAddr,
    /// Give this to the browser once; the server requires it on every call.
    pub token: String,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    /// The URL that opens the console (carries the token).
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.token)
    }
}

/// Serves the workspace on `127.0.0.1:port` (0: any free port), with the UI from `ui_dir` when given.
pub async fn serve(ws: Arc<Workspace>, port: u16, ui_dir: Option<PathBuf>) -> std::io::Result<Served> {
    let token: String = rand::thread_rng().sample_iter(&Alphanumeric).take(32).map(char::from).collect();
    let shared = Arc::new(Shared { ws, token: token.clone() });
    let mut app = Router::new().route("/api/{command}", post(command)).with_state(shared);
    if let Some(dir) = ui_dir {
        let index = dir.join("index.html");
        app = app.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)));
    }
    let app = app
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Served { addr, token, task })
}

fn error(status: StatusCode, e: ApiError) -> Response {
    (status, Json(e)).into_response()
}

async fn command(
    State(s): State<Arc<Shared>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !bool::from(given.as_bytes().ct_eq(s.token.as_bytes())) {
        return error(
            StatusCode::UNAUTHORIZED,
            ApiError::new(
                ErrorCode::Unauthorized,
                "Authorization: Bearer <token> from the URL KooDesk printed is required",
            ),
        );
    }
    let args = if body.is_empty() {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    ApiError::invalid("body", Rule::BadFormat, format!("body: not JSON: {e}")),
                )
            }
        }
    };
    match dispatch::call(&s.ws, &name, args).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => {
            let status = match e.code.as_str() {
                "invalid" => StatusCode::BAD_REQUEST,
                "not-found" | "unknown-command" => StatusCode::NOT_FOUND,
                "keyring" => StatusCode::SERVICE_UNAVAILABLE,
                // KooGallery's open API refused (a License 2.0 code): the request was understood and answered no.
                "license" => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            error(status, e)
        }
    }
}
