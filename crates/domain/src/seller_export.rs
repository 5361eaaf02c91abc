//! The rows of the Seller Console's exports (卖家中心) once read: 订单列表 (orders), 交易明细 (transactions), 账单
//! (bills) and 详单 (a bill's lines). What KooGallery publishes of these files is in `REAL-DATA.md` §2: the menus
//! and the filters, not the column headers — reading the files (`koodesk_documents::import`) maps headers by name;
//! the records here are what a row means once mapped, and what the store keeps.
//!
//! Closed vocabularies are the ones KooGallery's console shows (订单类型, 出账状态, the order states); the
//! supervision and repayment states of a transaction are kept as the console wrote them, their values being
//! unpublished.

use serde::{Deserialize, Serialize};

use crate::catalog::{AccessType, BillingMode, UnknownName};
use crate::money::Cny;
use crate::settlement::YearMonth;
use crate::time::Instant;

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ExportKind {
    /// 订单管理 > 订单列表: yearly/monthly (包周期) and per-use (按次) orders.
    Orders,
    /// 结算管理 > 交易明细: each order's transaction with its bill, repayment and supervision status.
    Transactions,
    /// 结算管理 > 账单管理: one row per bill.
    Bills,
    /// A bill's 详情 > 详单: one row per order in the bill.
    BillLines,
}

impl ExportKind {
    pub const ALL: &'static [ExportKind] =
        &[ExportKind::Orders, ExportKind::Transactions, ExportKind::Bills, ExportKind::BillLines];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Orders => "orders",
            ExportKind::Transactions => "transactions",
            ExportKind::Bills => "bills",
            ExportKind::BillLines => "bill-lines",
        }
    }
}

impl std::str::FromStr for ExportKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExportKind::ALL.iter().copied().find(|k| k.as_str() == s.trim()).ok_or_else(|| UnknownName {
            what: "export kind",
            value: s.to_string(),
            accepted: ExportKind::ALL.iter().map(|k| k.as_str()).collect(),
        })
    }
}

impl std::fmt::Display for ExportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// 订单类型, as the order list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OrderType {
    New,
    Renew,
    Change,
    Unsubscribe,
    Trial,
    TrialToFormal,
}

impl OrderType {
    pub const ALL: &'static [OrderType] = &[
        OrderType::New,
        OrderType::Renew,
        OrderType::Change,
        OrderType::Unsubscribe,
        OrderType::Trial,
        OrderType::TrialToFormal,
    ];

    /// The name the store and JSON use (the feed's).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderType::New => "new",
            OrderType::Renew => "renew",
            OrderType::Change => "change",
            OrderType::Unsubscribe => "unsubscribe",
            OrderType::Trial => "trial",
            OrderType::TrialToFormal => "trial-to-formal",
        }
    }

    /// The console's word, and the open API's code (`orderType`).
    pub fn zh(self) -> &'static str {
        match self {
            OrderType::New => "新购",
            OrderType::Renew => "续费",
            OrderType::Change => "变更",
            OrderType::Unsubscribe => "退订",
            OrderType::Trial => "试用",
            OrderType::TrialToFormal => "试用转正",
        }
    }

    /// The open API's code (`NEW`, `TRIAL_TO_FORMAL`, …), which the feed's orders carry [KG §8].
    pub fn code(self) -> &'static str {
        match self {
            OrderType::New => "NEW",
            OrderType::Renew => "RENEW",
            OrderType::Change => "CHANGE",
            OrderType::Unsubscribe => "UNSUBSCRIBE",
            OrderType::Trial => "TRIAL",
            OrderType::TrialToFormal => "TRIAL_TO_FORMAL",
        }
    }

    /// Reads the console's word (新购, 续费, …), the open API's code (NEW, RENEW, …) or the store's name.
    pub fn parse(s: &str) -> Result<OrderType, UnknownName> {
        let t = s.trim();
        OrderType::ALL
            .iter()
            .copied()
            .find(|o| t == o.zh() || t.eq_ignore_ascii_case(o.code()) || t == o.as_str())
            .ok_or_else(|| UnknownName {
                what: "order type (订单类型)",
                value: s.to_string(),
                accepted: OrderType::ALL.iter().map(|o| o.zh()).collect(),
            })
    }
}

/// An order's state as the order list shows it, reduced to what KooDesk keeps: a paid order in progress (being
/// provisioned or under supervision), completed, or refunded. Orders never paid or cancelled are not sales:
/// [`OrderState::parse`] says so, and the importer skips them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OrderState {
    InProgress,
    Completed,
    Refunded,
}

/// What an order-list state means to KooDesk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateReading {
    /// A sale in this state.
    Sale(OrderState),
    /// Not a sale (待支付, 已取消, 已关闭, …): nothing to keep.
    NotASale,
}

const IN_PROGRESS: &[&str] = &[
    "处理中",
    "进行中",
    "开通中",
    "服务中",
    "已支付",
    "支付成功",
    "待开通",
    "待交付",
    "交付中",
    "待验收",
    "in-progress",
];
const COMPLETED: &[&str] = &["已完成", "完成", "已开通", "开通成功", "已生效", "生效中", "已交付", "completed"];
const REFUNDED: &[&str] = &["已退订", "退订成功", "已退款", "退款成功", "已退费", "refunded"];
const NOT_A_SALE: &[&str] = &["待支付", "未支付", "已取消", "取消", "已关闭", "关闭", "支付超时", "已失效"];

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::InProgress => "in-progress",
            OrderState::Completed => "completed",
            OrderState::Refunded => "refunded",
        }
    }

    /// Reads an order-list state (订单状态).
    pub fn parse(s: &str) -> Result<StateReading, UnknownName> {
        let t = s.trim();
        let sale = |set: &[&str], state| set.contains(&t).then_some(StateReading::Sale(state));
        sale(IN_PROGRESS, OrderState::InProgress)
            .or_else(|| sale(COMPLETED, OrderState::Completed))
            .or_else(|| sale(REFUNDED, OrderState::Refunded))
            .or_else(|| NOT_A_SALE.contains(&t).then_some(StateReading::NotASale))
            .ok_or_else(|| UnknownName {
                what: "order status (订单状态)",
                value: s.to_string(),
                accepted: IN_PROGRESS[..IN_PROGRESS.len() - 1]
                    .iter()
                    .chain(&COMPLETED[..COMPLETED.len() - 1])
                    .chain(&REFUNDED[..REFUNDED.len() - 1])
                    .chain(NOT_A_SALE)
                    .copied()
                    .collect(),
            })
    }
}

/// 出账状态 of a transaction: billed (已出账) or waiting (待出账) — waiting while offline-delivery supervision is
/// open, while a credit customer has not repaid, or before bill day (`REAL-DATA.md` §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BillStatus {
    Billed,
    Waiting,
}

impl BillStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BillStatus::Billed => "billed",
            BillStatus::Waiting => "waiting",
        }
    }

    pub fn parse(s: &str) -> Result<BillStatus, UnknownName> {
        match s.trim() {
            "已出账" | "billed" => Ok(BillStatus::Billed),
            "待出账" | "未出账" | "waiting" => Ok(BillStatus::Waiting),
            _ => Err(UnknownName {
                what: "bill status (出账状态)",
                value: s.to_string(),
                accepted: vec!["已出账", "待出账"],
            }),
        }
    }
}

/// One row of the order list (订单列表), keyed on 订单号 and, when the file has it, 订单项ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderRecord {
    pub order_id: String,
    pub order_line_id: Option<String>,
    pub buyer_name: Option<String>,
    pub buyer_account: Option<String>,
    pub product_name: String,
    pub product_id: Option<String>,
    pub sku: Option<String>,
    /// Beijing time.
    pub created_at: Instant,
    pub paid_at: Option<Instant>,
    pub status: OrderState,
    pub order_type: OrderType,
    pub billing_mode: BillingMode,
    pub access_type: AccessType,
    pub amount: Cny,
}

/// One row of 交易明细, keyed on 订单号 (+ 订单项ID).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransactionRecord {
    pub order_id: String,
    pub order_line_id: Option<String>,
    pub product_name: Option<String>,
    pub buyer_account: Option<String>,
    pub created_at: Option<Instant>,
    pub amount: Cny,
    pub period: Option<YearMonth>,
    pub bill_status: Option<BillStatus>,
    /// 服务监管状态, as the console wrote it.
    pub supervision_status: Option<String>,
    /// 客户还款状态, as the console wrote it.
    pub repayment_status: Option<String>,
}

/// One row of 账单管理, keyed on its bill ID or, without one, its period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillRecord {
    pub bill_id: Option<String>,
    pub period: YearMonth,
    pub amount: Cny,
    pub platform_fee: Option<Cny>,
    pub merchant_share: Option<Cny>,
    /// The bill's state as the console wrote it.
    pub status: Option<String>,
}

/// One row of a bill's 详单, keyed on the period, 订单号 and 订单项ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillLineRecord {
    pub period: YearMonth,
    pub bill_id: Option<String>,
    pub order_id: String,
    pub order_line_id: Option<String>,
    pub product_name: Option<String>,
    pub amount: Cny,
    pub platform_fee: Option<Cny>,
    pub merchant_share: Option<Cny>,
}

/// The records of one file, of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Records {
    Orders(Vec<OrderRecord>),
    Transactions(Vec<TransactionRecord>),
    Bills(Vec<BillRecord>),
    BillLines(Vec<BillLineRecord>),
}

impl Records {
    pub fn kind(&self) -> ExportKind {
        match self {
            Records::Orders(_) => ExportKind::Orders,
            Records::Transactions(_) => ExportKind::Transactions,
            Records::Bills(_) => ExportKind::Bills,
            Records::BillLines(_) => ExportKind::BillLines,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Records::Orders(v) => v.len(),
            Records::Transactions(v) => v.len(),
            Records::Bills(v) => v.len(),
            Records::BillLines(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_types_read_the_console_word_and_the_api_code() {
        assert_eq!(OrderType::parse("续费").ok(), Some(OrderType::Renew));
        assert_eq!(OrderType::parse(" TRIAL_TO_FORMAL ").ok(), Some(OrderType::TrialToFormal));
        let e = OrderType::parse("换购").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("订单类型") && e.contains("新购"), "{e}");
    }

    #[test]
    fn unpaid_orders_are_not_sales_and_unknown_states_are_errors() {
        assert_eq!(OrderState::parse("已完成").ok(), Some(StateReading::Sale(OrderState::Completed)));
        assert_eq!(OrderState::parse("已退订").ok(), Some(StateReading::Sale(OrderState::Refunded)));
        assert_eq!(OrderState::parse("已取消").ok(), Some(StateReading::NotASale));
        let e = OrderState::parse("冻结").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("订单状态") && e.contains("已完成") && !e.contains("completed"), "{e}");
    }
}
