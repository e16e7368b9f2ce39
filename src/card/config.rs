//! The card's attributes, read from the host element and validated.

use ptero_api::claims::Action;
use web_sys::Element;

use super::error::CardError;

fn bad(attribute: &'static str, problem: impl Into<String>) -> CardError {
    CardError::BadAttribute {
        attribute,
        problem: problem.into(),
    }
}

/// What one `<ptero-server-card>` was asked to show.
#[derive(Clone, Debug, PartialEq)]
pub struct CardConfig {
    pub origin: String,
    pub server: String,
    pub token: Option<String>,
    pub token_url: Option<String>,
    /// `None` = whatever the session grants; `Some` narrows it further.
    pub actions: Option<Vec<Action>>,
    pub compact: bool,
    /// The card's language: its `locale` attribute, else the nearest `lang` around it
    /// (the page's), else empty (the browser's own).
    pub lang: String,
}

impl CardConfig {
    /// Reads the attributes; the error says which one is wrong and how.
    pub fn from_element(host: &Element) -> Result<Self, CardError> {
        let attr = |name: &str| {
            host.get_attribute(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let origin = attr("origin").ok_or_else(|| {
            bad("origin", "it is missing. The card needs an origin=\"https://…\" attribute: the ptero-origin it talks to.")
        })?;
        let origin = browser_origin(&origin)?;
        let server = attr("server").ok_or_else(|| {
            bad(
                "server",
                "it is missing. The card needs a server=\"…\" attribute: the server's identifier.",
            )
        })?;
        ptero_api::ServerId::parse(&server)
            .map_err(|e| bad("server", format!("it is not a server identifier: {e}")))?;
        let token = attr("token");
        let token_url = attr("token-url");
        if token.is_none() && token_url.is_none() {
            return Err(bad(
                "token",
                "it is missing. The card needs a token=\"…\" or token-url=\"…\" attribute from the hosting site.",
            ));
        }
        let actions = match attr("actions") {
            None => None,
            Some(list) => {
                Some(Action::parse_list(&list).map_err(|e| bad("actions", e.to_string()))?)
            }
        };
        Ok(Self {
            origin,
            server,
            token,
            token_url,
            actions,
            compact: host.has_attribute("compact"),
            lang: lang_of(host),
        })
    }
}

/// The card's language: its `locale` attribute, else the nearest `lang` around it.
pub fn lang_of(host: &Element) -> String {
    host.get_attribute("locale")
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| page_lang(host))
}

/// The `lang` of the nearest element around `host` that has one.
fn page_lang(host: &Element) -> String {
    host.closest("[lang]")
        .ok()
        .flatten()
        .and_then(|el| el.get_attribute("lang"))
        .map(|lang| lang.trim().to_string())
        .unwrap_or_default()
}

/// Normalises `text` to `scheme://host[:port]` with the browser's own URL parser (already
/// in every page, so the card ships no parser of its own); anything beyond an origin is
/// refused rather than silently dropped.
fn browser_origin(text: &str) -> Result<String, CardError> {
    let bad = |why: &str| {
        bad(
            "origin",
            format!("\"{text}\" is not an origin: {why}. Use the form https://origin.example.com"),
        )
    };
    let url = web_sys::Url::new(text).map_err(|_| bad("it is not a URL"))?;
    if !matches!(url.protocol().as_str(), "https:" | "http:") {
        return Err(bad("only http and https work"));
    }
    if !url.username().is_empty() || !url.password().is_empty() {
        return Err(bad("it carries a user name or password"));
    }
    if !matches!(url.pathname().as_str(), "" | "/")
        || !url.search().is_empty()
        || !url.hash().is_empty()
    {
        return Err(bad("it has a path, query or fragment"));
    }
    Ok(url.origin())
}
