//! Settings: the server's name and description, its docker image (one of the egg's),
//! reinstalling (confirmed), and the SFTP details. Each part shows only with its
//! permission (`settings.rename`, `startup.docker-image` with `startup.read`,
//! `settings.reinstall`, `file.sftp`); the panel's 422 sentences go next to their field.

use crate::i18n::ui::t;
use leptos::prelude::*;
use ptero_api::{PanelError, Server};

use super::files::controller::sentence;
use super::format::around;
use super::permissions::Permissions;
use crate::api::{ApiError, Load, PanelClient, Scope};
use crate::live::WingsLive;

/// The panel's 422 sentences for `field`, else the whole refusal (for the form's top).
fn field_errors(error: &ApiError, field: &str) -> Option<String> {
    match error {
        ApiError::Panel(PanelError::Validation { errors }) => {
            let mine: Vec<String> = errors
                .iter()
                .filter(|e| e.source_field == field)
                .map(|e| e.detail.clone())
                .collect();
            (!mine.is_empty()).then(|| mine.join(" "))
        }
        _ => None,
    }
}

#[component]
pub fn SettingsTab(
    client: PanelClient,
    server: Server,
    live: WingsLive,
    permissions: Permissions,
) -> impl IntoView {
    let id = server.identifier.clone();
    let images = permissions.can("startup.docker-image") && permissions.can("startup.read");
    view! {
        <div class="settings" data-testid="settings">
            {permissions.can("settings.rename").then(|| view! { <Rename client=client.clone() server=server.clone()/> })}
            {images.then(|| view! { <DockerImage client=client.clone() server=server.clone()/> })}
            {permissions.can("settings.reinstall").then(|| view! { <Reinstall client=client.clone() id=id.clone() live/> })}
            {permissions.can("file.sftp").then(|| view! {
                <super::sftp::Sftp client=client.clone() sftp=server.sftp_details.clone() server=id.clone()/>
            })}
            {(!permissions.any("settings.") && !images && !permissions.can("file.sftp")).then(|| view! {
                <p class="empty">{t("settings.none")}</p>
            })}
        </div>
    }
}

#[component]
fn Rename(client: PanelClient, server: Server) -> impl IntoView {
    let name = RwSignal::new(server.name.clone());
    let description = RwSignal::new(server.description.clone());
    let outcome = RwSignal::new(None::<Result<(), ApiError>>);
    let scope = StoredValue::new_local(Scope::new());
    let id = server.identifier.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (client, id) = (client.clone(), id.clone());
        let (n, d) = (name.get_untracked(), description.get_untracked());
        outcome.set(None);
        scope.with_value(|scope| {
            scope.spawn(async move {
                let result = client.rename_server(&id, n.trim(), d.trim()).await;
                if result != Err(ApiError::Aborted) {
                    outcome.set(Some(result));
                }
            })
        });
    };
    let error_of = move |field: &'static str| {
        move || {
            outcome.with(|o| {
                o.as_ref()
                    .and_then(|r| r.as_ref().err())
                    .and_then(|e| field_errors(e, field))
            })
        }
    };
    let other = move || {
        outcome.with(|o| match o {
            Some(Err(e))
                if field_errors(e, "name").is_none()
                    && field_errors(e, "description").is_none() =>
            {
                Some(sentence(e))
            }
            _ => None,
        })
    };
    view! {
        <section aria-labelledby="rename-title">
            <h2 id="rename-title">{t("settings.rename_title")}</h2>
            <form class="stack" on:submit=submit>
                <label for="server-name">{t("settings.name")}</label>
                <input id="server-name" type="text" maxlength=ptero_api::settings::MAX_SERVER_NAME.to_string()
                    bind:value=name aria-describedby="server-name-error" aria-invalid=move || error_of("name")().is_some().to_string()/>
                <p id="server-name-error" class="field-message error">{error_of("name")}</p>
                <label for="server-description">{t("settings.description")}</label>
                <textarea id="server-description" rows="2" prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev)) aria-describedby="server-description-error"></textarea>
                <p id="server-description-error" class="field-message error">{error_of("description")}</p>
                <button type="submit" class="primary">{t("common.save")}</button>
                <p aria-live="polite" class="field-message">
                    {move || matches!(outcome.get(), Some(Ok(()))).then(|| view! { <span class="ok">{t("common.saved")}</span> })}
                    {move || other().map(|e| view! { <span class="error" role="alert">{e}</span> })}
                </p>
            </form>
        </section>
    }
}

#[component]
fn DockerImage(client: PanelClient, server: Server) -> impl IntoView {
    let id = server.identifier.clone();
    let current = RwSignal::new(server.docker_image.clone());
    let chosen = RwSignal::new(server.docker_image.clone());
    let startup = {
        let (client, id) = (client.clone(), id.clone());
        Load::new(move || {
            let (client, id) = (client.clone(), id.clone());
            async move { client.startup(&id).await }
        })
    };
    let outcome = RwSignal::new(None::<Result<(), ApiError>>);
    let scope = StoredValue::new_local(Scope::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (client, id, image) = (client.clone(), id.clone(), chosen.get_untracked());
        outcome.set(None);
        scope.with_value(|scope| {
            scope.spawn(async move {
                let result = client.set_docker_image(&id, &image).await;
                if result.is_ok() {
                    current.set(image);
                }
                if result != Err(ApiError::Aborted) {
                    outcome.set(Some(result));
                }
            })
        });
    };
    view! {
        <section aria-labelledby="image-title">
            <h2 id="image-title">{t("settings.image_title")}</h2>
            {move || match startup.answer() {
                None => view! { <p class="loading">{t("settings.image_loading")}</p> }.into_any(),
                Some(Err(error)) => view! { <p class="error">{sentence(&error)}</p> }.into_any(),
                Some(Ok(list)) => {
                    let images: Vec<(String, String)> = list.meta.and_then(|m| m.docker_images).map(|d| d.0.into_iter().collect()).unwrap_or_default();
                    if images.is_empty() {
                        return view! { <p class="muted">{t("settings.image_none")}</p> }.into_any();
                    }
                    if !images.iter().any(|(_, image)| *image == current.get_untracked()) {
                        return view! {
                            <p class="muted">{around(t("settings.image_fixed")).0} <code>{current.get_untracked()}</code> {around(t("settings.image_fixed")).1}</p>
                        }.into_any();
                    }
                    view! {
                        <form class="inline" on:submit=submit.clone()>
                            <label for="docker-image" class="sr-only">{t("settings.image")}</label>
                            <select id="docker-image" on:change=move |ev| chosen.set(event_target_value(&ev))>
                                {images.into_iter().map(|(name, image)| {
                                    let selected = image == current.get_untracked();
                                    view! { <option value=image.clone() selected=selected>{format!("{name} ({image})")}</option> }
                                }).collect_view()}
                            </select>
                            <button type="submit" class="primary">{t("settings.image_use")}</button>
                        </form>
                    }.into_any()
                }
            }}
            <p aria-live="polite" class="field-message">
                {move || match outcome.get() {
                    Some(Ok(())) => Some(view! { <span class="ok">{t("common.saved_next_start")}</span> }.into_any()),
                    Some(Err(e)) => Some(view! { <span class="error" role="alert">{field_errors(&e, "docker_image").unwrap_or_else(|| sentence(&e))}</span> }.into_any()),
                    None => None,
                }}
            </p>
        </section>
    }
}

#[component]
fn Reinstall(client: PanelClient, id: String, live: WingsLive) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), ApiError>>);
    let scope = StoredValue::new_local(Scope::new());
    let start = move |_| {
        confirm.set(false);
        let (client, id) = (client.clone(), id.clone());
        outcome.set(None);
        scope.with_value(|scope| {
            scope.spawn(async move {
                let result = client.reinstall(&id).await;
                if result != Err(ApiError::Aborted) {
                    outcome.set(Some(result));
                }
            })
        });
    };
    view! {
        <section class="danger-zone" aria-labelledby="reinstall-title">
            <h2 id="reinstall-title">{t("settings.reinstall")}</h2>
            <p class="muted">{t("settings.reinstall_hint")}</p>
            <Show when=move || !confirm.get() fallback=move || view! {
                <div class="confirm-row" role="group" aria-label=t("settings.reinstall_confirm_label")>
                    <p class="confirm">{t("settings.reinstall_confirm")}</p>
                    <button type="button" class="danger" on:click=start.clone()>{t("settings.reinstall")}</button>
                    <button type="button" on:click=move |_| confirm.set(false)>{t("common.cancel")}</button>
                </div>
            }>
                <button type="button" class="danger-outline" on:click=move |_| confirm.set(true)>{t("settings.reinstall_open")}</button>
            </Show>
            <p aria-live="polite" class="field-message" data-installs=move || live.install_changed.get().to_string()>
                {move || match outcome.get() {
                    Some(Ok(())) => Some(view! { <span class="ok">{t("settings.reinstalling")}</span> }.into_any()),
                    Some(Err(e)) => Some(view! { <span class="error" role="alert">{sentence(&e)}</span> }.into_any()),
                    None => None,
                }}
            </p>
        </section>
    }
}
