//! Shared by the fuzz targets: a whole site packed into one byte string,
//! so that libFuzzer can mutate site.yaml, file names and file contents.
//!
//! Format: `site.yaml` text, then for each file `\0 path \0 bytes`, e.g.
//! `title: X\n…\0content/events/a.md\0---\ntitle: A\n---\n`. Every byte
//! string decodes to some site (a missing part is empty), so mutations
//! that break the layout still test something.

/// Splits a packed site into `site.yaml`'s text and its files.
pub fn unpack(data: &[u8]) -> (String, Vec<(String, Vec<u8>)>) {
    let mut parts = data.split(|b| *b == 0);
    let site_yaml = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut files = Vec::new();
    while let Some(path) = parts.next() {
        let bytes = parts.next().unwrap_or_default().to_vec();
        files.push((String::from_utf8_lossy(path).into_owned(), bytes));
    }
    (site_yaml, files)
}

/// The inverse of [`unpack`], for writing seeds.
pub fn pack(site_yaml: &str, files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = site_yaml.as_bytes().to_vec();
    for (path, bytes) in files {
        out.push(0);
        out.extend_from_slice(path.as_bytes());
        out.push(0);
        out.extend_from_slice(bytes);
    }
    out
}

/// The stack every target runs on, threads of rayon's included. A
/// thread's usual stack (2 to 8 MiB) hides recursion that grows with the
/// input until inputs are far longer than libFuzzer makes them; on a
/// small stack, a few thousand levels of nesting in a short input
/// overflow it and show up as a crash.
pub const STACK: usize = 256 * 1024;

/// Runs `f` on a thread of a one-thread pool with a [`STACK`]-sized
/// stack, so that the parallel loops inside tandem run there too. A panic
/// in `f` is a panic here.
pub fn on_small_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::LazyLock<rayon::ThreadPool> = std::sync::LazyLock::new(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(STACK)
            .build()
            .expect("start the fuzzing thread")
    });
    POOL.install(f)
}

/// Loads the packed site through relation resolution and the warnings,
/// then renders every Markdown body and checks every `@/` link and
/// anchor. Panics are the findings; diagnostics are expected.
pub fn load(data: &[u8]) {
    on_small_stack(|| load_here(data));
}

fn load_here(data: &[u8]) {
    let (site_yaml, files) = unpack(data);
    let mut diags = tandem::diagnostics::Diagnostics::new();
    if let Some(site) = tandem::model::load_site_from_memory(&site_yaml, &files, &mut diags) {
        tandem::build::render_bodies(&site, &mut diags);
        for &lang in site.config.languages.iter().skip(1) {
            tandem::build::render_bodies(&site.in_language(lang), &mut diags);
        }
    }
    diags.sort();
    for d in diags.iter() {
        let _ = d.render(false);
    }
}

/// [`load`], then the whole in-memory build: pages with the built-in
/// theme, calendar feeds, Atom, sitemap.
pub fn build(data: &[u8]) {
    on_small_stack(|| build_here(data));
}

fn build_here(data: &[u8]) {
    let (site_yaml, files) = unpack(data);
    let mut diags = tandem::diagnostics::Diagnostics::new();
    if let Some(site) = tandem::model::load_site_from_memory(&site_yaml, &files, &mut diags) {
        let _ = tandem::build::render_site(&site, &mut diags);
    }
}
