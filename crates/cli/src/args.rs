//! The command line: subcommands, their arguments, and the parsers that turn text into domain values.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::Medium;
use koodesk_domain::money::Cny;
use koodesk_domain::settlement::YearMonth;
use koodesk_domain::tax::Taxpayer;
use koodesk_domain::time::{self, Instant};

use crate::output::Failure;

mod bench;
mod gateway;
mod import;
mod interface;
mod invoice;
mod license;
mod lookup;
mod merchant;
mod oauth;
mod sandbox;
mod sign;
mod store;
mod track;
pub use bench::*;
pub use gateway::*;
pub use import::*;
pub use interface::*;
pub use invoice::*;
pub use license::*;
pub use lookup::*;
pub use merchant::*;
pub use oauth::*;
pub use sandbox::*;
pub use sign::*;
pub use store::*;
pub use track::*;

#[derive(Debug, Parser)]
#[command(
    name = "koodesk",
    version,
    about = "KooDesk: the KooGallery (华为云云商店) seller's console, from the terminal",
    long_about = "KooDesk: the KooGallery (华为云云商店) seller's console, from the terminal.\n\n\
        Tax rates, invoice rules, supervision clocks, refund rules, working days and settlement dates, computed\n\
        from KooGallery's published rules. Every command prints for people, or one JSON object with --json.\n\
        Dates are Beijing time; a date-time without an offset is Beijing time.",
    after_help = "Examples:\n  koodesk tax --access-type saas --billing-mode period --json\n  \
        koodesk amount-words 1004.50\n  koodesk settlement-schedule --period 2026-11"
)]
pub struct Cli {
    /// Extra holiday data (the shape of crates/domain/data/cn-holidays.json), merged over the built-in years.
    #[arg(long, global = true, value_name = "FILE")]
    pub calendar: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The tax product and VAT rate of an access type and billing mode.
    Tax(TaxArgs),
    /// An amount in Chinese capitals (大写), as invoices print it.
    AmountWords(AmountWordsArgs),
    /// Who invoices an order, when the invoice is due, and who pays the courier.
    InvoiceRules(InvoiceRulesArgs),
    /// Whether the merchant or the user may appeal a supervision step, and from when.
    AppealCheck(AppealCheckArgs),
    /// The refund rule of a product and where the buyer unsubscribes.
    RefundRule(RefundRuleArgs),
    /// Mainland-China working days (holidays and 调休 from the State Council's notices).
    WorkingDays(WorkingDaysArgs),
    /// The dates of a month's settlement: bill, sending, sign-off, payment.
    SettlementSchedule(SettlementArgs),
    /// What a merchant-information change becomes: effective at once, or reviewed within 3 working days.
    #[command(
        after_help = "Examples:\n  koodesk merchant-change --field other --submitted-at 2026-09-24T20:00:00 --json"
    )]
    MerchantChange(MerchantChangeArgs),
    /// Checks a unified social credit code (统一社会信用代码); exit status 1 when invalid.
    CreditCode(CreditCodeArgs),
    /// Computes or checks KooGallery signatures (V2.0, x-sign, Body-Sign, V1.0 authToken).
    Sign(SignArgs),
    /// Encrypts or decrypts a sensitive field (AES-CBC with the access key, as KooGallery's Java sample).
    Field(FieldArgs),
    /// Measures performance figures (medians of repeated batches).
    Bench(BenchArgs),
    /// Runs the KooGallery sandbox: a local emulator with a simulated marketplace.
    Sandbox(SandboxArgs),
    /// Syncs the seller feed into the local store and pushes actions taken offline.
    Sync(SyncArgs),
    /// What needs the seller now: supervision clocks, unsubscriptions, invoices, bills.
    Inbox(InboxArgs),
    /// Aggregates for the overview: orders and revenue, supervision, refunds, invoices, tax.
    Dashboard(InboxArgs),
    /// Imports a Seller Console export (订单列表, 交易明细, 账单, 详单) from .xlsx or .csv into the store.
    #[command(after_help = "Examples:\n  koodesk import --db koodesk.db --kind orders 订单列表.xlsx --dry-run\n  \
            koodesk import --db koodesk.db --kind orders orders.csv --map '单号=order_id' --set 'access_type=SaaS' --json\n\n\
            Rows are keyed on 订单号 (+ 订单项ID): importing again updates, never duplicates, never deletes. A file\n\
            with an invalid row imports nothing unless --skip-invalid; every problem names the row and the column.")]
    Import(ImportArgs),
    /// Records unsubscription requests, invoice requests or supervision steps from rows copied from the Seller
    /// Console's tables (or a spreadsheet), checked by the same rules as one entered in the console.
    #[command(
        after_help = "Examples:\n  koodesk track --db koodesk.db --kind unsubscription --paste rows.tsv --dry-run\n  \
            pbpaste | koodesk track --db koodesk.db --kind invoice-request --paste - --by 张三 --json\n\n\
            Columns in the console's order or under a header row. A paste with an invalid row records nothing\n\
            unless --skip-invalid; every problem names the row (the first line is row 1) and the field."
    )]
    Track(TrackArgs),
    /// Lists the orders in the store, each line with where it came from.
    Orders(OrdersArgs),
    /// Looks orders up by ID through the open API (order/query, the seller's AK/SK) and stores them.
    Lookup(LookupArgs),
    /// Activates or queries a License 2.0 code (授权码) through the open API (the seller's AK/SK).
    #[command(after_help = "Examples:\n  koodesk license activate --code LIC-… --effective-at '2026-12-01 09:00'\n  \
            koodesk license query --code LIC-… --json")]
    License(LicenseArgs),
    /// Stores credentials in the OS keyring (values from standard input).
    Credentials(CredentialsArgs),
    /// Writes a realistic demo store directly (up to millions of orders), for demos and benchmarks.
    Demo(DemoArgs),
    /// Serves the console to a browser on loopback: the desktop app's commands and UI, with a per-run token.
    Serve(ServeArgs),
    /// Checks a SaaS production interface the way KooGallery calls it; exit status 0 only when every check passes.
    #[command(
        after_help = "Examples:\n  koodesk check-interface --url https://saas.example.com/produce --key-from-keyring production\n  \
            KEY=… koodesk check-interface --url http://127.0.0.1:8788/saasproduce --key-env KEY --report junit.xml"
    )]
    CheckInterface(CheckInterfaceArgs),
    /// Checks a SaaS seller's OAuth web login with the KooDesk sandbox as the IdP; exit status 0 only when every
    /// check passes.
    #[command(
        after_help = "Example:\n  SECRET=… koodesk check-oauth --login-url http://127.0.0.1:8787/sample-saas/login \\\n    \
            --redirect-uri http://127.0.0.1:8787/sample-saas/callback --client-id sandbox-… --client-secret-env SECRET"
    )]
    CheckOauth(CheckOauthArgs),
    /// Drafts, issues and exports invoices from the store, offline (KooGallery's invoice rules applied).
    #[command(
        after_help = "Examples:\n  koodesk invoice requests --db koodesk.db\n  koodesk invoice draft --db koodesk.db --request IR0000001 --json\n  \
            koodesk invoice issue --db koodesk.db --request IR0000001 --by 张三\n  koodesk invoice export --db koodesk.db --format csv --out invoices.csv"
    )]
    Invoice(InvoiceArgs),
    /// Runs KooDesk Gateway: the seller's production interface (生产接口) for KooGallery's calls, on SQLite or a
    /// shared PostgreSQL, and the seller feed the console syncs from it.
    #[command(
        after_help = "Examples:\n  KEY=… TOKEN=… koodesk gateway --listen 127.0.0.1:8443 --database sqlite:gateway.db \\\n    \
            --interface-key-env KEY --feed-token-env TOKEN --front-end-url 'https://saas.example.com/login?i={instanceId}'\n  \
            KOODESK_GATEWAY_DATABASE=postgres://gw@db/gw koodesk gateway --interface-key-file /run/credentials/interface-key \\\n    \
            --feed-token-file /run/credentials/feed-token --upstream http://127.0.0.1:9000/produce\n\n\
            Deployment (Huawei Cloud ECS + RDS for PostgreSQL, systemd, nginx): docs/gateway.md"
    )]
    Gateway(GatewayArgs),
    /// Runs the sample production interface (a correct reference server, or broken one way) on loopback.
    SampleInterface(SampleInterfaceArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where the store, settings and log live.
    #[arg(long, value_name = "DIR", env = "KOODESK_DATA_DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// Loopback port; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The built UI (`ui/dist`).
    #[arg(long, value_name = "DIR", env = "KOODESK_UI_DIR", default_value = "ui/dist")]
    pub ui: std::path::PathBuf,
    /// Seed of the embedded sandbox's marketplace.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Days of history the embedded sandbox invents.
    #[arg(long, default_value_t = 60)]
    pub history_days: i64,
    /// Print the URL and token as one JSON line (for scripts and tests).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TaxArgs {
    /// saas, license, image, hardware, api, ai-asset, data-asset, manual-service, app-orchestration
    #[arg(long, value_name = "T", value_parser = parse_access_type)]
    pub access_type: AccessType,
    /// period, one-time, on-demand, on-demand-package, per-call, per-call-package, per-quantity
    #[arg(long, value_name = "M", value_parser = parse_billing_mode)]
    pub billing_mode: BillingMode,
    /// general or small-scale
    #[arg(long, value_name = "KIND", default_value = "general", value_parser = parse_taxpayer)]
    pub taxpayer: Taxpayer,
    /// The taxable date (YYYY-MM-DD); today in Beijing if left out.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Also split this tax-inclusive amount into net and tax.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount, allow_negative_numbers = true)]
    pub amount: Option<Cny>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AmountWordsArgs {
    /// An amount of yuan with at most 2 decimals, e.g. 1004.50
    #[arg(value_name = "AMOUNT", value_parser = parse_amount, allow_negative_numbers = true)]
    pub amount: Cny,
}

#[derive(Debug, Args)]
pub struct InvoiceRulesArgs {
    /// When the order was created: YYYY-MM-DD (00:00 Beijing) or a date-time.
    #[arg(long, value_name = "D", value_parser = parse_date_or_datetime)]
    pub order_date: Instant,
    /// When the customer requested the invoice (RFC 3339; without an offset, Beijing time).
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime)]
    pub requested_at: Instant,
    /// The invoice's face value in yuan.
    #[arg(long, value_name = "A", value_parser = parse_amount)]
    pub amount: Cny,
    /// paper, electronic or fully-digital
    #[arg(long, value_name = "MEDIUM", value_parser = parse_medium)]
    pub medium: Medium,
    /// The product is sold under joint operation (联营): Huawei Cloud invoices.
    #[arg(long)]
    pub joint_operation: bool,
    #[arg(long)]
    pub json: bool,
}

/// A supervision side, as the CLI names it.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SideArg {
    User,
    Merchant,
}

#[derive(Debug, Args)]
pub struct AppealCheckArgs {
    /// Whose side the current step is on.
    #[arg(long, value_enum)]
    pub side: SideArg,
    /// When the current step began.
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime)]
    pub since: Instant,
    /// The moment to judge at; the current time if left out.
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime)]
    pub now: Option<Instant>,
    /// Rejections so far in the flow.
    #[arg(long, value_name = "N", default_value_t = 0, allow_negative_numbers = true)]
    pub rejections: u32,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum YesNo {
    Yes,
    No,
}

#[derive(Debug, Args)]
pub struct RefundRuleArgs {
    #[arg(long, value_name = "T", value_parser = parse_access_type)]
    pub access_type: AccessType,
    #[arg(long, value_name = "M", value_parser = parse_billing_mode)]
    pub billing_mode: BillingMode,
    /// Whether the order goes through service supervision (服务监管).
    #[arg(long, value_enum)]
    pub supervised: YesNo,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WorkingDaysArgs {
    #[command(subcommand)]
    pub command: WorkingDaysCommand,
}

#[derive(Debug, Subcommand)]
pub enum WorkingDaysCommand {
    /// The N-th working day after a date (N < 0 counts back).
    Add {
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        from: NaiveDate,
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        days: i64,
        #[arg(long)]
        json: bool,
    },
    /// Whether a date is a working day; exit status 1 when it is not.
    Check {
        #[arg(value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: NaiveDate,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct SettlementArgs {
    /// The billing period (账期): the month whose transactions the bill covers.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_period)]
    pub period: YearMonth,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CreditCodeArgs {
    /// The 18-character code.
    #[arg(value_name = "CODE")]
    pub code: String,
    #[arg(long)]
    pub json: bool,
}

fn parse_access_type(s: &str) -> Result<AccessType, String> {
    s.parse().map_err(|e: koodesk_domain::catalog::UnknownName| e.to_string())
}

fn parse_billing_mode(s: &str) -> Result<BillingMode, String> {
    s.parse().map_err(|e: koodesk_domain::catalog::UnknownName| e.to_string())
}

fn parse_taxpayer(s: &str) -> Result<Taxpayer, String> {
    s.parse().map_err(|e: koodesk_domain::catalog::UnknownName| e.to_string())
}

fn parse_medium(s: &str) -> Result<Medium, String> {
    s.parse().map_err(|e: koodesk_domain::catalog::UnknownName| e.to_string())
}

fn parse_amount(s: &str) -> Result<Cny, String> {
    s.parse().map_err(|e: koodesk_domain::money::MoneyError| e.to_string())
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    time::parse_date(s).map_err(|e| e.to_string())
}

fn parse_datetime(s: &str) -> Result<Instant, String> {
    time::parse_datetime(s).map_err(|e| e.to_string())
}

fn parse_date_or_datetime(s: &str) -> Result<Instant, String> {
    time::parse_date(s).map(time::start_of_day).or_else(|_| parse_datetime(s))
}

fn parse_period(s: &str) -> Result<YearMonth, String> {
    s.parse().map_err(|e: koodesk_domain::settlement::BadPeriod| e.to_string())
}

/// The built-in calendar, with `--calendar FILE` merged over it.
pub fn load_calendar(extra: Option<&Path>) -> Result<Cow<'static, WorkingCalendar>, Failure> {
    let builtin = WorkingCalendar::embedded();
    let Some(path) = extra else {
        return Ok(Cow::Borrowed(builtin));
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("--calendar {}: cannot read the file: {e}", path.display())))?;
    let extra =
        WorkingCalendar::from_json(&text).map_err(|e| Failure::usage(format!("--calendar {}: {e}", path.display())))?;
    Ok(Cow::Owned(builtin.merged_with(&extra)))
}

/// The current moment, for commands whose "now" was left out.
pub fn now() -> Instant {
    time::to_beijing(chrono::Utc::now())
}
