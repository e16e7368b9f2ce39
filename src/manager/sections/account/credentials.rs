//! The account's email and password (each change asks for the current password), and
//! whether two-factor authentication is on (turned on and off in the panel itself).

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
            <h2 id="credentials-title">"Sign-in"</h2>
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
        None => view! { <p class="loading">"Checking two-factor authentication…"</p> }.into_any(),
        Some(Err(error)) => {
            view! { <ErrorNote error retry=Callback::new(move |_| status.reload())/> }.into_any()
        }
        Some(Ok(state)) => {
            let (class, text) = match state {
                TwoFactorStatus::Enabled => ("ok", "Two-factor authentication is on."),
                TwoFactorStatus::Disabled => ("warning", "Two-factor authentication is off: turn it on in the panel's account settings to protect this account."),
                TwoFactorStatus::Unknown => ("muted", "This panel does not tell API keys whether two-factor authentication is on."),
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
        (tried.get() && password.get().is_empty()).then_some("Enter your current password.")
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
        <form class="editor" on:submit=submit novalidate aria-label="Change email">
            <h3>"Email"</h3>
            <p class="muted small">{move || current().map(|e| format!("Now {e}"))}</p>
            <label for="new-email">"New email address"</label>
            <input id="new-email" type="email" bind:value=email autocomplete="email" aria-invalid=move || problem().is_some().to_string()/>
            <p class="hint" aria-live="polite">{problem}{panel}</p>
            <label for="email-password">"Current password"</label>
            <input id="email-password" type="password" bind:value=password autocomplete="current-password"/>
            <p class="hint" aria-live="polite">{needs_password}</p>
            <ActionError actions=actions.clone() target=target.clone()/>
            <button type="submit" class="primary" disabled=pending>{move || if pending.get() { "Saving…" } else { "Change email" }}</button>
            <p class="ok" aria-live="polite">{move || done.get().then_some("Email changed.")}</p>
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
        (tried.get() && n < MIN_PASSWORD)
            .then(|| format!("At least {MIN_PASSWORD} characters ({n} now)."))
    };
    let mismatch = move || {
        (tried.get() && !again.get().is_empty() && again.get() != new.get())
            .then_some("The two new passwords differ.")
    };
    let needs_current =
        move || (tried.get() && current.get().is_empty()).then_some("Enter your current password.");
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
        <form class="editor" on:submit=submit novalidate aria-label="Change password">
            <h3>"Password"</h3>
            <label for="current-password">"Current password"</label>
            <input id="current-password" type="password" bind:value=current autocomplete="current-password"/>
            <p class="hint" aria-live="polite">{needs_current}</p>
            <label for="new-password">"New password"</label>
            <input id="new-password" type="password" bind:value=new autocomplete="new-password" aria-invalid=move || short().is_some().to_string()/>
            <p class="hint" aria-live="polite">{short}{panel}</p>
            <label for="new-password-again">"New password again"</label>
            <input id="new-password-again" type="password" bind:value=again autocomplete="new-password" aria-invalid=move || mismatch().is_some().to_string()/>
            <p class="hint" aria-live="polite">{mismatch}{move || (tried.get() && again.get().is_empty()).then_some("Type the new password again.")}</p>
            <ActionError actions=actions.clone() target=target.clone()/>
            <button type="submit" class="primary" disabled=pending>{move || if pending.get() { "Saving…" } else { "Change password" }}</button>
            <p class="ok" aria-live="polite">{move || done.get().then_some("Password changed. The API key keeps working.")}</p>
        </form>
    }
}
