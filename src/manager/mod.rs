//! The server page, the app's "server manager": live state, power, the at-a-glance panel
//! and charts, and tabs for the terminal, files (with the editor), backups, startup,
//! settings and the management screens ([`sections`]: schedules, databases, users,
//! network, activity); and the account page (keys, credentials, the account's activity),
//! which needs the same weight of screens. It is its own bundle in release builds
//! (`src/bin/manager.rs`, loaded when a server page or the account page opens); the
//! wasm tests render it in the app's bundle.
//!
//! Layout of the bundle:
//!
//! - `mod.rs`: the entry points — [`mount`] (what `src/bin/manager.rs` calls for each
//!   `<ptero-server-manager>`), [`server_page`] and [`account_page`] (the one-bundle app
//!   of the wasm tests)
//! - `overview.rs`: the page's frame (state, power, socket status, dashboard, tabs);
//!   `glance.rs`, `series.rs`, `charts.rs`: the dashboard
//! - `tabs.rs`: the sections and which permission opens each (how to add one is there)
//! - one module per section: `files/` (controller, rows, toolbar, editor, highlight),
//!   `backups.rs`, `startup.rs`, `settings.rs` (+ `sftp.rs`); `sections/`: schedules,
//!   databases, users, network, activity, and the account page (`sections/account/`),
//!   with their requests in `api/sections.rs` and `api/account.rs`
//! - `permissions.rs`, `unsaved.rs`: shared by the sections
//! - `format.rs`: numbers, bytes, rates and durations through `Intl` in the viewer's
//!   language; every text through `i18n::ui` (`t`/`tf`/`tp`, keys in `i18n/manager/en.txt`,
//!   prefixed by section)
//!
//! Views render, controllers decide (`files::controller::Files` holds the file manager's
//! state and actions); every request goes through `api::PanelClient` (`api/manage.rs`),
//! uploads and downloads through `api/transfer.rs`. Only `src/bin/manager.rs` and the
//! wasm tests reach this module, so nothing here is in the first load.

mod backups;
mod charts;
pub mod files;
mod format;
mod glance;
mod overview;
mod permissions;
pub mod sections;
mod series;
mod settings;
mod sftp;
mod startup;
mod tabs;
pub mod unsaved;

use crate::i18n::ui::t;
use leptos::prelude::*;

use crate::api::{ApiError, Load};
use crate::components::{ErrorNote, RequireSignIn};
use crate::notices::{NoticeArea, Notices};
use crate::router::Router;
use crate::session::{use_session, Session};

pub use permissions::Permissions;
pub use series::{Sample, Series};

/// The server page in the app's own bundle.
pub fn server_page(id: String) -> AnyView {
    view! { <ServerPage id/> }.into_any()
}

/// The account page in the app's own bundle.
pub fn account_page() -> AnyView {
    sections::account_page()
}

/// A page of the manager bundle (`<ptero-server-manager page=…>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManagedPage {
    /// `/server/:id`.
    Server(String),
    /// `/account`.
    Account,
}

/// A page as the manager bundle mounts it into `<ptero-server-manager>`: with the
/// session and router of its own (read from the same storage and location as the
/// shell's) and its own alert notices (the shell's are in the other wasm). Dropping the
/// handle unmounts it.
pub fn mount(host: web_sys::HtmlElement, page: ManagedPage) -> Box<dyn std::any::Any> {
    Box::new(leptos::mount::mount_to(host, move || {
        Session::provide();
        Router::provide();
        match page.clone() {
            ManagedPage::Server(id) => {
                // The shell's notices live in the other bundle: the page shows its own.
                let notices = Notices::provide();
                view! { <NoticeArea notices/> <ServerPage id/> }.into_any()
            }
            ManagedPage::Account => sections::account_page(),
        }
    }))
}

/// `/server/:id`.
#[component]
pub fn ServerPage(id: String) -> impl IntoView {
    view! { <RequireSignIn><ServerView id=id.clone()/></RequireSignIn> }
}

#[component]
fn ServerView(id: String) -> impl IntoView {
    let session = use_session();
    let detail = Load::new(move || {
        let (client, id) = (session.client(), id.clone());
        async move {
            match client {
                Some(client) => client.server(&id).await,
                None => Err(ApiError::Decode("not signed in".into())),
            }
        }
    });
    view! {
        {move || match (detail.answer(), session.client()) {
            (None, _) => view! { <p class="loading" aria-busy="true">{t("page.loading_server")}</p> }.into_any(),
            (Some(Ok(detail)), Some(client)) => view! { <overview::Overview detail client/> }.into_any(),
            (Some(Err(error)), _) => view! { <ErrorNote error retry=Callback::new(move |_| detail.reload())/> }.into_any(),
            (Some(Ok(_)), None) => ().into_any(),
        }}
    }
}
