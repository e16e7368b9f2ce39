//! The server list: every server of the account, filterable, each row polling its own
//! resources (paused while the tab is hidden).

use std::time::Duration;

use leptos::prelude::*;
use ptero_api::{Server, Stats};

use crate::api::{Load, PanelClient, Scope};
use crate::components::{bytes, percent, Meter, StateBadge};
use crate::components::{ErrorNote, RequireSignIn};
use crate::live::use_polling;
use crate::router::Link;
use crate::session::use_session;

/// The panel caches `/resources` for ~20 s; polling faster only spends rate limit.
const ROW_POLL: Duration = Duration::from_secs(20);

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
                Some(Ok(list)) => {
                    let client = session.client();
                    view! {
                        <ul class="server-list" data-testid="server-list">
                            {list.into_iter().map(|server| {
                                let client = client.clone();
                                let name = server.name.to_lowercase();
                                let shown = move || name.contains(&filter.get().trim().to_lowercase());
                                view! { <Show when=shown><ServerRow server=server.clone() client=client.clone()/></Show> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn ServerRow(server: Server, client: Option<PanelClient>) -> impl IntoView {
    let stats = RwSignal::new(None::<Stats>);
    let blocked = server.is_blocked();
    if let (Some(client), false) = (client, blocked) {
        let id = server.identifier.clone();
        let scope = Scope::new();
        use_polling(ROW_POLL, move || {
            let (client, id) = (client.clone(), id.clone());
            scope.spawn(async move {
                if let Ok(fresh) = client.resources(&id).await {
                    stats.set(Some(fresh));
                }
            });
        });
    }
    let status_badge = if server.is_node_under_maintenance {
        Some("maintenance".to_string())
    } else {
        server.status.as_ref().map(|s| s.as_str().to_string())
    };
    let state = Signal::derive(move || {
        status_badge.clone().unwrap_or_else(|| {
            stats.with(|s| {
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
        <li class="server-row" data-identifier=server.identifier.clone()>
            <div class="row-head">
                <Link href=format!("/server/{}", server.identifier)>{server.name.clone()}</Link>
                <StateBadge state/>
                <span class="node">{server.node.clone()}</span>
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
    }
}
