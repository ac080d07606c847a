//! The built site in memory, and its atomic arrival on disk.
//!
//! A build renders every file into an [`Output`] first, so two sources that
//! would write one address are found before anything is written, and
//! `serve` can answer from memory. [`write_atomically`] then writes a fresh
//! sibling folder and swaps it in: a failed or interrupted build leaves the
//! previous output exactly as it was.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The marker that tells tandem a folder is its own output, safe to replace.
pub const MARKER: &str = ".tandem-output";

#[derive(Clone, Debug)]
pub struct OutFile {
    pub bytes: Vec<u8>,
    /// What wrote it (a source path, "theme", "alias of …"), for collisions.
    pub origin: String,
}

#[derive(Clone, Debug, Default)]
pub struct Output {
    pub files: BTreeMap<String, OutFile>,
}

impl Output {
    /// Adds a file; `Err` with the first writer's origin on a collision.
    pub fn add(
        &mut self,
        path: String,
        bytes: Vec<u8>,
        origin: impl Into<String>,
    ) -> Result<(), String> {
        use std::collections::btree_map::Entry;
        match self.files.entry(path) {
            Entry::Occupied(o) => Err(o.get().origin.clone()),
            Entry::Vacant(v) => {
                v.insert(OutFile {
                    bytes,
                    origin: origin.into(),
                });
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

#[derive(Debug)]
pub enum OutputError {
    /// The folder must not be used (exit status 2).
    Refused(String),
    /// Writing failed (exit status 3); the previous output is untouched.
    Io(String),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused(m) | OutputError::Io(m) => f.write_str(m),
        }
    }
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

/// Writes `output` into a new sibling of `out` and swaps it in. Files whose
/// bytes did not change are hard-linked from the previous output, so they
/// keep their modification time and sync tools skip them.
///
/// The swap is one atomic `renameat2(RENAME_EXCHANGE)` on Linux, so at every
/// instant `out` holds either the complete previous output or the complete
/// new one, even when the process is killed. Elsewhere (or on file systems
/// without it) the previous output is renamed aside first; if the process
/// dies between the two renames, the next build puts it back before doing
/// anything else.
pub fn write_atomically(output: &Output, root: &Path, out: &Path) -> Result<(), OutputError> {
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
    let io = |what: &str, p: &Path, e: std::io::Error| {
        OutputError::Io(format!("cannot {what} {}: {e}", p.display()))
    };

    // A leftover of an earlier process with our pid (after a reboot).
    let _ = std::fs::remove_dir_all(&fresh);
    std::fs::create_dir(&fresh).map_err(|e| io("create", &fresh, e))?;
    let result = write_tree(output, &fresh, &out);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(e);
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

/// Swaps two paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::{CString, c_char, c_int, c_uint};
    use std::os::unix::ffi::OsStrExt;
    unsafe extern "C" {
        fn renameat2(
            olddirfd: c_int,
            oldpath: *const c_char,
            newdirfd: c_int,
            newpath: *const c_char,
            flags: c_uint,
        ) -> c_int;
    }
    const AT_FDCWD: c_int = -100;
    const RENAME_EXCHANGE: c_uint = 2;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are NUL-terminated strings that outlive the call;
    // renameat2 only reads them.
    let r = unsafe { renameat2(AT_FDCWD, a.as_ptr(), AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
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

fn write_tree(output: &Output, fresh: &Path, previous: &Path) -> Result<(), OutputError> {
    use rayon::prelude::*;
    let mut dirs: Vec<PathBuf> = output
        .files
        .keys()
        .filter_map(|p| Path::new(p).parent().map(|d| fresh.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d)
            .map_err(|e| OutputError::Io(format!("cannot create {}: {e}", d.display())))?;
    }
    output.files.par_iter().try_for_each(|(rel, file)| {
        let target = fresh.join(rel);
        let prev = previous.join(rel);
        if let Ok(meta) = std::fs::metadata(&prev)
            && meta.len() == file.bytes.len() as u64
            && std::fs::read(&prev).is_ok_and(|b| b == file.bytes)
            && std::fs::hard_link(&prev, &target).is_ok()
        {
            return Ok(());
        }
        let mut f = std::fs::File::create(&target)
            .map_err(|e| OutputError::Io(format!("cannot create {}: {e}", target.display())))?;
        f.write_all(&file.bytes)
            .map_err(|e| OutputError::Io(format!("cannot write {}: {e}", target.display())))
    })?;
    std::fs::write(
        fresh.join(MARKER),
        b"This folder is written by tandem build and replaced on every build.\n",
    )
    .map_err(|e| OutputError::Io(format!("cannot write the output marker: {e}")))
}
