//! One entry of the listing: its checkbox, its name (opens a directory or the editor),
//! size and time, and its menu of actions with the small forms some need (a new name or
//! place, permissions, a confirmation to delete). The panel's refusal of an action on it
//! is shown under it.

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::FileObject;

use super::controller::Files;
use super::editor::Opened;
use crate::manager::format::{around, bytes};
use crate::manager::permissions::Permissions;
use crate::manager::sections::date_time;

/// Whether a file reads as text in the editor (by its type, as Wings reports it).
pub fn is_text(file: &FileObject) -> bool {
    let mime = file.mimetype.as_str();
    file.is_link()
        || mime.starts_with("text/")
        || mime.contains("json")
        || mime.contains("xml")
        || mime.contains("yaml")
        || mime.contains("javascript")
        || mime == "inode/x-empty"
        || mime.contains("charset")
}

/// Whether Wings can unpack it.
pub fn is_archive(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        ".tar.gz", ".tgz", ".zip", ".tar", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".rar", ".7z",
        ".gz",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Rename,
    Chmod,
    Delete,
}

fn close_menu(ev: &leptos::ev::MouseEvent) {
    let menu = ev
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .and_then(|el| el.closest("details").ok().flatten());
    if let Some(menu) = menu {
        let _ = menu.remove_attribute("open");
    }
}

#[component]
pub fn Row(files: Files, entry: FileObject, permissions: Permissions) -> impl IntoView {
    let name = entry.name.clone();
    let is_dir = entry.is_directory();
    let form = RwSignal::new(None::<Form>);
    let can = move |p: &str| permissions.can(p);
    let (read, update, create, delete, archive) = (
        can("file.read-content"),
        can("file.update"),
        can("file.create"),
        can("file.delete"),
        can("file.archive"),
    );
    let editable = !is_dir && read && is_text(&entry);
    let open = {
        let (name, size) = (name.clone(), entry.size);
        move |_| {
            if is_dir {
                files.open(files.path(&name));
            } else if editable {
                files.edit(Opened {
                    directory: files.directory.get_untracked(),
                    name: Some(name.clone()),
                    size,
                });
            } else if read {
                files.download(name.clone());
            }
        }
    };
    let checked = {
        let name = name.clone();
        move || files.selected.with(|s| s.contains(&name))
    };
    let toggle = {
        let name = name.clone();
        move |ev| {
            let on = event_target_checked(&ev);
            files.selected.update(|s| {
                if on {
                    s.insert(name.clone());
                } else {
                    s.remove(&name);
                }
            });
        }
    };
    let error = {
        let name = name.clone();
        move || files.errors.with(|e| e.get(&name).cloned())
    };
    // Choosing an action closes its menu (a `<details>`), so the menu does not cover the
    // form or the row below.
    let action = move |label: &'static str, shown: bool, run: Box<dyn Fn() + Send + Sync>| {
        shown.then(|| view! { <button type="button" role="menuitem" on:click=move |ev| { close_menu(&ev); run() }>{label}</button> })
    };
    let menu = {
        let n = name.clone();
        let (d1, d2, d3) = (n.clone(), n.clone(), n.clone());
        let archive_name = n.clone();
        view! {
            <details class="row-menu">
                <summary aria-label=tf("files.actions_for", &[&n])>"⋯"</summary>
                <div class="menu" role="menu">
                    {action(if is_dir { t("files.open") } else { t("files.edit") }, is_dir || editable, Box::new({
                        let (n, size) = (n.clone(), entry.size);
                        move || if is_dir { files.open(files.path(&n)) } else {
                            files.edit(Opened { directory: files.directory.get_untracked(), name: Some(n.clone()), size })
                        }
                    }))}
                    {action(t("files.download"), !is_dir && read, Box::new(move || files.download(d1.clone())))}
                    {action(t("files.rename_or_move"), update, Box::new(move || form.set(Some(Form::Rename))))}
                    {action(t("files.copy"), !is_dir && create, Box::new(move || files.copy(d2.clone())))}
                    {action(t("files.permissions"), update, Box::new(move || form.set(Some(Form::Chmod))))}
                    {action(t("files.archive"), archive, Box::new(move || files.archive(vec![archive_name.clone()])))}
                    {action(t("files.extract"), !is_dir && create && is_archive(&n), Box::new(move || files.extract(d3.clone())))}
                    {action(t("common.delete"), delete, Box::new(move || form.set(Some(Form::Delete))))}
                </div>
            </details>
        }
    };
    let mode_bits = entry.mode_bits.clone();
    let selected_class = checked.clone();
    let form_name = name.clone();
    view! {
        <tr class="file-row" data-name=name.clone() class:selected=selected_class>
            <td class="select">
                <input type="checkbox" aria-label=tf("files.select", &[&name]) prop:checked=checked on:change=toggle/>
            </td>
            <td class="name">
                <button type="button" class="link file-name" on:click=open
                    title=if is_dir { t("files.open_folder") } else if editable { t("files.edit") } else { t("files.download") }>
                    <span class=if is_dir { "icon dir" } else { "icon file" } aria-hidden="true"></span>
                    {name.clone()}
                </button>
                {entry.is_link().then(|| view! { <span class="tag" title=t("files.symlink")>{t("files.link")}</span> })}
            </td>
            <td class="size">{if is_dir { String::new() } else { bytes(entry.size) }}</td>
            <td class="modified"><time datetime=entry.modified_at.clone()>{date_time(&entry.modified_at)}</time></td>
            <td class="actions">{menu}</td>
        </tr>
        {move || form.get().map(|which| view! {
            <tr class="row-form"><td colspan="5">
                <RowForm files which name=form_name.clone() mode=mode_bits.clone() close=Callback::new(move |_| form.set(None))/>
            </td></tr>
        })}
        {move || error().map(|e| view! {
            <tr class="row-error"><td colspan="5"><p class="error" role="alert" data-testid="row-error">{e}</p></td></tr>
        })}
    }
}

#[component]
fn RowForm(
    files: Files,
    which: Form,
    name: String,
    mode: String,
    close: Callback<()>,
) -> impl IntoView {
    let value = RwSignal::new(match which {
        Form::Rename => name.clone(),
        Form::Chmod => mode,
        Form::Delete => String::new(),
    });
    let problem = RwSignal::new(None::<&'static str>);
    let target = name.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = value.get_untracked().trim().to_owned();
        match which {
            Form::Rename if input.is_empty() || input == target => {
                problem.set(Some(t("files.rename_problem")));
                return;
            }
            Form::Rename => files.rename(target.clone(), input),
            Form::Chmod if !ptero_api::valid_mode(&input) => {
                problem.set(Some(t("files.mode_problem")));
                return;
            }
            Form::Chmod => files.chmod(target.clone(), input),
            Form::Delete => files.delete(vec![target.clone()]),
        }
        close.run(());
    };
    let id = format!(
        "form-{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    view! {
        <form class="inline row-action" on:submit=submit>
            {match which {
                Form::Rename => view! {
                    <label for=id.clone()>{around(t("files.rename_label")).0} <code>{name.clone()}</code> {around(t("files.rename_label")).1}</label>
                    <input id=id.clone() type="text" bind:value=value autocomplete="off" spellcheck="false"/>
                    <button type="submit" class="primary">{t("files.rename")}</button>
                }.into_any(),
                Form::Chmod => view! {
                    <label for=id.clone()>{around(t("files.mode_label")).0} <code>{name.clone()}</code> {around(t("files.mode_label")).1}</label>
                    <input id=id.clone() type="text" inputmode="numeric" maxlength="4" bind:value=value class="mode"/>
                    <button type="submit" class="primary">{t("files.set")}</button>
                }.into_any(),
                Form::Delete => view! {
                    <span class="confirm">{around(t("files.delete_one")).0} <code>{name.clone()}</code> {around(t("files.delete_one")).1}</span>
                    <button type="submit" class="danger">{t("common.delete")}</button>
                }.into_any(),
            }}
            <button type="button" on:click=move |_| close.run(())>{t("common.cancel")}</button>
            {move || problem.get().map(|p| view! { <span class="error" role="alert">{p}</span> })}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_known_by_their_extension() {
        assert!(is_archive("archive-2024.tar.gz") && is_archive("Mods.ZIP"));
        assert!(!is_archive("server.properties"));
    }
}
