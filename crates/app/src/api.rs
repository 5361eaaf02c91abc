//! The console's commands: each one's arguments and result, defined once here and generated for TypeScript
//! (`ui/src/api/bindings.ts`, checked by `tests/bindings.rs`).
//!
//! Every command takes one JSON object and answers one JSON object or an [`ApiError`]. The command table
//! ([`crate::dispatch`]) names each command's types from here; this module depends on no handler, so a handler
//! module can use these types without a cycle.

use koodesk_checker::cases::SavedSuite;
use koodesk_checker::{Report, StepReport};
use koodesk_store::browse::{BillRow, FlowRow, InvoiceRequestRow, MonthAmount, OrderFilter, UnsubscriptionRow};
use koodesk_store::dashboard::Dashboard;
use koodesk_store::inbox::{Inbox, InboxItem};
use koodesk_store::interface_checks::RunSummary;
pub use koodesk_store::invoice_batches::{InvoiceBuyer, OrderChoice, OrderToInvoice};
use koodesk_store::invoicing::InvoiceRecord;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::error::{ApiError, ErrorCode};

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NoArgs {}

/// Where the console syncs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointMode {
    /// The in-process sandbox with demo data (the default on first start): its simulated marketplace takes the
    /// seller's actions.
    Sandbox,
    /// The seller's KooDesk Gateway: its feed is synced. What the seller does on the Seller Console is recorded,
    /// never pretended to be done through KooDesk (`REAL-DATA.md` §1).
    #[serde(alias = "remote")]
    Gateway,
    /// No feed: the Seller Console's exports, lookups and what the seller records by hand.
    Files,
}

impl EndpointMode {
    /// The store's view of the mode.
    pub fn connection(self) -> koodesk_store::meta::ConnectionMode {
        use koodesk_store::meta::ConnectionMode;
        match self {
            EndpointMode::Sandbox => ConnectionMode::Sandbox,
            EndpointMode::Gateway => ConnectionMode::Gateway,
            EndpointMode::Files => ConnectionMode::Files,
        }
    }
}

/// The console's two languages (Chinese the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, TS)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en-US")]
    EnUs,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::ZhCn, Language::EnUs];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }
}

/// Read by hand so that a language this build does not know (in `settings.json`, or from the UI) is refused naming
/// the field, never taken for the default.
impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Language, D::Error> {
        let raw = String::deserialize(d)?;
        Language::ALL
            .into_iter()
            .find(|l| l.as_str() == raw)
            .ok_or_else(|| serde::de::Error::custom(format!("language `{raw}`: zh-CN or en-US")))
    }
}

/// Settings kept in `settings.json` beside the store. Holds no secret: those are in the OS keyring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    pub mode: EndpointMode,
    /// Where the production hosts are: `cn` (Chinese mainland) or `intl`.
    pub region: String,
    /// The gateway's seller feed, its base URL (gateway mode).
    pub feed_url: String,
    /// The keyring account the credentials are stored under.
    pub account: String,
    /// Seconds between background syncs; 0 turns background sync off.
    pub sync_interval_secs: u32,
    pub language: Language,
    /// `light` or `dark`.
    pub theme: String,
    /// Who records entries on this desk (shown beside what they recorded); the OS user name if left empty.
    pub operator: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            mode: EndpointMode::Sandbox,
            region: "cn".into(),
            feed_url: String::new(),
            account: "default".into(),
            sync_interval_secs: 60,
            language: Language::ZhCn,
            theme: "light".into(),
            operator: String::new(),
        }
    }
}

/// Whether each credential is stored: never its value.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CredentialState {
    pub name: String,
    pub stored: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SettingsView {
    pub settings: Settings,
    pub credentials: Vec<CredentialState>,
    /// `None` when the OS keyring answers; otherwise why it cannot be used (credentials then cannot be saved).
    pub keyring_problem: Option<String>,
    /// Production hosts for the region (open API, OAuth).
    pub hosts: Vec<String>,
    /// KooDesk's version: the workspace's one version, as `koodesk --version` and the gateway's `/healthz` give it.
    pub version: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CredentialSave {
    /// `access-key`, `secret-key`, `client-secret` or `feed-token`.
    pub name: String,
    /// Typed as a secret from the moment it is read off the IPC or HTTP body: its Debug shows no value, and it is
    /// zeroized when dropped.
    #[ts(type = "string")]
    pub value: koodesk_protocol::secret::Secret,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CredentialName {
    pub name: String,
}

/// Why a sync did not finish, by code: the console and the tray word it in the seller's language.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum SyncFailure {
    /// The marketplace (or the gateway) could not be reached: working offline.
    Offline,
    /// Some feeds did not finish; `detail` names each and why, in English (shown as a detail).
    Incomplete { detail: String },
    /// The sync failed as a whole: the core's error, its code and English sentence.
    Failed { error: ApiError },
}

impl SyncFailure {
    /// The English sentence, for the CLI and the logs.
    pub fn english(&self) -> String {
        match self {
            SyncFailure::Offline => "the marketplace cannot be reached: working offline".into(),
            SyncFailure::Incomplete { detail } => detail.clone(),
            SyncFailure::Failed { error } => error.message.clone(),
        }
    }
}

/// Sync and connectivity, for the status bar and the tray.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Status {
    pub mode: EndpointMode,
    pub endpoint: String,
    /// The last sync could not reach the marketplace: working offline.
    pub offline: bool,
    pub syncing: bool,
    pub last_sync_at: Option<String>,
    /// Why the last sync did not finish, by code (none after a good one).
    pub last_error: Option<SyncFailure>,
    /// Sync failures in a row.
    pub failures_in_a_row: u32,
    /// Targets with an action waiting in the outbox.
    pub outbox_pending: i64,
    /// Targets whose action KooGallery accepted and its feed does not show yet ("sent, waiting for KooGallery").
    pub outbox_awaiting_echo: i64,
    /// Actions the marketplace refused, kept with the reason until the seller dismisses them.
    pub outbox_refused: Vec<RefusedView>,
    /// Outbox rows this build cannot read: named, left untouched, never sent.
    pub outbox_damaged: Vec<String>,
    /// Items overdue or due within 24 hours: the tray's badge.
    pub urgent: i64,
    /// The three most urgent items, for the tray menu.
    pub top: Vec<TopItem>,
    pub sandbox_online: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RefusedView {
    pub action_id: String,
    pub kind: koodesk_store::outbox::ActionKind,
    pub target: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TopItem {
    pub item: InboxItem,
    pub route: String,
}

/// The overview: the inbox and the KPIs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Overview {
    pub inbox: Inbox,
    pub dashboard: Dashboard,
    pub status: Status,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct OrdersArgs {
    #[serde(default)]
    pub filter: OrderFilter,
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_limit")]
    pub limit: i64,
}

fn default_limit() -> i64 {
    100
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct OrderId {
    pub order_id: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct FlowsArgs {
    pub step: Option<String>,
    pub side: Option<String>,
    /// The page: rows to skip and at most how many (2,000 when absent).
    #[ts(optional)]
    pub offset: Option<i64>,
    #[ts(optional)]
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Flows {
    /// The page asked for, soonest clock first.
    pub flows: Vec<FlowRow>,
    /// Open flows matching the filter, in all.
    pub total: i64,
    /// Open flows per step and side.
    pub by_step: Vec<StepSide>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StepSide {
    pub step: String,
    pub side: Option<String>,
    pub flows: i64,
}

/// A seller action on a supervision step, queued in the outbox (works offline).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SupervisionAct {
    pub order_id: String,
    /// `confirm`, `reject`, `activate`, `appeal` or `upload-proof`.
    pub action: String,
    #[serde(default)]
    pub reason: String,
    /// For `upload-proof`: the file's name and its content, base64.
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub content_base64: Option<String>,
    /// The flow's `seq` on the screen the seller acted from; refused (`stale`) when the flow has changed since.
    /// Absent: no screen (a script).
    #[serde(default)]
    pub seq: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Queued {
    pub action_id: String,
    /// Whether the action reached the marketplace already (an immediate push when online).
    pub sent: bool,
    /// Where it stands now: queued, sent and awaiting the feed's echo, or (none) done — echoed or refused.
    pub pending_sync: Option<koodesk_store::outbox::PendingSync>,
    /// Why KooGallery refused it, when it did (the marketplace's own words, quoted).
    pub refused: Option<String>,
    /// Files only: the decision was made on the Seller Console and is recorded here; nothing is sent.
    pub recorded: bool,
}

/// A refused action the seller has read.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ActionRef {
    pub action_id: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct StatusFilter {
    pub status: Option<String>,
}

/// A status filter and a page of a list: rows to skip and at most how many (2,000 when absent, up to 10,000).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct StatusPage {
    pub status: Option<String>,
    #[ts(optional)]
    pub offset: Option<i64>,
    #[ts(optional)]
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Unsubscriptions {
    /// The page asked for: pending first, then newest.
    pub requests: Vec<UnsubscriptionRow>,
    /// Requests matching the filter, in all; the page starts at `offset`.
    pub total: i64,
    pub offset: i64,
    pub refunded_by_month: Vec<MonthAmount>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct UnsubscriptionDecide {
    pub id: String,
    pub approve: bool,
    #[serde(default)]
    pub reason: String,
    /// The request's `seq` on the screen the seller decided from; refused (`stale`) when it has changed since.
    #[serde(default)]
    pub seq: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct InvoiceRequests {
    /// The page asked for: open ones first (soonest due), then the newest issued.
    pub requests: Vec<InvoiceRequestRow>,
    /// Requests matching the filter, in all; the page starts at `offset`.
    pub total: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Settlement {
    pub bills: Vec<BillRow>,
    /// This month's schedule from the working-day calendar [KG §6].
    pub month: String,
    pub bill_date: String,
    pub send_by: String,
    pub sign_off_by: String,
    pub payment_by: String,
    /// The platform fee rate, e.g. `0.05`.
    pub fee_rate: String,
    /// Whether the calendar had the year's data (otherwise weekends only were skipped).
    pub calendar_exact: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncResult {
    pub ok: bool,
    pub pages: usize,
    pub items: usize,
    pub actions_sent: usize,
    pub actions_refused: usize,
    /// Actions left queued untried because the host was found unreachable.
    pub actions_untried: usize,
    pub offline: bool,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SandboxNetwork {
    pub online: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SandboxState {
    /// `None` when the console is not on the embedded sandbox.
    pub sandbox_online: Option<bool>,
}

/// A notification to raise now (returned until it is recorded as shown): what it is about as a code and its
/// parameters; the shell words it in the user's language ([`crate::notice_text`]).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Notice {
    pub key: String,
    pub about: NoticeAbout,
    /// The UI route that opens the item.
    pub route: String,
}

/// What a notice is about, by code, with the parameters of its words.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum NoticeAbout {
    /// Sync failed this many times in a row; the last error as the core reported it.
    SyncFailing { failures_in_a_row: u32, last_error: Option<SyncFailure> },
    /// This month's failed orders near, on or past KooGallery's delisting line [KG §7].
    DelistingLine {
        standing: koodesk_domain::delisting::LineStanding,
        period: String,
        failed_orders: i64,
        delisting_line: i64,
    },
    /// A dial test of the production interface failed [KG §7].
    DialTestFailed { at: String, activity: String, result_code: String },
    /// An invoice request due within 24 hours [KG §2].
    InvoiceDue { item: InboxItem },
    /// A merchant-side step whose user-appeal window opens within 24 hours [KG §3].
    AppealWindow { item: InboxItem },
    /// An unsubscription awaiting review [KG §4].
    UnsubscriptionToReview { item: InboxItem },
    /// A Seller Console submission not answered by its third working day [KG §6].
    ReviewOverdue { item: InboxItem },
}

/// The language the user chose in the UI, for the words the shell shows itself (notifications, the tray).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LanguageChoice {
    pub language: Language,
}

/// A notice the shell delivered: recorded so it is not raised again.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NoticeShown {
    pub key: String,
    pub route: String,
}

/// The notices due now, not yet shown.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Notices {
    pub notices: Vec<Notice>,
}

/// Every type exported to TypeScript, in dependency order.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RequestId {
    pub request_id: String,
}

/// A request's invoices: drafts (one per tax rate), issued ones and red letters.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoiceList {
    pub invoices: Vec<InvoiceRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoiceIssue {
    pub id: String,
    /// Who issues (开票人).
    pub by: String,
    /// The number the tax system gave, for a draft issued there; numbered here when absent.
    #[serde(default)]
    pub number: Option<String>,
    /// The invoice request's `seq` on the screen the draft was opened from; refused (`stale`) when the request has
    /// changed since. Absent for invoices drafted from chosen orders (no request).
    #[serde(default)]
    pub request_seq: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoiceIssued {
    pub invoice: InvoiceRecord,
    /// Whether KooGallery has heard of it yet (or it waits in the outbox).
    pub sent: bool,
    /// What became of telling KooGallery's request it is issued; none when there is nothing to tell (drafted from
    /// chosen orders, or already told).
    pub push: Option<Queued>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoiceRedLetter {
    pub id: String,
    /// invoicing-error, goods-returned, service-terminated or sales-allowance.
    pub reason: String,
}

/// The buyer fields a draft may change before it is issued.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoiceBuyerEdit {
    pub id: String,
    pub title: String,
    pub taxpayer_id: Option<String>,
    pub address: Option<String>,
    pub bank: Option<String>,
}

/// Which invoices to export, and how.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoiceExport {
    /// csv, xlsx or json.
    pub format: String,
    /// draft or issued; every invoice when absent.
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoiceId {
    pub id: String,
}

/// Buyers whose name contains `query` (or whose ID it is).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BuyerQuery {
    pub query: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoiceBuyers {
    pub buyers: Vec<InvoiceBuyer>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BuyerRef {
    pub buyer_id: String,
}

/// A buyer's orders for the drafting form, each saying whether it may be chosen.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OrdersToInvoice {
    pub orders: Vec<OrderToInvoice>,
}

/// The drafts the chosen orders would make (nothing saved): one per rate, with totals and capitals.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InvoicePreview {
    pub drafts: Vec<koodesk_domain::invoice_draft::Draft>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BatchId {
    pub batch_id: String,
}

/// A file for the browser to save.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportFile {
    pub file_name: String,
    pub mime: String,
    pub content_base64: String,
    /// Invoices in it.
    pub invoices: u32,
}

/// A buyer list chosen by the seller (CSV or XLSX, by its name).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BuyerListFile {
    pub file_name: String,
    pub content_base64: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BuyersImported {
    pub imported: u32,
}

/// A Seller Console export given to the console (订单列表, 交易明细, 账单, 详单), with the seller's column mapping.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ImportFile {
    pub kind: koodesk_domain::seller_export::ExportKind,
    pub file_name: String,
    pub content_base64: String,
    /// `HEADER=field,…` for headers KooDesk does not recognise; the one confirmed last for this kind if left out.
    #[serde(default)]
    pub map: Option<String>,
    /// `field=value,…` for every row, when the file has no such column.
    #[serde(default)]
    pub set: Option<String>,
    #[serde(default)]
    pub sheet: Option<String>,
    /// Import the valid rows of a file with invalid ones; without it such a file imports nothing.
    #[serde(default)]
    pub skip_invalid: bool,
}

/// A column of the file and the field it is read as (`None`: ignored).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportColumn {
    pub header: String,
    pub field: Option<String>,
}

/// A problem with one row, where the spreadsheet shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportProblem {
    pub row: u32,
    pub column: Option<String>,
    pub message: String,
}

/// A row left out, and why (an unpaid or cancelled order is not a sale).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportSkip {
    pub row: u32,
    pub reason: String,
}

/// What importing a file would do, before the seller confirms: its columns as mapped, its first rows, and the
/// counts a dry run gave.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportPreview {
    pub kind: koodesk_domain::seller_export::ExportKind,
    pub header_row: u32,
    pub columns: Vec<ImportColumn>,
    pub first_rows: Vec<Vec<String>>,
    pub rows: u32,
    pub skipped: Vec<ImportSkip>,
    pub errors: Vec<ImportProblem>,
    pub imported: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// The mapping used: the one given, or the one remembered for this kind.
    pub mapping: Option<String>,
    /// The fields a column of this kind of export can be read as, for the column picker.
    pub fields: Vec<String>,
    /// Why the file cannot be imported as it is mapped (its header row lacks a column every row needs, or the
    /// mapping names a header it does not have): `columns` then lists its headers, to map one and preview again.
    pub problem: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportSummary {
    pub kind: koodesk_domain::seller_export::ExportKind,
    pub rows: u32,
    pub imported: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub skipped: u32,
    pub errors: Vec<ImportProblem>,
}

/// A supervision step as the Seller Console shows it, recorded by hand.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct StepTrack {
    pub order_id: String,
    pub product_type: koodesk_domain::supervision::ProductType,
    pub step: koodesk_domain::supervision::Step,
    /// When the step began (RFC 3339, or a Beijing date-time without offset).
    pub since: String,
    #[serde(default)]
    pub rejections: u32,
    #[serde(default)]
    pub note: String,
}

/// A negotiated unsubscription request as 退订管理 shows it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct UnsubscriptionTrack {
    pub order_id: String,
    pub requested_at: String,
    /// Yuan, e.g. `120.00`.
    pub refund: String,
    pub reason: String,
}

/// An invoice request as 发票管理 shows it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct InvoiceRequestTrack {
    pub order_ids: Vec<String>,
    pub requested_at: String,
    pub kind: koodesk_domain::invoice::InvoiceKind,
    pub medium: koodesk_domain::invoice::Medium,
    /// `enterprise` or `person`.
    pub title_kind: String,
    pub title_name: String,
    #[serde(default)]
    pub taxpayer_id: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub bank_account: Option<String>,
}

/// The ID of an entry recorded by hand.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Tracked {
    pub id: String,
}

/// What rows pasted into a tracker are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum PasteKind {
    Unsubscription,
    InvoiceRequest,
    Step,
}

/// Rows copied from a Seller Console table or a spreadsheet (tab- or comma-separated, a header row optional).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct TrackPaste {
    pub kind: PasteKind,
    pub text: String,
    /// Record the valid rows of a paste with invalid ones; without it such a paste records nothing.
    #[serde(default)]
    pub skip_invalid: bool,
}

/// A problem with one pasted row, for the console to word: `required`, `date-time`, `future`, `amount`,
/// `decimals`, `choice` (`detail`: the codes accepted), `credit-code`, `person-taxpayer`, `special-needs-taxpayer`,
/// `count`, `cells` (`detail`: how many columns there are); then the store's: `unknown-order`,
/// `pending-unsubscription`, `not-negotiated` (`detail`: the order's refund rule), `no-supervision`, `refund-range`,
/// or `rule` (`detail`: the store's statement of any other).
#[derive(Debug, Clone, Serialize, TS)]
pub struct PasteProblem {
    /// The row as pasted: the first line is 1.
    pub row: u32,
    pub field: Option<String>,
    pub code: String,
    pub value: Option<String>,
    pub detail: Option<String>,
}

/// One pasted row: its cells by field (as read: Beijing times, amounts to the fen, codes), and its problems.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PasteRow {
    pub row: u32,
    pub values: Vec<String>,
    pub problems: Vec<PasteProblem>,
}

/// A paste read and checked (a preview), or recorded: `recorded` and `ids` say what was kept.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PasteReport {
    pub kind: PasteKind,
    /// Whether the first row was a header.
    pub header: bool,
    /// The fields of the kind, in the order of each row's `values`.
    pub fields: Vec<String>,
    pub rows: Vec<PasteRow>,
    pub valid: u32,
    pub invalid: u32,
    pub recorded: u32,
    pub ids: Vec<String>,
}

/// Orders to look up through the open API's `order/query` (订单号 or the MOCK… debug IDs).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct OrderLookup {
    pub order_ids: Vec<String>,
    /// The access type of orders the store does not know yet (`order/query` does not say it), e.g. `saas`.
    #[serde(default)]
    pub access_type: Option<String>,
}

/// One order looked up and stored.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LookedUpOrder {
    pub order_id: String,
    #[ts(type = "string")]
    pub amount: koodesk_domain::money::Cny,
    pub lines: u32,
    /// Where the store's record is from now: `lookup`, or the feed's source when a feed brought the order.
    pub source: koodesk_store::import::OrderSource,
    pub changed: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct FailedLookup {
    pub order_id: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct LookupResult {
    pub looked_up: Vec<LookedUpOrder>,
    pub failed: Vec<FailedLookup>,
    /// Why the lookup stopped before the last order (the orders not asked are in `failed`).
    pub stopped: Option<String>,
}

/// A License 2.0 code to activate for an order waiting at 授权码激活 [KG §3, §8].
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LicenseActivate {
    pub order_id: String,
    /// The 授权码 the buyer received, at most 64 characters.
    pub code: String,
    /// When the license takes effect (RFC 3339, or a Beijing date-time without offset); now when left out. Not
    /// earlier than the order.
    #[serde(default)]
    pub effective_at: Option<String>,
}

/// A License 2.0 code to look at (`license/heartbeat`).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LicenseQuery {
    pub code: String,
}

/// A License 2.0 code's state as KooGallery reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum LicenseStatus {
    Alive,
    Expired,
    Released,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct LicenseState {
    pub code: String,
    pub status: LicenseStatus,
    /// KooGallery's estimate (RFC 3339, Beijing time).
    pub expire_at: Option<String>,
    pub order_id: Option<String>,
    pub product_id: Option<String>,
    /// Yuan.
    pub amount: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct LicenseActivated {
    pub state: LicenseState,
    /// Whether the next step (上传交付凭证) was recorded here: with files only or on a gateway, where no feed
    /// brings supervision. In the sandbox the marketplace's own record arrives by sync instead.
    pub step_recorded: bool,
}

/// Where the interface key of a check comes from. The key itself never crosses the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeySource {
    /// `sample` (the demo workspace's sample interface) or `keyring` (the account's interface-key).
    pub id: String,
    /// For `keyring`: the keyring account.
    pub account: String,
    /// Whether a key is there to use.
    pub available: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InterfaceOverview {
    /// The embedded sample production interface (demo workspace only).
    pub sample_url: Option<String>,
    pub key_sources: Vec<KeySource>,
    /// Built-in suites: all, period, per-call.
    pub built_in: Vec<String>,
    pub suites: Vec<SavedSuite>,
    pub runs: Vec<RunSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InterfaceRunArgs {
    /// Chosen by the caller; `interface_run_progress` with it answers the steps done so far.
    pub token: String,
    pub url: String,
    /// `sample` or `keyring`.
    pub key_source: String,
    /// A built-in suite (all, period, per-call), or a saved suite's name when `saved`.
    pub suite: String,
    #[serde(default)]
    pub saved: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InterfaceRunResult {
    /// The run's id in the history.
    pub id: i64,
    pub report: Report,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RunToken {
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RunProgress {
    pub steps: Vec<StepReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RunId {
    pub id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SuiteName {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InterfaceSuites {
    pub suites: Vec<SavedSuite>,
}

/// A saved-cases export (`koodesk-interface-cases/1`) as text.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CasesText {
    pub json: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_read_off_the_wire_is_a_secret_its_debug_never_shows() {
        let a: CredentialSave =
            serde_json::from_value(serde_json::json!({"name": "feed-token", "value": "kdf_wire_secret_42"}))
                .expect("parses");
        assert_eq!(a.value.expose(), "kdf_wire_secret_42");
        let debug = format!("{a:?}");
        assert!(!debug.contains("kdf_wire_secret_42"), "{debug}");
        assert!(debug.contains("feed-token"));
    }
}
