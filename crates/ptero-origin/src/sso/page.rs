//! The SSO pages. First the confirmation ([`confirm`]): "Sign in to the panel as …?", a
//! form that posts back to the origin with a one-time value that must match a
//! `SameSite=Strict` cookie set with the page, so a link preview or another site's form
//! spends nothing and cannot sign anybody in. Then the hand-off ([`handoff`]): a form
//! that posts the SSO token to `{panel}/pteroca/authorize` and a one-line script (allowed
//! by its nonce alone) that submits it; a `<noscript>` button otherwise. The token rides
//! in the POST body only, pages are never cached, send no referrer, and their CSP lets
//! forms go to one place.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA, REFERRER_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ptero_api::claims::{SSO_AUTHORIZE_PATH, SSO_FORM_FIELD};
use ptero_api::PanelUrl;

use crate::error::AppError;

/// Text made safe for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// A fresh 128-bit nonce (scripts, styles, the confirmation's form value).
pub fn nonce() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|error| AppError::Internal(format!("no randomness for a CSP nonce: {error}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The policy of the hand-off page: nothing loads, only the nonce'd script runs, forms
/// go to `panel_origin` only.
pub fn policy(nonce: &str, panel_origin: &str) -> String {
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; form-action {panel_origin}; base-uri 'none'; frame-ancestors 'none'"
    )
}

fn with_headers(status: StatusCode, html: String, policy: &str) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(policy) {
        headers.insert("content-security-policy", value);
    }
    response
}

/// The auto-submitting page that signs the viewer in to `panel` with `token`.
pub fn handoff(panel: &PanelUrl, token: &str) -> Result<Response, AppError> {
    let nonce = nonce()?;
    let action = panel.join(SSO_AUTHORIZE_PATH);
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>Opening the panel…</title>
</head>
<body>
<form id="sso" method="post" action="{action}">
<input type="hidden" name="{field}" value="{token}">
<p>Opening the panel…</p>
<noscript><button type="submit">Continue to the panel</button></noscript>
</form>
<script nonce="{nonce}">document.getElementById("sso").submit();</script>
</body>
</html>
"#,
        action = escape(&action),
        field = escape(SSO_FORM_FIELD),
        token = escape(token),
    );
    Ok(with_headers(
        StatusCode::OK,
        html,
        &policy(&nonce, &panel.origin().to_string()),
    ))
}

/// The page's look, allowed by the style nonce (light and dark, readable at 360 px).
const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f4f5f7;color:#1d2330}main{max-width:26rem;margin:1rem;padding:1.5rem;border-radius:12px;background:#fff;box-shadow:0 2px 12px #0002}h1{font-size:1.25rem;margin:0 0 .5rem}p{margin:.5rem 0 1rem;color:#3b4252}button{font:inherit;font-weight:600;padding:.6rem 1.1rem;border:0;border-radius:8px;background:#2457d6;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #8fb0ff;outline-offset:2px}small{display:block;margin-top:1rem;color:#5b6372}@media (prefers-color-scheme:dark){body{background:#14171f;color:#e6e9ef}main{background:#1e2230;box-shadow:none}p{color:#c5cad6}small{color:#9aa3b5}}";

/// "Sign in to the panel as `who`?": posts `confirm` back to `action` (this origin).
pub fn confirm(
    action: &str,
    who: &str,
    confirm: &str,
    lifetime_secs: u64,
) -> Result<Response, AppError> {
    let style_nonce = nonce()?;
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>Sign in to the panel?</title>
<style nonce="{style_nonce}">{STYLE}</style>
</head>
<body>
<main>
<h1>Sign in to the panel?</h1>
<p id="who">You will be signed in to the game panel as <strong>{who}</strong>.</p>
<form method="post" action="{action}">
<input type="hidden" name="confirm" value="{confirm}">
<button type="submit" autofocus>Sign in as {who}</button>
</form>
<small>If you did not click "Open in panel", close this tab. This link works once, for {lifetime_secs} seconds.</small>
</main>
</body>
</html>
"#,
        who = escape(who),
        action = escape(action),
        confirm = escape(confirm),
    );
    let mut response = with_headers(
        StatusCode::OK,
        html,
        &format!(
            "default-src 'none'; style-src 'nonce-{style_nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        ),
    );
    // Same-origin, not no-referrer: the confirmation's POST must carry its own Origin
    // (no-referrer makes it `null`); nothing leaves for other origins still.
    response
        .headers_mut()
        .insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    Ok(response)
}

/// A page that says why the panel cannot be opened (no script, no form).
pub fn refusal(status: StatusCode, message: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>The panel cannot be opened</title>\n</head>\n<body>\n<h1>The panel cannot be opened</h1>\n<p id=\"reason\">{}</p>\n</body>\n</html>\n",
        escape(message)
    );
    with_headers(
        status,
        html,
        "default-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[tokio::test]
    async fn the_page_posts_to_the_panel_only_and_is_never_cached() {
        let panel = PanelUrl::parse("https://panel.example.com").expect("url");
        let response = handoff(&panel, "a.b\"<c").expect("page");
        let headers = response.headers().clone();
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        let policy = headers["content-security-policy"].to_str().expect("ascii");
        assert!(
            policy.contains("form-action https://panel.example.com;"),
            "{policy}"
        );
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        let body = String::from_utf8(body.to_vec()).expect("utf-8");
        assert!(body.contains(r#"action="https://panel.example.com/pteroca/authorize""#));
        assert!(body.contains(r#"value="a.b&quot;&lt;c""#), "{body}");
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("nonce");
        assert!(body.contains(&format!("<script nonce=\"{nonce}\">")));
        assert!(body.contains("<noscript>"));
    }
}
