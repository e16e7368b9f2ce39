//! `CardError`: everything a card can fail at, with the code its `ptero-error` event
//! carries ([`CardError::code`], the one source of those strings) and a sentence a person
//! can act on.

use std::fmt;

use ptero_api::origin::OriginErrorCode;

use crate::api::{OriginFailure, TokenError};
use crate::i18n::Texts;

#[derive(Clone, Debug, PartialEq)]
pub enum CardError {
    /// An attribute is missing or malformed.
    BadAttribute {
        attribute: &'static str,
        problem: String,
    },
    /// The hosting site's `token-url` gave no token.
    Token(TokenError),
    /// The origin refused, or could not be reached.
    Origin(OriginFailure),
    /// The page's token does not name this card's server.
    ServerNotGranted { server: String },
    /// `power()` on a card that is not live: still connecting, failed, or removed.
    NotConnected { because: Option<Box<CardError>> },
    /// `power()` on an element that is not on the page (removed, or never connected).
    Removed,
    /// `power()` with a signal the token or the card's `actions` does not grant.
    NotGranted { signal: String },
}

impl CardError {
    /// The `code` of the `ptero-error` event.
    pub fn code(&self) -> &str {
        match self {
            CardError::BadAttribute { .. } => "bad_attributes",
            CardError::Token(_) => "token_unavailable",
            CardError::Origin(failure) => failure.code(),
            CardError::ServerNotGranted { .. } => "server_not_allowed",
            CardError::NotConnected { .. } | CardError::Removed => "not_connected",
            CardError::NotGranted { .. } => "action_not_allowed",
        }
    }

    /// Whether this ends the card's session (the host may hand off a fresh token).
    pub fn session_expired(&self) -> bool {
        matches!(self, CardError::Origin(failure) if failure.session_ended())
    }
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CardError::BadAttribute { attribute, problem } => {
                write!(f, "The card's {attribute} attribute: {problem}")
            }
            CardError::Token(error) => error.fmt(f),
            CardError::Origin(failure) => failure.fmt(f),
            CardError::ServerNotGranted { server } => {
                write!(f, "This page's token does not grant server {server}.")
            }
            CardError::NotConnected { because: None } => {
                f.write_str("The card is not connected yet: try again once it shows its server.")
            }
            CardError::NotConnected {
                because: Some(why),
            } => write!(f, "The card is not connected: {why}"),
            CardError::Removed => f.write_str("The card is not on the page: add it again to use it."),
            CardError::NotGranted { signal } => write!(
                f,
                "\"{signal}\" is not a power signal this card may send (its token and actions attribute decide)."
            ),
        }
    }
}

impl CardError {
    /// The sentence the card shows, in its language. English keeps the detailed sentence
    /// of [`fmt::Display`] (which the `ptero-error` event always carries); the others say
    /// it in their own words from the catalog.
    pub fn localized(&self, t: &Texts) -> String {
        if t.is_english() {
            return self.to_string();
        }
        match self {
            CardError::BadAttribute { attribute, .. } => t.fill("error.attribute", &[attribute]),
            CardError::Token(error) => t.get(token_key(error)).replace("{0}", &status(error)),
            CardError::Origin(failure) => origin_text(t, failure),
            CardError::ServerNotGranted { server } => t.fill("error.server_not_granted", &[server]),
            CardError::NotConnected { because: None } => t.get("error.not_connected_yet").into(),
            CardError::NotConnected { because: Some(why) } => {
                t.fill("error.not_connected", &[&why.localized(t)])
            }
            CardError::Removed => t.get("error.removed").into(),
            CardError::NotGranted { signal } => t.fill("error.signal_not_granted", &[signal]),
        }
    }
}

fn token_key(error: &TokenError) -> &'static str {
    match error {
        TokenError::Unreachable { .. } => "error.token_unreachable",
        TokenError::Refused { .. } => "error.token_refused",
        TokenError::NotJson => "error.token_not_json",
        TokenError::Empty => "error.token_empty",
        TokenError::Aborted => "error.cancelled",
    }
}

fn status(error: &TokenError) -> String {
    match error {
        TokenError::Refused { status } => status.to_string(),
        _ => String::new(),
    }
}

/// What the origin said, in the card's language (English: the origin's own sentence).
pub fn origin_text(t: &Texts, failure: &OriginFailure) -> String {
    use OriginErrorCode as C;
    let (code, message) = match failure {
        OriginFailure::Unreachable { origin } => return t.fill("error.unreachable", &[origin]),
        OriginFailure::Aborted => return t.get("error.cancelled").into(),
        OriginFailure::Refused { code, message } => (code, message),
    };
    let key = match code {
        C::BadRequest => "error.bad_request",
        C::InvalidToken => "error.invalid_token",
        C::TokenExpired => "error.token_expired",
        C::TokenReused => "error.token_reused",
        C::SessionExpired => "error.session_expired",
        C::ActionNotAllowed => "error.action_not_allowed",
        C::ServerNotAllowed => "error.server_not_allowed",
        C::OriginNotAllowed => "error.origin_not_allowed",
        C::NotFound => "error.not_found",
        C::ServerConflict => "error.server_conflict",
        C::ServerOffline => "error.server_offline",
        C::RateLimited => "error.rate_limited",
        C::TooManyStreams => "error.too_many_streams",
        C::PanelRejected => "error.panel_rejected",
        C::PanelError => "error.panel_error",
        C::PanelUnreachable => "error.panel_unreachable",
        C::NoPanelAccount => "error.no_panel_account",
        C::KeyLimitReached => "error.key_limit_reached",
        C::KeyConflict => "error.key_conflict",
        C::NotConfigured => "error.not_configured",
        C::Internal => "error.internal",
        _ => "",
    };
    if t.is_english() || key.is_empty() {
        message.clone()
    } else {
        t.get(key).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptero_api::origin::OriginErrorCode;

    #[test]
    fn origin_codes_pass_through_and_card_codes_are_stable() {
        let expired = CardError::Origin(OriginFailure::Refused {
            code: OriginErrorCode::TokenExpired,
            message: "expired".into(),
        });
        assert_eq!(expired.code(), "token_expired");
        assert!(expired.session_expired());
        let removed = CardError::NotConnected {
            because: Some(Box::new(expired)),
        };
        assert_eq!(removed.code(), "not_connected");
        assert!(removed.to_string().ends_with("expired"));
        assert_eq!(
            CardError::NotGranted {
                signal: "kill".into()
            }
            .code(),
            OriginErrorCode::ActionNotAllowed.as_str()
        );
    }
}
