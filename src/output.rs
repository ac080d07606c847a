//! The built site in memory, and its atomic arrival on disk.
//!
//! A build renders every file into an [`Output`] first, so two sources that
//! would write one address are found before anything is written, and
//! `serve` can answer from memory. [`write_atomically`] then writes a fresh
//! sibling folder and swaps it in: a failed or interrupted build leaves the
//! previous output exactly as it was.

use crate::entry::Kind;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The marker that tells tandem a folder is its own output, safe to replace.
pub const MARKER: &str = ".tandem-output";

#[derive(Clone, Debug)]
pub struct OutFile {
    pub bytes: Vec<u8>,
    /// What wrote it, for collisions.
    pub origin: Origin,
}

/// What writes an output file: named when two sources want one address
/// (`build` points at the place an author can change), and compared by
/// `serve` to tell a rewrite from a collision.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// An entry's page or one of its feeds: its source file (`content/…`).
    Entry(String),
    /// An alias (`alte-seite/`) of the entry with this source file.
    Alias {
        alias: String,
        source: String,
    },
    /// A file of the site's `static/` folder, by its path there.
    Static(String),
    /// A static file of the theme, by its path.
    ThemeStatic(String),
    Home,
    Listing(Kind),
    Archive(i32),
    NotFound,
    /// A legal page written from `site.yaml` (`impressum`, …).
    Legal(&'static str),
    SiteCalendar,
    News,
    Sitemap,
    EventsJson,
    /// The search page (`search/`) and its index (`search/data/`).
    Search,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Entry(source) => f.write_str(source),
            Origin::Alias { alias, source } => write!(f, "alias `{alias}` of {source}"),
            Origin::Static(rel) => write!(f, "static/{rel}"),
            Origin::ThemeStatic(rel) => write!(f, "theme static file {rel}"),
            Origin::Home => f.write_str("home page"),
            Origin::Listing(kind) => write!(f, "{}/", kind.folder()),
            Origin::Archive(year) => write!(f, "events/archive/{year}/"),
            Origin::NotFound => f.write_str("404 page"),
            Origin::Legal(name) => write!(f, "{name}/ from `legal` in site.yaml"),
            Origin::SiteCalendar => f.write_str("site calendar"),
            Origin::News => f.write_str("news feed"),
            Origin::Sitemap => f.write_str("sitemap"),
            Origin::EventsJson => f.write_str("events.json"),
            Origin::Search => f.write_str("search index"),
        }
    }
}

/// Origins are ordered as their words are: of two writers of one address
/// the first in this order keeps it (see [`Output::add`]).
impl Ord for Origin {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl PartialOrd for Origin {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Output {
    pub files: BTreeMap<String, OutFile>,
}

impl Output {
    /// Adds a file; `Err` with the other writer's origin on a collision.
    /// Of two writers the one whose origin sorts first keeps the address,
    /// whichever thread came first, so that a failed build's output is the
    /// same on every run (`serve` compares it).
    pub fn add(&mut self, path: String, bytes: Vec<u8>, origin: Origin) -> Result<(), Origin> {
        use std::collections::btree_map::Entry;
        match self.files.entry(path) {
            Entry::Occupied(mut o) => {
                if origin < o.get().origin {
                    let first = std::mem::replace(o.get_mut(), OutFile { bytes, origin });
                    Err(first.origin)
                } else {
                    Err(o.get().origin.clone())
                }
            }
            Entry::Vacant(v) => {
                v.insert(OutFile { bytes, origin });
                Ok(())
            }
        }
    }

    pub fn get(&self, path: &str) -> Option<&OutFile> {
        self.files.get(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The folder must not be used (exit status 2).
    #[error("{0}")]
    Refused(String),
    /// Writing failed (exit status 3); the previous output is untouched.
    #[error("{0}")]
    Io(String),
}

/// Two sources want one address: [`Sink::put`] refuses the second, and
/// the build reports both (the message names the file and its sources).
#[derive(Debug, thiserror::Error)]
#[error("the address is claimed already by {first}")]
pub struct Claimed {
    /// The source that keeps the address.
    pub first: Origin,
}

fn canonical(p: &Path) -> PathBuf {
    // The folder may not exist yet: canonicalise its parent.
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => {
            canonical(parent).join(name)
        }
        _ => std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf()),
    }
}

/// Refuses output folders whose replacement would destroy the author's
/// files: the site root or any folder containing it, `content/` and the
/// other source folders, and a non-empty folder tandem did not create.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), OutputError> {
    let root_c = canonical(root);
    let out_c = canonical(out);
    if root_c.starts_with(&out_c) {
        return Err(OutputError::Refused(format!(
            "refusing to write the site into {}: it is the site folder or contains it",
            out.display()
        )));
    }
    for protected in ["content", "static", "templates", "themes"] {
        if out_c.starts_with(root_c.join(protected)) {
            return Err(OutputError::Refused(format!(
                "refusing to write the site into {}: it lies inside the site's `{protected}/` folder",
                out.display()
            )));
        }
    }
    if out_c.is_file() {
        return Err(OutputError::Refused(format!(
            "{} is a file, not a folder",
            out.display()
        )));
    }
    if out_c.is_dir() && !out_c.join(MARKER).is_file() {
        let empty = std::fs::read_dir(&out_c)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(OutputError::Refused(format!(
                "refusing to replace {}: it is not empty and was not made by tandem (no `{MARKER}` file); choose another --output or empty it",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Writes `output` into a new sibling of `out` and swaps it in (see
/// [`Staging`]).
pub fn write_atomically(output: &Output, root: &Path, out: &Path) -> Result<(), OutputError> {
    use rayon::prelude::*;
    let staging = Staging::new(root, out)?;
    output.files.par_iter().for_each(|(rel, file)| {
        let _ = staging.put(rel, &file.bytes, &file.origin);
    });
    staging.commit()
}

/// Where a build puts its files: memory ([`MemorySink`], for `serve` and
/// `check`) or a staging folder on disk ([`Staging`], for `build`).
/// Pages and feeds are handed over as soon as they are rendered, so a
/// build never holds the whole site in memory.
pub trait Sink: Sync {
    /// Claims `path` for `origin` and stores the bytes; `Err` with the
    /// first writer's origin when two sources want one address.
    fn put(&self, path: &str, bytes: &[u8], origin: &Origin) -> Result<(), Claimed> {
        self.put_parts(path, &[bytes], origin)
    }

    /// [`Sink::put`] for a file made of `parts` in order. Feeds are
    /// mostly VEVENTs that several feeds share: they are written from
    /// where they are, never first joined into one large buffer.
    fn put_parts(&self, path: &str, parts: &[&[u8]], origin: &Origin) -> Result<(), Claimed>;
}

/// Hands every file to another sink below a folder: a further
/// language's pages and feeds below `en/`.
pub struct InFolder<'s> {
    pub sink: &'s dyn Sink,
    /// Ends in `/`.
    pub folder: String,
}

impl Sink for InFolder<'_> {
    fn put_parts(&self, path: &str, parts: &[&[u8]], origin: &Origin) -> Result<(), Claimed> {
        self.sink
            .put_parts(&format!("{}{path}", self.folder), parts, origin)
    }
}

/// Collects the output in memory.
#[derive(Default)]
pub struct MemorySink(std::sync::Mutex<Output>);

impl MemorySink {
    pub fn into_output(self) -> Output {
        self.0.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

impl Sink for MemorySink {
    fn put_parts(&self, path: &str, parts: &[&[u8]], origin: &Origin) -> Result<(), Claimed> {
        let bytes = parts.concat();
        let mut out = self.0.lock().unwrap_or_else(|p| p.into_inner());
        out.add(path.to_string(), bytes, origin.clone())
            .map_err(|first| Claimed { first })
    }
}

/// A fresh folder beside the output that a build writes into, swapped in
/// by [`Staging::commit`] only when everything succeeded: a failed or
/// interrupted build leaves the previous output exactly as it was. Files
/// whose bytes did not change are hard-linked from the previous output,
/// so they keep their modification time and sync tools skip them.
pub struct Staging {
    out: PathBuf,
    fresh: PathBuf,
    old: PathBuf,
    claimed: std::sync::Mutex<std::collections::HashMap<String, Origin>>,
    /// Folders made so far, relative to the staging folder (a `Path`
    /// would be hashed component by component).
    dirs: std::sync::Mutex<std::collections::HashSet<String>>,
    failure: std::sync::Mutex<Option<OutputError>>,
    done: bool,
    /// Whether there is a previous output to hard-link unchanged files from.
    previous: bool,
}

impl Staging {
    /// Checks `out` (see [`check_output_dir`]), removes what interrupted
    /// builds left beside it, and creates the staging folder.
    pub fn new(root: &Path, out: &Path) -> Result<Staging, OutputError> {
        check_output_dir(root, out)?;
        let out = canonical(out);
        let parent = out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "output".into());
        std::fs::create_dir_all(&parent)
            .map_err(|e| OutputError::Io(format!("cannot create {}: {e}", parent.display())))?;
        let pid = std::process::id();
        let fresh = parent.join(format!(".{name}.tandem-new-{pid}"));
        let old = parent.join(format!(".{name}.tandem-old-{pid}"));
        clean_leftovers(&parent, &name);
        // A leftover of an earlier process with our pid (after a reboot).
        let _ = std::fs::remove_dir_all(&fresh);
        std::fs::create_dir(&fresh)
            .map_err(|e| OutputError::Io(format!("cannot create {}: {e}", fresh.display())))?;
        let previous = out.is_dir();
        Ok(Staging {
            out,
            fresh,
            old,
            claimed: Default::default(),
            dirs: Default::default(),
            failure: Default::default(),
            done: false,
            previous,
        })
    }

    fn fail(&self, e: OutputError) {
        let mut f = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = Some(e);
        }
    }

    fn write_file(&self, rel: &str, parts: &[&[u8]]) -> Result<(), OutputError> {
        let target = self.fresh.join(rel);
        if let Some((rel_dir, _)) = rel.rsplit_once('/') {
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(rel_dir);
            if !known {
                let dir = self.fresh.join(rel_dir);
                std::fs::create_dir_all(&dir).map_err(|e| {
                    OutputError::Io(format!("cannot create {}: {e}", dir.display()))
                })?;
                self.dirs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(rel_dir.to_string());
            }
        }
        let prev = self.out.join(rel);
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if self.previous
            && let Ok(meta) = std::fs::metadata(&prev)
            && meta.len() == len as u64
            && std::fs::read(&prev).is_ok_and(|b| same_bytes(&b, parts))
            && std::fs::hard_link(&prev, &target).is_ok()
        {
            return Ok(());
        }
        let mut f = std::fs::File::create(&target)
            .map_err(|e| OutputError::Io(format!("cannot create {}: {e}", target.display())))?;
        write_all_parts(&mut f, parts)
            .map_err(|e| OutputError::Io(format!("cannot write {}: {e}", target.display())))
    }

    /// How many files were put so far.
    pub fn len(&self) -> usize {
        self.claimed.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the marker and swaps the staging folder in.
    pub fn commit(mut self) -> Result<(), OutputError> {
        self.done = true;
        let failure = self
            .failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let (out, fresh, old) = (self.out.clone(), self.fresh.clone(), self.old.clone());
        let io = |what: &str, p: &Path, e: std::io::Error| {
            OutputError::Io(format!("cannot {what} {}: {e}", p.display()))
        };
        if let Some(e) = failure {
            let _ = std::fs::remove_dir_all(&fresh);
            return Err(e);
        }
        if let Err(e) = std::fs::write(
            fresh.join(MARKER),
            b"This folder is written by tandem build and replaced on every build.\n",
        ) {
            let _ = std::fs::remove_dir_all(&fresh);
            return Err(OutputError::Io(format!(
                "cannot write the output marker: {e}"
            )));
        }
        if !out.exists() {
            return std::fs::rename(&fresh, &out).map_err(|e| {
                let _ = std::fs::remove_dir_all(&fresh);
                io("move into place", &out, e)
            });
        }
        if exchange(&fresh, &out).is_ok() {
            // `fresh` now holds the previous output.
            let _ = std::fs::remove_dir_all(&fresh);
            return Ok(());
        }
        std::fs::rename(&out, &old).map_err(|e| {
            let _ = std::fs::remove_dir_all(&fresh);
            io("move aside", &out, e)
        })?;
        if let Err(e) = std::fs::rename(&fresh, &out) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&old, &out);
            let _ = std::fs::remove_dir_all(&fresh);
            return Err(io("move into place", &out, e));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }
}

impl Sink for Staging {
    fn put_parts(&self, path: &str, parts: &[&[u8]], origin: &Origin) -> Result<(), Claimed> {
        {
            let mut claimed = self.claimed.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(first) = claimed.get(path) {
                return Err(Claimed {
                    first: first.clone(),
                });
            }
            claimed.insert(path.to_string(), origin.clone());
        }
        if let Err(e) = self.write_file(path, parts) {
            self.fail(e);
        }
        Ok(())
    }
}

/// Whether `bytes` is `parts` joined.
fn same_bytes(bytes: &[u8], parts: &[&[u8]]) -> bool {
    let mut rest = bytes;
    for p in parts {
        match rest.split_at_checked(p.len()) {
            Some((head, tail)) if head == *p => rest = tail,
            _ => return false,
        }
    }
    rest.is_empty()
}

/// Writes `parts` in order with as few system calls as the kernel allows.
fn write_all_parts(f: &mut std::fs::File, parts: &[&[u8]]) -> std::io::Result<()> {
    use std::io::IoSlice;
    // The kernel takes at most 1024 slices per call (IOV_MAX).
    for chunk in parts.chunks(1024) {
        let mut slices: Vec<IoSlice> = chunk
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| IoSlice::new(p))
            .collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            let n = f.write_vectored(rest)?;
            if n == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            IoSlice::advance_slices(&mut rest, n);
        }
    }
    Ok(())
}

impl Drop for Staging {
    /// A build that did not commit (errors, a panic) leaves no staging folder.
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.fresh);
        }
    }
}

/// Swaps two paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`),
/// so that the site is never missing. Fails on file systems that refuse
/// the exchange; the caller then moves the two one after the other.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    Ok(renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE)?)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Whether the process that owns a leftover folder may still be writing it.
fn alive(pid: u32) -> bool {
    pid != std::process::id()
        && cfg!(target_os = "linux")
        && Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes what interrupted earlier builds left beside the output; when
/// the output itself went missing between the two renames of the fallback
/// swap, restores it. Folders of builds that are still running are left
/// alone.
fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(read) = std::fs::read_dir(parent) else {
        return;
    };
    let out = parent.join(name);
    let prefix = format!(".{name}.tandem-");
    for item in read.flatten() {
        let file = item.file_name().to_string_lossy().to_string();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let (state, pid) = rest.split_once('-').unwrap_or((rest, ""));
        if pid.parse().is_ok_and(alive) {
            continue;
        }
        if state == "old" && !out.exists() {
            let _ = std::fs::rename(item.path(), &out);
        } else if state == "old" || state == "new" {
            let _ = std::fs::remove_dir_all(item.path());
        }
    }
}

/// Replaces the file `path` with `bytes` in one step: written beside it
/// first, then renamed over it, so that a reader (or a build stopped
/// halfway) sees the old file or the new one, never a part.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_two_writers_the_first_origin_in_order_keeps_the_file_whoever_came_first() {
        for (first, second) in [("b.md", "a.md"), ("a.md", "b.md")] {
            let origin = |s: &str| Origin::Entry(s.to_string());
            let mut out = Output::default();
            out.add(
                "x/index.html".into(),
                first.as_bytes().to_vec(),
                origin(first),
            )
            .expect("first writer");
            let err = out
                .add(
                    "x/index.html".into(),
                    second.as_bytes().to_vec(),
                    origin(second),
                )
                .expect_err("a collision");
            assert_eq!(err, origin(first), "the error names the other writer");
            let kept = out.get("x/index.html").expect("kept");
            assert_eq!(
                (&kept.origin, &kept.bytes[..]),
                (&origin("a.md"), &b"a.md"[..])
            );
        }
    }

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().expect("temporary folder")
    }

    #[test]
    fn a_previous_output_left_aside_is_put_back() {
        // The fallback swap was killed between its two renames: the
        // output is missing and the previous one sits beside it.
        let dir = tmp();
        let aside = dir.path().join(".output.tandem-old-4194001");
        std::fs::create_dir(&aside).unwrap();
        std::fs::write(aside.join("index.html"), "previous").unwrap();
        std::fs::create_dir(dir.path().join(".output.tandem-new-4194001")).unwrap();
        clean_leftovers(dir.path(), "output");
        let out = dir.path().join("output");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn folders_of_running_builds_and_other_files_are_left_alone() {
        let dir = tmp();
        let ours = dir
            .path()
            .join(format!(".output.tandem-new-{}", std::process::id()));
        let init = dir.path().join(".output.tandem-new-1"); // pid 1 is alive
        let other = dir.path().join(".output.keep");
        for d in [&ours, &init, &other] {
            std::fs::create_dir(d).unwrap();
        }
        clean_leftovers(dir.path(), "output");
        // Our own pid's leftover is stale by definition (we have not started one).
        assert!(!ours.exists());
        assert!(init.exists());
        assert!(other.exists());
    }

    #[test]
    fn exchange_swaps_two_folders() {
        let dir = tmp();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("x"), "a").unwrap();
        std::fs::write(b.join("x"), "b").unwrap();
        if exchange(&a, &b).is_err() {
            return; // not supported here: the fallback is used
        }
        assert_eq!(std::fs::read_to_string(a.join("x")).unwrap(), "b");
        assert_eq!(std::fs::read_to_string(b.join("x")).unwrap(), "a");
    }
}
