//! The server's power state (or blocking status) as a coloured badge.

use leptos::prelude::*;

/// `state` is a power state (`running`, `offline`, …) or a status such as `suspended`.
#[component]
pub fn StateBadge(#[prop(into)] state: Signal<String>) -> impl IntoView {
    view! {
        <span class=move || format!("badge badge-{}", state.get()) part="state" data-state=move || state.get()>
            {move || state.get()}
        </span>
    }
}
