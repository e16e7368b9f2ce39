//! A server's backups as the panel stores them (`backups` table) and as Wings made them:
//! the sandbox keeps each one's file tree, so restoring gives it back.

use ptero_api::Backup;

use super::FileNode;
use crate::clock;

/// One backup row.
#[derive(Debug, Clone)]
pub struct BackupRecord {
    pub uuid: String,
    pub name: String,
    pub ignored: Vec<String>,
    pub locked: bool,
    pub successful: bool,
    /// `sha1:…` once completed.
    pub checksum: Option<String>,
    pub bytes: u64,
    pub created: u64,
    /// `None` while Wings is still writing it.
    pub completed: Option<u64>,
    /// The files it holds.
    pub snapshot: Vec<FileNode>,
}

impl BackupRecord {
    /// Running ones and successful ones count against the server's limit.
    pub fn counts_against_limit(&self) -> bool {
        self.completed.is_none() || self.successful
    }

    /// The `backup` object, times in the node's offset.
    pub fn to_wire(&self, offset_minutes: i32) -> Backup {
        Backup {
            uuid: self.uuid.clone(),
            is_successful: self.successful,
            is_locked: self.locked,
            name: self.name.clone(),
            ignored_files: self.ignored.clone(),
            checksum: self.checksum.clone(),
            bytes: self.bytes,
            created_at: clock::atom(self.created, offset_minutes),
            completed_at: self.completed.map(|at| clock::atom(at, offset_minutes)),
        }
    }
}

/// The files a backup of `tree` holds: everything but what `ignored` names (a pattern
/// is a path prefix or `*.ext`, enough for the egg-style lists people type).
pub fn snapshot(tree: &[FileNode], ignored: &[String]) -> Vec<FileNode> {
    tree.iter()
        .filter(|node| !ignored.iter().any(|pattern| matches(pattern, &node.path)))
        .cloned()
        .collect()
}

fn matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return false;
    }
    if let Some(extension) = pattern.strip_prefix("*.") {
        return path.ends_with(&format!(".{extension}"));
    }
    let prefix = format!("/{}", pattern.trim_matches('/'));
    path == prefix || path.starts_with(&format!("{prefix}/"))
}

/// The sum of the files' sizes, as the archive's size.
pub fn size_of(files: &[FileNode]) -> u64 {
    files
        .iter()
        .map(|node| match &node.kind {
            super::FileKind::File { size, .. } | super::FileKind::Archive { size, .. } => *size,
            _ => 0,
        })
        .sum::<u64>()
        / 2
        + 1024
}
