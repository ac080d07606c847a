// mimalloc instead of the system allocator: a build makes and frees
// millions of small values on every core, where glibc's per-thread arenas
// spend a tenth of the time (README, "Speed"). Transparent huge pages stay
// off (`no_thp`): they would make it a little faster still, but cost a
// third more peak memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tandem::cli::main()
}
