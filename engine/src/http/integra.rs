//! `POST /Integra/resources/SMS/SendSMS`: the uContact-compatible single send, so integrations
//! written for uContact keep working unchanged. A form with `destination`, `message`,
//! `campaign` (the dialer's name) and `agent` (kept on the record). Callers present an API
//! token, or come from a network the admin trusts (`[dialer] trusted_networks`, none by default).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{self, ClientIp, Principal, Role};
use super::error::ApiError;
use super::state::AppState;

/// The route, with its own gate: a trusted network, or a token like any API call.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/Integra/resources/SMS/SendSMS", post(send_sms))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::audit::record,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            trusted_or_authenticated,
        ))
}

/// Lets a trusted network through as is; everyone else authenticates.
async fn trusted_or_authenticated(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let trusted = ClientIp::of(request.extensions()).0.is_some_and(|ip| {
        state.dialers().is_ok_and(|d| {
            d.config()
                .trusted_networks
                .iter()
                .any(|net| net.contains(&ip))
        })
    });
    if trusted {
        return Ok(next.run(request).await);
    }
    auth::authenticate(State(state), request, next).await
}

/// The uContact form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SendSmsForm {
    /// The recipient.
    pub destination: String,
    /// Text, or `hsm:code:p1:p2`.
    pub message: String,
    /// The dialer (by name) that sends it.
    pub campaign: String,
    /// Who asked for it (kept on the record).
    #[serde(default)]
    pub agent: Option<String>,
}

/// What the send came to.
#[derive(Debug, Serialize, ToSchema)]
pub struct SendSmsAnswer {
    /// `OK` when the provider took it.
    pub result: &'static str,
    /// The dialer record.
    pub id: i64,
    /// Its state (sent, or what stopped it).
    pub state: String,
    /// The message sent.
    pub message_id: Option<i64>,
}

/// Sends one message through the dialer named `campaign`.
#[utoipa::path(post, path = "/Integra/resources/SMS/SendSMS", tag = "dialers",
    request_body(content = SendSmsForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = SendSmsAnswer), (status = 404, body = ApiError),
        (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn send_sms(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    Form(form): Form<SendSmsForm>,
) -> Result<Json<SendSmsAnswer>, ApiError> {
    if let Some(Extension(principal)) = &principal {
        principal.require(Role::Supervisor)?;
    }
    let dialers = state.dialers()?;
    let wanted = form.campaign.trim();
    let dialer = dialers
        .messaging()
        .store
        .dialers()
        .await?
        .into_iter()
        .find(|d| d.name.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| ApiError::new("not_found", format!("no dialer named `{wanted}`")))?;
    let extra = form
        .agent
        .filter(|a| !a.trim().is_empty())
        .map(|a| format!("agent={}", a.trim()));
    let record = dialers
        .single_send(dialer.id, &form.destination, Some(form.message), extra)
        .await?;
    let record = super::api::dialers::sent_or_refused(record)?;
    Ok(Json(SendSmsAnswer {
        result: if record.state == crate::store::RecordState::Sent {
            "OK"
        } else {
            "ERROR"
        },
        id: record.id,
        state: record.state.as_str().to_owned(),
        message_id: record.message_id,
    }))
}
