//! `cargo xtask bench`: benchmarks that print numbers (no pass/fail):
//! - bundle sizes (brotli) against their budgets,
//! - card first paint with live data and app time-to-server-list (headless Chromium),
//! - origin fan-out: upstream polls with 1,000 SSE viewers, p99 added latency, RSS.
//!
//! `--soak` runs only the soak instead: 20 live cards added and removed for 10 minutes,
//! printing the JS heap and what is left behind (release servers).

use crate::build;
use crate::cmd::{self, command, step, Result};
use crate::size;
use crate::tools;

pub fn run(args: &[String]) -> Result {
    tools::setup()?;
    build::bundles()?;
    if args.iter().any(|a| a == "--soak") {
        build::release_servers()?;
        step("soak: 20 live cards added and removed for 10 minutes (release servers)");
        return cmd::run(
            "the soak benchmark",
            command("node")
                .args(["e2e/bench/soak.mjs", "600"])
                .env("PTERO_BIN_DIR", cmd::root().join("target/release")),
        );
    }
    size::report()?;
    // Release servers: what a deployment runs, so the numbers are the user's.
    build::release_servers()?;
    step("first paint: card and app in headless Chromium (release servers)");
    cmd::run(
        "the first-paint benchmark",
        command("node")
            .args(["e2e/bench/first-paint.mjs", "20"])
            .env("PTERO_BIN_DIR", cmd::root().join("target/release")),
    )?;
    step("origin fan-out: 1,000 SSE viewers of one server (release build)");
    cmd::run(
        "the fan-out benchmark",
        command("bash").args([
            "-c",
            "ulimit -n 8192 && exec cargo run --quiet --release -p ptero-origin --example fanout_bench -- 1000 1000",
        ]),
    )
}
