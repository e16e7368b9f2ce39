//! ptero-origin: the thin origin server that hosting sites' embedded
//! `<ptero-server-card>` elements talk to. It keeps the panel key server-side, admits only
//! listed embedding origins, exchanges hosting sites' hand-off tokens for short sessions,
//! and fans one upstream Wings socket per server out to every viewer.
//!
//! Layout: [`config`] (the TOML file and env), [`auth`] (hand-off JWTs, sessions),
//! [`store`] (sessions, used jti, SSO tickets, audit log, sealed keys), [`sso`] (PteroCA
//! SSO), [`application`] and [`panel_users`] (the application API, viewers' panel users),
//! [`audit`], [`cors`] (the allow-list), [`routes`], [`fanout`]
//! (hub, feeds: a Wings socket per server with polling standing in, one per server
//! cluster-wide with [`redis`]), [`panel`] (the panel client), [`error`], [`app`] (router and
//! layers), [`server`] (running, reload, shutdown), [`cli`].

pub mod access;
pub mod alerts;
pub mod app;
pub mod application;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod cors;
pub mod error;
pub mod fanout;
pub mod flavor_report;
pub mod keys;
pub mod listener;
pub mod metrics;
pub mod panel;
pub mod panel_users;
pub mod players;
pub mod rate_limit;
pub mod reads;
pub mod redis;
pub mod revocations;
pub mod routes;
pub mod server;
pub mod sites;
pub mod sso;
pub mod state;
pub mod store;
pub mod stream_slots;
pub mod throttle;

pub use app::app;
pub use config::Config;
pub use server::{start, Running};
