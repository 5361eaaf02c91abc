//! The fields a Seller Console export can hold, the headers each is recognised by, and which fields each kind of
//! export reads and requires. KooGallery does not publish the exports' headers (`REAL-DATA.md` §2), so a header is
//! recognised by name with aliases, after normalising the spellings a spreadsheet tends to carry: spaces,
//! full-width brackets and letters, a trailing unit such as `（元）`, ASCII case.

use koodesk_domain::seller_export::ExportKind;
use serde::Serialize;

use super::ImportError;

/// A field of an export row: what a column means once recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    OrderId,
    OrderLineId,
    BuyerName,
    BuyerAccount,
    ProductName,
    ProductId,
    Sku,
    CreatedAt,
    PaidAt,
    Status,
    OrderType,
    BillingMode,
    AccessType,
    Amount,
    Period,
    BillStatus,
    SupervisionStatus,
    RepaymentStatus,
    PlatformFee,
    MerchantShare,
    BillId,
}

/// How many fields there are: the length of per-field arrays.
pub(crate) const FIELD_COUNT: usize = 21;

impl Field {
    pub const ALL: [Field; FIELD_COUNT] = [
        Field::OrderId,
        Field::OrderLineId,
        Field::BuyerName,
        Field::BuyerAccount,
        Field::ProductName,
        Field::ProductId,
        Field::Sku,
        Field::CreatedAt,
        Field::PaidAt,
        Field::Status,
        Field::OrderType,
        Field::BillingMode,
        Field::AccessType,
        Field::Amount,
        Field::Period,
        Field::BillStatus,
        Field::SupervisionStatus,
        Field::RepaymentStatus,
        Field::PlatformFee,
        Field::MerchantShare,
        Field::BillId,
    ];

    /// The snake_case name `--map` and `--set` take (`order_id`), and JSON's.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::OrderId => "order_id",
            Field::OrderLineId => "order_line_id",
            Field::BuyerName => "buyer_name",
            Field::BuyerAccount => "buyer_account",
            Field::ProductName => "product_name",
            Field::ProductId => "product_id",
            Field::Sku => "sku",
            Field::CreatedAt => "created_at",
            Field::PaidAt => "paid_at",
            Field::Status => "status",
            Field::OrderType => "order_type",
            Field::BillingMode => "billing_mode",
            Field::AccessType => "access_type",
            Field::Amount => "amount",
            Field::Period => "period",
            Field::BillStatus => "bill_status",
            Field::SupervisionStatus => "supervision_status",
            Field::RepaymentStatus => "repayment_status",
            Field::PlatformFee => "platform_fee",
            Field::MerchantShare => "merchant_share",
            Field::BillId => "bill_id",
        }
    }

    /// The header the Seller Console most likely gives the field (the first of its aliases).
    pub fn zh(self) -> &'static str {
        self.aliases()[0]
    }

    /// The headers the field is recognised by, as the console would write them; matching also ignores spaces,
    /// full-width forms, a trailing unit and ASCII case (see [`normalise`]). The field's own name
    /// ([`Field::as_str`]) is recognised too.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::OrderId => &["订单号", "订单编号", "订单ID"],
            Field::OrderLineId => &["订单项ID", "订单行号"],
            Field::BuyerName => &["客户名称", "客户", "买家"],
            Field::BuyerAccount => &["客户账号", "用户名", "账号名"],
            Field::ProductName => &["商品名称", "商品", "产品名称"],
            Field::ProductId => &["商品ID", "产品ID"],
            Field::Sku => &["规格", "SKU", "规格名称"],
            Field::CreatedAt => &["创建时间", "下单时间", "订购时间"],
            Field::PaidAt => &["支付时间"],
            Field::Status => &["订单状态", "状态"],
            Field::OrderType => &["订单类型"],
            Field::BillingMode => &["计费模式", "计费方式"],
            Field::AccessType => &["接入类型", "商品类型", "交付类型"],
            // When a file has several, 实付金额 is preferred (see `amount_rank`).
            Field::Amount => &["订单金额", "实付金额", "交易金额", "应付金额", "金额"],
            Field::Period => &["账期"],
            Field::BillStatus => &["出账状态"],
            Field::SupervisionStatus => &["服务监管状态"],
            Field::RepaymentStatus => &["客户还款状态"],
            Field::PlatformFee => &["平台服务费"],
            Field::MerchantShare => &["商家分成"],
            Field::BillId => &["账单号", "账单ID", "账单编号"],
        }
    }

    /// Reads a field name as `--map` and `--set` give it: `order_id` (or `order-id`, any ASCII case), or one of
    /// the field's Chinese headers.
    pub fn parse(s: &str) -> Result<Field, ImportError> {
        let t = s.trim();
        let snake = t.replace('-', "_").to_ascii_lowercase();
        let norm = normalise(t);
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == snake)
            .or_else(|| Field::ALL.iter().copied().find(|f| f.aliases().iter().any(|a| normalise(a) == norm)))
            .ok_or_else(|| ImportError::UnknownField { value: s.to_string(), fields: field_list() })
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `order_id (订单号), order_line_id (订单项ID), …`: every field, for messages.
pub(crate) fn field_list() -> String {
    Field::ALL.iter().map(|f| format!("{} ({})", f.as_str(), f.zh())).collect::<Vec<_>>().join(", ")
}

/// The fields a kind of export reads; a column recognised as another field is ignored.
pub fn fields_of(kind: ExportKind) -> &'static [Field] {
    use Field as F;
    match kind {
        ExportKind::Orders => &[
            F::OrderId,
            F::OrderLineId,
            F::BuyerName,
            F::BuyerAccount,
            F::ProductName,
            F::ProductId,
            F::Sku,
            F::CreatedAt,
            F::PaidAt,
            F::Status,
            F::OrderType,
            F::BillingMode,
            F::AccessType,
            F::Amount,
        ],
        ExportKind::Transactions => &[
            F::OrderId,
            F::OrderLineId,
            F::ProductName,
            F::BuyerAccount,
            F::CreatedAt,
            F::Amount,
            F::Period,
            F::BillStatus,
            F::SupervisionStatus,
            F::RepaymentStatus,
        ],
        ExportKind::Bills => &[F::BillId, F::Period, F::Amount, F::PlatformFee, F::MerchantShare, F::Status],
        ExportKind::BillLines => &[
            F::Period,
            F::BillId,
            F::OrderId,
            F::OrderLineId,
            F::ProductName,
            F::Amount,
            F::PlatformFee,
            F::MerchantShare,
        ],
    }
}

/// The fields every row of a kind of export must have, from a column or from `--set`.
pub fn required(kind: ExportKind) -> &'static [Field] {
    use Field as F;
    match kind {
        ExportKind::Orders => &[
            F::OrderId,
            F::ProductName,
            F::CreatedAt,
            F::Status,
            F::OrderType,
            F::BillingMode,
            F::AccessType,
            F::Amount,
        ],
        ExportKind::Transactions => &[F::OrderId, F::Amount],
        ExportKind::Bills => &[F::Period, F::Amount],
        ExportKind::BillLines => &[F::Period, F::OrderId, F::Amount],
    }
}

/// A header reduced to what recognition compares: no BOM, no whitespace (half- or full-width), full-width ASCII
/// forms (`（`, `Ｉ`, `：`) as ASCII, ASCII lower-case, no trailing colon or required-marker `*`.
pub fn normalise(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars() {
        let c = match c {
            '\u{feff}' => continue,
            c if c.is_whitespace() => continue,
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '【' => '[',
            '】' => ']',
            c => c,
        };
        out.push(c.to_ascii_lowercase());
    }
    let trimmed = out.trim_end_matches([':', '*']).trim_start_matches('*');
    if trimmed.len() != out.len() {
        out = trimmed.to_string();
    }
    out
}

/// A normalised header without a trailing bracketed unit or note: `订单金额(元)` → `订单金额`.
pub(crate) fn strip_unit(norm: &str) -> Option<&str> {
    let open = match norm.chars().last()? {
        ')' => '(',
        ']' => '[',
        _ => return None,
    };
    let at = norm.rfind(open)?;
    let base = &norm[..at];
    (!base.is_empty()).then_some(base)
}

/// The field a header names for a kind of export, with its rank (lower is preferred when several columns name the
/// same field — only amounts have ranks: 实付金额, then 订单金额/交易金额, then 应付金额, then 金额).
pub(crate) fn recognise(header: &str, kind: ExportKind) -> Option<(Field, u8)> {
    let norm = normalise(header);
    if norm.is_empty() {
        return None;
    }
    lookup(&norm, kind).or_else(|| strip_unit(&norm).and_then(|base| lookup(base, kind)))
}

fn lookup(norm: &str, kind: ExportKind) -> Option<(Field, u8)> {
    // 账单状态 is what 交易明细 calls 出账状态 in its filters (REAL-DATA.md §2); on a bill it is the bill's own state.
    if norm == "账单状态" {
        return match kind {
            ExportKind::Transactions => Some((Field::BillStatus, 0)),
            ExportKind::Bills => Some((Field::Status, 0)),
            _ => None,
        };
    }
    let used = fields_of(kind);
    for &field in used {
        if field.as_str() == norm {
            return Some((field, 0));
        }
        if let Some(i) = field.aliases().iter().position(|a| alias_norm(a) == norm) {
            let rank = if field == Field::Amount { amount_rank(field.aliases()[i]) } else { 0 };
            return Some((field, rank));
        }
    }
    None
}

/// Aliases are written as the console shows them; compare them normalised (only ASCII letters change).
fn alias_norm(alias: &str) -> std::borrow::Cow<'_, str> {
    if alias.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(alias.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(alias)
    }
}

/// The preference among amount headers: 实付金额 (what the buyer paid), then 订单金额 and 交易金额, then 应付金额,
/// then a bare 金额.
fn amount_rank(alias: &str) -> u8 {
    match alias {
        "实付金额" => 0,
        "订单金额" | "交易金额" => 1,
        "应付金额" => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_through_their_spellings() {
        let k = ExportKind::Orders;
        assert_eq!(recognise(" 订单号 ", k), Some((Field::OrderId, 0)));
        assert_eq!(recognise("订单 号", k), Some((Field::OrderId, 0)));
        assert_eq!(recognise("订单金额（元）", k), Some((Field::Amount, 1)));
        assert_eq!(recognise("实付金额(元)", k), Some((Field::Amount, 0)));
        assert_eq!(recognise("金额【元】", k), Some((Field::Amount, 3)));
        assert_eq!(recognise("sku", k), Some((Field::Sku, 0)));
        assert_eq!(recognise("ＳＫＵ", k), Some((Field::Sku, 0)));
        assert_eq!(recognise("订单id", k), Some((Field::OrderId, 0)));
        assert_eq!(recognise("订单项ID", k), Some((Field::OrderLineId, 0)));
        assert_eq!(recognise("创建时间：", k), Some((Field::CreatedAt, 0)));
        assert_eq!(recognise("order_id", k), Some((Field::OrderId, 0)));
        assert_eq!(recognise("备注", k), None);
        assert_eq!(recognise("(元)", k), None);
        // A field the kind does not read is not recognised.
        assert_eq!(recognise("账期", k), None);
        assert_eq!(recognise("账期", ExportKind::Bills), Some((Field::Period, 0)));
        assert_eq!(recognise("账单状态", ExportKind::Transactions), Some((Field::BillStatus, 0)));
        assert_eq!(recognise("账单状态", ExportKind::Bills), Some((Field::Status, 0)));
    }

    #[test]
    fn field_names_parse_and_unknown_ones_list_the_fields() {
        assert_eq!(Field::parse("access_type").ok(), Some(Field::AccessType));
        assert_eq!(Field::parse("Access-Type").ok(), Some(Field::AccessType));
        assert_eq!(Field::parse("接入类型").ok(), Some(Field::AccessType));
        let e = Field::parse("price").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("`price`") && e.contains("amount (订单金额)") && e.contains("bill_id"), "{e}");
        for f in Field::ALL {
            assert_eq!(Field::parse(f.as_str()).ok(), Some(f));
            assert_eq!(Field::ALL[f.index()], f);
        }
    }
}
