//! Phase timings of a build, printed to stderr when `TANDEM_TIMINGS=1`:
//! the first thing to look at before optimising anything. Each phase shows
//! its wall time and, where the system tells, the CPU time of all threads
//! (twice the wall time on two busy cores; less means a phase left cores
//! idle), and the resident memory after it next to the peak so far
//! (memory is one of the bars a build is measured by).

use std::time::Instant;

pub struct Timer {
    last: Instant,
    last_cpu: Option<f64>,
    on: bool,
}

impl Default for Timer {
    fn default() -> Self {
        Timer::new()
    }
}

/// CPU time (user + system) of this process in seconds, from
/// `/proc/self/stat` (Linux; `None` elsewhere).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Clock ticks; 100 per second on every Linux this runs on.
    Some((utime + stime) / 100.0)
}

/// Resident and peak resident memory in MiB, from `/proc/self/status`
/// (Linux; `None` elsewhere).
fn memory_mib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib / 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

impl Timer {
    pub fn new() -> Timer {
        let on = std::env::var_os("TANDEM_TIMINGS").is_some_and(|v| v == "1");
        Timer {
            last: Instant::now(),
            last_cpu: if on { cpu_seconds() } else { None },
            on,
        }
    }

    /// Prints the time since the previous lap under `name`.
    pub fn lap(&mut self, name: &str) {
        if self.on {
            let now = Instant::now();
            let cpu = cpu_seconds();
            let cpu_text = match (cpu, self.last_cpu) {
                (Some(c), Some(l)) => format!("  cpu {:>6.0} ms", (c - l) * 1000.0),
                _ => String::new(),
            };
            let mem_text = memory_mib()
                .map(|(rss, peak)| format!("  rss {rss:>5} MiB (peak {peak})"))
                .unwrap_or_default();
            crate::to_stderr!(
                "timing: {name:<12} {:>8.1} ms{cpu_text}{mem_text}",
                (now - self.last).as_secs_f64() * 1000.0
            );
            self.last = now;
            self.last_cpu = cpu;
        }
    }
}
