//! The server list offline: the last list a panel gave, read-only, under a notice saying
//! how old it is, when the panel was not reached because the browser is offline; and
//! "you are offline" instead of blaming the address when nothing was remembered.

use leptos::prelude::*;

use crate::api::offline::{self, CachedList};
use crate::api::ApiError;
use crate::components::{ago, StateBadge};
use crate::i18n::ui::tf;
use crate::session::PanelInfo;

/// The last list, when the panel was not reached because the browser is offline.
pub(super) fn offline_list(info: &PanelInfo, error: &ApiError) -> Option<CachedList> {
    let unreachable = matches!(
        error,
        ApiError::Unreachable { .. } | ApiError::CorsBlocked { .. }
    );
    (unreachable && offline::browser_offline())
        .then(|| offline::recall(&info.id))
        .flatten()
}

/// Offline with nothing remembered: say so rather than blame the address.
pub(super) fn unreachable_offline(error: ApiError) -> ApiError {
    if offline::browser_offline() && matches!(error, ApiError::Unreachable { .. }) {
        ApiError::Offline
    } else {
        error
    }
}

/// The remembered list, read-only, under a notice saying how old it is.
#[component]
pub(super) fn CachedRows(
    info: PanelInfo,
    cached: CachedList,
    tag: Option<PanelInfo>,
    filter: RwSignal<String>,
) -> impl IntoView {
    let age = ago(js_sys::Date::now() - cached.at_ms);
    let notice = tf("servers.offline", &[&info.name, &age]);
    view! {
        <li class="panel-note offline-note" role="status" data-testid="offline-note" data-age-ms=(js_sys::Date::now() - cached.at_ms) as u64>
            {notice}
        </li>
        {cached.servers.into_iter().map(|server| {
            let name = server.name.to_lowercase();
            let shown = move || name.contains(&filter.get().trim().to_lowercase());
            let state = server.status.clone().unwrap_or_else(|| "unknown".into());
            let tag = tag.clone();
            view! {
                <Show when=shown>
                    <li class="server-row cached" data-identifier=server.identifier.clone()>
                        <div class="row-head">
                            <span class="server-name">{server.name.clone()}</span>
                            <StateBadge state=Signal::derive({ let state = state.clone(); move || state.clone() })/>
                            {tag.as_ref().map(|t| view! { <span class="panel-tag">{t.name.clone()}</span> })}
                            <span class="node">{server.node.clone()}</span>
                        </div>
                    </li>
                </Show>
            }
        }).collect_view()}
    }
}
