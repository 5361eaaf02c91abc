//! The Settlement screen's imported exports [KG §5]: the bills (账单) and transactions (交易明细) the seller
//! imported from the Seller Console, and one bill's lines (详单). In files-only mode these are the seller's only
//! settlement data.

use koodesk_store::settlement_exports::{ImportedBill, ImportedBillLine, TransactionFilter, TransactionPage};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::ApiError;
use crate::workspace::Workspace;

/// Which transactions to show, and how many.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SettlementImportsArgs {
    #[serde(default)]
    pub filter: TransactionFilter,
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_limit")]
    pub limit: i64,
}

fn default_limit() -> i64 {
    100
}

/// The imported bills, newest period first, and a page of the imported transactions.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettlementImports {
    pub bills: Vec<ImportedBill>,
    pub transactions: TransactionPage,
}

/// One imported bill, by its store key ([`ImportedBill::bill_key`]).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct BillKey {
    pub bill_key: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportedBillLines {
    pub lines: Vec<ImportedBillLine>,
}

pub async fn view(ws: &Workspace, a: SettlementImportsArgs) -> Result<SettlementImports, ApiError> {
    ws.read(move |s| {
        let bills = s.imported_bills()?;
        let transactions = s.imported_transactions(&a.filter, a.offset, a.limit)?;
        Ok(SettlementImports { bills, transactions })
    })
    .await
}

pub async fn bill_lines(ws: &Workspace, a: BillKey) -> Result<ImportedBillLines, ApiError> {
    let lines = ws.read(move |s| Ok(s.imported_bill_lines(&a.bill_key)?)).await?;
    Ok(ImportedBillLines { lines })
}
