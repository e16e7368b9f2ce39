//! The command line: `serve` (default), `check`, `origins list|add|remove`,
//! `keys revoke <user>`, `audit`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::Write;

use clap::{Parser, Subcommand};
use reqwest::StatusCode;

use std::sync::Arc;

use crate::application::{Application, ApplicationError};
use crate::audit::{self, Attempt};
use crate::config::{edit, Config, KeyMode};
use crate::error::AppError;
use crate::keys;
use crate::panel::{describe_transport, read_error, Panel};
use crate::redis::Redis;
use crate::store::{self, AuditAction, Store, StoreKind};

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
    /// Per-user client keys the origin provisioned.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
    /// Alert targets: send samples, see what waits in the outbox.
    Alerts {
        #[command(subcommand)]
        action: AlertsCommand,
    },
    /// Print the latest audit log entries (power, commands, SSO, keys, alert deliveries).
    Audit {
        /// How many, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Send a sample of every alert kind to every target, now.
    Test,
    /// Alerts not yet delivered, with their attempts and last error.
    Pending,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Delete a panel user's `ptero-origin` key on the panel and in the store.
    Revoke {
        /// The panel user's id.
        user: u64,
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
        Command::Keys {
            action: KeysCommand::Revoke { user },
        } => revoke_key(&cli.config, user, &mut std::io::stdout()).await,
        Command::Audit { limit } => audit(&cli.config, limit, &mut std::io::stdout()).await,
        Command::Alerts {
            action: AlertsCommand::Test,
        } => crate::alerts::cli::test(&cli.config, &mut std::io::stdout()).await,
        Command::Alerts {
            action: AlertsCommand::Pending,
        } => crate::alerts::cli::pending(&cli.config, &mut std::io::stdout()).await,
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

/// `keys revoke <user>`: deletes the user's `ptero-origin` keys on the panel and the
/// sealed record, and audits it.
pub async fn revoke_key(path: &Path, user: u64, out: &mut dyn Write) -> ExitCode {
    let (config, store) = match load_with_store(path).await {
        Ok(loaded) => loaded,
        Err(message) => {
            say!(out, "✗ {message}");
            return ExitCode::FAILURE;
        }
    };
    let Some(application) = application_client(&config) else {
        say!(out, "✗ revoking needs the application key: set [panel] application_key_file or PTERO_ORIGIN__PANEL__APPLICATION_KEY");
        return ExitCode::FAILURE;
    };
    let attempt = Attempt {
        site: "cli",
        viewer: "administrator",
        origin: None,
        server: None,
        action: AuditAction::KeyRevoked,
        detail: format!("panel user {user}"),
    };
    let outcome = keys::revoke(&application, store.as_ref(), user).await;
    audit::record(store.as_ref(), &attempt, &outcome).await;
    match outcome {
        Ok(revoked) => {
            if revoked.on_panel.is_empty() && !revoked.stored {
                say!(
                    out,
                    "✓ panel user {user} has no ptero-origin key: nothing to revoke"
                );
            } else {
                say!(
                    out,
                    "✓ revoked panel user {user}'s ptero-origin key: {} deleted on the panel, stored copy {}",
                    revoked.on_panel.len(),
                    if revoked.stored { "deleted" } else { "absent" }
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            say!(out, "✗ {}", error.body().error.message);
            ExitCode::FAILURE
        }
    }
}

/// `audit`: the latest entries, newest first, one per line.
pub async fn audit(path: &Path, limit: usize, out: &mut dyn Write) -> ExitCode {
    let (_, store) = match load_with_store(path).await {
        Ok(loaded) => loaded,
        Err(message) => {
            say!(out, "✗ {message}");
            return ExitCode::FAILURE;
        }
    };
    match store.recent_audit(limit).await {
        Ok(entries) => {
            for entry in entries {
                say!(
                    out,
                    "{} {} {}/{} {} server={} origin={} {}",
                    entry.at,
                    entry.action,
                    entry.site,
                    entry.viewer,
                    entry.detail,
                    entry.server.as_deref().unwrap_or("-"),
                    entry.origin.as_deref().unwrap_or("-"),
                    entry.outcome
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            say!(out, "✗ {error}");
            ExitCode::FAILURE
        }
    }
}

async fn load_with_store(path: &Path) -> Result<(Config, Arc<dyn Store>), String> {
    let config = Config::load(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let store = store::connect(&config.store)
        .await
        .map_err(|error| error.to_string())?;
    Ok((config, store))
}

fn application_client(config: &Config) -> Option<Application> {
    let key = config.panel.application_key.clone()?;
    let panel = Panel::new(
        config.panel.url.clone(),
        config.panel.client_key.clone(),
        config.limits.request_timeout,
    )
    .ok()?;
    Some(Application::new(
        panel.http().clone(),
        config.panel.url.clone(),
        key,
    ))
}

/// The PteroCA addon and what the application key may do.
async fn check_application(config: &Config, out: &mut dyn Write) -> bool {
    let Some(application) = application_client(config) else {
        if config.sso.is_some() {
            say!(out, "✗ [sso] is set but there is no application key: set [panel] application_key_file, or SSO cannot find viewers' panel accounts");
            return false;
        }
        say!(out, "! no application key: SSO and per-user keys are off");
        return true;
    };
    let mut fine = true;
    match application.pteroca_version().await {
        Ok(version) => {
            let name = if version.name.is_empty() {
                "PteroCA addon"
            } else {
                version.name.as_str()
            };
            say!(
                out,
                "✓ the PteroCA addon answers: {name} {}",
                version.version
            );
        }
        Err(error @ ApplicationError::AddonMissing) => {
            say!(out, "✗ {error}");
            fine &= config.sso.is_none();
        }
        Err(error) => {
            say!(out, "✗ asking the PteroCA addon's version failed: {error}");
            fine = false;
        }
    }
    match application.can_read_users().await {
        Ok(first) => {
            say!(out, "✓ the application key can read users");
            if let Some(user) = first {
                match application.api_keys(user.id).await {
                    Ok(_) => {
                        say!(out, "✓ the application key can manage users' client keys");
                    }
                    Err(error) => {
                        say!(out, "✗ the application key cannot list users' client keys (needed for key_mode = \"per_user\"): {error}");
                        fine &= config.panel.key_mode == KeyMode::Shared;
                    }
                }
            }
        }
        Err(error) => {
            say!(out, "✗ the application key cannot read users: {error}");
            fine = false;
        }
    }
    if config.sso.is_some() {
        say!(
            out,
            "✓ SSO is set up (issuer {})",
            config.sso.as_ref().map_or("", |sso| sso.issuer.as_str())
        );
    }
    fine
}

/// Validates the file, then probes the panel as PteroCA does and checks the key.
/// With a shared Redis: whether it answers (an instance would not start without it).
async fn check_store(store: &StoreKind, out: &mut dyn Write) -> bool {
    let StoreKind::Redis(address) = store else {
        return true;
    };
    let answered = match Redis::connect(address).await {
        Ok((redis, _pushes)) => redis.ping().await,
        Err(error) => Err(error),
    };
    match answered {
        Ok(()) => {
            say!(out, "✓ Redis at {} answers", address.shown);
            true
        }
        Err(error) => {
            say!(out, "✗ {error}");
            false
        }
    }
}

/// Validates the file, checks a shared Redis, then probes the panel as PteroCA does and
/// checks the key.
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
    if !check_store(&config.store, out).await {
        return ExitCode::FAILURE;
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
            if account.admin {
                say!(out, "! the key belongs to a panel administrator: it can act on every server of the panel. Use a dedicated panel user that is a subuser of exactly the servers the sites may show (SECURITY.md)");
            } else {
                say!(out, "✓ the key's user is not an administrator: cards can show only the servers it owns or shares");
            }
            let flavor_fine = crate::flavor_report::report(&config, &panel, out).await;
            if check_application(&config, out).await && flavor_fine {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
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
