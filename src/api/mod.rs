//! The one place that talks to the network: the panel (the app), a ptero-origin (the card)
//! and the hosting site's token URL, all through one request builder ([`Request`]) whose
//! requests are aborted with the owner that started them ([`Scope`]). Views and controllers
//! call these functions; nothing else touches the network (a test holds it so).

pub mod browser_json;
mod client;
mod credentials;
mod error;
mod fetch;
mod host;
mod load;
mod origin;
mod request;
mod scope;
pub mod socket;
pub mod sse;

pub use client::PanelClient;
pub use credentials::{Credentials, Persistence};
pub use error::ApiError;
pub use host::{fetch_token, TokenError};
pub use load::{Answer, Load};
pub use origin::{OriginClient, OriginFailure, StreamMember};
pub use request::{requests_in_flight, Request, Response, Transport};
pub use scope::Scope;
