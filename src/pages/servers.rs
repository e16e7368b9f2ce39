//! The server list: every server of the account, filterable. Rows on screen are kept
//! fresh by the list's [`Dashboard`] within the panel's rate limit (paused while the tab
//! is hidden); a row says how old its numbers are once they are over 30 s.

use leptos::html::Li;
use leptos::prelude::*;
use ptero_api::{Server, Stats};

use crate::api::{Load, PanelClient};
use crate::components::{bytes, percent, Meter, StateBadge};
use crate::components::{ErrorNote, RequireSignIn};
use crate::live::{use_dashboard, Dashboard};
use crate::router::Link;
use crate::session::use_session;

#[component]
pub fn ServersPage() -> impl IntoView {
    view! { <RequireSignIn><ServerList/></RequireSignIn> }
}

#[component]
fn ServerList() -> impl IntoView {
    let session = use_session();
    let servers = Load::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) => client.servers().await,
                None => Ok(Vec::new()),
            }
        }
    });
    let filter = RwSignal::new(String::new());
    view! {
        <section class="servers" aria-labelledby="servers-title">
            <div class="toolbar">
                <h1 id="servers-title">"Your servers"</h1>
                <input type="search" placeholder="Filter by name" aria-label="Filter servers by name" bind:value=filter/>
            </div>
            {move || match servers.answer() {
                None => view! { <p class="loading" aria-busy="true">"Loading servers…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| servers.reload())/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty">"This key sees no servers. Subuser access and type filters decide what a key can see."</p>
                }.into_any(),
                Some(Ok(list)) => match session.client() {
                    Some(client) => view! { <Rows list client filter/> }.into_any(),
                    None => ().into_any(),
                },
            }}
        </section>
    }
}

#[component]
fn Rows(list: Vec<Server>, client: PanelClient, filter: RwSignal<String>) -> impl IntoView {
    let order = list
        .iter()
        .map(|server| {
            let refreshable = !server.is_blocked();
            (server.identifier.clone(), server.name.clone(), refreshable)
        })
        .collect();
    let dashboard = use_dashboard(client, order);
    view! {
        <ul class="server-list" data-testid="server-list">
            {list.into_iter().map(|server| {
                let name = server.name.to_lowercase();
                let shown = move || name.contains(&filter.get().trim().to_lowercase());
                view! { <Show when=shown><ServerRow server=server.clone() dashboard/></Show> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn ServerRow(server: Server, dashboard: Dashboard) -> impl IntoView {
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
    view! {
        <li class="server-row" data-identifier=server.identifier.clone() node_ref=element>
            <div class="row-head">
                <Link href=format!("/server/{}", server.identifier)>{server.name.clone()}</Link>
                <StateBadge state/>
                <span class="node">{server.node.clone()}</span>
                {move || age().map(|secs| view! { <span class="age muted" data-age=secs>{format!("updated {secs} s ago")}</span> })}
            </div>
            <div class="row-meters">
                <Meter label="CPU" used=Signal::derive(move || res().cpu_absolute) limit=cpu_limit
                    text=Signal::derive(move || percent(res().cpu_absolute))/>
                <Meter label="Memory" used=Signal::derive(move || res().memory_bytes as f64) limit=mem_limit
                    text=Signal::derive(move || bytes(res().memory_bytes))/>
                <Meter label="Disk" used=Signal::derive(move || res().disk_bytes as f64) limit=disk_limit
                    text=Signal::derive(move || bytes(res().disk_bytes))/>
            </div>
        </li>
    }.into_any()
}
