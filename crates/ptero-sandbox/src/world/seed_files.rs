//! The seeded file tree of every server: directories, small text files, a symlink and
//! files too large for the panel's editor.

use super::{FileKind, FileNode};
use crate::rng::Rng;

fn file(path: &str, content: String, bits: u32, created: u64, modified: u64) -> FileNode {
    FileNode {
        path: path.to_owned(),
        kind: FileKind::File {
            size: content.len() as u64,
            content: Some(content),
        },
        mode_bits: bits,
        created,
        modified,
    }
}

fn directory(path: &str, created: u64) -> FileNode {
    FileNode {
        path: path.to_owned(),
        kind: FileKind::Directory,
        mode_bits: 0o755,
        created,
        modified: created,
    }
}

pub fn file_tree(rng: &mut Rng, created: u64) -> Vec<FileNode> {
    let later = |rng: &mut Rng| created + rng.range(3600, 90 * 86_400);
    let properties = format!(
        "#Minecraft server properties\nmotd=A Pterodactyl sandbox server\nmax-players=20\nlevel-seed={}\nonline-mode=true\n",
        rng.range(1, 1 << 40)
    );
    let log = (0..12)
        .map(|line| {
            format!(
                "[09:{:02}:{:02}] [Server thread/INFO]: tick {line}\n",
                line * 4,
                line
            )
        })
        .collect::<String>();
    let world_size = 8 * 1024 * 1024 + rng.range(0, 64 * 1024 * 1024);
    vec![
        directory("/logs", created),
        directory("/plugins", created),
        directory("/world", created),
        file(
            "/server.properties",
            properties,
            0o644,
            created,
            later(rng),
        ),
        file(
            "/eula.txt",
            "eula=true\n".to_owned(),
            0o644,
            created,
            created,
        ),
        file(
            "/ops.json",
            "[{\"uuid\":\"069a79f4-44e9-4726-a5be-fca90e38aaf5\",\"name\":\"Notch\",\"level\":4}]\n"
                .to_owned(),
            0o644,
            created,
            later(rng),
        ),
        file("/logs/latest.log", log, 0o644, created, later(rng)),
        FileNode {
            path: "/latest.log".to_owned(),
            kind: FileKind::Symlink {
                target: "logs/latest.log".to_owned(),
            },
            mode_bits: 0o777,
            created,
            modified: created,
        },
        file(
            "/plugins/README.txt",
            "Drop plugin jars here.\n".to_owned(),
            0o644,
            created,
            created,
        ),
        FileNode {
            path: "/world/region.mca".to_owned(),
            kind: FileKind::File {
                content: None,
                size: world_size,
            },
            mode_bits: 0o644,
            created,
            modified: later(rng),
        },
        FileNode {
            path: "/server.jar".to_owned(),
            kind: FileKind::File {
                content: None,
                size: 48_000_000 + rng.range(0, 1_000_000),
            },
            mode_bits: 0o755,
            created,
            modified: created,
        },
    ]
}
