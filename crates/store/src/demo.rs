//! A realistic store written directly, for demos and the performance figures: `koodesk demo`.
//!
//! Orders arrive at 1,000 a day up to `now`, so a store of N orders holds N / 1,000 days of history, as a
//! seller's store grows: what is open (recent supervision steps, unsubscriptions awaiting review, invoice
//! requests) is about the same whatever N is; what is closed piles up behind it.

use koodesk_domain::catalog::{self, AccessType};
use koodesk_domain::supervision::{Side, Step};
use koodesk_domain::time::Instant;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::params;

use crate::db::Store;
use crate::error::StoreError;

pub const ORDERS_PER_DAY: u64 = 1000;

fn kebab<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Writes `orders` orders (and their flows, unsubscriptions, invoice requests, bills) ending at `now`.
pub fn write(store: &mut Store, orders: u64, seed: u64, now: Instant) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let tx = store.write()?;
    // Products: every access type × billing mode.
    let mut products = Vec::new();
    for a in AccessType::ALL {
        for m in catalog::allowed_modes(*a) {
            let id = format!("DP{:03}", products.len() + 1);
            let supervised = koodesk_domain::refund::supervision_of(*a).unwrap_or(false);
            let product_type = match a {
                AccessType::ManualService => Some("manual-service"),
                AccessType::Hardware => Some("hardware"),
                AccessType::License => Some("license2"),
                AccessType::AppOrchestration => Some("app-orchestration"),
                AccessType::DataAsset => Some("data-file"),
                _ => None,
            };
            tx.execute(
                "INSERT INTO products VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'general')",
                params![
                    id,
                    format!("演示商品 {}", products.len() + 1),
                    a.as_str(),
                    m.as_str(),
                    supervised,
                    product_type
                ],
            )?;
            products.push((id, supervised, product_type));
        }
    }
    let buyers = (orders / 20).clamp(10, 50_000);
    for b in 0..buyers {
        tx.execute(
            "INSERT INTO buyers VALUES (?1, ?2, ?3, NULL)",
            params![format!("DB{b:06}"), format!("演示客户{b}"), if b % 3 == 0 { "person" } else { "enterprise" }],
        )?;
    }
    let now_ts = now.timestamp();
    let seconds_per_order = 86_400.0 / ORDERS_PER_DAY as f64;
    let open_window = 14 * 86_400;
    {
        let mut order = tx.prepare_cached(
            "INSERT INTO orders (order_id, order_type, created_ts, product_id, buyer_id, amount_fen, status,
                                 scenario, settled_ts, license_code, seq)
             VALUES (?1, 'new', ?2, ?3, ?4, ?5, ?6, NULL, ?7, NULL, ?8)",
        )?;
        let mut line = tx.prepare_cached(
            "INSERT INTO order_lines (order_line_id, order_id, product_id, amount_fen) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut flow = tx.prepare_cached(
            "INSERT INTO supervision_flows (order_id, product_type, step, side, step_started_ts, rejections,
                   frozen_by, rereview, parcel_signed_ts, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, 0, NULL, ?7)",
        )?;
        let mut unsub = tx.prepare_cached(
            "INSERT INTO unsubscriptions (id, order_id, rule, requested_ts, refund_fen, paid_fen, reason, status,
                                          review_due, decision_reason, seq)
             VALUES (?1, ?2, 'negotiated', ?3, ?4, ?5, '需求变更', ?6, NULL, NULL, ?7)",
        )?;
        let mut request = tx.prepare_cached(
            "INSERT INTO invoice_requests (id, requested_ts, kind, medium, title_kind, title_name, amount_fen, status,
               invoice_number, issued_ts, seq) VALUES (?1, ?2, 'ordinary', ?3, 'enterprise', '演示客户', ?4, ?5, NULL, NULL, ?6)",
        )?;
        let mut request_order = tx.prepare_cached("INSERT INTO invoice_request_orders VALUES (?1, ?2)")?;
        let open_steps = [Step::ConfirmRequirements, Step::Implement, Step::SubmitRequirements, Step::Accept];
        for i in 0..orders {
            let created = now_ts - ((orders - i) as f64 * seconds_per_order) as i64;
            let id = format!("CS{:010}", i + 1);
            let (pid, supervised, product_type) =
                products.choose(&mut rng).cloned().unwrap_or_else(|| products[0].clone());
            let fen: i64 = [9_900, 19_800, 98_000, 198_000, 580_050][rng.gen_range(0..5)];
            let recent = now_ts - created < open_window;
            let refunded = rng.gen_bool(0.02) && !recent;
            let status = if refunded {
                "refunded"
            } else if supervised && recent {
                "in-progress"
            } else {
                "completed"
            };
            let settled = (status == "completed").then_some(created + 3 * 86_400);
            let seq = i as i64 + 1;
            order.execute(params![
                id,
                created,
                pid,
                format!("DB{:06}", rng.gen_range(0..buyers)),
                fen,
                status,
                settled,
                seq
            ])?;
            line.execute(params![format!("{id}-000001"), id, pid, fen])?;
            if let Some(pt) = product_type.filter(|_| supervised) {
                let step = if recent && !refunded {
                    *open_steps.choose(&mut rng).unwrap_or(&Step::Implement)
                } else {
                    Step::Completed
                };
                let side = step.side().map(|s: Side| kebab(&s));
                let since = if recent { created + rng.gen_range(0..86_400) } else { created + 5 * 86_400 };
                flow.execute(params![id, pt, kebab(&step), side, since.min(now_ts), rng.gen_range(0..3), seq])?;
            }
            if rng.gen_bool(0.02) {
                let pending = recent && supervised;
                let st = if pending {
                    "pending"
                } else if rng.gen_bool(0.7) {
                    "approved"
                } else {
                    "rejected"
                };
                unsub.execute(params![format!("DU{i:09}"), id, created + 3_600, fen / 2, fen, st, seq])?;
            }
            if rng.gen_bool(0.3) {
                let requested = created + rng.gen_range(3_600..3 * 86_400);
                let open = now_ts - requested < 9 * 86_400;
                let medium = ["fully-digital", "electronic", "paper"][rng.gen_range(0..3)];
                let rid = format!("DI{i:09}");
                request.execute(params![
                    rid,
                    requested.min(now_ts),
                    medium,
                    fen,
                    if open { "requested" } else { "issued" },
                    seq
                ])?;
                request_order.execute(params![rid, id])?;
            }
        }
    }
    tx.execute(&crate::schema::request_order_facts("first_order_ts IS NULL"), [])?;
    tx.execute(
        "UPDATE supervision_flows SET order_refunded = 1
          WHERE EXISTS (SELECT 1 FROM orders o WHERE o.order_id = supervision_flows.order_id AND o.status = 'refunded')",
        [],
    )?;
    tx.execute_batch(crate::schema::REBUILD_ORDER_TOTALS)?;
    tx.commit()?;
    Ok(())
}
