//! Applies saved feed pages (`DIR/{kind}-NNN.json`, as the feed served them) to a new store and prints the time per
//! feed: how the sync's writing is measured apart from the network (docs/performance.md, "Sync").
//!
//! `cargo run --release -p koodesk-store --example apply_pages -- DIR NEW.db`

use std::time::Instant;

use koodesk_protocol::feed::Kind;
use koodesk_store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (dir, db) = match args.as_slice() {
        [_, dir, db] => (dir.clone(), db.clone()),
        _ => return Err("usage: apply_pages DIR NEW.db".into()),
    };
    let mut store = Store::open(&db)?;
    let all = Instant::now();
    for kind in Kind::ALL {
        let t = Instant::now();
        let (mut pages, mut items) = (0, 0);
        for n in 0.. {
            let path = format!("{dir}/{}-{n:03}.json", kind.path());
            let Ok(body) = std::fs::read(&path) else { break };
            items += store.apply_page(kind, &body, 0)?.items;
            pages += 1;
        }
        let s = t.elapsed().as_secs_f64();
        println!("{:<17} {pages:>3} pages {items:>7} items {s:>7.2} s {:>9.0} items/s", kind.path(), items as f64 / s);
    }
    let t = Instant::now();
    store.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    println!("checkpoint {:.2} s", t.elapsed().as_secs_f64());
    println!("all {:.2} s", all.elapsed().as_secs_f64());
    Ok(())
}
