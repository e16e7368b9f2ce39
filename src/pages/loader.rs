//! The server page in the first load: `<ptero-server-manager server=…>`, and the
//! manager's bundle loaded the first time one opens. Until it starts the page says it is
//! loading; if it cannot load, why, with a retry.

use leptos::prelude::*;

use crate::api::bundle::{self, BundleError};
use crate::api::Scope;
use crate::components::RequireSignIn;

/// The server page, loaded on demand (see `app::LazyApp`).
pub fn lazy_server_page(id: String) -> AnyView {
    view! { <RequireSignIn><LazyServerPage id=id.clone()/></RequireSignIn> }.into_any()
}

#[component]
fn LazyServerPage(id: String) -> impl IntoView {
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
            <ptero-server-manager server=id></ptero-server-manager>
            {move || match failure.get() {
                Some(error) => view! {
                    <div class="error-note" role="alert">
                        <p>{error.to_string()}</p>
                        <button type="button" on:click=move |_| { failure.set(None); attempt.update(|n| *n += 1); }>"Try again"</button>
                    </div>
                }.into_any(),
                None => view! { <p class="loading manager-loading" aria-busy="true">"Loading server…"</p> }.into_any(),
            }}
        </div>
    }
}
