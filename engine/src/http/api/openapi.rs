//! The OpenAPI document at `/api/openapi.json`, generated from the handlers' annotations.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::auth::session::COOKIE_NAME;
use crate::http::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard API", description = "WhatsApp/SMS contact-center engine. Errors are `{code, message}` with a stable `code`. \
        People sign in at `/api/v1/auth/login` and get the `sb_session` cookie; requests that change something with it must send `X-CSRF-Token`. \
        Machines send an API token: `Authorization: Bearer <token>`. Roles: agent < supervisor < admin."),
    paths(
        super::connectors::list, super::connectors::create, super::connectors::read,
        super::connectors::update, super::connectors::delete, super::connectors::rotate,
        super::messages::send, super::messages::message, super::messages::conversations,
        super::messages::conversation, super::messages::history,
        super::templates::list, super::templates::upsert, super::templates::remove,
        super::blacklist::list, super::blacklist::add, super::blacklist::remove,
        super::tokens::list, super::tokens::create, super::tokens::revoke,
        super::media::upload, super::media::download, super::media::signed,
        super::sandbox::connectors, super::sandbox::outbox, super::sandbox::inbound, super::sandbox::status,
        super::campaigns::list, super::campaigns::create, super::campaigns::read,
        super::campaigns::update, super::campaigns::delete, super::campaigns::breaks,
        super::campaigns::add_break, super::campaigns::remove_break,
        super::desk::desk, super::desk::set_state, super::desk::reply, super::desk::accept,
        super::desk::reject, super::desk::transfer, super::desk::accept_transfer,
        super::desk::decline_transfer, super::desk::close, super::desk::start, super::desk::notes,
        super::desk::add_note, super::desk::set_tags, super::desk::update_contact,
        super::desk_context::context, super::desk_context::earlier,
        super::desk_context::campaign_templates, super::desk_context::people,
        super::supervise::board, super::supervise::pause, super::supervise::resume,
        super::supervise::log_out, super::supervise::chat, super::supervise::say,
        super::supervise::service_level,
        super::reports::hourly,
        super::recordings::search, super::recordings::transcript_of,
        super::login::login, super::login::logout, super::login::me, super::login::update_me,
        super::login::change_password,
        super::users::list, super::users::create, super::users::read, super::users::update,
        super::users::set_password, super::audit::list,
        super::dialers::list, super::dialers::create, super::dialers::read,
        super::dialers::update, super::dialers::delete, super::dialers::status,
        super::dialers::start, super::dialers::stop, super::dialers::purge,
        super::dialers::single_send, super::dialers::upload, super::dialers::records,
        super::dialers::export, super::dnc::list, super::dnc::upload, super::dnc::remove,
        crate::http::integra::send_sms,
    ),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
)]
pub struct ApiDoc;

/// The two ways in: an API token, or the session cookie a login sets.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(COOKIE_NAME))),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
