//! The server page's frame: name and state, power, the socket's status, the at-a-glance
//! panel and the charts, and the tabs. Resources are polled while the Wings socket is
//! down; its per-second stats take over when it is live.

use crate::i18n::ui::{t, tf};
use std::time::Duration;

use leptos::prelude::*;
use ptero_api::{PowerSignal, PowerState, ServerDetail, Stats};

use super::permissions::Permissions;
use super::series::use_series;
use crate::api::{ApiError, PanelClient, Scope};
use crate::components::{ErrorNote, PowerButtons, PowerControl, StateBadge};
use crate::live::{use_polling, use_wings, Link, STALE_AFTER_MS};
use crate::notices::{use_notices, watch_wings};
use crate::router::Link as RouteLink;

/// While the socket is down the page polls `/resources`: never faster than the panel
/// caches it (20 s), so many tabs of one server stay inside the user's rate limit.
const POLL: Duration = Duration::from_secs(20);

#[component]
pub fn Overview(detail: ServerDetail, client: PanelClient) -> impl IntoView {
    let server = detail.attributes;
    let permissions = Permissions::new(detail.meta.map(|m| m.user_permissions).unwrap_or_default());
    let control = PowerControl::from_permissions(permissions.list());
    let id = server.identifier.clone();

    let stats = RwSignal::new(None::<Stats>);
    let polled_at = RwSignal::new(None::<f64>);
    let now = RwSignal::new(js_sys::Date::now());
    use_polling(Duration::from_secs(5), move || {
        now.try_set(js_sys::Date::now());
    });
    let poll_error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(None::<PowerSignal>);
    let live = use_wings(client.clone(), id.clone());
    watch_wings(live, id.clone(), server.name.clone(), server.limits.clone());
    let notices = use_notices();
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
                        polled_at.set(Some(js_sys::Date::now()));
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
    let signal_id = id.clone();
    let on_signal = Callback::new(move |signal: PowerSignal| {
        if let Some(notices) = notices {
            notices.power_sent(&signal_id, signal);
        }
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
    let series = use_series(
        reading,
        Signal::derive(move || live.stats.with(Option::is_some)),
    );
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
            <nav class="back" aria-label=t("page.breadcrumb")><RouteLink href="/">{t("page.back")}</RouteLink></nav>
            <header class="server-head">
                <h1>{server.name.clone()}</h1>
                <StateBadge state=badge/>
                <span class="uptime">{move || resources.get().uptime.filter(|u| *u > 0).map(|u| tf("page.uptime", &[&super::format::duration_ms(u)]))}</span>
            </header>
            <p class="sr-only" aria-live="polite">{move || state.get().map(|s| tf("page.server_is", &[s.as_str()]))}</p>
            <PowerButtons control=control state pending on_signal/>
            <p class="link-status muted" data-reauths=move || live.reauths.get().to_string()
                data-link=move || live.link.get().as_str() data-problem=move || live.link.get().problem()>
                {move || (live.link.get() == Link::Live).then(|| view! { <span class="live-dot" aria-hidden="true"></span> })}
                {move || live.link.get().describe()}
                {move || {
                    let age = polled_at.get().map(|at| now.get() - at)?;
                    (live.link.get() != Link::Live && age > STALE_AFTER_MS)
                        .then(|| view! { <span class="age" data-age=(age / 1000.0) as u64>{[" ".to_owned(), tf("page.numbers_age", &[&super::format::count((age / 1000.0) as u64)])].concat()}</span> })
                }}
            </p>
            <div aria-live="polite">
                {move || power_error.get().map(|error| view! { <ErrorNote error/> })}
                {move || poll_error.get().map(|error| view! { <ErrorNote error/> })}
            </div>
            <div class="dashboard">
                <super::glance::Glance server=server.clone() resources series/>
                <super::charts::Charts series limits=server.limits.clone() memory_limit/>
            </div>
            <super::tabs::Tabs client=client.clone() server=server.clone() live permissions/>
        </article>
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
