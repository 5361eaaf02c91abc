//! The command handlers: thin adapters from [`crate::api`]'s types to the store, the domain rules and sync.
//! Tauri's IPC and the loopback HTTP server both call [`call`], so the browser tests exercise the same code the
//! desktop window runs.

use crate::error::ErrorCode;
use chrono::Utc;
use koodesk_client::credentials::{self, Credential};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::problem::Rule;
use koodesk_domain::settlement::{self, YearMonth};
use koodesk_domain::time;
use koodesk_store::inbox::Inbox;
use koodesk_store::meta::ConnectionMode;
use koodesk_store::outbox::ActionKind;
use serde_json::{json, Value};

use crate::api::*;
use crate::clock::now;
use crate::routes::{is_urgent, route_of};
use crate::workspace::{self, Workspace};
use crate::{interface, invoicing, notices, trackers};

// The handlers, one a command, each `async fn(&Workspace, Args) -> Result<Result, ApiError>` as `crate::api`'s
// table declares it: a handler whose types drift from the table does not compile.

pub(crate) async fn overview_of(ws: &Workspace, _: NoArgs) -> Result<Overview, ApiError> {
    overview(ws).await
}

pub(crate) async fn status_of(ws: &Workspace, _: NoArgs) -> Result<Status, ApiError> {
    status(ws).await
}

pub(crate) async fn orders(ws: &Workspace, a: OrdersArgs) -> Result<koodesk_store::browse::OrderPage, ApiError> {
    ws.read(move |s| Ok(s.orders_page(&a.filter, a.offset, a.limit)?)).await
}

pub(crate) async fn order_detail(ws: &Workspace, a: OrderId) -> Result<koodesk_store::browse::OrderDetail, ApiError> {
    ws.read(move |s| Ok(s.order_detail(&a.order_id, now())?)).await
}

pub(crate) async fn flows(ws: &Workspace, a: FlowsArgs) -> Result<Flows, ApiError> {
    let (offset, limit) = (a.offset.unwrap_or(0), a.limit.unwrap_or(2000));
    let (page, dashboard) = ws
        .read(move |s| {
            let page = s.flows_page(a.step.as_deref(), a.side.as_deref(), now(), offset, limit)?;
            Ok((page, s.dashboard(now())?))
        })
        .await?;
    let by_step =
        dashboard.supervision.into_iter().map(|s| StepSide { step: s.step, side: s.side, flows: s.flows }).collect();
    Ok(Flows { flows: page.rows, total: page.total, by_step })
}

/// A list page's size when the caller does not say (the screens ask for 200 at a time).
const LIST_PAGE: i64 = 2000;

pub(crate) async fn unsubscriptions(ws: &Workspace, a: StatusPage) -> Result<Unsubscriptions, ApiError> {
    let (offset, limit) = (a.offset.unwrap_or(0), a.limit.unwrap_or(LIST_PAGE));
    ws.read(move |s| {
        let page = s.unsubscriptions_page(a.status.as_deref(), offset, limit)?;
        Ok(Unsubscriptions {
            requests: page.rows,
            total: page.total,
            offset: page.offset,
            refunded_by_month: s.refunds_by_month()?,
        })
    })
    .await
}

pub(crate) async fn unsubscription_decide(ws: &Workspace, a: UnsubscriptionDecide) -> Result<Queued, ApiError> {
    if !a.approve && a.reason.trim().is_empty() {
        return Err(ApiError::invalid(
            "reason",
            Rule::ReasonRequired,
            "reason: a rejection needs a reason the buyer will read [KG §4]",
        ));
    }
    if ws.settings().mode.connection() != ConnectionMode::Sandbox {
        // Files only or a gateway: the seller decided on the Seller Console (退订管理); KooDesk records it (on a
        // gateway the store queues the record for it, so every desk sees who decided).
        let r = trackers::recorder(ws)?;
        let (id, reason) = (a.id.clone(), a.reason.clone());
        ws.write(move |s| Ok(s.record_unsubscription_decision(&id, a.approve, &reason, &r)?)).await?;
        if let Some(q) = trackers::to_gateway(ws, &a.id).await? {
            return Ok(q);
        }
        return Ok(Queued { action_id: String::new(), sent: true, pending_sync: None, refused: None, recorded: true });
    }
    let payload = json!({"approve": a.approve, "reason": a.reason.trim()});
    queue(ws, ActionKind::UnsubscriptionDecision, &a.id, payload, a.seq).await
}

pub(crate) async fn invoice_requests(ws: &Workspace, a: StatusPage) -> Result<InvoiceRequests, ApiError> {
    let (offset, limit) = (a.offset.unwrap_or(0), a.limit.unwrap_or(LIST_PAGE));
    let page = ws.read(move |s| Ok(s.invoice_requests_page(a.status.as_deref(), now(), offset, limit)?)).await?;
    Ok(InvoiceRequests { requests: page.rows, total: page.total, offset: page.offset })
}

pub(crate) async fn settlement_of(ws: &Workspace, _: NoArgs) -> Result<Settlement, ApiError> {
    settlement(ws).await
}

pub(crate) async fn sync_now(ws: &Workspace, _: NoArgs) -> Result<SyncResult, ApiError> {
    Ok(ws.sync_now().await)
}

pub(crate) async fn outbox_dismiss(ws: &Workspace, a: ActionRef) -> Result<Status, ApiError> {
    let id = a.action_id.clone();
    ws.write(move |s| Ok(s.dismiss_refused(&id)?)).await?;
    ws.log.info(&format!("refused action {} dismissed", a.action_id));
    status(ws).await
}

pub(crate) async fn settings_of(ws: &Workspace, _: NoArgs) -> Result<SettingsView, ApiError> {
    settings_view(ws).await
}

pub(crate) async fn settings_save(ws: &Workspace, s: Settings) -> Result<SettingsView, ApiError> {
    ws.save_settings(s)?;
    settings_view(ws).await
}

pub(crate) async fn credential_save(ws: &Workspace, a: CredentialSave) -> Result<SettingsView, ApiError> {
    let (account, name) = (ws.settings().account, a.name.clone());
    workspace::keyring(move || workspace::save_credential(&account, &name, &a.value)).await??;
    ws.log.info(&format!("credential {} stored in the OS keyring", a.name));
    settings_view(ws).await
}

pub(crate) async fn credential_delete(ws: &Workspace, a: CredentialName) -> Result<SettingsView, ApiError> {
    let c = workspace::parse_credential(&a.name)?;
    let account = ws.settings().account;
    workspace::keyring(move || credentials::delete(&account, c))
        .await?
        .map_err(|e| ApiError::new(ErrorCode::Keyring, e.to_string()))?;
    ws.log.info(&format!("credential {} removed from the OS keyring", a.name));
    settings_view(ws).await
}

pub(crate) async fn sandbox_network(ws: &Workspace, a: SandboxNetwork) -> Result<SandboxState, ApiError> {
    Ok(SandboxState { sandbox_online: ws.set_sandbox_online(a.online).await? })
}

pub(crate) async fn notifications_due(ws: &Workspace, _: NoArgs) -> Result<Notices, ApiError> {
    Ok(Notices { notices: notices::due(ws, now()).await? })
}

pub(crate) async fn notification_shown(ws: &Workspace, a: NoticeShown) -> Result<NoArgs, ApiError> {
    notices::shown(ws, &a.key, &a.route, now()).await?;
    Ok(NoArgs::default())
}

/// The UI's language, for the words the shell shows itself (notifications, the tray): kept in the settings.
pub(crate) async fn language_set(ws: &Workspace, a: LanguageChoice) -> Result<NoArgs, ApiError> {
    let mut s = ws.settings();
    if s.language != a.language {
        s.language = a.language;
        ws.save_settings(s)?;
    }
    Ok(NoArgs::default())
}

pub(crate) async fn invoices_of_request(ws: &Workspace, a: RequestId) -> Result<InvoiceList, ApiError> {
    Ok(InvoiceList { invoices: ws.read(move |s| Ok(s.invoices_of(&a.request_id)?)).await? })
}

pub(crate) async fn invoice_draft(ws: &Workspace, a: RequestId) -> Result<InvoiceList, ApiError> {
    Ok(InvoiceList { invoices: ws.write(move |s| Ok(s.draft_request(&a.request_id, now())?)).await? })
}

pub(crate) async fn invoice_pdf(ws: &Workspace, a: InvoiceId) -> Result<ExportFile, ApiError> {
    invoicing::pdf(ws, &a.id).await
}

pub(crate) async fn invoice_buyers(ws: &Workspace, a: BuyerQuery) -> Result<InvoiceBuyers, ApiError> {
    Ok(InvoiceBuyers { buyers: ws.read(move |s| Ok(s.invoice_buyers_matching(&a.query, 20)?)).await? })
}

pub(crate) async fn invoice_orders_of_buyer(ws: &Workspace, a: BuyerRef) -> Result<OrdersToInvoice, ApiError> {
    Ok(OrdersToInvoice { orders: ws.read(move |s| Ok(s.orders_to_invoice(&a.buyer_id, 500)?)).await? })
}

pub(crate) async fn invoice_preview_orders(ws: &Workspace, a: OrderChoice) -> Result<InvoicePreview, ApiError> {
    Ok(InvoicePreview { drafts: ws.read(move |s| Ok(s.preview_orders(&a, now())?)).await? })
}

pub(crate) async fn invoice_draft_orders(ws: &Workspace, a: OrderChoice) -> Result<InvoiceList, ApiError> {
    Ok(InvoiceList { invoices: ws.write(move |s| Ok(s.draft_orders(&a, now())?)).await? })
}

pub(crate) async fn invoices_of_batch(ws: &Workspace, a: BatchId) -> Result<InvoiceList, ApiError> {
    Ok(InvoiceList { invoices: ws.read(move |s| Ok(s.invoices_of_batch(&a.batch_id)?)).await? })
}

pub(crate) async fn invoice_batches(ws: &Workspace, _: NoArgs) -> Result<InvoiceList, ApiError> {
    Ok(InvoiceList { invoices: ws.read(move |s| Ok(s.batch_invoices(500)?)).await? })
}

pub(crate) async fn invoice_discard(ws: &Workspace, a: InvoiceId) -> Result<InvoiceList, ApiError> {
    invoicing::discard(ws, &a.id).await
}

pub(crate) async fn interface_overview(ws: &Workspace, _: NoArgs) -> Result<InterfaceOverview, ApiError> {
    interface::overview(ws).await
}

pub(crate) async fn interface_run_progress(ws: &Workspace, a: RunToken) -> Result<RunProgress, ApiError> {
    Ok(RunProgress { steps: interface::progress(ws, &a.token) })
}

pub(crate) async fn interface_run_report(ws: &Workspace, a: RunId) -> Result<koodesk_checker::Report, ApiError> {
    interface::report(ws, a.id).await
}

pub(crate) async fn interface_suite_save(
    ws: &Workspace,
    a: koodesk_checker::cases::SavedSuite,
) -> Result<InterfaceSuites, ApiError> {
    Ok(InterfaceSuites { suites: interface::save_suite(ws, &a).await? })
}

pub(crate) async fn interface_suite_delete(ws: &Workspace, a: SuiteName) -> Result<InterfaceSuites, ApiError> {
    Ok(InterfaceSuites { suites: interface::delete_suite(ws, &a.name).await? })
}

pub(crate) async fn interface_cases_export(ws: &Workspace, _: NoArgs) -> Result<CasesText, ApiError> {
    Ok(CasesText { json: interface::export(ws).await? })
}

pub(crate) async fn interface_cases_import(ws: &Workspace, a: CasesText) -> Result<InterfaceSuites, ApiError> {
    Ok(InterfaceSuites { suites: interface::import(ws, &a.json).await? })
}

async fn overview(ws: &Workspace) -> Result<Overview, ApiError> {
    let (inbox, dashboard) =
        ws.read(|s| Ok((s.inbox(now(), WorkingCalendar::embedded())?, s.dashboard(now())?))).await?;
    let status = status_from(ws, &inbox).await?;
    Ok(Overview { inbox, dashboard, status })
}

/// The status bar's and the tray's view.
pub async fn status(ws: &Workspace) -> Result<Status, ApiError> {
    let inbox = ws.read(|s| Ok(s.inbox(now(), WorkingCalendar::embedded())?)).await?;
    status_from(ws, &inbox).await
}

async fn status_from(ws: &Workspace, inbox: &Inbox) -> Result<Status, ApiError> {
    let st = ws.sync_state();
    let (pending, awaiting_echo, refused, damaged) = ws
        .read(|s| {
            let (queued, awaiting) = s.in_flight_counts()?;
            let refused = s
                .actions(koodesk_store::outbox::ActionStatus::Refused)?
                .into_iter()
                .map(|a| RefusedView {
                    action_id: a.action_id,
                    kind: a.kind,
                    target: a.target,
                    reason: a.last_error.unwrap_or_default(),
                })
                .collect();
            let damaged = s.damaged_actions()?.into_iter().map(|d| d.to_string()).collect();
            Ok((queued, awaiting, refused, damaged))
        })
        .await?;
    let urgent: Vec<_> = inbox.items.iter().filter(|i| is_urgent(i)).collect();
    let mut top = urgent.clone();
    top.sort_by_key(|i| i.seconds_left.unwrap_or(i64::MAX));
    Ok(Status {
        mode: ws.settings().mode,
        endpoint: ws.endpoint_label().await,
        offline: st.offline,
        syncing: st.syncing,
        last_sync_at: st.last_sync_at.map(|t| time::format_rfc3339(&t)),
        last_error: st.last_error,
        failures_in_a_row: st.failures_in_a_row,
        outbox_pending: pending,
        outbox_awaiting_echo: awaiting_echo,
        outbox_refused: refused,
        outbox_damaged: damaged,
        urgent: urgent.len() as i64,
        top: top
            .into_iter()
            .take(3)
            .map(|i| TopItem { item: i.clone(), route: route_of(i.group, &i.ref_id, i.order_id.as_deref()) })
            .collect(),
        sandbox_online: ws.sandbox_online().await,
    })
}

/// Queues an action and, when the marketplace answers, pushes it at once and pulls the feed it changes, so its
/// echo arrives with the reply; offline it waits for the next sync. A target with an action in flight (queued, or
/// sent and not yet echoed) refuses a second one, and an action taken on a screen that showed the target at an
/// older `seq` than the store's is refused as `stale`: the store checks both inside the write.
async fn queue(
    ws: &Workspace,
    kind: ActionKind,
    target: &str,
    payload: Value,
    shown_seq: Option<i64>,
) -> Result<Queued, ApiError> {
    if target.trim().is_empty() {
        return Err(ApiError::invalid("target", Rule::Required, "target: an ID is required"));
    }
    let t = target.to_string();
    let action_id = ws
        .write(move |s| {
            let now = Utc::now().timestamp();
            Ok(match shown_seq {
                Some(seq) => s.enqueue_from_screen(kind, &t, payload, seq, now),
                None => s.enqueue(kind, &t, payload, now),
            }?)
        })
        .await?;
    ws.log.info(&format!("queued {action_id} on {target}"));
    Ok(ws.push_action(&action_id).await)
}

pub(crate) async fn supervision_act(ws: &Workspace, a: SupervisionAct) -> Result<Queued, ApiError> {
    let connection = ws.settings().mode.connection();
    if connection != ConnectionMode::Sandbox {
        // KooGallery has no API for supervision actions: a gateway cannot take them either [REAL-DATA §1].
        let with = if connection == ConnectionMode::Gateway { "on a gateway" } else { "with files only" };
        return Err(ApiError::invalid(
            "action",
            Rule::Rule,
            format!(
                "action `{}`: {with}, act on the Seller Console ({}), then record the step it shows",
                a.action,
                koodesk_domain::supervision::SELLER_PATH
            ),
        ));
    }
    let order_id = a.order_id.clone();
    let flow = ws.read(move |s| Ok(s.order_detail(&order_id, now())?)).await?.flow.ok_or_else(|| {
        ApiError::invalid(
            "order_id",
            Rule::Rule,
            format!("order_id `{}`: this order has no service supervision", a.order_id),
        )
    })?;
    if let Some(shown) = a.seq.filter(|&shown| flow.seq > shown) {
        // Judged before the step's rules: the screen's step may no longer be the flow's.
        let stale = koodesk_store::StoreError::Stale { target: a.order_id.clone(), shown, stored: flow.seq };
        return Err(stale.into());
    }
    if flow.step == "completed" {
        return Err(ApiError::invalid(
            "order_id",
            Rule::AlreadyDone,
            format!("order_id `{}`: its supervision is completed", a.order_id),
        ));
    }
    let reason = a.reason.trim().to_string();
    let (kind, payload) = match a.action.as_str() {
        "confirm" | "activate" => {
            if flow.side.as_deref() != Some("merchant") {
                return Err(ApiError::invalid(
                    "action",
                    Rule::WrongStep,
                    format!(
                    "action `{}`: the step `{}` is the user's; the merchant acts only on merchant-side steps [KG §3]",
                    a.action, flow.step
                ),
                ));
            }
            (ActionKind::Supervision, json!({"action": a.action}))
        }
        "reject" => {
            if reason.is_empty() {
                return Err(ApiError::invalid(
                    "reason",
                    Rule::ReasonRequired,
                    "reason: a rejection needs a reason [KG §3]",
                ));
            }
            (ActionKind::Supervision, json!({"action": "reject", "reason": reason}))
        }
        "appeal" => {
            if reason.is_empty() {
                return Err(ApiError::invalid(
                    "reason",
                    Rule::ReasonRequired,
                    "reason: an appeal needs a reason [KG §3]",
                ));
            }
            let open = flow.merchant_may_appeal_at.as_deref().and_then(|t| time::parse_datetime(t).ok());
            match open {
                Some(t) if now() > t => {}
                Some(t) => {
                    return Err(ApiError::invalid("action", Rule::Deadline, format!(
                        "action `appeal`: the merchant may appeal only after the user's step stalls 5 days, from {} [KG §3]",
                        time::format_rfc3339(&t)
                    )))
                }
                None => {
                    return Err(ApiError::invalid("action", Rule::WrongStep, 
                        "action `appeal`: the merchant appeals only a user-side step that stalled 5 days [KG §3]",
                    ))
                }
            }
            (ActionKind::Supervision, json!({"action": "appeal", "reason": reason}))
        }
        "upload-proof" => {
            let (Some(name), Some(content)) = (a.file_name.as_deref(), a.content_base64.as_deref()) else {
                return Err(ApiError::invalid(
                    "file_name",
                    Rule::Required,
                    "file_name and content_base64: upload-proof needs the file",
                ));
            };
            if name.trim().is_empty() || content.is_empty() {
                return Err(ApiError::invalid(
                    "file_name",
                    Rule::Required,
                    "file_name and content_base64: neither may be empty",
                ));
            }
            (ActionKind::Delivery, json!({"file_name": name, "content_base64": content}))
        }
        other => {
            return Err(ApiError::invalid(
                "action",
                Rule::OneOf,
                format!("action `{other}`: one of confirm, reject, activate, appeal, upload-proof"),
            ))
        }
    };
    queue(ws, kind, &a.order_id, payload, a.seq).await
}

async fn settlement(ws: &Workspace) -> Result<Settlement, ApiError> {
    let today = time::business_date(&now());
    let s = settlement::schedule(YearMonth::of(today), WorkingCalendar::embedded());
    Ok(Settlement {
        bills: ws.read(move |s| Ok(s.bills()?)).await?,
        month: YearMonth::of(today).to_string(),
        bill_date: s.value.bill_date.to_string(),
        send_by: s.value.send_by.to_string(),
        sign_off_by: s.value.sign_off_by.to_string(),
        payment_by: s.value.payment_by.to_string(),
        fee_rate: settlement::platform_fee_rate(today).normalize().to_string(),
        calendar_exact: s.fallback_years.is_empty(),
    })
}

/// The settings, and which credentials the keyring holds (asked on a blocking thread).
pub async fn settings_view(ws: &Workspace) -> Result<SettingsView, ApiError> {
    let settings = ws.settings();
    let account = settings.account.clone();
    let (creds, problem) = workspace::keyring(move || {
        let mut problem = None;
        let creds = Credential::ALL
            .iter()
            .map(|c| {
                let stored = match credentials::is_stored(&account, *c) {
                    Ok(s) => s,
                    Err(e) => {
                        problem.get_or_insert_with(|| e.to_string());
                        false
                    }
                };
                CredentialState { name: c.name().to_string(), stored }
            })
            .collect();
        (creds, problem)
    })
    .await?;
    Ok(SettingsView {
        hosts: workspace::hosts(&settings.region),
        settings,
        credentials: creds,
        keyring_problem: problem,
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}
