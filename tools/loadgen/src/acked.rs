//! `--log-acked FILE`: the message id of every request the target acknowledged (2xx), one per
//! line, appended. Written by a thread of its own and flushed after each batch it finds
//! waiting, so after a crash of the *target* the file holds every id acknowledged up to about
//! the last batch; a crash test then checks each of them was stored.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::thread::JoinHandle;

use anyhow::Context;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// The writer thread and the way to hand it ids.
pub struct AckedLog {
    sender: UnboundedSender<String>,
    thread: JoinHandle<std::io::Result<u64>>,
}

impl AckedLog {
    /// Opens `path` for appending (creating it) and starts the writer.
    pub fn open(path: &Path) -> anyhow::Result<AckedLog> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let (sender, receiver) = unbounded_channel();
        let thread = std::thread::spawn(move || write_batches(receiver, file));
        Ok(AckedLog { sender, thread })
    }

    /// A handle for the tasks that record acknowledgements.
    pub fn sender(&self) -> UnboundedSender<String> {
        self.sender.clone()
    }

    /// Waits until every id sent so far is written; the number of lines written. Every other
    /// sender must have been dropped.
    pub fn finish(self) -> anyhow::Result<u64> {
        drop(self.sender);
        match self.thread.join() {
            Ok(written) => Ok(written?),
            Err(_) => anyhow::bail!("the --log-acked writer panicked"),
        }
    }
}

fn write_batches(mut ids: UnboundedReceiver<String>, file: File) -> std::io::Result<u64> {
    let mut out = BufWriter::new(file);
    let mut written = 0;
    while let Some(first) = ids.blocking_recv() {
        writeln!(out, "{first}")?;
        written += 1;
        while let Ok(id) = ids.try_recv() {
            writeln!(out, "{id}")?;
            written += 1;
        }
        out.flush()?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_appended_one_per_line() {
        let dir = std::env::temp_dir().join(format!("loadgen-acked-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("acked.txt");
        std::fs::write(&path, "wamid.before\n").expect("seed");
        let log = AckedLog::open(&path).expect("open");
        let sender = log.sender();
        for id in ["wamid.a", "wamid.b"] {
            sender.send(id.to_owned()).expect("writer alive");
        }
        drop(sender);
        assert_eq!(log.finish().expect("written"), 2);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, "wamid.before\nwamid.a\nwamid.b\n");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
