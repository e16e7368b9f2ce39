//! `GET/POST /servers/{id}/backups` and one backup's routes: the `backup` object, the
//! list's `backup_count`, and the request bodies (panel `BackupController`,
//! `Transformers/Api/Client/BackupTransformer.php`).

use serde::{Deserialize, Serialize};

use crate::envelope::{Item, List, Pagination};

/// `GET /servers/{id}/backups`: a page (20 by default, at most 50) with `backup_count`.
pub type BackupList = List<Backup, BackupListMeta>;
/// One backup (`POST /backups`, `GET /backups/{uuid}`, `POST /backups/{uuid}/lock`).
pub type BackupItem = Item<Backup>;

/// `attributes` of a `backup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub uuid: String,
    /// False while it runs and when it failed; `completed_at` tells them apart.
    #[serde(default)]
    pub is_successful: bool,
    /// A locked backup cannot be deleted (nor rotated out by a schedule).
    #[serde(default)]
    pub is_locked: bool,
    pub name: String,
    /// The ignore patterns it was made with, one per entry.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub ignored_files: Vec<String>,
    /// `sha1:…` once completed; `null` before.
    #[serde(default)]
    pub checksum: Option<String>,
    #[serde(default)]
    pub bytes: u64,
    /// ATOM times.
    pub created_at: String,
    #[serde(default)]
    pub completed_at: Option<String>,
}

/// Where a backup stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupState {
    /// Wings is still writing it.
    Running,
    Completed,
    Failed,
}

impl Backup {
    pub fn state(&self) -> BackupState {
        match (&self.completed_at, self.is_successful) {
            (None, _) => BackupState::Running,
            (Some(_), true) => BackupState::Completed,
            (Some(_), false) => BackupState::Failed,
        }
    }
}

/// `meta` of the backup list: pagination and how many backups count against the
/// server's limit (running and successful ones; failed ones do not).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupListMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    #[serde(default)]
    pub backup_count: u64,
}

/// `POST /servers/{id}/backups`. `ignored` is newline-separated patterns; `is_locked` is
/// applied only for users who may delete backups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreBackupRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    #[serde(default)]
    pub is_locked: bool,
}

/// `POST /servers/{id}/backups/{uuid}/restore`: `truncate` deletes every file first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreBackupRequest {
    pub truncate: bool,
}
