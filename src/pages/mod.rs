//! The app's routes: one file per page.

mod account;
mod connect;
mod files;
mod server;
mod servers;
mod startup;

pub use connect::ConnectPage;
pub use server::ServerPage;
pub use servers::ServersPage;
