//! `/server/:id`: live state and resources with charts, power, limits and SFTP details.
//! Everything live comes from the Wings websocket (console, per-second stats, state);
//! `/resources` is polled only while the socket is down, and the page then says how old
//! the numbers are once they are over 30 s.

use std::time::Duration;

use leptos::prelude::*;
use ptero_api::{PowerSignal, PowerState, ServerDetail, Stats};

use crate::api::{ApiError, Load, PanelClient, Scope};
use crate::components::{
    bytes, duration_ms, percent, Console, ErrorNote, History, Meter, PowerButtons, PowerControl,
    RequireSignIn, Sparkline, StateBadge,
};
use crate::live::{use_polling, use_wings, Link, WingsLive, STALE_AFTER_MS};
use crate::session::use_session;

/// While the socket is down the page polls `/resources`: never faster than the panel
/// caches it (20 s), so many tabs of one server stay inside the user's rate limit.
const POLL: Duration = Duration::from_secs(20);

/// The page of the server whose identifier is `id` (the route's last segment).
#[component]
pub fn ServerPage(id: String) -> impl IntoView {
    view! { <RequireSignIn><ServerView id=id.clone()/></RequireSignIn> }
}

#[component]
fn ServerView(id: String) -> impl IntoView {
    let session = use_session();
    let detail = Load::new(move || {
        let (client, id) = (session.client(), id.clone());
        async move {
            match client {
                Some(client) => client.server(&id).await,
                None => Err(ApiError::Decode("not signed in".into())),
            }
        }
    });
    view! {
        {move || match (detail.answer(), session.client()) {
            (None, _) => view! { <p class="loading" aria-busy="true">"Loading server…"</p> }.into_any(),
            (Some(Ok(detail)), Some(client)) => view! { <Overview detail client/> }.into_any(),
            (Some(Err(error)), _) => view! { <ErrorNote error retry=Callback::new(move |_| detail.reload())/> }.into_any(),
            (Some(Ok(_)), None) => ().into_any(),
        }}
    }
}

#[component]
fn Overview(detail: ServerDetail, client: PanelClient) -> impl IntoView {
    let server = detail.attributes;
    let meta = detail.meta.unwrap_or_default();
    let permissions = meta.user_permissions.clone();
    let section_context = crate::sections::ServerContext {
        client: client.clone(),
        server: server.identifier.clone(),
        meta,
        limits: server.feature_limits.clone(),
    };
    let control = PowerControl::from_permissions(&permissions);
    let id = server.identifier.clone();

    let stats = RwSignal::new(None::<Stats>);
    let polled_at = RwSignal::new(None::<f64>);
    let now = RwSignal::new(js_sys::Date::now());
    use_polling(Duration::from_secs(5), move || {
        now.try_set(js_sys::Date::now());
    });
    let poll_error = RwSignal::new(None::<ApiError>);
    let cpu = RwSignal::new(History::default());
    let memory = RwSignal::new(History::default());
    let network = RwSignal::new(History::default());
    let last_rx = StoredValue::new(None::<u64>);
    let pending = RwSignal::new(None::<PowerSignal>);

    let live = use_wings(client.clone(), id.clone());
    let poll_client = client.clone();
    let poll_id = id.clone();
    let scope = Scope::new();
    let poll_scope = scope.clone();
    use_polling(POLL, move || {
        // The websocket's per-second stats make polling redundant while it is up.
        if live.link.get_untracked() == Link::Live {
            return;
        }
        let (client, id) = (poll_client.clone(), poll_id.clone());
        poll_scope.spawn(async move {
            match client.resources(&id).await {
                Ok(fresh) => {
                    let r = &fresh.resources;
                    cpu.update(|h| h.push(r.cpu_absolute));
                    memory.update(|h| h.push(r.memory_bytes as f64));
                    let rx = r.network_rx_bytes + r.network_tx_bytes;
                    if let Some(prev) = last_rx.get_value() {
                        network.update(|h| {
                            h.push(rx.saturating_sub(prev) as f64 / POLL.as_secs_f64())
                        });
                    }
                    last_rx.set_value(Some(rx));
                    // The real state settles an optimistic pending signal.
                    if pending.get_untracked().is_some()
                        && settles(pending.get_untracked(), fresh.state())
                    {
                        pending.set(None);
                    }
                    stats.set(Some(fresh));
                    polled_at.set(Some(js_sys::Date::now()));
                    poll_error.set(None);
                }
                Err(error) => poll_error.set(Some(error)),
            }
        });
    });

    let power_error = RwSignal::new(None::<ApiError>);
    let power_client = client.clone();
    let power_id = id.clone();
    let power = Action::new_local(move |signal: &PowerSignal| {
        let (client, id, signal) = (power_client.clone(), power_id.clone(), *signal);
        scope.wrap(async move { client.power(&id, signal).await })
    });
    let on_signal = Callback::new(move |signal: PowerSignal| {
        power_error.set(None);
        pending.set(Some(signal));
        power.dispatch(signal);
    });
    Effect::new(move |_| {
        if let Some(Err(error)) = power.value().get() {
            pending.set(None);
            power_error.set(Some(error));
        }
    });

    // Socket stats feed the charts once a second while the socket is live.
    let last_socket_net = StoredValue::new(None::<u64>);
    Effect::new(move |_| {
        if let Some(w) = live.stats.get() {
            cpu.update(|h| h.push(w.cpu_absolute));
            memory.update(|h| h.push(w.memory_bytes as f64));
            let total = w.network.rx_bytes + w.network.tx_bytes;
            if let Some(prev) = last_socket_net.get_value() {
                network.update(|h| h.push(total.saturating_sub(prev) as f64));
            }
            last_socket_net.set_value(Some(total));
        }
    });
    // The socket's state wins over the (cached, slower) polled one.
    let state = Signal::derive(move || {
        live.state
            .get()
            .or_else(|| stats.with(|s| s.as_ref().map(Stats::state)))
    });
    // The real state settles an optimistic pending signal.
    Effect::new(move |_| {
        if let Some(current) = state.get() {
            if pending.get_untracked().is_some() && settles(pending.get_untracked(), current) {
                pending.set(None);
            }
        }
    });
    let badge = Signal::derive(move || {
        server_status_label(&server.status, server.is_node_under_maintenance).unwrap_or_else(|| {
            state
                .get()
                .map_or("unknown".into(), |s| s.as_str().to_string())
        })
    });
    let res = move || {
        live.stats
            .get()
            .map(|w| w.resources())
            .or_else(|| stats.with(|s| s.as_ref().map(|s| s.resources.clone())))
            .unwrap_or_default()
    };
    let limits = server.limits.clone();
    let mem_limit = limits.memory as f64 * 1024.0 * 1024.0;
    let sftp = server.sftp_details.clone();

    view! {
        <article class="server-page" data-identifier=id.clone()>
            <header class="server-head">
                <h1>{server.name.clone()}</h1>
                <StateBadge state=badge/>
                <span class="uptime">{move || res().uptime.map(|u| format!("up {}", duration_ms(u)))}</span>
            </header>
            <p class="sr-only" aria-live="polite">{move || state.get().map(|s| format!("Server is {s}"))}</p>
            <PowerButtons control=control state pending on_signal/>
            <p class="link-status muted" data-reauths=move || live.reauths.get().to_string()
                data-link=move || live.link.get().as_str() data-problem=move || live.link.get().problem()>
                {move || (live.link.get() == Link::Live).then(|| view! { <span class="live-dot" aria-hidden="true"></span> })}
                {move || live.link.get().describe()}
                {move || {
                    let age = polled_at.get().map(|at| now.get() - at)?;
                    (live.link.get() != Link::Live && age > STALE_AFTER_MS)
                        .then(|| view! { <span class="age" data-age=(age / 1000.0) as u64>{format!(" Numbers from {} s ago.", (age / 1000.0) as u64)}</span> })
                }}
            </p>
            <div aria-live="polite">
                {move || power_error.get().map(|error| view! { <ErrorNote error/> })}
                {move || poll_error.get().map(|error| view! { <ErrorNote error/> })}
            </div>
            <section class="charts">
                <figure>
                    <Meter label="CPU" used=Signal::derive(move || res().cpu_absolute) limit=limits.cpu as f64
                        text=Signal::derive(move || percent(res().cpu_absolute))/>
                    <Sparkline label="CPU over the last minutes" history=cpu/>
                </figure>
                <figure>
                    <Meter label="Memory" used=Signal::derive(move || res().memory_bytes as f64) limit=mem_limit
                        text=Signal::derive(move || bytes(res().memory_bytes))/>
                    <Sparkline label="Memory over the last minutes" history=memory max=mem_limit/>
                </figure>
                <figure>
                    <Meter label="Disk" used=Signal::derive(move || res().disk_bytes as f64) limit=limits.disk as f64 * 1048576.0
                        text=Signal::derive(move || bytes(res().disk_bytes))/>
                    <Sparkline label="Network traffic over the last minutes" history=network/>
                </figure>
            </section>
            <Tabs client=client.clone() server=id.clone() sftp live console=permissions.iter().any(|p| p == "*" || p == "control.console") sections=section_context/>
        </article>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Console,
    Files,
    Startup,
    Sftp,
    Section(crate::sections::Section),
}

/// Files, startup and SFTP details, one at a time (each loads only when opened).
#[component]
fn Tabs(
    client: PanelClient,
    server: String,
    sftp: ptero_api::SftpDetails,
    live: WingsLive,
    console: bool,
    sections: crate::sections::ServerContext,
) -> impl IntoView {
    let tab = RwSignal::new(if console { Tab::Console } else { Tab::Files });
    let on_command = Callback::new(move |command: String| live.send_command(&command));
    let tab_button = move |which: Tab, label: &'static str| {
        view! {
            <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>{label}</button>
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label="Server sections">
            {console.then(|| tab_button(Tab::Console, "Console"))}
            {tab_button(Tab::Files, "Files")}
            {tab_button(Tab::Startup, "Startup")}
            {tab_button(Tab::Sftp, "SFTP & account")}
            {crate::sections::Section::ALL.map(|section| tab_button(Tab::Section(section), section.label())).collect_view()}
        </div>
        <div role="tabpanel">
            {move || {
                let (client, server, sftp) = (client.clone(), server.clone(), sftp.clone());
                match tab.get() {
                    Tab::Console => view! {
                        <Console lines=live.lines on_command enabled=Signal::derive(move || live.link.get() == Link::Live)/>
                    }.into_any(),
                    Tab::Files => view! { <super::files::Files client server/> }.into_any(),
                    Tab::Startup => view! { <super::startup::Startup client server/> }.into_any(),
                    Tab::Sftp => view! { <super::account::AccountAndSftp client sftp server/> }.into_any(),
                    Tab::Section(section) => crate::sections::server_section(section, sections.clone()),
                }
            }}
        </div>
    }
}

/// Whether `state` is where `signal` was heading, so its pending marker can go.
fn settles(signal: Option<PowerSignal>, state: PowerState) -> bool {
    match signal {
        Some(PowerSignal::Start) | Some(PowerSignal::Restart) => {
            matches!(state, PowerState::Starting | PowerState::Running)
        }
        Some(PowerSignal::Stop) => matches!(state, PowerState::Stopping | PowerState::Offline),
        Some(PowerSignal::Kill) => state == PowerState::Offline,
        None => true,
    }
}

fn server_status_label(
    status: &Option<ptero_api::ServerStatus>,
    maintenance: bool,
) -> Option<String> {
    if maintenance {
        return Some("maintenance".into());
    }
    status.as_ref().map(|s| s.as_str().to_string())
}
