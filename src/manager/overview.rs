//! The server page's frame: name and state, power, the socket's status, the at-a-glance
//! panel and the charts, and the tabs. Resources are polled while the Wings socket is
//! down; its per-second stats take over when it is live.

use std::time::Duration;

use leptos::prelude::*;
use ptero_api::{PowerSignal, PowerState, ServerDetail, Stats};

use super::permissions::Permissions;
use super::sections::{server_section, Section, ServerContext};
use super::series::use_series;
use crate::api::{ApiError, PanelClient, Scope};
use crate::components::{ErrorNote, PowerButtons, PowerControl, StateBadge, Terminal};
use crate::live::{use_polling, use_wings, Link, WingsLive};
use crate::router::Link as RouteLink;

/// While the socket is down the page polls `/resources`: never faster than the panel
/// caches it (20 s), so many tabs of one server stay inside the user's rate limit.
const POLL: Duration = Duration::from_secs(20);

#[component]
pub fn Overview(detail: ServerDetail, client: PanelClient) -> impl IntoView {
    let server = detail.attributes;
    let meta = detail.meta.unwrap_or_default();
    let permissions = Permissions::new(meta.user_permissions.clone());
    let sections = ServerContext {
        client: client.clone(),
        server: server.identifier.clone(),
        meta,
        limits: server.feature_limits.clone(),
    };
    let control = PowerControl::from_permissions(permissions.list());
    let id = server.identifier.clone();

    let stats = RwSignal::new(None::<Stats>);
    let poll_error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(None::<PowerSignal>);
    let live = use_wings(client.clone(), id.clone());
    let scope = Scope::new();
    {
        let (client, id, scope) = (client.clone(), id.clone(), scope.clone());
        use_polling(POLL, move || {
            // The websocket's per-second stats make polling redundant while it is up.
            if live.link.get_untracked() == Link::Live {
                return;
            }
            let (client, id) = (client.clone(), id.clone());
            scope.spawn(async move {
                match client.resources(&id).await {
                    Ok(fresh) => {
                        stats.set(Some(fresh));
                        poll_error.set(None);
                    }
                    Err(error) => poll_error.set(Some(error)),
                }
            });
        });
    }

    let power_error = RwSignal::new(None::<ApiError>);
    let power = {
        let (client, id) = (client.clone(), id.clone());
        Action::new_local(move |signal: &PowerSignal| {
            let (client, id, signal) = (client.clone(), id.clone(), *signal);
            scope.wrap(async move { client.power(&id, signal).await })
        })
    };
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
    let badge = {
        let (status, maintenance) = (server.status.clone(), server.is_node_under_maintenance);
        Signal::derive(move || {
            server_status_label(&status, maintenance).unwrap_or_else(|| {
                state
                    .get()
                    .map_or("unknown".into(), |s| s.as_str().to_string())
            })
        })
    };
    // What the charts and the glance read: the socket's numbers, else the poll's.
    let reading = Signal::derive(move || {
        live.stats
            .get()
            .map(|w| w.resources())
            .or_else(|| stats.with(|s| s.as_ref().map(|s| s.resources.clone())))
    });
    let series = use_series(reading);
    let resources = Signal::derive(move || reading.get().unwrap_or_default());
    let memory_limit = Signal::derive(move || {
        live.stats
            .get()
            .map(|w| w.memory_limit_bytes as f64)
            .filter(|limit| *limit > 0.0)
            .unwrap_or(0.0)
    });

    view! {
        <article class="server-page" data-identifier=id.clone()>
            <nav class="back" aria-label="Breadcrumb"><RouteLink href="/">"← Servers"</RouteLink></nav>
            <header class="server-head">
                <h1>{server.name.clone()}</h1>
                <StateBadge state=badge/>
                <span class="uptime">{move || resources.get().uptime.filter(|u| *u > 0).map(|u| format!("up {}", crate::components::duration_ms(u)))}</span>
            </header>
            <p class="sr-only" aria-live="polite">{move || state.get().map(|s| format!("Server is {s}"))}</p>
            <PowerButtons control=control state pending on_signal/>
            <p class="link-status muted" data-reauths=move || live.reauths.get().to_string()
                data-link=move || live.link.get().as_str() data-problem=move || live.link.get().problem()>
                {move || live.link.get().describe()}
            </p>
            <div aria-live="polite">
                {move || power_error.get().map(|error| view! { <ErrorNote error/> })}
                {move || poll_error.get().map(|error| view! { <ErrorNote error/> })}
            </div>
            <div class="dashboard">
                <super::glance::Glance server=server.clone() resources series/>
                <super::charts::Charts series limits=server.limits.clone() memory_limit/>
            </div>
            <Tabs client=client.clone() server=server.clone() live permissions sections/>
        </article>
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tab {
    Console,
    Files,
    Backups,
    Startup,
    Settings,
    Section(Section),
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Console => "Console",
            Tab::Files => "Files",
            Tab::Backups => "Backups",
            Tab::Startup => "Startup",
            Tab::Settings => "Settings",
            Tab::Section(section) => section.label(),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Tab::Console => "console",
            Tab::Files => "files",
            Tab::Backups => "backups",
            Tab::Startup => "startup",
            Tab::Settings => "settings",
            Tab::Section(section) => section.key(),
        }
    }
}

/// The sections the viewer's permissions open, one at a time (each loads when opened).
#[component]
fn Tabs(
    client: PanelClient,
    server: ptero_api::Server,
    live: WingsLive,
    permissions: Permissions,
    sections: ServerContext,
) -> impl IntoView {
    let tabs: Vec<Tab> = [
        (Tab::Console, permissions.can("control.console")),
        (Tab::Files, permissions.can("file.read")),
        (Tab::Backups, permissions.can("backup.read")),
        (Tab::Startup, permissions.can("startup.read")),
        (Tab::Settings, true),
    ]
    .into_iter()
    .chain(
        Section::ALL
            .into_iter()
            .map(|section| (Tab::Section(section), permissions.can(section.permission()))),
    )
    .filter_map(|(tab, shown)| shown.then_some(tab))
    .collect();
    let tab = RwSignal::new(tabs.first().copied().unwrap_or(Tab::Settings));
    let on_command = Callback::new(move |command: String| live.send_command(&command));
    let buttons = tabs
        .iter()
        .map(|&which| {
            view! {
                <button type="button" role="tab" class="tab" id=format!("tab-{}", which.key())
                    aria-controls="tab-panel" data-tab=which.key()
                    aria-selected=move || (tab.get() == which).to_string()
                    on:click=move |_| {
                        if tab.get_untracked() != which && super::unsaved::may_leave() {
                            tab.set(which);
                        }
                    }>{which.label()}</button>
            }
        })
        .collect_view();
    view! {
        <div class="tabs" role="tablist" aria-label="Server sections">{buttons}</div>
        <div role="tabpanel" id="tab-panel" class="tab-panel" aria-labelledby=move || format!("tab-{}", tab.get().key())>
            {move || {
                let (client, server, permissions) = (client.clone(), server.clone(), permissions.clone());
                let id = server.identifier.clone();
                match tab.get() {
                    Tab::Console => view! {
                        <Terminal lines=live.lines total=live.total on_command
                            enabled=Signal::derive(move || live.link.get() == Link::Live)/>
                    }.into_any(),
                    Tab::Files => view! { <super::files::FileManager client server=id permissions/> }.into_any(),
                    Tab::Backups => view! { <super::backups::BackupsTab client server live permissions/> }.into_any(),
                    Tab::Startup => view! { <super::startup::Startup client server=id/> }.into_any(),
                    Tab::Settings => view! { <super::settings::SettingsTab client server live permissions/> }.into_any(),
                    Tab::Section(section) => server_section(section, sections.clone()),
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
