//! What every management screen shares: [`Actions`] (one controller of a screen's
//! requests: what is pending, which item an error belongs to, all stopped with the
//! screen), the panel's field errors, a copy button, a two-step confirmation and the
//! note shown for a missing permission.

use crate::i18n::ui::{t, tf};
use std::future::Future;

use leptos::prelude::*;
use ptero_api::PanelError;

use send_wrapper::SendWrapper;

use crate::api::{ApiError, Scope};

/// What an action is about: where its pending marker and its error are shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The screen's create form.
    New,
    /// One item (a schedule, a database…) by its id.
    Item(String),
    /// One part of an item (a task of a schedule, a field of the account).
    Part(String, String),
}

impl Target {
    pub fn item(id: impl ToString) -> Self {
        Target::Item(id.to_string())
    }
}

/// A screen's actions: one at a time per target, each failure kept beside its target,
/// and every request stopped when the screen goes (its [`Scope`] is the screen's).
///
/// The scope sits in a `SendWrapper` so views may hold the controller (Leptos' views
/// want `Send` closures); the app has one thread, where it was made.
#[derive(Clone)]
pub struct Actions {
    scope: SendWrapper<Scope>,
    pending: RwSignal<Vec<Target>>,
    failed: RwSignal<Option<(Target, ApiError)>>,
}

impl Default for Actions {
    fn default() -> Self {
        Self::new()
    }
}

impl Actions {
    /// Made in the component that owns the screen.
    pub fn new() -> Self {
        Self {
            scope: SendWrapper::new(Scope::new()),
            pending: RwSignal::new(Vec::new()),
            failed: RwSignal::new(None),
        }
    }

    /// Runs `request` for `target`; on success `then` gets the answer (to update the
    /// screen), on failure the error is kept for `target`.
    pub fn run<T: 'static>(
        &self,
        target: Target,
        request: impl Future<Output = Result<T, ApiError>> + 'static,
        then: impl FnOnce(T) + 'static,
    ) {
        if self.pending.with_untracked(|p| p.contains(&target)) {
            return;
        }
        let (pending, failed) = (self.pending, self.failed);
        pending.update(|p| p.push(target.clone()));
        failed.update(|f| {
            if f.as_ref().is_some_and(|(t, _)| *t == target) {
                *f = None;
            }
        });
        self.scope.spawn(async move {
            let answer = request.await;
            pending.try_update(|p| p.retain(|t| *t != target));
            match answer {
                Ok(value) => then(value),
                Err(ApiError::Aborted) => {}
                Err(error) => {
                    failed.try_set(Some((target, error)));
                }
            }
        });
    }

    /// Whether an action for `target` runs (tracked).
    pub fn is_pending(&self, target: &Target) -> bool {
        self.pending.with(|p| p.contains(target))
    }

    /// The last failure, when it was `target`'s (tracked).
    pub fn error(&self, target: &Target) -> Option<ApiError> {
        self.failed.with(|f| {
            f.as_ref()
                .filter(|(t, _)| t == target)
                .map(|(_, e)| e.clone())
        })
    }

    /// Shows a failure found before sending (bad input) beside `target`.
    pub fn fail(&self, target: Target, error: ApiError) {
        self.failed.set(Some((target, error)));
    }

    pub fn clear(&self, target: &Target) {
        self.failed.update(|f| {
            if f.as_ref().is_some_and(|(t, _)| t == target) {
                *f = None;
            }
        });
    }
}

/// The panel's sentence for one request field of a 422, when there is one.
pub fn field_error(error: &ApiError, field: &str) -> Option<String> {
    match error {
        ApiError::Panel(PanelError::Validation { errors }) => errors
            .iter()
            .find(|e| e.source_field == field || e.source_field.starts_with(&format!("{field}.")))
            .map(|e| e.detail.clone()),
        _ => None,
    }
}

/// An action's failure beside its target, in a live region.
#[component]
pub fn ActionError(actions: Actions, target: Target) -> impl IntoView {
    view! {
        <div class="action-error" aria-live="polite">
            {move || actions.error(&target).map(|error| view! {
                <p class="error" role="alert" data-error=kind(&error)>{error.to_string()}</p>
            })}
        </div>
    }
}

/// A stable class for an error (tests and styles key on it).
pub fn kind(error: &ApiError) -> &'static str {
    match error {
        ApiError::Panel(PanelError::Forbidden(_)) => "forbidden",
        ApiError::Panel(PanelError::Validation { .. }) => "invalid",
        ApiError::Panel(PanelError::Refused { .. }) => "refused",
        ApiError::Panel(PanelError::RateLimited { .. } | PanelError::Throttled { .. }) => {
            "throttled"
        }
        ApiError::Panel(PanelError::NotFound) => "not-found",
        ApiError::Panel(PanelError::Conflict { .. }) => "conflict",
        ApiError::Unreachable { .. } | ApiError::Offline => "unreachable",
        _ => "other",
    }
}

/// Copies `text` to the clipboard; says "Copied" for a moment.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, label: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    view! {
        <button type="button" class="copy" aria-label=tf("copy.label", &[&label]) on:click=move |_| {
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&text.get_untracked());
                copied.set(true);
            }
        }>{move || if copied.get() { t("copy.copied") } else { t("copy.copy") }}</button>
    }
}

/// A destructive button that asks first: "Delete…" then "Delete" / "Cancel".
#[component]
pub fn Confirm(
    label: &'static str,
    question: String,
    #[prop(into)] pending: Signal<bool>,
    on_confirm: Callback<()>,
    #[prop(optional)] name: Option<String>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let aria = name.map(|name| tf("kit.action_on", &[label, &name]));
    move || {
        if asking.get() {
            view! {
                <span class="confirm-row" role="group">
                    <span class="confirm">{question.clone()}</span>
                    <button type="button" class="danger" disabled=move || pending.get()
                        on:click=move |_| { asking.set(false); on_confirm.run(()); }>{label}</button>
                    <button type="button" on:click=move |_| asking.set(false)>{t("common.cancel")}</button>
                </span>
            }.into_any()
        } else {
            view! {
                <button type="button" class="danger-outline" aria-label=aria.clone() disabled=move || pending.get()
                    on:click=move |_| asking.set(true)>{format!("{label}…")}</button>
            }.into_any()
        }
    }
}

/// Shown instead of a screen the account may not see: `text` names the screen and has
/// `{0}` for the permission ("… has not granted {0}.").
#[component]
pub fn NoPermission(text: &'static str, permission: &'static str) -> impl IntoView {
    view! {
        <p class="empty no-permission" data-permission=permission>
            {text.replace("{0}", permission)}
        </p>
    }
}

/// "Loading…" while a list's first answer is awaited (`text`: "Loading schedules…").
#[component]
pub fn Loading(text: &'static str) -> impl IntoView {
    view! { <p class="loading" aria-busy="true">{text}</p> }
}
