//! The library's error: what went wrong, typed. Only the binary turns it
//! into an exit status ([`Error::exit_code`]), so that library callers and
//! tests can tell the cases apart without a process.

use std::path::PathBuf;

/// Exit statuses, as the content format's section 7 defines them.
pub mod exit {
    pub const OK: u8 = 0;
    pub const CONTENT: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const IO: u8 = 3;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Content or template errors; each was reported as a diagnostic.
    #[error("the site has content or template errors")]
    Content,
    /// A file could not be read or written during a build or check; the
    /// diagnostics name it.
    #[error("a file could not be read or written")]
    ReportedIo,
    /// Wrong usage: a wrong folder, kind, title or address.
    #[error("{0}")]
    Usage(String),
    /// The output folder must not be used (see `output::check_output_dir`).
    #[error("{0}")]
    Refused(String),
    /// Writing the output failed; the previous output is unchanged.
    #[error("{0}; the previous output is unchanged")]
    Output(String),
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An input file could not be read (`tandem import`).
    #[error("{0}")]
    Read(String),
    /// The preview server could not listen on its address.
    #[error("cannot listen on {addr}: {source} (is another server using port {}? try --port)", addr.port())]
    Listen {
        addr: std::net::SocketAddr,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The file watcher could not start.
    #[error("{0}")]
    Watch(String),
}

impl Error {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Content => exit::CONTENT,
            Error::Usage(_) | Error::Refused(_) => exit::USAGE,
            Error::ReportedIo
            | Error::Output(_)
            | Error::Write { .. }
            | Error::Read(_)
            | Error::Listen { .. }
            | Error::Watch(_) => exit::IO,
        }
    }

    /// Whether the problem was printed already, as diagnostics; otherwise
    /// the caller prints the error itself.
    pub fn is_reported(&self) -> bool {
        matches!(self, Error::Content | Error::ReportedIo)
    }
}

impl From<crate::output::OutputError> for Error {
    fn from(e: crate::output::OutputError) -> Error {
        match e {
            crate::output::OutputError::Refused(m) => Error::Refused(m),
            crate::output::OutputError::Io(m) => Error::Output(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statuses the README and `tandem --help` document.
    #[test]
    fn errors_map_to_the_documented_exit_statuses() {
        let io = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let cases = [
            (Error::Content, exit::CONTENT),
            (Error::ReportedIo, exit::IO),
            (Error::Usage("u".into()), exit::USAGE),
            (Error::Refused("r".into()), exit::USAGE),
            (Error::Output("o".into()), exit::IO),
            (
                Error::Write {
                    path: "a".into(),
                    source: io(),
                },
                exit::IO,
            ),
            (
                Error::Listen {
                    addr: ([127, 0, 0, 1], 1111).into(),
                    source: Box::new(io()),
                },
                exit::IO,
            ),
            (Error::Watch("w".into()), exit::IO),
        ];
        for (e, code) in cases {
            assert_eq!(e.exit_code(), code, "{e:?}");
            assert_eq!(
                e.is_reported(),
                matches!(e, Error::Content | Error::ReportedIo)
            );
        }
    }

    /// A library caller gets the error, typed, and its process goes on.
    #[test]
    fn a_refused_command_is_an_error_value() {
        let dir = std::env::temp_dir().join(format!("tandem-error-{}", std::process::id()));
        let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
        let e = crate::scaffold::new_entry(&dir, "evnt", "Titel", today).unwrap_err();
        assert!(matches!(e, Error::Usage(_)));
        assert_eq!(
            e.to_string(),
            "unknown kind `evnt` — did you mean `event`?; use network, partner, project, event or post"
        );
    }
}
