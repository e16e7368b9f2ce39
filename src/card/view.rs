//! The card's views: configuration errors, connecting, and the live card.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use ptero_api::claims::Action as Grant;
use ptero_api::origin::{OriginErrorCode, ServerSummary, SessionGrant};
use ptero_api::{PowerSignal, PowerState};
use send_wrapper::SendWrapper;
use web_sys::HtmlElement;

use super::config::CardConfig;
use super::events::emit;
use super::hub::{self, Feed};
use super::Controls;
use crate::api::{OriginClient, OriginFailure};
use crate::components::{
    bytes, duration_ms, percent, AnsiLine, History, Meter, PowerButtons, PowerControl, Sparkline,
    StateBadge,
};
use crate::live::sleep;

/// The card's stake in the hub, shared by its cleanup and its async start.
#[derive(Default)]
struct Subscription {
    removed: bool,
    session: Option<String>,
}

#[derive(Clone)]
enum Phase {
    Connecting,
    Failed {
        code: String,
        message: String,
    },
    Live {
        session: String,
        grant: SessionGrant,
        feed: Feed,
    },
}

/// The whole card for `host`; `controls` receives the card's `power()` entry point.
#[component]
pub fn ServerCard(host: SendWrapper<HtmlElement>, controls: Controls) -> impl IntoView {
    let config = match CardConfig::from_element(&host) {
        Ok(config) => config,
        Err(message) => {
            emit(
                &host,
                "ptero-error",
                &[("code", "bad_attributes"), ("message", &message)],
            );
            return view! { <CardMessage code="bad_attributes".to_string() message/> }.into_any();
        }
    };
    let phase = RwSignal::new(Phase::Connecting);
    // Cleanup and the async start race: whichever runs second undoes the subscription.
    let subscription: Arc<Mutex<Subscription>> = Arc::default();
    let on_drop = subscription.clone();
    let cleanup_origin = config.origin.clone();
    let cleanup_server = config.server.clone();
    on_cleanup(move || {
        if let Ok(mut state) = on_drop.lock() {
            state.removed = true;
            if let Some(session) = state.session.take() {
                hub::unsubscribe(&cleanup_origin, &session, &cleanup_server);
            }
        }
    });

    let start_host = host.clone();
    let start_config = config.clone();
    leptos::task::spawn_local(async move {
        let config = start_config;
        // With a `token-url`, the card renews its session before it expires: a fresh
        // token from the hosting site, a fresh session, the stream moved over to it.
        let mut stale: Option<String> = None;
        loop {
            let token = match (&config.token, &config.token_url) {
                (Some(token), _) => Ok(token.clone()),
                (None, Some(url)) => hub::token(url, stale.as_deref()).await,
                (None, None) => Err("no token".into()),
            };
            let token = match token {
                Ok(token) => token,
                Err(message) => {
                    fail(&phase, &start_host, "token_unavailable", message);
                    return;
                }
            };
            let grant = match hub::session(&config.origin, &token).await {
                Ok(grant) => grant,
                Err(failure) => {
                    hub::forget_session(&config.origin, &token);
                    if matches!(
                        &failure,
                        OriginFailure::Refused {
                            code: OriginErrorCode::TokenExpired | OriginErrorCode::SessionExpired,
                            ..
                        }
                    ) {
                        emit(&start_host, "ptero-session-expired", &[]);
                    }
                    fail(&phase, &start_host, &failure.code(), failure.to_string());
                    return;
                }
            };
            if !grant.servers.iter().any(|s| s == &config.server) {
                fail(
                    &phase,
                    &start_host,
                    "server_not_allowed",
                    format!("This page's token does not grant server {}.", config.server),
                );
                return;
            }
            {
                let Ok(mut state) = subscription.lock() else {
                    return;
                };
                if state.removed {
                    return; // removed while connecting
                }
                // Subscribe before letting go of the old session, so the page never
                // drops to zero streams in between.
                let feed = hub::subscribe(&config.origin, &grant.session, &config.server);
                if let Some(old) = state.session.replace(grant.session.clone()) {
                    hub::unsubscribe(&config.origin, &old, &config.server);
                }
                // The renewed-from token's session is spent: no card will ask for it again.
                if let Some(spent) = stale.take() {
                    hub::forget_session(&config.origin, &spent);
                }
                phase.set(Phase::Live {
                    session: grant.session.clone(),
                    grant: (*grant).clone(),
                    feed,
                });
            }
            if config.token_url.is_none() {
                return;
            }
            sleep(hub::renew_after(grant.expires_in_secs)).await;
            if subscription.lock().map_or(true, |state| state.removed) {
                return;
            }
            stale = Some(token);
        }
    });

    view! {
        {move || match phase.get() {
            Phase::Connecting => view! { <div class="card" part="base" aria-busy="true"><p class="muted">"Connecting…"</p></div> }.into_any(),
            Phase::Failed { code, message } => view! { <CardMessage code message/> }.into_any(),
            Phase::Live { session, grant, feed } => view! {
                <LiveCard config=config.clone() host=host.clone() session grant feed controls=controls.clone()/>
            }.into_any(),
        }}
    }
    .into_any()
}

fn fail(phase: &RwSignal<Phase>, host: &HtmlElement, code: &str, message: String) {
    emit(
        host,
        "ptero-error",
        &[("code", code), ("message", &message)],
    );
    phase.set(Phase::Failed {
        code: code.to_string(),
        message,
    });
}

#[component]
fn CardMessage(code: String, message: String) -> impl IntoView {
    view! {
        <div class="card card-error" part="base" role="alert" data-error-code=code>
            <p part="error">{message}</p>
        </div>
    }
}

/// Signals the viewer may send: granted by the session, narrowed by `actions=`.
fn granted_signals(grant: &SessionGrant, narrowed: &Option<Vec<Grant>>) -> Vec<PowerSignal> {
    PowerControl::ORDER
        .into_iter()
        .filter(|s| {
            let action = Grant::for_signal(*s);
            grant.actions.contains(&action) && narrowed.as_ref().is_none_or(|n| n.contains(&action))
        })
        .collect()
}

#[component]
fn LiveCard(
    config: CardConfig,
    host: SendWrapper<HtmlElement>,
    session: String,
    grant: SessionGrant,
    feed: Feed,
    controls: Controls,
) -> impl IntoView {
    let allows = |action: Grant| {
        grant.actions.contains(&action)
            && config.actions.as_ref().is_none_or(|n| n.contains(&action))
    };
    let control = PowerControl {
        allowed: granted_signals(&grant, &config.actions),
    };
    let client = OriginClient::new(&config.origin);
    let server = config.server.clone();

    let summary = feed.summary.clone();
    let error = feed.error.clone();
    let cpu = RwSignal::new(History::default());
    let memory = RwSignal::new(History::default());
    let pending = RwSignal::new(None::<PowerSignal>);
    let power_error = RwSignal::new(None::<String>);

    // Events and histories follow the feed.
    let last_state = StoredValue::new(None::<PowerState>);
    let ready_host = host.clone();
    let watch = summary.clone();
    Effect::new(move |_| {
        let Some(s) = watch.get() else { return };
        if let Some(r) = &s.resources {
            cpu.update(|h| h.push(r.cpu_absolute));
            memory.update(|h| h.push(r.memory_bytes as f64));
        }
        match last_state.get_value() {
            None => emit(
                &ready_host,
                "ptero-ready",
                &[("server", &s.identifier), ("state", s.state.as_str())],
            ),
            Some(old) if old != s.state => {
                emit(
                    &ready_host,
                    "ptero-state-change",
                    &[
                        ("server", &s.identifier),
                        ("old", old.as_str()),
                        ("new", s.state.as_str()),
                    ],
                );
                pending.set(None);
            }
            _ => {}
        }
        last_state.set_value(Some(s.state));
    });
    let error_host = host.clone();
    let watch_error = error.clone();
    Effect::new(move |_| {
        if let Some(failure) = watch_error.get() {
            emit(
                &error_host,
                "ptero-error",
                &[("code", &failure.code()), ("message", &failure.to_string())],
            );
            if matches!(
                &failure,
                OriginFailure::Refused {
                    code: OriginErrorCode::SessionExpired,
                    ..
                }
            ) {
                emit(&error_host, "ptero-session-expired", &[]);
            }
        }
    });

    let allowed_for_method = control.allowed.clone();
    let power_target = (
        client.clone(),
        session.clone(),
        server.clone(),
        host.clone(),
    );
    // Used by the buttons and by `element.power()`: refuses what the token does not grant.
    // A plain task, not an `Action`: the card ships no action machinery.
    let send_power = Callback::new(move |signal: PowerSignal| {
        if !allowed_for_method.contains(&signal) {
            return false;
        }
        power_error.set(None);
        pending.set(Some(signal));
        let (client, session, server, host) = power_target.clone();
        leptos::task::spawn_local(async move {
            let result = client.power(&session, &server, signal).await;
            let outcome = match &result {
                Ok(()) => "accepted".to_string(),
                Err(failure) => failure.code(),
            };
            emit(
                &host,
                "ptero-power",
                &[("signal", signal.as_str()), ("outcome", &outcome)],
            );
            if let Err(failure) = result {
                pending.set(None);
                power_error.set(Some(failure.to_string()));
            }
        });
        true
    });
    controls.set_power(send_power);
    let on_signal = Callback::new(move |signal: PowerSignal| {
        send_power.run(signal);
    });

    let sso_allowed = allows(Grant::Sso);
    let console_allowed = allows(Grant::Console);
    let compact = config.compact;
    let s = summary.clone();
    // A suspended, installing or maintenance server takes no power signals: no state, no buttons enabled.
    let state = Signal::derive(move || {
        s.with(|s| {
            s.as_ref()
                .filter(|s| !(s.is_suspended || s.node_under_maintenance || s.status.is_some()))
                .map(|s| s.state)
        })
    });
    let s = summary.clone();
    let badge = Signal::derive(move || s.with(|s| s.as_ref().map_or("unknown".into(), badge_text)));
    let s = summary.clone();
    let res = Signal::derive(move || {
        s.with(|s| {
            s.as_ref()
                .and_then(|s| s.resources.clone())
                .unwrap_or_default()
        })
    });
    let s = summary.clone();
    let limits =
        Signal::derive(move || s.with(|s| s.as_ref().map(|s| s.limits).unwrap_or_default()));
    let s = summary.clone();
    let name = move || s.with(|s| s.as_ref().map_or_else(String::new, |s| s.name.clone()));

    view! {
        <article class=move || if compact { "card compact" } else { "card" } part="base" data-testid="card-ready" data-server=server.clone()>
            <header class="card-head" part="header">
                <h3 class="name" part="name">{name}</h3>
                <StateBadge state=badge/>
                <span class="uptime muted">{move || res.get().uptime_ms.filter(|u| *u > 0).map(|u| format!("up {}", duration_ms(u)))}</span>
            </header>
            <p class="sr-only" aria-live="polite">{move || state.get().map(|s| format!("Server is {s}"))}</p>
            <div class="meters">
                <div class="metric">
                    <Meter label="CPU" used=Signal::derive(move || res.get().cpu_absolute) limit=Signal::derive(move || limits.get().cpu_percent as f64)
                        text=Signal::derive(move || percent(res.get().cpu_absolute))/>
                    <Sparkline label="CPU history" history=cpu/>
                </div>
                <div class="metric">
                    <Meter label="Memory" used=Signal::derive(move || res.get().memory_bytes as f64)
                        limit=Signal::derive(move || limits.get().memory_mib as f64 * 1048576.0)
                        text=Signal::derive(move || bytes(res.get().memory_bytes))/>
                    <Sparkline label="Memory history" history=memory/>
                </div>
                <div class="metric">
                    <Meter label="Disk" used=Signal::derive(move || res.get().disk_bytes as f64)
                        limit=Signal::derive(move || limits.get().disk_mib as f64 * 1048576.0)
                        text=Signal::derive(move || bytes(res.get().disk_bytes))/>
                </div>
            </div>
            <PowerButtons control=control state pending on_signal/>
            <div aria-live="assertive">
                {move || power_error.get().map(|m| view! { <p class="error" part="error">{m}</p> })}
                {let error = error.clone(); move || error.get().map(|f| view! { <p class="error" part="error">{f.to_string()}</p> })}
            </div>
            {sso_allowed.then(|| view! { <SsoButton client=client.clone() session=session.clone() server=server.clone()/> })}
            {console_allowed.then(|| view! { <ConsolePane feed=feed.clone() client=client.clone() session=session.clone() server=server.clone()/> })}
        </article>
    }
}

fn badge_text(summary: &ServerSummary) -> String {
    if summary.is_suspended {
        "suspended".into()
    } else if summary.node_under_maintenance {
        "maintenance".into()
    } else if let Some(status) = &summary.status {
        status.clone()
    } else {
        summary.state.as_str().into()
    }
}

#[component]
fn SsoButton(client: OriginClient, session: String, server: String) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let open = move |_| {
        problem.set(None);
        // The tab opens now, inside the click, or popup blockers refuse it; it is sent
        // to the one-time URL once the origin has minted it, and closed on failure.
        let tab =
            web_sys::window().and_then(|w| w.open_with_url_and_target("", "_blank").ok().flatten());
        let (client, session, server) = (client.clone(), session.clone(), server.clone());
        leptos::task::spawn_local(async move {
            match client.sso(&session, &server).await {
                Ok(ticket) => match &tab {
                    Some(tab) => {
                        let _ = tab.set_opener(&wasm_bindgen::JsValue::NULL);
                        let _ = tab.location().replace(&ticket.url);
                    }
                    None => problem.set(Some(
                        "The browser blocked the new tab: allow pop-ups for this site and try again.".into(),
                    )),
                },
                Err(failure) => {
                    if let Some(tab) = &tab {
                        let _ = tab.close();
                    }
                    problem.set(Some(failure.to_string()));
                }
            }
        });
    };
    view! {
        <div class="sso">
            <button type="button" part="sso-button" on:click=open>"Open in panel"</button>
            {move || problem.get().map(|m| view! { <p class="error">{m}</p> })}
        </div>
    }
}

#[component]
fn ConsolePane(feed: Feed, client: OriginClient, session: String, server: String) -> impl IntoView {
    let lines = feed.console.clone();
    let input = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command = input.get_untracked();
        if command.trim().is_empty() {
            return;
        }
        problem.set(None);
        input.set(String::new());
        let (client, session, server) = (client.clone(), session.clone(), server.clone());
        leptos::task::spawn_local(async move {
            if let Err(failure) = client.command(&session, &server, &command).await {
                problem.set(Some(failure.to_string()));
            }
        });
    };
    view! {
        <details class="console" part="console">
            <summary>"Console"</summary>
            <div class="console-lines" role="log" aria-live="off">
                {move || lines.get().into_iter().map(|line| view! { <AnsiLine line/> }).collect_view()}
            </div>
            <form on:submit=submit>
                <input type="text" aria-label="Command" placeholder="Type a command" bind:value=input/>
                <button type="submit">"Send"</button>
            </form>
            {move || problem.get().map(|m| view! { <p class="error">{m}</p> })}
        </details>
    }
}
