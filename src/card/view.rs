//! The card's view.

use leptos::prelude::*;

/// One server card. Live data arrives with the card issue; this proves the pipeline.
#[component]
pub fn ServerCard(server: String) -> impl IntoView {
    view! {
        <article class="card" part="base" data-testid="card-ready">
            <header part="header">"Server " {server}</header>
        </article>
    }
}
