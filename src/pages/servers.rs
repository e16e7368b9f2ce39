//! The server list: every server of the panel in use, or of every panel at once, each row
//! tagged with its panel. Each panel loads on its own: one that fails shows its own error
//! where its rows would be, the others stay. Rows on screen are kept fresh by their
//! panel's [`Dashboard`] within that panel's rate limit (paused while the tab is hidden);
//! a row says how old its numbers are once they are over 30 s.
//!
//! Each panel's list is remembered ([`offline`]); when the panel cannot be reached and the
//! browser is offline, the last one is shown with its age, and the list reloads when the
//! connection is back.

use leptos::html::Li;
use leptos::prelude::*;
use ptero_api::{Server, Stats};

use super::offline_list::{offline_list, unreachable_offline, CachedRows};
use crate::api::offline;
use crate::api::{Load, PanelClient, Persistence};
use crate::components::{bytes, percent, Meter, StateBadge};
use crate::components::{ErrorNote, RequireSignIn};
use crate::i18n::ui::{shared, t, tf};
use crate::live::{use_dashboard, Dashboard};
use crate::router::{plain_click, use_router};
use crate::session::{use_session, PanelInfo};

#[component]
pub fn ServersPage() -> impl IntoView {
    view! { <RequireSignIn><ServerList/></RequireSignIn> }
}

/// Which servers the list shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    ThisPanel,
    AllPanels,
}

#[component]
fn ServerList() -> impl IntoView {
    let session = use_session();
    let filter = RwSignal::new(String::new());
    let shown = RwSignal::new(Shown::ThisPanel);
    let many = move || session.panels().len() > 1;
    let choice = move |which: Shown, label: &'static str| {
        view! {
            <button type="button" class="segment" aria-pressed=move || (shown.get() == which).to_string()
                on:click=move |_| shown.set(which)>{label}</button>
        }
    };
    view! {
        <section class="servers" aria-labelledby="servers-title">
            <div class="toolbar">
                <h1 id="servers-title">{t("servers.title")}</h1>
                <Show when=many>
                    <div class="segments" role="group" aria-label=t("servers.of")>
                        {choice(Shown::ThisPanel, t("servers.this_panel"))}
                        {choice(Shown::AllPanels, t("servers.all_panels"))}
                    </div>
                </Show>
                <input type="search" placeholder=t("servers.filter") aria-label=t("servers.filter_label") bind:value=filter/>
            </div>
            {move || {
                let all = shown.get() == Shown::AllPanels && many();
                let active = session.active_id();
                let panels: Vec<_> = session
                    .clients()
                    .into_iter()
                    .filter(|(info, _, _)| all || Some(&info.id) == active.as_ref())
                    .collect();
                let count = panels.len();
                // `server-list` marks the list once a panel has answered (as the one-panel
                // list always did: tests and people wait for it); until then it is busy.
                let answered = RwSignal::new(0usize);
                let ready = move || answered.get() > 0;
                view! {
                    <ul class="server-list" data-testid=move || ready().then_some("server-list")
                        aria-busy=move || (!ready()).then_some("true") data-panels=count>
                        {panels.into_iter().map(|(info, client, persistence)| view! {
                            <PanelRows info client persistence filter tagged=all answered/>
                        }).collect_view()}
                    </ul>
                }
            }}
        </section>
    }
}

/// One panel's part of the list: its rows, or why there are none.
#[component]
fn PanelRows(
    info: PanelInfo,
    client: PanelClient,
    persistence: Persistence,
    filter: RwSignal<String>,
    tagged: bool,
    /// Counts the panels that answered (this one once).
    answered: RwSignal<usize>,
) -> impl IntoView {
    let load_client = client.clone();
    let servers = Load::new(move || {
        let client = load_client.clone();
        async move { client.servers().await }
    });
    Effect::new(move |counted: Option<bool>| {
        if counted == Some(true) {
            return true;
        }
        let now = servers.answer().is_some();
        if now {
            answered.update(|n| *n += 1);
        }
        now
    });
    let id = info.id.clone();
    Effect::new(move |_| {
        if let Some(Ok(list)) = servers.answer() {
            offline::remember(&id, persistence, &list);
        }
    });
    // Back online: ask again.
    let online = window_event_listener(leptos::ev::online, move |_| servers.reload());
    on_cleanup(move || online.remove());
    let tag = tagged.then(|| info.clone());
    move || {
        let (info, tag, client) = (info.clone(), tag.clone(), client.clone());
        match servers.answer() {
            None => view! {
                <li class="panel-note loading" aria-busy="true">{tf("servers.loading", &[&info.name])}</li>
            }.into_any(),
            Some(Err(error)) => match offline_list(&info, &error) {
                Some(cached) => view! { <CachedRows info cached tag filter/> }.into_any(),
                None => view! {
                    <li class="panel-note panel-error" data-panel=info.id.clone()>
                        {tag.as_ref().map(|t| view! { <p class="panel-name">{t.name.clone()}</p> })}
                        <ErrorNote error=unreachable_offline(error) retry=Callback::new(move |_| servers.reload())/>
                    </li>
                }.into_any(),
            },
            Some(Ok(list)) if list.is_empty() => view! {
                <li class="panel-note empty">
                    {tf("servers.none", &[&info.name])}
                </li>
            }.into_any(),
            Some(Ok(list)) => view! { <Rows list client filter tag/> }.into_any(),
        }
    }
}

#[component]
fn Rows(
    list: Vec<Server>,
    client: PanelClient,
    filter: RwSignal<String>,
    tag: Option<PanelInfo>,
) -> impl IntoView {
    let order = list
        .iter()
        .map(|server| {
            let refreshable = !server.is_blocked();
            (server.identifier.clone(), server.name.clone(), refreshable)
        })
        .collect();
    let dashboard = use_dashboard(client, order);
    list.into_iter()
        .map(|server| {
            let name = server.name.to_lowercase();
            let shown = move || name.contains(&filter.get().trim().to_lowercase());
            let tag = tag.clone();
            view! { <Show when=shown><ServerRow server=server.clone() dashboard tag=tag.clone()/></Show> }
        })
        .collect_view()
}

/// The link to a server's page; from the list of every panel it also switches to the
/// server's panel (and says which in the address, for a new tab).
#[component]
fn ServerLink(id: String, name: String, panel: Option<String>) -> impl IntoView {
    let (session, router) = (use_session(), use_router());
    let href = match &panel {
        Some(panel) => format!("/server/{id}?panel={panel}"),
        None => format!("/server/{id}"),
    };
    let target = href.clone();
    view! {
        <a href=href class="server-name" on:click=move |ev| {
            if plain_click(&ev) {
                ev.prevent_default();
                if let Some(panel) = &panel {
                    session.switch(panel);
                }
                router.navigate(&target);
            }
        }>{name}</a>
    }
}

#[component]
fn ServerRow(server: Server, dashboard: Dashboard, tag: Option<PanelInfo>) -> impl IntoView {
    let Some(live) = dashboard.row(&server.identifier) else {
        return ().into_any();
    };
    let stats = live.stats;
    let element = NodeRef::<Li>::new();
    Effect::new(move |_| {
        if let Some(li) = element.get() {
            dashboard.observe(&li);
        }
    });
    on_cleanup(move || {
        if let Some(li) = element.get_untracked() {
            dashboard.unobserve(&li);
        }
    });
    let age = move || dashboard.age_secs(live);
    let status_badge = if server.is_node_under_maintenance {
        Some("maintenance".to_string())
    } else {
        server.status.as_ref().map(|s| s.as_str().to_string())
    };
    let state = Signal::derive(move || {
        status_badge.clone().unwrap_or_else(|| {
            stats.with(|s: &Option<Stats>| {
                s.as_ref()
                    .map_or("unknown".into(), |s| s.state().as_str().into())
            })
        })
    });
    let limits = server.limits.clone();
    let mem_limit = limits.memory as f64 * 1024.0 * 1024.0;
    let disk_limit = limits.disk as f64 * 1024.0 * 1024.0;
    let cpu_limit = limits.cpu as f64;
    let res = move || stats.with(|s| s.as_ref().map(|s| s.resources.clone()).unwrap_or_default());
    let panel = tag.as_ref().map(|t| t.id.clone());
    view! {
        <li class="server-row" data-identifier=server.identifier.clone() data-panel=panel.clone() node_ref=element>
            <div class="row-head">
                <ServerLink id=server.identifier.clone() name=server.name.clone() panel=panel.clone()/>
                <StateBadge state/>
                {tag.map(|t| view! { <span class="panel-tag">{t.name}</span> })}
                <span class="node">{server.node.clone()}</span>
                {move || age().map(|secs| view! { <span class="age muted" data-age=secs>{tf("servers.updated", &[&crate::components::seconds(secs)])}</span> })}
            </div>
            <div class="row-meters">
                <Meter label=shared().get("meter.cpu") used=Signal::derive(move || res().cpu_absolute) limit=cpu_limit
                    text=Signal::derive(move || percent(res().cpu_absolute))/>
                <Meter label=shared().get("meter.memory") used=Signal::derive(move || res().memory_bytes as f64) limit=mem_limit
                    text=Signal::derive(move || bytes(res().memory_bytes))/>
                <Meter label=shared().get("meter.disk") used=Signal::derive(move || res().disk_bytes as f64) limit=disk_limit
                    text=Signal::derive(move || bytes(res().disk_bytes))/>
            </div>
        </li>
    }.into_any()
}
