//! `ptero-origin [--config ptero-origin.toml] [serve|check|origins list|add|remove <origin>|keys revoke <user>|audit]`
//!
//! Logs go to stderr, filtered by `RUST_LOG` (default `ptero_origin=info,tower_http=info`);
//! `PTERO_ORIGIN_LOG=json` switches to JSON lines.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("ptero_origin=info,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("PTERO_ORIGIN_LOG").is_ok_and(|format| format == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = ptero_origin::cli::Cli::parse();
    // One TLS provider for the process (reqwest and the Wings websocket alike); an
    // error means one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    init_tracing();
    ptero_origin::cli::run(cli).await
}
