//! Drafting 数电票 from an invoice request: the rules applied, one draft per tax rate, lines with their tax
//! classification codes, net and tax per line, totals and the amount in capitals [KG §2].
//!
//! Rounding (documented choice): each line's tax is computed from its tax-inclusive amount,
//! `net = round(gross / (1 + rate))` half away from zero to the fen and `tax = gross − net`, so every line adds up
//! exactly. The invoice's 合计税额 is the **sum of the line taxes** — what the 数电票 face shows, since the face
//! must equal the sum of its lines — and 价税合计 is the sum of the line amounts, i.e. the order amounts. The tax
//! computed once on the total (`round(total / (1 + rate) × rate)`) can differ from the sum by a few fen on many-line
//! invoices; [`Draft::tax_on_total`] keeps it for comparison, and the tests pin the difference.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::capital;
use crate::catalog::TaxProduct;
use crate::credit_code::CreditCode;
use crate::invoice::{self, BuyerTitle, Channel, CourierPayer, InvoiceKind, InvoiceRefusal, Medium};
use crate::money::Cny;
use crate::tax::{split_gross, TaxSplit};
use crate::time::{self, Instant};

/// A 税收分类编码 (19 digits) and the short name the invoice prints between asterisks (e.g. `*信息技术服务*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxCode {
    pub code: String,
    pub short_name: String,
}

impl TaxCode {
    /// Checks the shape of a code: 19 digits.
    pub fn new(code: &str, short_name: &str) -> Result<TaxCode, String> {
        let code = code.trim();
        if code.len() != 19 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("tax_code `{code}`: a 税收分类编码 is 19 digits"));
        }
        if short_name.trim().is_empty() {
            return Err(format!("tax_code `{code}`: the short name (e.g. 信息技术服务) is empty"));
        }
        Ok(TaxCode { code: code.to_string(), short_name: short_name.trim().to_string() })
    }
}

/// Which 税收分类编码 each product is invoiced under: a default per tax product, overridden per product.
///
/// The defaults are the common codes for the three tax products (software: 应用软件; hardware: 计算机设备; IT
/// services: 信息系统服务) and are a starting point: the seller confirms them with their tax advisor and edits the
/// table, per product, where their goods are classified otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxCodeTable {
    pub defaults: BTreeMap<String, TaxCode>,
    /// By product ID.
    pub products: BTreeMap<String, TaxCode>,
}

impl Default for TaxCodeTable {
    fn default() -> TaxCodeTable {
        let code = |c: &str, n: &str| TaxCode { code: c.into(), short_name: n.into() };
        let mut defaults = BTreeMap::new();
        defaults.insert(TaxProduct::Software.as_str().to_string(), code("1060301020000000000", "软件"));
        defaults.insert(TaxProduct::Hardware.as_str().to_string(), code("1090511030000000000", "计算机设备"));
        defaults.insert(TaxProduct::Service.as_str().to_string(), code("3040203000000000000", "信息技术服务"));
        TaxCodeTable { defaults, products: BTreeMap::new() }
    }
}

impl TaxCodeTable {
    pub fn code_for(&self, product_id: &str, tax_product: TaxProduct) -> Option<&TaxCode> {
        self.products.get(product_id).or_else(|| self.defaults.get(tax_product.as_str()))
    }
}

/// A buyer in the seller's own list (imported from a CSV or XLSX file): what a draft fills in when the request
/// lacks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerEntry {
    pub title: String,
    pub taxpayer_id: Option<String>,
    pub address: Option<String>,
    pub bank: Option<String>,
}

/// The buyer as the request names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    pub title: String,
    /// 统一社会信用代码; validated when present.
    pub taxpayer_id: Option<String>,
    pub enterprise: bool,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub bank: Option<String>,
}

/// One order line to invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLine {
    pub order_line_id: String,
    pub product_id: String,
    pub product_name: String,
    pub tax_product: TaxProduct,
    /// The VAT rate of the tax product on the order's date [KG §1].
    pub rate: Decimal,
    /// Tax-inclusive.
    pub amount: Cny,
}

/// One order of the request, with what the rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceOrder {
    pub order_id: String,
    pub created_at: Instant,
    pub channel: Channel,
    pub amount: Cny,
    pub unsubscription_pending: bool,
    pub lines: Vec<SourceLine>,
}

/// An invoice request with its orders — KooGallery's request, or orders of one buyer the seller chose to invoice
/// together (then `id` is the batch's and `requested_at` is when the seller drafted: the 7-day clock runs from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: String,
    pub requested_at: Instant,
    pub kind: InvoiceKind,
    pub medium: Medium,
    pub buyer: Buyer,
    /// What the request asks to invoice; must equal the orders' amounts.
    pub amount: Cny,
    pub orders: Vec<SourceOrder>,
}

/// A line of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftLine {
    pub order_id: String,
    pub order_line_id: String,
    /// 项目名称 as printed: `*信息技术服务*Product name`.
    pub item: String,
    pub tax_code: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub quantity: Decimal,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount_net: Cny,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tax: Cny,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount_gross: Cny,
}

/// A draft invoice: one tax rate, the buyer, lines and totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Draft {
    pub request_id: String,
    pub kind: InvoiceKind,
    pub medium: Medium,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub rate: Decimal,
    pub buyer: DraftBuyer,
    pub lines: Vec<DraftLine>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total_net: Cny,
    /// 合计税额: the sum of the line taxes (see the module's rounding note).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total_tax: Cny,
    /// 价税合计.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total_gross: Cny,
    /// 价税合计 in capitals (大写).
    pub total_gross_words: String,
    /// Tax computed once on `total_gross`, for comparison; the invoice shows `total_tax`.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tax_on_total: Cny,
    pub courier_payer: CourierPayer,
    /// Request time + 7 × 24 h [KG §2].
    pub due_at: String,
    /// 备注: the order IDs.
    pub remarks: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftBuyer {
    pub title: String,
    pub taxpayer_id: Option<String>,
    pub address: Option<String>,
    pub bank: Option<String>,
}

/// Why a request cannot be drafted: a rule of [KG §2], or input that names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("order {order_id}: {refusal}")]
    Refused { order_id: String, refusal: InvoiceRefusal },
    #[error("{0}")]
    Refusal(InvoiceRefusal),
    #[error("buyer.taxpayer_id `{value}`: {why}")]
    TaxpayerId { value: String, why: String },
    #[error("buyer.title is empty: an invoice is made out to a name")]
    NoTitle,
    #[error("request {0} has no orders")]
    NoOrders(String),
    #[error("order {order_id}: its lines add up to {lines}, the order amount is {order}")]
    LinesDisagree { order_id: String, lines: Cny, order: Cny },
    #[error("product {product_id}: no 税收分类编码 for it or for its tax product {tax_product}; add one to the table")]
    NoTaxCode { product_id: String, tax_product: String },
    #[error("the amount {0} is too large to write in capitals")]
    TooLarge(Cny),
}

fn buyer_title(b: &Buyer) -> Result<(BuyerTitle, Option<String>), DraftError> {
    let name = b.title.trim().to_string();
    if name.is_empty() {
        return Err(DraftError::NoTitle);
    }
    let id = match b.taxpayer_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<CreditCode>().map_err(|e| DraftError::TaxpayerId { value: v.to_string(), why: e.to_string() })?,
        ),
    };
    let shown = id.as_ref().map(|c| c.as_str().to_string());
    let title =
        if b.enterprise { BuyerTitle::Enterprise { name, taxpayer_id: id } } else { BuyerTitle::Person { name } };
    Ok((title, shown))
}

/// Whether the merchant may invoice this order at all: not one Huawei Cloud invoices, no unsubscription awaiting
/// review, lines that add up to the order amount [KG §2].
pub fn check_order(o: &SourceOrder) -> Result<(), DraftError> {
    let order = invoice::InvoiceableOrder {
        order_id: o.order_id.clone(),
        created_at: o.created_at,
        channel: o.channel,
        amount: o.amount,
        unsubscription_pending: o.unsubscription_pending,
    };
    invoice::check_invoiceable(&order, o.amount)
        .map_err(|refusal| DraftError::Refused { order_id: o.order_id.clone(), refusal })?;
    let lines: Cny = o.lines.iter().map(|l| l.amount).sum();
    if lines != o.amount {
        return Err(DraftError::LinesDisagree { order_id: o.order_id.clone(), lines, order: o.amount });
    }
    Ok(())
}

/// Builds the drafts of a request — one per tax rate — or says which rule forbids it [KG §2].
pub fn draft(req: &Request, codes: &TaxCodeTable) -> Result<Vec<Draft>, DraftError> {
    let (title, taxpayer_id) = buyer_title(&req.buyer)?;
    invoice::check_kind(&title, req.kind).map_err(DraftError::Refusal)?;
    if req.orders.is_empty() {
        return Err(DraftError::NoOrders(req.id.clone()));
    }
    let orders_total: Cny = req.orders.iter().map(|o| o.amount).sum();
    if orders_total != req.amount {
        return Err(DraftError::Refusal(InvoiceRefusal::AmountMismatch { requested: req.amount, order: orders_total }));
    }
    for o in &req.orders {
        check_order(o)?;
    }
    let all = req.orders.iter().flat_map(|o| o.lines.iter().map(move |l| (o, l)));
    let groups = invoice::group_by_rate(all, |(_, l)| l.rate);
    let mut drafts = Vec::new();
    for (rate, lines) in groups {
        let mut out = Vec::new();
        for (o, l) in &lines {
            let code = codes.code_for(&l.product_id, l.tax_product).ok_or_else(|| DraftError::NoTaxCode {
                product_id: l.product_id.clone(),
                tax_product: l.tax_product.as_str().to_string(),
            })?;
            let TaxSplit { net, tax, .. } = split_gross(l.amount, rate);
            out.push(DraftLine {
                order_id: o.order_id.clone(),
                order_line_id: l.order_line_id.clone(),
                item: format!("*{}*{}", code.short_name, l.product_name),
                tax_code: code.code.clone(),
                quantity: Decimal::ONE,
                amount_net: net,
                tax,
                amount_gross: l.amount,
            });
        }
        let total_gross: Cny = out.iter().map(|l| l.amount_gross).sum();
        let total_tax: Cny = out.iter().map(|l| l.tax).sum();
        let total_net: Cny = out.iter().map(|l| l.amount_net).sum();
        let words = capital::to_capital(total_gross).map_err(|_| DraftError::TooLarge(total_gross))?;
        let mut order_ids: Vec<&str> = out.iter().map(|l| l.order_id.as_str()).collect();
        order_ids.dedup();
        drafts.push(Draft {
            request_id: req.id.clone(),
            kind: req.kind,
            medium: req.medium,
            rate,
            buyer: DraftBuyer {
                title: req.buyer.title.trim().to_string(),
                taxpayer_id: taxpayer_id.clone(),
                address: req.buyer.address.clone(),
                bank: req.buyer.bank.clone(),
            },
            total_net,
            total_tax,
            total_gross,
            total_gross_words: words,
            tax_on_total: split_gross(total_gross, rate).tax,
            courier_payer: invoice::courier_payer(req.medium, total_gross),
            due_at: time::format_rfc3339(&invoice::due_at(req.requested_at)),
            remarks: format!("订单号 {}", order_ids.join(", ")),
            lines: out,
        });
    }
    Ok(drafts)
}

/// A 数电票 number: 20 digits — the two-digit year, the seller's 8-digit series code, a 10-digit sequence.
pub fn invoice_number(year: i32, series: &str, sequence: u64) -> Result<String, String> {
    if series.len() != 8 || !series.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("series `{series}`: 8 digits"));
    }
    if sequence == 0 || sequence >= 10_000_000_000 {
        return Err(format!("sequence {sequence}: 1 to 9999999999"));
    }
    Ok(format!("{:02}{series}{sequence:010}", year.rem_euclid(100)))
}

/// Checks a number recorded from the tax system: 20 digits.
pub fn check_number(number: &str) -> Result<(), String> {
    if number.len() == 20 && number.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("number `{number}`: a 数电票 number is 20 digits"))
    }
}

/// The red-letter (红字) draft against an issued invoice: the same lines negated, for the reason given; the other
/// side confirms within 72 hours or the form lapses [KG §2].
pub fn red_letter(original: &Draft) -> Result<Draft, DraftError> {
    let lines: Vec<DraftLine> = original
        .lines
        .iter()
        .map(|l| DraftLine {
            quantity: -l.quantity,
            amount_net: -l.amount_net,
            tax: -l.tax,
            amount_gross: -l.amount_gross,
            ..l.clone()
        })
        .collect();
    let total_gross = -original.total_gross;
    let words = capital::to_capital(original.total_gross).map_err(|_| DraftError::TooLarge(original.total_gross))?;
    Ok(Draft {
        lines,
        total_net: -original.total_net,
        total_tax: -original.total_tax,
        total_gross,
        total_gross_words: format!("（负数）{words}"),
        tax_on_total: -original.tax_on_total,
        ..original.clone()
    })
}

/// Who pays the courier for a paper invoice, as the draft and the inbox show it.
pub fn courier_note(payer: CourierPayer) -> &'static str {
    match payer {
        CourierPayer::Customer => "纸质发票票面金额不足100元，快递费由客户到付",
        CourierPayer::Merchant => "快递费由商家承担",
        CourierPayer::None => "电子发票，无需邮寄",
    }
}

#[cfg(test)]
mod tests;
