//! The servers the wasm tests talk to: five `ptero-sandbox` instances on free loopback
//! ports, and the fixed address of wasm-bindgen-test's page so the sandboxes can allow
//! its origin in advance.
//!
//! - `PTERO_TEST_SANDBOX` (Pterodactyl 1.11): CORS and every node's Wings allow the test page; 6 s
//!   websocket tokens checked every second (so `token expiring` comes every second and
//!   `token expired` 5–6 s after a token was issued), and a 1.5 s power transition.
//! - `PTERO_TEST_SANDBOX_NO_CORS`: CORS allows another origin only (the panel answers,
//!   the browser refuses to show the answer to the page).
//! - `PTERO_TEST_SANDBOX_LIMITED`: Pterodactyl 1.12's websocket limits as they are (5
//!   tokens per server per minute, 30 sockets, throttling, 4 KiB frames), the test page
//!   allowed, and 200 extra running servers: each limit test has a server of its own, and
//!   the server list has 206 rows for the request-budget test.
//! - `PTERO_TEST_SANDBOX_MANAGER`: Pterodactyl 1.12 (its per-server throttles on pulls,
//!   backups, restores and creating things), the test page allowed, and 60 extra servers
//!   of Alice's: each server-manager test changes one of its own. Its per-user request
//!   limit is raised to 5,000 a minute, as the manager tests send a few hundred requests
//!   of Alice's within a minute; 1.12's own 256 is met on the limited sandbox.
//! - `PTERO_TEST_SANDBOX_PELICAN`: the Pelican flavour (its `pacc_` keys, its own routes
//!   for a server's description and for removing an SSH key, no two-factor route), the
//!   test page allowed: the app's Pelican branches meet a Pelican panel.
//! - `PTERO_TEST_CLOSED`: a loopback port nothing listens on.
//!
//! The tests read these at compile time (`option_env!`) and fail without them.

use std::fs::File;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::cmd::{self, command, root, step, wait_for, Children, Result, StepError};

/// Running sandboxes (killed when dropped) and the environment of the wasm test run.
pub struct TestServers {
    _children: Children,
    pub env: Vec<(&'static str, String)>,
}

/// Builds the sandbox (debug) and starts what the wasm tests need.
pub fn start_for_wasm_tests() -> Result<TestServers> {
    step("building the sandbox for the wasm tests (cargo build -p ptero-sandbox)");
    cmd::run(
        "building the sandbox",
        command("cargo").args(["build", "-p", "ptero-sandbox"]),
    )?;
    let binary = target_dir().join("debug/ptero-sandbox");

    // All seven ports are reserved together so they differ, then released for their
    // users; the closed one stays closed.
    let [page, panel, no_cors, closed, limited, pelican, manager] = free_ports()?;
    let page_origin = format!("http://127.0.0.1:{page}");
    let logs = target_dir().join("wasm-tests");
    std::fs::create_dir_all(&logs)
        .map_err(|e| StepError(format!("creating {}: {e}", logs.display())))?;

    step(&format!(
        "starting five sandboxes for the wasm tests (logs in {})",
        logs.display()
    ));
    let mut children = Children::default();
    let panel_addr = format!("127.0.0.1:{panel}");
    children.spawn(
        "ptero-sandbox (test page allowed)",
        Command::new(&binary)
            .args(["--listen", &panel_addr])
            .args(["--cors-origin", &page_origin])
            .args(["--node-allowed-origin", &page_origin])
            .args(["--power-delay-ms", "1500"])
            .args(["--token-lifetime-secs", "6", "--token-check-secs", "1"])
            // 6 s tokens are renewed every second: past 1.12's 5 tokens a minute and its
            // auth throttle (2 per 5 s). The 1.12 limits have the third sandbox.
            .args(["--flavor", "pterodactyl-1.11"])
            .args(["--stats-interval-ms", "200", "--resources-cache-secs", "0"])
            .env("RUST_LOG", "ptero_sandbox=info")
            .stdin(Stdio::null())
            .stdout(log_file(&logs, "sandbox.log")?)
            .stderr(log_file(&logs, "sandbox.err.log")?),
    )?;
    let no_cors_addr = format!("127.0.0.1:{no_cors}");
    children.spawn(
        "ptero-sandbox (test page not allowed)",
        Command::new(&binary)
            .args(["--listen", &no_cors_addr])
            .args(["--cors-origin", "https://some-other-site.example"])
            .env("RUST_LOG", "ptero_sandbox=info")
            .stdin(Stdio::null())
            .stdout(log_file(&logs, "sandbox-no-cors.log")?)
            .stderr(log_file(&logs, "sandbox-no-cors.err.log")?),
    )?;
    let limited_addr = format!("127.0.0.1:{limited}");
    children.spawn(
        "ptero-sandbox (1.12 limits)",
        Command::new(&binary)
            .args(["--listen", &limited_addr, "--flavor", "pterodactyl-1.12"])
            .args(["--cors-origin", &page_origin])
            .args(["--node-allowed-origin", &page_origin])
            .args(["--extra-servers", "200", "--power-delay-ms", "500"])
            .args(["--stats-interval-ms", "200", "--resources-cache-secs", "0"])
            .env("RUST_LOG", "ptero_sandbox=info")
            .stdin(Stdio::null())
            .stdout(log_file(&logs, "sandbox-limited.log")?)
            .stderr(log_file(&logs, "sandbox-limited.err.log")?),
    )?;
    let pelican_addr = format!("127.0.0.1:{pelican}");
    children.spawn(
        "ptero-sandbox (Pelican)",
        Command::new(&binary)
            .args(["--listen", &pelican_addr, "--flavor", "pelican"])
            .args(["--cors-origin", &page_origin])
            .args(["--node-allowed-origin", &page_origin])
            .args(["--power-delay-ms", "500"])
            .env("RUST_LOG", "ptero_sandbox=info")
            .stdin(Stdio::null())
            .stdout(log_file(&logs, "sandbox-pelican.log")?)
            .stderr(log_file(&logs, "sandbox-pelican.err.log")?),
    )?;
    let manager_addr = format!("127.0.0.1:{manager}");
    children.spawn(
        "ptero-sandbox (1.12, the manager tests' servers)",
        Command::new(&binary)
            .args(["--listen", &manager_addr, "--flavor", "pterodactyl-1.12"])
            .args(["--cors-origin", &page_origin])
            .args(["--node-allowed-origin", &page_origin])
            .args(["--extra-servers", "60", "--power-delay-ms", "500"])
            .args(["--rate-limit", "5000"])
            .env("RUST_LOG", "ptero_sandbox=info")
            .stdin(Stdio::null())
            .stdout(log_file(&logs, "sandbox-manager.log")?)
            .stderr(log_file(&logs, "sandbox-manager.err.log")?),
    )?;
    wait_for(&panel_addr)?;
    wait_for(&no_cors_addr)?;
    wait_for(&limited_addr)?;
    wait_for(&pelican_addr)?;
    wait_for(&manager_addr)?;

    Ok(TestServers {
        _children: children,
        env: vec![
            ("WASM_BINDGEN_TEST_ADDRESS", format!("127.0.0.1:{page}")),
            // Cross-origin isolation (COEP require-corp) would block the no-cors probe
            // the app uses to tell a CORS refusal from an unreachable host.
            ("WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION", "1".into()),
            ("PTERO_TEST_PAGE_ORIGIN", page_origin),
            ("PTERO_TEST_SANDBOX", format!("http://{panel_addr}")),
            (
                "PTERO_TEST_SANDBOX_NO_CORS",
                format!("http://{no_cors_addr}"),
            ),
            ("PTERO_TEST_CLOSED", format!("http://127.0.0.1:{closed}")),
            (
                "PTERO_TEST_SANDBOX_LIMITED",
                format!("http://{limited_addr}"),
            ),
            (
                "PTERO_TEST_SANDBOX_PELICAN",
                format!("http://{pelican_addr}"),
            ),
            (
                "PTERO_TEST_SANDBOX_MANAGER",
                format!("http://{manager_addr}"),
            ),
        ],
    })
}

/// Cargo's target directory, where `cargo build` put the sandbox.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Seven free loopback ports, all below the kernel's ephemeral range: a port that
/// `bind(0)` handed out could be handed out again (to chromedriver, which the runner
/// starts per test file) and the "closed" port would answer, or the test page's port be
/// taken between two test files. Below that range only an explicit bind takes a port.
fn free_ports() -> Result<[u16; 7]> {
    let ephemeral_start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let low = ephemeral_start.saturating_sub(12_000).max(1024);
    // Spread concurrent runs (other worktrees) over the range.
    let first = low + (std::process::id() % 8_000) as u16;
    let mut held = Vec::new();
    for port in (first..ephemeral_start).chain(low..first) {
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)) {
            held.push(listener);
            if held.len() == 7 {
                break;
            }
        }
    }
    let ports: Vec<u16> = held
        .iter()
        .filter_map(|listener| Some(listener.local_addr().ok()?.port()))
        .collect();
    ports.try_into().map_err(|_| {
        StepError(format!(
            "no seven free loopback ports between {low} and {ephemeral_start}"
        ))
    })
}

fn log_file(dir: &std::path::Path, name: &str) -> Result<File> {
    let path = dir.join(name);
    File::create(&path).map_err(|e| StepError(format!("creating {}: {e}", path.display())))
}
