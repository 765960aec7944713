//! An upload, streamed: the request body flows through a bounded channel into a blocking
//! thread that parses CSV, and parsed records flow back in batches to the store's writer. The
//! file is never whole in memory; parsing and writing overlap.

use std::io::Read;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;
use serde::Serialize;
use tokio::sync::mpsc;
use utoipa::ToSchema;

use super::list::{self, KEEP_LINES, ListFormat};
use crate::clock;
use crate::store::{NewRecord, Store, StoreError};

/// Records written per transaction.
const SPOOL_BATCH: usize = 5_000;

/// Body chunks in flight between the socket and the parser.
const CHUNKS_IN_FLIGHT: usize = 16;

/// What an upload did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadReport {
    /// The list the records belong to.
    pub list_id: i64,
    /// Records spooled pending.
    pub accepted: u64,
    /// Rows spooled invalid.
    pub invalid: u64,
    /// The first invalid rows, with line and reason.
    pub invalid_rows: Vec<InvalidRow>,
    /// Rows whose destination was already in the list: not spooled.
    pub duplicates: u64,
    /// Their lines (the first 1000).
    pub duplicate_lines: Vec<u64>,
    /// The delimiter used.
    pub delimiter: String,
    /// Whether the first row was a header.
    pub header: bool,
}

/// A row spooled invalid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvalidRow {
    /// Line in the file.
    pub line: i64,
    /// Why.
    pub reason: String,
}

/// Why an upload failed. Records spooled before the failure are cancelled.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file could not be read to its end (broken CSV, the client went away).
    #[error("{0}")]
    Read(String),
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Spools the CSV in `body` as list `name` of dialer `dialer_id`.
pub async fn upload(
    store: Arc<dyn Store>,
    dialer_id: i64,
    name: &str,
    mut format: ListFormat,
    body: Body,
    max_bytes: usize,
) -> Result<UploadReport, UploadError> {
    let list_id = store
        .create_dialer_list(dialer_id, name, clock::now_ms())
        .await?;
    let (chunks, chunk_rx) = mpsc::channel::<Result<Bytes, String>>(CHUNKS_IN_FLIGHT);
    let (batches, mut batch_rx) = mpsc::channel::<Vec<NewRecord>>(2);
    let mut body = Limited {
        body,
        read: 0,
        max: max_bytes,
    };
    // The first line decides the delimiter: read until it is whole.
    let mut head: Vec<u8> = Vec::new();
    let mut ended = false;
    while !head.contains(&b'\n') && head.len() < 64 * 1024 {
        match next_chunk(&mut body).await {
            Ok(Some(bytes)) => head.extend_from_slice(&bytes),
            Ok(None) => {
                ended = true;
                break;
            }
            Err(error) => return Err(fail(&store, dialer_id, list_id, error).await),
        }
    }
    // Spreadsheets save CSV with a byte-order mark; it is not part of the first name.
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    if format.delimiter.is_none() {
        let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        format.delimiter = Some(list::detect_delimiter(first_line));
    }
    let _ = chunks.send(Ok(Bytes::from(head))).await;
    let pump = tokio::spawn(async move {
        while !ended {
            let item = match next_chunk(&mut body).await {
                Ok(Some(bytes)) => Ok(bytes),
                Ok(None) => break,
                Err(error) => {
                    ended = true;
                    Err(error)
                }
            };
            if chunks.send(item).await.is_err() {
                break;
            }
        }
    });
    let parser = tokio::task::spawn_blocking(move || {
        let reader = ChunkReader {
            chunks: chunk_rx,
            current: Bytes::new(),
        };
        let mut batch = Vec::with_capacity(SPOOL_BATCH);
        let summary = list::read(reader, &format, |record| {
            batch.push(record);
            if batch.len() == SPOOL_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(SPOOL_BATCH));
                batches
                    .blocking_send(full)
                    .map_err(|_| "the upload was abandoned".to_owned())?;
            }
            Ok(())
        });
        if summary.is_ok() && !batch.is_empty() {
            let _ = batches.blocking_send(batch);
        }
        summary
    });
    let mut report = UploadReport {
        list_id,
        accepted: 0,
        invalid: 0,
        invalid_rows: Vec::new(),
        duplicates: 0,
        duplicate_lines: Vec::new(),
        delimiter: String::new(),
        header: false,
    };
    let mut store_error = None;
    while let Some(batch) = batch_rx.recv().await {
        for record in &batch {
            if let (Some(reason), true) = (&record.invalid, report.invalid_rows.len() < KEEP_LINES)
            {
                report.invalid_rows.push(InvalidRow {
                    line: record.line.unwrap_or(0),
                    reason: reason.clone(),
                });
            }
        }
        match store
            .spool_records(dialer_id, Some(list_id), batch, clock::now_ms())
            .await
        {
            Ok((_, count)) => {
                report.accepted += count.accepted;
                report.invalid += count.invalid;
            }
            Err(error) => {
                store_error = Some(error);
                break;
            }
        }
    }
    drop(batch_rx);
    let summary = parser
        .await
        .map_err(|e| UploadError::Read(format!("the list parser failed: {e}")));
    pump.abort();
    if let Some(error) = store_error {
        // The store failed mid-way; cancelling what it took may fail the same way.
        if let Err(cancel) = store
            .purge_records(dialer_id, Some(list_id), clock::now_ms())
            .await
        {
            tracing::error!(list = list_id, error = %cancel, "could not cancel the records of a failed upload");
        }
        return Err(error.into());
    }
    let summary = match summary.and_then(|s| s.map_err(UploadError::Read)) {
        Ok(summary) => summary,
        Err(error) => return Err(fail(&store, dialer_id, list_id, error.to_string()).await),
    };
    report.duplicates = summary.duplicates;
    report.duplicate_lines = summary.duplicate_lines;
    report.delimiter = char::from(summary.delimiter).to_string();
    report.header = summary.header;
    store
        .finish_dialer_list(list_id, report.accepted, report.invalid, report.duplicates)
        .await?;
    Ok(report)
}

/// Cancels what a failed upload spooled and says why it failed.
async fn fail(store: &Arc<dyn Store>, dialer_id: i64, list_id: i64, why: String) -> UploadError {
    match store
        .purge_records(dialer_id, Some(list_id), clock::now_ms())
        .await
    {
        Ok(0) => UploadError::Read(why),
        Ok(n) => UploadError::Read(format!(
            "{why}; the {n} records read before it were cancelled"
        )),
        Err(error) => UploadError::Store(error),
    }
}

async fn next_chunk(limited: &mut Limited) -> Result<Option<Bytes>, String> {
    loop {
        match limited.body.frame().await {
            None => return Ok(None),
            Some(Err(error)) => return Err(format!("the upload broke off: {error}")),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data()
                    && !data.is_empty()
                {
                    limited.read += data.len();
                    if limited.read > limited.max {
                        return Err(format!(
                            "the list is larger than {} bytes, the most one upload may carry",
                            limited.max
                        ));
                    }
                    return Ok(Some(data));
                }
            }
        }
    }
}

/// The request body, with what was read of it against the upload limit.
struct Limited {
    body: Body,
    read: usize,
    max: usize,
}

/// The body chunks as a blocking reader for the CSV parser.
struct ChunkReader {
    chunks: mpsc::Receiver<Result<Bytes, String>>,
    current: Bytes,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(bytes)) => self.current = bytes,
                Some(Err(error)) => return Err(std::io::Error::other(error)),
                // The pump ended: the body is done.
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        let _ = self.current.split_to(n);
        Ok(n)
    }
}
