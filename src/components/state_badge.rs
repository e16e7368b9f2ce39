//! The server's power state (or blocking status) as a coloured badge.

use leptos::prelude::*;

/// `state` is a power state (`running`, `offline`, …) or a status such as `suspended`.
#[component]
pub fn StateBadge(#[prop(into)] state: Signal<String>) -> impl IntoView {
    view! {
        <span class=move || format!("badge badge-{}", state.get()) part="state" data-state=move || state.get()>
            {move || label(&state.get())}
        </span>
    }
}

/// A state's name in the app's language (the card's catalog has them); another status
/// as it came.
fn label(state: &str) -> String {
    let texts = crate::i18n::ui::shared();
    let key = match state {
        "running" => "state.running",
        "offline" => "state.offline",
        "starting" => "state.starting",
        "stopping" => "state.stopping",
        "suspended" => "state.suspended",
        "maintenance" => "state.maintenance",
        "installing" => "state.installing",
        "install_failed" => "state.install_failed",
        "reinstall_failed" => "state.reinstall_failed",
        "restoring_backup" => "state.restoring_backup",
        "unknown" => "state.unknown",
        other => return other.to_owned(),
    };
    texts.get(key).to_owned()
}
