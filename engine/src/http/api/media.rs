//! Media files: upload for outbound messages, download of stored attachments, and the signed
//! public URL providers fetch outbound files from.

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::visibility::visible_conversation;
use crate::clock;
use crate::http::auth::Principal;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::providers::media::MediaError;

pub fn router(limit: usize) -> Router<AppState> {
    Router::new().route(
        "/api/v1/media",
        post(upload).layer(DefaultBodyLimit::max(limit)),
    )
}

/// A stored attachment, for whoever may see its conversation.
pub fn visible_router() -> Router<AppState> {
    Router::new().route("/api/v1/media/{id}", get(download))
}

pub fn public_router() -> Router<AppState> {
    Router::new().route("/media/{sha256}", get(signed))
}

/// A stored file.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    /// Use as a media `locator` when sending.
    pub locator: String,
    /// Hex sha256.
    pub sha256: String,
    /// Size in bytes.
    pub size: usize,
    /// MIME type.
    pub mime_type: String,
}

/// Uploads a file (the raw body, its type in `Content-Type`) to send as media.
#[utoipa::path(post, path = "/api/v1/media", tag = "media", request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = UploadView), (status = 413, body = ApiError), (status = 415, body = ApiError)))]
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<UploadView>), ApiError> {
    let messaging = state.messaging()?;
    let mime_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let sha256 = messaging
        .store_media(&body, &mime_type)
        .await
        .map_err(|e| match e {
            MediaError::TooLarge(_) => ApiError::new("payload_too_large", e.to_string()),
            MediaError::BadType(_) => ApiError::new("unsupported_media_type", e.to_string()),
            MediaError::Io(io) => ApiError::internal(io),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(UploadView {
            locator: format!("media:{sha256}"),
            sha256,
            size: body.len(),
            mime_type,
        }),
    ))
}

/// Downloads a stored attachment.
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media",
    responses((status = 200, description = "the file"), (status = 404, body = ApiError)))]
pub async fn download(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let messaging = state.messaging()?;
    let missing = || ApiError::new("not_found", format!("no stored media {id}"));
    let row = messaging
        .store
        .media(id)
        .await?
        .filter(|m| m.state == "stored")
        .ok_or_else(missing)?;
    // An attachment is as visible as its conversation (404 otherwise, as for a missing one).
    let conversation = messaging
        .store
        .message(row.message_id)
        .await?
        .and_then(|m| m.conversation_id)
        .ok_or_else(missing)?;
    visible_conversation(&state, &principal, conversation)
        .await
        .map_err(|_| missing())?;
    let sha256 = row.sha256.unwrap_or_default();
    file_response(
        &state,
        &sha256,
        row.mime_type.as_deref(),
        row.filename.as_deref(),
    )
    .await
}

/// A signed URL's query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Signature {
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Signature.
    pub sig: String,
}

/// A stored file through an expiring signed URL (what providers fetch for outbound media).
#[utoipa::path(get, path = "/media/{sha256}", tag = "media", params(Signature),
    responses((status = 200, description = "the file"), (status = 403, body = ApiError)))]
pub async fn signed(
    State(state): State<AppState>,
    Path(sha256): Path<String>,
    Query(signature): Query<Signature>,
) -> Result<Response, ApiError> {
    let messaging = state.messaging()?;
    if !messaging.signer.verify(
        &sha256,
        signature.exp,
        &signature.sig,
        clock::now_ms() / 1000,
    ) {
        return Err(ApiError::new(
            "forbidden",
            "this media link is invalid or has expired",
        ));
    }
    file_response(&state, &sha256, None, None).await
}

async fn file_response(
    state: &AppState,
    sha256: &str,
    mime_type: Option<&str>,
    filename: Option<&str>,
) -> Result<Response, ApiError> {
    let messaging = state.messaging()?;
    let path = messaging
        .media_path(sha256)
        .ok_or_else(|| ApiError::new("not_found", "no such file"))?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| ApiError::new("not_found", "no such file"))?;
    let mime_type = mime_type.map_or_else(|| sniff(&bytes).to_owned(), str::to_owned);
    let mut response = Response::new(Body::from(bytes));
    if let Ok(value) = HeaderValue::from_str(&mime_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    // Never rendered inline as a page of ours: a customer's HTML file must not run here.
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let disposition = match filename {
        Some(name) => format!(
            "attachment; filename=\"{}\"",
            name.replace(['"', '\\', '\r', '\n'], "_")
        ),
        None => "attachment".into(),
    };
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// A type from the first bytes, for files served without a recorded type.
fn sniff(bytes: &[u8]) -> &'static str {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [b'%', b'P', b'D', b'F', ..] => "application/pdf",
        [b'G', b'I', b'F', b'8', ..] => "image/gif",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "image/webp",
        [b'O', b'g', b'g', b'S', ..] => "audio/ogg",
        _ => "application/octet-stream",
    }
}
