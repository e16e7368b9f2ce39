//! The file manager's state and actions: the directory and its listing, the selection,
//! what failed (by the file it concerns), uploads, and the open editor. Views read the
//! signals and call the actions; every request goes through `PanelClient`.
//!
//! Longer than ~300 lines: one short method per panel action over the one `act`, kept
//! together so every action reads the same way (uploads are in `controller/uploads.rs`).

use crate::i18n::ui::{t, tf, tp};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;

use leptos::prelude::*;
use ptero_api::{FileObject, PanelError};

use super::editor::Opened;
use crate::api::{ApiError, Load, PanelClient, Scope};

mod uploads;
pub use uploads::{Upload, UploadState};

/// The key of an error about the directory itself (new files, pulls, uploads).
pub const HERE: &str = "";

/// The sentence to show for a failed action: the panel's own (Wings' sentence without
/// the panel's wrapping when Wings refused), else the app's explanation.
pub fn sentence(error: &ApiError) -> String {
    match error {
        ApiError::Panel(PanelError::Daemon { detail, .. }) => {
            let wings = detail
                .strip_prefix("An error occurred on the remote host: ")
                .and_then(|rest| rest.split(" (request id:").next())
                .map(|s| s.trim_end_matches('.').to_owned() + ".");
            wings.unwrap_or_else(|| error.to_string())
        }
        ApiError::Panel(PanelError::Validation { errors }) if !errors.is_empty() => errors
            .iter()
            .map(|e| e.detail.clone())
            .collect::<Vec<_>>()
            .join(" "),
        ApiError::Panel(PanelError::Other { detail, .. }) if !detail.is_empty() => detail.clone(),
        ApiError::Panel(PanelError::Forbidden(_)) => t("errors.forbidden").to_owned(),
        ApiError::Panel(PanelError::RateLimited { retry_after }) => match retry_after {
            Some(seconds) => {
                let n = seconds.to_string();
                tp("errors.rate_limited_in", *seconds as f64, &[&n])
            }
            None => t("errors.rate_limited").to_owned(),
        },
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
    }
}

/// The file manager of one server (Copy: its parts are signals and stored values).
#[derive(Clone, Copy)]
pub struct Files {
    client: StoredValue<PanelClient>,
    server: StoredValue<Arc<str>>,
    scope: StoredValue<Scope, LocalStorage>,
    pub directory: RwSignal<String>,
    pub listing: Load<Vec<FileObject>>,
    pub selected: RwSignal<BTreeSet<String>>,
    /// What failed, by file name ([`HERE`] for the directory).
    pub errors: RwSignal<BTreeMap<String, String>>,
    pub notice: RwSignal<Option<String>>,
    /// What runs now ("Deleting 3 files…").
    pub busy: RwSignal<Option<String>>,
    pub editing: RwSignal<Option<Opened>>,
    pub uploads: RwSignal<Vec<Upload>>,
}

impl Files {
    pub fn new(client: PanelClient, server: String) -> Self {
        let directory = RwSignal::new("/".to_owned());
        let listing = {
            let (client, server) = (client.clone(), server.clone());
            Load::new(move || {
                let (client, server, dir) = (client.clone(), server.clone(), directory.get());
                async move { client.files(&server, &dir).await }
            })
        };
        Self {
            client: StoredValue::new(client),
            server: StoredValue::new(server.into()),
            scope: StoredValue::new_local(Scope::new()),
            directory,
            listing,
            selected: RwSignal::new(BTreeSet::new()),
            errors: RwSignal::new(BTreeMap::new()),
            notice: RwSignal::new(None),
            busy: RwSignal::new(None),
            editing: RwSignal::new(None),
            uploads: RwSignal::new(Vec::new()),
        }
    }

    pub fn client(&self) -> PanelClient {
        self.client.get_value()
    }

    pub fn server(&self) -> String {
        self.server.with_value(|s| s.to_string())
    }

    /// Runs `task` in the manager's scope (stopped when the page goes).
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        self.scope.with_value(|scope| scope.spawn(task));
    }

    pub fn reload(&self) {
        self.listing.reload();
    }

    /// `name`'s path in the current directory.
    pub fn path(&self, name: &str) -> String {
        ptero_api::join_path(&self.directory.get_untracked(), name)
    }

    pub fn open(&self, directory: String) {
        self.selected.set(BTreeSet::new());
        self.errors.set(BTreeMap::new());
        self.notice.set(None);
        self.directory.set(directory);
    }

    pub fn edit(&self, opened: Opened) {
        self.editing.set(Some(opened));
    }

    pub fn close_editor(&self) {
        self.editing.set(None);
    }

    /// Runs one action concerning `names` (or [`HERE`]): on success `done` is the notice
    /// and the listing reloads; on failure the panel's sentence goes next to each name.
    pub fn act<F>(&self, names: Vec<String>, doing: String, done: String, action: F)
    where
        F: Future<Output = Result<(), ApiError>> + 'static,
    {
        let this = *self;
        this.errors.update(|errors| {
            for name in &names {
                errors.remove(name);
            }
        });
        this.notice.set(None);
        this.busy.set(Some(doing));
        self.spawn(async move {
            let outcome = action.await;
            this.busy.set(None);
            match outcome {
                Ok(()) => {
                    // An action may have said more itself ("Archived into …").
                    this.notice.update(|notice| {
                        notice.get_or_insert(done);
                    });
                    this.selected.update(|s| s.retain(|n| !names.contains(n)));
                    this.reload();
                }
                Err(ApiError::Aborted) => {}
                Err(error) => {
                    let text = sentence(&error);
                    this.errors.update(|errors| {
                        for name in names {
                            errors.insert(name, text.clone());
                        }
                    });
                }
            }
        });
    }

    pub fn create_folder(&self, name: String) {
        let (client, server, root) = (self.client(), self.server(), self.directory.get_untracked());
        let done = tf("files.created_folder", &[&name]);
        self.act(
            vec![HERE.to_owned()],
            tf("files.creating", &[&name]),
            done,
            async move { client.create_folder(&server, &root, &name).await },
        );
    }

    /// Renames `from` (in this directory) to `to`, which may name another directory
    /// (`../x`, `logs/x`): the panel's rename is also its move.
    pub fn rename(&self, from: String, to: String) {
        let (client, server, root) = (self.client(), self.server(), self.directory.get_untracked());
        let done = tf("files.renamed", &[&from, &to]);
        let moves = vec![(from.clone(), to)];
        self.act(
            vec![from.clone()],
            tf("files.renaming", &[&from]),
            done,
            async move { client.rename_files(&server, &root, &moves).await },
        );
    }

    /// Moves `names` of this directory into `target` (an absolute directory).
    pub fn move_to(&self, names: Vec<String>, target: String) {
        let (client, server, dir) = (self.client(), self.server(), self.directory.get_untracked());
        let relative = |path: &str| path.trim_start_matches('/').to_owned();
        let moves: Vec<(String, String)> = names
            .iter()
            .map(|name| {
                (
                    relative(&ptero_api::join_path(&dir, name)),
                    relative(&ptero_api::join_path(&target, name)),
                )
            })
            .collect();
        let done = tf("files.moved", &[&count(names.len()), &target]);
        self.act(
            names.clone(),
            tf("files.moving", &[&count(names.len())]),
            done,
            async move { client.rename_files(&server, "/", &moves).await },
        );
    }

    pub fn copy(&self, name: String) {
        let (client, server, location) = (self.client(), self.server(), self.path(&name));
        let done = tf("files.copied", &[&name]);
        self.act(
            vec![name.clone()],
            tf("files.copying", &[&name]),
            done,
            async move { client.copy_file(&server, &location).await },
        );
    }

    pub fn delete(&self, names: Vec<String>) {
        let (client, server, root) = (self.client(), self.server(), self.directory.get_untracked());
        let files = names.clone();
        let done = tf("files.deleted", &[&describe(&names)]);
        self.act(
            names.clone(),
            tf("files.deleting", &[&describe(&names)]),
            done,
            async move { client.delete_files(&server, &root, &files).await },
        );
    }

    pub fn chmod(&self, name: String, mode: String) {
        let (client, server, root) = (self.client(), self.server(), self.directory.get_untracked());
        let done = tf("files.mode_set", &[&name, &mode]);
        let files = vec![(name.clone(), mode)];
        self.act(
            vec![name.clone()],
            tf("files.changing", &[&name]),
            done,
            async move { client.chmod(&server, &root, &files).await },
        );
    }

    pub fn archive(&self, names: Vec<String>) {
        let (client, server, root) = (self.client(), self.server(), self.directory.get_untracked());
        let files = names.clone();
        let this = *self;
        let doing = tf("files.archiving", &[&describe(&names)]);
        self.act(names, doing, t("files.archived").to_owned(), async move {
            let archive = client.compress(&server, &root, &files).await?;
            this.notice
                .set(Some(tf("files.archived_into", &[&archive.name])));
            Ok(())
        });
    }

    pub fn extract(&self, name: String) {
        let (client, server, root) = (self.client(), self.server(), self.directory.get_untracked());
        let done = tf("files.extracted", &[&name]);
        let file = name.clone();
        self.act(
            vec![name.clone()],
            tf("files.extracting", &[&name]),
            done,
            async move { client.decompress(&server, &root, &file).await },
        );
    }

    pub fn pull(&self, url: String, filename: Option<String>) {
        let (client, server, dir) = (self.client(), self.server(), self.directory.get_untracked());
        let done = t("files.pulling_done").to_owned();
        self.act(
            vec![HERE.to_owned()],
            t("files.pulling").into(),
            done,
            async move { client.pull(&server, &url, &dir, filename).await },
        );
    }

    /// Starts the browser's download of `name` through a signed Wings URL.
    pub fn download(&self, name: String) {
        let (client, server, path) = (self.client(), self.server(), self.path(&name));
        let this = *self;
        self.errors.update(|errors| {
            errors.remove(&name);
        });
        self.spawn(async move {
            match client.download_url(&server, &path).await {
                Ok(url) => crate::api::transfer::download(&url),
                Err(ApiError::Aborted) => {}
                Err(error) => this.errors.update(|errors| {
                    errors.insert(name, sentence(&error));
                }),
            }
        });
    }
}

fn count(n: usize) -> String {
    tp("files.items", n as f64, &[&n.to_string()])
}

fn describe(names: &[String]) -> String {
    match names {
        [one] => one.clone(),
        many => count(many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptero_api::ErrorEnvelope;

    #[test]
    fn wings_refusals_read_as_wings_sentence() {
        let body = ErrorEnvelope::single(
            "DaemonConnectionException",
            400,
            "An error occurred on the remote host: Cannot move or rename file, destination already exists.. (request id: 1-2)",
        )
        .to_json();
        let error = ApiError::Panel(PanelError::from_response(400, &body, None));
        assert_eq!(
            sentence(&error),
            "Cannot move or rename file, destination already exists."
        );
        let throttled = ApiError::Panel(PanelError::RateLimited {
            retry_after: Some(7),
        });
        assert_eq!(
            sentence(&throttled),
            "Too many requests: the panel asks to try again in 7 seconds."
        );
    }
}
