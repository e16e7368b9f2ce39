//! ptero-sandbox: an emulator of the Pterodactyl panel (Client API, an application-API
//! slice, the PteroCA SSO endpoint) and of Wings (one websocket listener per node), for
//! tests and demos. Behaviour follows panel 1.11 / Wings 1.11 as described in the
//! project's contract; identities are in [`seed`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), ptero_sandbox::StartError> {
//! let sandbox = ptero_sandbox::Sandbox::start(ptero_sandbox::SandboxConfig::fast()).await?;
//! let url = format!("{}/api/client", sandbox.panel_url());
//! // GET url with `Authorization: Bearer {seed::keys::ALICE}`, `Accept: application/json`.
//! sandbox.faults().update(|faults| faults.daemon_down = true);
//! assert_eq!(sandbox.request_count("/api/client"), 0);
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod admin;
mod app;
mod application;
mod auth;
mod client;
mod clock;
mod config;
mod cors;
mod error;
mod faults;
pub mod games;
mod html;
mod input;
mod negotiate;
mod paging;
mod panel;
mod power;
mod ratelimit;
mod requests;
mod rng;
mod rules;
mod sandbox;
pub mod seed;
mod ssh_keys;
mod state;
mod wings;
mod world;

pub use config::SandboxConfig;
pub use faults::{FaultSet, Faults};
pub use requests::{LoggedRequest, RequestCount};
pub use sandbox::{Sandbox, StartError};
pub use world::AuditEntry;
