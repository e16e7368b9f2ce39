//! A server's network: its allocations (address with a copy button, the primary one
//! first, notes), make one primary, add one within the server's limit, remove one
//! (never the primary).

use crate::i18n::ui::{t, tf, tp};
use leptos::prelude::*;
use ptero_api::network::MAX_NOTES;
use ptero_api::Allocation;

use super::kit::{
    field_error, ActionError, Actions, Confirm, CopyButton, Loading, NoPermission, Target,
};
use super::ServerContext;
use crate::api::Load;
use crate::components::ErrorNote;

#[component]
pub fn Network(context: ServerContext) -> impl IntoView {
    if !context.can("allocation.read") {
        return view! { <NoPermission text=t("network.no_permission") permission="allocation.read"/> }
            .into_any();
    }
    let (client, server) = (context.client.clone(), context.server.clone());
    let list = Load::new(move || {
        let (client, server) = (client.clone(), server.clone());
        async move { client.allocations(&server).await }
    });
    let actions = Actions::new();
    let limit = context.limits.allocations;
    let count = move || list.answer().and_then(Result::ok).map(|l| l.len());
    let full = move || count().is_some_and(|n| n as u64 >= u64::from(limit.unwrap_or(0)));
    let (add_ctx, add_actions) = (context.clone(), actions.clone());
    let add = move |_| {
        let (client, server) = (add_ctx.client.clone(), add_ctx.server.clone());
        add_actions.run(
            Target::New,
            async move { client.add_allocation(&server).await },
            move |_| list.reload(),
        );
    };
    let adding = {
        let a = actions.clone();
        Signal::derive(move || a.is_pending(&Target::New))
    };
    let can_add = context.can("allocation.create") && limit.is_some_and(|l| l > 0);
    let new_actions = actions.clone();
    view! {
        <section class="sheet network" aria-labelledby="network-title" data-testid="network">
            <div class="sheet-head">
                <h2 id="network-title">{t("tabs.network")}</h2>
                <span class="muted" data-testid="allocation-count">{move || match (count(), limit) {
                    (Some(n), Some(limit)) if limit > 0 => tp("network.count_of", f64::from(limit), &[&n.to_string(), &limit.to_string()]),
                    (Some(n), _) => tp("network.count", n as f64, &[&n.to_string()]),
                    _ => String::new(),
                }}</span>
                {can_add.then(|| view! {
                    <button type="button" class="primary" disabled=move || adding.get() || full() on:click=add
                        title=move || full().then(|| t("network.full"))>
                        {move || if adding.get() { t("network.adding") } else { t("network.add") }}
                    </button>
                })}
            </div>
            <ActionError actions=new_actions target=Target::New/>
            {move || {
                let (context, actions) = (context.clone(), actions.clone());
                match list.answer() {
                    None => view! { <Loading text=t("network.loading")/> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| list.reload())/> }.into_any(),
                    Some(Ok(allocations)) => view! {
                        <ul class="cards">
                            {allocations.into_iter().map(|allocation| view! {
                                <AllocationCard allocation context=context.clone() actions=actions.clone() list/>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn AllocationCard(
    allocation: Allocation,
    context: ServerContext,
    actions: Actions,
    list: Load<Vec<Allocation>>,
) -> impl IntoView {
    let id = allocation.id;
    let target = Target::item(id);
    let notes = RwSignal::new(allocation.notes.clone().unwrap_or_default());
    let saved = RwSignal::new(allocation.notes.clone().unwrap_or_default());
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    let address = allocation.address();
    let can_update = context.can("allocation.update");
    let may_delete = context.can("allocation.delete")
        && context.limits.allocations.is_some_and(|l| l > 0)
        && !allocation.is_default;
    let (notes_ctx, notes_actions, notes_target) =
        (context.clone(), actions.clone(), target.clone());
    let save_notes = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = notes.get_untracked();
        if text.chars().count() > MAX_NOTES {
            return;
        }
        let value = (!text.trim().is_empty()).then(|| text.trim().to_owned());
        let (client, server) = (notes_ctx.client.clone(), notes_ctx.server.clone());
        notes_actions.run(
            notes_target.clone(),
            async move { client.set_allocation_notes(&server, id, value).await },
            move |a| {
                let text = a.notes.unwrap_or_default();
                saved.set(text.clone());
                notes.set(text);
            },
        );
    };
    let (primary_ctx, primary_actions, primary_target) =
        (context.clone(), actions.clone(), target.clone());
    let make_primary = move |_| {
        let (client, server) = (primary_ctx.client.clone(), primary_ctx.server.clone());
        primary_actions.run(
            primary_target.clone(),
            async move { client.make_primary(&server, id).await },
            move |_| list.reload(),
        );
    };
    let (delete_ctx, delete_actions, delete_target) =
        (context.clone(), actions.clone(), target.clone());
    let delete = Callback::new(move |_| {
        let (client, server) = (delete_ctx.client.clone(), delete_ctx.server.clone());
        delete_actions.run(
            delete_target.clone(),
            async move { client.remove_allocation(&server, id).await },
            move |()| list.reload(),
        );
    });
    let too_long = move || {
        let n = notes.get().chars().count();
        let (most, now) = (MAX_NOTES.to_string(), n.to_string());
        (n > MAX_NOTES).then(|| tf("network.notes_too_long", &[&most, &now]))
    };
    let panel_notes = {
        let (a, t) = (actions.clone(), target.clone());
        move || a.error(&t).and_then(|e| field_error(&e, "notes"))
    };
    let notes_id = format!("allocation-{id}-notes");
    view! {
        <li class="card" data-allocation=id data-primary=allocation.is_default.to_string()>
            <div class="card-head">
                <h3 class="mono">{address.clone()}</h3>
                {allocation.is_default.then(|| view! { <span class="badge badge-running">{t("network.primary")}</span> })}
                <CopyButton text=address.clone() label=t("glance.the_address").into()/>
            </div>
            {allocation.ip_alias.is_some().then(|| view! { <p class="muted small">{tf("network.ip", &[&allocation.ip])}</p> })}
            {if can_update {
                view! {
                    <form class="inline-form" on:submit=save_notes>
                        <label for=notes_id.clone()>{t("network.notes")}</label>
                        <input id=notes_id.clone() type="text" bind:value=notes placeholder=t("network.notes_placeholder") aria-invalid=move || too_long().is_some().to_string()/>
                        <button type="submit" disabled=move || pending.get() || notes.get() == saved.get() || too_long().is_some()>{t("network.save_notes")}</button>
                        <p class="hint" aria-live="polite">{too_long}{panel_notes}</p>
                    </form>
                }.into_any()
            } else {
                view! { <p>{move || { let n = saved.get(); if n.is_empty() { t("network.no_notes").to_owned() } else { n } }}</p> }.into_any()
            }}
            <div class="actions">
                {(can_update && !allocation.is_default).then(|| view! {
                    <button type="button" disabled=move || pending.get() on:click=make_primary>{t("network.make_primary")}</button>
                })}
                {may_delete.then(|| view! {
                    <Confirm label=t("common.remove") question=t("network.remove_confirm").into() pending name=address.clone() on_confirm=delete/>
                })}
            </div>
            <ActionError actions=actions.clone() target=target.clone()/>
        </li>
    }
}
