//! The app's language setting: the browser's language, or one of the eight the app speaks
//! (each named in its own language). Choosing one keeps it and reloads the page in it
//! (see `i18n::ui`).

use leptos::prelude::*;

use crate::i18n::ui::{preference, set_preference, t, NAMES};

#[component]
pub fn LanguagePicker() -> impl IntoView {
    let chosen = preference();
    let auto = chosen.is_none();
    let is = move |tag: &str| chosen.as_deref() == Some(tag);
    view! {
        <label class="sr-only" for="language">{t("language.label")}</label>
        <select id="language" class="language-picker" data-testid="language"
            on:change=move |ev| {
                let value = event_target_value(&ev);
                set_preference((!value.is_empty()).then_some(value.as_str()));
            }>
            <option value="" selected=auto>{t("language.auto")}</option>
            {NAMES.iter().map(|(tag, name)| view! {
                <option value=*tag lang=*tag selected=is(tag)>{*name}</option>
            }).collect_view()}
        </select>
    }
}
