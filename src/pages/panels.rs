//! `/panels`: the panels the app is connected to: which is in use, where each key is
//! kept (this tab, or remembered on this device), rename, remove (asked first), and
//! "forget all". Keys are never shown.

use leptos::prelude::*;

use crate::components::RequireSignIn;
use crate::i18n::ui::{t, tf};
use crate::router::Link;
use crate::session::{use_session, PanelInfo};

#[component]
pub fn PanelsPage() -> impl IntoView {
    view! { <RequireSignIn><Panels/></RequireSignIn> }
}

#[component]
fn Panels() -> impl IntoView {
    let session = use_session();
    let confirm_all = RwSignal::new(false);
    view! {
        <section class="panels sheet" aria-labelledby="panels-title">
            <div class="toolbar">
                <h1 id="panels-title">{t("panels.title")}</h1>
                <Link href="/connect" attr:class="button">{t("panels.add")}</Link>
            </div>
            <p class="muted">{t("panels.intro")}</p>
            <ul class="panel-list" data-testid="panel-list">
                {move || session.panels().into_iter().map(|panel| view! { <PanelItem panel/> }).collect_view()}
            </ul>
            <div class="danger-zone">
                {move || if confirm_all.get() {
                    view! {
                        <p class="confirm" role="alert">{t("panels.forget_all_confirm")}</p>
                        <button type="button" class="danger" on:click=move |_| session.sign_out_everywhere()>{t("panels.forget_all")}</button>
                        " "
                        <button type="button" on:click=move |_| confirm_all.set(false)>{t("common.cancel")}</button>
                    }.into_any()
                } else {
                    view! { <button type="button" class="danger" on:click=move |_| confirm_all.set(true)>{t("panels.forget_all_panels")}</button> }.into_any()
                }}
            </div>
        </section>
    }
}

#[component]
fn PanelItem(panel: PanelInfo) -> impl IntoView {
    let session = use_session();
    let renaming = RwSignal::new(false);
    let removing = RwSignal::new(false);
    let name = RwSignal::new(panel.name.clone());
    let id = panel.id.clone();
    let (rename_id, remove_id, use_id) = (id.clone(), id.clone(), id.clone());
    let label = panel.name.clone();
    view! {
        <li class="panel-item" data-panel=id.clone() aria-current=panel.active.then_some("true")>
            <div class="panel-head">
                <strong class="panel-name">{panel.name.clone()}</strong>
                {panel.active.then(|| view! { <span class="badge badge-running">{t("panels.in_use")}</span> })}
                <span class="muted panel-url">{panel.panel.clone()}</span>
            </div>
            <p class="muted small">{if panel.remembered { t("panels.remembered") } else { t("panels.tab_only") }}</p>
            {move || renaming.get().then(|| {
                let rename_id = rename_id.clone();
                view! {
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        session.rename(&rename_id, &name.get_untracked());
                        renaming.set(false);
                    }>
                        <label class="sr-only" for=format!("name-{}", rename_id)>{t("panels.new_name")}</label>
                        <input id=format!("name-{}", rename_id) type="text" bind:value=name maxlength="64"/>
                        <button type="submit">{t("common.save")}</button>
                        <button type="button" on:click=move |_| renaming.set(false)>{t("common.cancel")}</button>
                    </form>
                }
            })}
            <div class="actions">
                {(!panel.active).then(|| view! {
                    <button type="button" on:click=move |_| session.switch(&use_id)>{t("panels.use")}</button>
                })}
                <button type="button" on:click=move |_| renaming.set(true) aria-label=tf("panels.rename_label", &[&label])>{t("panels.rename")}</button>
                {move || if removing.get() {
                    let remove_id = remove_id.clone();
                    view! {
                        <span class="confirm" role="alert">{t("panels.remove_confirm")}</span>
                        <button type="button" class="danger" on:click=move |_| session.remove(&remove_id)>{t("panels.remove")}</button>
                        <button type="button" on:click=move |_| removing.set(false)>{t("panels.keep")}</button>
                    }.into_any()
                } else {
                    view! { <button type="button" class="danger-outline" on:click=move |_| removing.set(true)>{t("panels.remove_ask")}</button> }.into_any()
                }}
            </div>
        </li>
    }
}
