//! The file manager's toolbar: new file, new folder, upload (several files), pull from a
//! URL, and for a selection: move, archive, delete (confirmed). Errors about the
//! directory itself are shown here.

use crate::i18n::ui::{t, tp};
use leptos::prelude::*;

use super::controller::{Files, HERE};
use super::editor::Opened;
use crate::manager::permissions::Permissions;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Folder,
    Pull,
    Move,
    Delete,
}

#[component]
pub fn Toolbar(files: Files, permissions: Permissions) -> impl IntoView {
    let open = RwSignal::new(None::<Open>);
    let text = RwSignal::new(String::new());
    let extra = RwSignal::new(String::new());
    let create = permissions.can("file.create");
    let (update, delete, archive) = (
        permissions.can("file.update"),
        permissions.can("file.delete"),
        permissions.can("file.archive"),
    );
    let show = move |which: Open| {
        text.set(match which {
            Open::Move => files.directory.get_untracked(),
            _ => String::new(),
        });
        extra.set(String::new());
        open.set(Some(which));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = text.get_untracked().trim().to_owned();
        let selected: Vec<String> = files.selected.get_untracked().into_iter().collect();
        match open.get_untracked() {
            Some(Open::Folder) if !value.is_empty() => files.create_folder(value),
            Some(Open::Pull) if !value.is_empty() => {
                let name = extra.get_untracked().trim().to_owned();
                files.pull(value, (!name.is_empty()).then_some(name));
            }
            Some(Open::Move) if !value.is_empty() => files.move_to(selected, value),
            Some(Open::Delete) => files.delete(selected),
            _ => return,
        }
        open.set(None);
    };
    let on_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        files.upload(crate::api::transfer::files_of(input.files()));
        input.set_value("");
    };
    let selected = move || files.selected.with(|s| s.len());
    view! {
        <div class="file-toolbar" role="toolbar" aria-label=t("files.toolbar")>
            {create.then(|| view! {
                <button type="button" on:click=move |_| files.edit(Opened { directory: files.directory.get_untracked(), name: None, size: 0 })>{t("files.new_file")}</button>
                <button type="button" on:click=move |_| show(Open::Folder)>{t("files.new_folder")}</button>
                <label class="button" for="upload-input">{t("files.upload")}</label>
                <input id="upload-input" class="sr-only" type="file" multiple on:change=on_files/>
                <button type="button" on:click=move |_| show(Open::Pull)>{t("files.pull_open")}</button>
            })}
        </div>
        <Show when=move || { selected() > 0 }>
            <div class="bulk-bar" role="toolbar" aria-label=t("files.selection")>
                <span>{move || tp("files.selected", selected() as f64, &[&selected().to_string()])}</span>
                {update.then(|| view! { <button type="button" on:click=move |_| show(Open::Move)>{t("files.move_open")}</button> })}
                {archive.then(|| view! { <button type="button" on:click=move |_| files.archive(files.selected.get_untracked().into_iter().collect())>{t("files.archive")}</button> })}
                {delete.then(|| view! { <button type="button" class="danger-outline" on:click=move |_| show(Open::Delete)>{t("common.delete_open")}</button> })}
                <button type="button" class="link" on:click=move |_| files.selected.set(Default::default())>{t("files.clear")}</button>
            </div>
        </Show>
        {move || open.get().map(|which| view! {
            <form class="inline toolbar-form" on:submit=submit>
                {match which {
                    Open::Folder => view! {
                        <label for="toolbar-input">{t("files.folder_name")}</label>
                        <input id="toolbar-input" type="text" bind:value=text autocomplete="off"/>
                        <button type="submit" class="primary">{t("files.create")}</button>
                    }.into_any(),
                    Open::Pull => view! {
                        <label for="toolbar-input">{t("files.pull_url")}</label>
                        <input id="toolbar-input" type="url" placeholder="https://…" bind:value=text/>
                        <label for="toolbar-name" class="sr-only">{t("files.save_as")}</label>
                        <input id="toolbar-name" type="text" placeholder=t("files.save_as_placeholder") bind:value=extra/>
                        <button type="submit" class="primary">{t("files.pull")}</button>
                    }.into_any(),
                    Open::Move => view! {
                        <label for="toolbar-input">{t("files.move_to")}</label>
                        <input id="toolbar-input" type="text" bind:value=text autocomplete="off" spellcheck="false"/>
                        <button type="submit" class="primary">{t("files.move")}</button>
                    }.into_any(),
                    Open::Delete => view! {
                        <span class="confirm">{move || tp("files.delete_selected", selected() as f64, &[&selected().to_string()])}</span>
                        <button type="submit" class="danger">{t("common.delete")}</button>
                    }.into_any(),
                }}
                <button type="button" on:click=move |_| open.set(None)>{t("common.cancel")}</button>
            </form>
        })}
        {move || files.errors.with(|e| e.get(HERE).cloned()).map(|e| view! {
            <p class="error" role="alert" data-testid="files-error">{e}</p>
        })}
    }
}
