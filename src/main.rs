use clap::Parser;
use std::process::ExitCode;

// mimalloc instead of the system allocator: a build makes and frees
// millions of small values on every core, where glibc's per-thread arenas
// spend a tenth of the time (README, Design notes). Transparent huge pages stay
// off (`no_thp`): they would make it a little faster still, but cost a
// third more peak memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The one place where the environment is read and errors become exit
/// statuses (0 fine, 1 content or template errors, 2 wrong usage or a
/// refused output folder, 3 a file could not be read or written).
fn main() -> ExitCode {
    let cli = tandem::cli::Cli::parse();
    match tandem::cli::run(cli, tandem::config::now_from_env()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Content errors were printed as diagnostics already.
            if !e.is_reported() {
                tandem::to_stderr!("error: {e}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
