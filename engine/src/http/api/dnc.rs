//! `/api/v1/dnc`: the do-not-call list, global or per campaign. Dialers check it at send time,
//! so a number added while a dialer runs is skipped from then on.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::clock;
use crate::dialer::list::{KEEP_LINES, normalize};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::DncRow;

/// Largest do-not-call upload: 64 MiB, some four million numbers.
const MAX_UPLOAD: usize = 64 << 20;

/// Numbers stored per transaction.
const CHUNK: usize = 10_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dnc", get(list).post(upload))
        .route("/api/v1/dnc/{id}", delete(remove))
}

/// Which list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DncQuery {
    /// A campaign's list; absent: the global list (on upload) or every entry (on list).
    pub campaign_id: Option<i64>,
    /// Entries after this id.
    pub after: Option<i64>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
}

/// A page of the list, by id.
#[utoipa::path(get, path = "/api/v1/dnc", tag = "dialers", params(DncQuery),
    responses((status = 200, body = [DncRow])))]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<DncQuery>,
) -> Result<Json<Vec<DncRow>>, ApiError> {
    let rows = state
        .messaging()?
        .store
        .dnc(
            query.campaign_id,
            query.after.unwrap_or(0),
            super::page_limit(query.limit),
        )
        .await?;
    Ok(Json(rows))
}

/// What an upload did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DncUpload {
    /// Numbers new to the list.
    pub added: u64,
    /// Numbers already on it.
    pub already: u64,
    /// Lines that are not a number (the first 1000), with the reason.
    pub invalid: Vec<DncInvalid>,
    /// How many lines were not a number.
    pub invalid_count: u64,
}

/// A line that is not a number.
#[derive(Debug, Serialize, ToSchema)]
pub struct DncInvalid {
    /// Line in the file.
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// Adds numbers from a CSV (the first column of each line; a first line without digits is a
/// header) to the global list, or to `campaign_id`'s.
#[utoipa::path(post, path = "/api/v1/dnc", tag = "dialers", params(DncQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = DncUpload), (status = 400, body = ApiError)))]
pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<DncQuery>,
    body: Body,
) -> Result<Json<DncUpload>, ApiError> {
    let store = &state.messaging()?.store;
    if let Some(campaign) = query.campaign_id
        && store.campaign(campaign).await?.is_none()
    {
        return Err(ApiError::new(
            "not_found",
            format!("no campaign {campaign}"),
        ));
    }
    let bytes = axum::body::to_bytes(body, MAX_UPLOAD).await.map_err(|e| {
        ApiError::new(
            "list_unreadable",
            format!("the upload could not be read (at most {MAX_UPLOAD} bytes): {e}"),
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(crate::dialer::list::detect_delimiter(
            bytes.split(|&b| b == b'\n').next().unwrap_or_default(),
        ))
        .from_reader(bytes.as_ref());
    let mut report = DncUpload {
        added: 0,
        already: 0,
        invalid: Vec::new(),
        invalid_count: 0,
    };
    let mut numbers = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(ApiError::new("list_unreadable", e.to_string())),
        }
        let line = record.position().map_or(0, |p| p.line());
        let raw = String::from_utf8_lossy(record.get(0).unwrap_or_default())
            .trim()
            .to_owned();
        if std::mem::take(&mut first) && !raw.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        if raw.is_empty() {
            continue;
        }
        match normalize(&raw, None) {
            Ok(number) => numbers.push(number),
            Err(reason) => {
                report.invalid_count += 1;
                if report.invalid.len() < KEEP_LINES {
                    report.invalid.push(DncInvalid { line, reason });
                }
            }
        }
    }
    let total = numbers.len() as u64;
    for chunk in numbers.chunks(CHUNK) {
        report.added += store
            .add_dnc(chunk.to_vec(), query.campaign_id, clock::now_ms())
            .await?;
    }
    report.already = total - report.added;
    Ok(Json(report))
}

/// Removes an entry.
#[utoipa::path(delete, path = "/api/v1/dnc/{id}", tag = "dialers",
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.messaging()?.store.remove_dnc(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
