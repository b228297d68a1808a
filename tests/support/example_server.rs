//! `tls-server` run as a test runs it: on a free port, its stderr collected line by line, and
//! required to exit 0 by itself (`--max-conns`), so that under valgrind every run is checked.

use super::{deadline, example, tls_server_command};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A program's output, read line by line by a thread, so that a test waits for a line with a
/// deadline instead of hanging on a program that never prints it.
pub struct Lines {
    who: String,
    rx: Receiver<String>,
    seen: Vec<String>,
}

impl Lines {
    /// Reads `source` (a child's stdout or stderr) to its end, whatever the test does meanwhile:
    /// a full pipe must never block the program.
    pub fn read(who: &str, source: impl Read + Send + 'static) -> Lines {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(source).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Lines {
            who: who.to_owned(),
            rx,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `needle` and returns it; panics, showing what came, if none
    /// does before the deadline or the end of the output.
    pub fn wait_for(&mut self, needle: &str) -> String {
        let end = Instant::now() + deadline();
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => panic!(
                    "{} never printed {needle:?}; its output so far:\n{}",
                    self.who,
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Every line: those seen so far and the rest, until the program closes its output.
    pub fn rest(&mut self) -> Vec<String> {
        let end = Instant::now() + deadline();
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => return std::mem::take(&mut self.seen),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "{} did not close its output; so far:\n{}",
                    self.who,
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// The lines seen so far and those already arrived, without waiting.
    pub fn so_far(&mut self) -> String {
        self.seen.extend(self.rx.try_iter());
        self.seen.join("\n")
    }
}

/// A tls-server on a free port, with its stderr collected line by line.
pub struct ExampleServer {
    pub child: Child,
    pub port: u16,
    log: Lines,
}

impl ExampleServer {
    /// Starts `tls-server ARGS --port 0` and waits for its `listening on ADDR:PORT` line.
    pub fn start(args: &[&str]) -> ExampleServer {
        let mut cmd = tls_server_command();
        cmd.args(args);
        Self::spawn(cmd)
    }

    /// As [`ExampleServer::start`], with at most `max_fds` file descriptors (`ulimit -n`).
    ///
    /// Never under `FTLS_TEST_WRAPPER`: valgrind keeps descriptors of its own below the limit,
    /// and when the kernel gives an accepted socket a descriptor above the program's share,
    /// valgrind closes it itself and the program never sees that client.
    pub fn start_with_fd_limit(args: &[&str], max_fds: u32) -> ExampleServer {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("ulimit -n {max_fds} && exec \"$0\" \"$@\""))
            .arg(example("tls-server"))
            .args(args);
        Self::spawn(cmd)
    }

    fn spawn(mut cmd: Command) -> ExampleServer {
        cmd.args(["--port", "0"])
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
        let mut log = Lines::read("tls-server", child.stderr.take().expect("piped"));

        match port_rx.recv_timeout(deadline()) {
            Ok(port) => ExampleServer { child, port, log },
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().expect("wait");
                panic!(
                    "{cmd:?} never printed its port (status {status}); stderr:\n{}",
                    log.so_far()
                );
            }
        }
    }

    pub fn port(&self) -> String {
        self.port.to_string()
    }

    /// Waits until the server logs a line containing `needle`, and returns that line.
    pub fn wait_for_log(&mut self, needle: &str) -> String {
        self.log.wait_for(needle)
    }

    /// What the server logged so far, without waiting (for failure messages).
    pub fn log_so_far(&mut self) -> String {
        self.log.so_far()
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
                panic!(
                    "tls-server did not exit by itself; its stderr:\n{}",
                    self.log.so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(5)); // polling a child, not synchronising
        };
        let lines = self.log.rest(); // ends when the server's stderr closes
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
