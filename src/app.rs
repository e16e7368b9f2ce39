//! The standalone app: session context, navigation and routes. Pages live in `pages/`,
//! the server page (the manager) in `manager/`.
//!
//! The shell takes the server page as a function: [`App`] renders it in place (the wasm
//! tests, one bundle), [`LazyApp`] (the release first load, `src/main.rs`) renders
//! `<ptero-server-manager>` and loads the manager's own bundle on demand, so none of the
//! manager's code is in the first load.

use leptos::prelude::*;

use crate::notices::{NoticeArea, Notices, NotifySwitch};
use crate::pages::{ConnectPage, ServersPage};
use crate::router::{Link, Route, Router};
use crate::session::{use_session, Session};

/// Renders the page of the server with this identifier.
pub type ServerPageView = fn(String) -> AnyView;

/// Everything in one bundle.
#[component]
pub fn App() -> impl IntoView {
    view! { <Shell server_page=crate::manager::server_page/> }
}

/// The first load: the server page comes as its own bundle.
#[component]
pub fn LazyApp() -> impl IntoView {
    view! { <Shell server_page=crate::pages::lazy_server_page/> }
}

#[component]
pub fn Shell(server_page: ServerPageView) -> impl IntoView {
    Session::provide();
    let notices = Notices::provide();
    let router = Router::provide();
    view! {
        <Nav notices/>
        <NoticeArea notices/>
        <main class="app" data-testid="app-ready">
            {move || match router.route() {
                Route::Servers => view! { <ServersPage/> }.into_any(),
                Route::Connect => view! { <ConnectPage/> }.into_any(),
                Route::Server { id } => server_page(id),
                Route::NotFound => view! {
                    <p class="empty">"There is no page at this address. " <Link href="/">"Back to your servers"</Link></p>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
fn Nav(notices: Notices) -> impl IntoView {
    let session = use_session();
    view! {
        <header class="topbar">
            <Link href="/" attr:class="brand">"ptero-web"</Link>
            <Show when=move || session.is_signed_in()>
                <NotifySwitch notices/>
                <button type="button" class="link" on:click=move |_| session.sign_out()>"Sign out"</button>
            </Show>
        </header>
    }
}
