//! The few HTML pages: the sandbox's index and the OAuth consent page; and the feed's OpenAPI document.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;

const FEED_OPENAPI: &str = include_str!("../../openapi/feed.yaml");

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub async fn index(State(state): State<Arc<AppState>>) -> Html<String> {
    let stats = state.world().stats();
    Html(format!(
        r#"<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>KooDesk sandbox · KooGallery 模拟环境</title>
<body style="font-family:sans-serif;max-width:46rem;margin:2rem auto">
<h1>KooDesk sandbox</h1>
<p>A local KooGallery emulator (云商店模拟环境). Sandbox time: <b>{now}</b> (speed ×{speed}).</p>
<p>{orders} orders, {flows} supervision flows ({waiting} waiting on the merchant), {unsubs} unsubscriptions awaiting review,
{invoices} open invoice requests, {bills} bills.</p>
<ul>
<li>Open API (APIG AK/SK): <code>/api/mkp-openapi-public/global/v1/order/query</code>, <code>isv/usage-data</code>,
<code>license/activate</code>, <code>license/heartbeat</code> — access key <code>{ak}</code></li>
<li>OAuth: <code>/api/v1/oauth2/authorize</code>, <code>token</code>, <code>userinfo</code>, <code>/api/v1/logout</code> — client <code>{client}</code></li>
<li>Seller feed: <code>/feed/v1/orders</code> … (<a href="/openapi/feed.yaml">OpenAPI</a>)</li>
<li>Admin: <code>/admin/clock</code>, <code>/admin/faults</code>, <code>/admin/stats</code></li>
</ul></body></html>"#,
        now = esc(&stats.now),
        speed = state.clock.speed(),
        orders = stats.orders,
        flows = stats.flows,
        waiting = stats.flows_waiting_on_merchant,
        unsubs = stats.unsubscriptions_pending,
        invoices = stats.invoice_requests_open,
        bills = stats.bills,
        ak = esc(&state.cfg.access_key),
        client = esc(&state.cfg.oauth_client_id),
    ))
}

pub async fn feed_openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/yaml; charset=utf-8")], FEED_OPENAPI).into_response()
}

/// The consent page a buyer sees when a SaaS app asks to sign them in.
pub fn consent(client_id: &str, redirect_uri: &str, scope: &str, state: &str, buyers: &[(String, String)]) -> String {
    let options: String = buyers
        .iter()
        .map(|(id, name)| format!(r#"<option value="{}">{} ({})</option>"#, esc(id), esc(name), esc(id)))
        .collect();
    format!(
        r#"<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>授权登录 · KooGallery sandbox</title>
<body style="font-family:sans-serif;max-width:30rem;margin:3rem auto">
<h1>授权登录</h1><p>应用 <b>{client}</b> 请求获取您的基本信息（{scope}）。</p>
<form method="post" action="/api/v1/oauth2/authorize">
<input type="hidden" name="client_id" value="{client}"><input type="hidden" name="redirect_uri" value="{redirect}">
<input type="hidden" name="scope" value="{scope}"><input type="hidden" name="state" value="{state}">
<label>以此用户登录 <select name="buyer_id">{options}</select></label>
<p><button name="decision" value="approve">同意授权</button> <button name="decision" value="deny">拒绝</button></p>
</form></body></html>"#,
        client = esc(client_id),
        redirect = esc(redirect_uri),
        scope = esc(scope),
        state = esc(state),
    )
}
