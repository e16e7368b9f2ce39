//! The connect screen: panel URL + client key, validated as typed, with a connection
//! test that says exactly what is wrong.

use leptos::prelude::*;
use ptero_api::{ApiKey, PanelUrl};

use crate::api::{Credentials, PanelClient, Persistence, Scope};
use crate::components::Said;
use crate::i18n::ui::{t, tf};
use crate::router::use_router;
use crate::session::use_session;

/// The parsed form, or the first problem with it.
fn parse_form(panel: &str, key: &str, origin: &str) -> Result<Credentials, String> {
    let panel = PanelUrl::parse(panel).map_err(|e| tf("connect.bad_panel_url", &[&e.said()]))?;
    let key = ApiKey::parse(key).map_err(|e| tf("connect.bad_key", &[&e.said()]))?;
    key.check_client_api()
        .map_err(|e| tf("connect.bad_key", &[&e.said()]))?;
    let origin = origin.trim();
    let via_origin = if origin.is_empty() {
        None
    } else {
        let parsed =
            ptero_api::Origin::parse(origin).map_err(|e| tf("connect.bad_origin", &[&e.said()]))?;
        Some(parsed.to_string())
    };
    Ok(Credentials {
        panel,
        key,
        via_origin,
    })
}

#[component]
pub fn ConnectPage() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let panel = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let origin = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let remember = RwSignal::new(false);

    let panel_problem = move || {
        let text = panel.get();
        if text.trim().is_empty() {
            return None;
        }
        match PanelUrl::parse(&text) {
            Err(e) => Some(e.sentence()),
            Ok(url) => url.warnings().first().map(Said::sentence),
        }
    };
    let key_problem = move || {
        let text = key.get();
        if text.trim().is_empty() {
            return None;
        }
        match ApiKey::parse(&text) {
            Err(e) => Some(e.sentence()),
            Ok(k) => k.check_client_api().err().map(|e| e.sentence()),
        }
    };

    let scope = Scope::new();
    let test = Action::new_local(move |credentials: &Credentials| {
        let client = PanelClient::new(credentials);
        let credentials = credentials.clone();
        scope.wrap(async move { client.account().await.map(|account| (credentials, account)) })
    });
    Effect::new(move |_| {
        if let Some(Ok((credentials, _))) = test.value().get() {
            let persistence = if remember.get_untracked() {
                Persistence::Remembered
            } else {
                Persistence::Session
            };
            session.sign_in(&name.get_untracked(), credentials, persistence);
            router.navigate("/");
        }
    });

    let form_error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_form(
            &panel.get_untracked(),
            &key.get_untracked(),
            &origin.get_untracked(),
        ) {
            Ok(credentials) => {
                form_error.set(None);
                test.dispatch(credentials);
            }
            Err(problem) => form_error.set(Some(problem)),
        }
    };

    view! {
        <section class="connect panel-box" aria-labelledby="connect-title">
            <h1 id="connect-title">{move || if session.is_signed_in() { t("connect.title_add") } else { t("connect.title") }}</h1>
            <form on:submit=submit novalidate>
                <label for="panel-url">{t("connect.panel_url")}</label>
                <input id="panel-url" name="panel" type="url" placeholder="https://panel.example.com" autocomplete="url"
                    bind:value=panel aria-describedby="panel-url-hint" aria-invalid=move || panel_problem().is_some().to_string()/>
                <p id="panel-url-hint" class="hint field-problem" aria-live="polite">{panel_problem}</p>

                <label for="api-key">{t("connect.api_key")}</label>
                <input id="api-key" name="key" type="password" placeholder="ptlc_…" autocomplete="off" spellcheck="false"
                    bind:value=key aria-describedby="api-key-hint" aria-invalid=move || key_problem().is_some().to_string()/>
                <p id="api-key-hint" class="hint field-problem" aria-live="polite">{key_problem}</p>

                <label for="panel-name">{t("connect.name")} " " <span class="muted">{t("connect.optional")}</span></label>
                <input id="panel-name" name="name" type="text" placeholder=t("connect.name_placeholder") autocomplete="off"
                    bind:value=name aria-describedby="panel-name-hint"/>
                <p id="panel-name-hint" class="hint note">{t("connect.name_hint")}</p>

                <details>
                    <summary>{t("connect.cors")}</summary>
                    <label for="via-origin">{t("connect.origin_url")}</label>
                    <input id="via-origin" name="origin" type="url" placeholder="https://origin.example.com" bind:value=origin/>
                </details>

                <label class="check">
                    <input type="checkbox" bind:checked=remember/>
                    {t("connect.remember")}
                </label>
                <Show when=move || remember.get()>
                    <p class="warning" role="note">
                        {t("connect.remember_warning")}
                    </p>
                </Show>

                <button type="submit" class="primary" disabled=move || test.pending().get()>
                    {move || if test.pending().get() { t("connect.testing") } else { t("connect.test") }}
                </button>
            </form>
            <div class="result" aria-live="polite" data-testid="connect-result">
                {move || form_error.get().map(|e| view! { <p class="error">{e}</p> })}
                {move || match test.value().get() {
                    Some(Err(e)) => Some(view! { <p class="error" data-error=error_class(&e)>{e.sentence()}</p> }.into_any()),
                    Some(Ok((_, account))) => Some(view! { <p class="ok">{tf("connect.connected_as", &[&account.username])}</p> }.into_any()),
                    None => None,
                }}
            </div>
        </section>
    }
}

/// A stable name for the error's class (tests and styling key on it).
fn error_class(error: &crate::api::ApiError) -> &'static str {
    use crate::api::ApiError::*;
    use ptero_api::PanelError;
    match error {
        Unreachable { .. } => "unreachable",
        CorsBlocked { .. } => "cors",
        Decode(_) => "decode",
        Aborted => "aborted",
        Offline => "offline",
        Wings { .. } | WingsUnreachable { .. } => "wings",
        Panel(PanelError::Unauthenticated) => "unauthenticated",
        Panel(PanelError::Forbidden(_)) => "forbidden",
        Panel(PanelError::RateLimited { .. }) => "rate-limited",
        Panel(_) => "panel",
    }
}
