//! What Wings does to a server's files when the panel relays an action: write, create a
//! folder, rename and move, copy, delete, chmod, compress, decompress, pull, upload
//! (wings `router/router_server_files.go`, `server/filesystem/*.go`), with Wings' own
//! status and sentence when it refuses.

use super::files::{clean_path, find, name_of, parent_of, FileKind, FileNode, WingsFailure};
use super::files::{IS_DIRECTORY, NOT_FOUND};

const NAME_CONFLICT: WingsFailure = WingsFailure {
    status: 400,
    message: "Cannot write file, name conflicts with an existing directory by the same name.",
};
const DESTINATION_EXISTS: WingsFailure = WingsFailure {
    status: 400,
    message: "Cannot move or rename file, destination already exists.",
};
const NOT_A_DIRECTORY: WingsFailure = WingsFailure {
    status: 400,
    message: "Part of the path being created is not a directory (ENOTDIR).",
};
const INVALID_MODE: WingsFailure = WingsFailure {
    status: 400,
    message: "Invalid file mode.",
};
const UNKNOWN_ARCHIVE: WingsFailure = WingsFailure {
    status: 400,
    message: "The archive provided is in a format Wings does not understand.",
};
/// Wings' generic 500 (`RequestError.Abort` without a message), e.g. deleting the root.
pub const UNEXPECTED: WingsFailure = WingsFailure {
    status: 500,
    message: "An unexpected error was encountered while processing this request",
};

fn index_of(tree: &[FileNode], path: &str) -> Option<usize> {
    tree.iter().position(|node| node.path == path)
}

fn is_dir(tree: &[FileNode], path: &str) -> bool {
    path == "/" || matches!(find(tree, path).map(|n| &n.kind), Some(FileKind::Directory))
}

/// `path` and everything under it.
fn under(node: &FileNode, path: &str) -> bool {
    node.path == path
        || node
            .path
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Creates every missing directory of `path` (itself included); a file in the way is
/// ENOTDIR.
fn make_dirs(tree: &mut Vec<FileNode>, path: &str, now: u64) -> Result<(), WingsFailure> {
    let mut at = String::new();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        at.push('/');
        at.push_str(part);
        match find(tree, &at).map(|n| &n.kind) {
            Some(FileKind::Directory) => {}
            Some(_) => return Err(NOT_A_DIRECTORY),
            None => tree.push(FileNode {
                path: at.clone(),
                kind: FileKind::Directory,
                mode_bits: 0o755,
                created: now,
                modified: now,
            }),
        }
    }
    Ok(())
}

/// The content of a file written or uploaded: text is kept, other bytes only counted.
pub fn file_kind(bytes: &[u8]) -> FileKind {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => FileKind::File {
            content: Some(text.to_owned()),
            size: bytes.len() as u64,
        },
        _ => FileKind::File {
            content: None,
            size: bytes.len() as u64,
        },
    }
}

/// Writes `bytes` to `path`, creating it (and its directories) or replacing its content.
pub fn write(
    tree: &mut Vec<FileNode>,
    path: &str,
    bytes: &[u8],
    now: u64,
) -> Result<(), WingsFailure> {
    let path = clean_path(path);
    if is_dir(tree, &path) {
        return Err(NAME_CONFLICT);
    }
    make_dirs(tree, parent_of(&path), now)?;
    let kind = file_kind(bytes);
    match index_of(tree, &path) {
        Some(index) => {
            tree[index].kind = kind;
            tree[index].modified = now;
        }
        None => tree.push(FileNode {
            path,
            kind,
            mode_bits: 0o644,
            created: now,
            modified: now,
        }),
    }
    Ok(())
}

/// `root/name` as a directory (with its parents); an existing one is fine.
pub fn create_folder(
    tree: &mut Vec<FileNode>,
    root: &str,
    name: &str,
    now: u64,
) -> Result<(), WingsFailure> {
    make_dirs(tree, &clean_path(&format!("{root}/{name}")), now)
}

/// Moves `root/from` to `root/to`: a missing source is skipped, as Wings skips it; an
/// existing destination is refused.
pub fn rename(
    tree: &mut Vec<FileNode>,
    root: &str,
    from: &str,
    to: &str,
    now: u64,
) -> Result<(), WingsFailure> {
    let from = clean_path(&format!("{root}/{from}"));
    let to = clean_path(&format!("{root}/{to}"));
    if from == "/" || from == to || index_of(tree, &from).is_none() {
        return Ok(());
    }
    if to == "/" || index_of(tree, &to).is_some() {
        return Err(DESTINATION_EXISTS);
    }
    if to.starts_with(&format!("{from}/")) {
        return Err(UNEXPECTED);
    }
    make_dirs(tree, parent_of(&to), now)?;
    for node in tree.iter_mut().filter(|node| under(node, &from)) {
        node.path = format!("{to}{}", &node.path[from.len()..]);
    }
    Ok(())
}

/// Copies the regular file at `location` beside itself as `name copy.ext` (then
/// `name copy 1.ext`, … as Wings' `findCopySuffix` counts); anything else is not found.
pub fn copy(tree: &mut Vec<FileNode>, location: &str, now: u64) -> Result<(), WingsFailure> {
    let path = clean_path(location);
    let source = find(tree, &path).ok_or(NOT_FOUND)?;
    if !matches!(
        source.kind,
        FileKind::File { .. } | FileKind::Archive { .. }
    ) {
        return Err(NOT_FOUND);
    }
    let name = name_of(&path);
    let (mut base, mut extension) = match name.rfind('.') {
        Some(0) | None => (name, ""),
        Some(at) => (&name[..at], &name[at..]),
    };
    // ".tar" counts as part of the extension (`.tar.gz`).
    let joined;
    if let Some(stem) = base.strip_suffix(".tar") {
        joined = format!(".tar{extension}");
        base = stem;
        extension = &joined;
    }
    let dir = parent_of(&path).trim_end_matches('/').to_owned();
    let target = (0..=50)
        .map(|i| {
            let suffix = if i == 0 {
                " copy".to_owned()
            } else {
                format!(" copy {i}")
            };
            format!("{dir}/{base}{suffix}{extension}")
        })
        .find(|candidate| index_of(tree, candidate).is_none())
        .ok_or(UNEXPECTED)?;
    let mut copied = source.clone();
    copied.path = target;
    copied.created = now;
    copied.modified = now;
    tree.push(copied);
    Ok(())
}

/// Deletes `root/file` for each of `files` with what is under it; missing ones are fine.
pub fn delete(tree: &mut Vec<FileNode>, root: &str, files: &[String]) -> Result<(), WingsFailure> {
    for file in files {
        let path = clean_path(&format!("{root}/{file}"));
        if path == "/" {
            // Wings: "cannot delete root server directory".
            return Err(UNEXPECTED);
        }
        tree.retain(|node| !under(node, &path));
    }
    Ok(())
}

/// Sets the permission bits of `root/file` from octal digits (`"755"`).
pub fn chmod(
    tree: &mut [FileNode],
    root: &str,
    file: &str,
    mode: &str,
) -> Result<(), WingsFailure> {
    let bits = u32::from_str_radix(mode, 8).map_err(|_| INVALID_MODE)?;
    let path = clean_path(&format!("{root}/{file}"));
    if let Some(node) = tree.iter_mut().find(|node| node.path == path) {
        node.mode_bits = bits & 0o7777;
    }
    Ok(())
}

/// Packs `files` of `root` into `root/archive-{time}.tar.gz` and answers the archive.
pub fn compress(
    tree: &mut Vec<FileNode>,
    root: &str,
    files: &[String],
    stamp: &str,
    now: u64,
) -> Result<FileNode, WingsFailure> {
    let root = clean_path(root);
    if !is_dir(tree, &root) {
        return Err(NOT_FOUND);
    }
    let mut members = Vec::new();
    for file in files {
        let path = clean_path(&format!("{root}/{file}"));
        let picked: Vec<FileNode> = tree
            .iter()
            .filter(|node| under(node, &path))
            .cloned()
            .collect();
        if picked.is_empty() {
            return Err(NOT_FOUND);
        }
        for mut node in picked {
            node.path = node.path[root.trim_end_matches('/').len()..].to_owned();
            members.push(node);
        }
    }
    let raw: u64 = members.iter().map(member_size).sum();
    let archive = FileNode {
        path: format!("{}/archive-{stamp}.tar.gz", root.trim_end_matches('/')),
        kind: FileKind::Archive {
            size: raw / 3 + 512,
            members,
        },
        mode_bits: 0o644,
        created: now,
        modified: now,
    };
    tree.retain(|node| node.path != archive.path);
    tree.push(archive.clone());
    Ok(archive)
}

fn member_size(node: &FileNode) -> u64 {
    match &node.kind {
        FileKind::File { size, .. } | FileKind::Archive { size, .. } => *size,
        _ => 0,
    }
}

/// Unpacks the archive `root/file` into `root`, replacing what it holds.
pub fn decompress(
    tree: &mut Vec<FileNode>,
    root: &str,
    file: &str,
    now: u64,
) -> Result<(), WingsFailure> {
    let root = clean_path(root);
    let path = clean_path(&format!("{root}/{file}"));
    let node = find(tree, &path).ok_or(NOT_FOUND)?;
    let members = match &node.kind {
        FileKind::Archive { members, .. } => members.clone(),
        FileKind::Directory => return Err(IS_DIRECTORY),
        _ => return Err(UNKNOWN_ARCHIVE),
    };
    for mut member in members {
        member.path = clean_path(&format!("{root}/{}", member.path));
        member.modified = now;
        make_dirs(tree, parent_of(&member.path), now)?;
        tree.retain(|existing| existing.path != member.path);
        tree.push(member);
    }
    Ok(())
}

/// The name Wings gives a pulled file: `filename`, else the URL's last path segment,
/// else `download`.
pub fn pulled_name(url: &str, filename: Option<&str>) -> String {
    if let Some(name) = filename.map(str::trim).filter(|n| !n.is_empty()) {
        return name_of(&clean_path(name)).to_owned();
    }
    let without_query = url.split(['?', '#']).next().unwrap_or_default();
    let after_host = without_query
        .split_once("://")
        .map_or(without_query, |(_, rest)| rest);
    match after_host.split_once('/') {
        Some((_, path)) if !name_of(path).is_empty() => name_of(path).to_owned(),
        _ => "download".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(path: &str, content: &str) -> FileNode {
        FileNode {
            path: path.to_owned(),
            kind: FileKind::File {
                content: Some(content.to_owned()),
                size: content.len() as u64,
            },
            mode_bits: 0o644,
            created: 0,
            modified: 0,
        }
    }

    fn paths(tree: &[FileNode]) -> Vec<&str> {
        let mut paths: Vec<&str> = tree.iter().map(|n| n.path.as_str()).collect();
        paths.sort_unstable();
        paths
    }

    #[test]
    fn copies_are_named_as_wings_names_them() {
        let mut tree = vec![text("/a.tar.gz", "x"), text("/b.txt", "y"), text("/c", "z")];
        copy(&mut tree, "/a.tar.gz", 1).unwrap();
        copy(&mut tree, "/b.txt", 1).unwrap();
        copy(&mut tree, "/b.txt", 1).unwrap();
        copy(&mut tree, "/c", 1).unwrap();
        assert_eq!(
            paths(&tree),
            [
                "/a copy.tar.gz",
                "/a.tar.gz",
                "/b copy 1.txt",
                "/b copy.txt",
                "/b.txt",
                "/c",
                "/c copy"
            ]
        );
    }

    #[test]
    fn moving_takes_the_subtree_and_refuses_an_existing_destination() {
        let mut tree = vec![
            text("/logs/a.log", "a"),
            text("/b.log", "b"),
            FileNode {
                kind: FileKind::Directory,
                ..text("/logs", "")
            },
        ];
        rename(&mut tree, "/", "logs", "old/logs", 1).unwrap();
        assert_eq!(
            paths(&tree),
            ["/b.log", "/old", "/old/logs", "/old/logs/a.log"]
        );
        assert_eq!(
            rename(&mut tree, "/", "b.log", "old/logs", 1),
            Err(DESTINATION_EXISTS)
        );
        assert_eq!(rename(&mut tree, "/", "missing", "x", 1), Ok(()));
    }

    #[test]
    fn archives_hold_what_they_were_made_of() {
        let mut tree = vec![text("/a.txt", "hello"), text("/b.txt", "world")];
        let archive = compress(&mut tree, "/", &["a.txt".into()], "t", 1).unwrap();
        assert_eq!(archive.path, "/archive-t.tar.gz");
        delete(&mut tree, "/", &["a.txt".into()]).unwrap();
        decompress(&mut tree, "/", "archive-t.tar.gz", 2).unwrap();
        assert!(find(&tree, "/a.txt").is_some());
        assert_eq!(decompress(&mut tree, "/", "b.txt", 2), Err(UNKNOWN_ARCHIVE));
        assert_eq!(chmod(&mut tree, "/", "a.txt", "9x"), Err(INVALID_MODE));
        assert_eq!(write(&mut tree, "/", b"x", 1), Err(NAME_CONFLICT));
        assert_eq!(delete(&mut tree, "/", &["/".into()]), Err(UNEXPECTED));
    }

    #[test]
    fn pulled_files_are_named_from_the_url() {
        assert_eq!(pulled_name("https://e.com/x/p.jar?v=1", None), "p.jar");
        assert_eq!(pulled_name("https://e.com", None), "download");
        assert_eq!(
            pulled_name("https://e.com/p.jar", Some("../q.jar")),
            "q.jar"
        );
    }
}
