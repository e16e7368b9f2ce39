//! The management screens: a server's schedules, databases, users, network and
//! activity, and the account's keys, credentials and activity. Each screen is a view over
//! a controller of its own (its list's [`Load`](crate::api::Load) and its [`Actions`]);
//! every request goes through `api::PanelClient`. What the account may not do is not
//! offered; what the panel refuses anyway is shown beside the item it concerns.

mod account;
mod activity;
mod activity_words;
mod databases;
pub mod kit;
mod network;
mod permission_words;
mod schedules;
mod users;

use crate::i18n::ui::t;
use leptos::prelude::*;
use ptero_api::FeatureLimits;

use super::permissions::Permissions;
use crate::api::PanelClient;

pub use account::AccountPage;
pub use kit::{Actions, Target};

/// What a server's screens know of it and of the account's rights on it.
#[derive(Clone)]
pub struct ServerContext {
    pub client: PanelClient,
    /// The server's identifier.
    pub server: String,
    /// What the account may do on it (`meta.user_permissions`).
    pub permissions: Permissions,
    pub limits: FeatureLimits,
}

impl ServerContext {
    pub fn can(&self, permission: &str) -> bool {
        self.permissions.can(permission)
    }
}

/// A server's management screens, in the order the server page shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Schedules,
    Databases,
    Users,
    Network,
    Activity,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Schedules,
        Section::Databases,
        Section::Users,
        Section::Network,
        Section::Activity,
    ];

    /// The permission that opens the section's tab.
    pub fn permission(self) -> &'static str {
        match self {
            Section::Schedules => "schedule.read",
            Section::Databases => "database.read",
            Section::Users => "user.read",
            Section::Network => "allocation.read",
            Section::Activity => "activity.read",
        }
    }

    /// Its tab's key (`data-tab`).
    pub fn key(self) -> &'static str {
        match self {
            Section::Schedules => "schedules",
            Section::Databases => "databases",
            Section::Users => "users",
            Section::Network => "network",
            Section::Activity => "activity",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Section::Schedules => t("tabs.schedules"),
            Section::Databases => t("tabs.databases"),
            Section::Users => t("tabs.users"),
            Section::Network => t("tabs.network"),
            Section::Activity => t("tabs.activity"),
        }
    }
}

/// The screen of `section` for the server of `context`.
pub fn server_section(section: Section, context: ServerContext) -> AnyView {
    match section {
        Section::Schedules => view! { <schedules::Schedules context/> }.into_any(),
        Section::Databases => view! { <databases::Databases context/> }.into_any(),
        Section::Users => view! { <users::Users context/> }.into_any(),
        Section::Network => view! { <network::Network context/> }.into_any(),
        Section::Activity => view! { <activity::ServerActivity context/> }.into_any(),
    }
}

/// `/account`.
pub fn account_page() -> AnyView {
    view! { <AccountPage/> }.into_any()
}

/// An ATOM time in the viewer's language and zone (the first load's formatter, one for
/// both bundles).
pub use crate::components::date_time;
