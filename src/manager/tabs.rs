//! The server page's sections, one open at a time (each loads when opened): the
//! terminal, files, backups, startup, settings, and the management screens of
//! [`sections`](super::sections) (schedules, databases, users, network, activity). Only
//! the sections the viewer's permissions open are offered; switching away from unsaved
//! editor changes asks first.
//!
//! To add a section: a [`Tab`] variant with its label and key, its permission in
//! [`Tabs`]' list, and its view in the match of the panel — a component of its own
//! module under `manager/`, taking the `PanelClient`, the `Server`, the socket
//! (`WingsLive`) and the `Permissions` it needs, with its requests in `api/manage.rs`
//! (or a sibling file there). A management screen is a [`Section`] instead, taking a
//! [`ServerContext`].

use crate::i18n::ui::t;
use leptos::prelude::*;

use super::permissions::Permissions;
use super::sections::{server_section, Section, ServerContext};
use crate::api::PanelClient;
use crate::components::Terminal;
use crate::live::{Link, WingsLive};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tab {
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
            Tab::Console => t("tabs.console"),
            Tab::Files => t("tabs.files"),
            Tab::Backups => t("tabs.backups"),
            Tab::Startup => t("tabs.startup"),
            Tab::Settings => t("tabs.settings"),
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
pub fn Tabs(
    client: PanelClient,
    server: ptero_api::Server,
    live: WingsLive,
    permissions: Permissions,
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
        Section::ALL.map(|section| (Tab::Section(section), permissions.can(section.permission()))),
    )
    .filter_map(|(tab, shown)| shown.then_some(tab))
    .collect();
    let tab = RwSignal::new(tabs.first().copied().unwrap_or(Tab::Settings));
    let sections = ServerContext {
        client: client.clone(),
        server: server.identifier.clone(),
        permissions: permissions.clone(),
        limits: server.feature_limits.clone(),
    };
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
        <div class="tabs" role="tablist" aria-label=t("tabs.label")>{buttons}</div>
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
