//! The interface-health screen [KG §7]: the production interface's health as the last sync brought it from the
//! feed's server (KooDesk Gateway, or the sandbox), and each SaaS product's readiness against the delisting line.

use koodesk_store::interface_health::InterfaceHealthView;
use serde::Serialize;
use ts_rs::TS;

use crate::api::{ApiError, NoArgs};
use crate::clock::now;
use crate::workspace::Workspace;

/// The screen: the view, or none before a sync brought one (files only, or a feed's server without the view).
#[derive(Debug, Clone, Serialize, TS)]
pub struct InterfaceHealthState {
    pub view: Option<InterfaceHealthView>,
}

pub async fn view(ws: &Workspace, _: NoArgs) -> Result<InterfaceHealthState, ApiError> {
    let at = now();
    let view = ws.read(move |s| Ok(s.interface_health(at)?)).await?;
    Ok(InterfaceHealthState { view })
}
