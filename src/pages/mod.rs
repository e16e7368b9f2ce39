//! The app's routes: one file per page.

mod connect;
mod server;
mod servers;

pub use connect::ConnectPage;
pub use server::ServerPage;
pub use servers::ServersPage;
