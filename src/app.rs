//! The standalone app: session context, navigation and routes. Pages live in `pages/`,
//! the server page (the manager) and the account page in `manager/`.
//!
//! The shell takes those pages as functions: [`App`] renders them in place (the wasm
//! tests, one bundle), [`LazyApp`] (the release first load, `src/main.rs`) renders
//! `<ptero-server-manager>` and loads the manager's own bundle on demand, so none of the
//! manager's code is in the first load.

use leptos::prelude::*;

use crate::i18n::ui::{t, tf};
use crate::notices::{NoticeArea, Notices, NotifySwitch};
use crate::pages::{ConnectPage, PanelsPage, ServersPage};
use crate::router::{use_router, Link, Route, Router};
use crate::session::{use_session, Session};

/// Renders the page of the server with this identifier.
pub type ServerPageView = fn(String) -> AnyView;
/// Renders the account page.
pub type AccountPageView = fn() -> AnyView;

/// Everything in one bundle.
#[component]
pub fn App() -> impl IntoView {
    crate::i18n::ui::built_in(crate::i18n::ui::MANAGER);
    view! { <Shell server_page=crate::manager::server_page account_page=crate::manager::account_page/> }
}

/// The first load: the server and account pages come as their own bundle.
#[component]
pub fn LazyApp() -> impl IntoView {
    view! { <Shell server_page=crate::pages::lazy_server_page account_page=crate::pages::lazy_account_page/> }
}

#[component]
pub fn Shell(server_page: ServerPageView, account_page: AccountPageView) -> impl IntoView {
    Session::provide();
    let notices = Notices::provide();
    let router = Router::provide();
    crate::pwa::register_service_worker();
    view! {
        <Nav notices/>
        <NoticeArea notices/>
        <main class="app" data-testid="app-ready">
            {move || match router.route() {
                Route::Servers => view! { <ServersPage/> }.into_any(),
                Route::Connect => view! { <ConnectPage/> }.into_any(),
                Route::Server { id } => server_page(id),
                Route::Account => account_page(),
                Route::Panels => view! { <PanelsPage/> }.into_any(),
                Route::NotFound => view! {
                    <p class="empty">{t("app.not_found")} " " <Link href="/">{t("app.back")}</Link></p>
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
            <crate::components::LanguagePicker/>
            <Show when=move || session.is_signed_in()>
                <nav class="topnav" aria-label=t("nav.main")>
                    <PanelSwitch/>
                    <NotifySwitch notices/>
                    <Link href="/panels">{t("nav.panels")}</Link>
                    <Link href="/account">{t("nav.account")}</Link>
                    <button type="button" class="link" on:click=move |_| session.sign_out()
                        aria-label=move || session.panels().into_iter().find(|p| p.active).map(|p| tf("nav.sign_out_of", &[&p.name]))>
                        {t("nav.sign_out")}
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
            <label class="sr-only" for="panel-switch">{t("nav.panel")}</label>
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
