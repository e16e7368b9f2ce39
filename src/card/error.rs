//! `CardError`: everything a card can fail at, with the code its `ptero-error` event
//! carries ([`CardError::code`], the one source of those strings) and a sentence a person
//! can act on.

use std::fmt;

use crate::api::{OriginFailure, TokenError};

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
