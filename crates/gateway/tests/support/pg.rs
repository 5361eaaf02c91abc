//! A real PostgreSQL server for one test, in a temporary directory, run as the `postgres` user when the tests
//! run as root (PostgreSQL refuses to run as root). Debian's `postgresql` package provides the binaries
//! (`/usr/lib/postgresql/N/bin`, or `KOODESK_PG_BIN`); `.ci/run` installs it.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Postgres {
    child: Option<Child>,
    dir: PathBuf,
    pub port: u16,
}

fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("KOODESK_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|p| p.join("initdb").exists()).collect())
        .unwrap_or_default();
    found.sort();
    found
        .pop()
        .unwrap_or_else(|| panic!("PostgreSQL is not installed: apt-get install postgresql (or set KOODESK_PG_BIN)"))
}

/// The uid and gid of `postgres` when running as root.
fn run_as() -> Option<(u32, u32)> {
    let me = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid_line = me.lines().find(|l| l.starts_with("Uid:"))?;
    if uid_line.split_whitespace().nth(1)? != "0" {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let line = passwd
        .lines()
        .find(|l| l.starts_with("postgres:"))
        .unwrap_or_else(|| panic!("running as root, but there is no `postgres` user to run PostgreSQL as"));
    let f: Vec<&str> = line.split(':').collect();
    Some((f[2].parse().ok()?, f[3].parse().ok()?))
}

fn command(bin: &Path, user: Option<(u32, u32)>, dir: &Path) -> Command {
    let mut c = Command::new(bin);
    // A working directory the postgres user can enter, whatever the checkout's permissions.
    c.current_dir(dir);
    if let Some((uid, gid)) = user {
        c.uid(uid).gid(gid);
    }
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Postgres {
    /// initdb, then start, returning once the server says it accepts connections.
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let user = run_as();
        let dir = std::env::temp_dir().join(format!("koodesk-pg-{}-{}", std::process::id(), rand::random::<u32>()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).expect("chown the data dir to postgres");
        }
        let data = dir.join("data");
        let out = command(&bin.join("initdb"), user, &dir)
            .args([
                "-D",
                data.to_str().expect("utf-8"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .output()
            .expect("initdb runs");
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        let mut child = command(&bin.join("postgres"), user, &dir)
            .args(["-D", data.to_str().expect("utf-8"), "-p", &port.to_string(), "-k", dir.to_str().expect("utf-8")])
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("postgres starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        loop {
            match lines.next() {
                Some(Ok(line)) => {
                    let ready = line.contains("database system is ready to accept connections");
                    seen.push(line);
                    if ready {
                        break;
                    }
                }
                _ => panic!("postgres stopped before it was ready:\n{}", seen.join("\n")),
            }
        }
        // Keep draining its log so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Postgres { child: Some(child), dir, port }
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Fast shutdown (SIGINT), so no shared memory is left behind.
            let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
