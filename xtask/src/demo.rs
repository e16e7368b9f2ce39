//! `cargo xtask demo`: builds everything and runs, on loopback,
//! - the sandbox panel + Wings (`ptero-sandbox`)            http://127.0.0.1:8081
//! - the origin serving the app and the card (`ptero-origin`) http://127.0.0.1:8080
//! - a sample hosting site with a page of cards (`e2e/demo-host.mjs`) http://127.0.0.1:8090
//!
//! The hosting page is on another port than the origin, so the cards are embedded
//! cross-origin exactly as on a real hosting site. Ctrl-C stops all three.

use std::fs;
use std::net::TcpListener;
use std::process::Command;

use crate::build;
use crate::cmd::{command, root, step, wait_for, Children, Result, StepError};
use crate::tools;

const ORIGIN: &str = "127.0.0.1:8080";
const PANEL: &str = "127.0.0.1:8081";
const HOST: &str = "127.0.0.1:8090";
/// The sandbox's root admin client key: the origin shows every server with it.
const ADMIN_KEY: &str = "ptlc_SbxAdmin001AdminSecret0123456789ABCDEFGHIJK";
/// Shared by the demo hosting site and the origin (HS256); demo only.
const SITE_SECRET: &str = "demo-hosting-site-secret-0123456789abcdef";
/// The sandbox's seeded application key and PteroCA SSO secret (sandbox values, not
/// secrets: they only open this emulator), so the cards' "Open in panel" works.
const APPLICATION_KEY: &str = "ptla_SbxApplic01ApplicSecret123456789ABCDEFGHIJK";
const SSO_SECRET: &str = "sandbox-pteroca-sso-secret-0123456789abcdef";

pub fn run(args: &[String]) -> Result {
    if let Some(extra) = args.first() {
        return Err(StepError(format!(
            "`cargo xtask demo` takes no arguments (got `{extra}`)"
        )));
    }
    for addr in [ORIGIN, PANEL, HOST] {
        TcpListener::bind(addr).map_err(|e| {
            StepError(format!(
                "the demo needs {addr} but cannot listen there ({e}): stop whatever uses it"
            ))
        })?;
    }
    tools::setup()?;
    build::bundles()?;
    build::release_servers()?;
    let config = write_origin_config()?;

    step("starting the sandbox panel, the origin and the hosting site");
    let bin = |name: &str| root().join("target/release").join(name);
    let mut children = Children::default();
    children.spawn(
        "ptero-sandbox",
        Command::new(bin("ptero-sandbox")).args([
            "--listen",
            PANEL,
            "--cors-origin",
            &format!("http://{ORIGIN}"),
            "--node-allowed-origin",
            &format!("http://{ORIGIN}"),
        ]),
    )?;
    wait_for(PANEL)?;
    children.spawn(
        "ptero-origin",
        Command::new(bin("ptero-origin"))
            .current_dir(root())
            .args(["--config"])
            .arg(&config)
            .arg("serve")
            .env("PTERO_ORIGIN__PANEL__CLIENT_KEY", ADMIN_KEY)
            .env("PTERO_ORIGIN__PANEL__APPLICATION_KEY", APPLICATION_KEY)
            .env("PTERO_ORIGIN__SITES__DEMO__SECRET", SITE_SECRET)
            .env("PTERO_ORIGIN__SSO__SECRET", SSO_SECRET),
    )?;
    wait_for(ORIGIN)?;
    children.spawn(
        "demo host",
        command("node")
            .args(["e2e/demo-host.mjs", "8090", &format!("http://{ORIGIN}")])
            .env("PTERO_DEMO_SITE_SECRET", SITE_SECRET),
    )?;
    wait_for(HOST)?;

    println!(
        "\nptero-web demo is running:\n\
         \n  hosting page with cards  http://{HOST}/\
         \n  the app                  http://{ORIGIN}/   (panel URL http://{PANEL}, key below)\
         \n  sandbox panel            http://{PANEL}\
         \n\n  alice's client key       ptlc_SbxAlice001AliceSecret0123456789ABCDEFGHIJK\
         \n  (sandbox keys, not secrets: they only open this emulator)\
         \n\nCtrl-C stops everything.\n"
    );
    children.wait_any()
}

/// The origin's configuration for the demo; secrets come from the environment.
fn write_origin_config() -> Result<std::path::PathBuf> {
    let dir = root().join("target/demo");
    fs::create_dir_all(&dir).map_err(|e| StepError(format!("creating {}: {e}", dir.display())))?;
    let path = dir.join("ptero-origin.toml");
    let text = format!(
        r#"# Written by `cargo xtask demo`.
listen = "{ORIGIN}"
public_url = "http://{ORIGIN}"

[panel]
url = "http://{PANEL}"

[origins]
allowed = ["http://{HOST}"]
reload_interval_secs = 2

[sites.demo]
issuer = "demo-host"
algorithm = "HS256"
actions = ["start", "stop", "restart", "kill", "console", "sso"]
# The demo host's viewers are the sandbox's users, whose emails it knows.
emails_verified = true

[static]
app_dir = "dist"
card_dir = "dist/card"

[stream]
poll_interval_ms = 2000

# The origin runs from the repository root: the state stays with the demo's files.
[store]
kind = "sqlite"
path = "target/demo/ptero-origin.db"

[sso]
issuer = "http://{HOST}"
"#
    );
    fs::write(&path, text).map_err(|e| StepError(format!("writing {}: {e}", path.display())))?;
    Ok(path)
}
