//! Alerts in the app: the same detector the origin runs (`ptero_api::alerts::Detector`),
//! fed by what the app already watches — the server list's refreshes and a server page's
//! Wings socket — so a person with a tab open hears of a crash, an unexpected stop, a
//! recovery or sustained high use without any origin. Each source keeps its own
//! detectors in a [`Watcher`] that goes with its owner (a list's cached polls and a live
//! socket never mix in one detector); the page-wide [`Notices`] shows what they find as
//! in-page notices and, once the person allows it, browser notifications.

mod browser;
mod view;
mod watcher;

use leptos::prelude::*;
use ptero_api::alerts::{Alert, AlertKind};
use ptero_api::PowerSignal;

pub use browser::Permission;
pub use view::{NoticeArea, NotifySwitch};
pub use watcher::{watch_wings, Watcher};

/// The same alert from two sources within this long is told once.
const REPEAT_WINDOW_MS: u64 = 120_000;
/// Notices kept on screen; older ones go.
const KEPT: usize = 5;

/// One notice on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub id: u64,
    pub kind: AlertKind,
    pub server: String,
    pub name: String,
    pub at_ms: u64,
}

impl Notice {
    /// "Survival crashed", in the app's language.
    pub fn title(&self) -> String {
        use crate::i18n::ui::tf;
        let name = [self.name.as_str()];
        match self.kind {
            AlertKind::Crash => tf("notice.crash", &name),
            AlertKind::UnexpectedStop => tf("notice.unexpected_stop", &name),
            AlertKind::Recovered => tf("notice.recovered", &name),
            AlertKind::HighCpu => tf("notice.high_cpu", &name),
            AlertKind::HighMemory => tf("notice.high_memory", &name),
            AlertKind::HighDisk => tf("notice.high_disk", &name),
            AlertKind::NodeUnreachable => tf("notice.node_unreachable", &name),
            AlertKind::Online => tf("notice.online", &name),
        }
    }
}

/// The page's notices, power signals and notification permission (a context).
#[derive(Clone, Copy)]
pub struct Notices {
    list: RwSignal<Vec<Notice>>,
    /// The last power signal sent from this page per server, and when (unix ms). (Small
    /// vectors, searched: a map per value type would cost the bundle more than it saves.)
    power: StoredValue<Vec<(String, PowerSignal, u64)>>,
    /// What was told within [`REPEAT_WINDOW_MS`]: server, kind, when.
    told: StoredValue<Vec<(String, AlertKind, u64)>>,
    next_id: StoredValue<u64>,
    pub permission: RwSignal<Permission>,
}

impl Notices {
    /// Provides the page's notices (the app's root calls this once).
    pub fn provide() -> Self {
        let notices = Self {
            list: RwSignal::new(Vec::new()),
            power: StoredValue::new(Vec::new()),
            told: StoredValue::new(Vec::new()),
            next_id: StoredValue::new(1),
            permission: RwSignal::new(browser::permission()),
        };
        provide_context(notices);
        notices
    }

    pub fn list(&self) -> Vec<Notice> {
        self.list.get()
    }

    pub fn dismiss(&self, id: u64) {
        self.list
            .update(|list| list.retain(|notice| notice.id != id));
    }

    /// A power signal this page sent (so the stop that follows is no crash).
    pub fn power_sent(&self, server: &str, signal: PowerSignal) {
        let now = js_sys::Date::now() as u64;
        self.power.update_value(|power| {
            power.retain(|(known, ..)| known != server);
            power.push((server.to_owned(), signal, now));
        });
    }

    fn last_power(&self, server: &str) -> Option<(PowerSignal, u64)> {
        self.power.with_value(|power| {
            power
                .iter()
                .find(|(known, ..)| known == server)
                .map(|(_, signal, at)| (*signal, *at))
        })
    }

    /// Asks the browser for notifications (from a click: browsers ignore it otherwise).
    pub fn ask_permission(&self) {
        let permission = self.permission;
        browser::ask(move |answer| {
            permission.try_set(answer);
        });
    }

    /// Shows `alert` about `name`, unless told already within [`REPEAT_WINDOW_MS`].
    fn raise(&self, alert: Alert, name: &str) {
        let fresh = self.told.try_update_value(|told| {
            told.retain(|(.., at)| alert.at_ms.saturating_sub(*at) < REPEAT_WINDOW_MS);
            let repeat = told
                .iter()
                .any(|(server, kind, _)| *server == alert.server && *kind == alert.kind);
            if !repeat {
                told.push((alert.server.clone(), alert.kind, alert.at_ms));
            }
            !repeat
        });
        if fresh != Some(true) {
            return;
        }
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let notice = Notice {
            id,
            kind: alert.kind,
            server: alert.server,
            name: name.to_owned(),
            at_ms: alert.at_ms,
        };
        if self.permission.get_untracked() == Permission::Granted {
            browser::notify(&notice);
        }
        self.list.update(|list| {
            list.push(notice);
            let over = list.len().saturating_sub(KEPT);
            list.drain(..over);
        });
    }
}

/// The page's notices, where the app provides them (the card does not).
pub fn use_notices() -> Option<Notices> {
    use_context::<Notices>()
}
