fn main() {
    let c = rusqlite::Connection::open(std::env::args().nth(1).expect("db")).expect("open");
    let v: String = c.query_row("SELECT sqlite_version()", [], |r| r.get(0)).expect("v");
    println!("bundled SQLite {v}");
    for sql in std::env::args().skip(2) {
        let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("prep");
        let rows = st.query_map([], |r| r.get::<_, String>(3)).expect("q");
        for r in rows {
            println!("  {}", r.expect("row"));
        }
        let t = std::time::Instant::now();
        let mut st = c.prepare(&sql).expect("prep");
        let n = st.query_map([], |_| Ok(())).expect("q").count();
        println!("  -> {n} rows in {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    }
}
