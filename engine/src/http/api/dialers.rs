//! `/api/v1/dialers`: bulk sends from CSV lists. Admins create and change dialers; supervisors
//! (of the dialer's campaign) upload lists, start, stop, purge, watch, export and single-send.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::clock;
use crate::dialer::list::ListFormat;
use crate::dialer::settings::DialerSettings;
use crate::dialer::spool::{self, UploadError, UploadReport};
use crate::dialer::{DialerError, DialerStatus};
use crate::http::auth::{Principal, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::{DialerRow, RecordRow, RecordState};

/// Admin routes: create, change, delete.
pub fn admin_router() -> Router<AppState> {
    Router::new().route("/api/v1/dialers", post(create)).route(
        "/api/v1/dialers/{id}",
        axum::routing::put(update).delete(delete),
    )
}

/// Supervisor routes: run and watch. The list upload has its own body limit.
pub fn router(max_list_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/api/v1/dialers", get(list))
        .route("/api/v1/dialers/{id}", get(read))
        .route("/api/v1/dialers/{id}/status", get(status))
        .route("/api/v1/dialers/{id}/start", post(start))
        .route("/api/v1/dialers/{id}/stop", post(stop))
        .route("/api/v1/dialers/{id}/purge", post(purge))
        .route("/api/v1/dialers/{id}/send", post(single_send))
        .route("/api/v1/dialers/{id}/records", get(records))
        .route("/api/v1/dialers/{id}/records.csv", get(export))
        .route("/api/v1/dialers/{id}/lists", post(upload))
        .layer(axum::Extension(ListLimit(max_list_bytes)))
}

/// The largest list upload, for the upload handler.
#[derive(Debug, Clone, Copy)]
pub struct ListLimit(usize);

/// A dialer as written.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialerInput {
    /// Unique name (the uContact endpoint's `campaign`).
    pub name: String,
    /// Everything else.
    pub settings: DialerSettings,
}

/// A dialer as read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DialerView {
    pub id: i64,
    pub name: String,
    pub settings: DialerSettings,
    /// Started and not stopped.
    pub running: bool,
    /// Why it paused itself.
    pub paused_reason: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

impl DialerView {
    fn of(row: DialerRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: row.id,
            settings: serde_json::from_str(&row.settings).map_err(ApiError::internal)?,
            name: row.name,
            running: row.running,
            paused_reason: row.paused_reason,
            created_at: clock::rfc3339(row.created_ms),
            updated_at: clock::rfc3339(row.updated_ms),
        })
    }
}

impl From<DialerError> for ApiError {
    fn from(error: DialerError) -> Self {
        match error {
            DialerError::NotFound(why) => ApiError::new("not_found", why),
            DialerError::Invalid(why) => ApiError::new("invalid", why),
            DialerError::Gate(gate) => gate.into(),
            DialerError::Store(store) => store.into(),
        }
    }
}

/// Checks the settings against what exists: connectors and the campaign.
async fn check_input(state: &AppState, input: &DialerInput) -> Result<(), ApiError> {
    if input.name.trim().is_empty() {
        return Err(ApiError::new("invalid", "name: give the dialer a name"));
    }
    input
        .settings
        .validate()
        .map_err(|why| ApiError::new("invalid", why))?;
    let messaging = state.messaging()?;
    for id in &input.settings.connectors {
        if messaging.connectors.get(*id).is_none() {
            return Err(ApiError::new(
                "invalid",
                format!("connectors: there is no connector {id}"),
            ));
        }
    }
    if let Some(campaign) = input.settings.campaign_id
        && messaging.store.campaign(campaign).await?.is_none()
    {
        return Err(ApiError::new(
            "invalid",
            format!("campaign_id: there is no campaign {campaign}"),
        ));
    }
    Ok(())
}

fn settings_json(settings: &DialerSettings) -> Result<String, ApiError> {
    serde_json::to_string(settings).map_err(ApiError::internal)
}

/// Creates a dialer (stopped).
#[utoipa::path(post, path = "/api/v1/dialers", tag = "dialers", request_body = DialerInput,
    responses((status = 201, body = DialerView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    Json(input): Json<DialerInput>,
) -> Result<(StatusCode, Json<DialerView>), ApiError> {
    check_input(&state, &input).await?;
    let row = state
        .messaging()?
        .store
        .create_dialer(
            input.name.trim(),
            &settings_json(&input.settings)?,
            clock::now_ms(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(DialerView::of(row)?)))
}

/// Replaces a dialer's name and settings; a running dialer follows them from its next batch.
#[utoipa::path(put, path = "/api/v1/dialers/{id}", tag = "dialers", request_body = DialerInput,
    responses((status = 200, body = DialerView), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<DialerInput>,
) -> Result<Json<DialerView>, ApiError> {
    check_input(&state, &input).await?;
    let row = state
        .messaging()?
        .store
        .update_dialer(
            id,
            input.name.trim(),
            &settings_json(&input.settings)?,
            clock::now_ms(),
        )
        .await?;
    state.dialers()?.wake();
    Ok(Json(DialerView::of(row)?))
}

/// Deletes a stopped dialer with its records.
#[utoipa::path(delete, path = "/api/v1/dialers/{id}", tag = "dialers",
    responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.messaging()?.store.delete_dialer(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The dialer, if this user may see it (else `not_found`, as if it did not exist).
async fn visible(state: &AppState, principal: &Principal, id: i64) -> Result<DialerRow, ApiError> {
    principal.require(Role::Supervisor)?;
    state
        .messaging()?
        .store
        .dialer(id)
        .await?
        .filter(|row| may_see(principal, row))
        .ok_or_else(|| ApiError::new("not_found", format!("no dialer {id}")))
}

/// Admins see every dialer, supervisors those of their campaigns; a dialer without a
/// campaign only supervisors of every campaign.
fn may_see(principal: &Principal, row: &DialerRow) -> bool {
    let campaign = serde_json::from_str::<DialerSettings>(&row.settings)
        .ok()
        .and_then(|s| s.campaign_id);
    match campaign {
        Some(campaign) => principal.sees_campaign(campaign),
        None => principal.role == Role::Admin || principal.campaign_scope.is_none(),
    }
}

/// Every dialer this user may see.
#[utoipa::path(get, path = "/api/v1/dialers", tag = "dialers", responses((status = 200, body = [DialerView])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<DialerView>>, ApiError> {
    principal.require(Role::Supervisor)?;
    let rows = state.messaging()?.store.dialers().await?;
    let views = rows
        .into_iter()
        .filter(|row| may_see(&principal, row))
        .map(DialerView::of)
        .collect::<Result<_, _>>()?;
    Ok(Json(views))
}

/// One dialer.
#[utoipa::path(get, path = "/api/v1/dialers/{id}", tag = "dialers",
    responses((status = 200, body = DialerView), (status = 404, body = ApiError)))]
pub async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<DialerView>, ApiError> {
    Ok(Json(DialerView::of(
        visible(&state, &principal, id).await?,
    )?))
}

/// The monitor: active, on schedule, processed and not, per state, current rate.
#[utoipa::path(get, path = "/api/v1/dialers/{id}/status", tag = "dialers",
    responses((status = 200, body = DialerStatus), (status = 404, body = ApiError)))]
pub async fn status(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<DialerStatus>, ApiError> {
    visible(&state, &principal, id).await?;
    Ok(Json(state.dialers()?.status(id).await?))
}

/// Starts the dialer (clearing a pause); it sends inside its schedule until stopped.
#[utoipa::path(post, path = "/api/v1/dialers/{id}/start", tag = "dialers",
    responses((status = 200, body = DialerStatus), (status = 404, body = ApiError)))]
pub async fn start(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<DialerStatus>, ApiError> {
    switch(&state, &principal, id, true).await
}

/// Stops the dialer: no record starts after this answer; sends on the wire finish.
#[utoipa::path(post, path = "/api/v1/dialers/{id}/stop", tag = "dialers",
    responses((status = 200, body = DialerStatus), (status = 404, body = ApiError)))]
pub async fn stop(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<DialerStatus>, ApiError> {
    switch(&state, &principal, id, false).await
}

/// Starts or stops a visible dialer; answers its status.
async fn switch(
    state: &AppState,
    principal: &Principal,
    id: i64,
    run: bool,
) -> Result<Json<DialerStatus>, ApiError> {
    visible(state, principal, id).await?;
    let dialers = state.dialers()?;
    if run {
        dialers.start_dialer(id).await?;
    } else {
        dialers.stop_dialer(id).await?;
    }
    Ok(Json(dialers.status(id).await?))
}

/// What a purge did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Purged {
    /// Pending records now cancelled.
    pub cancelled: u64,
}

/// Cancels every record not processed yet; the others keep their state.
#[utoipa::path(post, path = "/api/v1/dialers/{id}/purge", tag = "dialers",
    responses((status = 200, body = Purged), (status = 404, body = ApiError)))]
pub async fn purge(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Purged>, ApiError> {
    visible(&state, &principal, id).await?;
    let cancelled = state.dialers()?.purge(id).await?;
    Ok(Json(Purged { cancelled }))
}

/// One message to one number through the dialer, now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SingleSend {
    /// The number (E.164, or national in the dialer's default country).
    pub destination: String,
    /// Text or `hsm:code:p1`; absent: the dialer's default template.
    #[serde(default)]
    pub message: Option<String>,
    /// Carried on the record.
    #[serde(default)]
    pub extra: Option<String>,
}

/// Sends one message now with the dialer's rules (not its pace or schedule); answers the
/// record as it ended.
#[utoipa::path(post, path = "/api/v1/dialers/{id}/send", tag = "dialers", request_body = SingleSend,
    responses((status = 200, body = RecordRow), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn single_send(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Json(input): Json<SingleSend>,
) -> Result<Json<RecordRow>, ApiError> {
    visible(&state, &principal, id).await?;
    let record = state
        .dialers()?
        .single_send(id, &input.destination, input.message, input.extra)
        .await?;
    Ok(Json(record))
}

/// A single send's record if a message left for it; else the refusal as an API error.
pub fn sent_or_refused(record: RecordRow) -> Result<RecordRow, ApiError> {
    if record.message_id.is_some() {
        return Ok(record);
    }
    let why = record
        .reason
        .clone()
        .unwrap_or_else(|| record.state.as_str().to_owned());
    let code = match record.state {
        RecordState::Blocked => "recipient_blocked",
        RecordState::Invalid => "invalid_recipient",
        _ => "content_invalid",
    };
    Err(ApiError::new(code, why))
}

/// How to read an uploaded list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The list's name (default: the upload time).
    pub name: Option<String>,
    /// One character; detected from the first line when absent.
    pub delimiter: Option<String>,
    /// Whether the first row is a header; detected when absent.
    pub header: Option<bool>,
}

/// Uploads a CSV list (`name;destination;message;extra`), streamed. Answers how many rows were
/// accepted, the invalid ones with line and reason, and the duplicates.
#[utoipa::path(post, path = "/api/v1/dialers/{id}/lists", tag = "dialers", params(UploadQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = UploadReport), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn upload(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<UploadQuery>,
    axum::Extension(ListLimit(max_bytes)): axum::Extension<ListLimit>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<UploadReport>), ApiError> {
    let row = visible(&state, &principal, id).await?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > max_bytes) {
        return Err(ApiError::new(
            "payload_too_large",
            format!("the list is larger than {max_bytes} bytes, the most one upload may carry"),
        ));
    }
    let settings: DialerSettings =
        serde_json::from_str(&row.settings).map_err(ApiError::internal)?;
    let delimiter = match query.delimiter.as_deref() {
        None | Some("") => None,
        Some("\\t" | "tab") => Some(b'\t'),
        Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(ApiError::bad_request(format!(
                "delimiter: one character, not `{d}`"
            )));
        }
    };
    let format = ListFormat {
        delimiter,
        header: query.header,
        default_country: settings
            .default_country
            .as_deref()
            .and_then(|c| c.parse().ok()),
    };
    let name = query
        .name
        .unwrap_or_else(|| format!("upload {}", clock::rfc3339(clock::now_ms())));
    let store = state.messaging()?.store.clone();
    let report = spool::upload(store, id, &name, format, body, max_bytes)
        .await
        .map_err(|error| match error {
            UploadError::Read(why) => ApiError::new("list_unreadable", why),
            UploadError::Store(error) => error.into(),
        })?;
    state.dialers()?.wake();
    Ok((StatusCode::CREATED, Json(report)))
}

/// A page of records.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RecordQuery {
    /// Records after this position (the last of the previous page).
    pub after: Option<i64>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
}

/// Records in position order, with their states.
#[utoipa::path(get, path = "/api/v1/dialers/{id}/records", tag = "dialers", params(RecordQuery),
    responses((status = 200, body = [RecordRow]), (status = 404, body = ApiError)))]
pub async fn records(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<RecordQuery>,
) -> Result<Json<Vec<RecordRow>>, ApiError> {
    visible(&state, &principal, id).await?;
    let rows = state
        .messaging()?
        .store
        .dialer_records(id, query.after.unwrap_or(0), super::page_limit(query.limit))
        .await?;
    Ok(Json(rows))
}

/// Rows per page of an export: short reads, so WAL checkpoints are not held back.
const EXPORT_PAGE: i64 = 2_000;

/// Every record as CSV (`position;line;name;destination;message;extra;state;reason;message_id;
/// channel;updated_at`), streamed page by page.
#[utoipa::path(get, path = "/api/v1/dialers/{id}/records.csv", tag = "dialers",
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ApiError)))]
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let row = visible(&state, &principal, id).await?;
    let store = state.messaging()?.store.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let header = b"position;line;name;destination;message;extra;state;reason;message_id;channel;updated_at\n";
        if tx.send(Ok(header.to_vec())).await.is_err() {
            return;
        }
        let mut after = 0;
        loop {
            let page = match store.dialer_records(id, after, EXPORT_PAGE).await {
                Ok(page) => page,
                Err(error) => {
                    let _ = tx.send(Err(std::io::Error::other(error.to_string()))).await;
                    return;
                }
            };
            let Some(last) = page.last() else {
                return;
            };
            after = last.position;
            let chunk = csv_rows(&page);
            if tx.send(chunk).await.is_err() {
                return;
            }
        }
    });
    let stream = tokio_stream_of(rx);
    let filename = format!("dialer-{}-records.csv", row.id);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

fn csv_rows(page: &[RecordRow]) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_writer(Vec::with_capacity(page.len() * 96));
    for r in page {
        writer.write_record([
            r.position.to_string(),
            r.line.map(|l| l.to_string()).unwrap_or_default(),
            r.name.clone().unwrap_or_default(),
            r.destination.clone(),
            r.message.clone().unwrap_or_default(),
            r.extra.clone().unwrap_or_default(),
            r.state.as_str().to_owned(),
            r.reason.clone().unwrap_or_default(),
            r.message_id.map(|m| m.to_string()).unwrap_or_default(),
            r.channel.map(|c| c.to_string()).unwrap_or_default(),
            clock::rfc3339(r.updated_ms),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// A receiver as a body stream.
fn tokio_stream_of(
    rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}
