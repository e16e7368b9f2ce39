//! `cargo xtask bench`: benchmarks that print numbers (no pass/fail):
//! - bundle sizes (brotli) against their budgets,
//! - card first paint with live data and app time-to-server-list (headless Chromium),
//! - origin fan-out (the origin as its own process): stats and power freshness for 1 and
//!   1,000 viewers with the panel's 20 s cache, RSS per idle viewer at 1,000 and 10,000,
//!   the added p99, Wings sockets, tokens and polls at the panel,
//! - the app's server list with 200 servers for 10 minutes: requests a minute at the
//!   panel, preflights counted, straight and through an origin; at the same time 40 card
//!   viewers through the origin and 40 app tabs straight on a Pterodactyl 1.12 panel.
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
    step("origin fan-out: freshness for 1 and 1,000 viewers, RSS at 1,000 and 10,000 (release build)");
    cmd::run(
        "the fan-out benchmark",
        command("bash")
            .args([
                "-c",
                // Each process holds a socket per viewer: 10,000 need more than the usual
                // 1,024 descriptors (raised to the hard limit, at most 32,768).
                "ulimit -n $(( $(ulimit -Hn) < 32768 ? $(ulimit -Hn) : 32768 )) && exec cargo run --quiet --release -p ptero-origin --example fanout_bench -- 1000,10000 1,1000",
            ])
            .env("PTERO_ORIGIN_BIN", cmd::root().join("target/release/ptero-origin")),
    )?;
    step("10 minutes: the server list with 200 servers, and 40 viewers / 40 tabs of one server (release servers)");
    let release = cmd::root().join("target/release");
    let mut dashboard = command("node");
    dashboard
        .args(["e2e/bench/dashboard.mjs", "10"])
        .env("PTERO_BIN_DIR", &release);
    let mut tabs = command("node");
    tabs.args(["e2e/bench/tabs.mjs", "10", "3"])
        .env("PTERO_BIN_DIR", &release);
    cmd::run_parallel(&mut [
        ("the dashboard benchmark", &mut dashboard),
        ("the tabs benchmark", &mut tabs),
    ])
}
