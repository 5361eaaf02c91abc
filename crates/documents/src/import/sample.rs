//! A synthetic 订单列表 export, as the Seller Console might write it (`REAL-DATA.md` §2): a title row and a blank
//! row above a header of Chinese names, 15 columns (two amounts: 应付金额 and 实付金额, the latter being what an
//! order's amount is), amounts as numbers with a `¥` format or as `¥1,234.50` text, dates as date cells or as
//! `2026-11-03 14:02:11`, `2026/11/3 9:05:00` or `20261103140211` text, some orders never paid or cancelled, and a
//! 合计 row at the end. Seeded: the same seed gives the same file. For tests and the import benchmark.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{OrderRecord, OrderState, OrderType};
use koodesk_domain::time::{self, Instant};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Why a sample could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("writing the sample workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("writing the sample CSV: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the sample CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// The sample's header row (row 3 of the file).
pub const HEADERS: [&str; 15] = [
    "订单号",
    "订单项ID",
    "客户名称",
    "用户名",
    "商品名称",
    "商品ID",
    "规格",
    "订单类型",
    "计费模式",
    "接入类型",
    "订单状态",
    "创建时间",
    "支付时间",
    "应付金额（元）",
    "实付金额（元）",
];

/// The spreadsheet row of the header; data starts on the next row.
pub const HEADER_ROW: usize = 3;

/// One generated row.
#[derive(Debug, Clone)]
pub struct SampleOrder {
    /// What the row reads back as. `record.status` is meaningful only for a sale.
    pub record: OrderRecord,
    /// 订单状态 as written.
    pub status: &'static str,
    /// Whether the row is a sale (the others are 待支付 or 已取消, and skipped on import).
    pub sale: bool,
    /// 应付金额: the amount before the discount.
    pub payable: Cny,
}

/// splitmix64: small, seeded, good enough to vary a sample.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index chosen by weight.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut r = self.below(weights.iter().sum());
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        0
    }
}

const BUYERS: &[(&str, &str)] = &[
    ("杭州云帆科技有限公司", "hw_yunfan01"),
    ("上海数智信息技术有限公司", "shuzhi_sh"),
    ("深圳前海星辰软件有限公司", "xingchen-sz"),
    ("北京明德教育科技有限公司", "mingde_edu"),
    ("成都天府智慧城市运营有限公司", "tianfu_city"),
    ("武汉光谷生物医药有限公司", "gg_bio"),
    ("南京紫金山数据服务有限公司", "zijin_data"),
    ("广州岭南物流集团有限公司", "lingnan-logi"),
    ("个人用户 王磊", "wanglei_1988"),
    ("西安秦川制造有限公司", "qinchuan_mfg"),
];

struct Product {
    name: &'static str,
    id: &'static str,
    access: AccessType,
    modes: &'static [BillingMode],
    skus: &'static [&'static str],
}

const PRODUCTS: &[Product] = &[
    Product {
        name: "云眼视频监控平台",
        id: "00301-112233-0--0",
        access: AccessType::Saas,
        modes: &[BillingMode::Period, BillingMode::PerCall],
        skus: &["基础版", "专业版", "企业版"],
    },
    Product {
        name: "智能客服机器人",
        id: "00301-245871-0--0",
        access: AccessType::Saas,
        modes: &[BillingMode::Period],
        skus: &["标准版 10坐席", "高级版 50坐席"],
    },
    Product {
        name: "数据库审计系统 License",
        id: "00302-558120-0--0",
        access: AccessType::License,
        modes: &[BillingMode::OneTime, BillingMode::Period],
        skus: &["永久授权", "1年授权"],
    },
    Product {
        name: "WordPress 建站镜像",
        id: "00303-600711-0--0",
        access: AccessType::Image,
        modes: &[BillingMode::Period],
        skus: &["2vCPU 4GB", "4vCPU 8GB"],
    },
    Product {
        name: "OCR 文字识别 API",
        id: "00305-713002-0--0",
        access: AccessType::Api,
        modes: &[BillingMode::PerCall, BillingMode::PerCallPackage],
        skus: &["1万次", "10万次"],
    },
    Product {
        name: "上云迁移实施服务",
        id: "00306-820045-0--0",
        access: AccessType::ManualService,
        modes: &[BillingMode::OneTime],
        skus: &["标准迁移", "复杂迁移"],
    },
    Product {
        name: "边缘计算网关",
        id: "00304-901234-0--0",
        access: AccessType::Hardware,
        modes: &[BillingMode::OneTime],
        skus: &["EG-100"],
    },
];

/// 订单状态 texts, their weights, and what they read as (`None`: not a sale).
const STATES: &[(&str, u64, Option<OrderState>)] = &[
    ("已完成", 60, Some(OrderState::Completed)),
    ("处理中", 9, Some(OrderState::InProgress)),
    ("服务中", 8, Some(OrderState::InProgress)),
    ("已退订", 7, Some(OrderState::Refunded)),
    ("待支付", 9, None),
    ("已取消", 7, None),
];

const TYPES: &[(OrderType, u64)] = &[
    (OrderType::New, 60),
    (OrderType::Renew, 20),
    (OrderType::Change, 8),
    (OrderType::Trial, 5),
    (OrderType::TrialToFormal, 4),
    (OrderType::Unsubscribe, 3),
];

const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

/// The rows of a sample, lazily: orders of one to three lines, each line a row.
pub fn orders(rows: usize, seed: u64) -> impl Iterator<Item = SampleOrder> {
    let mut rng = Rng(seed);
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default();
    let mut current: Option<SampleOrder> = None;
    let (mut count, mut left, mut line) = (0u64, 0u32, 0u32);
    (0..rows).map(move |_| {
        let mut order = match &current {
            Some(o) if left > 0 => o.clone(),
            _ => {
                let o = new_order(&mut rng, start, count);
                count += 1;
                left = 1 + rng.weighted(&[70, 20, 10]) as u32;
                line = 0;
                current = Some(o.clone());
                o
            }
        };
        left -= 1;
        line += 1;
        // Each line: its own number, SKU and amounts.
        order.record.order_line_id = Some(format!("{}-{line:06}", order.record.order_id));
        if let Some(p) = PRODUCTS.iter().find(|p| Some(p.id) == order.record.product_id.as_deref()) {
            order.record.sku = Some(rng.pick(p.skus).to_string());
        }
        let (amount, payable) = amounts(&mut rng, order.record.order_type);
        order.record.amount = amount;
        order.payable = payable;
        order
    })
}

/// A new order; the `n`th order's number is unique (its suffix is `n` scrambled, base 34).
fn new_order(rng: &mut Rng, start: NaiveDateTime, n: u64) -> SampleOrder {
    let created = start + chrono::Duration::seconds(rng.below(330 * 86_400) as i64);
    let (status, _, reading) = STATES[rng.weighted(&STATES.iter().map(|s| s.1).collect::<Vec<_>>())];
    let order_type = TYPES[rng.weighted(&TYPES.iter().map(|t| t.1).collect::<Vec<_>>())].0;
    let product = rng.pick(PRODUCTS);
    let (buyer, account) = *rng.pick(BUYERS);
    let base = ALNUM.len() as u64;
    let mut code = n.wrapping_mul(7_919) % base.pow(5);
    let suffix: String = (0..5)
        .map(|_| {
            let c = ALNUM[(code % base) as usize] as char;
            code /= base;
            c
        })
        .collect();
    let order_id = format!("CS{}{suffix}", created.format("%y%m%d%H%M"));
    let paid = reading.map(|_| created + chrono::Duration::seconds(5 + rng.below(3_600) as i64));
    SampleOrder {
        record: OrderRecord {
            order_id,
            order_line_id: None,
            buyer_name: Some(buyer.to_string()),
            buyer_account: Some(account.to_string()),
            product_name: product.name.to_string(),
            product_id: Some(product.id.to_string()),
            sku: None,
            created_at: time::at_beijing(created),
            paid_at: paid.map(time::at_beijing),
            status: reading.unwrap_or(OrderState::InProgress),
            order_type,
            billing_mode: *rng.pick(product.modes),
            access_type: product.access,
            amount: Cny::ZERO,
        },
        status,
        sale: reading.is_some(),
        payable: Cny::ZERO,
    }
}

/// 实付金额 and 应付金额: a trial is free; otherwise ¥1 to ¥50,000 (sometimes up to ¥2,000,000), less a discount
/// of up to 20%.
fn amounts(rng: &mut Rng, order_type: OrderType) -> (Cny, Cny) {
    if order_type == OrderType::Trial {
        return (Cny::ZERO, Cny::ZERO);
    }
    let payable = if rng.below(50) == 0 { 100 + rng.below(200_000_000) } else { 100 + rng.below(5_000_000) };
    let discount = if rng.below(3) == 0 { payable * rng.below(21) / 100 } else { 0 };
    (Cny::from_fen((payable - discount) as i64), Cny::from_fen(payable as i64))
}

/// `¥1,234.50`.
pub fn yuan_text(a: Cny) -> String {
    let s = a.to_string();
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}¥{grouped}.{frac}")
}

/// How a date is written in one row.
#[derive(Clone, Copy)]
enum DateStyle {
    Cell,
    Dashes,
    Slashes,
    Digits,
}

fn date_text(t: &Instant, style: DateStyle) -> String {
    let b = t.naive_local();
    match style {
        DateStyle::Cell | DateStyle::Dashes => b.format("%Y-%m-%d %H:%M:%S").to_string(),
        DateStyle::Slashes => {
            format!("{}/{}/{} {}:{:02}:{:02}", b.year(), b.month(), b.day(), b.hour(), b.minute(), b.second())
        }
        DateStyle::Digits => b.format("%Y%m%d%H%M%S").to_string(),
    }
}

fn date_style(rng: &mut Rng, xlsx: bool) -> DateStyle {
    match rng.weighted(&[if xlsx { 4 } else { 0 }, 3, 2, 1]) {
        0 => DateStyle::Cell,
        1 => DateStyle::Dashes,
        2 => DateStyle::Slashes,
        _ => DateStyle::Digits,
    }
}

const PERIOD_WORDS: [&str; 3] = ["包年/包月", "包周期", "包月"];

fn billing_text(rng: &mut Rng, m: BillingMode) -> &'static str {
    match m {
        BillingMode::Period => PERIOD_WORDS[rng.below(PERIOD_WORDS.len() as u64) as usize],
        other => other.zh(),
    }
}

/// One row's cells as text, with which of them are written as date cells or numbers in a workbook.
struct RowOut {
    text: [String; 15],
    created_cell: bool,
    paid_cell: bool,
    amount_number: bool,
}

fn row_out(o: &SampleOrder, style: &mut Rng, xlsx: bool) -> RowOut {
    let r = &o.record;
    let created = date_style(style, xlsx);
    let paid = date_style(style, xlsx);
    let amount_number = xlsx && style.below(2) == 0;
    let amount_text = if style.below(3) == 0 { r.amount.to_string() } else { yuan_text(r.amount) };
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    RowOut {
        text: [
            r.order_id.clone(),
            opt(&r.order_line_id),
            opt(&r.buyer_name),
            opt(&r.buyer_account),
            r.product_name.clone(),
            opt(&r.product_id),
            opt(&r.sku),
            r.order_type.zh().to_string(),
            billing_text(style, r.billing_mode).to_string(),
            r.access_type.zh().to_string(),
            o.status.to_string(),
            date_text(&r.created_at, created),
            r.paid_at.as_ref().map(|p| date_text(p, paid)).unwrap_or_default(),
            o.payable.to_string(),
            amount_text,
        ],
        created_cell: matches!(created, DateStyle::Cell),
        paid_cell: matches!(paid, DateStyle::Cell) && r.paid_at.is_some(),
        amount_number,
    }
}

fn excel_date(t: &Instant) -> Result<rust_xlsxwriter::ExcelDateTime, XlsxError> {
    let b = t.naive_local();
    rust_xlsxwriter::ExcelDateTime::from_ymd(b.year() as u16, b.month() as u8, b.day() as u8)?.and_hms(
        b.hour() as u16,
        b.minute() as u8,
        b.second(),
    )
}

fn fen_f64(a: Cny) -> f64 {
    a.to_fen().unwrap_or_default() as f64 / 100.0
}

/// Writes a sample 订单列表 workbook of `rows` data rows.
pub fn orders_xlsx(path: &Path, rows: usize, seed: u64) -> Result<(), SampleError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("订单列表")?;
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let money = Format::new().set_num_format("¥#,##0.00");
    ws.write_string(0, 0, "订单列表")?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(2, c as u16, *h)?;
    }
    let mut style = Rng(seed ^ 0x5eed_f00d);
    let mut total = Cny::ZERO;
    let mut r = HEADER_ROW as u32;
    for o in orders(rows, seed) {
        let out = row_out(&o, &mut style, true);
        for (c, text) in out.text.iter().enumerate() {
            let c16 = c as u16;
            match c {
                11 if out.created_cell => {
                    ws.write_datetime_with_format(r, c16, excel_date(&o.record.created_at)?, &date)?;
                }
                12 if out.paid_cell => {
                    if let Some(p) = &o.record.paid_at {
                        ws.write_datetime_with_format(r, c16, excel_date(p)?, &date)?;
                    }
                }
                13 => {
                    ws.write_number_with_format(r, c16, fen_f64(o.payable), &money)?;
                }
                14 if out.amount_number => {
                    ws.write_number_with_format(r, c16, fen_f64(o.record.amount), &money)?;
                }
                _ if text.is_empty() => {}
                _ => {
                    ws.write_string(r, c16, text)?;
                }
            }
        }
        if o.sale {
            total = total + o.record.amount;
        }
        r += 1;
    }
    ws.write_string(r, 0, "合计")?;
    ws.write_number_with_format(r, 14, fen_f64(total), &money)?;
    wb.save(path)?;
    Ok(())
}

/// Writes a sample 订单列表 CSV (UTF-8 with a BOM, as Excel's "CSV UTF-8") of `rows` data rows.
pub fn orders_csv(path: &Path, rows: usize, seed: u64) -> Result<(), SampleError> {
    let mut file = BufWriter::new(File::create(path)?);
    file.write_all(b"\xef\xbb\xbf")?;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(file);
    w.write_record(["订单列表"])?;
    w.write_record([""])?;
    w.write_record(HEADERS)?;
    let mut style = Rng(seed ^ 0x5eed_f00d);
    let mut total = Cny::ZERO;
    for o in orders(rows, seed) {
        let out = row_out(&o, &mut style, false);
        w.write_record(&out.text)?;
        if o.sale {
            total = total + o.record.amount;
        }
    }
    let mut last = vec![String::new(); 15];
    last[0] = "合计".to_string();
    last[14] = yuan_text(total);
    w.write_record(&last)?;
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_yuan() {
        assert_eq!(yuan_text(Cny::from_fen(123_450)), "¥1,234.50");
        assert_eq!(yuan_text(Cny::from_fen(5)), "¥0.05");
        assert_eq!(yuan_text(Cny::from_fen(-123_456_789)), "-¥1,234,567.89");
        assert_eq!(yuan_text(Cny::from_fen(100_000)), "¥1,000.00");
    }

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        let a: Vec<String> = orders(50, 7).map(|o| o.record.order_line_id.unwrap_or_default()).collect();
        let b: Vec<String> = orders(50, 7).map(|o| o.record.order_line_id.unwrap_or_default()).collect();
        assert_eq!(a, b);
        let mut unique = a.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), a.len(), "line IDs are unique");
        assert!(a.iter().any(|l| l.ends_with("-000002")), "some orders have several lines");
    }
}
