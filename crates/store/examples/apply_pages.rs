//! Applies saved feed pages (`DIR/{kind}-NNN.json`, as the feed served them) to a new store and prints the time per
//! feed, parsing (done on another thread during a sync) apart from writing: how the sync's writing is measured apart
//! from the network (docs/performance.md, "Sync"). `GROUP` pages are written per transaction (default 1).
//!
//! `cargo run --release -p koodesk-store --example apply_pages -- DIR NEW.db [GROUP]`

use std::time::Instant;

use koodesk_protocol::feed::Kind;
use koodesk_store::ingest::parse_page;
use koodesk_store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (dir, db, group) = match args.as_slice() {
        [_, dir, db] => (dir.clone(), db.clone(), 1),
        [_, dir, db, group] => (dir.clone(), db.clone(), group.parse::<usize>()?.max(1)),
        _ => return Err("usage: apply_pages DIR NEW.db [GROUP]".into()),
    };
    let mut store = Store::open(&db)?;
    let all = Instant::now();
    let mut writing_all = 0.0;
    for kind in Kind::ALL {
        let (mut pages, mut items, mut parsing, mut writing) = (0, 0, 0.0, 0.0);
        let mut parsed = Vec::new();
        for n in 0.. {
            let path = format!("{dir}/{}-{n:03}.json", kind.path());
            let body = std::fs::read(&path).ok();
            if let Some(body) = &body {
                let t = Instant::now();
                parsed.push(parse_page(kind, body)?);
                parsing += t.elapsed().as_secs_f64();
                pages += 1;
            }
            if !parsed.is_empty() && (parsed.len() == group || body.is_none()) {
                let t = Instant::now();
                items += store.apply_parsed_pages(&parsed, 0)?.items;
                writing += t.elapsed().as_secs_f64();
                parsed.clear();
            }
            if body.is_none() {
                break;
            }
        }
        writing_all += writing;
        println!(
            "{:<17} {pages:>3} pages {items:>7} items: parsing {parsing:5.2} s, writing {writing:5.2} s = {:>6.0} items/s",
            kind.path(),
            items as f64 / writing.max(1e-9)
        );
    }
    let t = Instant::now();
    store.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    println!("checkpoint {:.2} s", t.elapsed().as_secs_f64());
    println!("writing {writing_all:.2} s, all {:.2} s", all.elapsed().as_secs_f64());
    Ok(())
}
