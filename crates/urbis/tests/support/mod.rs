//! Shared by the CLI's integration tests: running `urbis`, a server process on a free port.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// Runs `urbis ARGS` to completion.
pub fn urbis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_urbis"))
        .args(args)
        .output()
        .expect("run urbis")
}

/// What a run wrote to standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A path as the `&str` an argument list wants.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A running server on a free port; killed when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `host:port` it listens on.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `urbis ARGS` (a command that serves, with `--bind 127.0.0.1:0`) and waits for the
/// address it prints.
pub fn spawn_server(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_urbis"))
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines
        .by_ref()
        .map(|l| l.unwrap())
        .find(|l| l.contains("serving"))
        .unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .trim_end_matches('/')
        .to_string();
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}
