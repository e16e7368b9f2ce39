//! The standalone app: session context, navigation and routes. Pages live in `pages/`,
//! the management screens (schedules, databases, users, network, activity, account) in
//! `sections/`.

use leptos::prelude::*;

use crate::pages::{ConnectPage, PanelsPage, ServerPage, ServersPage};
use crate::router::{use_router, Link, Route, Router};
use crate::session::{use_session, Session};

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    let router = Router::provide();
    crate::pwa::register_service_worker();
    view! {
        <Nav/>
        <main class="app" data-testid="app-ready">
            {move || match router.route() {
                Route::Servers => view! { <ServersPage/> }.into_any(),
                Route::Connect => view! { <ConnectPage/> }.into_any(),
                Route::Server { id } => view! { <ServerPage id/> }.into_any(),
                Route::Account => crate::sections::account_page(),
                Route::Panels => view! { <PanelsPage/> }.into_any(),
                Route::NotFound => view! {
                    <p class="empty">"There is no page at this address. " <Link href="/">"Back to your servers"</Link></p>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="topbar">
            <Link href="/" attr:class="brand">"ptero-web"</Link>
            <Show when=move || session.is_signed_in()>
                <nav class="topnav" aria-label="Main">
                    <PanelSwitch/>
                    <Link href="/panels">"Panels"</Link>
                    <Link href="/account">"Account"</Link>
                    <button type="button" class="link" on:click=move |_| session.sign_out()
                        aria-label=move || session.panels().into_iter().find(|p| p.active).map(|p| format!("Sign out of {}", p.name))>
                        "Sign out"
                    </button>
                </nav>
            </Show>
        </header>
    }
}

/// Which panel the app works with, when there are several. Switching leaves a server
/// page (its server belongs to the other panel) for the list.
#[component]
fn PanelSwitch() -> impl IntoView {
    let (session, router) = (use_session(), use_router());
    let many = move || session.panels().len() > 1;
    view! {
        <Show when=many>
            <label class="sr-only" for="panel-switch">"Panel"</label>
            <select id="panel-switch" class="panel-switch" on:change=move |ev| {
                session.switch(&event_target_value(&ev));
                if matches!(router.route(), Route::Server { .. }) {
                    router.navigate("/");
                }
            }>
                {move || session.panels().into_iter().map(|panel| view! {
                    <option value=panel.id.clone() selected=panel.active>{panel.name}</option>
                }).collect_view()}
            </select>
        </Show>
    }
}
