//! The standalone app: session context, navigation and routes. Pages live in `pages/`.

use leptos::prelude::*;

use crate::notices::{NoticeArea, Notices, NotifySwitch};
use crate::pages::{ConnectPage, ServerPage, ServersPage};
use crate::router::{Link, Route, Router};
use crate::session::{use_session, Session};

#[component]
pub fn App() -> impl IntoView {
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
                Route::Server { id } => view! { <ServerPage id/> }.into_any(),
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
