//! A server's users (subusers): each with their permissions, invite by email, edit,
//! remove. The permission matrix is grouped as the panel groups it (`GET
//! /api/client/permissions`, in its order, with its descriptions); a subuser may grant
//! only what they hold themselves, and nobody edits their own entry.

use crate::i18n::ui::{t, tp};
use std::collections::BTreeSet;

use leptos::prelude::*;
use ptero_api::subusers::{email_problem, ALWAYS_GRANTED};
use ptero_api::{PermissionGroups, StoreSubuserRequest, Subuser, UpdateSubuserRequest};

use super::kit::{field_error, ActionError, Actions, Confirm, Loading, NoPermission, Target};
use super::{permission_words, ServerContext};
use crate::api::Load;
use crate::components::ErrorNote;

#[component]
pub fn Users(context: ServerContext) -> impl IntoView {
    if !context.can("user.read") {
        return view! { <NoPermission text=t("users.no_permission") permission="user.read"/> }
            .into_any();
    }
    let (client, server) = (context.client.clone(), context.server.clone());
    let list = Load::new(move || {
        let (client, server) = (client.clone(), server.clone());
        async move { client.subusers(&server).await }
    });
    let groups_client = context.client.clone();
    let groups = Load::new(move || {
        let client = groups_client.clone();
        async move { client.permission_groups().await }
    });
    let actions = Actions::new();
    let inviting = RwSignal::new(false);
    let can_create = context.can("user.create");
    let invite_ctx = context.clone();
    let invite_actions = actions.clone();
    view! {
        <section class="sheet users" aria-labelledby="users-title" data-testid="users">
            <div class="sheet-head">
                <h2 id="users-title">{t("tabs.users")}</h2>
                {can_create.then(|| view! {
                    <button type="button" class="primary" disabled=move || inviting.get() on:click=move |_| inviting.set(true)>{t("users.invite")}</button>
                })}
            </div>
            <p class="muted">{t("users.intro")}</p>
            {move || inviting.get().then(|| view! {
                <PermissionForm context=invite_ctx.clone() actions=invite_actions.clone() groups list user=None
                    close=Callback::new(move |_| inviting.set(false))/>
            })}
            {move || {
                let (context, actions) = (context.clone(), actions.clone());
                match list.answer() {
                    None => view! { <Loading text=t("users.loading")/> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| list.reload())/> }.into_any(),
                    Some(Ok(users)) if users.is_empty() => view! { <p class="empty">{t("users.empty")}</p> }.into_any(),
                    Some(Ok(users)) => view! {
                        <ul class="cards">
                            {users.into_iter().map(|user| view! { <UserCard user context=context.clone() actions=actions.clone() groups list/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn UserCard(
    user: Subuser,
    context: ServerContext,
    actions: Actions,
    groups: Load<PermissionGroups>,
    list: Load<Vec<Subuser>>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let target = Target::item(&user.uuid);
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    let (remove_ctx, remove_actions, remove_target, uuid) = (
        context.clone(),
        actions.clone(),
        target.clone(),
        user.uuid.clone(),
    );
    let remove = Callback::new(move |_| {
        let (client, server, uuid) = (
            remove_ctx.client.clone(),
            remove_ctx.server.clone(),
            uuid.clone(),
        );
        remove_actions.run(
            remove_target.clone(),
            async move { client.remove_subuser(&server, &uuid).await },
            move |()| list.reload(),
        );
    });
    let granted = user
        .permissions
        .iter()
        .filter(|p| *p != ALWAYS_GRANTED)
        .count();
    let (edit_ctx, edit_actions, edit_user) = (context.clone(), actions.clone(), user.clone());
    view! {
        <li class="card" data-user=user.uuid.clone()>
            <div class="card-head">
                <h3>{user.email.clone()}</h3>
                {user.two_factor_enabled.then(|| view! { <span class="badge badge-running" title=t("users.two_factor")>"2FA"</span> })}
            </div>
            <p class="muted small">{[user.username.clone(), " · ".into(), tp("users.granted", granted as f64, &[&granted.to_string()])].concat()}</p>
            <div class="actions">
                {context.can("user.update").then(|| view! {
                    <button type="button" disabled=move || editing.get() on:click=move |_| editing.set(true)>{t("users.edit")}</button>
                })}
                {context.can("user.delete").then(|| view! {
                    <Confirm label=t("common.remove") question=t("users.remove_confirm").into() pending name=user.email.clone() on_confirm=remove/>
                })}
            </div>
            <ActionError actions=actions.clone() target=target.clone()/>
            {move || editing.get().then(|| view! {
                <PermissionForm context=edit_ctx.clone() actions=edit_actions.clone() groups list user=Some(edit_user.clone())
                    close=Callback::new(move |_| editing.set(false))/>
            })}
        </li>
    }
}

/// Invite (`user` None) or edit a user: email for an invitation, and the matrix.
#[component]
fn PermissionForm(
    context: ServerContext,
    actions: Actions,
    groups: Load<PermissionGroups>,
    list: Load<Vec<Subuser>>,
    user: Option<Subuser>,
    close: Callback<()>,
) -> impl IntoView {
    let uuid = user.as_ref().map(|u| u.uuid.clone());
    let target = match &uuid {
        Some(uuid) => Target::Part(uuid.clone(), "permissions".into()),
        None => Target::New,
    };
    let email = RwSignal::new(String::new());
    let chosen = RwSignal::new(
        user.as_ref()
            .map(|u| u.permissions.iter().cloned().collect::<BTreeSet<String>>())
            .unwrap_or_default(),
    );
    let tried = RwSignal::new(false);
    let inviting = user.is_none();
    let email_hint = Signal::derive(move || {
        (inviting && tried.get())
            .then(|| email_problem(&email.get()))
            .flatten()
    });
    let (submit_actions, submit_target, submit_uuid) =
        (actions.clone(), target.clone(), uuid.clone());
    let submit_ctx = context.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let permissions: Vec<String> = chosen.get_untracked().into_iter().collect();
        let (client, server) = (submit_ctx.client.clone(), submit_ctx.server.clone());
        let done = move |_| {
            close.run(());
            list.reload();
        };
        match &submit_uuid {
            Some(uuid) => {
                let uuid = uuid.clone();
                let body = UpdateSubuserRequest { permissions };
                submit_actions.run(
                    submit_target.clone(),
                    async move { client.update_subuser(&server, &uuid, &body).await },
                    done,
                );
            }
            None => {
                let address = email.get_untracked();
                if email_problem(&address).is_some() {
                    return;
                }
                let body = StoreSubuserRequest {
                    email: address.trim().to_owned(),
                    permissions,
                };
                submit_actions.run(
                    submit_target.clone(),
                    async move { client.invite_subuser(&server, &body).await },
                    done,
                );
            }
        }
    };
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    let panel_email = {
        let (a, t) = (actions.clone(), target.clone());
        move || a.error(&t).and_then(|e| field_error(&e, "email"))
    };
    // A subuser may grant only what they hold; owners anything.
    let mine: Option<BTreeSet<String>> = (!context.permissions.list().iter().any(|p| p == "*"))
        .then(|| context.permissions.list().iter().cloned().collect());
    let prefix = uuid.clone().unwrap_or_else(|| "new".into());
    view! {
        <form class="editor permission-form" on:submit=submit novalidate aria-label=if inviting { t("users.invite") } else { t("users.edit") }>
            {inviting.then(|| view! {
                <label for="invite-email">{t("users.email")}</label>
                <input id="invite-email" type="email" bind:value=email placeholder="friend@example.com" autocomplete="off"
                    aria-invalid=move || email_hint.get().is_some().to_string()/>
                <p class="hint" aria-live="polite">{move || email_hint.get().map(email_words)}{panel_email}</p>
            })}
            {move || match groups.answer() {
                None => view! { <Loading text=t("users.loading_permissions")/> }.into_any(),
                Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| groups.reload())/> }.into_any(),
                Some(Ok(groups)) => view! { <Matrix groups chosen mine=mine.clone() prefix=prefix.clone()/> }.into_any(),
            }}
            <ActionError actions=actions.clone() target=target.clone()/>
            <div class="actions">
                <button type="submit" class="primary" disabled=pending>
                    {move || if pending.get() { t("editor.saving") } else if inviting { t("users.send") } else { t("users.save") }}
                </button>
                <button type="button" on:click=move |_| close.run(())>{t("common.cancel")}</button>
            </div>
        </form>
    }
}

/// The groups with their keys as checkboxes, each group with "all of them".
#[component]
fn Matrix(
    groups: PermissionGroups,
    chosen: RwSignal<BTreeSet<String>>,
    mine: Option<BTreeSet<String>>,
    prefix: String,
) -> impl IntoView {
    let allowed =
        move |p: &str| p != ALWAYS_GRANTED && mine.as_ref().is_none_or(|mine| mine.contains(p));
    groups
        .0
        .into_iter()
        .map(|group| {
            let all: Vec<String> = group.permissions().filter(|p| allowed(p)).collect();
            let every = all.clone();
            let all_on = move || chosen.with(|c| !every.is_empty() && every.iter().all(|p| c.contains(p)));
            let group_id = format!("{prefix}-group-{}", group.name);
            let (toggle_all, all_on_check) = (all.clone(), all_on.clone());
            view! {
                <fieldset class="permission-group" data-group=group.name.clone()>
                    <legend>{permission_words::group_title(&group.name).map_or_else(|| group.title(), str::to_owned)}</legend>
                    <p class="muted small">{permission_words::group_description(&group.name).map_or_else(|| group.description.clone(), str::to_owned)}</p>
                    {(!all.is_empty()).then(|| view! {
                        <label class="check all"><input type="checkbox" id=group_id.clone() prop:checked=all_on_check on:change=move |_| {
                            let on = !all_on();
                            chosen.update(|c| for p in &toggle_all { if on { c.insert(p.clone()); } else { c.remove(p); } });
                        }/>{t("users.all_of_group")}</label>
                    })}
                    {group.keys.iter().map(|(key, description)| {
                        let permission = format!("{}.{key}", group.name);
                        let enabled = allowed(&permission);
                        let always = permission == ALWAYS_GRANTED;
                        let (check, toggle) = (permission.clone(), permission.clone());
                        view! {
                            <label class="check permission" title=(!enabled && !always).then(|| t("users.not_yours"))>
                                <input type="checkbox" data-permission=permission.clone() disabled=!enabled
                                    prop:checked=move || always || chosen.with(|c| c.contains(&check))
                                    on:change=move |_| chosen.update(|c| if !c.remove(&toggle) { c.insert(toggle.clone()); })/>
                                <span><code>{key.clone()}</code> " " <span class="muted small">{permission_words::key_description(&permission).map_or_else(|| description.clone(), str::to_owned)}</span>
                                    {always.then(|| view! { <span class="tag">{[" ", t("users.always")].concat()}</span> })}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
        })
        .collect_view()
}

/// `email_problem`'s sentence in the viewer's language.
fn email_words(problem: &'static str) -> &'static str {
    match problem {
        p if p.starts_with("Enter") => t("users.email_missing"),
        p if p.contains("191") => t("users.email_too_long"),
        _ => t("users.email_invalid"),
    }
}
