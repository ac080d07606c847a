//! The image cache: `.tandem-cache/images/KEY/` at the site root holds the
//! copies of one original, KEY being a hash of its bytes and of every
//! parameter that decides the copies ([`super::encode::PARAMETERS`]). A
//! build that changed no image therefore decodes and encodes nothing,
//! and a renamed or moved file is still found.
//!
//! The cache is only a shortcut: a copy that cannot be written or read
//! back is made again, never an error.

use std::path::{Path, PathBuf};

/// The cache's folder below the site root (git-ignored by `tandem init`).
pub const DIR: &str = ".tandem-cache";

pub struct Cache {
    dir: PathBuf,
}

/// The cache key of an original.
pub fn key(bytes: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(super::encode::PARAMETERS.as_bytes());
    h.update(&[0]);
    h.update(bytes);
    h.finalize().to_hex()[..32].to_string()
}

impl Cache {
    /// The cache of the site at `root`: `dir` when given, else the
    /// folder `TANDEM_CACHE_DIR` names, else `root/.tandem-cache/` (for CI, which keeps one folder
    /// between runs, and for several checkouts of one site).
    pub fn at(root: &Path, dir: Option<&Path>) -> Cache {
        let base = dir.map(Path::to_path_buf).unwrap_or_else(|| {
            std::env::var_os("TANDEM_CACHE_DIR")
                .filter(|v| !v.is_empty())
                .map_or_else(|| root.join(DIR), PathBuf::from)
        });
        Cache {
            dir: base.join("images"),
        }
    }

    fn file(&self, key: &str, w: u32, ext: &str) -> PathBuf {
        self.dir.join(key).join(format!("{w}.{ext}"))
    }

    /// The copies of `key` at `widths`, if all are there.
    pub fn get(&self, key: &str, widths: &[u32], ext: &str) -> Option<Vec<super::encode::Copy>> {
        widths
            .iter()
            .map(|&w| {
                let own = std::fs::read(self.file(key, w, ext)).ok()?;
                let webp = std::fs::read(self.file(key, w, "webp")).ok()?;
                Some((own, webp))
            })
            .collect()
    }

    /// Keeps the copies of `key`; each file appears whole or not at all
    /// (written beside, then renamed), so a build stopped midway leaves
    /// no half a copy for the next one to publish.
    pub fn put(&self, key: &str, widths: &[u32], ext: &str, copies: &[super::encode::Copy]) {
        let folder = self.dir.join(key);
        if std::fs::create_dir_all(&folder).is_err() {
            return;
        }
        for (&w, (own, webp)) in widths.iter().zip(copies) {
            for (path, bytes) in [
                (self.file(key, w, ext), own),
                (self.file(key, w, "webp"), webp),
            ] {
                let tmp = path.with_extension(format!("tmp{}", std::process::id()));
                if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, &path).is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
            }
        }
    }
}
