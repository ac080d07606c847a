//! Answers HTTP requests from the built site in memory.
//!
//! Only files of the built site are served: a request path is decoded once
//! and refused (400) when it holds `..` or `.` segments, backslashes, or an
//! encoded `/` or `\`; then it is looked up in a map, so no file outside the
//! output can be reached, there is nothing to list and a symbolic link in
//! the site folder is never followed. HTML answers get the live-reload
//! script; nothing written by `build` ever has it.

use super::incremental::Bytes;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::{Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};
use tiny_http::{Header, Request, Response, StatusCode};

/// Where the live-reload endpoints live: outside any site path.
pub const PREFIX: &str = "/__tandem/";
const LIVE_JS: &str = include_str!("live.js");
/// How long a long-poll request waits before answering "no change".
const POLL: Duration = Duration::from_secs(25);
/// How long a request for a feed being remade waits for it.
const PENDING_WAIT: Duration = Duration::from_secs(30);

/// What the server shows, shared between the rebuild thread and the
/// request handlers.
pub struct Shared {
    /// The last site built without errors.
    pub files: RwLock<HashMap<String, Bytes>>,
    pub status: Mutex<Status>,
    /// Notified whenever `status` changes.
    pub changed: Condvar,
}

#[derive(Clone, Debug, Default)]
pub struct Status {
    /// Counts rebuilds, good and bad: a page waits for it to change.
    pub version: u64,
    /// Counts publications of a good site: a page reloads when it changed.
    pub site_version: u64,
    /// The current files build without errors.
    pub ok: bool,
    /// Whether any good site was built yet.
    pub has_site: bool,
    /// The errors, each as the terminal shows it (`path:line:col: …`).
    pub errors: Vec<String>,
    /// Paths being remade: requests for them wait.
    pub pending: HashSet<String>,
    /// The path part of the site's address (`/` or `/bildung/`).
    pub base_path: String,
}

impl Shared {
    pub fn new(base_path: String) -> Shared {
        Shared {
            files: RwLock::new(HashMap::new()),
            status: Mutex::new(Status {
                base_path,
                ..Status::default()
            }),
            changed: Condvar::new(),
        }
    }

    pub fn status(&self) -> Status {
        match self.status.lock() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Changes the status under its lock and wakes the waiting requests.
    pub fn update(&self, f: impl FnOnce(&mut Status)) {
        let mut s = match self.status.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        f(&mut s);
        drop(s);
        self.changed.notify_all();
    }
}

/// Whether a request ties up its thread for long (the long poll), so that
/// the caller gives it a thread of its own.
pub fn is_long(req: &Request) -> bool {
    req.url().starts_with(&format!("{PREFIX}wait"))
}

/// A body served from shared bytes without copying them.
struct Body {
    bytes: Bytes,
    pos: usize,
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond(req: Request, status: u16, content_type: &str, bytes: Bytes, extra: &[(&str, &str)]) {
    let mut headers: Vec<Header> = Vec::new();
    headers.extend(header("Content-Type", content_type));
    // A preview must never come from a cache.
    headers.extend(header("Cache-Control", "no-store"));
    headers.extend(header("X-Content-Type-Options", "nosniff"));
    for (k, v) in extra {
        headers.extend(header(k, v));
    }
    let len = bytes.len();
    let response = Response::new(
        StatusCode(status),
        headers,
        Body { bytes, pos: 0 },
        Some(len),
        None,
    );
    // The browser may have gone away; nothing to do then.
    let _ = req.respond(response);
}

fn text(req: Request, status: u16, body: &str) {
    respond(
        req,
        status,
        "text/plain; charset=utf-8",
        Bytes::new(body.as_bytes().to_vec()),
        &[],
    );
}

/// The media type of a site file, by its name. The files tandem writes
/// itself keep the types they always had (`application/xml` rather than
/// the table's `text/xml`); text gets its encoding, which is always UTF-8.
pub fn content_type(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mime = match (name, ext.as_str()) {
        ("atom.xml", _) => "application/atom+xml",
        (_, "xml") => "application/xml",
        (_, "js" | "mjs") => "application/javascript",
        _ => mime_guess::from_ext(&ext)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    };
    if mime.starts_with("text/") || mime == "application/javascript" {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// A request path refused by [`decode`] (answered with 400).
#[derive(Debug, PartialEq)]
pub struct BadPath;

/// Decodes the site-relative part of a request path. `Err` for anything
/// that could step outside the site or name a file two ways: `.` and `..`
/// segments, backslashes, encoded `/` and `\`, NUL and other control
/// characters, invalid UTF-8, and `%` without two hex digits (which
/// `percent-encoding` would keep as it is).
pub fn decode(raw: &str) -> Result<String, BadPath> {
    let malformed = raw.match_indices('%').any(|(i, _)| {
        !raw.get(i + 1..i + 3)
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if malformed {
        return Err(BadPath);
    }
    let mut out = String::with_capacity(raw.len());
    // Segment by segment, so that an encoded `/` stays visible.
    for (i, segment) in raw.split('/').enumerate() {
        let segment = percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .map_err(|_| BadPath)?;
        if segment == "."
            || segment == ".."
            || segment.contains(['/', '\\'])
            || segment.chars().any(char::is_control)
        {
            return Err(BadPath);
        }
        if i > 0 {
            out.push('/');
        }
        out.push_str(&segment);
    }
    Ok(out)
}

/// Puts the live-reload script into an HTML page, before `</body>`.
pub fn inject(html: &[u8], status: &Status) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{PREFIX}live.js\" data-version=\"{}\" data-site-version=\"{}\"></script>",
        status.version, status.site_version
    );
    let at = find_last_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Answers one request.
pub fn handle(shared: &Shared, req: Request) {
    let method = req.method().clone();
    if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
        respond(
            req,
            405,
            "text/plain; charset=utf-8",
            Bytes::new(b"405 method not allowed\n".to_vec()),
            &[("Allow", "GET, HEAD")],
        );
        return;
    }
    let url = req.url().to_string();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (url.clone(), None),
    };
    if let Some(rest) = path.strip_prefix(PREFIX) {
        return live(shared, req, rest, query.as_deref());
    }
    if !path.starts_with('/') {
        return text(req, 400, "400 bad request\n");
    }
    let status = shared.status();
    let base = status.base_path.clone();
    let rel_raw = match path.strip_prefix(base.as_str()) {
        Some(r) => r.to_string(),
        None if format!("{path}/") == base || path == "/" => {
            return redirect(req, &base, query.as_deref());
        }
        None => return not_found(shared, req, &status),
    };
    let Ok(rel) = decode(&rel_raw) else {
        return text(req, 400, "400 bad request\n");
    };
    if !status.has_site {
        return no_site(req, &status);
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    let status = wait_pending(shared, &key).unwrap_or(status);
    let found = read_file(shared, &key);
    match found {
        Some(bytes) => serve_file(req, &key, bytes, &status, 200),
        None => {
            let dir_index = format!("{rel}/index.html");
            if !rel.is_empty() && !rel.ends_with('/') && read_file(shared, &dir_index).is_some() {
                return redirect(req, &format!("{path}/"), query.as_deref());
            }
            not_found(shared, req, &status)
        }
    }
}

fn read_file(shared: &Shared, key: &str) -> Option<Bytes> {
    let files = match shared.files.read() {
        Ok(f) => f,
        Err(p) => p.into_inner(),
    };
    files.get(key).cloned()
}

/// Waits while `key` is being remade (a feed after an edit), so that no
/// stale file is served. Returns the status after the wait.
fn wait_pending(shared: &Shared, key: &str) -> Option<Status> {
    let deadline = Instant::now() + PENDING_WAIT;
    let mut s = match shared.status.lock() {
        Ok(s) => s,
        Err(p) => p.into_inner(),
    };
    let mut waited = false;
    while s.pending.contains(key) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        waited = true;
        s = match shared.changed.wait_timeout(s, left) {
            Ok((s, _)) => s,
            Err(p) => p.into_inner().0,
        };
    }
    waited.then(|| s.clone())
}

fn serve_file(req: Request, key: &str, bytes: Bytes, status: &Status, code: u16) {
    let ct = content_type(key);
    if ct.starts_with("text/html") {
        let body = inject(&bytes, status);
        respond(req, code, &ct, Bytes::new(body), &[]);
    } else {
        respond(req, code, &ct, bytes, &[]);
    }
}

fn redirect(req: Request, to: &str, query: Option<&str>) {
    let location = match query {
        Some(q) => format!("{to}?{q}"),
        None => to.to_string(),
    };
    let body = format!("moved to {location}\n");
    respond(
        req,
        301,
        "text/plain; charset=utf-8",
        Bytes::new(body.as_bytes().to_vec()),
        &[("Location", &location)],
    );
}

fn not_found(shared: &Shared, req: Request, status: &Status) {
    match read_file(shared, "404.html") {
        Some(page) => serve_file(req, "404.html", page, status, 404),
        None => {
            let page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><h1>404</h1><p>There is no such page in this site.</p></body></html>";
            let body = inject(page.as_bytes(), status);
            respond(req, 404, "text/html; charset=utf-8", Bytes::new(body), &[]);
        }
    }
}

/// The answer while no build has succeeded yet: the errors show in the
/// overlay, and the page reloads once the site builds.
fn no_site(req: Request, status: &Status) {
    let page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>tandem: the site has errors</title></head><body><h1>The site has errors</h1><p>Fix them; this page reloads by itself.</p></body></html>";
    let body = inject(page.as_bytes(), status);
    respond(req, 500, "text/html; charset=utf-8", Bytes::new(body), &[]);
}

/// The live-reload endpoints: the script, and a long poll that answers
/// when the rebuild count differs from the page's.
fn live(shared: &Shared, req: Request, rest: &str, query: Option<&str>) {
    match rest {
        "live.js" => respond(
            req,
            200,
            "application/javascript; charset=utf-8",
            Bytes::new(LIVE_JS.as_bytes().to_vec()),
            &[],
        ),
        "wait" => {
            let seen: Option<u64> = query.and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix("version="))
                    .and_then(|v| v.parse().ok())
            });
            let deadline = Instant::now() + POLL;
            let mut s = match shared.status.lock() {
                Ok(s) => s,
                Err(p) => p.into_inner(),
            };
            while Some(s.version) == seen {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                s = match shared.changed.wait_timeout(s, left) {
                    Ok((s, _)) => s,
                    Err(p) => p.into_inner().0,
                };
            }
            let body = serde_json::json!({
                "version": s.version,
                "site_version": s.site_version,
                "ok": s.ok,
                "errors": s.errors,
            })
            .to_string();
            drop(s);
            respond(
                req,
                200,
                "application/json",
                Bytes::new(body.as_bytes().to_vec()),
                &[],
            );
        }
        _ => text(req, 404, "404 not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_refuses_ways_out() {
        assert_eq!(decode("events/x/").as_deref(), Ok("events/x/"));
        assert_eq!(decode("%C3%BCber/").as_deref(), Ok("über/"));
        assert_eq!(decode("").as_deref(), Ok(""));
        assert_eq!(decode("a%20b/c.d").as_deref(), Ok("a b/c.d"));
        assert_eq!(decode("über/").as_deref(), Ok("über/"));
        for bad in [
            "../x",
            "a/../../x",
            "%2e%2e/x",
            "%2E%2E/x",
            "a%2fb",
            "a%2F..%2Fb",
            "a\\b",
            "a%5cb",
            "./x",
            "%00",
            "%zz",
            "%",
            "%ff",
            "a%",
            "a%4",
            "%%41",
            "a%0a",
            "a/%2e/b",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("calendar.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("atom.xml"), "application/atom+xml");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.PNG"), "image/png");
        assert_eq!(
            content_type("tandem.js"),
            "application/javascript; charset=utf-8"
        );
        assert_eq!(content_type("docs/a.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("a.json"), "application/json");
        assert_eq!(content_type("a.woff2"), "font/woff2");
        assert_eq!(content_type("LIESMICH"), "application/octet-stream");
        assert_eq!(content_type("a.unbekannt"), "application/octet-stream");
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let s = Status::default();
        let out = String::from_utf8(inject(b"<p></body>x</BODY>", &s)).unwrap_or_default();
        assert!(out.starts_with("<p></body>x<script"));
        assert!(out.ends_with("</script></BODY>"));
        let out = String::from_utf8(inject(b"<p>", &s)).unwrap_or_default();
        assert!(out.starts_with("<p><script"));
    }
}
