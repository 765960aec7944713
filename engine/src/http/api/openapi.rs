//! The OpenAPI document at `/api/openapi.json`, generated from the handlers' annotations.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard API", description = "WhatsApp/SMS contact-center engine. Errors are `{code, message}` with a stable `code`."),
    paths(
        super::connectors::list, super::connectors::create, super::connectors::read,
        super::connectors::update, super::connectors::delete, super::connectors::rotate,
        super::messages::send, super::messages::message, super::messages::conversations,
        super::messages::conversation, super::messages::history,
        super::templates::list, super::templates::upsert, super::templates::remove,
        super::blacklist::list, super::blacklist::add, super::blacklist::remove,
        super::tokens::list, super::tokens::create, super::tokens::revoke,
        super::media::upload, super::media::download, super::media::signed,
        super::sandbox::outbox, super::sandbox::inbound, super::sandbox::status,
        super::campaigns::list, super::campaigns::create, super::campaigns::read,
        super::campaigns::update, super::campaigns::delete, super::campaigns::breaks,
        super::campaigns::add_break, super::campaigns::remove_break,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
