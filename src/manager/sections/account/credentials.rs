//! The account's email and password (each change asks for the current password), and
//! whether two-factor authentication is on (turned on and off in the panel itself).

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::account_security::MIN_PASSWORD;
use ptero_api::subusers::email_problem;
use ptero_api::{Account, TwoFactorStatus, UpdateEmailRequest, UpdatePasswordRequest};

use super::AccountContext;
use crate::api::{Answer, Load};
use crate::components::ErrorNote;
use crate::manager::sections::kit::{field_error, ActionError, Actions, Target};

fn part(name: &str) -> Target {
    Target::Part("account".into(), name.into())
}

#[component]
pub fn Credentials(context: AccountContext, account: Load<Account>) -> impl IntoView {
    let (client, flavor) = (context.client.clone(), context.flavor);
    let two_factor = Load::new(move || {
        let client = client.clone();
        async move { client.two_factor(flavor).await }
    });
    view! {
        <section class="sheet credentials" aria-labelledby="credentials-title" data-testid="credentials">
            <h2 id="credentials-title">{t("credentials.title")}</h2>
            <TwoFactor status=two_factor/>
            <div class="two-columns">
                <EmailForm context=context.clone() account/>
                <PasswordForm context/>
            </div>
        </section>
    }
}

#[component]
fn TwoFactor(status: Load<TwoFactorStatus>) -> impl IntoView {
    move || match status.answer() {
        None => view! { <p class="loading">{t("credentials.checking")}</p> }.into_any(),
        Some(Err(error)) => {
            view! { <ErrorNote error retry=Callback::new(move |_| status.reload())/> }.into_any()
        }
        Some(Ok(state)) => {
            let (class, text) = match state {
                TwoFactorStatus::Enabled => ("ok", t("credentials.two_factor_on")),
                TwoFactorStatus::Disabled => ("warning", t("credentials.two_factor_off")),
                TwoFactorStatus::Unknown => ("muted", t("credentials.two_factor_unknown")),
            };
            view! { <p class=class data-testid="two-factor" data-state=format!("{state:?}").to_lowercase()>{text}</p> }.into_any()
        }
    }
}

#[component]
fn EmailForm(context: AccountContext, account: Load<Account>) -> impl IntoView {
    let actions = Actions::new();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let done = RwSignal::new(false);
    let problem = move || tried.get().then(|| email_problem(&email.get())).flatten();
    let needs_password = move || {
        (tried.get() && password.get().is_empty()).then(|| t("credentials.current_missing"))
    };
    let target = part("email");
    let (submit_actions, submit_target, client) =
        (actions.clone(), target.clone(), context.client.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        done.set(false);
        if problem().is_some() || needs_password().is_some() {
            return;
        }
        let body = UpdateEmailRequest {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        let client = client.clone();
        submit_actions.run(
            submit_target.clone(),
            async move { client.update_email(&body).await },
            move |()| {
                password.set(String::new());
                tried.set(false);
                done.set(true);
                account.reload();
            },
        );
    };
    let panel = {
        let (a, t) = (actions.clone(), target.clone());
        move || a.error(&t).and_then(|e| field_error(&e, "email"))
    };
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    let current = move || account.answer().and_then(Answer::ok).map(|a| a.email);
    view! {
        <form class="editor" on:submit=submit novalidate aria-label=t("credentials.change_email")>
            <h3>{t("account.email")}</h3>
            <p class="muted small">{move || current().map(|e| tf("credentials.now", &[&e]))}</p>
            <label for="new-email">{t("credentials.new_email")}</label>
            <input id="new-email" type="email" bind:value=email autocomplete="email" aria-invalid=move || problem().is_some().to_string()/>
            <p class="hint" aria-live="polite">{problem}{panel}</p>
            <label for="email-password">{t("credentials.current")}</label>
            <input id="email-password" type="password" bind:value=password autocomplete="current-password"/>
            <p class="hint" aria-live="polite">{needs_password}</p>
            <ActionError actions=actions.clone() target=target.clone()/>
            <button type="submit" class="primary" disabled=pending>{move || if pending.get() { t("editor.saving") } else { t("credentials.change_email") }}</button>
            <p class="ok" aria-live="polite">{move || done.get().then(|| t("credentials.email_changed"))}</p>
        </form>
    }
}

#[component]
fn PasswordForm(context: AccountContext) -> impl IntoView {
    let actions = Actions::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let done = RwSignal::new(false);
    let short = move || {
        let n = new.get().chars().count();
        let (least, now) = (MIN_PASSWORD.to_string(), n.to_string());
        (tried.get() && n < MIN_PASSWORD).then(|| tf("credentials.too_short", &[&least, &now]))
    };
    let mismatch = move || {
        (tried.get() && !again.get().is_empty() && again.get() != new.get())
            .then(|| t("credentials.mismatch"))
    };
    let needs_current =
        move || (tried.get() && current.get().is_empty()).then(|| t("credentials.current_missing"));
    let target = part("password");
    let (submit_actions, submit_target, client) =
        (actions.clone(), target.clone(), context.client.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        done.set(false);
        if short().is_some()
            || mismatch().is_some()
            || needs_current().is_some()
            || again.get_untracked().is_empty()
        {
            return;
        }
        let body = UpdatePasswordRequest {
            current_password: current.get_untracked(),
            password: new.get_untracked(),
            password_confirmation: again.get_untracked(),
        };
        let client = client.clone();
        submit_actions.run(
            submit_target.clone(),
            async move { client.update_password(&body).await },
            move |()| {
                for field in [current, new, again] {
                    field.set(String::new());
                }
                tried.set(false);
                done.set(true);
            },
        );
    };
    let panel = {
        let (a, t) = (actions.clone(), target.clone());
        move || a.error(&t).and_then(|e| field_error(&e, "password"))
    };
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    view! {
        <form class="editor" on:submit=submit novalidate aria-label=t("credentials.change_password")>
            <h3>{t("sftp.password")}</h3>
            <label for="current-password">{t("credentials.current")}</label>
            <input id="current-password" type="password" bind:value=current autocomplete="current-password"/>
            <p class="hint" aria-live="polite">{needs_current}</p>
            <label for="new-password">{t("credentials.new_password")}</label>
            <input id="new-password" type="password" bind:value=new autocomplete="new-password" aria-invalid=move || short().is_some().to_string()/>
            <p class="hint" aria-live="polite">{short}{panel}</p>
            <label for="new-password-again">{t("credentials.again")}</label>
            <input id="new-password-again" type="password" bind:value=again autocomplete="new-password" aria-invalid=move || mismatch().is_some().to_string()/>
            <p class="hint" aria-live="polite">{mismatch}{move || (tried.get() && again.get().is_empty()).then(|| t("credentials.again_missing"))}</p>
            <ActionError actions=actions.clone() target=target.clone()/>
            <button type="submit" class="primary" disabled=pending>{move || if pending.get() { t("editor.saving") } else { t("credentials.change_password") }}</button>
            <p class="ok" aria-live="polite">{move || done.get().then(|| t("credentials.password_changed"))}</p>
        </form>
    }
}
