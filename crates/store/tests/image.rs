//! Image orders [KG §9]: the cloud server fee the buyer paid Huawei Cloud is kept and shown, and nothing of the
//! seller's — the order's tax, the dashboard's revenue and tax, an invoice draft — counts it.

mod support;

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::time;
use koodesk_protocol::feed::{FeedImage, Kind};
use koodesk_store::invoice_batches::OrderChoice;
use koodesk_store::{Store, StoreError};
use support::*;

fn now() -> time::Instant {
    time::parse_datetime("2026-11-29T10:00:00").expect("now")
}

/// An image order of ¥100.00 whose buyer also paid ¥300.00 for the cloud server, in the `default` project, and a
/// SaaS order of ¥99.50 beside it.
fn store() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    let mut image = order("CS-IMG", "2026-11-03T14:02:11+08:00", AccessType::Image, BillingMode::Period, 10_000);
    image.image =
        Some(FeedImage { cloud_server_fee: Cny::from_fen(30_000), enterprise_project: Some("default".into()) });
    let saas = order("CS-SAAS", "2026-11-03T15:00:00+08:00", AccessType::Saas, BillingMode::Period, 9_950);
    s.apply_page(Kind::Orders, &page(vec![image, saas], "orders.2"), 0).expect("orders");
    s
}

#[test]
fn the_detail_shows_both_charges_and_taxes_only_the_image_fee() {
    let s = store();
    let d = s.order_detail("CS-IMG", now()).expect("detail");
    let i = d.image.expect("an image order has its charges");
    assert_eq!(i.image_fee, Cny::from_fen(10_000));
    assert_eq!(i.cloud_server_fee, Some(Cny::from_fen(30_000)));
    assert_eq!(i.buyer_paid, Some(Cny::from_fen(40_000)));
    assert_eq!(i.enterprise_project.as_deref(), Some("default"));
    assert_eq!(d.order.amount, Cny::from_fen(10_000), "the order's amount is the seller's image fee");
    let tax = d.tax.expect("image / period has a tax mapping");
    assert_eq!(tax.gross, Cny::from_fen(10_000), "tax on the image fee alone");
    assert!(s.order_detail("CS-SAAS", now()).expect("detail").image.is_none(), "only image orders have it");
}

#[test]
fn the_dashboard_counts_only_the_sellers_part() {
    let s = store();
    let d = s.dashboard(now()).expect("dashboard");
    assert_eq!(d.revenue, Cny::from_fen(10_000 + 9_950));
    let image = d.by_access_type.iter().find(|b| b.key.as_str() == "image").expect("image bucket");
    assert_eq!(image.revenue, Cny::from_fen(10_000));
    let taxed: Cny = d.tax_by_rate.iter().map(|t| t.gross).sum();
    assert_eq!(taxed, Cny::from_fen(10_000 + 9_950));
}

#[test]
fn an_invoice_draft_of_an_image_order_is_for_the_image_fee() {
    let s = store();
    let choice = OrderChoice {
        batch_id: None,
        order_ids: vec!["CS-IMG".into()],
        kind: "ordinary".into(),
        medium: "fully-digital".into(),
    };
    let drafts = s.preview_orders(&choice, now()).expect("preview");
    let total: Cny = drafts.iter().map(|d| d.total_gross).sum();
    assert_eq!(total, Cny::from_fen(10_000), "the server fee is Huawei Cloud's to invoice");
}

#[test]
fn a_negative_server_fee_is_refused_by_name_and_nothing_changes() {
    let mut s = store();
    let mut bad = order("CS-IMG", "2026-11-03T14:02:11+08:00", AccessType::Image, BillingMode::Period, 10_000);
    bad.seq = 2;
    bad.image = Some(FeedImage { cloud_server_fee: Cny::from_fen(-1), enterprise_project: None });
    match s.apply_page(Kind::Orders, &page(vec![bad], "orders.3"), 0) {
        Err(e @ StoreError::BadFeedData { .. }) => assert!(e.to_string().contains("cloud_server_fee"), "{e}"),
        other => panic!("expected bad feed data, got {other:?}"),
    }
    let i = s.order_detail("CS-IMG", now()).expect("detail").image.expect("charges");
    assert_eq!(i.cloud_server_fee, Some(Cny::from_fen(30_000)), "what was stored is kept");
}

/// An order whose access type KooGallery does not bill in its mode has no tax split, and says why by code — the
/// console words it — with the modes the access type is billed in [KG §1].
#[test]
fn an_order_without_a_tax_mapping_says_why_by_code() {
    let mut s = store();
    let odd = order("CS-HW", "2026-11-04T09:00:00+08:00", AccessType::Hardware, BillingMode::Period, 5_000);
    s.apply_page(Kind::Orders, &page(vec![odd], "orders.3"), 0).expect("orders");
    let d = s.order_detail("CS-HW", now()).expect("detail");
    assert!(d.tax.is_none());
    let note = serde_json::to_value(d.tax_note.expect("a reason")).expect("json");
    assert_eq!(
        note,
        serde_json::json!({ "code": "no-mapping", "access_type": "hardware", "billing_mode": "period", "allowed": ["one-time", "per-quantity"] })
    );
    assert!(s.order_detail("CS-IMG", now()).expect("detail").tax_note.is_none(), "a mapped order has no note");
}
