//! The seller's buyer list in the store: an imported buyer fills in what a request lacks when it is drafted.

use koodesk_domain::time;
use koodesk_store::invoicing::BuyerEntry;
use koodesk_store::Store;

#[test]
fn an_imported_buyer_fills_a_requests_missing_details() {
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("now");
    let mut s = Store::open_in_memory().expect("store");
    koodesk_store::demo::write(&mut s, 4_000, 5, now).expect("demo");
    let (id, title): (String, String) = s
        .connection()
        .query_row("SELECT id, title_name FROM invoice_requests WHERE title_taxpayer_id IS NULL LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("a request without a taxpayer ID");
    assert_eq!(s.invoice_source(&id).expect("source").buyer.taxpayer_id, None, "no list yet, no taxpayer ID");
    let entry = BuyerEntry {
        title: title.clone(),
        taxpayer_id: Some("91350100M000100Y43".into()),
        address: Some("福州市".into()),
        bank: Some("工商银行 123".into()),
    };
    assert_eq!(s.import_buyers(&[entry]).expect("import"), 1);
    let source = s.invoice_source(&id).expect("source");
    assert_eq!(source.buyer.taxpayer_id.as_deref(), Some("91350100M000100Y43"));
    assert_eq!(source.buyer.bank.as_deref(), Some("工商银行 123"));
}
