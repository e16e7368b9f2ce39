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

/// `POST /servers/{id}/files/compress` answer: the archive Wings wrote.
pub type FileItem = crate::envelope::Item<FileObject>;

/// `GET /servers/{id}/files/download` and `/files/upload`, and
/// `GET /servers/{id}/backups/{uuid}/download`: `{"object": "signed_url", "attributes":
/// {"url": …}}`. The URL points at Wings (`/download/file`, `/upload/file`,
/// `/download/backup`) with a one-time JWT valid for 15 minutes; the browser uses it
/// directly, never through a proxy.
pub type SignedUrlItem = crate::envelope::Item<SignedUrl>;

/// `attributes` of a `signed_url`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedUrl {
    pub url: String,
}

// The URL carries a bearer token (file access for 15 minutes): keep it out of logs.
impl std::fmt::Debug for SignedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let base = self.url.split('?').next().unwrap_or_default();
        f.debug_struct("SignedUrl")
            .field("url", &format_args!("{base}?token=<redacted>"))
            .finish()
    }
}

/// `PUT /servers/{id}/files/rename`: moves and renames, each `from` and `to` relative to
/// `root` (a `to` with slashes moves the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameFilesRequest {
    pub root: String,
    pub files: Vec<RenameFile>,
}

/// One move of [`RenameFilesRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameFile {
    pub from: String,
    pub to: String,
}

/// `POST /servers/{id}/files/delete` and `/files/compress`: names relative to `root`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilesRequest {
    pub root: String,
    pub files: Vec<String>,
}

/// `POST /servers/{id}/files/copy`: the file's full path; Wings names the copy
/// `name copy.ext` (then `name copy 2.ext`, …) beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyFileRequest {
    pub location: String,
}

/// `POST /servers/{id}/files/create-folder`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateFolderRequest {
    pub root: String,
    pub name: String,
}

/// `POST /servers/{id}/files/decompress`: the archive `file` in `root`, unpacked there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecompressRequest {
    pub root: String,
    pub file: String,
}

/// `POST /servers/{id}/files/chmod`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChmodRequest {
    pub root: String,
    pub files: Vec<ChmodFile>,
}

/// One file of [`ChmodRequest`]: `mode` is octal digits as a string (`"755"`), as the
/// panel's UI sends it; Wings parses it base 8.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChmodFile {
    pub file: String,
    pub mode: String,
}

/// `POST /servers/{id}/files/pull`: Wings downloads `url` into `directory`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullFileRequest {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Name the file from the answer's `Content-Disposition`.
    #[serde(default)]
    pub use_header: bool,
    /// Wait for the download to finish before answering.
    #[serde(default)]
    pub foreground: bool,
}

/// Whether `mode` is what Wings accepts for chmod: three or four octal digits.
pub fn valid_mode(mode: &str) -> bool {
    (3..=4).contains(&mode.len()) && mode.bytes().all(|b| (b'0'..=b'7').contains(&b))
}

/// `dir` and `name` joined with one `/` (`"/" + "a"` → `/a`, `/x/` + `a` → `/x/a`).
pub fn join_path(dir: &str, name: &str) -> String {
    format!(
        "{}/{}",
        dir.trim_end_matches('/'),
        name.trim_start_matches('/')
    )
}
