//! The app's first-load routes: one file per page. The server page is `manager/`.

mod connect;
mod loader;
mod offline_list;
mod panels;
mod servers;

pub use connect::ConnectPage;
pub use loader::{lazy_account_page, lazy_server_page};
pub use panels::PanelsPage;
pub use servers::ServersPage;
