//! The command table: each command's name, argument and result types (from [`crate::api`] and the handler
//! modules) and its handler. The dispatcher and the TypeScript `Commands` interface are derived from it, so a
//! handler's types cannot drift from the declared ones. Tauri's IPC and the loopback HTTP server both call [`call`].

use crate::error::ErrorCode;
use koodesk_domain::problem::Rule;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::api::*;
use crate::commands as h;
use crate::interface_health::{self, InterfaceHealthState};
use crate::listings::{self, Checklists, ListingSave, ListingTick};
use crate::merchant::{self, ConsoleReviews, ReviewAnswer, ReviewRecord, ReviewsFilter};
use crate::settlement_imports::{self, BillKey, ImportedBillLines, SettlementImports, SettlementImportsArgs};
use crate::workspace::Workspace;
use crate::{imports, interface, invoicing, license, paste, trackers};
use koodesk_checker::case_form::CaseForm;
use koodesk_checker::cases::SavedSuite;
use koodesk_checker::Report;
use koodesk_store::browse::{OrderDetail, OrderPage};
use koodesk_store::console_reviews::ConsoleReview;

/// Reads a command's arguments as its declared type. A refusal names the field by its path in the arguments (e.g.
/// `access_type`, `lines[2].amount`) and the rule: one of a closed set of values, a field missing, or a value of
/// the wrong shape.
fn args<T: DeserializeOwned>(command: &str, v: Value) -> Result<T, ApiError> {
    let v = if v.is_null() { json!({}) } else { v };
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let (field, rule) = if inner.starts_with("missing field `") {
            let name = inner.trim_start_matches("missing field `").split('`').next().unwrap_or_default();
            let field = if path == "." || path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
            (field, Rule::Required)
        } else if inner.contains("unknown variant") {
            (path, Rule::OneOf)
        } else {
            (path, Rule::BadFormat)
        };
        let field = if field == "." || field.is_empty() { "args".to_string() } else { field };
        // A vocabulary's own refusal already names the field (`billing_mode `monthly`: …`); others get it in front.
        let last = field.rsplit('.').next().unwrap_or(&field);
        let message =
            if inner.starts_with(&format!("{last} `")) { inner } else { format!("{command}: {field}: {inner}") };
        ApiError::invalid(&field, rule, message)
    })
}

fn reply<T: Serialize>(t: T) -> Result<Value, ApiError> {
    serde_json::to_value(t).map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))
}

/// Runs one command by name with its JSON arguments: the table below reads them as the command's declared type
/// and calls its handler, whose result type is the declared one.
pub async fn call(ws: &Workspace, command: &str, a: Value) -> Result<Value, ApiError> {
    dispatch(ws, command, a).await
}

macro_rules! command_table {
    ($($name:literal : $args:ty => $result:ty = $handler:path),* $(,)?) => {
        /// The commands, by name, for the dispatcher and the generated client.
        pub const COMMANDS: &[&str] = &[$($name),*];

        /// `export interface Commands { name: { args: …; result: … } }` for the typed client.
        pub(crate) fn command_interface(cfg: &ts_rs::Config) -> String {
            let mut s = String::from("export interface Commands {\n");
            $(s.push_str(&format!("  {}: {{ args: {}; result: {} }};\n", $name, <$args as TS>::name(cfg), <$result as TS>::name(cfg)));)*
            s.push_str("}\n");
            s
        }

        /// The dispatcher, derived from the same table: a command's JSON arguments are read as its declared
        /// arguments type, and its handler must answer its declared result type, or the crate does not compile.
        pub(crate) async fn dispatch(
            ws: &Workspace,
            command: &str,
            a: serde_json::Value,
        ) -> Result<serde_json::Value, ApiError> {
            match command {
                $($name => {
                    let a: $args = args($name, a)?;
                    let r: $result = $handler(ws, a).await?;
                    reply(r)
                })*
                other => Err(ApiError::new(
                    ErrorCode::UnknownCommand,
                    format!("command `{other}`: not a KooDesk command (one of {})", COMMANDS.join(", ")),
                )),
            }
        }
    };
}

command_table! {
    "overview": NoArgs => Overview = h::overview_of,
    "status": NoArgs => Status = h::status_of,
    "orders": OrdersArgs => OrderPage = h::orders,
    "order_detail": OrderId => OrderDetail = h::order_detail,
    "flows": FlowsArgs => Flows = h::flows,
    "supervision_act": SupervisionAct => Queued = h::supervision_act,
    "unsubscriptions": StatusPage => Unsubscriptions = h::unsubscriptions,
    "unsubscription_decide": UnsubscriptionDecide => Queued = h::unsubscription_decide,
    "invoice_requests": StatusPage => InvoiceRequests = h::invoice_requests,
    "settlement": NoArgs => Settlement = h::settlement_of,
    "sync_now": NoArgs => SyncResult = h::sync_now,
    "outbox_dismiss": ActionRef => Status = h::outbox_dismiss,
    "settings": NoArgs => SettingsView = h::settings_of,
    "settings_save": Settings => SettingsView = h::settings_save,
    "credential_save": CredentialSave => SettingsView = h::credential_save,
    "credential_delete": CredentialName => SettingsView = h::credential_delete,
    "sandbox_network": SandboxNetwork => SandboxState = h::sandbox_network,
    "notifications_due": NoArgs => Notices = h::notifications_due,
    "notification_shown": NoticeShown => NoArgs = h::notification_shown,
    "language_set": LanguageChoice => NoArgs = h::language_set,
    "invoices_of_request": RequestId => InvoiceList = h::invoices_of_request,
    "invoice_draft": RequestId => InvoiceList = h::invoice_draft,
    "invoice_issue": InvoiceIssue => InvoiceIssued = invoicing::issue,
    "invoice_red_letter": InvoiceRedLetter => InvoiceList = invoicing::red_letter,
    "invoice_edit_buyer": InvoiceBuyerEdit => InvoiceList = invoicing::edit_buyer,
    "invoice_export": InvoiceExport => ExportFile = invoicing::export,
    "invoice_pdf": InvoiceId => ExportFile = h::invoice_pdf,
    "invoice_buyers_import": BuyerListFile => BuyersImported = invoicing::import_buyers,
    "invoice_buyers": BuyerQuery => InvoiceBuyers = h::invoice_buyers,
    "invoice_orders_of_buyer": BuyerRef => OrdersToInvoice = h::invoice_orders_of_buyer,
    "invoice_preview_orders": OrderChoice => InvoicePreview = h::invoice_preview_orders,
    "invoice_draft_orders": OrderChoice => InvoiceList = h::invoice_draft_orders,
    "invoices_of_batch": BatchId => InvoiceList = h::invoices_of_batch,
    "invoice_batches": NoArgs => InvoiceList = h::invoice_batches,
    "invoice_discard": InvoiceId => InvoiceList = h::invoice_discard,
    "interface_overview": NoArgs => InterfaceOverview = h::interface_overview,
    "interface_run": InterfaceRunArgs => InterfaceRunResult = interface::run,
    "interface_run_progress": RunToken => RunProgress = h::interface_run_progress,
    "interface_run_report": RunId => Report = h::interface_run_report,
    "interface_suite_save": SavedSuite => InterfaceSuites = h::interface_suite_save,
    "interface_suite_delete": SuiteName => InterfaceSuites = h::interface_suite_delete,
    "interface_cases_export": NoArgs => CasesText = h::interface_cases_export,
    "interface_cases_import": CasesText => InterfaceSuites = h::interface_cases_import,
    "interface_case_form": NoArgs => CaseForm = interface::case_form,
    "import_preview": ImportFile => ImportPreview = imports::preview,
    "import_confirm": ImportFile => ImportSummary = imports::confirm,
    "track_step": StepTrack => NoArgs = trackers::step,
    "track_unsubscription": UnsubscriptionTrack => Tracked = trackers::unsubscription,
    "track_invoice_request": InvoiceRequestTrack => Tracked = trackers::invoice_request,
    "track_paste_preview": TrackPaste => PasteReport = paste::preview,
    "track_paste": TrackPaste => PasteReport = paste::confirm,
    "orders_lookup": OrderLookup => LookupResult = imports::lookup,
    "console_review_record": ReviewRecord => ConsoleReview = merchant::record,
    "console_review_answer": ReviewAnswer => ConsoleReview = merchant::answer,
    "console_reviews": ReviewsFilter => ConsoleReviews = merchant::list,
    "license_activate": LicenseActivate => LicenseActivated = license::activate,
    "license_query": LicenseQuery => LicenseState = license::query,
    "listing_save": ListingSave => Checklists = listings::save,
    "listing_tick": ListingTick => Checklists = listings::tick,
    "listings": NoArgs => Checklists = listings::list,
    "interface_health": NoArgs => InterfaceHealthState = interface_health::view,
    "settlement_imports": SettlementImportsArgs => SettlementImports = settlement_imports::view,
    "settlement_bill_lines": BillKey => ImportedBillLines = settlement_imports::bill_lines,
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodesk_store::browse::OrderFilter;

    #[test]
    fn a_bad_argument_is_refused_naming_its_field_and_rule() {
        let e = args::<OrderFilter>("orders", json!({"access_type": "cloud"})).expect_err("cloud is no access type");
        assert_eq!((e.code, e.field.as_deref(), e.rule), (ErrorCode::Invalid, Some("access_type"), Some(Rule::OneOf)));
        assert!(e.message.contains("saas"), "the sentence lists the values taken: {}", e.message);

        let e = args::<OrderFilter>("orders", json!({"buyer": 7})).expect_err("a buyer is text");
        assert_eq!((e.field.as_deref(), e.rule), (Some("buyer"), Some(Rule::BadFormat)));

        let e = args::<crate::api::LicenseActivate>("license_activate", json!({})).expect_err("no order");
        assert_eq!((e.field.as_deref(), e.rule), (Some("order_id"), Some(Rule::Required)), "{}", e.message);
    }
}
