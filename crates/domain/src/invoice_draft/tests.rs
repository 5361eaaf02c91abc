use rust_decimal_macros::dec;

use super::*;
use crate::time::parse_datetime;

fn cny(s: &str) -> Cny {
    s.parse().expect("amount")
}

fn line(id: &str, product: &str, tax_product: TaxProduct, rate: Decimal, amount: &str) -> SourceLine {
    SourceLine {
        order_line_id: id.into(),
        product_id: product.into(),
        product_name: format!("产品{product}"),
        tax_product,
        rate,
        amount: cny(amount),
    }
}

fn order(id: &str, lines: Vec<SourceLine>) -> SourceOrder {
    SourceOrder {
        order_id: id.into(),
        created_at: parse_datetime("2026-11-20T10:00:00").expect("t"),
        channel: Channel::General,
        amount: lines.iter().map(|l| l.amount).sum(),
        unsubscription_pending: false,
        lines,
    }
}

fn request(orders: Vec<SourceOrder>) -> Request {
    Request {
        id: "IR1".into(),
        requested_at: parse_datetime("2026-11-28T09:30:00").expect("t"),
        kind: InvoiceKind::Ordinary,
        medium: Medium::FullyDigital,
        buyer: Buyer {
            title: "示例科技有限公司".into(),
            taxpayer_id: Some("91350100M000100Y43".into()),
            enterprise: true,
            address: None,
            bank: None,
        },
        amount: orders.iter().map(|o| o.amount).sum(),
        orders,
    }
}

#[test]
fn one_draft_per_rate_with_codes_totals_and_capitals() {
    let req = request(vec![
        order("O1", vec![line("O1-1", "P1", TaxProduct::Software, dec!(0.13), "1004.50")]),
        order("O2", vec![line("O2-1", "P2", TaxProduct::Service, dec!(0.06), "100.00")]),
    ]);
    let drafts = draft(&req, &TaxCodeTable::default()).expect("drafts");
    assert_eq!(drafts.len(), 2, "13% and 6% go on different invoices");
    let sixes = &drafts[0];
    assert_eq!(sixes.rate, dec!(0.06));
    assert_eq!(sixes.lines[0].tax_code, "3040203000000000000");
    assert_eq!(sixes.lines[0].item, "*信息技术服务*产品P2");
    assert_eq!(sixes.total_net, cny("94.34"));
    assert_eq!(sixes.total_tax, cny("5.66"));
    assert_eq!(sixes.total_gross_words, "壹佰圆整");
    let thirteens = &drafts[1];
    assert_eq!(thirteens.total_gross, cny("1004.50"));
    assert_eq!(thirteens.total_net, cny("888.94"));
    assert_eq!(thirteens.total_tax, cny("115.56"));
    assert_eq!(thirteens.total_gross_words, "壹仟零肆圆伍角整");
    assert_eq!(thirteens.due_at, "2026-12-05T09:30:00+08:00");
    assert_eq!(thirteens.remarks, "订单号 O1");
    assert_eq!(thirteens.buyer.taxpayer_id.as_deref(), Some("91350100M000100Y43"));
    assert_eq!(thirteens.courier_payer, CourierPayer::None);
}

#[test]
fn the_invoice_shows_the_sum_of_line_taxes_which_can_differ_from_tax_on_the_total() {
    // Three lines of 0.05 at 6%: each line's tax rounds to 0.00; on the total 0.15 it would be 0.01.
    let lines = (1..=3).map(|i| line(&format!("O1-{i}"), "P", TaxProduct::Service, dec!(0.06), "0.05")).collect();
    let drafts = draft(&request(vec![order("O1", lines)]), &TaxCodeTable::default()).expect("drafts");
    let d = &drafts[0];
    assert_eq!(d.total_tax, cny("0.00"), "the face shows the sum of its lines");
    assert_eq!(d.tax_on_total, cny("0.01"));
    assert_eq!(d.total_net + d.total_tax, d.total_gross);
    for l in &d.lines {
        assert_eq!(l.amount_net + l.tax, l.amount_gross);
    }
}

#[test]
fn refusals_name_the_rule() {
    let codes = TaxCodeTable::default();
    let ok = || request(vec![order("O1", vec![line("O1-1", "P1", TaxProduct::Software, dec!(0.13), "50.00")])]);

    let mut r = ok();
    r.orders[0].created_at = parse_datetime("2018-10-31T23:59:59").expect("t");
    let e = draft(&r, &codes).expect_err("Huawei invoices");
    assert!(matches!(&e, DraftError::Refused { refusal: InvoiceRefusal::HuaweiIssues, .. }), "{e}");
    assert!(e.to_string().contains("§2"));

    let mut r = ok();
    r.orders[0].channel = Channel::JointOperation;
    assert!(matches!(draft(&r, &codes), Err(DraftError::Refused { refusal: InvoiceRefusal::HuaweiIssues, .. })));

    let mut r = ok();
    r.orders[0].unsubscription_pending = true;
    let e = draft(&r, &codes).expect_err("pending unsubscription");
    assert!(e.to_string().contains("unsubscription awaiting review"), "{e}");

    let mut r = ok();
    r.amount = cny("49.00");
    let e = draft(&r, &codes).expect_err("amount");
    assert!(e.to_string().contains("full order amount"), "{e}");

    let mut r = ok();
    r.kind = InvoiceKind::Special;
    r.buyer.enterprise = false;
    let e = draft(&r, &codes).expect_err("special for a person");
    assert!(e.to_string().contains("专票"), "{e}");

    let mut r = ok();
    r.kind = InvoiceKind::Special;
    r.buyer.taxpayer_id = None;
    assert!(draft(&r, &codes).is_err(), "special needs a taxpayer ID");

    let mut r = ok();
    r.buyer.taxpayer_id = Some("91350100M000100Y44".into());
    let e = draft(&r, &codes).expect_err("check character");
    assert!(e.to_string().starts_with("buyer.taxpayer_id `91350100M000100Y44`"), "{e}");

    let mut r = ok();
    r.buyer.title = "  ".into();
    assert_eq!(draft(&r, &codes), Err(DraftError::NoTitle));

    let mut r = ok();
    r.orders[0].amount = cny("60.00");
    r.amount = cny("60.00");
    assert!(matches!(draft(&r, &codes), Err(DraftError::LinesDisagree { .. })));

    let mut empty = TaxCodeTable::default();
    empty.defaults.clear();
    assert!(matches!(draft(&ok(), &empty), Err(DraftError::NoTaxCode { .. })));
}

#[test]
fn a_special_invoice_for_an_enterprise_and_per_product_codes() {
    let mut r = request(vec![order("O1", vec![line("O1-1", "P9", TaxProduct::Hardware, dec!(0.13), "99.99")])]);
    r.kind = InvoiceKind::Special;
    r.medium = Medium::Paper;
    let mut codes = TaxCodeTable::default();
    codes.products.insert("P9".into(), TaxCode::new("1090512000000000000", "网络设备").expect("code"));
    let d = &draft(&r, &codes).expect("drafts")[0];
    assert_eq!(d.lines[0].tax_code, "1090512000000000000");
    assert_eq!(d.lines[0].item, "*网络设备*产品P9");
    assert_eq!(d.courier_payer, CourierPayer::Customer, "paper below 100 yuan: the customer pays the courier");
    assert_eq!(courier_note(d.courier_payer), "纸质发票票面金额不足100元，快递费由客户到付");
    assert!(TaxCode::new("12345", "x").is_err());
}

#[test]
fn numbers_and_red_letters() {
    assert_eq!(invoice_number(2026, "11000000", 42).expect("n"), "26110000000000000042");
    assert!(invoice_number(2026, "1100", 1).is_err());
    assert!(invoice_number(2026, "11000000", 0).is_err());
    assert!(check_number("26110000000000000042").is_ok());
    assert!(check_number("2611000000000000004X").is_err());
    let d = &draft(
        &request(vec![order("O1", vec![line("O1-1", "P1", TaxProduct::Software, dec!(0.13), "1004.50")])]),
        &TaxCodeTable::default(),
    )
    .expect("drafts")[0];
    let red = red_letter(d).expect("red");
    assert_eq!(red.total_gross, cny("-1004.50"));
    assert_eq!(red.total_tax, -d.total_tax);
    assert_eq!(red.lines[0].amount_net + red.lines[0].tax, red.lines[0].amount_gross);
    assert_eq!(red.total_gross_words, "（负数）壹仟零肆圆伍角整");
}
