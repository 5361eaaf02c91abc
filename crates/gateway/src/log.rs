//! Structured logs: one JSON object a line on standard error. Nothing secret is ever passed in: keys, tokens
//! and database passwords stay in [`koodesk_protocol::secret::Secret`], which prints `***`.

use std::io::Write;

fn line(level: &str, event: &str, fields: &[(&str, &str)]) {
    let mut m = serde_json::Map::new();
    m.insert("ts".into(), chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true).into());
    m.insert("level".into(), level.into());
    m.insert("event".into(), event.into());
    for (k, v) in fields {
        m.insert((*k).into(), (*v).into());
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", serde_json::Value::Object(m));
}

pub fn info(event: &str, fields: &[(&str, &str)]) {
    line("info", event, fields);
}

pub fn warn(event: &str, fields: &[(&str, &str)]) {
    line("warn", event, fields);
}

pub fn error(event: &str, fields: &[(&str, &str)]) {
    line("error", event, fields);
}
