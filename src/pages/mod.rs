//! The app's first-load routes: one file per page. The server page is `manager/`.

mod connect;
mod loader;
mod servers;

pub use connect::ConnectPage;
pub use loader::lazy_server_page;
pub use servers::ServersPage;
