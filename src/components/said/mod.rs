//! Errors in the app's language: each typed error's variant mapped to a key of
//! `i18n/app` (its English `Display` stays for logs and the console). A view shows
//! `error.said()`, never `error.to_string()`.
//!
//! The panel's own sentences (a refusal's detail, a validation message) are the panel's
//! words and pass through as they came.

mod input;
mod panel;

use crate::api::bundle::BundleError;
use crate::api::ApiError;
use crate::i18n::ui::{t, tf};
use crate::live::{CommandError, Link};
use ptero_api::wings_link::LinkProblem;

/// A sentence for the person looking at the page, in the app's language.
pub trait Said {
    /// As a part of a sentence ("Panel URL: {it}"): the panel's errors start lowercase.
    fn said(&self) -> String;

    /// On its own (an error note, a field's hint): with a capital.
    fn sentence(&self) -> String {
        let text = self.said();
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => [capital(first), chars.as_str().to_owned()].concat(),
            None => text,
        }
    }
}

/// `c` as a capital. In the browser its own `toUpperCase` (core's Unicode case tables
/// would add ~10 KB to the first load).
#[cfg(target_arch = "wasm32")]
fn capital(c: char) -> String {
    let mut buffer = [0; 4];
    js_sys::JsString::from(&*c.encode_utf8(&mut buffer))
        .to_upper_case()
        .into()
}

#[cfg(not(target_arch = "wasm32"))]
fn capital(c: char) -> String {
    c.to_uppercase().collect()
}

impl Said for ApiError {
    fn said(&self) -> String {
        match self {
            ApiError::Unreachable { url } => tf("error.unreachable", &[url]),
            ApiError::CorsBlocked { page_origin } => tf("error.cors", &[page_origin]),
            ApiError::Panel(error) => error.said(),
            ApiError::Decode(why) => tf("error.decode", &[why]),
            ApiError::Aborted => t("error.aborted").into(),
            ApiError::Offline => t("error.offline").into(),
            ApiError::Wings { status, detail } => tf("error.wings", &[&status.to_string(), detail]),
            ApiError::WingsUnreachable { host } => tf("error.wings_unreachable", &[host]),
        }
    }
}

impl Said for BundleError {
    fn said(&self) -> String {
        match self {
            BundleError::Missing => t("error.bundle_missing"),
            BundleError::Failed => t("error.bundle_failed"),
            BundleError::NotStarted => t("error.bundle_not_started"),
        }
        .into()
    }
}

impl Said for CommandError {
    fn said(&self) -> String {
        match self {
            CommandError::TooLarge(too_large) => {
                let (limit, bytes) = (too_large.limit.to_string(), too_large.bytes.to_string());
                tf("command.too_long", &[&limit, &bytes])
            }
            CommandError::NotConnected => t("command.not_connected").into(),
        }
    }
}

impl Said for LinkProblem {
    fn said(&self) -> String {
        use ptero_api::flavor::{WEBSOCKET_TOKENS_PER_MINUTE, WINGS_SOCKETS_PER_SERVER};
        let (tokens, sockets) = (
            WEBSOCKET_TOKENS_PER_MINUTE.to_string(),
            WINGS_SOCKETS_PER_SERVER.to_string(),
        );
        match self {
            LinkProblem::TokensRateLimited { retry_after: None } => {
                tf("link.tokens_used_up", &[&tokens])
            }
            LinkProblem::TokensRateLimited {
                retry_after: Some(seconds),
            } => tf("link.tokens_used_up_for", &[&tokens, &seconds.to_string()]),
            LinkProblem::NoToken(reason) => tf("link.no_token", &[reason]),
            LinkProblem::TooManySockets => tf("link.too_many_sockets", &[&sockets]),
            LinkProblem::Refused { socket } => tf("link.refused", &[socket, &sockets]),
            LinkProblem::Suspended => t("link.suspended").into(),
            LinkProblem::WingsError => t("link.wings_error").into(),
            LinkProblem::FrameTooLarge => t("link.frame_too_large").into(),
            LinkProblem::TokensRefused => t("link.tokens_refused").into(),
            LinkProblem::Dropped { code: Some(code) } => {
                tf("link.dropped_code", &[&code.to_string()])
            }
            LinkProblem::Dropped { code: None } => t("link.dropped").into(),
        }
    }
}

impl Said for Link {
    fn said(&self) -> String {
        match self {
            Link::Connecting => t("link.connecting").into(),
            Link::Live => t("link.live").into(),
            Link::Down {
                problem,
                retry_secs,
            } => tf("link.down", &[&problem.said(), &retry_secs.to_string()]),
        }
    }
}

#[cfg(test)]
mod tests;
