//! The app's routes: one file per page.

mod account;
mod connect;
mod files;
mod panels;
mod server;
mod servers;
mod startup;

pub use connect::ConnectPage;
pub use panels::PanelsPage;
pub use server::ServerPage;
pub use servers::ServersPage;
