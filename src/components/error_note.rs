//! One way to show a failed fetch: the actionable sentence and a retry button.

use leptos::prelude::*;

use crate::api::ApiError;

#[component]
pub fn ErrorNote(error: ApiError, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    view! {
        <div class="error-note" role="alert">
            <p>{error.to_string()}</p>
            {retry.map(|retry| view! { <button type="button" on:click=move |_| retry.run(())>"Try again"</button> })}
        </div>
    }
}
