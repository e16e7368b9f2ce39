//! The card's views: they render the controller's [`Phase`] and send what the viewer
//! clicks to the controller's pieces (the power sender, the origin client); they keep no
//! state machine of their own.

use leptos::prelude::*;
use ptero_api::PowerSignal;
use send_wrapper::SendWrapper;
use web_sys::HtmlElement;

use super::config::CardConfig;
use super::connection::{self, badge, usable_state, Live, Phase};
use super::error::CardError;
use super::events::CardEvent;
use super::feed::Feed;
use super::link::Health;
use super::power::PowerSender;
use crate::api::{OriginClient, Scope};
use crate::components::{
    duration_ms, rate, usage_bytes, usage_percent, AnsiLine, Meter, PowerButtons, PowerControl,
    Sparkline, StateBadge,
};
use crate::live::sleep;

/// Data older than this gets a hint (the stream is down, or the origin cannot poll).
const STALE_MS: f64 = 10_000.0;

#[derive(Clone, PartialEq)]
enum Kind {
    Connecting,
    Live,
    Failed(CardError),
}

/// The whole card for `host`.
#[component]
pub fn ServerCard(
    host: SendWrapper<HtmlElement>,
    scope: SendWrapper<Scope>,
    power: SendWrapper<PowerSender>,
) -> impl IntoView {
    let config = match CardConfig::from_element(&host) {
        Ok(config) => config,
        Err(error) => {
            power.disarm(Some(error.clone()));
            CardEvent::Error(&error).dispatch(&host);
            return view! { <CardMessage error/> }.into_any();
        }
    };
    let compact = config.compact;
    let phase = connection::start(config, (*host).clone(), &scope, (*power).clone());
    let watched = phase.clone();
    let kind = Memo::new(move |_| {
        watched.with(|phase| match phase {
            Phase::Connecting => Kind::Connecting,
            Phase::Live(_) => Kind::Live,
            Phase::Failed(error) => Kind::Failed(error.clone()),
        })
    });
    view! {
        {move || match kind.get() {
            Kind::Connecting => view! {
                <div class="card" part="base" aria-busy="true"><p class="muted">"Connecting…"</p></div>
            }.into_any(),
            Kind::Failed(error) => view! { <CardMessage error/> }.into_any(),
            Kind::Live => {
                let live = phase.with_untracked(|phase| match phase {
                    Phase::Live(live) => Some(live.clone()),
                    _ => None,
                });
                // The session moves on renewal; the card stays.
                let now = phase.clone();
                let session = Signal::derive(move || {
                    now.with(|phase| match phase {
                        Phase::Live(live) => live.session.clone(),
                        _ => String::new(),
                    })
                });
                live.map(|live| view! {
                    <LiveCard live host=host.clone() power=power.clone() session compact/>
                })
                .into_any()
            }
        }}
    }
    .into_any()
}

#[component]
fn CardMessage(error: CardError) -> impl IntoView {
    view! {
        <div class="card card-error" part="base" role="alert" data-error-code=error.code().to_string()>
            <p part="error">{error.to_string()}</p>
        </div>
    }
}

#[component]
fn LiveCard(
    live: Live,
    host: SendWrapper<HtmlElement>,
    power: SendWrapper<PowerSender>,
    session: Signal<String>,
    compact: bool,
) -> impl IntoView {
    connection::follow(&live, &host, &power);
    let Live {
        client,
        server,
        feed,
        health,
        clock,
        allowed,
        console,
        sso,
        ..
    } = live;
    let summary = feed.summary.clone();
    let s = summary.clone();
    let state = Signal::derive(move || s.with(|s| s.as_ref().and_then(usable_state)));
    let s = summary.clone();
    let badge = Signal::derive(move || s.with(|s| s.as_ref().map_or("unknown".into(), badge)));
    let s = summary.clone();
    let name = move || s.with(|s| s.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let s = summary.clone();
    let address = Signal::derive(move || s.with(|s| s.as_ref().and_then(|s| s.address.clone())));
    let s = summary.clone();
    let uptime = move || {
        s.with(|s| {
            let s = s.as_ref()?;
            let up = s.resources.as_ref()?.uptime_ms.filter(|u| *u > 0)?;
            (s.state == ptero_api::PowerState::Running).then(|| ["up ", &duration_ms(up)].concat())
        })
    };
    let sender = power.clone();
    let on_signal = Callback::new(move |signal: PowerSignal| {
        sender.send(signal.as_str());
    });
    let control = PowerControl { allowed };
    let pending = power.pending();
    let problem = power.problem();
    let error = feed.error.clone();
    // Requests of the panes (SSO ticket, commands) stop with the live view.
    let scope = SendWrapper::new(Scope::new());

    view! {
        <article class=if compact { "card compact" } else { "card" } part="base" data-testid="card-ready" data-server=server.clone()>
            <header class="card-head" part="header">
                <h3 class="name" part="name">{name}</h3>
                <StateBadge state=badge/>
                <span class="uptime muted">{uptime}</span>
            </header>
            {move || address.get().map(|address| view! { <Address address scope=scope.clone()/> })}
            <p class="sr-only" aria-live="polite">{move || state.get().map(|s| ["Server is ", s.as_str()].concat())}</p>
            <Meters feed=feed.clone()/>
            <Staleness feed=feed.clone() health clock/>
            <PowerButtons control state pending on_signal/>
            <div aria-live="assertive">
                {move || problem.get().map(|e| view! { <p class="error" part="error">{e.to_string()}</p> })}
                {move || error.get().map(|f| view! { <p class="error" part="error">{f.to_string()}</p> })}
            </div>
            {sso.then(|| view! { <SsoButton client=client.clone() session server=server.clone()/> })}
            {(console && !compact).then(|| view! { <ConsolePane feed=feed.clone() client=client.clone() session server=server.clone()/> })}
        </article>
    }
}

/// CPU, memory, network and disk: usage against limits, three with a sparkline.
#[component]
fn Meters(feed: Feed) -> impl IntoView {
    let s = feed.summary.clone();
    let now = Signal::derive(move || {
        s.with(|s| {
            s.as_ref()
                .map(|s| (s.resources.clone().unwrap_or_default(), s.limits))
                .unwrap_or_default()
        })
    });
    let network = feed.network.clone();
    let rate_now = Signal::derive(move || network.with(|h| h.last().unwrap_or(0.0)));
    view! {
        <div class="meters">
            <div class="metric">
                <Meter label="CPU" used=Signal::derive(move || now.get().0.cpu_absolute)
                    limit=Signal::derive(move || now.get().1.cpu_percent as f64)
                    text=Signal::derive(move || { let (r, l) = now.get(); usage_percent(r.cpu_absolute, l.cpu_percent) })/>
                <Sparkline label="CPU history" history=feed.cpu.clone()/>
            </div>
            <div class="metric">
                <Meter label="Memory" used=Signal::derive(move || now.get().0.memory_bytes as f64)
                    limit=Signal::derive(move || (now.get().1.memory_mib << 20) as f64)
                    text=Signal::derive(move || { let (r, l) = now.get(); usage_bytes(r.memory_bytes, l.memory_mib << 20) })/>
                <Sparkline label="Memory history" history=feed.memory.clone()/>
            </div>
            <div class="metric">
                <div class="meter-label"><span>"Network"</span><span class="meter-text">{move || rate(rate_now.get())}</span></div>
                <Sparkline label="Network history" history=feed.network.clone()/>
            </div>
            <div class="metric">
                <Meter label="Disk" used=Signal::derive(move || now.get().0.disk_bytes as f64)
                    limit=Signal::derive(move || (now.get().1.disk_mib << 20) as f64)
                    text=Signal::derive(move || { let (r, l) = now.get(); usage_bytes(r.disk_bytes, l.disk_mib << 20) })/>
            </div>
        </div>
    }
}

/// "Showing data from 25 s ago": when the stream is down or the origin cannot poll.
#[component]
fn Staleness(feed: Feed, health: ArcRwSignal<Health>, clock: ArcRwSignal<f64>) -> impl IntoView {
    let current_at = feed.current_at.clone();
    let hint = move || {
        let age = clock.get() - current_at.get();
        if current_at.get() == 0.0 || age < STALE_MS {
            return None;
        }
        let secs = (age / 1000.0) as u64;
        let ago = if secs < 120 {
            [&secs.to_string(), " s"].concat()
        } else {
            duration_ms(secs * 1000)
        };
        let why = match health.get() {
            Health::Down(_) | Health::Connecting => " — reconnecting…",
            Health::Live => "",
        };
        Some(["Showing data from ", &ago, " ago", why].concat())
    };
    move || hint().map(|text| view! { <p class="stale" part="stale" role="status">{text}</p> })
}

/// The primary address with a copy button.
#[component]
fn Address(address: String, scope: SendWrapper<Scope>) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let text = address.clone();
    let copy = move |_| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let promise = window.navigator().clipboard().write_text(&text);
        scope.spawn(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(ok));
            sleep(std::time::Duration::from_secs(2)).await;
            copied.set(None);
        });
    };
    view! {
        <div class="address-row">
            <code class="address" part="address">{address}</code>
            <button type="button" class="copy" part="copy-button" aria-label="Copy the address" on:click=copy>
                {move || match copied.get() {
                    Some(true) => "Copied",
                    Some(false) => "Select and copy",
                    None => "Copy",
                }}
            </button>
        </div>
    }
}

#[component]
fn SsoButton(client: OriginClient, session: Signal<String>, server: String) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let scope = SendWrapper::new(Scope::new());
    let open = move |_| {
        problem.set(None);
        // The tab opens now, inside the click, or popup blockers refuse it; it is sent
        // to the one-time URL once the origin has minted it, and closed on failure.
        let tab =
            web_sys::window().and_then(|w| w.open_with_url_and_target("", "_blank").ok().flatten());
        let (client, session, server) = (client.clone(), session.get_untracked(), server.clone());
        scope.spawn(async move {
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
fn ConsolePane(
    feed: Feed,
    client: OriginClient,
    session: Signal<String>,
    server: String,
) -> impl IntoView {
    let lines = feed.console.clone();
    let input = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let scope = SendWrapper::new(Scope::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command = input.get_untracked();
        if command.trim().is_empty() {
            return;
        }
        problem.set(None);
        input.set(String::new());
        let (client, session, server) = (client.clone(), session.get_untracked(), server.clone());
        scope.spawn(async move {
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
