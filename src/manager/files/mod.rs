//! The file manager: breadcrumbs, the directory's entries with a checkbox each, an action
//! menu per entry (open, download, rename or move, copy, permissions, archive, extract,
//! delete with a confirmation), bulk move, archive and delete for the selection, new
//! files and folders, pulls from a URL, uploads (button or drop, several at once, with
//! progress), and the editor. What the viewer's permissions do not allow is not shown;
//! what the panel refuses is shown next to the file it concerns.

pub mod controller;
mod editor;
pub mod highlight;
mod row;
mod toolbar;

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;

use controller::{Files, UploadState};
use editor::Editor;

use super::permissions::Permissions;
use crate::api::PanelClient;
use crate::components::ErrorNote;

pub use editor::{occurrences, Opened, MAX_EDIT_BYTES, TOO_LARGE};

/// The breadcrumbs of `directory`: `("/", "/")`, then each part with its path.
pub fn crumbs(directory: &str) -> Vec<(String, String)> {
    let mut path = String::new();
    let mut crumbs = vec![("/".to_owned(), "/".to_owned())];
    for part in directory.split('/').filter(|p| !p.is_empty()) {
        path = ptero_api::join_path(&path, part);
        crumbs.push((part.to_owned(), path.clone()));
    }
    crumbs
}

#[component]
pub fn FileManager(client: PanelClient, server: String, permissions: Permissions) -> impl IntoView {
    let files = Files::new(client, server);
    let dropping = RwSignal::new(false);
    let can_create = permissions.can("file.create");
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dropping.set(false);
        if can_create {
            let list = ev.data_transfer().and_then(|t| t.files());
            files.upload(crate::api::transfer::files_of(list));
        }
    };
    let on_drag = move |ev: leptos::ev::DragEvent| {
        if can_create {
            ev.prevent_default();
            dropping.set(true);
        }
    };
    view! {
        <section class="files" aria-labelledby="files-title" data-testid="files"
            class:dropping=move || dropping.get()
            on:dragover=on_drag on:dragenter=on_drag on:dragleave=move |_| dropping.set(false) on:drop=on_drop>
            <h2 id="files-title" class="sr-only">{t("tabs.files")}</h2>
            {move || match files.editing.get() {
                Some(opened) => view! { <Editor files opened writable=can_create/> }.into_any(),
                None => view! { <Browser files permissions=permissions.clone()/> }.into_any(),
            }}
            <Uploads files/>
            <Show when=move || dropping.get()>
                <div class="drop-hint" aria-hidden="true">{t("files.drop_hint")}</div>
            </Show>
        </section>
    }
}

#[component]
fn Browser(files: Files, permissions: Permissions) -> impl IntoView {
    let toolbar_permissions = permissions.clone();
    view! {
        <nav class="crumbs" aria-label=t("files.current_directory")>
            {move || {
                let all = crumbs(&files.directory.get());
                let last = all.len() - 1;
                all.into_iter().enumerate().map(|(i, (label, path))| {
                    if i == last {
                        view! { <span class="crumb" aria-current="location">{label}</span> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="link crumb" on:click=move |_| files.open(path.clone())>{label}</button>
                            <span class="crumb-sep" aria-hidden="true">"/"</span>
                        }.into_any()
                    }
                }).collect_view()
            }}
        </nav>
        <toolbar::Toolbar files permissions=toolbar_permissions/>
        <div aria-live="polite" class="file-status">
            {move || files.busy.get().map(|b| view! { <p class="loading">{b}</p> })}
            {move || files.notice.get().map(|n| view! { <p class="ok" data-testid="files-notice">{n}</p> })}
        </div>
        {move || match files.listing.answer() {
            None => view! { <p class="loading">{t("files.loading")}</p> }.into_any(),
            Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| files.reload())/> }.into_any(),
            Some(Ok(entries)) if entries.is_empty() => view! { <p class="empty">{t("files.empty")}</p> }.into_any(),
            Some(Ok(entries)) => {
                let permissions = permissions.clone();
                let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
                let all_selected = {
                    let names = names.clone();
                    move || files.selected.with(|s| !names.is_empty() && names.iter().all(|n| s.contains(n)))
                };
                view! {
                    <table class="file-table">
                        <thead><tr>
                            <th scope="col" class="select">
                                <input type="checkbox" aria-label=t("files.select_all") prop:checked=all_selected
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        files.selected.set(if on { names.iter().cloned().collect() } else { Default::default() });
                                    }/>
                            </th>
                            <th scope="col">{t("files.name")}</th>
                            <th scope="col" class="size">{t("files.size")}</th>
                            <th scope="col" class="modified">{t("files.modified")}</th>
                            <th scope="col" class="actions"><span class="sr-only">{t("files.actions")}</span></th>
                        </tr></thead>
                        <tbody>
                            {entries.into_iter().map(|entry| view! {
                                <row::Row files entry permissions=permissions.clone()/>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        }}
    }
}

#[component]
fn Uploads(files: Files) -> impl IntoView {
    view! {
        <Show when=move || files.uploads.with(|u| !u.is_empty())>
            <ul class="uploads" aria-label=t("files.uploads") data-testid="uploads">
                {move || files.uploads.get().into_iter().map(|upload| {
                    let percent = if upload.total > 0.0 { (upload.sent / upload.total * 100.0).clamp(0.0, 100.0) } else { 0.0 };
                    let (state, class) = match &upload.state {
                        UploadState::Waiting => (t("files.upload_waiting").to_owned(), "upload"),
                        UploadState::Sending => (super::format::percent_whole(percent), "upload"),
                        UploadState::Done => (t("files.uploaded").to_owned(), "upload done"),
                        UploadState::Failed(why) => (why.clone(), "upload failed"),
                    };
                    view! {
                        <li class=class data-upload=upload.name.clone()>
                            <span class="upload-name">{upload.name.clone()}</span>
                            <progress max="100" value=crate::components::fixed(percent, 0)
                                aria-label=tf("files.upload_of", &[&upload.name])></progress>
                            <span class="upload-state">{state}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breadcrumbs_name_each_directory() {
        assert_eq!(crumbs("/"), [("/".to_owned(), "/".to_owned())]);
        assert_eq!(
            crumbs("/world/region"),
            [
                ("/".to_owned(), "/".to_owned()),
                ("world".to_owned(), "/world".to_owned()),
                ("region".to_owned(), "/world/region".to_owned())
            ]
        );
    }
}
