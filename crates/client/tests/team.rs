//! A team on one gateway: two desks (two stores, each syncing with the client) on a real KooDesk Gateway on
//! loopback (SQLite). What one desk records by hand reaches the other at its next sync, with who recorded it; what
//! a desk records while the gateway is unreachable waits in its outbox and is delivered at the next sync.

use std::time::Duration;

use koodesk_client::{sync, FeedClient, SyncOptions};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::{Channel, InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time;
use koodesk_gateway::{DatabaseUrl, GatewayConfig, RunningGateway};
use koodesk_protocol::feed::{BuyerKind, BuyerRef, FeedOrder, Kind, OrderStatus, Page, ProductRef};
use koodesk_protocol::open_api::OrderType;
use koodesk_protocol::secret::Secret;
use koodesk_store::meta::ConnectionMode;
use koodesk_store::outbox::{ActionKind, PendingSync};
use koodesk_store::trackers::{InvoiceRequestEntry, Recorder, StepEntry};
use koodesk_store::{Store, Writer};

const TOKEN: &str = "kdf_team-feed-token-7c21";
const ORDER: &str = "CS2611200900TEAM1";

async fn gateway() -> RunningGateway {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("team-{}-{}.db", std::process::id(), rand_suffix()));
    let c = GatewayConfig::new(
        "127.0.0.1:0".parse().expect("addr"),
        DatabaseUrl::Sqlite(path),
        Secret::new("team-interface-key-0a9e44"),
        Secret::new(TOKEN),
    );
    koodesk_gateway::start(c).await.expect("the gateway starts")
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

fn opts() -> SyncOptions {
    SyncOptions {
        page_size: 100,
        attempts: 2,
        backoff: Duration::from_millis(5),
        now_ts: time::parse_datetime("2026-11-29T10:00:00").expect("t").timestamp(),
        push_all_pending: true,
    }
}

fn at(s: &str) -> time::Instant {
    time::parse_datetime(s).expect("time")
}

/// A desk in gateway mode that knows the order (from the Seller Console's export, say).
async fn desk() -> Writer {
    let mut store = Store::open_in_memory().expect("store");
    store.set_connection_mode(ConnectionMode::Gateway).expect("gateway mode");
    let order = FeedOrder {
        order_id: ORDER.into(),
        order_line_id: format!("{ORDER}-000001"),
        order_type: OrderType::New,
        created_at: "2026-11-20T09:00:00+08:00".into(),
        product: ProductRef {
            product_id: "OFFI000000001".into(),
            name: "实施服务".into(),
            access_type: AccessType::ManualService,
            billing_mode: BillingMode::OneTime,
            supervised: true,
            product_type: Some(ProductType::ManualService),
            channel: Channel::General,
        },
        buyer: BuyerRef {
            buyer_id: "B1".into(),
            name: "北京测试科技有限公司".into(),
            kind: BuyerKind::Enterprise,
            taxpayer_id: None,
        },
        amount: Cny::from_fen(100_000),
        status: OrderStatus::InProgress,
        scenario: None,
        settled_at: None,
        license_code: None,
        image: None,
        interface_calls: vec![],
        seq: 1,
    };
    let page = Page { items: vec![order], next_cursor: String::new(), has_more: false };
    let body = serde_json::to_vec(&page).expect("json");
    store.apply_page(Kind::Orders, &body, 0).expect("the order");
    Writer::spawn(store).expect("writer")
}

fn client(gw: &RunningGateway) -> FeedClient {
    FeedClient::new(&gw.base_url, Secret::new(TOKEN)).expect("client")
}

fn who(by: &str, t: &str) -> Recorder {
    Recorder { by: by.into(), at: at(t) }
}

async fn flow(w: &Writer) -> Option<(String, Option<String>, i64)> {
    w.run(|s| {
        Ok(s.connection()
            .query_row("SELECT step, recorded_by, seq FROM supervision_flows WHERE order_id = ?1", [ORDER], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .ok())
    })
    .await
    .expect("read")
}

async fn pending(w: &Writer, target: &str) -> Option<PendingSync> {
    let t = target.to_string();
    w.run(move |s| Ok(s.in_flight_for(&t)?.map(|(_, p)| p))).await.expect("read")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_on_one_gateway_sees_each_others_records() {
    let gw = gateway().await;
    let (alice, bob) = (desk().await, desk().await);

    // Alice records a supervision step as the Seller Console shows it: written here at once, queued for the gateway.
    let step = StepEntry {
        order_id: ORDER.into(),
        product_type: ProductType::ManualService,
        step: Step::Implement,
        since: at("2026-11-21T10:00:00"),
        rejections: 0,
        note: "需求已确认".into(),
    };
    alice.run(move |s| s.record_step(&step, &who("alice", "2026-11-21T10:05:00"))).await.expect("recorded");
    assert_eq!(flow(&alice).await.map(|f| f.1), Some(Some("alice".into())), "written here at once");
    assert_eq!(pending(&alice, ORDER).await, Some(PendingSync::Queued));
    let queued = alice.run(|s| s.due_actions(i64::MAX, 10)).await.expect("due");
    assert_eq!(queued.actions.iter().map(|a| a.kind).collect::<Vec<_>>(), vec![ActionKind::RecordStep]);

    let report = sync(&alice, &client(&gw), &opts()).await.expect("alice syncs");
    assert_eq!(report.actions_sent, 1, "{report:?}");
    assert_eq!(pending(&alice, ORDER).await, None, "the gateway's feed echoed it");
    let (_, by, seq) = flow(&alice).await.expect("the flow");
    assert_eq!((by.as_deref(), seq > 0), (Some("alice"), true), "the echo replaced the local row");

    // Bob's desk sees it at its next sync, with who recorded it.
    assert_eq!(flow(&bob).await, None);
    sync(&bob, &client(&gw), &opts()).await.expect("bob syncs");
    let (step, by, _) = flow(&bob).await.expect("alice's step reached bob");
    assert_eq!((step.as_str(), by.as_deref()), ("implement", Some("alice")));

    // Bob records an invoice request while the gateway cannot be reached: it waits in his outbox.
    let unreachable = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        let port = l.local_addr().expect("addr").port();
        drop(l);
        FeedClient::new(&format!("http://127.0.0.1:{port}"), Secret::new(TOKEN)).expect("client")
    };
    let entry = InvoiceRequestEntry {
        order_ids: vec![ORDER.into()],
        requested_at: at("2026-11-22T09:00:00"),
        kind: InvoiceKind::Ordinary,
        medium: Medium::FullyDigital,
        title: koodesk_domain::invoice::BuyerTitle::Enterprise {
            name: "北京测试科技有限公司".into(),
            taxpayer_id: None,
        },
        address: None,
        bank_account: None,
    };
    let request =
        bob.run(move |s| s.record_invoice_request(&entry, &who("bob", "2026-11-22T09:10:00"))).await.expect("recorded");
    let report = sync(&bob, &unreachable, &opts()).await.expect("a sync offline still ends");
    assert!(report.offline, "{report:?}");
    assert_eq!(pending(&bob, &request).await, Some(PendingSync::Queued), "kept for the next sync");
    sync(&alice, &client(&gw), &opts()).await.expect("alice syncs");
    let seen = |w: &Writer, id: String| {
        let w = w.clone();
        async move {
            w.run(move |s| {
                Ok(s.connection()
                    .query_row(
                        "SELECT status, recorded_by, invoice_number FROM invoice_requests WHERE id = ?1",
                        [&id],
                        |r| {
                            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
                        },
                    )
                    .ok())
            })
            .await
            .expect("read")
        }
    };
    assert_eq!(seen(&alice, request.clone()).await, None, "not delivered yet");

    // The gateway is back: the next sync delivers it, and alice sees it.
    let report = sync(&bob, &client(&gw), &opts()).await.expect("bob syncs");
    assert_eq!(report.actions_sent, 1, "{report:?}");
    assert_eq!(pending(&bob, &request).await, None);
    sync(&alice, &client(&gw), &opts()).await.expect("alice syncs");
    assert_eq!(seen(&alice, request.clone()).await, Some(("requested".into(), Some("bob".into()), None)));

    // Alice records the invoice issued on the Seller Console; bob sees the number and who recorded it.
    let id = request.clone();
    alice
        .run(move |s| s.record_invoice_issued(&id, "26110000000012345678", &who("alice", "2026-11-23T11:00:00")))
        .await
        .expect("issued");
    sync(&alice, &client(&gw), &opts()).await.expect("alice syncs");
    sync(&bob, &client(&gw), &opts()).await.expect("bob syncs");
    assert_eq!(
        seen(&bob, request.clone()).await,
        Some(("issued".into(), Some("alice".into()), Some("26110000000012345678".into())))
    );
    gw.stop().await;
}
