//! The listing and onboarding checklist [KG §7, §9]: products put on it, steps ticked by hand, and each product's
//! checklist as the store computes it (the interface debugged by a passing run of its saved suite, the listing by
//! its recorded review).

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::listing::ListingStep;
use koodesk_domain::problem::Rule;
use koodesk_store::listings::{Checklist, ListingEntry};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{ApiError, NoArgs};
use crate::clock::now;
use crate::trackers::recorder;
use crate::workspace::Workspace;

/// A product to put on the checklist (or to update).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ListingSave {
    pub product_id: String,
    pub name: String,
    /// An access type: saas, license, image, …
    pub access_type: String,
    /// A billing mode: period, per-call, …
    pub billing_mode: String,
    /// The saved interface-check suite holding its debug cases (SaaS).
    #[serde(default)]
    pub suite: Option<String>,
}

/// A step ticked or unticked by hand.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ListingTick {
    pub product_id: String,
    pub step: ListingStep,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Checklists {
    pub items: Vec<Checklist>,
}

pub async fn save(ws: &Workspace, a: ListingSave) -> Result<Checklists, ApiError> {
    let access_type: AccessType = a
        .access_type
        .parse()
        .map_err(|e| ApiError::invalid("access_type", Rule::OneOf, format!("access_type: {e}")))?;
    let billing_mode: BillingMode = a
        .billing_mode
        .parse()
        .map_err(|e| ApiError::invalid("billing_mode", Rule::OneOf, format!("billing_mode: {e}")))?;
    let entry = ListingEntry { product_id: a.product_id, name: a.name, access_type, billing_mode, suite: a.suite };
    let r = recorder(ws)?;
    ws.write(move |s| Ok(s.save_listing(&entry, &r)?)).await?;
    list(ws, NoArgs {}).await
}

pub async fn tick(ws: &Workspace, a: ListingTick) -> Result<Checklists, ApiError> {
    let r = recorder(ws)?;
    let product = a.product_id.trim().to_string();
    ws.write(move |s| Ok(s.tick_listing_step(&product, a.step, a.done, &r)?)).await?;
    list(ws, NoArgs {}).await
}

pub async fn list(ws: &Workspace, _: NoArgs) -> Result<Checklists, ApiError> {
    let at = now();
    let items = ws.read(move |s| Ok(s.listing_checklists(at)?)).await?;
    Ok(Checklists { items })
}
