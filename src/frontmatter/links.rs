//! The links authors write into front-matter fields (`website`,
//! `registration`, a location's `url` and `online`, image URLs) and the
//! e-mail addresses of contacts.
//!
//! Every such link ends up in an `href`, so only what a visitor can safely
//! follow is let through: absolute `https://` and `http://` addresses, and
//! for a sign-up also `mailto:`. Anything else (`javascript:`, `data:`,
//! `www.example.org`, "per E-Mail an …") is refused with a message that
//! says what to write instead; the field is then left out, so nothing
//! unchecked reaches a page or a calendar.

/// What a link field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepts {
    /// `https://` or `http://` only.
    Web,
    /// A web address or a `mailto:` link (a `registration`).
    WebOrMail,
}

/// The link to use, trimmed, or the message for the author (without
/// position) when `raw` is not one `key` accepts.
pub fn check_link(key: &str, raw: &str, accepts: Accepts) -> Result<String, String> {
    let value = raw.trim();
    let shown = shorten(value);
    let mail_ok = accepts == Accepts::WebOrMail;
    let instead = if mail_ok {
        "the address of a web page (`https://…`) or an e-mail link (`mailto:…`)"
    } else {
        "a web address starting with `https://`"
    };
    if value.is_empty() {
        return Err(format!(
            "`{key}` is empty: write {instead}, or leave the field out"
        ));
    }
    if let Some(rest) = strip_prefix_ci(value, "https:").or_else(|| strip_prefix_ci(value, "http:"))
    {
        let scheme = &value[..value.len() - rest.len()];
        let Some(after) = rest.strip_prefix("//") else {
            return Err(format!(
                "`{key}`: `{shown}` is not a whole web address: write `{}//{}`",
                scheme.to_ascii_lowercase(),
                rest.trim_start_matches(['/', '\\'])
            ));
        };
        if let Some(bad) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
            let what = if bad.is_whitespace() {
                "a space"
            } else {
                "a control character"
            };
            return Err(format!(
                "`{key}`: `{shown}` holds {what}: a link is one address without spaces (write a space inside an address as `%20`)"
            ));
        }
        let host = after.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() {
            return Err(format!(
                "`{key}`: `{shown}` has no host name: write the whole address, such as `https://example.org/`"
            ));
        }
        return Ok(value.to_string());
    }
    if let Some(rest) = strip_prefix_ci(value, "mailto:") {
        let address = rest.split('?').next().unwrap_or("");
        return match (mail_ok, looks_like_email(address)) {
            (true, true) => Ok(value.to_string()),
            (true, false) => Err(format!(
                "`{key}`: `{shown}` is not an e-mail link: write `mailto:` and the address, such as `mailto:info@example.org`"
            )),
            (false, _) => Err(format!(
                "`{key}` takes a web address, not an e-mail link: write {instead} (an e-mail address belongs into `contact: {{ email: … }}`)"
            )),
        };
    }
    if let Some(address) = email_in(value) {
        return Err(if mail_ok {
            format!("`{key}`: `{shown}` is not a link: write `mailto:{address}`")
        } else {
            format!(
                "`{key}`: `{shown}` is an e-mail address, not a web address: write {instead} (an e-mail address belongs into `contact: {{ email: {address} }}`)"
            )
        });
    }
    if looks_like_domain(value) {
        return Err(format!(
            "`{key}`: `{shown}` is not a whole web address: write `https://{value}`"
        ));
    }
    if let Some(rest) = value.strip_prefix("//")
        && looks_like_domain(rest)
    {
        return Err(format!(
            "`{key}`: `{shown}` is not a whole web address: write `https://{rest}`"
        ));
    }
    if let Some(scheme) = scheme_of(value) {
        return Err(format!(
            "`{key}`: `{scheme}:` links are not allowed: write {instead}"
        ));
    }
    if value.starts_with('/') || !value.contains(char::is_whitespace) {
        return Err(format!(
            "`{key}`: `{shown}` is not a whole web address: write it with `https://` and the host, such as `https://example.org/{}`",
            value.trim_start_matches('/')
        ));
    }
    Err(format!("`{key}`: `{shown}` is not a link: write {instead}"))
}

/// The address to use, trimmed, or the message for the author when `raw`
/// is not one e-mail address.
pub fn check_email(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if looks_like_email(value) {
        return Ok(value.to_string());
    }
    let shown = shorten(value);
    match email_in(value) {
        Some(address) if strip_prefix_ci(value, "mailto:").is_some() => Err(format!(
            "`email`: write the address alone, without `mailto:`: `email: {address}`"
        )),
        Some(address) => Err(format!(
            "`email`: `{shown}` is more than an address: write only `{address}` (a name goes into `name`)"
        )),
        None => Err(format!(
            "`email`: `{shown}` is not an e-mail address (such as `info@example.org`)"
        )),
    }
}

/// Whether `s` is an absolute `https://` or `http://` address as
/// [`check_link`] lets through.
pub fn is_web_url(s: &str) -> bool {
    check_link("", s, Accepts::Web).is_ok_and(|u| u == s)
}

/// Whether `s` may be written into an `href` as it is: a web address or a
/// `mailto:` link as [`check_link`] lets through. Templates get only such
/// links, whatever filled the field.
pub fn is_safe_href(s: &str) -> bool {
    check_link("", s, Accepts::WebOrMail).is_ok_and(|u| u == s)
}

/// Whether `s` is written as a URL (`name:` with a scheme of two or more
/// letters, or `//host`) rather than as a path: `C:\…` stays a path.
pub fn is_url_like(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("//") || scheme_of(s).is_some_and(|scheme| scheme.len() >= 2)
}

/// `name@host.tld`: one `@`, no spaces, quotes or brackets, and a host
/// with a dot.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, host)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"(),:;<>[\\]@".contains(c))
        && looks_like_host(host)
}

/// `www.example.org`, `example.org/kontakt`, `bildungsträger.de:8080`: a
/// host with a dot and a top-level domain of letters, then maybe a port
/// and a path.
fn looks_like_domain(s: &str) -> bool {
    if s.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let host_port = s.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host_port,
    };
    looks_like_host(host)
}

fn looks_like_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// The first e-mail address in a text such as "per E-Mail an info@example.org".
fn email_in(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || "<>()[],;:\"'".contains(c))
        .map(|w| w.trim_matches('.'))
        .find(|w| looks_like_email(w))
}

/// The scheme of `s` (`javascript` in `javascript:…`), as RFC 3986 spells
/// schemes: a letter, then letters, digits, `+`, `-` or `.`.
fn scheme_of(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// A value as a message shows it: at most 80 characters.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(s: &str) -> Result<String, String> {
        check_link("website", s, Accepts::Web)
    }

    fn reg(s: &str) -> Result<String, String> {
        check_link("registration", s, Accepts::WebOrMail)
    }

    #[test]
    fn web_addresses_pass_trimmed() {
        assert_eq!(
            web(" https://example.org/a?b=c#d "),
            Ok("https://example.org/a?b=c#d".into())
        );
        assert_eq!(web("HTTP://Example.org"), Ok("HTTP://Example.org".into()));
        assert_eq!(
            reg("mailto:info@example.org?subject=Anmeldung"),
            Ok("mailto:info@example.org?subject=Anmeldung".into())
        );
        assert!(is_web_url("https://example.org/"));
        assert!(!is_web_url(" https://example.org/"));
        assert!(is_safe_href("mailto:a@example.org"));
        assert!(!is_safe_href("javascript:alert(1)"));
    }

    #[test]
    fn scripts_and_other_schemes_are_refused() {
        for bad in [
            "javascript:alert(13)",
            "  JaVaScRiPt:alert(13)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "java\tscript:alert(1)",
            "file:///etc/passwd",
        ] {
            assert!(reg(bad).is_err(), "{bad:?}");
            assert!(web(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            reg("  JaVaScRiPt:alert(13)").unwrap_err(),
            "`registration`: `JaVaScRiPt:` links are not allowed: write the address of a web page (`https://…`) or an e-mail link (`mailto:…`)"
        );
        assert!(
            web("mailto:a@example.org")
                .unwrap_err()
                .contains("not an e-mail link")
        );
    }

    #[test]
    fn what_authors_write_gets_its_fix() {
        assert_eq!(
            web("www.bildungsturbo.de").unwrap_err(),
            "`website`: `www.bildungsturbo.de` is not a whole web address: write `https://www.bildungsturbo.de`"
        );
        assert_eq!(
            reg("per E-Mail an info@example.org").unwrap_err(),
            "`registration`: `per E-Mail an info@example.org` is not a link: write `mailto:info@example.org`"
        );
        assert!(
            reg("info@example.org.")
                .unwrap_err()
                .ends_with("write `mailto:info@example.org`")
        );
        assert!(
            web("//example.org/x")
                .unwrap_err()
                .ends_with("write `https://example.org/x`")
        );
        assert!(
            web("https:example.org")
                .unwrap_err()
                .ends_with("write `https://example.org`")
        );
        assert!(web("https://").unwrap_err().contains("no host name"));
        assert!(
            web("https://example.org/mein flyer.pdf")
                .unwrap_err()
                .contains("`%20`")
        );
        assert!(
            reg("/anmeldung")
                .unwrap_err()
                .contains("`https://example.org/anmeldung`")
        );
        assert!(
            reg("Anmeldung im Sekretariat")
                .unwrap_err()
                .contains("is not a link")
        );
        assert!(
            web("example.org:8080/x")
                .unwrap_err()
                .ends_with("`https://example.org:8080/x`")
        );
    }

    #[test]
    fn email_addresses() {
        assert_eq!(
            check_email(" a.b@example.org "),
            Ok("a.b@example.org".into())
        );
        assert!(
            check_email("mailto:a@example.org")
                .unwrap_err()
                .contains("`email: a@example.org`")
        );
        assert!(
            check_email("Anna <a@example.org>")
                .unwrap_err()
                .contains("write only `a@example.org`")
        );
        assert!(
            check_email("https://example.org")
                .unwrap_err()
                .contains("not an e-mail address")
        );
        assert!(check_email("a@b").is_err());
        assert!(check_email("a b@example.org").is_err());
    }

    #[test]
    fn urls_and_paths() {
        assert!(is_url_like("https://example.org/x.png"));
        assert!(is_url_like("data:image/png;base64,AAAA"));
        assert!(is_url_like("//cdn.example.org/x.png"));
        assert!(!is_url_like("images/x.png"));
        assert!(!is_url_like("C:\\bilder\\x.png"));
    }
}
