//! A config dir as far as a write could change it: every path, its kind, mode, inode, mtime and bytes.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

/// One path under a config dir, as far as a write could change it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Node {
    Dir {
        mode: u32,
    },
    File {
        mode: u32,
        ino: u64,
        mtime_ns: i128,
        bytes: Vec<u8>,
    },
    Link {
        target: PathBuf,
    },
    /// A FIFO, socket or device: never opened (that could block).
    Special {
        mode: u32,
        ino: u64,
    },
}

/// Every path below `dir` (and `dir` itself), without following symlinks. `locks/` is left out: a lock
/// file holds no state (at most the pid of its last holder), and taking a lock creates it.
pub(super) fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Node> {
    let mut nodes = BTreeMap::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(path) = todo.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let relative = path.strip_prefix(dir).unwrap_or(&path).to_owned();
        if relative.starts_with("locks") {
            continue;
        }
        let mode = meta.mode();
        let node = if meta.file_type().is_symlink() {
            Node::Link {
                target: std::fs::read_link(&path).unwrap_or_default(),
            }
        } else if meta.is_dir() {
            todo.extend(
                std::fs::read_dir(&path)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path()),
            );
            Node::Dir { mode }
        } else if meta.is_file() {
            let mtime_ns = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
            let bytes = std::fs::read(&path).unwrap_or_default();
            Node::File {
                mode,
                ino: meta.ino(),
                mtime_ns,
                bytes,
            }
        } else {
            Node::Special {
                mode,
                ino: meta.ino(),
            }
        };
        nodes.insert(relative, node);
    }
    nodes
}

/// What changed between two snapshots, one line per path (never the bytes: they could be secrets).
pub(super) fn diff(
    dir: &Path,
    before: &BTreeMap<PathBuf, Node>,
    after: &BTreeMap<PathBuf, Node>,
) -> Vec<String> {
    let mut changes = Vec::new();
    for (path, node) in before {
        match after.get(path) {
            None => changes.push(format!("{} removed", dir.join(path).display())),
            Some(now) if now != node => changes.push(format!("{} changed", dir.join(path).display())),
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        changes.push(format!("{} created", dir.join(path).display()));
    }
    changes
}
