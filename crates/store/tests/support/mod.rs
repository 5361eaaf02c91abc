//! Builders for feed pages, so tests state exactly the data a rule needs.

#![allow(dead_code)]

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::{Channel, InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::refund::RefundRule;
use koodesk_domain::supervision::{ProductType, Side, Step};
use koodesk_protocol::feed::*;
use koodesk_protocol::open_api::OrderType;
use serde::Serialize;

pub fn page<T: Serialize>(items: Vec<T>, cursor: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"items": items, "next_cursor": cursor, "has_more": false})).expect("json")
}

pub fn order(id: &str, created: &str, access: AccessType, billing: BillingMode, fen: i64) -> FeedOrder {
    let product_type = match access {
        AccessType::Hardware => Some(ProductType::Hardware),
        AccessType::ManualService => Some(ProductType::ManualService),
        _ => None,
    };
    FeedOrder {
        order_id: id.into(),
        order_line_id: format!("{id}-000001"),
        order_type: OrderType::New,
        created_at: created.into(),
        product: ProductRef {
            product_id: format!("P-{}-{}", access.as_str(), billing.as_str()),
            name: "测试商品".into(),
            access_type: access,
            billing_mode: billing,
            supervised: product_type.is_some(),
            product_type,
            channel: Channel::General,
        },
        buyer: BuyerRef {
            buyer_id: "B1".into(),
            name: "北京测试科技有限公司".into(),
            kind: BuyerKind::Enterprise,
            taxpayer_id: None,
        },
        amount: Cny::from_fen(fen),
        status: OrderStatus::InProgress,
        scenario: None,
        settled_at: None,
        license_code: None,
        image: None,
        interface_calls: vec![],
        seq: 1,
    }
}

pub fn flow(order_id: &str, product: ProductType, step: Step, since: &str, rejections: u32) -> FeedFlow {
    FeedFlow {
        order_id: order_id.into(),
        product_type: product,
        step,
        side: step.side(),
        step_started_at: since.into(),
        rejections,
        frozen_by: None,
        rereview: false,
        parcel_signed_at: None,
        history: vec![],
        recorded_by: None,
        recorded_at: None,
        seq: 1,
    }
}

pub fn unsub(id: &str, order_id: &str, requested: &str, review_due: &str) -> FeedUnsubscription {
    FeedUnsubscription {
        id: id.into(),
        order_id: order_id.into(),
        rule: RefundRule::Negotiated,
        requested_at: requested.into(),
        refund_amount: Cny::from_fen(5000),
        paid_amount: Cny::from_fen(10000),
        reason: "需求变更".into(),
        status: UnsubscriptionStatus::Pending,
        review_due: Some(review_due.into()),
        decision_reason: None,
        recorded_by: None,
        recorded_at: None,
        seq: 1,
    }
}

pub fn invoice_request(id: &str, order_id: &str, requested: &str, medium: Medium, fen: i64) -> FeedInvoiceRequest {
    FeedInvoiceRequest {
        id: id.into(),
        order_ids: vec![order_id.into()],
        requested_at: requested.into(),
        kind: InvoiceKind::Ordinary,
        medium,
        title: InvoiceTitle {
            kind: BuyerKind::Enterprise,
            name: "北京测试科技有限公司".into(),
            taxpayer_id: None,
            address: None,
            bank_account: None,
        },
        amount: Cny::from_fen(fen),
        status: InvoiceRequestStatus::Requested,
        invoice_number: None,
        issued_at: None,
        recorded_by: None,
        recorded_at: None,
        seq: 1,
    }
}

pub fn side_of(step: Step) -> Option<Side> {
    step.side()
}
