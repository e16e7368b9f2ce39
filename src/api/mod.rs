//! The one place that talks HTTP: to the panel (the app) and to a ptero-origin (the
//! card). Views call these functions; nothing else touches the network.

pub mod browser;
pub mod browser_json;
mod client;
mod credentials;
mod error;
mod fetch;
mod load;
mod origin;
pub mod sse;

pub use client::PanelClient;
pub use credentials::{Credentials, Persistence};
pub use error::ApiError;
pub use load::{Answer, Load};
pub use origin::{OriginClient, OriginFailure};
