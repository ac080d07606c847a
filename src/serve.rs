//! `tandem serve`: live preview.

pub fn serve(_root: &std::path::Path, _bind: &str, _port: u16, _drafts: bool) -> u8 {
    eprintln!("error: serve is not implemented yet");
    crate::cli::exit::USAGE
}
