//! Watching the site's files, and turning an editor's burst of events for
//! one save into one batch of changed paths.

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// The folders watched with everything below them.
pub const FOLDERS: [&str; 4] = ["content", "templates", "themes", "static"];

/// Quiet time after the last event before a batch is rebuilt, when every
/// file written was also closed (the save is complete)…
const QUIET_CLOSED: Duration = Duration::from_millis(2);
/// …and when a file may still be being written.
const QUIET_OPEN: Duration = Duration::from_millis(10);
/// The longest a batch waits for quiet: the debounce never adds more.
pub const MAX_DEBOUNCE: Duration = Duration::from_millis(30);

/// One file-system event, as the rebuild thread needs it.
pub enum Note {
    /// A path changed; `closed` when the event is a writer closing it.
    Path {
        path: PathBuf,
        closed: bool,
        open: bool,
    },
    /// The watcher failed; a full rebuild is the safe answer.
    Failed(String),
}

/// A watcher for the site at `root` sending into `tx`.
pub struct SiteWatcher {
    watcher: RecommendedWatcher,
    root: PathBuf,
    watched: HashSet<PathBuf>,
}

impl SiteWatcher {
    pub fn new(root: &Path, tx: Sender<Note>) -> Result<SiteWatcher, String> {
        // Symbolic links are not followed: one under `content/` may lead
        // anywhere (`ln -s / content/x`), and the build refuses what lies
        // outside the site anyway.
        let config = notify::Config::default().with_follow_symlinks(false);
        let handler = move |res: notify::Result<notify::Event>| {
            let notes: Vec<Note> = match res {
                // The system dropped events (its queue overflowed): only a
                // full rebuild is sure to see every change.
                Ok(ev) if ev.need_rescan() => vec![Note::Failed("events were lost".into())],
                Ok(ev) => {
                    let (relevant, closed, open) = match ev.kind {
                        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                            (true, true, false)
                        }
                        // Reading a file (the rebuild does) changes nothing.
                        EventKind::Access(_) => (false, false, false),
                        EventKind::Modify(notify::event::ModifyKind::Data(_))
                        | EventKind::Create(notify::event::CreateKind::File) => (true, false, true),
                        _ => (true, false, false),
                    };
                    if !relevant {
                        return;
                    }
                    ev.paths
                        .into_iter()
                        .map(|path| Note::Path { path, closed, open })
                        .collect()
                }
                Err(e) => vec![Note::Failed(e.to_string())],
            };
            for n in notes {
                // The receiver is gone only when serve is stopping.
                let _ = tx.send(n);
            }
        };
        let watcher = RecommendedWatcher::new(handler, config)
            .map_err(|e| format!("cannot watch the site's files: {e}"))?;
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut w = SiteWatcher {
            watcher,
            root,
            watched: HashSet::new(),
        };
        w.watcher
            .watch(&w.root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", w.root.display()))?;
        w.refresh();
        Ok(w)
    }

    /// Starts watching the folders that exist now (one may have been
    /// created since the last call) and forgets those that are gone.
    pub fn refresh(&mut self) {
        for f in FOLDERS {
            let dir = self.root.join(f);
            let exists = dir.is_dir();
            let known = self.watched.contains(&dir);
            if exists && !known {
                if self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watched.insert(dir);
                }
            } else if !exists && known {
                let _ = self.watcher.unwatch(&dir);
                self.watched.remove(&dir);
            }
        }
    }
}

/// Waits for the next batch of changes: blocks for the first event, then
/// gathers more until the files are quiet (see [`QUIET_CLOSED`] and
/// [`QUIET_OPEN`]) or [`MAX_DEBOUNCE`] passed since the first. `None` when
/// the watcher is gone. The second value is a watcher failure, if any.
pub fn next_batch(rx: &Receiver<Note>) -> Option<(Vec<PathBuf>, Option<String>)> {
    let first = rx.recv().ok()?;
    let started = Instant::now();
    let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
    let mut open: HashSet<PathBuf> = HashSet::new();
    let mut failure = None;
    let mut take = |n: Note, paths: &mut BTreeSet<PathBuf>, open: &mut HashSet<PathBuf>| match n {
        Note::Path {
            path,
            closed,
            open: opened,
        } => {
            if closed {
                open.remove(&path);
            } else if opened {
                open.insert(path.clone());
            }
            paths.insert(path);
        }
        Note::Failed(e) => failure = Some(e),
    };
    take(first, &mut paths, &mut open);
    loop {
        let quiet = if open.is_empty() {
            QUIET_CLOSED
        } else {
            QUIET_OPEN
        };
        let left = MAX_DEBOUNCE.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        match rx.recv_timeout(quiet.min(left)) {
            Ok(n) => take(n, &mut paths, &mut open),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Some((paths.into_iter().collect(), failure))
}
