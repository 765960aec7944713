//! The web client: `engine/web`, served at `/` (the page) and `/ui/…` (its modules, styles
//! and images). The files are built into the binary (`build.rs` writes the list); with
//! `web_dir` set they are read from that directory at each request instead, so the client can
//! be edited with no rebuild.
//!
//! There is no build step: the browser loads the ES modules as they are. Embedded files carry
//! an ETag and `no-cache`, so a reload asks again but gets `304` until the binary changes.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use super::error::ApiError;

mod assets {
    include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));
}

/// Scripts only from us, no inline script; the socket and the API on the same origin; no
/// framing (clickjacking). Inline styles stay allowed: components set sizes and colours.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    frame-ancestors 'none'; form-action 'self'";

/// Where the files come from.
#[derive(Clone)]
enum Source {
    Embedded,
    Disk(Arc<PathBuf>),
}

/// `/` and `/ui/{*path}`, from the binary, or from `dir` when given.
pub fn router(dir: Option<PathBuf>) -> Router {
    let source = match dir {
        Some(dir) => Source::Disk(Arc::new(dir)),
        None => Source::Embedded,
    };
    Router::new()
        .route("/", get(page))
        .route("/ui/{*path}", get(asset))
        .with_state(source)
}

async fn page(State(source): State<Source>, headers: HeaderMap) -> Response {
    serve(&source, "index.html", &headers).await
}

async fn asset(
    State(source): State<Source>,
    UrlPath(path): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    serve(&source, &format!("ui/{path}"), &headers).await
}

async fn serve(source: &Source, name: &str, headers: &HeaderMap) -> Response {
    match source {
        Source::Embedded => match embedded(name) {
            Some((bytes, tag)) => {
                let fresh = headers
                    .get(IF_NONE_MATCH)
                    .is_some_and(|given| given.as_bytes() == tag.as_bytes());
                if fresh {
                    return (StatusCode::NOT_MODIFIED, [(ETAG, tag.to_owned())]).into_response();
                }
                let mut response = file_response(name, bytes.to_vec(), "no-cache");
                if let Ok(value) = HeaderValue::from_str(tag) {
                    response.headers_mut().insert(ETAG, value);
                }
                response
            }
            None => not_found(name),
        },
        Source::Disk(dir) => match safe_join(dir, name) {
            Some(path) => match tokio::fs::read(&path).await {
                Ok(bytes) => file_response(name, bytes, "no-store"),
                Err(_) => not_found(name),
            },
            None => not_found(name),
        },
    }
}

/// The embedded file and its ETag (a hash of its bytes, computed once per file).
fn embedded(name: &str) -> Option<(&'static [u8], &'static str)> {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    let index = assets::ASSETS.iter().position(|(path, _)| *path == name)?;
    let tags = TAGS.get_or_init(|| {
        assets::ASSETS
            .iter()
            .map(|(_, bytes)| {
                let digest = Sha256::digest(bytes);
                format!("\"{}\"", hex::encode(&digest[..12]))
            })
            .collect()
    });
    Some((assets::ASSETS[index].1, tags[index].as_str()))
}

/// `dir/name`, unless `name` tries to leave `dir`.
fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let relative = Path::new(name);
    let plain = relative
        .components()
        .all(|part| matches!(part, Component::Normal(_)));
    plain.then(|| dir.join(relative))
}

fn file_response(name: &str, bytes: Vec<u8>, cache: &'static str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    response
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_found(name: &str) -> Response {
    ApiError::new("not_found", format!("no web client file {name}")).into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn get(app: &Router, uri: &str, etag: Option<&str>) -> Response {
        let mut request = Request::get(uri);
        if let Some(tag) = etag {
            request = request.header(IF_NONE_MATCH, tag);
        }
        app.clone()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("infallible")
    }

    #[tokio::test]
    async fn the_page_and_its_modules_are_built_in() {
        let app = router(None);
        let page = get(&app, "/", None).await;
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(
            page.headers()[CONTENT_SECURITY_POLICY]
                .to_str()
                .expect("ascii")
                .contains("script-src 'self'")
        );
        let tag = page.headers()[ETAG].to_str().expect("ascii").to_owned();
        let body = page.into_body().collect().await.expect("body").to_bytes();
        assert!(String::from_utf8_lossy(&body).contains("/ui/app.js"));

        let again = get(&app, "/", Some(&tag)).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

        let module = get(&app, "/ui/app.js", None).await;
        assert_eq!(module.status(), StatusCode::OK);
        assert_eq!(
            module.headers()[CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
    }

    #[tokio::test]
    async fn unknown_files_and_escapes_are_not_found() {
        let dir = std::env::temp_dir();
        for app in [router(None), router(Some(dir))] {
            for uri in ["/ui/nope.js", "/ui/../Cargo.toml", "/ui/%2e%2e/secret.key"] {
                let response = get(&app, uri, None).await;
                assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
            }
        }
    }

    #[tokio::test]
    async fn a_web_dir_is_read_at_each_request() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("ui")).expect("mkdir");
        std::fs::write(dir.path().join("ui/app.js"), "export const v = 1;").expect("write");
        let app = router(Some(dir.path().to_path_buf()));
        let first = get(&app, "/ui/app.js", None).await;
        assert_eq!(first.headers()[CACHE_CONTROL], "no-store");
        std::fs::write(dir.path().join("ui/app.js"), "export const v = 2;").expect("write");
        let body = get(&app, "/ui/app.js", None)
            .await
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        assert_eq!(&body[..], b"export const v = 2;");
    }
}
