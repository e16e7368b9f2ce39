//! A server's file tree as Wings sees it: listing a directory as `file_object`s and
//! reading a file, with Wings' own error sentences.

use ptero_api::FileObject;

use crate::clock;

/// One entry of the tree, by absolute path (`/plugins/a.jar`).
#[derive(Debug, Clone)]
pub struct FileNode {
    pub path: String,
    pub kind: FileKind,
    /// Octal permission bits, e.g. `0o644`.
    pub mode_bits: u32,
    pub created: u64,
    pub modified: u64,
}

#[derive(Debug, Clone)]
pub enum FileKind {
    Directory,
    /// `content` is `None` for a large file whose bytes the sandbox does not keep.
    File {
        content: Option<String>,
        size: u64,
    },
    Symlink {
        target: String,
    },
    /// A `.tar.gz` Wings wrote (compress): what it holds, by path relative to where it
    /// was made, so decompressing gives them back.
    Archive {
        members: Vec<FileNode>,
        size: u64,
    },
}

/// What Wings answers when a file operation fails: its status and sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WingsFailure {
    pub status: u16,
    pub message: &'static str,
}

// wings router/middleware/request_error.go
pub(crate) const NOT_FOUND: WingsFailure = WingsFailure {
    status: 404,
    message: "The requested resources was not found on the system.",
};
// wings router/router_server_files.go (v1.11.0 wording)
pub(crate) const IS_DIRECTORY: WingsFailure = WingsFailure {
    status: 400,
    message: "Cannot perform that action: file is a directory.",
};

/// What a read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileContent {
    Text(String),
    /// Bytes the sandbox does not keep; only the size matters (the panel refuses it).
    Large {
        size: u64,
    },
}

/// `/a/./b/../c/` → `/a/c`; never escapes the root.
/// The path's parent (`/a/b` → `/a`, `/a` → `/`).
pub fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(index) => &path[..index],
    }
}

/// The path's last segment.
pub fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

pub fn clean_path(raw: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn mode_string(kind: &FileKind, bits: u32) -> String {
    let lead = match kind {
        FileKind::Directory => 'd',
        FileKind::File { .. } | FileKind::Archive { .. } => '-',
        // Go's FileMode string writes a symlink's type as `L`.
        FileKind::Symlink { .. } => 'L',
    };
    let mut mode = String::from(lead);
    for shift in [6, 3, 0] {
        let triple = (bits >> shift) & 0o7;
        mode.push(if triple & 4 != 0 { 'r' } else { '-' });
        mode.push(if triple & 2 != 0 { 'w' } else { '-' });
        mode.push(if triple & 1 != 0 { 'x' } else { '-' });
    }
    mode
}

fn mimetype(node: &FileNode) -> &'static str {
    match &node.kind {
        FileKind::Directory => "inode/directory",
        FileKind::Symlink { .. } => "inode/symlink",
        FileKind::Archive { .. } => "application/gzip",
        FileKind::File { content: None, .. } => "application/octet-stream",
        FileKind::File { .. } if node.path.ends_with(".json") => "application/json",
        FileKind::File { .. } if node.path.ends_with(".jar") => "application/jar",
        FileKind::File { .. } => "text/plain; charset=utf-8",
    }
}

/// The `file_object` of one entry, times in the node's offset.
pub fn file_object(node: &FileNode, offset_minutes: i32) -> FileObject {
    let size = match &node.kind {
        // Directories report their inode size.
        FileKind::Directory => 4096,
        FileKind::File { size, .. } => *size,
        FileKind::Symlink { target } => target.len() as u64,
        FileKind::Archive { size, .. } => *size,
    };
    FileObject {
        name: name_of(&node.path).to_owned(),
        mode: mode_string(&node.kind, node.mode_bits),
        mode_bits: format!("{:o}", node.mode_bits),
        size,
        is_file: !matches!(node.kind, FileKind::Directory),
        // Wings <= 1.11.11 computes this as Mode().Perm() & ModeSymlink: always false
        // (wings server/filesystem/stat.go).
        is_symlink: false,
        mimetype: mimetype(node).to_owned(),
        created_at: clock::atom(node.created, offset_minutes),
        modified_at: clock::atom(node.modified, offset_minutes),
    }
}

pub(crate) fn find<'a>(tree: &'a [FileNode], path: &str) -> Option<&'a FileNode> {
    tree.iter().find(|node| node.path == path)
}

/// The entries of `directory`, directories first then by name.
pub fn list<'a>(tree: &'a [FileNode], directory: &str) -> Result<Vec<&'a FileNode>, WingsFailure> {
    let directory = clean_path(directory);
    if directory != "/" {
        match find(tree, &directory).map(|node| &node.kind) {
            Some(FileKind::Directory) => {}
            _ => return Err(NOT_FOUND),
        }
    }
    let mut entries: Vec<&FileNode> = tree
        .iter()
        .filter(|node| node.path != "/" && parent_of(&node.path) == directory)
        .collect();
    entries.sort_by(|a, b| {
        let dir = |node: &FileNode| matches!(node.kind, FileKind::Directory);
        dir(b).cmp(&dir(a)).then_with(|| a.path.cmp(&b.path))
    });
    Ok(entries)
}

/// The content of `file`, following one symlink.
pub fn read(tree: &[FileNode], file: &str) -> Result<FileContent, WingsFailure> {
    let mut path = clean_path(file);
    for _ in 0..4 {
        let node = find(tree, &path).ok_or(NOT_FOUND)?;
        match &node.kind {
            FileKind::Directory => return Err(IS_DIRECTORY),
            FileKind::File {
                content: Some(text),
                ..
            } => return Ok(FileContent::Text(text.clone())),
            FileKind::File {
                content: None,
                size,
            }
            | FileKind::Archive { size, .. } => return Ok(FileContent::Large { size: *size }),
            FileKind::Symlink { target } => {
                path = clean_path(&format!("{}/{target}", parent_of(&path)));
                if target.starts_with('/') {
                    path = clean_path(target);
                }
            }
        }
    }
    Err(NOT_FOUND)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(path: &str, kind: FileKind) -> FileNode {
        FileNode {
            path: path.to_owned(),
            kind,
            mode_bits: 0o644,
            created: 0,
            modified: 0,
        }
    }

    fn text(content: &str) -> FileKind {
        FileKind::File {
            content: Some(content.to_owned()),
            size: content.len() as u64,
        }
    }

    #[test]
    fn clean_path_never_escapes_the_root() {
        assert_eq!(clean_path("../../etc/passwd"), "/etc/passwd");
        assert_eq!(clean_path("/a/./b/../c/"), "/a/c");
        assert_eq!(clean_path(""), "/");
    }

    #[test]
    fn symlinks_are_followed_and_directories_refused() {
        let tree = vec![
            node("/logs", FileKind::Directory),
            node("/logs/latest.log", text("hello")),
            node(
                "/latest.log",
                FileKind::Symlink {
                    target: "logs/latest.log".to_owned(),
                },
            ),
        ];
        assert_eq!(
            read(&tree, "/latest.log"),
            Ok(FileContent::Text("hello".into()))
        );
        assert_eq!(read(&tree, "/logs"), Err(IS_DIRECTORY));
        assert_eq!(read(&tree, "/nope"), Err(NOT_FOUND));
        let names: Vec<_> = list(&tree, "/")
            .unwrap_or_default()
            .iter()
            .map(|n| n.path.clone())
            .collect();
        assert_eq!(names, ["/logs", "/latest.log"]);
    }

    #[test]
    fn symlink_mode_starts_with_l_and_is_a_file() {
        let link = node("/l", FileKind::Symlink { target: "x".into() });
        let object = file_object(&link, 0);
        assert!(object.mode.starts_with('L'));
        assert!(object.is_file && !object.is_symlink);
    }
}
