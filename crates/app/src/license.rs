//! License 2.0 codes from the console [KG §3, §8]: the one supervision step a seller can move through an API,
//! 授权码激活, so activation is a real call in every mode — the embedded sandbox's open API in the demo,
//! KooGallery's (the seller's AK/SK from the keyring) on a gateway or with files only.
//!
//! - [`activate`] checks the order's flow is a License 2.0 flow waiting at 授权码激活 (and not frozen by an
//!   appeal), calls `license/activate`, and then brings the flow forward: in the sandbox it syncs, so the
//!   marketplace's own record of the step arrives; otherwise there is no feed of supervision, so the next step
//!   (上传交付凭证) is recorded as begun now, by this desk's operator (on a gateway the record is queued for it).
//! - [`query`] asks `license/heartbeat` for a code's state.
//!
//! Neither key is in a reply or a message.

use crate::error::ErrorCode;
use koodesk_domain::problem::Rule;
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time;
use koodesk_protocol::license::{CodeStatus, LicenseCode, LicenseError, Operation};
use koodesk_store::meta::ConnectionMode;
use koodesk_store::trackers::StepEntry;

use crate::api::{ApiError, LicenseActivate, LicenseActivated, LicenseQuery, LicenseState, LicenseStatus};
use crate::clock::now;
use crate::trackers;
use crate::workspace::Workspace;

fn state(code: &str, c: LicenseCode) -> LicenseState {
    LicenseState {
        code: code.trim().to_string(),
        status: match c.status {
            CodeStatus::Alive => LicenseStatus::Alive,
            CodeStatus::Expired => LicenseStatus::Expired,
            CodeStatus::Released => LicenseStatus::Released,
        },
        expire_at: c.expire_at.map(|t| time::format_rfc3339(&t)),
        order_id: c.order_id,
        product_id: c.product_id,
        amount: c.amount.map(|a| a.to_string()),
    }
}

fn refused(e: LicenseError) -> ApiError {
    match e {
        LicenseError::Invalid(m) => ApiError::invalid("code", Rule::Rule, m),
        other => ApiError::new(ErrorCode::License, other.to_string()),
    }
}

/// Activates the code of a License 2.0 order waiting at 授权码激活.
pub async fn activate(ws: &Workspace, a: LicenseActivate) -> Result<LicenseActivated, ApiError> {
    let order_id = a.order_id.trim().to_string();
    let id = order_id.clone();
    let flow = ws.read(move |s| Ok(s.order_detail(&id, now())?)).await?.flow.ok_or_else(|| {
        ApiError::invalid(
            "order_id",
            Rule::Rule,
            format!("order_id `{order_id}`: this order has no service supervision [KG §3]"),
        )
    })?;
    if flow.product_type != "license2" || flow.step != "activate-code" {
        return Err(ApiError::invalid(
            "order_id",
            Rule::WrongStep,
            format!(
            "order_id `{order_id}`: a License 2.0 code is activated at the step 授权码激活 of a license2 flow; this \
             one is a {} flow at `{}` [KG §3]",
            flow.product_type, flow.step
        ),
        ));
    }
    if flow.frozen_by.is_some() {
        return Err(ApiError::invalid(
            "order_id",
            Rule::WrongStep,
            format!(
                "order_id `{order_id}`: the flow is frozen by an appeal; activate once the platform has ruled [KG §3]"
            ),
        ));
    }
    let effective_at = match a.effective_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            time::parse_datetime(s)
                .map_err(|e| ApiError::invalid("effective_at", Rule::BadFormat, format!("effective_at: {e}")))?,
        ),
        None => None,
    };
    let api = ws.open_api().await?;
    let code = koodesk_client::license::call(&api, Operation::Activate, &a.code, effective_at.map(|t| t.to_utc()))
        .await
        .map_err(refused)?;
    if code.order_id.as_deref().is_some_and(|o| o != order_id) {
        // Activated, but another order's: say so rather than move this order's flow.
        return Err(ApiError::new(
            ErrorCode::License,
            format!(
                "code: KooGallery activated it, but it is order {}'s, not {order_id}'s: check the code the buyer sent",
                code.order_id.unwrap_or_default()
            ),
        ));
    }
    ws.log.info(&format!("license code of {order_id} activated"));
    let step_recorded = if ws.settings().mode.connection() == ConnectionMode::Sandbox {
        // The marketplace moved the flow itself: its record of the step comes with the next page of the feed.
        ws.sync_now().await;
        false
    } else {
        let entry = StepEntry {
            order_id: order_id.clone(),
            product_type: ProductType::License2,
            step: Step::UploadProof,
            since: now(),
            rejections: flow.rejections,
            note: "license/activate 92020000".into(),
        };
        let r = trackers::recorder(ws)?;
        ws.write(move |s| Ok(s.record_step(&entry, &r)?)).await?;
        trackers::to_gateway(ws, &order_id).await?;
        true
    };
    Ok(LicenseActivated { state: state(&a.code, code), step_recorded })
}

/// A code's state (`license/heartbeat`), unchanged.
pub async fn query(ws: &Workspace, a: LicenseQuery) -> Result<LicenseState, ApiError> {
    let api = ws.open_api().await?;
    let code = koodesk_client::license::call(&api, Operation::Query, &a.code, None).await.map_err(refused)?;
    Ok(state(&a.code, code))
}
