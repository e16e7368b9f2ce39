//! The account's SSH keys (for SFTP): list with fingerprints, add (name and the public
//! key as pasted; a private key or a DSA key is refused before anything is sent),
//! remove.

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::account_security::{public_key_problem, PublicKeyProblem};
use ptero_api::{SshKey, StoreSshKeyRequest};

use super::AccountContext;
use crate::api::Load;
use crate::components::ErrorNote;
use crate::manager::sections::date_time;
use crate::manager::sections::kit::{field_error, ActionError, Actions, Confirm, Loading, Target};

#[component]
pub fn SshKeys(context: AccountContext) -> impl IntoView {
    let client = context.client.clone();
    let list = Load::new(move || {
        let client = client.clone();
        async move { client.ssh_keys().await }
    });
    let actions = Actions::new();
    let name = RwSignal::new(String::new());
    let public_key = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let key_problem = move || {
        tried
            .get()
            .then(|| public_key_problem(&public_key.get()))
            .flatten()
    };
    let name_problem =
        move || (tried.get() && name.get().trim().is_empty()).then(|| t("ssh.name_missing"));
    let (submit_actions, submit_client) = (actions.clone(), context.client.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if key_problem().is_some() || name_problem().is_some() {
            return;
        }
        let body = StoreSshKeyRequest {
            name: name.get_untracked().trim().to_owned(),
            public_key: public_key.get_untracked().trim().to_owned(),
        };
        let client = submit_client.clone();
        submit_actions.run(
            Target::New,
            async move { client.add_ssh_key(&body).await },
            move |_| {
                name.set(String::new());
                public_key.set(String::new());
                tried.set(false);
                list.reload();
            },
        );
    };
    let pending = {
        let a = actions.clone();
        Signal::derive(move || a.is_pending(&Target::New))
    };
    let panel = {
        let a = actions.clone();
        move |field: &'static str| a.error(&Target::New).and_then(|e| field_error(&e, field))
    };
    let (p_name, p_key) = (panel.clone(), panel);
    let form_actions = actions.clone();
    view! {
        <section class="sheet ssh-keys" aria-labelledby="ssh-keys-title" data-testid="ssh-keys">
            <h2 id="ssh-keys-title">{t("ssh.title")}</h2>
            <p class="muted">{t("ssh.intro")}</p>
            <form class="editor" on:submit=submit novalidate aria-label=t("ssh.add_label")>
                <label for="ssh-name">{t("account.name")}</label>
                <input id="ssh-name" type="text" bind:value=name placeholder=t("ssh.name_placeholder") aria-invalid=move || name_problem().is_some().to_string()/>
                <p class="hint" aria-live="polite">{name_problem}{move || p_name("name")}</p>
                <label for="ssh-key">{t("ssh.public_key")}</label>
                <textarea id="ssh-key" class="mono" rows="3" bind:value=public_key spellcheck="false"
                    placeholder="ssh-ed25519 AAAA… you@laptop" aria-invalid=move || key_problem().is_some().to_string()></textarea>
                <p class="hint" aria-live="polite">{move || key_problem().map(key_words)}{move || p_key("public_key")}</p>
                <ActionError actions=form_actions.clone() target=Target::New/>
                <button type="submit" class="primary" disabled=pending>{move || if pending.get() { t("network.adding") } else { t("ssh.add") }}</button>
            </form>
            {move || {
                let (actions, context) = (actions.clone(), context.clone());
                match list.answer() {
                    None => view! { <Loading text=t("ssh.loading")/> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| list.reload())/> }.into_any(),
                    Some(Ok(keys)) if keys.is_empty() => view! { <p class="empty">{t("ssh.empty")}</p> }.into_any(),
                    Some(Ok(keys)) => view! {
                        <ul class="cards compact-cards">
                            {keys.into_iter().map(|key| view! { <KeyRow key context=context.clone() actions=actions.clone() list/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
        </section>
    }
}

#[component]
fn KeyRow(
    key: SshKey,
    context: AccountContext,
    actions: Actions,
    list: Load<Vec<SshKey>>,
) -> impl IntoView {
    let target = Target::item(&key.fingerprint);
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    let (del_actions, del_target, fingerprint) =
        (actions.clone(), target.clone(), key.fingerprint.clone());
    let remove = Callback::new(move |_| {
        let (client, flavor, fingerprint) =
            (context.client.clone(), context.flavor, fingerprint.clone());
        del_actions.run(
            del_target.clone(),
            async move { client.remove_ssh_key(flavor, &fingerprint).await },
            move |()| list.reload(),
        );
    });
    view! {
        <li class="card" data-fingerprint=key.fingerprint.clone()>
            <div class="card-head"><h3>{key.name.clone()}</h3></div>
            <p class="muted small"><code class="wrap">{format!("SHA256:{}", key.fingerprint)}</code></p>
            <p class="muted small">{tf("ssh.added", &[&date_time(&key.created_at)])}</p>
            <div class="actions">
                <Confirm label=t("common.remove") question=t("ssh.remove_confirm").into() pending name=key.name.clone() on_confirm=remove/>
            </div>
            <ActionError actions=actions.clone() target=target.clone()/>
        </li>
    }
}

/// What is wrong with a pasted key, in the viewer's language.
fn key_words(problem: PublicKeyProblem) -> &'static str {
    match problem {
        PublicKeyProblem::Empty => t("ssh.problem.empty"),
        PublicKeyProblem::Private => t("ssh.problem.private"),
        PublicKeyProblem::NotAKey => t("ssh.problem.not_a_key"),
        PublicKeyProblem::Dsa => t("ssh.problem.dsa"),
    }
}
