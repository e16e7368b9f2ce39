//! Activity logs, the server's and the account's: newest first, a page at a time ("Show
//! older"), each entry with who (a user, an API key, or the system), when, the event in
//! the panel's words, and its other properties readable.

use crate::i18n::ui::{t, tf, tp};
use leptos::prelude::*;
use ptero_api::activity::Value;
use ptero_api::ActivityLog;

use super::activity_words::sentence;
use super::kit::{Loading, NoPermission};
use super::{date_time, ServerContext};
use crate::api::{ActivityOf, ApiError, PanelClient, Scope};
use crate::components::ErrorNote;

#[component]
pub fn ServerActivity(context: ServerContext) -> impl IntoView {
    if !context.can("activity.read") {
        return view! { <NoPermission text=t("activity.no_permission") permission="activity.read"/> }.into_any();
    }
    view! { <ActivityLogView client=context.client.clone() of=ActivityOf::Server(context.server.clone()) title=t("tabs.activity")/> }.into_any()
}

/// The pages read so far and whether there are more.
#[derive(Clone, Default)]
struct Pages {
    entries: Vec<ActivityLog>,
    next: Option<u64>,
    total: u64,
}

#[component]
pub fn ActivityLogView(client: PanelClient, of: ActivityOf, title: &'static str) -> impl IntoView {
    let pages = RwSignal::new(None::<Pages>);
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(false);
    let scope = send_wrapper::SendWrapper::new(Scope::new());
    let load = move |page: u64| {
        let (client, of, scope) = (client.clone(), of.clone(), scope.clone());
        loading.set(true);
        error.set(None);
        scope.spawn(async move {
            let answer = client.activity(&of, page).await;
            loading.try_set(false);
            match answer {
                Ok(list) => {
                    let pagination = list.pagination().cloned();
                    let more = pagination
                        .as_ref()
                        .filter(|p| p.current_page < p.total_pages)
                        .map(|p| p.current_page + 1);
                    let total = pagination.map_or(list.data.len() as u64, |p| p.total);
                    pages.try_update(|pages| {
                        let mut all = if page == 1 {
                            Pages::default()
                        } else {
                            pages.take().unwrap_or_default()
                        };
                        all.entries
                            .extend(list.data.into_iter().map(|item| item.attributes));
                        all.next = more;
                        all.total = total;
                        *pages = Some(all);
                    });
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let first = load.clone();
    first(1);
    let (older, retry) = (load.clone(), load);
    view! {
        <section class="sheet activity" aria-labelledby="activity-title" data-testid="activity">
            <div class="sheet-head">
                <h2 id="activity-title">{title}</h2>
                <span class="muted" data-testid="activity-count">{move || pages.get().map(|p| tp("activity.count", p.total as f64, &[&p.entries.len().to_string(), &p.total.to_string()]))}</span>
            </div>
            {move || match pages.get() {
                None if error.get().is_none() => view! { <Loading text=t("activity.loading")/> }.into_any(),
                None => ().into_any(),
                Some(p) if p.entries.is_empty() => view! { <p class="empty">{t("activity.empty")}</p> }.into_any(),
                Some(p) => view! {
                    <ol class="log">{p.entries.into_iter().map(|entry| view! { <Entry entry/> }).collect_view()}</ol>
                }.into_any(),
            }}
            {move || error.get().map(|e| {
                let retry = retry.clone();
                let page = pages.get_untracked().and_then(|p| p.next).unwrap_or(1);
                view! { <ErrorNote error=e retry=Callback::new(move |_| retry(page))/> }
            })}
            {move || pages.get().and_then(|p| p.next).map(|next| {
                let older = older.clone();
                view! {
                    <button type="button" class="more" disabled=move || loading.get() on:click=move |_| older(next)>
                        {move || if loading.get() { t("activity.loading_more") } else { t("activity.older") }}
                    </button>
                }
            })}
        </section>
    }
}

/// Properties the sentence does not already say, as `key: value`.
fn extra(entry: &ActivityLog) -> Vec<(String, String)> {
    let sentence = sentence(entry);
    entry
        .properties
        .0
        .iter()
        .filter(|(key, _)| {
            !matches!(key.as_str(), "count" | "useragent" | "using_sftp")
                && !key.ends_with("_count")
        })
        .filter_map(|(key, value)| {
            let text = match value {
                Value::Text(t) if t.is_empty() => return None,
                other => other.to_string(),
            };
            (!sentence.contains(&text)).then(|| (key.replace('_', " "), text))
        })
        .collect()
}

#[component]
fn Entry(entry: ActivityLog) -> impl IntoView {
    let who = match entry.actor() {
        Some(actor) => actor.username.clone(),
        None => t("activity.system").to_owned(),
    };
    let details = extra(&entry);
    view! {
        <li class="log-entry" data-event=entry.event.clone()>
            <div class="log-head">
                <strong class="log-actor">{who}</strong>
                <span class="log-sentence">{sentence(&entry)}</span>
            </div>
            <p class="muted small">
                <time datetime=entry.timestamp.clone()>{date_time(&entry.timestamp)}</time>
                {entry.is_api.then(|| [" · ", t("activity.with_api_key")].concat())}
                {entry.ip.clone().map(|ip| [" · ".to_owned(), tf("activity.from", &[&ip])].concat())}
                " · " <code class="event">{entry.event.clone()}</code>
            </p>
            {(!details.is_empty()).then(|| view! {
                <dl class="log-details">
                    {details.into_iter().map(|(key, value)| view! { <dt>{key}</dt><dd>{value}</dd> }).collect_view()}
                </dl>
            })}
        </li>
    }
}
