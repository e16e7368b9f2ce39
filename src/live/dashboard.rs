//! The server list's refresh loop: only rows on screen (an `IntersectionObserver`) are
//! refreshed, one request at a time, as the [`Budget`] allows; a 429 pauses
//! the loop for its `Retry-After`; a hidden tab refreshes nothing. The observer, the
//! clock and the loop are all released when the list's owner is disposed.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use ptero_api::{PanelError, Stats};
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry};

use super::budget::Budget;
use super::{sleep, use_page_visible, use_polling};
use crate::api::{ApiError, PanelClient, Scope};
use crate::notices::Watcher;
use ptero_api::alerts::Observation;

/// Numbers older than this show their age.
pub const STALE_AFTER_MS: f64 = 30_000.0;

/// One row's live numbers and when they were fetched (ms since the epoch).
#[derive(Clone, Copy)]
pub struct RowLive {
    pub stats: RwSignal<Option<Stats>>,
    pub updated: RwSignal<Option<f64>>,
}

/// The list's controller, shared with its rows.
#[derive(Clone, Copy)]
pub struct Dashboard {
    rows: StoredValue<HashMap<String, RowLive>>,
    /// Rows on screen, by their place in the list.
    visible: RwSignal<BTreeMap<usize, String>>,
    observer: StoredValue<Option<SendWrapper<IntersectionObserver>>>,
    /// A clock for the rows' "N s ago", ticking every 5 s.
    pub now: RwSignal<f64>,
}

impl Dashboard {
    /// The row of `id`, to render.
    pub fn row(&self, id: &str) -> Option<RowLive> {
        self.rows.with_value(|rows| rows.get(id).copied())
    }

    /// Starts watching a row's element (the row calls this once it is mounted).
    pub fn observe(&self, element: &Element) {
        self.observer.with_value(|observer| {
            if let Some(observer) = observer {
                observer.observe(element);
            }
        });
    }

    pub fn unobserve(&self, element: &Element) {
        self.observer.with_value(|observer| {
            if let Some(observer) = observer {
                observer.unobserve(element);
            }
        });
    }

    /// How old a row's numbers are, when over [`STALE_AFTER_MS`].
    pub fn age_secs(&self, row: RowLive) -> Option<u64> {
        let updated = row.updated.get()?;
        let age = self.now.get() - updated;
        (age > STALE_AFTER_MS).then(|| (age / 1000.0) as u64)
    }
}

/// Sets up the controller of a list of `servers` (identifier, name, refreshable) in
/// order. What the refreshes show goes to the alerts too ([`Watcher`]).
pub fn use_dashboard(client: PanelClient, servers: Vec<(String, String, bool)>) -> Dashboard {
    let watcher = Watcher::new();
    let names: Vec<(String, String)> = servers
        .iter()
        .map(|(id, name, _)| (id.clone(), name.clone()))
        .collect();
    let servers: Vec<(String, bool)> = servers
        .into_iter()
        .map(|(id, _, refreshable)| (id, refreshable))
        .collect();
    let rows: HashMap<String, RowLive> = servers
        .iter()
        .map(|(id, _)| {
            let row = RowLive {
                stats: RwSignal::new(None),
                updated: RwSignal::new(None),
            };
            (id.clone(), row)
        })
        .collect();
    let places: HashMap<String, usize> = servers
        .iter()
        .enumerate()
        .map(|(place, (id, _))| (id.clone(), place))
        .collect();
    let dashboard = Dashboard {
        rows: StoredValue::new(rows),
        visible: RwSignal::new(BTreeMap::new()),
        observer: StoredValue::new(None),
        now: RwSignal::new(js_sys::Date::now()),
    };
    use_polling(Duration::from_secs(5), move || {
        dashboard.now.try_set(js_sys::Date::now());
    });

    let on_change = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
        for entry in entries.iter() {
            let Ok(entry) = entry.dyn_into::<IntersectionObserverEntry>() else {
                continue;
            };
            let Some(id) = entry.target().get_attribute("data-identifier") else {
                continue;
            };
            let Some(place) = places.get(&id).copied() else {
                continue;
            };
            dashboard.visible.update(|visible| {
                if entry.is_intersecting() {
                    visible.insert(place, id);
                } else {
                    visible.remove(&place);
                }
            });
        }
    });
    if let Ok(observer) = IntersectionObserver::new(on_change.as_ref().unchecked_ref()) {
        dashboard
            .observer
            .set_value(Some(SendWrapper::new(observer)));
    }
    let refreshable: Vec<String> = servers
        .into_iter()
        .filter_map(|(id, refreshable)| refreshable.then_some(id))
        .collect();
    let disposed = Rc::new(Cell::new(false));
    let flag = SendWrapper::new(disposed.clone());
    let callback = SendWrapper::new(RefCell::new(Some(on_change)));
    on_cleanup(move || {
        flag.set(true);
        dashboard.observer.update_value(|observer| {
            if let Some(observer) = observer.take() {
                observer.disconnect();
            }
        });
        drop(callback.borrow_mut().take());
    });
    let page_visible = use_page_visible();
    // The scope aborts a refresh in flight when the list goes away (the flag alone
    // would only stop the next one).
    let alerts = watcher.map(|watcher| (watcher, names));
    Scope::new().spawn(refresh(
        client,
        dashboard,
        refreshable,
        page_visible,
        disposed,
        alerts,
    ));
    dashboard
}

/// Refreshes the most overdue visible row, waits the budget's spacing, and again.
async fn refresh(
    client: PanelClient,
    dashboard: Dashboard,
    refreshable: Vec<String>,
    page_visible: ReadSignal<bool>,
    disposed: Rc<Cell<bool>>,
    alerts: Option<(Watcher, Vec<(String, String)>)>,
) {
    let mut budget = Budget::new(client.preflights());
    while !disposed.get() {
        let visible: Vec<String> = dashboard
            .visible
            .try_with_untracked(|visible| visible.values().cloned().collect())
            .unwrap_or_default();
        let visible: Vec<String> = visible
            .into_iter()
            .filter(|id| refreshable.contains(id))
            .collect();
        if visible.is_empty() || !page_visible.try_get_untracked().unwrap_or(false) {
            sleep(Duration::from_millis(500)).await;
            continue;
        }
        let now = js_sys::Date::now();
        let period = budget.row_period(visible.len()).as_secs_f64() * 1000.0;
        // Rows never fetched first, top first; then the most overdue.
        let due = visible
            .iter()
            .enumerate()
            .filter_map(|(place, id)| Some((place, id, dashboard.row(id)?)))
            .map(|(place, id, row)| {
                let updated = row.updated.try_get_untracked().flatten();
                (place, id, updated.map_or(f64::INFINITY, |at| now - at))
            })
            .filter(|(_, _, age)| *age >= period)
            .max_by(|a, b| a.2.total_cmp(&b.2).then(b.0.cmp(&a.0)));
        let Some((_, id, _)) = due else {
            sleep(Duration::from_millis(500)).await;
            continue;
        };
        if let Err(wait) = budget.take(now) {
            sleep(wait).await;
            continue;
        }
        let Some(row) = dashboard.row(id) else {
            continue;
        };
        match client.resources_and_limit(id).await {
            Ok((stats, limit, remaining)) => {
                budget.observe(limit, remaining);
                if let Some((watcher, names)) = &alerts {
                    let name = names
                        .iter()
                        .find(|(known, _)| known == id)
                        .map_or(id.as_str(), |(_, name)| name.as_str());
                    watcher.observe(id, name, Observation::State(stats.state()));
                }
                row.stats.try_set(Some(stats));
                row.updated.try_set(Some(js_sys::Date::now()));
            }
            Err(ApiError::Panel(PanelError::RateLimited { retry_after })) => {
                sleep(Budget::pause(retry_after)).await;
                continue;
            }
            // The row keeps its last numbers (and shows their age); the next round tries
            // again, within the budget.
            Err(_) => {}
        }
    }
}
