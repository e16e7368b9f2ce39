//! A server's databases against its limit: create (name, where connections may come
//! from), show the address, user and password with copy buttons (password hidden until
//! asked, for accounts with `database.view_password`), rotate the password, delete.

use crate::i18n::ui::{t, tf, tp};
use leptos::prelude::*;
use ptero_api::databases::{DatabaseInputProblem, DATABASE_NAME_LENGTH};
use ptero_api::{Database, StoreDatabaseRequest};

use super::kit::{
    field_error, ActionError, Actions, Confirm, CopyButton, Loading, NoPermission, Target,
};
use super::ServerContext;
use crate::api::Load;
use crate::components::ErrorNote;

#[component]
pub fn Databases(context: ServerContext) -> impl IntoView {
    if !context.can("database.read") {
        return view! { <NoPermission text=t("databases.no_permission") permission="database.read"/> }.into_any();
    }
    let passwords = context.can("database.view_password");
    let (client, server) = (context.client.clone(), context.server.clone());
    let list = Load::new(move || {
        let (client, server) = (client.clone(), server.clone());
        async move { client.databases(&server, passwords).await }
    });
    let actions = Actions::new();
    let limit = context.limits.databases;
    let count = move || list.answer().and_then(Result::ok).map(|l| l.len());
    let full = move || match (limit, count()) {
        (Some(limit), Some(count)) => count as u64 >= u64::from(limit),
        _ => false,
    };
    let can_create = context.can("database.create") && limit != Some(0);
    let ctx = context.clone();
    view! {
        <section class="sheet databases" aria-labelledby="databases-title" data-testid="databases">
            <div class="sheet-head">
                <h2 id="databases-title">{t("tabs.databases")}</h2>
                <span class="muted" data-testid="database-count">{move || match (count(), limit) {
                    (Some(n), Some(limit)) => tp("backups.used", f64::from(limit), &[&n.to_string(), &limit.to_string()]),
                    (Some(n), None) => tf("databases.no_limit", &[&n.to_string()]),
                    _ => String::new(),
                }}</span>
            </div>
            {(limit == Some(0)).then(|| view! { <p class="muted">{t("databases.none_allowed")}</p> })}
            {can_create.then(|| view! { <CreateForm context=ctx.clone() actions=actions.clone() list full=Signal::derive(full)/> })}
            {move || {
                let (actions, context) = (actions.clone(), context.clone());
                match list.answer() {
                    None => view! { <Loading text=t("databases.loading")/> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| list.reload())/> }.into_any(),
                    Some(Ok(dbs)) if dbs.is_empty() => view! { <p class="empty">{t("databases.empty")}</p> }.into_any(),
                    Some(Ok(dbs)) => view! {
                        <ul class="cards">
                            {dbs.into_iter().map(|db| view! { <DatabaseCard db context=context.clone() actions=actions.clone() list/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn CreateForm(
    context: ServerContext,
    actions: Actions,
    list: Load<Vec<Database>>,
    full: Signal<bool>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let remote = RwSignal::new("%".to_owned());
    let problem = RwSignal::new(None::<String>);
    let target = Target::New;
    let (submit_actions, submit_target) = (actions.clone(), target.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match StoreDatabaseRequest::checked(&name.get_untracked(), &remote.get_untracked()) {
            Err(why) => problem.set(Some(input_problem(&why))),
            Ok(request) => {
                problem.set(None);
                let (client, server) = (context.client.clone(), context.server.clone());
                submit_actions.run(
                    submit_target.clone(),
                    async move { client.create_database(&server, &request).await },
                    move |_| {
                        name.set(String::new());
                        list.reload();
                    },
                );
            }
        }
    };
    let panel = {
        let (a, t) = (actions.clone(), target.clone());
        move |field: &'static str| a.error(&t).and_then(|e| field_error(&e, field))
    };
    let (p_name, p_remote) = (panel.clone(), panel);
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    view! {
        <form class="editor inline-form" on:submit=submit novalidate aria-label=t("databases.new")>
            <div class="field">
                <label for="database-name">{t("databases.name")}</label>
                <input id="database-name" type="text" bind:value=name placeholder="luckperms" maxlength="48" spellcheck="false"/>
                <p class="hint" aria-live="polite">{move || problem.get()}{move || p_name("database")}</p>
            </div>
            <div class="field">
                <label for="database-remote">{t("databases.remote")}</label>
                <input id="database-remote" type="text" class="mono" bind:value=remote spellcheck="false"/>
                <p class="hint note">{t("databases.remote_hint")}</p>
                <p class="hint" aria-live="polite">{move || p_remote("remote")}</p>
            </div>
            <button type="submit" class="primary" disabled=move || pending.get() || full.get()
                title=move || full.get().then(|| t("databases.full"))>
                {move || if pending.get() { t("databases.creating") } else { t("databases.create") }}
            </button>
            {move || full.get().then(|| view! { <p class="muted small">{t("databases.full_hint")}</p> })}
            <ActionError actions=actions.clone() target=target.clone()/>
        </form>
    }
}

#[component]
fn DatabaseCard(
    db: Database,
    context: ServerContext,
    actions: Actions,
    list: Load<Vec<Database>>,
) -> impl IntoView {
    let id = db.id.clone();
    let target = Target::item(&id);
    let password = RwSignal::new(db.password().map(str::to_owned));
    let shown = RwSignal::new(false);
    let name = db.name.clone();
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    let (rotate_ctx, delete_ctx) = (context.clone(), context.clone());
    let (rotate_actions, delete_actions) = (actions.clone(), actions.clone());
    let (rotate_target, delete_target) = (target.clone(), target.clone());
    let (rotate_id, delete_id) = (id.clone(), id.clone());
    let rotate = move |_| {
        let (client, server, db) = (
            rotate_ctx.client.clone(),
            rotate_ctx.server.clone(),
            rotate_id.clone(),
        );
        rotate_actions.run(
            rotate_target.clone(),
            async move { client.rotate_database_password(&server, &db).await },
            move |db| {
                password.set(db.password().map(str::to_owned));
                shown.set(true);
            },
        );
    };
    let delete = Callback::new(move |_| {
        let (client, server, db) = (
            delete_ctx.client.clone(),
            delete_ctx.server.clone(),
            delete_id.clone(),
        );
        delete_actions.run(
            delete_target.clone(),
            async move { client.delete_database(&server, &db).await },
            move |()| list.reload(),
        );
    });
    let endpoint = db.endpoint();
    let jdbc = RwSignal::new(db.clone());
    let can_rotate = context.can("database.update");
    let can_delete = context.can("database.delete");
    let can_see = context.can("database.view_password");
    view! {
        <li class="card" data-database=id.clone()>
            <div class="card-head"><h3 class="mono">{db.name.clone()}</h3></div>
            <dl class="facts">
                <dt>{t("databases.address")}</dt><dd><code>{endpoint.clone()}</code> " " <CopyButton text=endpoint.clone() label=t("glance.the_address").into()/></dd>
                <dt>{t("databases.username")}</dt><dd><code>{db.username.clone()}</code> " " <CopyButton text=db.username.clone() label=t("databases.the_username").into()/></dd>
                <dt>{t("databases.remote")}</dt><dd><code>{db.connections_from.clone()}</code></dd>
                <dt>{t("sftp.password")}</dt>
                <dd data-testid="database-password">{move || match (password.get(), can_see) {
                    (Some(secret), true) => view! {
                        <code>{move || if shown.get() { secret.clone() } else { "••••••••••••".to_owned() }}</code>
                        " "
                        <button type="button" class="link" on:click=move |_| shown.update(|s| *s = !*s)>
                            {move || if shown.get() { t("databases.hide") } else { t("databases.show") }}
                        </button>
                        " "
                        <CopyButton text=Signal::derive(move || password.get().unwrap_or_default()) label=t("databases.the_password").into()/>
                    }.into_any(),
                    _ => view! { <span class="muted">{tf("databases.password_hidden", &["database.view_password"])}</span> }.into_any(),
                }}</dd>
            </dl>
            <details class="connection-string">
                <summary>{t("databases.jdbc")}</summary>
                <code class="wrap">{move || { let mut db = jdbc.get(); db.relationships = None; db.jdbc_url() }}</code>
            </details>
            <div class="actions">
                {can_rotate.then(|| view! { <button type="button" disabled=move || pending.get() on:click=rotate>{t("databases.rotate")}</button> })}
                {can_delete.then(|| view! {
                    <Confirm label=t("common.delete") question=t("databases.delete_confirm").into() pending name on_confirm=delete/>
                })}
            </div>
            <ActionError actions=actions.clone() target=target.clone()/>
        </li>
    }
}

/// Why the form refuses a name or `remote` before sending, in the viewer's language.
fn input_problem(problem: &DatabaseInputProblem) -> String {
    let (min, max) = DATABASE_NAME_LENGTH;
    match problem {
        DatabaseInputProblem::NameLength(len) => {
            let (min, max, len) = (min.to_string(), max.to_string(), len.to_string());
            tf("databases.problem.name_length", &[&min, &max, &len])
        }
        DatabaseInputProblem::NameCharacter(c) => {
            tf("databases.problem.name_character", &[&c.to_string()])
        }
        DatabaseInputProblem::RemoteCharacter(c) => {
            tf("databases.problem.remote_character", &[&c.to_string()])
        }
        DatabaseInputProblem::RemoteEmpty => t("databases.problem.remote_empty").to_owned(),
    }
}
