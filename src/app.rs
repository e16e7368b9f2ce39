//! The standalone app: session context, navigation and routes. Pages live in `pages/`.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::pages::{ConnectPage, ServerPage, ServersPage};
use crate::session::{use_session, Session};

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    view! {
        <Router>
            <Nav/>
            <main class="app" data-testid="app-ready">
                <Routes fallback=|| view! { <p class="empty">"There is no page at this address. " <A href="/">"Back to your servers"</A></p> }>
                    <Route path=path!("/") view=ServersPage/>
                    <Route path=path!("/connect") view=ConnectPage/>
                    <Route path=path!("/server/:id") view=ServerPage/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"ptero-web"</A>
            <Show when=move || session.is_signed_in()>
                <button type="button" class="link" on:click=move |_| session.sign_out()>"Sign out"</button>
            </Show>
        </header>
    }
}
