//! A server's startup command and egg variables; editable ones can be changed, with the
//! panel's 422 messages shown next to the field.

use crate::i18n::ui::t;
use leptos::prelude::*;
use ptero_api::{EggVariable, PanelError};

use crate::api::{ApiError, Load, PanelClient, Scope};
use crate::components::ErrorNote;

#[component]
pub fn Startup(client: PanelClient, server: String) -> impl IntoView {
    let load_client = client.clone();
    let load_server = server.clone();
    let startup = Load::new(move || {
        let (client, server) = (load_client.clone(), load_server.clone());
        async move { client.startup(&server).await }
    });
    view! {
        <section class="startup" aria-labelledby="startup-title">
            <h2 id="startup-title">{t("tabs.startup")}</h2>
            {move || match startup.answer() {
                None => view! { <p class="loading">{t("startup.loading")}</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| startup.reload())/> }.into_any(),
                Some(Ok(list)) => {
                    let command = list.meta.as_ref().map(|m| m.startup_command.clone()).unwrap_or_default();
                    view! {
                        <p><code class="startup-command">{command}</code></p>
                        <div class="variables">
                            {list.data.into_iter().map(|item| view! {
                                <Variable variable=item.attributes client=client.clone() server=server.clone()/>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Variable(variable: EggVariable, client: PanelClient, server: String) -> impl IntoView {
    let value = RwSignal::new(variable.effective_value().to_string());
    let key = variable.env_variable.clone();
    let scope = Scope::new();
    let save = Action::new_local(move |new_value: &String| {
        let (client, server, key, new_value) = (
            client.clone(),
            server.clone(),
            key.clone(),
            new_value.clone(),
        );
        scope.wrap(async move { client.set_variable(&server, &key, &new_value).await })
    });
    let message = move || match save.value().get() {
        Some(Ok(())) => Some(("ok", t("common.saved_next_start").to_string())),
        Some(Err(ApiError::Panel(PanelError::Validation { errors }))) => Some((
            "error",
            errors
                .into_iter()
                .map(|e| e.detail)
                .collect::<Vec<_>>()
                .join(" "),
        )),
        Some(Err(error)) => Some(("error", error.to_string())),
        None => None,
    };
    let id = format!("var-{}", variable.env_variable);
    let hint = format!("{id}-hint");
    let editable = variable.is_editable;
    view! {
        <div class="variable">
            <label for=id.clone()>{variable.name.clone()} " " <code>{variable.env_variable.clone()}</code></label>
            <p class="muted">{variable.description.clone()}</p>
            <form class="inline" on:submit=move |ev| { ev.prevent_default(); save.dispatch(value.get_untracked()); }>
                <input id=id type="text" bind:value=value readonly=!editable aria-describedby=hint.clone()
                    aria-invalid=move || matches!(message(), Some(("error", _))).to_string()/>
                {editable.then(|| view! { <button type="submit" disabled=move || save.pending().get()>{t("common.save")}</button> })}
            </form>
            <p id=hint class="field-message" aria-live="polite">
                {move || message().map(|(class, text)| view! { <span class=class>{text}</span> })}
                {(!editable).then(|| view! { <span class="muted">{t("startup.read_only")}</span> })}
            </p>
        </div>
    }
}
