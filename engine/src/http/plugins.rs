//! The plugin admin API, under `/api/v1/plugins`:
//!
//! - `GET /` — every plugin with its versions and counts: `{ "plugins": [...] }`. Each also
//!   carries its active version's description, config schema, exports and imports
//!   ([`PluginDetail`]), which the admin console draws config forms from.
//! - `POST /?activate=true|false` — upload a component; the raw body is the `.wasm`
//!   (`Content-Type: application/wasm` or `application/octet-stream`). Activated unless
//!   `activate=false`. `201` with the installed version.
//! - `GET /{name}` — one plugin, as in the list.
//! - `POST /{name}/activate` with `{"version": "1.2.0"}` — make a version the active one.
//! - `POST /{name}/rollback` — back to the version active before.
//!
//! An upload over the limit is refused from its `Content-Length` before a byte is read (or as
//! soon as a streamed body passes the limit), so a large upload costs the server nothing; such
//! an answer closes the connection, whose unread rest can serve no other request.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::state::AppState;
use crate::plugins::{PluginView, Registry, VersionView};

/// Content types an upload may declare (or none).
const WASM_TYPES: &[&str] = &["application/wasm", "application/octet-stream"];

/// The plugin routes, relative to `/api/v1/plugins`.
pub fn router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/",
            get(list)
                .post(upload)
                .layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route("/{name}", get(show))
        .route("/{name}/activate", post(activate))
        .route("/{name}/rollback", post(rollback))
}

/// `?activate=` on an upload.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadParams {
    activate: Option<bool>,
}

/// The body of `POST /{name}/activate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivateBody {
    version: String,
}

/// A plugin with what its active version says about itself: what a config form and an
/// inspection need beside the versions and counts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PluginDetail {
    #[serde(flatten)]
    pub view: PluginView,
    /// The active version's description (empty without an active version).
    pub description: String,
    /// The active version's config JSON Schema; `null` without an active version.
    pub config_schema: Value,
    /// Interfaces the active version exports and imports.
    pub exports: Vec<String>,
    pub imports: Vec<String>,
}

impl PluginDetail {
    /// `view` completed from the registry's active version of the same name.
    pub fn of(registry: &Registry, view: PluginView) -> Self {
        let active = registry
            .active(&view.name)
            .filter(|p| Some(&p.info.version) == view.active_version.as_ref());
        match active {
            Some(plugin) => Self {
                description: plugin.info.description.clone(),
                config_schema: serde_json::from_str(&plugin.info.config_schema)
                    .unwrap_or(Value::Null),
                exports: plugin.exports.clone(),
                imports: plugin.imports.clone(),
                view,
            },
            None => Self {
                view,
                description: String::new(),
                config_schema: Value::Null,
                exports: Vec::new(),
                imports: Vec::new(),
            },
        }
    }
}

async fn list(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let registry = state.registry()?;
    let plugins: Vec<PluginDetail> = registry
        .list()
        .into_iter()
        .map(|view| PluginDetail::of(registry, view))
        .collect();
    Ok(Json(json!({ "plugins": plugins })))
}

async fn show(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<PluginDetail>, ApiError> {
    let registry = state.registry()?;
    registry
        .get(&name)
        .map(|view| Json(PluginDetail::of(registry, view)))
        .ok_or_else(|| ApiError::new("not_found", format!("no plugin named {name}")))
}

async fn upload(
    State(state): State<AppState>,
    params: Result<Query<UploadParams>, QueryRejection>,
    request: Request,
) -> Result<(StatusCode, Json<VersionView>), Response> {
    let registry = state.registry().map_err(body_unread)?.clone();
    let Query(params) = params.map_err(|e| body_unread(ApiError::bad_request(e.body_text())))?;
    let limit = state.max_upload_bytes();
    check_upload_headers(request.headers(), limit).map_err(body_unread)?;
    let wasm = Bytes::from_request(request, &state)
        .await
        .map_err(|e| body_unread(body_error(e, limit)))?;
    let view = registry
        .install(Vec::from(wasm), params.activate.unwrap_or(true))
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// An error answered before the body was read: the connection is closed after it, or the
/// client, thinking it reusable, would send its next request into the rest of this body.
fn body_unread(error: ApiError) -> Response {
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

async fn activate(
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: Result<Json<ActivateBody>, JsonRejection>,
) -> Result<Json<VersionView>, ApiError> {
    let registry = state.registry()?;
    let Json(body) = body.map_err(json_error)?;
    Ok(Json(registry.activate(&name, &body.version).await?))
}

async fn rollback(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<VersionView>, ApiError> {
    Ok(Json(state.registry()?.rollback(&name).await?))
}

/// Refuses an upload by its headers: a declared size over the limit, or a type that is not a
/// component (a form post from `curl -d` would otherwise be installed as garbage).
fn check_upload_headers(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|size| size > limit as u64) {
        return Err(too_large(limit));
    }
    if let Some(content_type) = headers.get(CONTENT_TYPE) {
        let essence = content_type
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim();
        if !WASM_TYPES.iter().any(|t| t.eq_ignore_ascii_case(essence)) {
            return Err(ApiError::new(
                "unsupported_media_type",
                format!(
                    "upload the .wasm as the raw body with Content-Type: {}",
                    WASM_TYPES[0]
                ),
            ));
        }
    }
    Ok(())
}

fn body_error(rejection: BytesRejection, limit: usize) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(limit);
    }
    ApiError::bad_request(rejection.body_text())
}

fn json_error(rejection: JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new("payload_too_large", "the request body is too large");
    }
    ApiError::bad_request(rejection.body_text())
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        "plugin_too_large",
        format!("a plugin upload may be at most {limit} bytes"),
    )
}
