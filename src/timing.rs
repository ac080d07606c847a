//! Phase timings of a build, printed to stderr when `TANDEM_TIMINGS=1`:
//! the first thing to look at before optimising anything.

use std::time::Instant;

pub struct Timer {
    last: Instant,
    on: bool,
}

impl Default for Timer {
    fn default() -> Self {
        Timer::new()
    }
}

impl Timer {
    pub fn new() -> Timer {
        Timer {
            last: Instant::now(),
            on: std::env::var_os("TANDEM_TIMINGS").is_some_and(|v| v == "1"),
        }
    }

    /// Prints the time since the previous lap under `name`.
    pub fn lap(&mut self, name: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!(
                "timing: {name:<12} {:>8.1} ms",
                (now - self.last).as_secs_f64() * 1000.0
            );
            self.last = now;
        }
    }
}
