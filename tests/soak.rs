//! `make soak` still works: the soak runs for a few seconds with a few clients of each kind and
//! prints its whole report, and no well-behaved client fails meanwhile. A smoke test, not the
//! campaign: memory and descriptor figures mean something only over `make soak`'s minutes.

mod support;

use std::process::Command;
use support::*;

#[test]
fn soak_runs_briefly_and_prints_its_report() {
    ensure_built();
    run_tool(
        Command::new("make")
            .args(["-s", "build/certs/server.pem"])
            .current_dir(root()),
        "make the certificates",
    );
    run_tool(
        Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--release", "--example", "soak"])
            .current_dir(root()),
        "build the soak driver",
    );
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let output = run_with_timeout(
        Command::new(root().join(target).join("release/examples/soak"))
            .args(["--seconds", "4", "--clients", "2", "--hostile", "6"])
            .arg(build_dir())
            .current_dir(root()),
        deadline(),
    );
    let report = stdout_text(&output);
    for line in [
        "Handshakes per second",
        "Hostile connections:",
        "Failures of well-behaved clients: 0",
        "Longest wait of a well-behaved client:",
        "http: rss",
        "echo: rss",
    ] {
        assert!(
            report.contains(line),
            "no {line:?} in the soak's report:\n{report}\n{}",
            stderr_text(&output)
        );
    }
}
