//! `tls-server` run as a test runs it: on a free port, its stderr collected line by line, and
//! required to exit 0 by itself (`--max-conns`), so that under valgrind every run is checked.

use super::{deadline, example, wrapped};
use std::io::{BufRead, BufReader};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A tls-server on a free port, with its stderr collected line by line.
pub struct ExampleServer {
    pub child: Child,
    pub port: u16,
    log: Receiver<String>,
    seen: Vec<String>,
}

impl ExampleServer {
    /// Starts `tls-server ARGS --port 0` and waits for its `listening on ADDR:PORT` line.
    pub fn start(args: &[&str]) -> ExampleServer {
        let mut cmd = wrapped(&example("tls-server"));
        cmd.args(args)
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));

        let stdout = child.stdout.take().expect("piped");
        let (port_tx, port_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref().map_while(Result::ok) {
                let port = line
                    .strip_prefix("listening on ")
                    .and_then(|address| address.rsplit(':').next())
                    .and_then(|port| port.parse::<u16>().ok());
                if let Some(port) = port {
                    let _ = port_tx.send(port);
                    break;
                }
            }
            for _ in lines {} // keep draining: a full pipe must never block the server
        });
        let stderr = child.stderr.take().expect("piped");
        let (log_tx, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = log_tx.send(line);
            }
        });

        match port_rx.recv_timeout(deadline()) {
            Ok(port) => ExampleServer {
                child,
                port,
                log,
                seen: Vec::new(),
            },
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().expect("wait");
                let stderr: Vec<String> = log.iter().collect();
                panic!(
                    "{cmd:?} never printed its port (status {status}); stderr:\n{}",
                    stderr.join("\n")
                );
            }
        }
    }

    pub fn port(&self) -> String {
        self.port.to_string()
    }

    /// Waits until the server logs a line containing `needle`, and returns that line.
    pub fn wait_for_log(&mut self, needle: &str) -> String {
        let end = Instant::now() + deadline();
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => panic!(
                    "tls-server never logged {needle:?}; its stderr so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Waits for the server to exit by itself (`--max-conns`), asserts it exited 0 (which
    /// under valgrind also means no errors and no leaks), and returns its whole stderr.
    pub fn finish(mut self) -> Vec<String> {
        let end = Instant::now() + deadline();
        let status: ExitStatus = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                let _ = self.child.wait();
                self.seen.extend(self.log.try_iter());
                panic!(
                    "tls-server did not exit by itself; its stderr:\n{}",
                    self.seen.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(5)); // polling a child, not synchronising
        };
        let mut lines = std::mem::take(&mut self.seen);
        lines.extend(self.log.iter()); // ends when the server's stderr closes
        assert!(
            status.success(),
            "tls-server exited with {status}; its stderr:\n{}",
            lines.join("\n")
        );
        lines
    }
}

impl Drop for ExampleServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
