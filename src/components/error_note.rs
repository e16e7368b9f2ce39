//! One way to show a failed fetch: the actionable sentence and a retry button.

use leptos::prelude::*;

use super::Said;
use crate::api::ApiError;
use crate::i18n::ui::t;

#[component]
pub fn ErrorNote(error: ApiError, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    view! {
        <div class="error-note" role="alert">
            <p>{error.sentence()}</p>
            {retry.map(|retry| view! { <button type="button" on:click=move |_| retry.run(())>{t("common.try_again")}</button> })}
        </div>
    }
}
