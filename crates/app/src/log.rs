//! The workspace log: `koodesk.log` in the data directory, and standard error. Lines are written by KooDesk's
//! own code only, which never formats a secret (`Secret` prints as `[redacted]`); a test reads the file back.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct Log {
    path: PathBuf,
    file: Mutex<Option<std::fs::File>>,
}

impl Log {
    pub fn new(path: PathBuf) -> Log {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).ok();
        Log { path, file: Mutex::new(file) }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub fn info(&self, line: &str) {
        let stamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let line = format!("{stamp} {line}\n");
        eprint!("koodesk: {line}");
        if let Some(f) = self.file.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            // A log line that cannot be written is not worth failing a command for.
            let _ = f.write_all(line.as_bytes());
        }
    }
}
