//! The command line: `serve` (default), `check`, `origins list|add|remove`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::Write;

use clap::{Parser, Subcommand};
use reqwest::StatusCode;

use crate::config::{edit, Config};
use crate::error::AppError;
use crate::panel::{describe_transport, read_error, Panel};

/// A line of the report; a closed output is not worth failing over.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {
        let _ = writeln!($out, $($arg)*);
    };
}

#[derive(Debug, Parser)]
#[command(
    name = "ptero-origin",
    version,
    about = "The origin server of ptero-web's embeddable server cards"
)]
pub struct Cli {
    /// The configuration file.
    #[arg(
        long,
        short,
        env = "PTERO_ORIGIN_CONFIG",
        default_value = "ptero-origin.toml",
        global = true
    )]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Validate the configuration and probe the panel and the key.
    Check,
    /// Show or change the embedding sites allowed to call the API.
    Origins {
        #[command(subcommand)]
        action: OriginsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum OriginsCommand {
    /// Print the allowed origins.
    List,
    /// Allow an origin, such as https://shop.example.com.
    Add { origin: String },
    /// Stop allowing an origin; a running server revokes its sessions.
    Remove { origin: String },
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => match Config::load(&cli.config) {
            Ok(config) => match crate::server::serve(config).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("ptero-origin: cannot serve: {error}");
                    ExitCode::FAILURE
                }
            },
            Err(error) => {
                eprintln!("ptero-origin: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Check => check(&cli.config, &mut std::io::stdout()).await,
        Command::Origins { action } => origins(&cli.config, action),
    }
}

fn origins(path: &Path, action: OriginsCommand) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cannot read {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let outcome = match &action {
        OriginsCommand::List => edit::list(&text).map(|origins| {
            if origins.is_empty() {
                println!("no origin is allowed: add one with `ptero-origin origins add https://shop.example.com`");
            }
            for origin in origins {
                println!("{origin}");
            }
            None
        }),
        OriginsCommand::Add { origin } => edit::add(&text, origin).inspect(|changed| {
            if changed.is_none() {
                println!("{origin} is already allowed");
            }
        }),
        OriginsCommand::Remove { origin } => edit::remove(&text, origin).inspect(|changed| {
            if changed.is_none() {
                println!("{origin} was not listed");
            }
        }),
    };
    match outcome {
        Ok(Some(next)) => match std::fs::write(path, next) {
            Ok(()) => {
                println!("saved {}; a running ptero-origin picks the change up within seconds (or send it SIGHUP)", path.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("cannot write {}: {error}", path.display());
                ExitCode::FAILURE
            }
        },
        Ok(None) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// Validates the file, then probes the panel as PteroCA does and checks the key.
pub async fn check(path: &Path, out: &mut dyn Write) -> ExitCode {
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(error) => {
            say!(out, "✗ {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    };
    say!(out, "✓ {} is valid", path.display());
    for warning in config.panel.url.warnings() {
        say!(out, "! {warning}");
    }
    if config.allowed_origins.is_empty() {
        say!(out, "! no embedding origin is allowed yet: add one with `ptero-origin origins add https://shop.example.com`");
    }
    if config.sites.is_empty() {
        say!(out, "! no hosting site is configured: add a [sites.NAME] section, or no hand-off token can be accepted");
    }
    for dir in [&config.static_files.app_dir, &config.static_files.card_dir] {
        if !dir.is_dir() {
            say!(
                out,
                "! {} does not exist: build it with `cargo xtask dist`",
                dir.display()
            );
        }
    }
    let panel = match Panel::new(
        config.panel.url.clone(),
        config.panel.client_key.clone(),
        config.limits.request_timeout,
    ) {
        Ok(panel) => panel,
        Err(error) => {
            say!(out, "✗ {error:?}");
            return ExitCode::FAILURE;
        }
    };
    let url = config.panel.url.as_str();
    let probe = panel
        .http()
        .get(config.panel.url.client_api(""))
        .header("accept", "application/json")
        .send()
        .await;
    match probe {
        Err(error) => {
            say!(
                out,
                "✗ the panel at {url} cannot be reached: {}",
                describe_transport(&error)
            );
            return ExitCode::FAILURE;
        }
        Ok(response) if response.status() == StatusCode::UNAUTHORIZED => {
            say!(
                out,
                "✓ the panel at {url} answers (401 without a key, as expected)"
            );
        }
        Ok(response) => {
            let status = response.status().as_u16();
            let error = read_error(response).await;
            say!(out, "! the panel at {url} answered {status} without a key, where a panel answers 401: {error}");
        }
    }
    match panel.account().await {
        Ok(account) => {
            say!(
                out,
                "✓ the key works: it belongs to {} ({})",
                account.username,
                account.email
            );
            if !account.admin {
                say!(out, "! the key's user is not an administrator: cards can show only that user's servers");
            }
            ExitCode::SUCCESS
        }
        Err(AppError::Panel(error)) => {
            say!(out, "✗ the panel refused the key: {error}");
            ExitCode::FAILURE
        }
        Err(error) => {
            say!(
                out,
                "✗ checking the key failed: {}",
                error.body().error.message
            );
            ExitCode::FAILURE
        }
    }
}
