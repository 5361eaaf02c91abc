//! The database under the gateway's group commit, with two replicas (two `Db`s on one database) and several
//! batches in flight at each: a nonce offered in concurrent batches is accepted exactly once and only its call's
//! upsert is stored; the feed's cursor never leaves a change behind while two replicas write and read at once.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use koodesk_gateway::db::{Claimed, Db, Enriched, Got, JournalEntry, NewInstance, OrderTouch, StoredApp, Then};
use koodesk_gateway::DatabaseUrl;
use support::pg::Postgres;

fn sqlite_url(name: &str) -> DatabaseUrl {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("gateway-batches-{}-{name}-{}.db", std::process::id(), rand::random::<u32>()));
    DatabaseUrl::Sqlite(path)
}

async fn two_replicas(url: &DatabaseUrl) -> [Arc<Db>; 2] {
    let a = Db::open(url).await.expect("replica a opens");
    let b = Db::open(url).await.expect("replica b opens");
    [Arc::new(a), Arc::new(b)]
}

fn candidate(order: &str, attempt: usize) -> NewInstance {
    NewInstance {
        instance_id: format!("kd-{order}-{attempt}"),
        order_id: order.to_string(),
        order_line_id: format!("{order}-000001"),
        test: false,
        state: koodesk_gateway::db::InstanceState::Active,
        app: Some(StoredApp { front_end_url: format!("https://saas.example/{order}"), ..StoredApp::default() }),
        now_ms: support::now_ms(),
    }
}

/// 120 nonces, each offered four times at once (twice at each replica) with a different candidate instance each
/// time, submitted in an order that differs per round so concurrent batches hold them in different orders; and
/// the same order lines upserted under fresh nonces at both replicas at once.
async fn nonce_accepted_once(url: DatabaseUrl) {
    let dbs = two_replicas(&url).await;
    let expires = support::now_ms() + 600_000;
    let nonces: Vec<String> = (0..120).map(|i| format!("nonce-{i:03}-{}", support::nonce())).collect();
    let mut tasks = Vec::new();
    for attempt in 0..4 {
        let mut order: Vec<usize> = (0..nonces.len()).collect();
        if attempt % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let db = dbs[attempt % 2].clone();
            let nonce = nonces[i].clone();
            // The order line is shared by two nonces, so the lines of concurrent batches overlap too.
            let line_of = format!("CSB{}", i / 2);
            tasks.push(tokio::spawn(async move {
                let c = candidate(&line_of, attempt * 1000 + i);
                let got = db.claim(&nonce, expires, Then::Upsert(c.clone())).await.expect("the batch commits");
                (i, c, got)
            }));
        }
    }
    let mut accepted = vec![0usize; nonces.len()];
    let mut refused_candidates = Vec::new();
    let mut winners: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for t in tasks {
        let (i, c, got) = t.await.expect("task");
        match got {
            Claimed::Replayed => refused_candidates.push(c.instance_id),
            Claimed::Fresh(Got::Upserted { row, .. }) => {
                accepted[i] += 1;
                winners.entry(c.order_id.clone()).or_default().insert(row.instance_id.clone());
            }
            Claimed::Fresh(other) => panic!("an upsert answered {other:?}"),
        }
    }
    assert!(accepted.iter().all(|&n| n == 1), "each nonce accepted exactly once: {accepted:?}");
    for (line, ids) in &winners {
        assert_eq!(ids.len(), 1, "{line}: one instance for the order line, got {ids:?}");
    }
    let stored = dbs[0].instances(&refused_candidates).await.expect("reads");
    assert!(stored.is_empty(), "a replayed call's candidate is never stored: {stored:?}");
    // A nonce seen in an earlier batch is refused at both replicas; a new one is fresh.
    for db in &dbs {
        assert!(!db.claim_nonce(&nonces[0], expires).await.expect("claim"), "replayed");
    }
    assert!(dbs[1].claim_nonce(&support::nonce(), expires).await.expect("claim"), "fresh");
}

fn enriched(order: &str) -> Enriched {
    Enriched {
        order_line_id: format!("{order}-000001"),
        order_type: "NEW".into(),
        created_at: "2026-11-30T10:00:00+08:00".into(),
        charging_mode: "PERIOD".into(),
        period_type: Some("month".into()),
        period_number: Some(1),
        product_id: "P1".into(),
        sku_code: None,
        product_name: "SaaS".into(),
        amount: "99.00".into(),
        buyer_id: "B1".into(),
        buyer_name: "Buyer".into(),
        buyer_kind: "enterprise".into(),
    }
}

fn call(order: &str, replica: &str) -> JournalEntry {
    JournalEntry {
        received_ms: support::now_ms(),
        activity: Some("queryInstance".into()),
        order_id: Some(order.to_string()),
        order_line_id: Some(format!("{order}-000001")),
        instance_id: None,
        test: false,
        nonce: Some(support::nonce()),
        timestamp: None,
        source: "127.0.0.1".into(),
        replica: replica.into(),
        refused: None,
        result_code: "000000".into(),
        reply: "{}".into(),
        latency_us: 1,
        touch: Some(OrderTouch {
            order_id: order.to_string(),
            order_line_id: format!("{order}-000001"),
            instance_id: None,
            provisioned: false,
        }),
    }
}

/// Two replicas journal calls about 30 orders (each call a change to its order) while a reader pages through the
/// feed at both by cursor. Once the writers are done and the reader has caught up, the last version of each order
/// the reader saw carries every call: no change committed behind its cursor.
async fn feed_skips_nothing(url: DatabaseUrl) {
    let dbs = two_replicas(&url).await;
    let orders: Vec<String> = (0..30).map(|i| format!("CSF{i:02}")).collect();
    for o in &orders {
        dbs[0].record(&call(o, "a")).await.expect("journal");
        dbs[0].save_enrichment(o, &enriched(o), support::now_ms()).await.expect("enrich");
    }
    let writers_left = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..8 {
        let db = dbs[w % 2].clone();
        let orders = orders.clone();
        let left = writers_left.clone();
        left.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        writers.push(tokio::spawn(async move {
            let replica = if w % 2 == 0 { "a" } else { "b" };
            for k in 0..60 {
                let o = &orders[(w * 7 + k * 13) % orders.len()];
                db.record(&call(o, replica)).await.expect("journal");
            }
            left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }));
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut cursor = 0i64;
    let mut turn = 0usize;
    loop {
        let done = writers_left.load(std::sync::atomic::Ordering::SeqCst) == 0;
        let page = dbs[turn % 2].orders_page(cursor, 7).await.expect("page");
        turn += 1;
        for o in &page {
            assert!(o.seq > cursor, "the page is after the cursor");
            seen.insert(o.order_id.clone(), o.calls.len());
            cursor = o.seq;
        }
        // Caught up after the last writer finished: everything committed has been read.
        if page.is_empty() && done {
            break;
        }
        tokio::task::yield_now().await;
    }
    for w in writers {
        w.await.expect("writer");
    }
    let mut expected: BTreeMap<String, usize> = orders.iter().map(|o| (o.clone(), 1)).collect();
    for w in 0..8 {
        for k in 0..60 {
            *expected.entry(orders[(w * 7 + k * 13) % orders.len()].clone()).or_default() += 1;
        }
    }
    assert_eq!(seen, expected, "the last version read of each order carries all its calls");
}

macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $scenario(sqlite_url(stringify!($name))).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let pg = Postgres::start();
                $scenario(DatabaseUrl::parse(&pg.url()).expect("url")).await;
            }
        }
    };
}

on_both!(nonces, nonce_accepted_once);
on_both!(feed, feed_skips_nothing);
