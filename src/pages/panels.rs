//! `/panels`: the panels the app is connected to: which is in use, where each key is
//! kept (this tab, or remembered on this device), rename, remove (asked first), and
//! "forget all". Keys are never shown.

use leptos::prelude::*;

use crate::components::RequireSignIn;
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
                <h1 id="panels-title">"Panels"</h1>
                <Link href="/connect" attr:class="button">"Add a panel"</Link>
            </div>
            <p class="muted">"The app can work with several panels. The one in use is marked; the server list can show all of them at once."</p>
            <ul class="panel-list" data-testid="panel-list">
                {move || session.panels().into_iter().map(|panel| view! { <PanelItem panel/> }).collect_view()}
            </ul>
            <div class="danger-zone">
                {move || if confirm_all.get() {
                    view! {
                        <p class="confirm" role="alert">"Forget every panel and key on this device?"</p>
                        <button type="button" class="danger" on:click=move |_| session.sign_out_everywhere()>"Forget all"</button>
                        " "
                        <button type="button" on:click=move |_| confirm_all.set(false)>"Cancel"</button>
                    }.into_any()
                } else {
                    view! { <button type="button" class="danger" on:click=move |_| confirm_all.set(true)>"Forget all panels"</button> }.into_any()
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
                {panel.active.then(|| view! { <span class="badge badge-running">"in use"</span> })}
                <span class="muted panel-url">{panel.panel.clone()}</span>
            </div>
            <p class="muted small">{if panel.remembered { "Key remembered on this device" } else { "Key kept for this tab only" }}</p>
            {move || renaming.get().then(|| {
                let rename_id = rename_id.clone();
                view! {
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        session.rename(&rename_id, &name.get_untracked());
                        renaming.set(false);
                    }>
                        <label class="sr-only" for=format!("name-{}", rename_id)>"New name"</label>
                        <input id=format!("name-{}", rename_id) type="text" bind:value=name maxlength="64"/>
                        <button type="submit">"Save"</button>
                        <button type="button" on:click=move |_| renaming.set(false)>"Cancel"</button>
                    </form>
                }
            })}
            <div class="actions">
                {(!panel.active).then(|| view! {
                    <button type="button" on:click=move |_| session.switch(&use_id)>"Use"</button>
                })}
                <button type="button" on:click=move |_| renaming.set(true) aria-label=format!("Rename {label}")>"Rename"</button>
                {move || if removing.get() {
                    let remove_id = remove_id.clone();
                    view! {
                        <span class="confirm" role="alert">"Remove this panel and its key from the app?"</span>
                        <button type="button" class="danger" on:click=move |_| session.remove(&remove_id)>"Remove"</button>
                        <button type="button" on:click=move |_| removing.set(false)>"Keep"</button>
                    }.into_any()
                } else {
                    view! { <button type="button" class="danger-outline" on:click=move |_| removing.set(true)>"Remove…"</button> }.into_any()
                }}
            </div>
        </li>
    }
}
