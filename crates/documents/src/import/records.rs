//! Turning mapped rows into records: each field read by its cell reader, every problem of a row collected with
//! its row number and header, duplicates refused, never-paid orders skipped (`REAL-DATA.md` §2).

use std::collections::HashMap;

use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{
    BillLineRecord, BillRecord, ExportKind, OrderRecord, Records, StateReading, TransactionRecord,
};
use koodesk_domain::settlement::YearMonth;
use serde::Serialize;

use super::cells::{self, Cell, Read};
use super::fields::Field;
use super::table::Mapping;
use super::Parsed;

/// At most this many row errors are listed; [`Parsed::error_count`] counts them all.
pub const ERROR_CAP: usize = 1_000;

/// How many data rows [`Parsed::preview`] shows.
pub const PREVIEW_ROWS: usize = 5;

/// A row that is read but not kept, and why (an order that is 待支付 or 已取消 is not a sale).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub row: usize,
    pub reason: String,
}

/// A problem with one cell or one row: the row number as the spreadsheet shows it, the column's header as in the
/// file (`None` when the value came from `--set` or the problem is the whole row's), and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("row {row}{}: {message}", column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct RowError {
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

/// The value a `--set` gives, checked once with the reader its field uses, as if it were a cell.
pub(crate) fn check_value(kind: ExportKind, field: Field, value: &str) -> Result<(), String> {
    let cell = Cell::Text(value.to_string());
    let ok = match field {
        Field::CreatedAt | Field::PaidAt => cells::instant(&cell).map(|v| v.is_some()),
        Field::Period => cells::period(&cell).map(|v| v.is_some()),
        Field::Status if kind == ExportKind::Orders => cells::order_state(&cell).map(|v| v.is_some()),
        Field::OrderType => cells::order_type(&cell).map(|v| v.is_some()),
        Field::BillingMode => cells::billing_mode(&cell).map(|v| v.is_some()),
        Field::AccessType => cells::access_type(&cell).map(|v| v.is_some()),
        Field::BillStatus => cells::bill_status(&cell).map(|v| v.is_some()),
        Field::Amount => money(kind, &cell).map(|v| v.is_some()),
        Field::PlatformFee | Field::MerchantShare => share(kind, &cell).map(|v| v.is_some()),
        _ => cells::text(&cell).map(|v| v.is_some()),
    }?;
    if ok {
        Ok(())
    } else {
        Err("the value is empty".to_string())
    }
}

/// Whether a kind's amounts may be negative: refund rows of 交易明细 and of a bill's 详单 are; an order's amount
/// and a bill's total are not.
fn negative_allowed(kind: ExportKind) -> bool {
    matches!(kind, ExportKind::Transactions | ExportKind::BillLines)
}

fn signed(kind: ExportKind, cell: &Cell, what: &str) -> Read<Cny> {
    let v = cells::amount(cell)?;
    match v {
        Some(a) if a.is_negative() && !negative_allowed(kind) => Err(format!(
            "`{}` is negative: {what} must be 0 or more (refunds appear as negative rows of 交易明细 and 详单)",
            a
        )),
        v => Ok(v),
    }
}

fn money(kind: ExportKind, cell: &Cell) -> Read<Cny> {
    let what = match kind {
        ExportKind::Orders => "an order's amount",
        _ => "a bill's amount",
    };
    signed(kind, cell, what)
}

fn share(kind: ExportKind, cell: &Cell) -> Read<Cny> {
    signed(kind, cell, "a bill's fee and share")
}

/// One row being read: its cells, the mapping, and the problems found so far.
struct RowCtx<'a> {
    row: usize,
    cells: &'a [Cell],
    m: &'a Mapping,
    kind: ExportKind,
    errors: Vec<RowError>,
}

impl<'a> RowCtx<'a> {
    /// An optional field: `None` when absent (or wrong, the error noted).
    fn get<T>(&mut self, field: Field, read: impl Fn(&Cell) -> Read<T>) -> Option<T> {
        let src = self.m.source(self.cells, field)?;
        match read(src.cell) {
            Ok(v) => v,
            Err(message) => {
                self.errors.push(RowError { row: self.row, column: src.header.map(str::to_string), message });
                None
            }
        }
    }

    /// A required field: an empty cell is an error too.
    fn need<T>(&mut self, field: Field, read: impl Fn(&Cell) -> Read<T>) -> Option<T> {
        let before = self.errors.len();
        let v = self.get(field, read);
        if v.is_none() && self.errors.len() == before {
            let header = self.m.header_of(field);
            self.errors.push(RowError {
                row: self.row,
                column: header.map(str::to_string),
                message: format!(
                    "{} ({}) is empty: every row of a {} export needs one",
                    header.unwrap_or(field.zh()),
                    field.as_str(),
                    self.kind
                ),
            });
        }
        v
    }

    fn text(&mut self, field: Field) -> Option<String> {
        self.get(field, cells::text)
    }

    fn need_text(&mut self, field: Field) -> Option<String> {
        self.need(field, cells::text)
    }

    fn failed(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// What a row became.
enum Outcome<R> {
    Record(R, Key),
    Skip(String),
    Invalid,
}

/// What makes a row unique within a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Order(String, Option<String>),
    Line(YearMonth, String, Option<String>),
    BillId(String),
    Period(YearMonth),
}

impl Key {
    /// The field whose column a duplicate is reported on, and the key as words.
    fn describe(&self) -> (Field, String) {
        let line = |l: &Option<String>| l.as_ref().map(|l| format!(" and 订单项ID `{l}`")).unwrap_or_default();
        match self {
            Key::Order(o, l) => (Field::OrderId, format!("订单号 `{o}`{}", line(l))),
            Key::Line(p, o, l) => (Field::OrderId, format!("账期 {p}, 订单号 `{o}`{}", line(l))),
            Key::BillId(b) => (Field::BillId, format!("账单号 `{b}`")),
            Key::Period(p) => (Field::Period, format!("账期 {p} (and no 账单号)")),
        }
    }
}

fn order(c: &mut RowCtx<'_>) -> Outcome<OrderRecord> {
    use Field as F;
    let status = match c.need(F::Status, cells::order_state) {
        Some(StateReading::NotASale) => {
            let shown = c.m.source(c.cells, F::Status).map(|s| s.cell.display()).unwrap_or_default();
            return Outcome::Skip(format!("订单状态 `{shown}` is not a sale (never paid, or cancelled): not kept"));
        }
        Some(StateReading::Sale(s)) => Some(s),
        None => None,
    };
    let kind = c.kind;
    let order_id = c.need_text(F::OrderId);
    let order_line_id = c.text(F::OrderLineId);
    let buyer_name = c.text(F::BuyerName);
    let buyer_account = c.text(F::BuyerAccount);
    let product_name = c.need_text(F::ProductName);
    let product_id = c.text(F::ProductId);
    let sku = c.text(F::Sku);
    let created_at = c.need(F::CreatedAt, cells::instant);
    let paid_at = c.get(F::PaidAt, cells::instant);
    let order_type = c.need(F::OrderType, cells::order_type);
    let billing_mode = c.need(F::BillingMode, cells::billing_mode);
    let access_type = c.need(F::AccessType, cells::access_type);
    let amount = c.need(F::Amount, |cell| money(kind, cell));
    if c.failed() {
        return Outcome::Invalid;
    }
    let (
        Some(order_id),
        Some(product_name),
        Some(created_at),
        Some(status),
        Some(order_type),
        Some(billing_mode),
        Some(access_type),
        Some(amount),
    ) = (order_id, product_name, created_at, status, order_type, billing_mode, access_type, amount)
    else {
        return Outcome::Invalid;
    };
    let key = Key::Order(order_id.clone(), order_line_id.clone());
    Outcome::Record(
        OrderRecord {
            order_id,
            order_line_id,
            buyer_name,
            buyer_account,
            product_name,
            product_id,
            sku,
            created_at,
            paid_at,
            status,
            order_type,
            billing_mode,
            access_type,
            amount,
        },
        key,
    )
}

fn transaction(c: &mut RowCtx<'_>) -> Outcome<TransactionRecord> {
    use Field as F;
    let kind = c.kind;
    let order_id = c.need_text(F::OrderId);
    let order_line_id = c.text(F::OrderLineId);
    let product_name = c.text(F::ProductName);
    let buyer_account = c.text(F::BuyerAccount);
    let created_at = c.get(F::CreatedAt, cells::instant);
    let amount = c.need(F::Amount, |cell| money(kind, cell));
    let period = c.get(F::Period, cells::period);
    let bill_status = c.get(F::BillStatus, cells::bill_status);
    let supervision_status = c.text(F::SupervisionStatus);
    let repayment_status = c.text(F::RepaymentStatus);
    let (Some(order_id), Some(amount), false) = (order_id, amount, c.failed()) else {
        return Outcome::Invalid;
    };
    let key = Key::Order(order_id.clone(), order_line_id.clone());
    Outcome::Record(
        TransactionRecord {
            order_id,
            order_line_id,
            product_name,
            buyer_account,
            created_at,
            amount,
            period,
            bill_status,
            supervision_status,
            repayment_status,
        },
        key,
    )
}

fn bill(c: &mut RowCtx<'_>) -> Outcome<BillRecord> {
    use Field as F;
    let kind = c.kind;
    let bill_id = c.text(F::BillId);
    let period = c.need(F::Period, cells::period);
    let amount = c.need(F::Amount, |cell| money(kind, cell));
    let platform_fee = c.get(F::PlatformFee, |cell| share(kind, cell));
    let merchant_share = c.get(F::MerchantShare, |cell| share(kind, cell));
    let status = c.text(F::Status);
    let (Some(period), Some(amount), false) = (period, amount, c.failed()) else {
        return Outcome::Invalid;
    };
    let key = match &bill_id {
        Some(id) => Key::BillId(id.clone()),
        None => Key::Period(period),
    };
    Outcome::Record(BillRecord { bill_id, period, amount, platform_fee, merchant_share, status }, key)
}

fn bill_line(c: &mut RowCtx<'_>) -> Outcome<BillLineRecord> {
    use Field as F;
    let kind = c.kind;
    let period = c.need(F::Period, cells::period);
    let bill_id = c.text(F::BillId);
    let order_id = c.need_text(F::OrderId);
    let order_line_id = c.text(F::OrderLineId);
    let product_name = c.text(F::ProductName);
    let amount = c.need(F::Amount, |cell| money(kind, cell));
    let platform_fee = c.get(F::PlatformFee, |cell| share(kind, cell));
    let merchant_share = c.get(F::MerchantShare, |cell| share(kind, cell));
    let (Some(period), Some(order_id), Some(amount), false) = (period, order_id, amount, c.failed()) else {
        return Outcome::Invalid;
    };
    let key = Key::Line(period, order_id.clone(), order_line_id.clone());
    Outcome::Record(
        BillLineRecord { period, bill_id, order_id, order_line_id, product_name, amount, platform_fee, merchant_share },
        key,
    )
}

/// Whether a row is a total (合计, 总计, 小计) rather than data: its first non-empty cell says so.
fn is_total(cells: &[Cell]) -> bool {
    cells.iter().find(|c| !c.is_blank()).is_some_and(|c| {
        let t = c.display();
        t.starts_with("合计") || t.starts_with("总计") || t.starts_with("小计")
    })
}

/// Everything read from the rows below the header.
pub(crate) struct Collector<'m> {
    kind: ExportKind,
    m: &'m Mapping,
    records: Records,
    record_rows: Vec<usize>,
    rows: usize,
    skipped: Vec<Skipped>,
    errors: Vec<RowError>,
    error_count: usize,
    preview: Vec<Vec<String>>,
    seen: HashMap<Key, usize>,
}

impl<'m> Collector<'m> {
    pub(crate) fn new(kind: ExportKind, m: &'m Mapping) -> Collector<'m> {
        let records = match kind {
            ExportKind::Orders => Records::Orders(Vec::new()),
            ExportKind::Transactions => Records::Transactions(Vec::new()),
            ExportKind::Bills => Records::Bills(Vec::new()),
            ExportKind::BillLines => Records::BillLines(Vec::new()),
        };
        Collector {
            kind,
            m,
            records,
            record_rows: Vec::new(),
            rows: 0,
            skipped: Vec::new(),
            errors: Vec::new(),
            error_count: 0,
            preview: Vec::new(),
            seen: HashMap::new(),
        }
    }

    /// Reads one row below the header (blank rows and totals are passed over).
    pub(crate) fn row(&mut self, row: usize, cells: &[Cell]) {
        if cells.iter().all(Cell::is_blank) || is_total(cells) {
            return;
        }
        self.rows += 1;
        if self.preview.len() < PREVIEW_ROWS {
            let shown = self.m.columns.iter().map(|c| cells.get(c.index).map(Cell::display).unwrap_or_default());
            self.preview.push(shown.collect());
        }
        let mut c = RowCtx { row, cells, m: self.m, kind: self.kind, errors: Vec::new() };
        match &mut self.records {
            Records::Orders(v) => {
                let o = order(&mut c);
                Self::keep(o, v, row, &mut self.seen, &mut self.record_rows, &mut self.skipped, &mut c)
            }
            Records::Transactions(v) => {
                let o = transaction(&mut c);
                Self::keep(o, v, row, &mut self.seen, &mut self.record_rows, &mut self.skipped, &mut c)
            }
            Records::Bills(v) => {
                let o = bill(&mut c);
                Self::keep(o, v, row, &mut self.seen, &mut self.record_rows, &mut self.skipped, &mut c)
            }
            Records::BillLines(v) => {
                let o = bill_line(&mut c);
                Self::keep(o, v, row, &mut self.seen, &mut self.record_rows, &mut self.skipped, &mut c)
            }
        }
        for e in c.errors {
            self.error_count += 1;
            if self.errors.len() < ERROR_CAP {
                self.errors.push(e);
            }
        }
    }

    fn keep<R>(
        outcome: Outcome<R>,
        records: &mut Vec<R>,
        row: usize,
        seen: &mut HashMap<Key, usize>,
        record_rows: &mut Vec<usize>,
        skipped: &mut Vec<Skipped>,
        c: &mut RowCtx<'_>,
    ) {
        match outcome {
            Outcome::Invalid => {}
            Outcome::Skip(reason) => skipped.push(Skipped { row, reason }),
            Outcome::Record(record, key) => {
                if let Some(first) = seen.get(&key) {
                    let (field, what) = key.describe();
                    c.errors.push(RowError {
                        row,
                        column: c.m.header_of(field).map(str::to_string),
                        message: format!("duplicate of row {first}: {what} appears twice in the file"),
                    });
                } else {
                    seen.insert(key, row);
                    records.push(record);
                    record_rows.push(row);
                }
            }
        }
    }

    pub(crate) fn finish(self, kind: ExportKind, sheet: Option<String>, m: &Mapping) -> Parsed {
        Parsed {
            kind,
            sheet,
            header_row: m.header_row,
            columns: m.columns.clone(),
            records: self.records,
            record_rows: self.record_rows,
            rows: self.rows,
            skipped: self.skipped,
            errors: self.errors,
            error_count: self.error_count,
            preview: self.preview,
        }
    }
}
