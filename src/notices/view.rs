//! The notices on screen (a polite live region at the top of the page), each with a
//! dismiss button, and the switch that asks for browser notifications.

use leptos::prelude::*;

use super::{Notice, Notices, Permission};
use crate::components::{clock_time, severity_class};
use crate::i18n::ui::{lang, t};

#[component]
pub fn NoticeArea(notices: Notices) -> impl IntoView {
    view! {
        <section class="notices" aria-label=t("notices.label") aria-live="polite" data-testid="notices">
            // At most a handful: redrawn whole (a keyed <For> costs the bundle more).
            {move || notices.list().into_iter().map(|notice| view! { <NoticeRow notice notices/> }).collect_view()}
        </section>
    }
}

#[component]
fn NoticeRow(notice: Notice, notices: Notices) -> impl IntoView {
    let id = notice.id;
    let href = ["/server/", &notice.server].concat();
    view! {
        <div class=["notice notice-", severity_class(notice.kind.severity())].concat() data-kind=notice.kind.as_str() role="status">
            <a href=href>{notice.title()}</a>
            <span class="muted">{clock_time(notice.at_ms as f64, &lang())}</span>
            <button type="button" class="link" aria-label=t("notices.dismiss") on:click=move |_| notices.dismiss(id)>{t("notices.dismiss")}</button>
        </div>
    }
}

/// "Notify me": asks for browser notifications; says where it stands once asked.
#[component]
pub fn NotifySwitch(notices: Notices) -> impl IntoView {
    let permission = notices.permission;
    move || match permission.get() {
        Permission::Default => view! {
            <button type="button" class="link" data-testid="notify-me"
                title=t("notices.notify_title")
                on:click=move |_| notices.ask_permission()>{t("notices.notify")}</button>
        }
        .into_any(),
        Permission::Granted => {
            view! { <span class="muted" data-testid="notify-on">{t("notices.on")}</span> }
                .into_any()
        }
        Permission::Denied | Permission::Unsupported => ().into_any(),
    }
}
