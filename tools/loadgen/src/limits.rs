//! Open files: a `desk` run holds one socket per agent plus its HTTP pool, past the usual
//! soft limit of 1 024 descriptors. The soft limit is raised to the hard one at start.

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns the soft limit now in force.
pub fn raise_open_files() -> Option<u64> {
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_err() {
            return limit.current;
        }
    }
    getrlimit(Resource::Nofile).current
}

/// Fails with a clear message when `needed` descriptors exceed the soft limit.
pub fn check_open_files(needed: u64) -> anyhow::Result<()> {
    match raise_open_files() {
        Some(limit) if limit < needed => anyhow::bail!(
            "this run needs about {needed} open files and the limit is {limit}: \
             raise the hard limit (ulimit -Hn) first"
        ),
        _ => Ok(()),
    }
}
