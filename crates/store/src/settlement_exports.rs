//! The Seller Console's settlement exports as the seller imported them [KG §5]: 账单 (bills) with the count and
//! amount of their 详单 lines, one bill's lines, and 交易明细 (transactions) filtered by period and bill status.
//!
//! Read only: [`crate::import`] writes these rows. Amounts are read from their fen columns into [`Cny`]; statuses
//! cross as the codes stored (`billed` / `waiting` for a transaction's bill status, the console's own words for
//! the rest), so the screen labels what it knows and shows anything else as it came.

use crate::{Problem, Rule};
use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::BillStatus;
use koodesk_domain::settlement::YearMonth;
use rusqlite::types::Value;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::browse::rfc;
use crate::db::Store;
use crate::error::StoreError;

/// The most transactions one page holds.
pub const MAX_LIMIT: i64 = 1000;

/// One imported bill (账单) and what its imported lines (详单) add up to. A line belongs to a bill when both carry
/// the same bill ID or, when either has none, the same period (账期) [KG §5].
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ImportedBill {
    /// The store's key: the bill ID, or the period when the file had no bill ID.
    pub bill_key: String,
    pub bill_id: Option<String>,
    /// `YYYY-MM`.
    pub period: String,
    #[ts(type = "string")]
    pub amount: Cny,
    #[ts(type = "string | null")]
    pub platform_fee: Option<Cny>,
    #[ts(type = "string | null")]
    pub merchant_share: Option<Cny>,
    /// The bill's state as the console wrote it.
    pub status: Option<String>,
    pub line_count: i64,
    /// The sum of the imported lines' amounts (0.00 without lines).
    #[ts(type = "string")]
    pub lines_amount: Cny,
    /// When the row was last imported (RFC 3339, Beijing).
    pub imported_at: String,
}

/// One imported bill line (详单).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ImportedBillLine {
    pub period: String,
    pub order_id: String,
    /// `''` when the file had no 订单项ID.
    pub order_line_id: String,
    pub bill_id: Option<String>,
    pub product_name: Option<String>,
    #[ts(type = "string")]
    pub amount: Cny,
    #[ts(type = "string | null")]
    pub platform_fee: Option<Cny>,
    #[ts(type = "string | null")]
    pub merchant_share: Option<Cny>,
}

/// One imported transaction (交易明细).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ImportedTransaction {
    pub order_id: String,
    /// `''` when the file had no 订单项ID.
    pub order_line_id: String,
    pub product_name: Option<String>,
    pub buyer_account: Option<String>,
    /// RFC 3339, Beijing.
    pub created_at: Option<String>,
    #[ts(type = "string")]
    pub amount: Cny,
    /// `YYYY-MM`.
    pub period: Option<String>,
    /// 出账状态 as stored: `billed` or `waiting`.
    pub bill_status: Option<String>,
    /// 服务监管状态 as the console wrote it.
    pub supervision_status: Option<String>,
    /// 客户还款状态 as the console wrote it.
    pub repayment_status: Option<String>,
}

/// Which transactions to list; given fields must all match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct TransactionFilter {
    /// `YYYY-MM`.
    pub period: Option<String>,
    /// `billed` or `waiting`.
    pub bill_status: Option<String>,
}

/// A page of transactions, newest first, with what the whole filtered set holds.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TransactionPage {
    pub rows: Vec<ImportedTransaction>,
    /// Transactions matching the filter (the page may hold fewer).
    pub total: i64,
    /// Their amounts added up.
    #[ts(type = "string")]
    pub amount: Cny,
    /// Every period the imported transactions name, newest first (for the filter).
    pub periods: Vec<String>,
}

fn cny(fen: Option<i64>) -> Option<Cny> {
    fen.map(Cny::from_fen)
}

/// The filter's clauses and parameters; a period that is not `YYYY-MM` or a bill status that is not a code is
/// refused, naming the field.
fn where_clause(f: &TransactionFilter) -> Result<(String, Vec<Value>), StoreError> {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if let Some(p) = f.period.as_deref().filter(|p| !p.is_empty()) {
        let ym: YearMonth = p.parse().map_err(|_| {
            StoreError::Invalid(Problem::new(
                "period",
                Rule::BadFormat,
                format!("period `{p}`: expected a month as YYYY-MM (账期)"),
            ))
        })?;
        params.push(Value::Text(ym.to_string()));
        clauses.push(format!("period = ?{}", params.len()));
    }
    if let Some(s) = f.bill_status.as_deref().filter(|s| !s.is_empty()) {
        let known = [BillStatus::Billed, BillStatus::Waiting];
        let code = known.iter().find(|b| b.as_str() == s).ok_or_else(|| {
            StoreError::Invalid(Problem::new(
                "bill_status",
                Rule::BadFormat,
                format!("bill status `{s}`: expected `billed` or `waiting` (出账状态)"),
            ))
        })?;
        params.push(Value::Text(code.as_str().to_string()));
        clauses.push(format!("bill_status = ?{}", params.len()));
    }
    let sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    Ok((sql, params))
}

impl Store {
    /// Every imported bill, newest period first, with its imported lines' count and amount [KG §5].
    pub fn imported_bills(&self) -> Result<Vec<ImportedBill>, StoreError> {
        let mut st = self.connection().prepare(
            "SELECT b.bill_key, b.bill_id, b.period, b.amount_fen, b.platform_fee_fen, b.merchant_share_fen,
                    b.status, b.imported_ts,
                    (SELECT count(*) FROM seller_bill_lines l
                      WHERE l.bill_id = b.bill_id OR (l.period = b.period AND (l.bill_id IS NULL OR b.bill_id IS NULL))),
                    (SELECT coalesce(sum(l.amount_fen), 0) FROM seller_bill_lines l
                      WHERE l.bill_id = b.bill_id OR (l.period = b.period AND (l.bill_id IS NULL OR b.bill_id IS NULL)))
             FROM seller_bills b
             ORDER BY b.period DESC, b.bill_key",
        )?;
        let rows = st.query_map([], |r| {
            Ok(ImportedBill {
                bill_key: r.get(0)?,
                bill_id: r.get(1)?,
                period: r.get(2)?,
                amount: Cny::from_fen(r.get(3)?),
                platform_fee: cny(r.get(4)?),
                merchant_share: cny(r.get(5)?),
                status: r.get(6)?,
                imported_at: rfc(r.get(7)?),
                line_count: r.get(8)?,
                lines_amount: Cny::from_fen(r.get(9)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The imported lines of the bill `bill_key`, by order ID; a bill not imported is [`StoreError::NotFound`].
    pub fn imported_bill_lines(&self, bill_key: &str) -> Result<Vec<ImportedBillLine>, StoreError> {
        let bill: Option<(Option<String>, String)> = self
            .connection()
            .query_row("SELECT bill_id, period FROM seller_bills WHERE bill_key = ?1", [bill_key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (bill_id, period) = bill.ok_or_else(|| StoreError::NotFound(format!("imported bill `{bill_key}`")))?;
        let mut st = self.connection().prepare(
            "SELECT period, order_id, order_line_id, bill_id, product_name, amount_fen, platform_fee_fen,
                    merchant_share_fen
             FROM seller_bill_lines
             WHERE bill_id = ?1 OR (period = ?2 AND (bill_id IS NULL OR ?1 IS NULL))
             ORDER BY order_id, order_line_id",
        )?;
        let rows = st.query_map(rusqlite::params![bill_id, period], |r| {
            Ok(ImportedBillLine {
                period: r.get(0)?,
                order_id: r.get(1)?,
                order_line_id: r.get(2)?,
                bill_id: r.get(3)?,
                product_name: r.get(4)?,
                amount: Cny::from_fen(r.get(5)?),
                platform_fee: cny(r.get(6)?),
                merchant_share: cny(r.get(7)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Imported transactions matching `filter`, newest first (by creation time, then period; rows without them
    /// last), at most `limit` (1 to [`MAX_LIMIT`]) from `offset`.
    pub fn imported_transactions(
        &self,
        filter: &TransactionFilter,
        offset: i64,
        limit: i64,
    ) -> Result<TransactionPage, StoreError> {
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(StoreError::Invalid(Problem::new(
                "limit",
                Rule::OutOfRange,
                format!("limit {limit}: expected 1 to {MAX_LIMIT}"),
            )));
        }
        if offset < 0 {
            return Err(StoreError::Invalid(Problem::new(
                "offset",
                Rule::OutOfRange,
                format!("offset {offset}: expected 0 or more"),
            )));
        }
        let (clause, mut params) = where_clause(filter)?;
        let (total, amount_fen): (i64, i64) = self.connection().query_row(
            &format!("SELECT count(*), coalesce(sum(amount_fen), 0) FROM seller_transactions {clause}"),
            rusqlite::params_from_iter(params.iter()),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        params.push(Value::Integer(limit));
        params.push(Value::Integer(offset));
        let n = params.len();
        let mut st = self.connection().prepare(&format!(
            "SELECT order_id, order_line_id, product_name, buyer_account, created_ts, amount_fen, period,
                    bill_status, supervision_status, repayment_status
             FROM seller_transactions {clause}
             ORDER BY created_ts IS NULL, created_ts DESC, period IS NULL, period DESC, order_id, order_line_id
             LIMIT ?{} OFFSET ?{n}",
            n - 1
        ))?;
        let rows = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok(ImportedTransaction {
                    order_id: r.get(0)?,
                    order_line_id: r.get(1)?,
                    product_name: r.get(2)?,
                    buyer_account: r.get(3)?,
                    created_at: r.get::<_, Option<i64>>(4)?.map(rfc),
                    amount: Cny::from_fen(r.get(5)?),
                    period: r.get(6)?,
                    bill_status: r.get(7)?,
                    supervision_status: r.get(8)?,
                    repayment_status: r.get(9)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut st = self
            .connection()
            .prepare("SELECT DISTINCT period FROM seller_transactions WHERE period IS NOT NULL ORDER BY period DESC")?;
        let periods = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(TransactionPage { rows, total, amount: Cny::from_fen(amount_fen), periods })
    }
}
