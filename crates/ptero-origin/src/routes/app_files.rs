//! The standalone app, served from `[static] app_dir` and nothing else from there: a
//! request names one file at the top of the folder with an extension the app's build
//! writes (`.js`, `.wasm`, `.css`, icons, the manifest, the language catalogs); anything else (client routes
//! such as `/server/1a2b3c4d`, but also `/bin/ptero-origin` or `/card/…` when those
//! folders sit inside it) gets the app's `index.html`.
//!
//! `index.html` goes out with the app's Content-Security-Policy: scripts from this origin
//! and the page's own inline scripts by hash (trunk writes one that starts the wasm),
//! `wasm-unsafe-eval` for the module, connections to this origin and to panels and Wings
//! anywhere (the person types their panel's address), no framing at all.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use tower::ServiceExt as _;
use tower_http::services::ServeFile;

use crate::state::AppState;

/// Extensions of the files the app's build writes (`index.html` is served apart, with
/// its CSP; no other page is).
const APP_FILES: &[&str] = &[
    "js",
    "wasm",
    "css",
    "ico",
    "png",
    "svg",
    "webmanifest",
    "json",
    "txt",
];
/// The card's folder: its module, its wasm, its stylesheet, its locales.
const CARD_FILES: &[&str] = &["js", "wasm", "css", "json", "txt"];

/// The file `path` names in `dir`, when it is one of the app's.
pub fn app_file(dir: &Path, path: &str) -> Option<PathBuf> {
    file_of(dir, path, APP_FILES)
}

fn file_of(dir: &Path, path: &str, kinds: &[&str]) -> Option<PathBuf> {
    let name = path.strip_prefix('/')?;
    let extension = name.rsplit_once('.')?.1;
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain || !kinds.contains(&extension) {
        return None;
    }
    let file = dir.join(name);
    file.is_file().then_some(file)
}

/// `'sha256-…'` of every inline `<script>` of `html`, hashed as browsers hash it: over
/// the element's text after the parser turned CR LF into LF, and not for scripts inside
/// comments.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let normalised = html.replace("\r\n", "\n").replace('\r', "\n");
    let mut uncommented = String::with_capacity(normalised.len());
    let mut remaining = normalised.as_str();
    while let Some(start) = remaining.find("<!--") {
        uncommented.push_str(&remaining[..start]);
        remaining = remaining[start..]
            .find("-->")
            .map_or("", |end| &remaining[start + end + 3..]);
    }
    uncommented.push_str(remaining);
    let mut rest = uncommented.as_str();
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            hashes.push(format!(
                "'sha256-{}'",
                STANDARD.encode(Sha256::digest(body.as_bytes()))
            ));
        }
        rest = &after[body_start + close..];
    }
    hashes
}

/// The app's policy for a page whose inline scripts hash to `hashes`.
pub fn app_policy(hashes: &[String]) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; img-src 'self' data:; connect-src 'self' https: wss: http: ws:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        hashes.join(" ")
    )
}

async fn index(dir: &Path) -> Response {
    let Ok(html) = tokio::fs::read_to_string(dir.join("index.html")).await else {
        return (
            StatusCode::NOT_FOUND,
            "The app is not installed on this origin: build it (cargo xtask dist) and point [static] app_dir at it.",
        )
            .into_response();
    };
    let policy = app_policy(&inline_script_hashes(&html));
    let mut response = (StatusCode::OK, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // A new release must be picked up at once; the hashed assets it names are cached.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// `/card/*`: the card's module script and wasm, by the same rule as the app's files;
/// anything else is a plain 404.
pub async fn card(State(state): State<AppState>, request: Request) -> Response {
    let dir = &state.config.static_files.card_dir;
    // `nest_service` hands the path on without its `/card` prefix.
    let path = request.uri().path().to_owned();
    match file_of(dir, &path, CARD_FILES) {
        Some(file) => match ServeFile::new(file).oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        },
        None => (StatusCode::NOT_FOUND, "no such card file\n").into_response(),
    }
}

/// The fallback service of the router.
pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let dir = &state.config.static_files.app_dir;
    let path = request.uri().path().to_owned();
    if path == "/" || path == "/index.html" {
        return index(dir).await;
    }
    match app_file(dir, &path) {
        Some(file) => match ServeFile::new(file).oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        },
        None => index(dir).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_top_level_files_of_the_apps_kinds_are_served() {
        let dir = std::env::temp_dir().join(format!("ptero-app-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("bin")).expect("dir");
        std::fs::write(dir.join("app-1.js"), "x").expect("js");
        std::fs::write(dir.join("app-de.txt"), "x").expect("catalog");
        std::fs::write(dir.join("bin/ptero-origin"), "elf").expect("bin");
        std::fs::write(dir.join("bin/notes.txt"), "x").expect("nested");
        std::fs::write(dir.join(".env"), "secret").expect("dotfile");
        std::fs::write(dir.join("ptero-origin.toml"), "x").expect("toml");
        assert!(app_file(&dir, "/app-1.js").is_some());
        assert!(app_file(&dir, "/app-de.txt").is_some());
        for refused in [
            "/bin/notes.txt",
            "/bin/ptero-origin",
            "/.env",
            "/ptero-origin.toml",
            "/../app-1.js",
            "/bin%2fptero-origin",
            "/",
        ] {
            assert!(app_file(&dir, refused).is_none(), "{refused}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<script type="module" src="/a.js" integrity="x"></script><script type="module">import init from '/a.js';init();</script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = STANDARD.encode(Sha256::digest(b"import init from '/a.js';init();"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
    }
}
