//! Arguments of `koodesk invoice`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Args)]
pub struct InvoiceArgs {
    #[command(subcommand)]
    pub command: InvoiceCommand,
    /// The store.
    #[arg(long, value_name = "FILE", global = true)]
    pub db: Option<PathBuf>,
    /// The moment to act at (RFC 3339; without an offset, Beijing time); the current time if left out.
    #[arg(long, value_name = "DATETIME", global = true)]
    pub now: Option<String>,
    /// Print one JSON value.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
    /// One invoice (--invoice) laid out like a 数电票.
    Pdf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RedReason {
    /// 开票有误
    InvoicingError,
    /// 销货退回
    GoodsReturned,
    /// 服务终止
    ServiceTerminated,
    /// 销售折让
    SalesAllowance,
}

#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// The open invoice requests, with their IDs and deadlines.
    Requests,
    /// Buyers whose name contains the query (or whose ID it is), with their order counts.
    Buyers {
        #[arg(long, value_name = "TEXT", default_value = "")]
        query: String,
    },
    /// A buyer's orders, newest first, each saying whether it may be invoiced and why not.
    Orders {
        #[arg(long, value_name = "ID")]
        buyer: String,
    },
    /// Drafts a request (one draft per tax rate) with KooGallery's invoice rules, and saves the drafts; or drafts
    /// several orders of one buyer with no request (--orders), saved as a batch.
    Draft {
        #[arg(long, value_name = "ID", required_unless_present = "orders", conflicts_with = "orders")]
        request: Option<String>,
        /// Orders of one buyer to invoice together, comma-separated.
        #[arg(long, value_name = "IDS", value_delimiter = ',')]
        orders: Vec<String>,
        /// With --orders: ordinary (普票) or special (专票).
        #[arg(long, value_name = "KIND", default_value = "ordinary", requires = "orders")]
        kind: String,
        /// With --orders: fully-digital, electronic or paper.
        #[arg(long, value_name = "MEDIUM", default_value = "fully-digital", requires = "orders")]
        medium: String,
        /// With --orders: redraft this batch instead of starting one.
        #[arg(long, value_name = "ID", requires = "orders")]
        batch: Option<String>,
        /// With --orders: show the drafts without saving them.
        #[arg(long, requires = "orders")]
        preview: bool,
    },
    /// Issues drafts: the next numbers of the seller's series; the invoice is frozen and KooGallery is told.
    Issue {
        /// One draft.
        #[arg(long, value_name = "ID", required_unless_present_any = ["request", "batch"], conflicts_with_all = ["request", "batch"])]
        draft: Option<String>,
        /// Every draft of a request.
        #[arg(long, value_name = "ID", conflicts_with = "batch")]
        request: Option<String>,
        /// Every draft of a batch (drafted from --orders).
        #[arg(long, value_name = "ID")]
        batch: Option<String>,
        /// Who issues (开票人).
        #[arg(long, value_name = "NAME")]
        by: String,
        /// Record this number given by the tax system instead of numbering here (20 digits; with --draft).
        #[arg(long, value_name = "NUMBER", requires = "draft")]
        number: Option<String>,
    },
    /// Raises a red-letter (红字) draft against an issued invoice; the buyer confirms within 72 hours.
    RedLetter {
        #[arg(long, value_name = "ID")]
        invoice: String,
        #[arg(long, value_enum)]
        reason: RedReason,
    },
    /// Sets the 税收分类编码 of a product, or the default of a tax product (software, hardware, service).
    TaxCode {
        /// A product ID, or software, hardware or service.
        #[arg(long, value_name = "KEY")]
        of: String,
        /// 19 digits.
        #[arg(long, value_name = "CODE")]
        code: String,
        /// The short name printed between asterisks, e.g. 信息技术服务.
        #[arg(long, value_name = "NAME")]
        name: String,
    },
    /// Imports the seller's buyer list (title, taxpayer ID, address, bank) from CSV or XLSX; all rows or none.
    ImportBuyers {
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// Exports invoices (drafts and issued): CSV or XLSX of lines for the tax system's batch import, or JSON of
    /// everything for backups.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Only drafts or only issued invoices.
        #[arg(long, value_name = "STATE")]
        state: Option<String>,
        /// With --format pdf: the invoice.
        #[arg(long, value_name = "ID")]
        invoice: Option<String>,
        /// With --format pdf: the seller's name and taxpayer ID as printed.
        #[arg(long, value_name = "NAME", default_value = "")]
        seller_name: String,
        #[arg(long, value_name = "ID", default_value = "")]
        seller_taxpayer_id: String,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}
