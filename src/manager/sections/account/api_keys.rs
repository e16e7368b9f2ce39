//! The account's API keys: list (the one this app uses marked), create with a
//! description and allowed IPs (the secret shown once, with a copy button), delete; the
//! panel's 25-key limit shown before it is reached.

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::account_security::{API_KEY_LIMIT, MAX_ALLOWED_IPS, MAX_KEY_DESCRIPTION};
use ptero_api::{full_key, CreateApiKeyRequest, UserApiKey};

use super::AccountContext;
use crate::api::Load;
use crate::components::ErrorNote;
use crate::manager::sections::date_time;
use crate::manager::sections::kit::{
    field_error, ActionError, Actions, Confirm, CopyButton, Loading, Target,
};
use crate::session::use_session;

/// Checks each allowed IP as typed: an address or a CIDR range.
fn ip_problem(entry: &str) -> Option<String> {
    let (address, prefix) = match entry.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (entry, None),
    };
    let max = match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => 32,
        Ok(std::net::IpAddr::V6(_)) => 128,
        Err(_) => return Some(tf("api_keys.ip_invalid", &[entry])),
    };
    match prefix.map(str::parse::<u8>) {
        None => None,
        Some(Ok(bits)) if bits <= max => None,
        Some(_) => Some(tf("api_keys.ip_range", &[entry, &max.to_string()])),
    }
}

fn parse_ips(text: &str) -> Result<Vec<String>, String> {
    let ips: Vec<String> = text
        .split([',', '\n', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if ips.len() > MAX_ALLOWED_IPS {
        let (most, now) = (MAX_ALLOWED_IPS.to_string(), ips.len().to_string());
        return Err(tf("api_keys.too_many_ips", &[&most, &now]));
    }
    match ips.iter().find_map(|ip| ip_problem(ip)) {
        Some(problem) => Err(problem),
        None => Ok(ips),
    }
}

#[component]
pub fn ApiKeys(context: AccountContext) -> impl IntoView {
    let client = context.client.clone();
    let list = Load::new(move || {
        let client = client.clone();
        async move { client.api_keys().await }
    });
    let actions = Actions::new();
    let secret = RwSignal::new(None::<String>);
    let count = move || list.answer().and_then(Result::ok).map(|l| l.len());
    let full = Signal::derive(move || count().is_some_and(|n| n >= API_KEY_LIMIT));
    let form_ctx = context.clone();
    let form_actions = actions.clone();
    view! {
        <section class="sheet api-keys" aria-labelledby="api-keys-title" data-testid="api-keys">
            <div class="sheet-head">
                <h2 id="api-keys-title">{t("api_keys.title")}</h2>
                <span class="muted" data-testid="api-key-count">{move || count().map(|n| tf("editor.match_of", &[&n.to_string(), &API_KEY_LIMIT.to_string()]))}</span>
            </div>
            {move || secret.get().map(|key| view! {
                <div class="secret-once" role="status" data-testid="new-key">
                    <p><strong>{t("api_keys.new_key")}</strong>" "{t("api_keys.copy_now")}</p>
                    <p><code class="wrap">{key.clone()}</code> " " <CopyButton text=key.clone() label=t("api_keys.the_new_key").into()/></p>
                    <button type="button" class="link" on:click=move |_| secret.set(None)>{t("api_keys.copied")}</button>
                </div>
            })}
            <CreateKey context=form_ctx actions=form_actions list secret full/>
            {move || {
                let (actions, context) = (actions.clone(), context.clone());
                match list.answer() {
                    None => view! { <Loading text=t("api_keys.loading")/> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| list.reload())/> }.into_any(),
                    Some(Ok(keys)) => view! {
                        <ul class="cards compact-cards">
                            {keys.into_iter().map(|key| view! { <KeyRow key context=context.clone() actions=actions.clone() list/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
        </section>
    }
}

#[component]
fn CreateKey(
    context: AccountContext,
    actions: Actions,
    list: Load<Vec<UserApiKey>>,
    secret: RwSignal<Option<String>>,
    full: Signal<bool>,
) -> impl IntoView {
    let description = RwSignal::new(String::new());
    let ips = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let description_problem = move || {
        let text = description.get();
        let n = text.trim().chars().count();
        if tried.get() && n == 0 {
            Some(t("api_keys.description_missing").to_owned())
        } else {
            (n > MAX_KEY_DESCRIPTION)
                .then(|| crate::manager::format::too_long(MAX_KEY_DESCRIPTION, n))
        }
    };
    let ips_problem = move || parse_ips(&ips.get()).err();
    let (submit_actions, client) = (actions.clone(), context.client.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let Ok(allowed_ips) = parse_ips(&ips.get_untracked()) else {
            return;
        };
        if description_problem().is_some() {
            return;
        }
        let body = CreateApiKeyRequest {
            description: description.get_untracked().trim().to_owned(),
            allowed_ips,
        };
        let client = client.clone();
        submit_actions.run(
            Target::New,
            async move { client.create_api_key(&body).await },
            move |created| {
                match full_key(&created) {
                    Ok(key) => secret.set(Some(key.expose_secret().to_owned())),
                    Err(_) => secret.set(Some(
                        created.meta.map(|m| m.secret_token).unwrap_or_default(),
                    )),
                }
                description.set(String::new());
                ips.set(String::new());
                tried.set(false);
                list.reload();
            },
        );
    };
    let pending = {
        let a = actions.clone();
        Signal::derive(move || a.is_pending(&Target::New))
    };
    let panel = {
        let a = actions.clone();
        move |field: &'static str| a.error(&Target::New).and_then(|e| field_error(&e, field))
    };
    let (p_desc, p_ips) = (panel.clone(), panel);
    view! {
        <form class="editor" on:submit=submit novalidate aria-label=t("api_keys.new")>
            <label for="key-description">{t("settings.description")}</label>
            <input id="key-description" type="text" bind:value=description placeholder=t("api_keys.description_placeholder") maxlength="500"
                aria-invalid=move || description_problem().is_some().to_string()/>
            <p class="hint" aria-live="polite">{description_problem}{move || p_desc("description")}</p>
            <label for="key-ips">{t("api_keys.ips")} " " <span class="muted">{t("api_keys.ips_hint")}</span></label>
            <textarea id="key-ips" class="mono" rows="2" bind:value=ips placeholder="203.0.113.7, 10.0.0.0/8"
                aria-invalid=move || ips_problem().is_some().to_string()></textarea>
            <p class="hint" aria-live="polite">{ips_problem}{move || p_ips("allowed_ips")}</p>
            <ActionError actions=actions.clone() target=Target::New/>
            <button type="submit" class="primary" disabled=move || pending.get() || full.get()>
                {move || if pending.get() { t("databases.creating") } else { t("api_keys.create") }}
            </button>
            {move || full.get().then(|| view! {
                <p class="muted small" data-testid="key-limit">{tf("api_keys.limit", &[&API_KEY_LIMIT.to_string()])}</p>
            })}
        </form>
    }
}

#[component]
fn KeyRow(
    key: UserApiKey,
    context: AccountContext,
    actions: Actions,
    list: Load<Vec<UserApiKey>>,
) -> impl IntoView {
    let identifier = key.identifier.clone();
    let target = Target::item(&identifier);
    let in_use = identifier == context.key_identifier;
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    let (del_actions, del_target, del_id, client) = (
        actions.clone(),
        target.clone(),
        identifier.clone(),
        context.client.clone(),
    );
    let delete = Callback::new(move |_| {
        let (client, id) = (client.clone(), del_id.clone());
        let session = use_session();
        del_actions.run(
            del_target.clone(),
            async move { client.delete_api_key(&id).await },
            move |()| {
                if in_use {
                    // The key is gone: this panel's connection cannot work any more.
                    session.sign_out();
                } else {
                    list.reload();
                }
            },
        );
    });
    let question = if in_use {
        t("api_keys.delete_in_use").to_owned()
    } else {
        t("api_keys.delete_confirm").to_owned()
    };
    view! {
        <li class="card" data-key=identifier.clone()>
            <div class="card-head">
                <h3 class="mono">{identifier.clone()}</h3>
                {in_use.then(|| view! { <span class="badge badge-running">{t("api_keys.this_app")}</span> })}
            </div>
            <p>{if key.description.is_empty() { t("api_keys.no_description").to_owned() } else { key.description.clone() }}</p>
            <p class="muted small">
                {tf("api_keys.created", &[&date_time(&key.created_at)])}
                {[" · ".to_owned(), tf("api_keys.last_used", &[&key.last_used_at.as_deref().map_or_else(|| t("schedules.never").to_owned(), date_time)])].concat()}
                {(!key.allowed_ips.is_empty()).then(|| [" · ".to_owned(), tf("api_keys.only_from", &[&key.allowed_ips.join(", ")])].concat())}
            </p>
            <div class="actions">
                <Confirm label=t("common.delete") question pending name=identifier.clone() on_confirm=delete/>
            </div>
            <ActionError actions=actions.clone() target=target.clone()/>
        </li>
    }
}
