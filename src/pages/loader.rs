//! The server and account pages in the first load: `<ptero-server-manager server=…>`
//! (or `page="account"`), and the manager's bundle loaded the first time one opens. Until it starts the page says it is
//! loading; if it cannot load, why, with a retry.

use leptos::prelude::*;

use crate::api::bundle::{self, BundleError};
use crate::api::Scope;
use crate::components::{RequireSignIn, Said};
use crate::i18n::ui::t;

/// The server page, loaded on demand (see `app::LazyApp`).
pub fn lazy_server_page(id: String) -> AnyView {
    view! { <RequireSignIn><LazyPage page="server" server=id.clone()/></RequireSignIn> }.into_any()
}

/// The account page (keys, credentials, activity), from the same bundle.
pub fn lazy_account_page() -> AnyView {
    view! { <RequireSignIn><LazyPage page="account" server=String::new()/></RequireSignIn> }
        .into_any()
}

#[component]
fn LazyPage(page: &'static str, server: String) -> impl IntoView {
    let failure = RwSignal::new(None::<BundleError>);
    let attempt = RwSignal::new(0u32);
    Effect::new(move |_| {
        attempt.track();
        let scope = Scope::new();
        scope.spawn(async move {
            if let Err(error) = bundle::load_manager().await {
                failure.try_set(Some(error));
            }
        });
    });
    view! {
        <div class="manager-slot">
            <ptero-server-manager page=page server=server></ptero-server-manager>
            {move || match failure.get() {
                Some(error) => view! {
                    <div class="error-note" role="alert">
                        <p>{error.said()}</p>
                        <button type="button" on:click=move |_| { failure.set(None); attempt.update(|n| *n += 1); }>{t("common.try_again")}</button>
                    </div>
                }.into_any(),
                None => view! { <p class="loading manager-loading" aria-busy="true">{if page == "account" { t("loading.account") } else { t("loading.server") }}</p> }.into_any(),
            }}
        </div>
    }
}
