//! Bulk paste into the trackers: rows the seller copies from a Seller Console table (服务监管, 退订管理, 发票管理)
//! or a spreadsheet — tab- or comma-separated, quoted cells allowed, optionally under a header row — read into
//! tracker entries, previewed row by row, and recorded together.
//!
//! Each row is read here (dates as Beijing time and amounts exactly, by the import's rules; the console's names
//! for invoice kinds, media, title kinds and steps) and then checked by the store with the same rules as one entry
//! made alone ([`Store::record_batch`](koodesk_store::Store::record_batch)), in one transaction that a preview
//! rolls back. Confirming is all-or-nothing unless the seller skips the invalid rows. Every problem is a code, a
//! field and the value, with the row number as pasted (the first line is row 1): the console words them.

use crate::error::ErrorCode;
use koodesk_domain::credit_code;
use koodesk_domain::invoice::{BuyerTitle, InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time::{self, Instant};
use koodesk_store::trackers::{InvoiceRequestEntry, Recorder, StepEntry, TrackerEntry, UnsubscriptionEntry};
use koodesk_store::{Store, StoreError};

use crate::api::{ApiError, PasteKind, PasteProblem, PasteReport, PasteRow, TrackPaste};
use crate::trackers::{recorder, to_gateway};
use crate::workspace::Workspace;

/// Rows a paste may hold: the Seller Console shows at most 100 a page.
pub const MAX_ROWS: usize = 500;

/// The fields of a kind, in the order the columns are read when there is no header row.
pub fn fields_of(kind: PasteKind) -> &'static [&'static str] {
    match kind {
        PasteKind::Unsubscription => &["order_id", "requested_at", "refund", "reason"],
        PasteKind::InvoiceRequest => &[
            "order_ids",
            "requested_at",
            "kind",
            "medium",
            "title_kind",
            "title_name",
            "taxpayer_id",
            "address",
            "bank_account",
        ],
        PasteKind::Step => &["order_id", "product_type", "step", "since", "rejections", "note"],
    }
}

fn required(kind: PasteKind, field: &str) -> bool {
    !matches!(
        (kind, field),
        (PasteKind::InvoiceRequest, "taxpayer_id" | "address" | "bank_account")
            | (PasteKind::Step, "rejections" | "note")
    )
}

/// The headers a field is known by (normalised: no spaces, lower-case), the console's and KooDesk's own.
fn aliases(field: &str) -> &'static [&'static str] {
    match field {
        "order_id" => &["order_id", "orderid", "order", "订单号", "订单编号", "订单id"],
        "order_ids" => &["order_ids", "orderids", "orders", "order_id", "订单号", "订单编号", "关联订单", "订单"],
        "requested_at" => {
            &["requested_at", "requested", "申请时间", "退订申请时间", "开票申请时间", "提交时间", "创建时间"]
        }
        "refund" => &["refund", "amount", "退款金额", "退订金额", "可退金额", "金额", "退款金额(元)", "金额(元)"],
        "reason" => &["reason", "退订原因", "原因", "申请原因"],
        "kind" => &["kind", "发票类型", "发票种类"],
        "medium" => &["medium", "发票介质", "介质", "开票方式"],
        "title_kind" => &["title_kind", "抬头类型"],
        "title_name" => &["title_name", "title", "发票抬头", "抬头", "抬头名称"],
        "taxpayer_id" => &["taxpayer_id", "纳税人识别号", "税号", "统一社会信用代码"],
        "address" => &["address", "地址电话", "地址、电话", "注册地址", "地址"],
        "bank_account" => &["bank_account", "bank", "开户行及账号", "开户银行及账号", "银行账号", "开户行"],
        "product_type" => &["product_type", "商品类型", "监管类型", "产品类型"],
        "step" => &["step", "当前步骤", "步骤", "监管环节", "当前环节", "环节"],
        "since" => &["since", "开始时间", "步骤开始时间", "时间"],
        "rejections" => &["rejections", "驳回次数"],
        "note" => &["note", "备注"],
        _ => &[],
    }
}

/// Splits pasted text into rows of cells: tab-separated when any line has a tab (what a table or a spreadsheet
/// copies), else comma-separated; a cell in double quotes may hold the separator, doubled quotes or a newline.
/// Each row comes with its line number (1-based) as pasted.
pub fn split_rows(text: &str) -> Vec<(u32, Vec<String>)> {
    let text = text.trim_start_matches('\u{feff}');
    let sep = if text.contains('\t') { '\t' } else { ',' };
    let mut rows = Vec::new();
    let (mut row, mut cell) = (Vec::new(), String::new());
    let (mut quoted, mut line, mut start) = (false, 1u32, 1u32);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            (c, false) if c == sep => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push((start, std::mem::take(&mut row)));
                line += 1;
                start = line;
            }
            ('\n', true) => {
                line += 1;
                cell.push('\n');
            }
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push((start, row));
    }
    rows.into_iter()
        .map(|(n, cells)| (n, cells.into_iter().map(|c| c.trim().to_string()).collect::<Vec<_>>()))
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect()
}

/// The columns of a header row, when the first row is one: every non-empty cell names a field of the kind (an
/// unknown header is a column left out, but at least half the cells must be known).
fn header_columns(kind: PasteKind, cells: &[String]) -> Option<Vec<Option<&'static str>>> {
    let fields = fields_of(kind);
    let mut known = 0;
    let mut taken: Vec<&str> = Vec::new();
    let cols: Vec<Option<&'static str>> = cells
        .iter()
        .map(|c| {
            let n = koodesk_documents::import::normalise(c);
            let f = fields.iter().copied().find(|f| !taken.contains(f) && aliases(f).contains(&n.as_str()));
            if let Some(f) = f {
                known += 1;
                taken.push(f);
            }
            f
        })
        .collect();
    let non_empty = cells.iter().filter(|c| !c.is_empty()).count();
    (known > 0 && known * 2 >= non_empty).then_some(cols)
}

struct Reader<'a> {
    kind: PasteKind,
    row: u32,
    cells: Vec<(&'static str, &'a str)>,
    problems: Vec<PasteProblem>,
    values: Vec<String>,
}

fn problem(row: u32, field: &str, code: &str, value: &str, detail: Option<String>) -> PasteProblem {
    PasteProblem {
        row,
        field: Some(field.to_string()).filter(|f| !f.is_empty()),
        code: code.into(),
        value: Some(value.to_string()).filter(|v| !v.is_empty()),
        detail,
    }
}

impl<'a> Reader<'a> {
    fn raw(&self, field: &str) -> &'a str {
        self.cells.iter().find(|(f, _)| *f == field).map(|(_, v)| *v).unwrap_or("")
    }
    fn fail(&mut self, field: &str, code: &str, value: &str, detail: Option<String>) {
        self.problems.push(problem(self.row, field, code, value, detail));
    }
    fn show(&mut self, field: &str, v: String) {
        if let Some(at) = fields_of(self.kind).iter().position(|f| *f == field) {
            self.values[at] = v;
        }
    }
    /// The cell, or a `required` problem when a required one is empty.
    fn text(&mut self, field: &str) -> Option<&'a str> {
        let v = self.raw(field);
        if v.is_empty() {
            if required(self.kind, field) {
                self.fail(field, "required", "", None);
            }
            return None;
        }
        Some(v)
    }
    /// A Beijing date-time, by the import's rule, not after `now`.
    fn instant(&mut self, field: &str, now: Instant) -> Option<Instant> {
        let v = self.text(field)?;
        match koodesk_documents::import::instant_text(v) {
            Some(t) if t > now => {
                self.fail(field, "future", v, None);
                None
            }
            Some(t) => {
                self.show(field, time::to_beijing(t).format("%Y-%m-%d %H:%M:%S").to_string());
                Some(t)
            }
            None => {
                self.fail(field, "date-time", v, None);
                None
            }
        }
    }
    /// Yuan, exactly, with at most 2 decimals [KG §4].
    fn yuan(&mut self, field: &str) -> Option<Cny> {
        let v = self.text(field)?;
        let d = match koodesk_documents::import::amount_text(v) {
            Ok(d) => d,
            Err(_) => {
                self.fail(field, "amount", v, None);
                return None;
            }
        };
        match Cny::exact(d) {
            Ok(c) => {
                self.show(field, format!("{:.2}", c.decimal()));
                Some(c)
            }
            Err(_) => {
                self.fail(field, "decimals", v, None);
                None
            }
        }
    }
    /// One of a vocabulary: its code, or the console's name for it.
    fn choice<T: Copy>(
        &mut self,
        field: &str,
        read: fn(&str) -> Option<T>,
        codes: &[&str],
        code_of: fn(T) -> String,
    ) -> Option<T> {
        let v = self.text(field)?;
        match read(v) {
            Some(t) => {
                self.show(field, code_of(t));
                Some(t)
            }
            None => {
                self.fail(field, "choice", v, Some(codes.join(", ")));
                None
            }
        }
    }
}

fn code<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn by_code<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase())).ok()
}

/// 发票类型 as the console writes it: 专用 / 专票 is special, 普通 / 普票 ordinary [KG §2].
fn invoice_kind(s: &str) -> Option<InvoiceKind> {
    by_code(s).or_else(|| {
        if s.contains('专') {
            Some(InvoiceKind::Special)
        } else if s.contains('普') {
            Some(InvoiceKind::Ordinary)
        } else {
            None
        }
    })
}

/// 发票介质: 数电 / 全电, 电子, 纸质 [KG §2].
fn medium(s: &str) -> Option<Medium> {
    by_code(s).or_else(|| {
        if s.contains("数电") || s.contains("全电") {
            Some(Medium::FullyDigital)
        } else if s.contains("电子") {
            Some(Medium::Electronic)
        } else if s.contains('纸') {
            Some(Medium::Paper)
        } else {
            None
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TitleKind {
    Enterprise,
    Person,
}

fn title_kind(s: &str) -> Option<TitleKind> {
    match s.trim().to_ascii_lowercase().as_str() {
        "enterprise" | "企业" | "单位" | "公司" | "企业单位" => Some(TitleKind::Enterprise),
        "person" | "个人" | "个人/非企业单位" | "非企业单位" => Some(TitleKind::Person),
        _ => None,
    }
}

/// Order IDs in one cell: separated by spaces, commas, 、 or semicolons.
fn split_ids(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// One row read into an entry, or its problems.
fn read_row(
    kind: PasteKind,
    row: u32,
    cells: Vec<(&'static str, &str)>,
    now: Instant,
) -> (PasteRow, Option<TrackerEntry>) {
    let values: Vec<String> = fields_of(kind)
        .iter()
        .map(|f| cells.iter().find(|(g, _)| g == f).map(|(_, v)| v.to_string()).unwrap_or_default())
        .collect();
    let mut r = Reader { kind, row, cells, problems: Vec::new(), values };
    let entry = match kind {
        PasteKind::Unsubscription => {
            let order_id = r.text("order_id");
            let at = r.instant("requested_at", now);
            let refund = r.yuan("refund");
            let reason = r.text("reason");
            match (order_id, at, refund, reason) {
                (Some(o), Some(at), Some(refund), Some(reason)) => {
                    Some(TrackerEntry::Unsubscription(UnsubscriptionEntry {
                        order_id: o.to_string(),
                        requested_at: at,
                        refund,
                        reason: reason.to_string(),
                    }))
                }
                _ => None,
            }
        }
        PasteKind::InvoiceRequest => {
            let orders = r.text("order_ids").map(split_ids);
            if let Some(o) = &orders {
                r.show("order_ids", o.join(" "));
            }
            let at = r.instant("requested_at", now);
            let kind = r.choice("kind", invoice_kind, &["ordinary", "special"], code);
            let medium = r.choice("medium", medium, &["fully-digital", "electronic", "paper"], code);
            let tk = r.choice("title_kind", title_kind, &["enterprise", "person"], |t| {
                if t == TitleKind::Enterprise { "enterprise" } else { "person" }.to_string()
            });
            let name = r.text("title_name");
            let taxpayer = match r.text("taxpayer_id") {
                Some(t) if tk == Some(TitleKind::Person) => {
                    r.fail("taxpayer_id", "person-taxpayer", t, None);
                    None
                }
                Some(t) => match credit_code::validate(t) {
                    Ok(c) => Some(Some(c)),
                    Err(_) => {
                        r.fail("taxpayer_id", "credit-code", t, None);
                        None
                    }
                },
                None => Some(None),
            };
            let address = r.text("address").map(str::to_string);
            let bank_account = r.text("bank_account").map(str::to_string);
            match (orders, at, kind, medium, tk, name, taxpayer) {
                (Some(order_ids), Some(at), Some(kind), Some(medium), Some(tk), Some(name), Some(taxpayer_id)) => {
                    let name = name.to_string();
                    let title = match tk {
                        TitleKind::Person => BuyerTitle::Person { name },
                        TitleKind::Enterprise => BuyerTitle::Enterprise { name, taxpayer_id },
                    };
                    // A special invoice is for an enterprise title with its taxpayer ID [KG §2].
                    if koodesk_domain::invoice::check_kind(&title, kind).is_err() {
                        r.fail("kind", "special-needs-taxpayer", "", None);
                    }
                    Some(TrackerEntry::InvoiceRequest(InvoiceRequestEntry {
                        order_ids,
                        requested_at: at,
                        kind,
                        medium,
                        title,
                        address,
                        bank_account,
                    }))
                }
                _ => None,
            }
        }
        PasteKind::Step => {
            let order_id = r.text("order_id");
            let pt = r.choice("product_type", by_code::<ProductType>, &[], code);
            // A step by its code, or by the name the console gives it for the product type [KG §3].
            let step = match (pt, r.text("step")) {
                (Some(pt), Some(s)) => {
                    let found = by_code::<Step>(s)
                        .filter(|st| pt.steps().contains(st))
                        .or_else(|| pt.steps().iter().copied().find(|st| st.zh(pt) == s.trim()));
                    match found {
                        Some(st) => {
                            r.show("step", code(st));
                            Some(st)
                        }
                        None => {
                            let codes: Vec<String> = pt.steps().iter().map(|s| code(*s)).collect();
                            r.fail("step", "choice", s, Some(codes.join(", ")));
                            None
                        }
                    }
                }
                _ => None,
            };
            let since = r.instant("since", now);
            let rejections = match r.text("rejections") {
                None => Some(0),
                Some(v) => match v.parse::<u32>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        r.fail("rejections", "count", v, None);
                        None
                    }
                },
            };
            let note = r.text("note").unwrap_or("").to_string();
            match (order_id, pt, step, since, rejections) {
                (Some(o), Some(product_type), Some(step), Some(since), Some(rejections)) => {
                    Some(TrackerEntry::Step(StepEntry {
                        order_id: o.to_string(),
                        product_type,
                        step,
                        since,
                        rejections,
                        note,
                    }))
                }
                _ => None,
            }
        }
    };
    let ok = r.problems.is_empty();
    (PasteRow { row, values: r.values, problems: r.problems }, entry.filter(|_| ok))
}

/// A product type's codes, for the `choice` problem (filled in here, where the type is known).
fn product_type_codes() -> String {
    [
        ProductType::ManualService,
        ProductType::Hardware,
        ProductType::License2,
        ProductType::License1,
        ProductType::LicenseOffline,
        ProductType::SoftwarePackage,
        ProductType::AppOrchestration,
        ProductType::DataFile,
    ]
    .iter()
    .map(|p| code(*p))
    .collect::<Vec<_>>()
    .join(", ")
}

/// The store's refusal of an entry as a problem: an unknown order by its ID, any other rule with the field it
/// names and the store's wording of the rule (`rule`).
fn store_problem(row: u32, e: &StoreError) -> PasteProblem {
    match e {
        StoreError::NotFound(m) => {
            let id = m.split('`').nth(1).unwrap_or("");
            problem(row, "order_id", "unknown-order", id, None)
        }
        StoreError::Invalid(m) => {
            let field = m.field.replace("title.name", "title_name");
            let value = m.split('`').nth(1).unwrap_or("");
            let after =
                |pat: &str| m.split(pat).nth(1).and_then(|r| r.split([' ', '`']).next()).unwrap_or("").to_string();
            // The store's refusals a paste meets most, as codes the console words; any other keeps the store's
            // statement (`rule`).
            if m.contains("awaiting review and must not be invoiced") {
                // [KG §2]: an order with an unsubscription awaiting review is not invoiced.
                problem(row, "order_ids", "pending-unsubscription", &after("order "), None)
            } else if m.contains("only a negotiated unsubscription") {
                // [KG §4]: only a negotiated unsubscription (while supervision runs) waits for the review.
                problem(row, "order_id", "not-negotiated", value, Some(after("rule is ")))
            } else if m.contains("products have no service supervision") {
                // [KG §3].
                problem(row, "order_id", "no-supervision", value, Some(after(": ")))
            } else if field == "refund" {
                // [KG §4]: more than nothing, at most what was paid.
                problem(row, "refund", "refund-range", "", None)
            } else {
                problem(row, &field, "rule", value, Some(m.message.clone()))
            }
        }
        other => problem(row, "", "rule", "", Some(other.to_string())),
    }
}

/// A paste read: whether it had a header row, its rows, and the entries of the rows that read (with their index).
pub type Read = (bool, Vec<PasteRow>, Vec<(usize, TrackerEntry)>);

/// The rows of a paste read and checked, with the entries of the rows that read (by their index in the rows).
pub fn read(kind: PasteKind, text: &str, now: Instant) -> Result<Read, ApiError> {
    let mut rows = split_rows(text);
    if rows.is_empty() {
        return Err(ApiError::new(ErrorCode::PasteEmpty, "text: paste one or more rows"));
    }
    if rows.len() > MAX_ROWS + 1 {
        return Err(ApiError::new(ErrorCode::PasteTooMany, format!("text: at most {MAX_ROWS} rows at once")));
    }
    let header = header_columns(kind, &rows[0].1);
    let has_header = header.is_some();
    let columns: Vec<Option<&'static str>> = match header {
        Some(cols) => {
            rows.remove(0);
            cols
        }
        None => fields_of(kind).iter().map(|f| Some(*f)).collect(),
    };
    let mut out = Vec::with_capacity(rows.len());
    let mut entries = Vec::new();
    for (line, cells) in &rows {
        let mut named: Vec<(&'static str, &str)> = Vec::new();
        let mut extra = false;
        for (i, c) in cells.iter().enumerate() {
            match columns.get(i) {
                Some(Some(f)) => named.push((f, c.as_str())),
                Some(None) => {}
                None => extra |= !c.is_empty(),
            }
        }
        let (mut row, entry) = read_row(kind, *line, named, now);
        if extra {
            row.problems.push(problem(*line, "", "cells", "", Some(columns.len().to_string())));
        }
        for p in &mut row.problems {
            if p.code == "choice" && p.field.as_deref() == Some("product_type") {
                p.detail = Some(product_type_codes());
            }
        }
        if let Some(e) = entry.filter(|_| !extra) {
            entries.push((out.len(), e));
        }
        out.push(row);
    }
    Ok((has_header, out, entries))
}

/// Reads a paste and checks its rows against `store` with the single entry's rules, then records them (`commit`)
/// all or nothing — or the valid ones with `skip_invalid`; a preview (`commit` false) keeps nothing. What the
/// console's paste dialog and `koodesk track --paste` both run.
pub fn apply(
    store: &mut Store,
    kind: PasteKind,
    text: &str,
    skip_invalid: bool,
    r: &Recorder,
    commit: bool,
) -> Result<PasteReport, ApiError> {
    let (header, mut rows, entries) = read(kind, text, r.at)?;
    let batch: Vec<TrackerEntry> = entries.iter().map(|(_, e)| e.clone()).collect();
    let read_failed = rows.iter().any(|row| !row.problems.is_empty());
    // Nothing is written when a row did not even read, unless those are skipped.
    let write = commit && (skip_invalid || !read_failed);
    let outcome = store.record_batch(&batch, r, write, skip_invalid)?;
    let mut ids = Vec::new();
    for ((at, _), res) in entries.iter().zip(&outcome.results) {
        match res {
            Ok(id) => {
                if outcome.committed {
                    ids.push(id.clone().unwrap_or_else(|| rows[*at].values[0].clone()));
                }
            }
            Err(e) => {
                let row = rows[*at].row;
                rows[*at].problems.push(store_problem(row, e));
            }
        }
    }
    let invalid = rows.iter().filter(|r| !r.problems.is_empty()).count() as u32;
    Ok(PasteReport {
        kind,
        header,
        fields: fields_of(kind).iter().map(|f| f.to_string()).collect(),
        valid: rows.len() as u32 - invalid,
        invalid,
        rows,
        recorded: ids.len() as u32,
        ids,
    })
}

async fn run(ws: &Workspace, a: TrackPaste, commit: bool) -> Result<PasteReport, ApiError> {
    let r = recorder(ws)?;
    let report = ws.write(move |s| apply(s, a.kind, &a.text, a.skip_invalid, &r, commit)).await?;
    if report.recorded > 0 {
        ws.log.info(&format!("{} {} rows recorded from a paste", report.recorded, code(report.kind)));
        for id in &report.ids {
            to_gateway(ws, id).await?;
        }
    }
    Ok(report)
}

/// Reads and checks a paste and records nothing.
pub async fn preview(ws: &Workspace, a: TrackPaste) -> Result<PasteReport, ApiError> {
    run(ws, a, false).await
}

/// Records every row of a paste, or none if any is invalid, unless `skip_invalid`: then the valid ones.
pub async fn confirm(ws: &Workspace, a: TrackPaste) -> Result<PasteReport, ApiError> {
    run(ws, a, true).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Instant {
        time::parse_datetime("2026-11-30T12:00:00").expect("now")
    }

    #[test]
    fn tabs_or_commas_with_quotes_and_blank_lines() {
        let rows = split_rows("a\tb\t\"c\td\"\n\n e \t\"多\n行\"\r\n");
        assert_eq!(
            rows,
            vec![(1, vec!["a".to_string(), "b".into(), "c\td".into()]), (3, vec!["e".to_string(), "多\n行".into()]),]
        );
        let rows = split_rows("X1,\"1,234.50\",\"say \"\"hi\"\"\"");
        assert_eq!(rows, vec![(1, vec!["X1".to_string(), "1,234.50".into(), "say \"hi\"".into()])]);
    }

    #[test]
    fn a_header_row_maps_shuffled_columns_and_problems_name_row_field_and_value() {
        let text = "退订原因\t订单号\t退款金额（元）\t申请时间\n不再需要\tO1\t¥1,200.50\t2026/11/3 9:05\n\tO2\t1.234\t2026-13-01\n原因\tO3\t5\t2026-12-30 10:00";
        let (header, rows, entries) = read(PasteKind::Unsubscription, text, now()).expect("read");
        assert!(header);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].values, vec!["O1", "2026-11-03 09:05:00", "1200.50", "不再需要"]);
        assert!(rows[0].problems.is_empty());
        let codes: Vec<(u32, &str, &str, Option<&str>)> = rows[1]
            .problems
            .iter()
            .map(|p| (p.row, p.field.as_deref().unwrap_or(""), p.code.as_str(), p.value.as_deref()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (3, "requested_at", "date-time", Some("2026-13-01")),
                (3, "refund", "decimals", Some("1.234")),
                (3, "reason", "required", None),
            ]
        );
        assert_eq!(rows[2].problems[0].code, "future");
        assert_eq!(entries.len(), 1);
        let Some((0, TrackerEntry::Unsubscription(e))) = entries.first() else { panic!("{entries:?}") };
        assert_eq!(e.refund, Cny::exact("1200.50".parse().expect("d")).expect("cny"));
        assert_eq!(time::format_rfc3339(&e.requested_at), "2026-11-03T09:05:00+08:00");
    }

    #[test]
    fn invoice_rows_in_the_consoles_words_without_a_header() {
        let text = "O1 O2\t2026-11-20 10:00\t增值税专用发票\t数电\t企业\t某某科技有限公司\t91350100M000100Y43\n\
                    O3\t2026-11-20 10:00\t普票\t纸质\t个人\t张三\t91350100M000100Y43\n\
                    O4\t2026-11-20 10:00\t发票\t电子\t企业\t某某\t123";
        let (header, rows, entries) = read(PasteKind::InvoiceRequest, text, now()).expect("read");
        assert!(!header);
        assert_eq!(
            &rows[0].values[..6],
            ["O1 O2", "2026-11-20 10:00:00", "special", "fully-digital", "enterprise", "某某科技有限公司"]
        );
        assert_eq!(rows[1].problems[0].code, "person-taxpayer");
        let p: Vec<(&str, &str)> =
            rows[2].problems.iter().map(|p| (p.field.as_deref().unwrap_or(""), p.code.as_str())).collect();
        assert_eq!(p, vec![("kind", "choice"), ("taxpayer_id", "credit-code")]);
        assert_eq!(rows[2].problems[0].detail.as_deref(), Some("ordinary, special"));
        assert_eq!(entries.len(), 1);
        let special =
            read(PasteKind::InvoiceRequest, "O1\t2026-11-20 10:00\t专票\t数电\t个人\t张三", now()).expect("read");
        assert_eq!(special.1[0].problems[0].code, "special-needs-taxpayer");
        let Some((0, TrackerEntry::InvoiceRequest(e))) = entries.first() else { panic!("{entries:?}") };
        assert_eq!(e.order_ids, vec!["O1", "O2"]);
        assert_eq!((e.kind, e.medium), (InvoiceKind::Special, Medium::FullyDigital));
    }

    #[test]
    fn steps_by_code_or_by_the_consoles_name_for_the_product_type() {
        let text = "O1\thardware\t商家发货\t2026-11-20 10:00\t1\n\
                    O2\tmanual-service\tactivate-code\t2026-11-20 10:00\n\
                    O3\tlicense9\timplement\t2026-11-20 10:00\tmany\tx\ty";
        let (_, rows, entries) = read(PasteKind::Step, text, now()).expect("read");
        assert_eq!(entries.len(), 1);
        let Some((0, TrackerEntry::Step(e))) = entries.first() else { panic!("{entries:?}") };
        assert_eq!((e.step, e.rejections), (Step::Implement, 1));
        assert_eq!(rows[1].problems[0].code, "choice");
        assert!(rows[1].problems[0].detail.as_deref().unwrap_or("").starts_with("submit-requirements"));
        let p: Vec<&str> = rows[2].problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(p, vec!["choice", "count", "cells"]);
    }

    #[test]
    fn nothing_to_read_is_an_error() {
        assert_eq!(read(PasteKind::Step, " \n\t\n", now()).map(|_| ()).expect_err("empty").code, "paste-empty");
    }
}
