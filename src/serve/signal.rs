//! Ctrl-C (SIGINT) and SIGTERM stop `serve` cleanly with exit status 0
//! instead of killing it mid-answer. The handler only sets a flag, the one
//! thing a signal handler may safely do; the main thread polls it.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_signum: i32) {
    STOP.store(true, Ordering::SeqCst);
}

#[cfg(any(unix, windows))]
unsafe extern "C" {
    /// The C library's `signal` (POSIX and the Windows C runtime alike).
    fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
}

/// SIGINT and SIGTERM have these numbers on every platform tandem runs on.
const SIGINT: i32 = 2;
const SIGTERM: i32 = 15;

pub fn install() {
    #[cfg(any(unix, windows))]
    // SAFETY: `on_signal` only stores to an atomic, which is
    // async-signal-safe; `signal` is given valid signal numbers.
    unsafe {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
    }
}

pub fn stopped() -> bool {
    STOP.load(Ordering::SeqCst)
}
