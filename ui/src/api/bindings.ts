// Generated from crates/app/src/api.rs and crates/store/src/browse.rs by `cargo test -p koodesk-app --test bindings`
// with UPDATE_BINDINGS=1. Do not edit.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type ApiError = { 
/**
 * `invalid` (bad argument), `not-found`, `unknown-command`, `keyring` (no OS keyring), `store`, `sync`,
 * `stale` (an action taken on a screen older than the stored row: reload and look again).
 */
code: string, message: string, };

export type NoArgs = Record<symbol, never>;

export type EndpointMode = "sandbox" | "gateway" | "files";

export type Settings = { mode: EndpointMode, 
/**
 * Where the production hosts are: `cn` (Chinese mainland) or `intl`.
 */
region: string, 
/**
 * The gateway's seller feed, its base URL (gateway mode).
 */
feed_url: string, 
/**
 * The keyring account the credentials are stored under.
 */
account: string, 
/**
 * Seconds between background syncs; 0 turns background sync off.
 */
sync_interval_secs: number, 
/**
 * `zh-CN` or `en-US`.
 */
language: string, 
/**
 * `light` or `dark`.
 */
theme: string, 
/**
 * Who records entries on this desk (shown beside what they recorded); the OS user name if left empty.
 */
operator: string, };

export type CredentialState = { name: string, stored: boolean, };

export type SettingsView = { settings: Settings, credentials: Array<CredentialState>, 
/**
 * `None` when the OS keyring answers; otherwise why it cannot be used (credentials then cannot be saved).
 */
keyring_problem: string | null, 
/**
 * Production hosts for the region (open API, OAuth).
 */
hosts: Array<string>, 
/**
 * KooDesk's version: the workspace's one version, as `koodesk --version` and the gateway's `/healthz` give it.
 */
version: string, };

export type CredentialSave = { 
/**
 * `access-key`, `secret-key`, `client-secret` or `feed-token`.
 */
name: string, 
/**
 * Typed as a secret from the moment it is read off the IPC or HTTP body: its Debug shows no value, and it is
 * zeroized when dropped.
 */
value: string, };

export type CredentialName = { name: string, };

export type Status = { mode: EndpointMode, endpoint: string, 
/**
 * The last sync could not reach the marketplace: working offline.
 */
offline: boolean, syncing: boolean, last_sync_at: string | null, last_error: string | null, 
/**
 * Sync failures in a row.
 */
failures_in_a_row: number, 
/**
 * Targets with an action waiting in the outbox.
 */
outbox_pending: number, 
/**
 * Targets whose action KooGallery accepted and its feed does not show yet ("sent, waiting for KooGallery").
 */
outbox_awaiting_echo: number, 
/**
 * Actions the marketplace refused, kept with the reason until the seller dismisses them.
 */
outbox_refused: Array<RefusedView>, 
/**
 * Outbox rows this build cannot read: named, left untouched, never sent.
 */
outbox_damaged: Array<string>, 
/**
 * Items overdue or due within 24 hours: the tray's badge.
 */
urgent: number, 
/**
 * The three most urgent items, for the tray menu.
 */
top: Array<TopItem>, sandbox_online: boolean | null, };

export type ActionKind = "supervision" | "delivery" | "unsubscription-decision" | "invoice-issued";

export type PendingSync = "queued" | "awaiting-echo";

export type ActionRef = { action_id: string, };

export type RefusedView = { action_id: string, kind: ActionKind, target: string, reason: string, };

export type TopItem = { item: InboxItem, route: string, };

export type Group = "supervision" | "unsubscriptions" | "invoices" | "reviews" | "upcoming";

export type InboxAction = "confirm-requirements" | "activate-code" | "upload-proof" | "deliver" | "appeal" | "review-unsubscription" | "issue-invoice" | "await-review" | "auto-accept" | "expect-payment" | "settlement";

export type ConsolePath = "supervision" | "supervision-detail" | "unsubscriptions" | "invoices" | "settlement" | "merchant-info";

export type InvoiceBlock = "unsubscription-in-review" | "issued-by-huawei";

export type Issuer = "merchant" | "huawei";

export type InboxFacts = { "kind": "step", step: Step, product_type: ProductType, rejections: number, step_started_at: string, } | { "kind": "stalled", step: Step, step_started_at: string, } | { "kind": "auto-accept", parcel_signed_at: string, } | { "kind": "unsubscription", refund: string, paid: string, reason: string, review_due: string, requested_at: string, } | { "kind": "invoice", invoice_kind: InvoiceKind, medium: Medium, amount: string, courier_payer: CourierPayer, issuer: Issuer, blocked: InvoiceBlock | null, requested_at: string, } | { "kind": "review", subject: ReviewSubject, field: MerchantField | null, product_id: string | null, note: string, review_due: string | null, calendar: CalendarBasis, submitted_at: string, } | { "kind": "bill", period: string, payment_by: string, merchant_share: string, status: string, } | { "kind": "month", month: string, orders: number, amount: string, bill_date: string, payment_by: string, };

export type InboxItem = { group: Group, action: InboxAction, 
/**
 * The parameters of the item's words.
 */
facts: InboxFacts, order_id: string | null, 
/**
 * The entity acted on: order ID, unsubscription ID, invoice request ID or bill ID.
 */
ref_id: string, due_at: string | null, overdue: boolean, 
/**
 * Where on the Seller Console; none where the guide names no page (listing reviews answer by e-mail and SMS).
 */
console_path: ConsolePath | null, 
/**
 * Seconds until due (negative: overdue).
 */
seconds_left: number | null, 
/**
 * The seller already acted: the action waits in the outbox, or was sent and KooGallery's feed does not show
 * it yet.
 */
pending_sync: PendingSync | null, };

export type Inbox = { now: string, 
/**
 * Items that need an action, and of those, the overdue ones.
 */
actionable: number, overdue: number, items: Array<InboxItem>, };

export type Bucket = { key: string, orders: number, revenue: string, };

export type StepCount = { step: string, side: string | null, flows: number, };

export type StatusAmount = { status: string, count: number, amount: string, };

export type InvoiceCounts = { requested: number, issued: number, overdue: number, };

export type TaxAtRate = { rate: string, gross: string, net: string, tax: string, };

export type Dashboard = { now: string, orders: number, revenue: string, by_month: Array<Bucket>, by_access_type: Array<Bucket>, by_billing_mode: Array<Bucket>, supervision: Array<StepCount>, unsubscriptions: Array<StatusAmount>, invoices: InvoiceCounts, tax_by_rate: Array<TaxAtRate>, };

export type Overview = { inbox: Inbox, dashboard: Dashboard, status: Status, };

export type OrderFilter = { access_type: string | null, billing_mode: string | null, status: string | null, 
/**
 * A buyer ID, or the start of a buyer's name.
 */
buyer: string | null, 
/**
 * Business dates (Beijing), inclusive.
 */
from: string | null, to: string | null, 
/**
 * The start of an order ID.
 */
order_id: string | null, };

export type AccessType = "saas" | "license" | "image" | "hardware" | "api" | "ai-asset" | "data-asset" | "manual-service" | "app-orchestration";

export type BillingMode = "period" | "one-time" | "on-demand" | "on-demand-package" | "per-call" | "per-call-package" | "per-quantity";

export type TaxProduct = "software" | "hardware" | "service";

export type OrderType = "new" | "renew" | "change" | "unsubscribe" | "trial" | "trial-to-formal";

export type OrderState = "in-progress" | "completed" | "refunded";

export type OrderRow = { order_id: string, created_at: string, order_type: OrderType, product_id: string, product_name: string, access_type: AccessType, billing_mode: BillingMode, buyer_id: string, buyer_name: string, amount: string, status: OrderState, };

export type OrderPage = { 
/**
 * Matching orders, counted up to [`COUNT_CAP`].
 */
total: number, total_is_capped: boolean, offset: number, rows: Array<OrderRow>, };

export type OrdersArgs = { filter: OrderFilter, offset: number, limit: number, };

export type OrderId = { order_id: string, };

export type OrderLineRow = { order_line_id: string, product_id: string, amount: string, };

export type CallOutcome = "documented" | "undocumented" | "no-reply";

export type TimelineEvent = { "kind": "order", order_type: OrderType, status: OrderState, amount: string, } | { "kind": "supervision", from_step: string, to_step: string, action: string, actor: string, note: string | null, } | { "kind": "unsubscription", id: string, status: UnsubscriptionStatus, refund: string, paid: string, reason: string, } | { "kind": "invoice-request", id: string, status: InvoiceRequestStatus, invoice_kind: string, medium: string, amount: string, due_at: string, } | { "kind": "outbox", action: string, action_id: string, status: string, error: string | null, } | { "kind": "interface", activity: string, attempt: number, result_code: string | null, outcome: CallOutcome, detail: string | null, elapsed_ms: number, };

export type TimelineEntry = { at: string, } & ({ "kind": "order", order_type: OrderType, status: OrderState, amount: string, } | { "kind": "supervision", from_step: string, to_step: string, action: string, actor: string, note: string | null, } | { "kind": "unsubscription", id: string, status: UnsubscriptionStatus, refund: string, paid: string, reason: string, } | { "kind": "invoice-request", id: string, status: InvoiceRequestStatus, invoice_kind: string, medium: string, amount: string, due_at: string, } | { "kind": "outbox", action: string, action_id: string, status: string, error: string | null, } | { "kind": "interface", activity: string, attempt: number, result_code: string | null, outcome: CallOutcome, detail: string | null, elapsed_ms: number, });

export type OrderTax = { tax_product: TaxProduct, rate: string, gross: string, net: string, tax: string, };

export type ImportedBill = { 
/**
 * The store's key: the bill ID, or the period when the file had no bill ID.
 */
bill_key: string, bill_id: string | null, 
/**
 * `YYYY-MM`.
 */
period: string, amount: string, platform_fee: string | null, merchant_share: string | null, 
/**
 * The bill's state as the console wrote it.
 */
status: string | null, line_count: number, 
/**
 * The sum of the imported lines' amounts (0.00 without lines).
 */
lines_amount: string, 
/**
 * When the row was last imported (RFC 3339, Beijing).
 */
imported_at: string, };

export type ImportedBillLine = { period: string, order_id: string, 
/**
 * `''` when the file had no 订单项ID.
 */
order_line_id: string, bill_id: string | null, product_name: string | null, amount: string, platform_fee: string | null, merchant_share: string | null, };

export type ImportedTransaction = { order_id: string, 
/**
 * `''` when the file had no 订单项ID.
 */
order_line_id: string, product_name: string | null, buyer_account: string | null, 
/**
 * RFC 3339, Beijing.
 */
created_at: string | null, amount: string, 
/**
 * `YYYY-MM`.
 */
period: string | null, 
/**
 * 出账状态 as stored: `billed` or `waiting`.
 */
bill_status: string | null, 
/**
 * 服务监管状态 as the console wrote it.
 */
supervision_status: string | null, 
/**
 * 客户还款状态 as the console wrote it.
 */
repayment_status: string | null, };

export type TransactionFilter = { 
/**
 * `YYYY-MM`.
 */
period: string | null, 
/**
 * `billed` or `waiting`.
 */
bill_status: string | null, };

export type TransactionPage = { rows: Array<ImportedTransaction>, 
/**
 * Transactions matching the filter (the page may hold fewer).
 */
total: number, 
/**
 * Their amounts added up.
 */
amount: string, 
/**
 * Every period the imported transactions name, newest first (for the filter).
 */
periods: Array<string>, };

export type SettlementImportsArgs = { filter: TransactionFilter, offset: number, limit: number, };

export type SettlementImports = { bills: Array<ImportedBill>, transactions: TransactionPage, };

export type BillKey = { bill_key: string, };

export type ImportedBillLines = { lines: Array<ImportedBillLine>, };

export type LineStanding = "clear" | "near" | "at-the-line" | "over";

export type ReplyTimes = { slow_ms: number, timeout_ms: number, slow: number, timed_out: number, slowest_ms: number | null, };

export type DialTestResult = { at: string, activity: string, result_code: string, 
/**
 * `000000`, or `000004` (KooGallery then polls) [KG §7].
 */
passed: boolean, };

export type RefusedCalls = { reason: string, calls: number, };

export type ProductReadiness = { product_id: string, name: string, failed_orders: number, standing: LineStanding, failures_left: number, 
/**
 * On the listing checklist.
 */
on_checklist: boolean, };

export type PendingDetails = { order_id: string, order_line_id: string, instance_id: string | null, 
/**
 * RFC 3339, Beijing.
 */
first_call_at: string, attempts: number, last_error: string | null, };

export type InterfaceHealthView = { 
/**
 * When the console last had the view from the feed's server (RFC 3339, Beijing).
 */
fetched_at: string, 
/**
 * The month counted, `YYYY-MM`; an earlier month than now's when no sync has brought this month's yet.
 */
period: string, current: boolean, calls: number, failed_orders: number, delisting_line: number, standing: LineStanding, 
/**
 * Orders that may still fail this month before the product is delisted.
 */
failures_left: number, replies: ReplyTimes, last_dial_test: DialTestResult | null, refused_total: number, refused: Array<RefusedCalls>, 
/**
 * Failed orders whose product is not known yet (their details are awaited).
 */
unattributed_failures: number, 
/**
 * Each SaaS product the seller sells or has on the listing checklist.
 */
products: Array<ProductReadiness>, enrichment_configured: boolean, enrichment_backlog: number, pending: Array<PendingDetails>, };

export type InterfaceHealthState = { view: InterfaceHealthView | null, };

export type ImageCharges = { image_fee: string, 
/**
 * `None` when the order came from a file or a lookup that does not carry it.
 */
cloud_server_fee: string | null, 
/**
 * What the buyer paid in all: the image fee and the server fee, when the server fee is known.
 */
buyer_paid: string | null, 
/**
 * The enterprise project the buyer's server is in (enterprise accounts only).
 */
enterprise_project: string | null, };

export type Recorded = { by: string, 
/**
 * RFC 3339, Beijing.
 */
at: string | null, };

export type FlowRow = { order_id: string, product_type: string, step: string, side: string | null, step_started_at: string, rejections: number, 
/**
 * Rejections left before the user may appeal on the count alone ([`MAX_REJECTIONS`] allowed).
 */
rejections_left: number, frozen_by: string | null, 
/**
 * When the merchant may appeal a stalled user-side step; when the user may appeal a stalled merchant step.
 */
merchant_may_appeal_at: string | null, user_may_appeal_at: string | null, 
/**
 * Seconds from now to the clock that matters for this side (negative: already open).
 */
seconds_to_appeal: number | null, 
/**
 * An action of the seller's on it not yet seen in KooGallery's feed: queued, or sent and awaiting echo.
 */
pending_sync: PendingSync | null, recorded: Recorded | null, 
/**
 * The flow's change sequence as stored: an action taken on this row carries it back, and is refused locally
 * when the flow has changed since (`StoreError::Stale`).
 */
seq: number, };

export type OrderDetail = { order: OrderRow, buyer_kind: string, lines: Array<OrderLineRow>, flow: FlowRow | null, timeline: Array<TimelineEntry>, 
/**
 * `None` when the product's access type and billing mode have no tax mapping (the reason is in `tax_note`).
 */
tax: OrderTax | null, tax_note: string | null, 
/**
 * An image product's order: its two charges and its cloud server [KG §9]; `None` for other access types.
 */
image: ImageCharges | null, };

export type FlowsArgs = { step: string | null, side: string | null, 
/**
 * The page: rows to skip and at most how many (2,000 when absent).
 */
offset?: number, limit?: number, };

export type Flows = { 
/**
 * The page asked for, soonest clock first.
 */
flows: Array<FlowRow>, 
/**
 * Open flows matching the filter, in all.
 */
total: number, 
/**
 * Open flows per step and side.
 */
by_step: Array<StepSide>, };

export type StepSide = { step: string, side: string | null, flows: number, };

export type SupervisionAct = { order_id: string, 
/**
 * `confirm`, `reject`, `activate`, `appeal` or `upload-proof`.
 */
action: string, reason: string, 
/**
 * For `upload-proof`: the file's name and its content, base64.
 */
file_name: string | null, content_base64: string | null, 
/**
 * The flow's `seq` on the screen the seller acted from; refused (`stale`) when the flow has changed since.
 * Absent: no screen (a script).
 */
seq: number | null, };

export type Queued = { action_id: string, 
/**
 * Whether the action reached the marketplace already (an immediate push when online).
 */
sent: boolean, 
/**
 * Where it stands now: queued, sent and awaiting the feed's echo, or (none) done — echoed or refused.
 */
pending_sync: PendingSync | null, 
/**
 * Why KooGallery refused it, when it did.
 */
refused: string | null, message: string, };

export type StatusFilter = { status: string | null, };

export type StatusPage = { status: string | null, offset?: number, limit?: number, };

export type RefundRule = "negotiated" | "five-day-full" | "not-refundable";

export type UnsubscriptionStatus = "pending" | "approved" | "rejected" | "refunded";

export type InvoiceRequestStatus = "requested" | "issued";

export type UnsubscriptionRow = { id: string, order_id: string, rule: RefundRule, requested_at: string, refund: string, paid: string, reason: string, status: UnsubscriptionStatus, 
/**
 * Where the buyer made the request (the product's refund policy) [KG §4].
 */
place: string, review_due: string | null, decision_reason: string | null, 
/**
 * An action of the seller's on it not yet seen in KooGallery's feed: queued, or sent and awaiting echo.
 */
pending_sync: PendingSync | null, recorded: Recorded | null, 
/**
 * The request's change sequence as stored: a decision taken on this row carries it back.
 */
seq: number, };

export type MonthAmount = { month: string, count: number, amount: string, };

export type Unsubscriptions = { 
/**
 * The page asked for: pending first, then newest.
 */
requests: Array<UnsubscriptionRow>, 
/**
 * Requests matching the filter, in all; the page starts at `offset`.
 */
total: number, offset: number, refunded_by_month: Array<MonthAmount>, };

export type UnsubscriptionDecide = { id: string, approve: boolean, reason: string, 
/**
 * The request's `seq` on the screen the seller decided from; refused (`stale`) when it has changed since.
 */
seq: number | null, };

export type InvoiceRequestRow = { id: string, requested_at: string, due_at: string, seconds_left: number, kind: string, medium: string, 
/**
 * The buyer's name on the invoice (抬头); none when the store's copy is damaged (sync it again).
 */
title: string | null, amount: string, status: InvoiceRequestStatus, invoice_number: string | null, order_ids: Array<string>, 
/**
 * An action of the seller's on it not yet seen in KooGallery's feed: queued, or sent and awaiting echo.
 */
pending_sync: PendingSync | null, recorded: Recorded | null, 
/**
 * The request's change sequence as stored: issuing from this row carries it back.
 */
seq: number, };

export type InvoiceRequests = { 
/**
 * The page asked for: open ones first (soonest due), then the newest issued.
 */
requests: Array<InvoiceRequestRow>, 
/**
 * Requests matching the filter, in all; the page starts at `offset`.
 */
total: number, offset: number, };

export type BillRow = { bill_id: string, period: string, bill_date: string, send_by: string, sign_off_by: string, payment_by: string, order_count: number, amount: string, platform_fee: string, merchant_share: string, status: string, };

export type Settlement = { bills: Array<BillRow>, 
/**
 * This month's schedule from the working-day calendar [KG §6].
 */
month: string, bill_date: string, send_by: string, sign_off_by: string, payment_by: string, 
/**
 * The platform fee rate, e.g. `0.05`.
 */
fee_rate: string, 
/**
 * Whether the calendar had the year's data (otherwise weekends only were skipped).
 */
calendar_exact: boolean, };

export type SyncResult = { ok: boolean, pages: number, items: number, actions_sent: number, actions_refused: number, 
/**
 * Actions left queued untried because the host was found unreachable.
 */
actions_untried: number, offline: boolean, message: string, };

export type SandboxNetwork = { online: boolean, };

export type SandboxState = { 
/**
 * `None` when the console is not on the embedded sandbox.
 */
sandbox_online: boolean | null, };

export type Notice = { key: string, about: NoticeAbout, 
/**
 * The UI route that opens the item.
 */
route: string, };

export type NoticeAbout = { "code": "sync-failing", failures_in_a_row: number, last_error: string | null, } | { "code": "delisting-line", standing: LineStanding, period: string, failed_orders: number, delisting_line: number, } | { "code": "dial-test-failed", at: string, activity: string, result_code: string, } | { "code": "invoice-due", item: InboxItem, } | { "code": "appeal-window", item: InboxItem, } | { "code": "unsubscription-to-review", item: InboxItem, } | { "code": "review-overdue", item: InboxItem, };

export type LanguageChoice = { 
/**
 * `zh-CN` or `en-US`.
 */
language: string, };

export type Notices = { notices: Array<Notice>, };

export type NoticeShown = { key: string, route: string, };

export type InvoiceKind = "ordinary" | "special";

export type Medium = "fully-digital" | "electronic" | "paper";

export type CourierPayer = "customer" | "merchant" | "none";

export type DraftBuyer = { title: string, taxpayer_id: string | null, address: string | null, bank: string | null, };

export type DraftLine = { order_id: string, order_line_id: string, 
/**
 * 项目名称 as printed: `*信息技术服务*Product name`.
 */
item: string, tax_code: string, quantity: string, amount_net: string, tax: string, amount_gross: string, };

export type Draft = { request_id: string, kind: InvoiceKind, medium: Medium, rate: string, buyer: DraftBuyer, lines: Array<DraftLine>, total_net: string, 
/**
 * 合计税额: the sum of the line taxes (see the module's rounding note).
 */
total_tax: string, 
/**
 * 价税合计.
 */
total_gross: string, 
/**
 * 价税合计 in capitals (大写).
 */
total_gross_words: string, 
/**
 * Tax computed once on `total_gross`, for comparison; the invoice shows `total_tax`.
 */
tax_on_total: string, courier_payer: CourierPayer, 
/**
 * Request time + 7 × 24 h [KG §2].
 */
due_at: string, 
/**
 * 备注: the order IDs.
 */
remarks: string, };

export type InvoiceRecord = { id: string, request_id: string | null, 
/**
 * Set when drafted from orders the seller chose rather than from a request.
 */
batch_id: string | null, 
/**
 * `draft` or `issued`.
 */
state: string, number: string | null, issued_at: string | null, issued_by: string | null, red_of: string | null, red_reason: string | null, red_lapses_at: string | null, draft: Draft, };

export type RequestId = { request_id: string, };

export type InvoiceList = { invoices: Array<InvoiceRecord>, };

export type InvoiceIssue = { id: string, 
/**
 * Who issues (开票人).
 */
by: string, 
/**
 * The number the tax system gave, for a draft issued there; numbered here when absent.
 */
number: string | null, 
/**
 * The invoice request's `seq` on the screen the draft was opened from; refused (`stale`) when the request has
 * changed since. Absent for invoices drafted from chosen orders (no request).
 */
request_seq: number | null, };

export type InvoiceIssued = { invoice: InvoiceRecord, 
/**
 * Whether KooGallery has heard of it yet (or it waits in the outbox).
 */
sent: boolean, message: string, };

export type InvoiceRedLetter = { id: string, 
/**
 * invoicing-error, goods-returned, service-terminated or sales-allowance.
 */
reason: string, };

export type InvoiceBuyerEdit = { id: string, title: string, taxpayer_id: string | null, address: string | null, bank: string | null, };

export type InvoiceExport = { 
/**
 * csv, xlsx or json.
 */
format: string, 
/**
 * draft or issued; every invoice when absent.
 */
state: string | null, };

export type InvoiceId = { id: string, };

export type ExportFile = { file_name: string, mime: string, content_base64: string, 
/**
 * Invoices in it.
 */
invoices: number, };

export type BuyerListFile = { file_name: string, content_base64: string, };

export type BuyersImported = { imported: number, };

export type BuyerQuery = { query: string, };

export type InvoiceBuyer = { buyer_id: string, name: string, 
/**
 * `person` or `enterprise`.
 */
kind: string, taxpayer_id: string | null, orders: number, };

export type InvoiceBuyers = { buyers: Array<InvoiceBuyer>, };

export type BuyerRef = { buyer_id: string, };

export type OrderToInvoice = { order_id: string, created_at: string, product_name: string, amount: string, 
/**
 * The VAT rates of its lines, e.g. `["0.06"]`.
 */
rates: Array<string>, status: string, blocked: string | null, };

export type OrdersToInvoice = { orders: Array<OrderToInvoice>, };

export type OrderChoice = { 
/**
 * The batch to redraft; none for a new batch.
 */
batch_id: string | null, order_ids: Array<string>, 
/**
 * `ordinary` (普票) or `special` (专票).
 */
kind: string, 
/**
 * `fully-digital`, `electronic` or `paper`.
 */
medium: string, };

export type InvoicePreview = { drafts: Array<Draft>, };

export type BatchId = { batch_id: string, };

export type Check = "https" | "reachable" | "timely" | "status-line" | "content-type" | "json" | "reply-fields" | "result-code-known" | "body-sign-present" | "body-sign-valid" | "step-result" | "idempotent" | "app-info" | "encrypted-fields" | "release-twice" | "unknown-instance" | "bad-signature" | "stale-timestamp" | "replayed-nonce" | "invalid-parameter" | "case-expectation";

export type Verdict = "passed" | "failed" | "skipped";

export type Exchange = { activity: string, 
/**
 * The URL with its `signature`, `timestamp` and `nonce` (none of which reveals the key).
 */
url: string, request_body: string, 
/**
 * `HTTP/1.1` etc.; `None` when nothing came back.
 */
http_version: string | null, status: number | null, content_type: string | null, body_sign: string | null, 
/**
 * At most 64 KiB of the reply body.
 */
reply_body: string | null, elapsed_ms: number, 
/**
 * Why nothing (or nothing whole) came back.
 */
error: string | null, };

export type Outcome = { check: Check, 
/**
 * [`Check::id`], for readers of the JSON.
 */
id: string, verdict: Verdict, 
/**
 * What was seen; for a failure, what was wrong.
 */
detail: string, 
/**
 * The rule from the documentation.
 */
rule: string, 
/**
 * Index into the step's exchanges of the one this outcome is about.
 */
exchange: number | null, };

export type StepReport = { index: number, name: string, exchanges: Array<Exchange>, outcomes: Array<Outcome>, elapsed_ms: number, };

export type Report = { url: string, suite: string, 
/**
 * RFC 3339, UTC.
 */
started_at: string, elapsed_ms: number, warnings: Array<string>, steps: Array<StepReport>, passed: number, failed: number, skipped: number, };

export type Expectation = { 
/**
 * Accepted result codes; empty means 000000.
 */
result_codes: Array<string>, 
/**
 * JSON pointers (e.g. `/info/0/appInfo/frontEndUrl`) that must be present and not null.
 */
present: Array<string>, 
/**
 * For queryInstance: poll while the reply is 000004, as KooGallery does.
 */
poll: boolean, };

export type SavedCase = { name: string, request: JsonValue, expect: Expectation, };

export type SavedSuite = { name: string, cases: Array<SavedCase>, };

export type CaseFieldKind = "text" | "ids" | "time" | "choice" | "integer" | "flag";

export type CaseField = { 
/**
 * The documented name; dotted for a field of a nested object (`productInfo.skuCode`).
 */
name: string, 
/**
 * Most characters the value may have (for `ids`, each ID).
 */
max_chars: number, mandatory: boolean, kind: CaseFieldKind, 
/**
 * For `choice`: the documented values.
 */
choices: Array<string>, 
/**
 * The placeholder filled in per run for this field, when there is one (`instanceId` for `${instanceId}`).
 */
placeholder: string | null, };

export type CaseActivity = { activity: string, fields: Array<CaseField>, };

export type CaseForm = { activities: Array<CaseActivity>, 
/**
 * Placeholder names (`orderId` stands for `${orderId}`).
 */
placeholders: Array<string>, 
/**
 * The documented result codes an expectation may accept.
 */
result_codes: Array<string>, 
/**
 * Most instance IDs one queryInstance may ask for.
 */
max_ids: number, 
/**
 * Most characters of a case's or a suite's name.
 */
name_max: number, };

export type RunSummary = { id: number, started_at: string, url: string, suite: string, passed: number, failed: number, skipped: number, elapsed_ms: number, };

export type KeySource = { 
/**
 * `sample` (the demo workspace's sample interface) or `keyring` (the account's interface-key).
 */
id: string, 
/**
 * For `keyring`: the keyring account.
 */
account: string, 
/**
 * Whether a key is there to use.
 */
available: boolean, };

export type InterfaceOverview = { 
/**
 * The embedded sample production interface (demo workspace only).
 */
sample_url: string | null, key_sources: Array<KeySource>, 
/**
 * Built-in suites: all, period, per-call.
 */
built_in: Array<string>, suites: Array<SavedSuite>, runs: Array<RunSummary>, };

export type InterfaceRunArgs = { 
/**
 * Chosen by the caller; `interface_run_progress` with it answers the steps done so far.
 */
token: string, url: string, 
/**
 * `sample` or `keyring`.
 */
key_source: string, 
/**
 * A built-in suite (all, period, per-call), or a saved suite's name when `saved`.
 */
suite: string, saved: boolean, };

export type InterfaceRunResult = { 
/**
 * The run's id in the history.
 */
id: number, report: Report, };

export type RunToken = { token: string, };

export type RunProgress = { steps: Array<StepReport>, };

export type RunId = { id: number, };

export type SuiteName = { name: string, };

export type InterfaceSuites = { suites: Array<SavedSuite>, };

export type CasesText = { json: string, };

export type ExportKind = "orders" | "transactions" | "bills" | "bill-lines";

export type ProductType = "manual-service" | "hardware" | "license2" | "license1" | "license-offline" | "software-package" | "app-orchestration" | "data-file";

export type Step = "submit-requirements" | "confirm-requirements" | "implement" | "confirm-code" | "activate-code" | "upload-proof" | "submit-code" | "accept" | "re-review" | "completed";

export type ImportFile = { kind: ExportKind, file_name: string, content_base64: string, 
/**
 * `HEADER=field,…` for headers KooDesk does not recognise; the one confirmed last for this kind if left out.
 */
map: string | null, 
/**
 * `field=value,…` for every row, when the file has no such column.
 */
set: string | null, sheet: string | null, 
/**
 * Import the valid rows of a file with invalid ones; without it such a file imports nothing.
 */
skip_invalid: boolean, };

export type ImportColumn = { header: string, field: string | null, };

export type ImportProblem = { row: number, column: string | null, message: string, };

export type ImportSkip = { row: number, reason: string, };

export type ImportPreview = { kind: ExportKind, header_row: number, columns: Array<ImportColumn>, first_rows: Array<Array<string>>, rows: number, skipped: Array<ImportSkip>, errors: Array<ImportProblem>, imported: number, updated: number, unchanged: number, 
/**
 * The mapping used: the one given, or the one remembered for this kind.
 */
mapping: string | null, 
/**
 * The fields a column of this kind of export can be read as, for the column picker.
 */
fields: Array<string>, 
/**
 * Why the file cannot be imported as it is mapped (its header row lacks a column every row needs, or the
 * mapping names a header it does not have): `columns` then lists its headers, to map one and preview again.
 */
problem: string | null, };

export type ImportSummary = { kind: ExportKind, rows: number, imported: number, updated: number, unchanged: number, skipped: number, errors: Array<ImportProblem>, };

export type StepTrack = { order_id: string, product_type: ProductType, step: Step, 
/**
 * When the step began (RFC 3339, or a Beijing date-time without offset).
 */
since: string, rejections: number, note: string, };

export type UnsubscriptionTrack = { order_id: string, requested_at: string, 
/**
 * Yuan, e.g. `120.00`.
 */
refund: string, reason: string, };

export type InvoiceRequestTrack = { order_ids: Array<string>, requested_at: string, kind: InvoiceKind, medium: Medium, 
/**
 * `enterprise` or `person`.
 */
title_kind: string, title_name: string, taxpayer_id: string | null, address: string | null, bank_account: string | null, };

export type Tracked = { id: string, };

export type PasteKind = "unsubscription" | "invoice-request" | "step";

export type TrackPaste = { kind: PasteKind, text: string, 
/**
 * Record the valid rows of a paste with invalid ones; without it such a paste records nothing.
 */
skip_invalid: boolean, };

export type PasteProblem = { 
/**
 * The row as pasted: the first line is 1.
 */
row: number, field: string | null, code: string, value: string | null, detail: string | null, };

export type PasteRow = { row: number, values: Array<string>, problems: Array<PasteProblem>, };

export type PasteReport = { kind: PasteKind, 
/**
 * Whether the first row was a header.
 */
header: boolean, 
/**
 * The fields of the kind, in the order of each row's `values`.
 */
fields: Array<string>, rows: Array<PasteRow>, valid: number, invalid: number, recorded: number, ids: Array<string>, };

export type OrderSource = "sandbox" | "gateway" | "import" | "lookup";

export type OrderLookup = { order_ids: Array<string>, 
/**
 * The access type of orders the store does not know yet (`order/query` does not say it), e.g. `saas`.
 */
access_type: string | null, };

export type LookedUpOrder = { order_id: string, amount: string, lines: number, 
/**
 * Where the store's record is from now: `lookup`, or the feed's source when a feed brought the order.
 */
source: OrderSource, changed: boolean, };

export type FailedLookup = { order_id: string, message: string, };

export type LookupResult = { looked_up: Array<LookedUpOrder>, failed: Array<FailedLookup>, 
/**
 * Why the lookup stopped before the last order (the orders not asked are in `failed`).
 */
stopped: string | null, };

export type MerchantField = "contact-mobile" | "contact-email" | "other";

export type CalendarBasis = "official" | "weekdays-only";

export type ReviewSubject = "merchant-info" | "listing" | "listing-change";

export type ReviewStatus = "effective" | "in-review" | "approved" | "rejected";

export type ConsoleReview = { id: string, subject: ReviewSubject, field: MerchantField | null, product_id: string | null, note: string, 
/**
 * RFC 3339, Beijing time.
 */
submitted_at: string, status: ReviewStatus, 
/**
 * `YYYY-MM-DD` (Beijing): the answer is due by the end of this day; none for a change effective at once.
 */
review_due: string | null, 
/**
 * Whether the due date was counted on the State Council's calendar or on weekdays only (no data that year).
 */
calendar: CalendarBasis, 
/**
 * Still in review after its due date.
 */
overdue: boolean, answer_note: string | null, answered_at: string | null, recorded_by: string, recorded_at: string, };

export type ReviewRecord = { subject: ReviewSubject, 
/**
 * The field changed (merchant-info only).
 */
field: MerchantField | null, 
/**
 * The product (listing and listing-change only).
 */
product_id: string | null, note: string, 
/**
 * When it was submitted (Beijing time when no offset is given).
 */
submitted_at: string, };

export type ReviewAnswer = { id: string, approved: boolean, 
/**
 * The reason KooGallery gave; required for a rejection.
 */
note: string, };

export type ReviewsFilter = { 
/**
 * Only those still in review.
 */
open_only: boolean, product_id?: string, };

export type ConsoleReviews = { 
/**
 * Newest first.
 */
items: Array<ConsoleReview>, };

export type LicenseActivate = { order_id: string, 
/**
 * The 授权码 the buyer received, at most 64 characters.
 */
code: string, 
/**
 * When the license takes effect (RFC 3339, or a Beijing date-time without offset); now when left out. Not
 * earlier than the order.
 */
effective_at: string | null, };

export type LicenseQuery = { code: string, };

export type LicenseStatus = "alive" | "expired" | "released";

export type LicenseState = { code: string, status: LicenseStatus, 
/**
 * KooGallery's estimate (RFC 3339, Beijing time).
 */
expire_at: string | null, order_id: string | null, product_id: string | null, 
/**
 * Yuan.
 */
amount: string | null, };

export type LicenseActivated = { state: LicenseState, 
/**
 * Whether the next step (上传交付凭证) was recorded here: with files only or on a gateway, where no feed
 * brings supervision. In the sandbox the marketplace's own record arrives by sync instead.
 */
step_recorded: boolean, };

export type ListingStep = "merchant" | "interface-ready" | "interface-debugged" | "security-scan" | "listing-submitted" | "listed";

export type StepState = "done" | "todo" | "in-review" | "rejected" | "not-applicable";

export type Lifecycle = "new" | "renew" | "expire" | "release";

export type ChecklistStep = { step: ListingStep, state: StepState, 
/**
 * When it was ticked or done (RFC 3339, Beijing), and by whom when ticked by hand.
 */
done_at: string | null, recorded_by: string | null, };

export type Checklist = { product_id: string, name: string, access_type: string, billing_mode: string, suite: string | null, steps: Array<ChecklistStep>, 
/**
 * Lifecycle calls the billing mode requires that the saved suite's cases do not make (SaaS only).
 */
missing_cases: Array<Lifecycle>, 
/**
 * The latest run of the saved suite.
 */
last_run: RunSummary | null, 
/**
 * The latest passing run of the saved suite, which ticks step 3.
 */
passing_run: RunSummary | null, 
/**
 * The latest listing review recorded for the product.
 */
review: ConsoleReview | null, };

export type ListingSave = { product_id: string, name: string, 
/**
 * An access type: saas, license, image, …
 */
access_type: string, 
/**
 * A billing mode: period, per-call, …
 */
billing_mode: string, 
/**
 * The saved interface-check suite holding its debug cases (SaaS).
 */
suite: string | null, };

export type ListingTick = { product_id: string, step: ListingStep, done: boolean, };

export type Checklists = { items: Array<Checklist>, };

export interface Commands {
  overview: { args: NoArgs; result: Overview };
  status: { args: NoArgs; result: Status };
  orders: { args: OrdersArgs; result: OrderPage };
  order_detail: { args: OrderId; result: OrderDetail };
  flows: { args: FlowsArgs; result: Flows };
  supervision_act: { args: SupervisionAct; result: Queued };
  unsubscriptions: { args: StatusPage; result: Unsubscriptions };
  unsubscription_decide: { args: UnsubscriptionDecide; result: Queued };
  invoice_requests: { args: StatusPage; result: InvoiceRequests };
  settlement: { args: NoArgs; result: Settlement };
  sync_now: { args: NoArgs; result: SyncResult };
  outbox_dismiss: { args: ActionRef; result: Status };
  settings: { args: NoArgs; result: SettingsView };
  settings_save: { args: Settings; result: SettingsView };
  credential_save: { args: CredentialSave; result: SettingsView };
  credential_delete: { args: CredentialName; result: SettingsView };
  sandbox_network: { args: SandboxNetwork; result: SandboxState };
  notifications_due: { args: NoArgs; result: Notices };
  notification_shown: { args: NoticeShown; result: NoArgs };
  language_set: { args: LanguageChoice; result: NoArgs };
  invoices_of_request: { args: RequestId; result: InvoiceList };
  invoice_draft: { args: RequestId; result: InvoiceList };
  invoice_issue: { args: InvoiceIssue; result: InvoiceIssued };
  invoice_red_letter: { args: InvoiceRedLetter; result: InvoiceList };
  invoice_edit_buyer: { args: InvoiceBuyerEdit; result: InvoiceList };
  invoice_export: { args: InvoiceExport; result: ExportFile };
  invoice_pdf: { args: InvoiceId; result: ExportFile };
  invoice_buyers_import: { args: BuyerListFile; result: BuyersImported };
  invoice_buyers: { args: BuyerQuery; result: InvoiceBuyers };
  invoice_orders_of_buyer: { args: BuyerRef; result: OrdersToInvoice };
  invoice_preview_orders: { args: OrderChoice; result: InvoicePreview };
  invoice_draft_orders: { args: OrderChoice; result: InvoiceList };
  invoices_of_batch: { args: BatchId; result: InvoiceList };
  invoice_batches: { args: NoArgs; result: InvoiceList };
  invoice_discard: { args: InvoiceId; result: InvoiceList };
  interface_overview: { args: NoArgs; result: InterfaceOverview };
  interface_run: { args: InterfaceRunArgs; result: InterfaceRunResult };
  interface_run_progress: { args: RunToken; result: RunProgress };
  interface_run_report: { args: RunId; result: Report };
  interface_suite_save: { args: SavedSuite; result: InterfaceSuites };
  interface_suite_delete: { args: SuiteName; result: InterfaceSuites };
  interface_cases_export: { args: NoArgs; result: CasesText };
  interface_cases_import: { args: CasesText; result: InterfaceSuites };
  interface_case_form: { args: NoArgs; result: CaseForm };
  import_preview: { args: ImportFile; result: ImportPreview };
  import_confirm: { args: ImportFile; result: ImportSummary };
  track_step: { args: StepTrack; result: NoArgs };
  track_unsubscription: { args: UnsubscriptionTrack; result: Tracked };
  track_invoice_request: { args: InvoiceRequestTrack; result: Tracked };
  track_paste_preview: { args: TrackPaste; result: PasteReport };
  track_paste: { args: TrackPaste; result: PasteReport };
  orders_lookup: { args: OrderLookup; result: LookupResult };
  console_review_record: { args: ReviewRecord; result: ConsoleReview };
  console_review_answer: { args: ReviewAnswer; result: ConsoleReview };
  console_reviews: { args: ReviewsFilter; result: ConsoleReviews };
  license_activate: { args: LicenseActivate; result: LicenseActivated };
  license_query: { args: LicenseQuery; result: LicenseState };
  listing_save: { args: ListingSave; result: Checklists };
  listing_tick: { args: ListingTick; result: Checklists };
  listings: { args: NoArgs; result: Checklists };
  interface_health: { args: NoArgs; result: InterfaceHealthState };
  settlement_imports: { args: SettlementImportsArgs; result: SettlementImports };
  settlement_bill_lines: { args: BillKey; result: ImportedBillLines };
}
