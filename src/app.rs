//! The standalone app's root component.

use leptos::prelude::*;

/// The app shell. Routes and pages arrive with the app issue; this proves the pipeline.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <main class="app" data-testid="app-ready">
            <h1>"ptero-web"</h1>
            <p>"Manage your Pterodactyl game servers from anywhere."</p>
        </main>
    }
}
