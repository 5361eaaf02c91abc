//! Arguments of the commands over the Seller Console's exports and the orders they bring: import, orders.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The local store (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Which export the file is: orders (订单列表), transactions (交易明细), bills (账单) or bill-lines (详单).
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// The exported file: .xlsx or .csv (UTF-8, with or without BOM, or GBK).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Headers KooDesk does not recognise, mapped to fields: 'HEADER=field,…' (e.g. '单号=order_id'). Remembered
    /// per kind once an import succeeds.
    #[arg(long, value_name = "HEADER=field,…")]
    pub map: Option<String>,
    /// A value for every row when the file has no such column: 'field=value,…' (e.g. 'access_type=SaaS').
    #[arg(long, value_name = "field=value,…")]
    pub set: Option<String>,
    /// The sheet to read (an .xlsx file); the first one if left out.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Reads and checks the file and says what it would change; writes nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Imports the valid rows of a file with invalid ones (listed); without it such a file imports nothing.
    #[arg(long)]
    pub skip_invalid: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OrdersArgs {
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Only the orders from one source: import, gateway, sandbox or lookup.
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    #[arg(long)]
    pub json: bool,
}
