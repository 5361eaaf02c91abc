//! The console's trackers: what KooGallery shows only on its web console, recorded by hand (supervision steps,
//! unsubscription requests, invoice requests), and what the seller did there — with who recorded it
//! ([`recorder`]). The store checks every entry against KooGallery's rules; these handlers read the arguments. On
//! a gateway the store also queues each entry for the gateway, and [`to_gateway`] pushes it at once (offline it
//! waits in the outbox, shown as queued), so every desk syncing the gateway sees it.

use koodesk_domain::credit_code;
use koodesk_domain::invoice::BuyerTitle;
use koodesk_domain::money::Cny;
use koodesk_domain::problem::Rule;
use koodesk_domain::time;
use koodesk_store::trackers::{InvoiceRequestEntry, Recorder, StepEntry, UnsubscriptionEntry};
use rust_decimal::Decimal;

use koodesk_store::meta::ConnectionMode;

use crate::api::{ApiError, InvoiceRequestTrack, NoArgs, Queued, StepTrack, Tracked, UnsubscriptionTrack};
use crate::clock::now;
use crate::workspace::Workspace;

/// Who records on this desk: the operator named in Settings, else the OS user.
pub fn recorder(ws: &Workspace) -> Result<Recorder, ApiError> {
    let named = ws.settings().operator.trim().to_string();
    let by = if named.is_empty() {
        ["USER", "USERNAME"].iter().find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    } else {
        Some(named)
    };
    let by = by.ok_or_else(|| {
        ApiError::invalid("operator", Rule::NotConfigured, "operator: set who records on this desk in Settings")
    })?;
    Ok(Recorder { by, at: now() })
}

/// On a gateway, pushes the record the store queued for `target` (with anything else due) and pulls its echo;
/// offline it waits in the outbox for the next sync, shown as queued. `None` in the other modes.
pub async fn to_gateway(ws: &Workspace, target: &str) -> Result<Option<Queued>, ApiError> {
    if ws.settings().mode.connection() != ConnectionMode::Gateway {
        return Ok(None);
    }
    let t = target.to_string();
    let Some((action_id, _)) = ws.read(move |s| Ok(s.in_flight_for(&t)?)).await? else {
        return Ok(None);
    };
    Ok(Some(ws.push_action(&action_id).await))
}

fn instant(field: &str, s: &str) -> Result<time::Instant, ApiError> {
    time::parse_datetime(s.trim()).map_err(|e| ApiError::invalid(field, Rule::BadFormat, format!("{field}: {e}")))
}

fn yuan(field: &str, s: &str) -> Result<Cny, ApiError> {
    let d: Decimal = s
        .trim()
        .parse()
        .map_err(|_| ApiError::invalid(field, Rule::NotANumber, format!("{field} `{s}`: an amount in yuan")))?;
    Cny::exact(d).map_err(|e| ApiError::invalid(field, Rule::BadFormat, format!("{field}: {e}")))
}

pub async fn step(ws: &Workspace, a: StepTrack) -> Result<NoArgs, ApiError> {
    let entry = StepEntry {
        order_id: a.order_id.trim().to_string(),
        product_type: a.product_type,
        step: a.step,
        since: instant("since", &a.since)?,
        rejections: a.rejections,
        note: a.note,
    };
    let r = recorder(ws)?;
    let (order, by) = (entry.order_id.clone(), r.by.clone());
    ws.write(move |s| Ok(s.record_step(&entry, &r)?)).await?;
    ws.log.info(&format!("supervision step of {order} recorded by {by}"));
    to_gateway(ws, &order).await?;
    Ok(NoArgs {})
}

pub async fn unsubscription(ws: &Workspace, a: UnsubscriptionTrack) -> Result<Tracked, ApiError> {
    let entry = UnsubscriptionEntry {
        order_id: a.order_id.trim().to_string(),
        requested_at: instant("requested_at", &a.requested_at)?,
        refund: yuan("refund", &a.refund)?,
        reason: a.reason,
    };
    let r = recorder(ws)?;
    let id = ws.write(move |s| Ok(s.record_unsubscription(&entry, &r)?)).await?;
    ws.log.info(&format!("unsubscription {id} recorded"));
    to_gateway(ws, &id).await?;
    Ok(Tracked { id })
}

pub async fn invoice_request(ws: &Workspace, a: InvoiceRequestTrack) -> Result<Tracked, ApiError> {
    let name = a.title_name.trim().to_string();
    let title = match a.title_kind.as_str() {
        "person" => BuyerTitle::Person { name },
        "enterprise" => {
            let taxpayer_id = match a.taxpayer_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) => Some(
                    credit_code::validate(t)
                        .map_err(|e| ApiError::invalid("taxpayer_id", Rule::BadFormat, format!("taxpayer_id: {e}")))?,
                ),
                None => None,
            };
            BuyerTitle::Enterprise { name, taxpayer_id }
        }
        other => {
            return Err(ApiError::invalid(
                "title_kind",
                Rule::OneOf,
                format!("title_kind `{other}`: enterprise or person"),
            ))
        }
    };
    let entry = InvoiceRequestEntry {
        order_ids: a.order_ids.iter().map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect(),
        requested_at: instant("requested_at", &a.requested_at)?,
        kind: a.kind,
        medium: a.medium,
        title,
        address: a.address,
        bank_account: a.bank_account,
    };
    let r = recorder(ws)?;
    let id = ws.write(move |s| Ok(s.record_invoice_request(&entry, &r)?)).await?;
    ws.log.info(&format!("invoice request {id} recorded"));
    to_gateway(ws, &id).await?;
    Ok(Tracked { id })
}
