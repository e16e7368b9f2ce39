//! `GET /servers/{id}/files/list`: the `file_object` entries of a directory.

use serde::{Deserialize, Serialize};

use crate::envelope::List;

/// A directory listing (no pagination).
pub type FileList = List<FileObject>;

/// `attributes` of a `file_object`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileObject {
    pub name: String,
    /// Go's `FileMode` string: `-rw-r--r--`, `drwxr-xr-x`, `Lrwxrwxrwx` for a symlink.
    #[serde(default)]
    pub mode: String,
    /// Octal permission bits as a string, e.g. `"644"`.
    #[serde(default)]
    pub mode_bits: String,
    /// Bytes; directories report their inode size.
    #[serde(default)]
    pub size: u64,
    /// `!is_dir`, so also true for a symlink.
    #[serde(default)]
    pub is_file: bool,
    /// Always false up to Wings 1.11.11: use [`FileObject::is_link`].
    #[serde(default)]
    pub is_symlink: bool,
    #[serde(default)]
    pub mimetype: String,
    /// The change time (ctime), ATOM, possibly with a local offset such as `+05:30`.
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub modified_at: String,
}

impl FileObject {
    /// Whether this entry is a directory.
    pub fn is_directory(&self) -> bool {
        self.mode.starts_with('d') || self.mimetype == "inode/directory"
    }

    /// Whether this entry is a symbolic link: Wings' `is_symlink` is unreliable, the mode's
    /// leading `L` is not.
    pub fn is_link(&self) -> bool {
        self.is_symlink || self.mode.starts_with('L')
    }
}

/// Sorts as the panel's UI does: directories first, then by name.
pub fn sort_like_panel(files: &mut [FileObject]) {
    files.sort_by(|a, b| {
        b.is_directory()
            .cmp(&a.is_directory())
            .then_with(|| a.name.cmp(&b.name))
    });
}
