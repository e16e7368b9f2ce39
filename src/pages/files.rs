//! A server's files: browse directories (breadcrumbs, sizes, dates, symlinks marked) and
//! read a text file. Large and binary files are refused with the reason.

use leptos::prelude::*;
use ptero_api::FileObject;

use crate::api::{ApiError, Load, PanelClient, Scope};
use crate::components::{bytes, ErrorNote};

/// The panel refuses to open files over this in its editor (PTERODACTYL_FILES_MAX_EDIT_SIZE).
const MAX_VIEW_BYTES: u64 = 4 * 1024 * 1024;

/// Why a file cannot be shown, or `None` when it can.
pub fn unviewable(file: &FileObject) -> Option<String> {
    if file.size > MAX_VIEW_BYTES {
        return Some(format!(
            "{} is {}: too large to view here (limit 4 MiB). Download it over SFTP.",
            file.name,
            bytes(file.size)
        ));
    }
    if file.is_link() {
        return None; // the panel follows the link; it says so itself if the target is unreadable
    }
    let mime = file.mimetype.as_str();
    let textual = mime.starts_with("text/")
        || mime.contains("json")
        || mime.contains("xml")
        || mime.contains("yaml")
        || mime.contains("javascript")
        || mime == "inode/x-empty"
        || mime.contains("charset");
    (!textual).then(|| {
        format!(
            "{} is a binary file ({mime}); it cannot be shown as text.",
            file.name
        )
    })
}

fn join(dir: &str, name: &str) -> String {
    format!("{}/{name}", dir.trim_end_matches('/'))
}

#[component]
pub fn Files(client: PanelClient, server: String) -> impl IntoView {
    let directory = RwSignal::new("/".to_string());
    let open_file = RwSignal::new(None::<(String, Result<String, String>)>);
    let list_client = client.clone();
    let list_server = server.clone();
    let listing = Load::new(move || {
        let (client, server, dir) = (list_client.clone(), list_server.clone(), directory.get());
        async move { client.files(&server, &dir).await }
    });
    let scope = Scope::new();
    let view_file = Action::new_local(move |path: &String| {
        let (client, server, path) = (client.clone(), server.clone(), path.clone());
        scope.wrap(async move {
            let text = client
                .file_contents(&server, &path)
                .await
                .map_err(|e: ApiError| e.to_string());
            (path, text)
        })
    });
    Effect::new(move |_| {
        if let Some(result) = view_file.value().get() {
            open_file.set(Some(result));
        }
    });

    let crumbs = move || {
        let dir = directory.get();
        let mut path = String::new();
        let mut crumbs = vec![("/".to_string(), "/".to_string())];
        for part in dir.split('/').filter(|p| !p.is_empty()) {
            path = join(&path, part);
            crumbs.push((part.to_string(), path.clone()));
        }
        crumbs
    };
    view! {
        <section class="files" aria-labelledby="files-title">
            <h2 id="files-title">"Files"</h2>
            <nav class="crumbs" aria-label="Current directory">
                {move || crumbs().into_iter().map(|(label, path)| view! {
                    <button type="button" class="link" on:click=move |_| { open_file.set(None); directory.set(path.clone()); }>{label}</button>
                    " "
                }).collect_view()}
            </nav>
            {move || match listing.answer() {
                        None => view! { <p class="loading">"Loading files…"</p> }.into_any(),
                        Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| listing.reload())/> }.into_any(),
                        Some(Ok(files)) if files.is_empty() => view! { <p class="empty">"This directory is empty."</p> }.into_any(),
                        Some(Ok(files)) => view! {
                            <table class="file-table">
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Size"</th><th scope="col">"Modified"</th></tr></thead>
                                <tbody>
                                    {files.into_iter().map(|file| {
                                        let path = join(&directory.get_untracked(), &file.name);
                                        let is_dir = file.is_directory();
                                        let refusal = unviewable(&file);
                                        let click = move |_| {
                                            if is_dir {
                                                open_file.set(None);
                                                directory.set(path.clone());
                                            } else if let Some(reason) = refusal.clone() {
                                                open_file.set(Some((path.clone(), Err(reason))));
                                            } else {
                                                view_file.dispatch(path.clone());
                                            }
                                        };
                                        view! {
                                            <tr>
                                                <td>
                                                    <button type="button" class="link" on:click=click>
                                                        {if is_dir { "📁 " } else { "" }}{file.name.clone()}
                                                    </button>
                                                    {file.is_link().then(|| view! { <span class="tag" title="Symbolic link">" link"</span> })}
                                                </td>
                                                <td>{if is_dir { String::new() } else { bytes(file.size) }}</td>
                                                <td><time datetime=file.modified_at.clone()>{file.modified_at.replace('T', " ").chars().take(16).collect::<String>()}</time></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
            }}
            {move || open_file.get().map(|(path, content)| view! {
                <div class="file-view">
                    <h3>{path}</h3>
                    {match content {
                        Ok(text) => view! { <pre class="file-text">{text}</pre> }.into_any(),
                        Err(reason) => view! { <p class="error" role="alert">{reason}</p> }.into_any(),
                    }}
                </div>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, size: u64, mimetype: &str) -> FileObject {
        FileObject {
            name: name.into(),
            mode: "-rw-r--r--".into(),
            mode_bits: "644".into(),
            size,
            is_file: true,
            is_symlink: false,
            mimetype: mimetype.into(),
            created_at: String::new(),
            modified_at: String::new(),
        }
    }

    #[test]
    fn large_and_binary_files_are_refused_with_the_reason() {
        assert!(unviewable(&file(
            "server.properties",
            1200,
            "text/plain; charset=utf-8"
        ))
        .is_none());
        assert!(unviewable(&file("ops.json", 10, "application/json")).is_none());
        let big = unviewable(&file("world.log", 5 * 1024 * 1024, "text/plain")).unwrap();
        assert!(big.contains("too large"), "{big}");
        let binary = unviewable(&file("server.jar", 40_000, "application/java-archive")).unwrap();
        assert!(binary.contains("binary"), "{binary}");
    }
}
