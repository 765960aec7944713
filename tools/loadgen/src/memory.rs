//! A process's memory as Linux reports it in `/proc/<pid>/status`: `VmRSS` (resident now)
//! and `VmHWM` (the resident peak).

use std::fmt;

/// Resident memory of a process, KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resident {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

impl Resident {
    /// Reads `/proc/<pid>/status`; `None` when the process is gone or not on Linux.
    pub fn of(pid: u32) -> Option<Resident> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        Resident::parse(&status)
    }

    /// The `VmRSS` and `VmHWM` lines of a status file.
    pub fn parse(status: &str) -> Option<Resident> {
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        };
        Some(Resident {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
        })
    }

    /// Resident now, MiB.
    pub fn rss_mib(&self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }

    /// Resident peak, MiB.
    pub fn hwm_mib(&self) -> f64 {
        self.hwm_kib as f64 / 1024.0
    }
}

impl fmt::Display for Resident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VmRSS {:.1} MiB, VmHWM {:.1} MiB",
            self.rss_mib(),
            self.hwm_mib()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_resident_lines() {
        let status = "Name:\tswitchboard\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n";
        let resident = Resident::parse(status).expect("parsed");
        assert_eq!(resident.rss_kib, 102_400);
        assert_eq!(resident.hwm_kib, 204_800);
        assert_eq!(resident.rss_mib(), 100.0);
    }

    #[test]
    fn this_process_has_a_resident_size() {
        let me = Resident::of(std::process::id()).expect("/proc is there");
        assert!(me.rss_kib > 0 && me.hwm_kib >= me.rss_kib);
    }
}
