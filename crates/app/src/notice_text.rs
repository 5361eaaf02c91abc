//! The words the shell shows itself — native notifications and the tray (its menu, tooltip and most urgent items) — in the user's
//! language (zh-CN, the default, or en-US, as the UI last told the core: `language_set`). The core sends codes and
//! parameters ([`NoticeAbout`], [`InboxFacts`]); this is the one place they become text outside the UI, each code
//! in both languages. The CLI uses the English words.

use koodesk_domain::delisting::LineStanding;
use koodesk_domain::invoice::CourierPayer;
use koodesk_domain::merchant_info::ReviewSubject;
use koodesk_domain::supervision::ProductType;
use koodesk_store::inbox::{ConsolePath, InboxAction, InboxFacts, InboxItem, InvoiceBlock};

use crate::api::{Language, Notice, NoticeAbout, SyncFailure};

/// The two languages of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    EnUs,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::EnUs];

    /// The settings' language.
    pub fn of(setting: Language) -> Lang {
        match setting {
            Language::ZhCn => Lang::ZhCn,
            Language::EnUs => Lang::EnUs,
        }
    }

    fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::ZhCn => zh,
            Lang::EnUs => en,
        }
    }
}

/// A notice's title and body.
pub fn notice(n: &Notice, lang: Lang) -> (String, String) {
    let title = match &n.about {
        NoticeAbout::SyncFailing { .. } => lang.pick("同步持续失败", "Sync keeps failing"),
        NoticeAbout::DelistingLine { standing, .. } => match standing {
            // Not raised for a clear standing; worded all the same.
            LineStanding::Clear => lang.pick("失败订单未达下架线", "Failed orders below the delisting line"),
            LineStanding::Near => lang.pick("失败订单距下架线仅差 1 单", "One failed order from the delisting line"),
            LineStanding::AtTheLine => {
                lang.pick("失败订单已达下架线", "On the delisting line: the next failure delists")
            }
            LineStanding::Over => lang.pick("失败订单已超下架线", "Past the delisting line"),
        },
        NoticeAbout::DialTestFailed { .. } => lang.pick("拨测失败", "Dial test failed"),
        NoticeAbout::InvoiceDue { .. } => lang.pick("发票 24 小时内到期", "Invoice due within 24 h"),
        NoticeAbout::AppealWindow { .. } => lang.pick("用户 24 小时内可申诉", "User may appeal within 24 h"),
        NoticeAbout::UnsubscriptionToReview { .. } => lang.pick("退订申请待审核", "Unsubscription awaiting review"),
        NoticeAbout::ReviewOverdue { .. } => lang.pick("审核已超 3 个工作日", "Review overdue"),
    };
    let body = match &n.about {
        NoticeAbout::SyncFailing { failures_in_a_row, last_error } => {
            let head = match lang {
                Lang::ZhCn => format!("连续 {failures_in_a_row} 次失败"),
                Lang::EnUs => format!("{failures_in_a_row} failures in a row"),
            };
            match last_error {
                Some(e) => format!("{head}: {}", sync_failure(e, lang)),
                None => head,
            }
        }
        NoticeAbout::DelistingLine { period, failed_orders, delisting_line, .. } => match lang {
            Lang::ZhCn => format!("{period} · 失败订单 {failed_orders}/{delisting_line}"),
            Lang::EnUs => format!("{period} · {failed_orders} of {delisting_line} failed orders"),
        },
        NoticeAbout::DialTestFailed { at, activity, result_code } => format!("{at} · {activity} {result_code}"),
        NoticeAbout::InvoiceDue { item }
        | NoticeAbout::AppealWindow { item }
        | NoticeAbout::UnsubscriptionToReview { item }
        | NoticeAbout::ReviewOverdue { item } => format!("{} · {}", item.ref_id, summary(item, lang)),
    };
    (title.to_string(), body)
}

/// The notification's button that opens the item.
pub fn open(lang: Lang) -> &'static str {
    lang.pick("打开", "Open")
}

/// The tray's menu entries: open the window, sync now, quit.
pub fn tray_menu(lang: Lang) -> [&'static str; 3] {
    [lang.pick("打开 KooDesk", "Open KooDesk"), lang.pick("立即同步", "Sync now"), lang.pick("退出", "Quit")]
}

/// The tray's tooltip: how many items are urgent, offline, actions waiting to sync.
pub fn tray_tip(urgent: i64, offline: bool, waiting: i64, lang: Lang) -> String {
    let mut tip = match lang {
        Lang::ZhCn => format!("KooDesk — {urgent} 项紧急"),
        Lang::EnUs => format!("KooDesk — {urgent} urgent"),
    };
    if offline {
        tip.push_str(lang.pick(" · 离线", " · offline"));
    }
    if waiting > 0 {
        tip.push_str(&match lang {
            Lang::ZhCn => format!(" · {waiting} 项待同步"),
            Lang::EnUs => format!(" · {waiting} waiting to sync"),
        });
    }
    tip
}

/// What an inbox item asks, in one line.
pub fn summary(i: &InboxItem, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    match &i.facts {
        InboxFacts::Step { product_type, rejections, .. } => {
            let what = task(i.action, *product_type, lang);
            match (zh, i.overdue) {
                (true, true) => format!("{what}：用户已可申诉（{rejections} 次驳回）"),
                (true, false) => format!("{what}：超过 5 天用户可申诉"),
                (false, true) => format!("{what}: the user may appeal now ({rejections} rejections)"),
                (false, false) => format!("{what}: the user may appeal after 5 days"),
            }
        }
        InboxFacts::Stalled { .. } => lang
            .pick("用户侧超过 5 天无进展：可发起申诉", "No progress on the user's side for over 5 days: you may appeal")
            .into(),
        InboxFacts::AutoAccept { .. } => lang
            .pick("硬件签收满 10 天将自动验收", "Hardware is accepted automatically 10 days after it was signed for")
            .into(),
        InboxFacts::Unsubscription { refund, paid, .. } => match lang {
            Lang::ZhCn => format!("审核退订申请：退款 {refund} 元（实付 {paid} 元）"),
            Lang::EnUs => format!("Review the unsubscription: refund ¥{refund} (paid ¥{paid})"),
        },
        InboxFacts::Invoice { amount, courier_payer, blocked, .. } => match blocked {
            Some(why) => {
                let why = match why {
                    InvoiceBlock::UnsubscriptionInReview => {
                        lang.pick("退订审核中的订单不可开票", "an order's unsubscription is in review")
                    }
                    InvoiceBlock::IssuedByHuawei => lang.pick("此订单由华为云开票", "Huawei Cloud invoices this order"),
                };
                match lang {
                    Lang::ZhCn => format!("发票申请 {amount} 元：{why}"),
                    Lang::EnUs => format!("Invoice request ¥{amount}: {why}"),
                }
            }
            None => {
                let when = if *courier_payer == CourierPayer::Customer {
                    lang.pick("纸票快递到付", "paper, courier paid by the customer")
                } else {
                    lang.pick("7 天内完成", "within 7 days")
                };
                match lang {
                    Lang::ZhCn => format!("开具发票 {amount} 元（{when}）"),
                    Lang::EnUs => format!("Issue the invoice, ¥{amount} ({when})"),
                }
            }
        },
        InboxFacts::Review { subject, .. } => match subject {
            ReviewSubject::MerchantInfo => {
                lang.pick("商家信息变更审核中（3 个工作日）", "Merchant information change in review (3 working days)")
            }
            ReviewSubject::Listing => lang.pick("商品上架审核中（3 个工作日）", "Listing in review (3 working days)"),
            ReviewSubject::ListingChange => {
                lang.pick("商品变更审核中（3 个工作日）", "Listing change in review (3 working days)")
            }
        }
        .into(),
        InboxFacts::Bill { period, payment_by, merchant_share, .. } => match lang {
            Lang::ZhCn => format!("{period} 账单：预计 {payment_by} 前到账 {merchant_share} 元"),
            Lang::EnUs => format!("Bill {period}: ¥{merchant_share} expected by {payment_by}"),
        },
        InboxFacts::Month { orders, amount, bill_date, .. } => match lang {
            Lang::ZhCn => format!("本月 {orders} 笔订单（{amount} 元）将进入 {bill_date} 账单"),
            Lang::EnUs => format!("{orders} orders this month (¥{amount}) go into the bill of {bill_date}"),
        },
    }
}

/// Where on the Seller Console, as its menus read (the console is Chinese; the English names them and keeps the
/// Chinese, to find the page).
pub fn console_path(p: ConsolePath, lang: Lang) -> &'static str {
    match p {
        ConsolePath::Supervision => {
            lang.pick("交付管理 > 服务监管", "Delivery > Service supervision (交付管理 > 服务监管)")
        }
        ConsolePath::SupervisionDetail => lang.pick(
            "交易管理 > 服务监管 > 查看详情",
            "Transactions > Service supervision > Details (交易管理 > 服务监管 > 查看详情)",
        ),
        ConsolePath::Unsubscriptions => {
            lang.pick("订单管理 > 退订管理", "Orders > Unsubscriptions (订单管理 > 退订管理)")
        }
        ConsolePath::Invoices => lang.pick("订单管理 > 发票管理", "Orders > Invoices (订单管理 > 发票管理)"),
        ConsolePath::Settlement => lang.pick("订单管理 > 结算管理", "Orders > Settlement (订单管理 > 结算管理)"),
        ConsolePath::MerchantInfo => {
            lang.pick("服务商管理 > 服务商信息", "Merchant > Merchant information (服务商管理 > 服务商信息)")
        }
    }
}

/// A merchant-side step's task, as the Seller Console puts it for the product type [KG §3].
fn task(action: InboxAction, product_type: ProductType, lang: Lang) -> &'static str {
    match action {
        InboxAction::ConfirmRequirements => lang.pick("确认需求", "Confirm the requirements"),
        InboxAction::ActivateCode => lang.pick("激活授权码", "Activate the authorization code"),
        InboxAction::UploadProof => lang.pick("上传交付凭证", "Upload the delivery proof"),
        _ if product_type == ProductType::Hardware => lang.pick("发货并填写物流", "Ship and enter the logistics"),
        _ => lang.pick("实施服务并上传交付凭证", "Implement the service and upload the delivery proof"),
    }
}

/// Why the last sync did not finish, in the user's language; the core's English sentence stays a detail.
fn sync_failure(f: &SyncFailure, lang: Lang) -> String {
    match (f, lang) {
        (SyncFailure::Offline, Lang::ZhCn) => "无法连接云商店，正在离线工作".into(),
        (SyncFailure::Offline, Lang::EnUs) => "the marketplace cannot be reached: working offline".into(),
        (SyncFailure::Incomplete { detail }, Lang::ZhCn) => format!("部分数据未同步（{detail}）"),
        (SyncFailure::Incomplete { detail }, Lang::EnUs) => format!("some feeds did not finish ({detail})"),
        (SyncFailure::Failed { error }, Lang::ZhCn) => format!("同步失败（{}）", error.message),
        (SyncFailure::Failed { error }, Lang::EnUs) => format!("sync failed ({})", error.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Settings;
    use koodesk_domain::invoice::{InvoiceKind, Issuer, Medium};
    use koodesk_domain::merchant_info::CalendarBasis;
    use koodesk_domain::money::Cny;
    use koodesk_domain::supervision::Step;
    use koodesk_store::inbox::Group;

    fn item(action: InboxAction, facts: InboxFacts) -> InboxItem {
        InboxItem {
            group: Group::Supervision,
            action,
            facts,
            order_id: None,
            ref_id: "R1".into(),
            due_at: None,
            overdue: false,
            console_path: Some(ConsolePath::Supervision),
            seconds_left: None,
            pending_sync: None,
        }
    }

    /// One item of every fact kind (and every task of a step).
    fn items() -> Vec<InboxItem> {
        let step = |product_type| InboxFacts::Step {
            step: Step::Implement,
            product_type,
            rejections: 1,
            step_started_at: "2026-11-01T10:00:00+08:00".into(),
        };
        let invoice = |blocked| InboxFacts::Invoice {
            invoice_kind: InvoiceKind::Ordinary,
            medium: Medium::Paper,
            amount: Cny::from_fen(10_000),
            courier_payer: CourierPayer::Customer,
            issuer: Issuer::Merchant,
            blocked,
            requested_at: "2026-11-01T10:00:00+08:00".into(),
        };
        let review = |subject| InboxFacts::Review {
            subject,
            field: None,
            product_id: None,
            note: String::new(),
            review_due: Some("2026-11-04".into()),
            calendar: CalendarBasis::Official,
            submitted_at: "2026-11-01T10:00:00+08:00".into(),
        };
        let mut out = vec![
            item(InboxAction::ConfirmRequirements, step(ProductType::ManualService)),
            item(InboxAction::ActivateCode, step(ProductType::License2)),
            item(InboxAction::UploadProof, step(ProductType::License2)),
            item(InboxAction::Deliver, step(ProductType::Hardware)),
            item(InboxAction::Deliver, step(ProductType::ManualService)),
            item(
                InboxAction::Appeal,
                InboxFacts::Stalled { step: Step::Accept, step_started_at: "2026-11-01T10:00:00+08:00".into() },
            ),
            item(
                InboxAction::AutoAccept,
                InboxFacts::AutoAccept { parcel_signed_at: "2026-11-01T10:00:00+08:00".into() },
            ),
            item(
                InboxAction::ReviewUnsubscription,
                InboxFacts::Unsubscription {
                    refund: Cny::from_fen(500),
                    paid: Cny::from_fen(1000),
                    reason: "r".into(),
                    review_due: "2026-11-10".into(),
                    requested_at: "2026-11-01T10:00:00+08:00".into(),
                },
            ),
            item(InboxAction::IssueInvoice, invoice(None)),
            item(InboxAction::IssueInvoice, invoice(Some(InvoiceBlock::UnsubscriptionInReview))),
            item(InboxAction::IssueInvoice, invoice(Some(InvoiceBlock::IssuedByHuawei))),
            item(InboxAction::AwaitReview, review(ReviewSubject::MerchantInfo)),
            item(InboxAction::AwaitReview, review(ReviewSubject::Listing)),
            item(InboxAction::AwaitReview, review(ReviewSubject::ListingChange)),
            item(
                InboxAction::ExpectPayment,
                InboxFacts::Bill {
                    period: "2026-10".into(),
                    payment_by: "2026-11-25".into(),
                    merchant_share: Cny::from_fen(9000),
                    status: "sent".into(),
                },
            ),
            item(
                InboxAction::Settlement,
                InboxFacts::Month {
                    month: "2026-11".into(),
                    orders: 3,
                    amount: Cny::from_fen(30_000),
                    bill_date: "2026-12-05".into(),
                    payment_by: "2026-12-25".into(),
                },
            ),
        ];
        let mut overdue = out[0].clone();
        overdue.overdue = true;
        out.push(overdue);
        out
    }

    fn notices() -> Vec<Notice> {
        let about = |about| Notice { key: "k".into(), about, route: "/".into() };
        let mut out = vec![
            about(NoticeAbout::SyncFailing { failures_in_a_row: 3, last_error: Some(SyncFailure::Offline) }),
            about(NoticeAbout::SyncFailing {
                failures_in_a_row: 4,
                last_error: Some(SyncFailure::Incomplete { detail: "orders: 503".into() }),
            }),
            about(NoticeAbout::SyncFailing {
                failures_in_a_row: 5,
                last_error: Some(SyncFailure::Failed {
                    error: crate::api::ApiError::new(crate::api::ErrorCode::Unauthorized, "the feed token was refused"),
                }),
            }),
            about(NoticeAbout::DialTestFailed {
                at: "2026-11-01T10:00:00+08:00".into(),
                activity: "newInstance".into(),
                result_code: "000001".into(),
            }),
        ];
        for standing in [LineStanding::Clear, LineStanding::Near, LineStanding::AtTheLine, LineStanding::Over] {
            out.push(about(NoticeAbout::DelistingLine {
                standing,
                period: "2026-11".into(),
                failed_orders: 4,
                delisting_line: 5,
            }));
        }
        for i in items() {
            out.push(about(NoticeAbout::InvoiceDue { item: i.clone() }));
            out.push(about(NoticeAbout::AppealWindow { item: i.clone() }));
            out.push(about(NoticeAbout::UnsubscriptionToReview { item: i.clone() }));
            out.push(about(NoticeAbout::ReviewOverdue { item: i }));
        }
        out
    }

    fn has_chinese(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_inbox_item_is_worded_in_both_languages() {
        for i in items() {
            let (zh, en) = (summary(&i, Lang::ZhCn), summary(&i, Lang::EnUs));
            assert!(has_chinese(&zh), "{:?}: {zh}", i.facts);
            assert!(!en.is_empty() && !has_chinese(&en), "{:?}: {en}", i.facts);
        }
        // Each step's task has its own words.
        let tasks: std::collections::HashSet<String> = items().iter().take(5).map(|i| summary(i, Lang::EnUs)).collect();
        assert_eq!(tasks.len(), 5);
    }

    #[test]
    fn every_notice_code_is_worded_in_both_languages() {
        for n in notices() {
            let ((zh_title, zh_body), (en_title, en_body)) = (notice(&n, Lang::ZhCn), notice(&n, Lang::EnUs));
            assert!(has_chinese(&zh_title), "{:?}: {zh_title}", n.about);
            assert!(!en_title.is_empty() && !has_chinese(&en_title), "{:?}: {en_title}", n.about);
            assert!(!en_body.is_empty() && !has_chinese(&en_body), "{:?}: {en_body}", n.about);
            assert!(!zh_body.is_empty(), "{:?}", n.about);
        }
        for lang in Lang::ALL {
            assert!(!open(lang).is_empty());
        }
    }

    #[test]
    fn a_sync_failure_is_worded_from_its_code_and_keeps_the_english_detail() {
        let failing = |f: SyncFailure| Notice {
            key: "k".into(),
            about: NoticeAbout::SyncFailing { failures_in_a_row: 3, last_error: Some(f) },
            route: "/".into(),
        };
        let offline = failing(SyncFailure::Offline);
        assert_eq!(notice(&offline, Lang::ZhCn).1, "连续 3 次失败: 无法连接云商店，正在离线工作");
        let refused = failing(SyncFailure::Failed {
            error: crate::api::ApiError::new(crate::api::ErrorCode::Unauthorized, "the feed token was refused"),
        });
        assert_eq!(notice(&refused, Lang::ZhCn).1, "连续 3 次失败: 同步失败（the feed token was refused）");
        assert_eq!(notice(&refused, Lang::EnUs).1, "3 failures in a row: sync failed (the feed token was refused)");
    }

    #[test]
    fn every_console_path_is_named_in_both_languages() {
        for p in ConsolePath::ALL {
            let (zh, en) = (console_path(p, Lang::ZhCn), console_path(p, Lang::EnUs));
            assert!(has_chinese(zh) && zh.contains(" > "), "{p:?}");
            assert!(en.starts_with(|c: char| c.is_ascii_uppercase()) && en.ends_with(&format!("({zh})")), "{p:?}");
        }
    }

    #[test]
    fn the_tray_is_worded_in_both_languages() {
        assert_eq!(tray_tip(2, true, 3, Lang::ZhCn), "KooDesk — 2 项紧急 · 离线 · 3 项待同步");
        assert_eq!(tray_tip(2, true, 3, Lang::EnUs), "KooDesk — 2 urgent · offline · 3 waiting to sync");
        assert_eq!(tray_tip(0, false, 0, Lang::EnUs), "KooDesk — 0 urgent");
        for (zh, en) in tray_menu(Lang::ZhCn).iter().zip(tray_menu(Lang::EnUs)) {
            assert!(has_chinese(zh) && !has_chinese(en), "{zh} / {en}");
        }
    }

    #[test]
    fn the_language_is_the_settings_and_chinese_by_default() {
        assert_eq!(Lang::of(Language::EnUs), Lang::EnUs);
        assert_eq!(Lang::of(Language::ZhCn), Lang::ZhCn);
        assert_eq!(Lang::of(Settings::default().language), Lang::ZhCn);
    }
}
