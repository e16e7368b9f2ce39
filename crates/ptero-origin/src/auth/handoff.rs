//! Verifying a hosting site's hand-off token: the site is found by `iss`, its algorithm
//! is pinned, then signature, times, audience and shape are checked. Single use (`jti`)
//! is the store's job ([`crate::store::Store::claim_jti`]).

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use ptero_api::origin::OriginErrorCode;
use ptero_api::{Action, HandoffClaims, ServerId, TimeError};
use serde::Deserialize;

use crate::config::Site;
use crate::store::PanelIdentity;

/// Longest lifetime (and furthest `exp`) a hand-off token may have.
pub const MAX_LIFETIME_SECS: u64 = 600;
/// Clock skew tolerated between the site and the origin.
pub const LEEWAY_SECS: u64 = 30;

/// The one sentence for every token that does not verify.
pub const UNVERIFIED: &str = "the hand-off token could not be verified: it must be signed by a site this origin is configured for, with that site's key";

/// Why a hand-off token is refused. The `Display` names the reason in detail (for the
/// log), never a secret; [`Rejection::public_message`] is what the caller reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    Malformed(String),
    UnknownSite(String),
    AlgorithmNotAllowed {
        found: String,
        pinned: &'static str,
    },
    BadSignature,
    Time(TimeError),
    ExpiresTooFarAhead {
        seconds: u64,
    },
    WrongAudience,
    BadClaims(String),
    Replayed,
    NothingGranted,
    /// The token names a server outside the site's `servers` (or `owners`) scope.
    OutOfScope(String),
}

impl Rejection {
    /// The label of the `rejections` metric.
    pub fn reason(&self) -> &'static str {
        match self {
            Rejection::Malformed(_) => "malformed",
            Rejection::UnknownSite(_) => "unknown_site",
            Rejection::AlgorithmNotAllowed { .. } => "algorithm_not_allowed",
            Rejection::BadSignature => "bad_signature",
            Rejection::Time(TimeError::Expired { .. }) => "expired",
            Rejection::Time(TimeError::NotYetValid { .. }) => "not_yet_valid",
            Rejection::Time(TimeError::IssuedInFuture { .. }) => "issued_in_future",
            Rejection::Time(TimeError::LivesTooLong { .. })
            | Rejection::ExpiresTooFarAhead { .. } => "lives_too_long",
            Rejection::WrongAudience => "wrong_audience",
            Rejection::BadClaims(_) => "bad_claims",
            Rejection::Replayed => "replayed",
            Rejection::NothingGranted => "nothing_granted",
            Rejection::OutOfScope(_) => "out_of_scope",
        }
    }

    /// What the caller is told. A token that does not verify (unknown issuer, another
    /// algorithm, a wrong signature) gets one sentence for all three, and time errors
    /// carry no numbers: which issuer, which algorithm and how far the clocks are apart
    /// would help someone probing the origin, so they go to the log and the metrics
    /// ([`Rejection::reason`], the `Display`) only.
    pub fn public_message(&self) -> String {
        match self {
            Rejection::UnknownSite(_)
            | Rejection::AlgorithmNotAllowed { .. }
            | Rejection::BadSignature => UNVERIFIED.to_owned(),
            Rejection::Time(TimeError::Expired { .. }) => {
                "the hand-off token has expired: ask the site for a new one".to_owned()
            }
            Rejection::Time(TimeError::NotYetValid { .. } | TimeError::IssuedInFuture { .. }) => {
                "the hand-off token is not valid yet: the clocks of the site and this origin disagree".to_owned()
            }
            other => other.to_string(),
        }
    }

    pub fn code(&self) -> OriginErrorCode {
        match self {
            Rejection::Time(TimeError::LivesTooLong { .. })
            | Rejection::ExpiresTooFarAhead { .. } => OriginErrorCode::InvalidToken,
            Rejection::Time(_) => OriginErrorCode::TokenExpired,
            Rejection::Replayed => OriginErrorCode::TokenReused,
            Rejection::OutOfScope(_) => OriginErrorCode::ServerNotAllowed,
            _ => OriginErrorCode::InvalidToken,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Malformed(why) => write!(f, "the hand-off token is not a JWT: {why}"),
            Rejection::UnknownSite(iss) => write!(
                f,
                "the hand-off token was issued by {iss:?}, which is not a configured site"
            ),
            Rejection::AlgorithmNotAllowed { found, pinned } => write!(
                f,
                "the hand-off token is signed with {found:?}, but this site is pinned to {pinned}"
            ),
            Rejection::BadSignature => f.write_str(
                "the hand-off token's signature does not verify: the site signed it with another key",
            ),
            Rejection::Time(error) => write!(f, "{error}"),
            Rejection::ExpiresTooFarAhead { seconds } => write!(
                f,
                "the hand-off token expires {seconds} seconds from now, more than the {MAX_LIFETIME_SECS} allowed"
            ),
            Rejection::WrongAudience => f.write_str(
                "the hand-off token is meant for another server: its `aud` must be this origin's public URL",
            ),
            Rejection::BadClaims(why) => write!(f, "the hand-off token's claims are wrong: {why}"),
            Rejection::Replayed => {
                f.write_str("the hand-off token was already used: ask the site for a new one")
            }
            Rejection::NothingGranted => f.write_str(
                "the hand-off token names no server this site may show",
            ),
            Rejection::OutOfScope(server) => write!(
                f,
                "the hand-off token names server {server}, which this site may not show: the origin's administrator limits the site to certain servers (`servers` / `owners` in its [sites] section)"
            ),
        }
    }
}

fn pinned_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::RS256 => "RS256",
        Algorithm::EdDSA => "EdDSA",
        _ => "HS256",
    }
}

/// What a verified token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub site: String,
    pub viewer: String,
    pub jti: String,
    pub exp: u64,
    pub servers: Vec<ServerId>,
    /// The token's actions that the site may grant.
    pub actions: Vec<Action>,
    /// How to find the viewer on the panel, when the token says.
    pub panel_identity: Option<PanelIdentity>,
}

fn segment_json<T: for<'de> Deserialize<'de>>(segment: &str, what: &str) -> Result<T, Rejection> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|_| Rejection::Malformed(format!("its {what} is not base64url")))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| Rejection::Malformed(format!("its {what} is not JSON")))
}

/// Verifies `token` against the configured `sites` for audience `audience` at `now`.
pub fn verify(
    token: &str,
    sites: &BTreeMap<String, Site>,
    audience: &str,
    now: u64,
) -> Result<Grant, Rejection> {
    #[derive(Deserialize)]
    struct Header {
        alg: String,
    }
    #[derive(Deserialize)]
    struct Issuer {
        iss: Option<String>,
    }
    let token = token.trim();
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Rejection::Malformed(
            "it does not have three parts".to_owned(),
        ));
    };
    let header: Header = segment_json(header, "header")?;
    let issuer: Issuer = segment_json(payload, "payload")?;
    let iss = issuer
        .iss
        .ok_or_else(|| Rejection::BadClaims("`iss` is missing".to_owned()))?;
    let site = sites
        .get(&iss)
        .ok_or_else(|| Rejection::UnknownSite(iss.clone()))?;
    let pinned = pinned_name(site.key.algorithm);
    if header.alg != pinned {
        return Err(Rejection::AlgorithmNotAllowed {
            found: header.alg,
            pinned,
        });
    }

    // Times, audience and claims are checked below, with reasons of our own.
    let mut validation = Validation::new(site.key.algorithm);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    let claims = jsonwebtoken::decode::<serde_json::Value>(token, &site.key.key, &validation)
        .map_err(|error| match error.kind() {
            ErrorKind::InvalidSignature => Rejection::BadSignature,
            ErrorKind::InvalidAlgorithm => Rejection::AlgorithmNotAllowed {
                found: "another algorithm".to_owned(),
                pinned,
            },
            _ => Rejection::Malformed("its signature could not be checked".to_owned()),
        })?
        .claims;
    let claims: HandoffClaims =
        serde_json::from_value(claims).map_err(|error| Rejection::BadClaims(error.to_string()))?;

    claims
        .check_times(now, LEEWAY_SECS, MAX_LIFETIME_SECS)
        .map_err(Rejection::Time)?;
    let ahead = claims.exp.saturating_sub(now);
    if ahead > MAX_LIFETIME_SECS + LEEWAY_SECS {
        return Err(Rejection::ExpiresTooFarAhead { seconds: ahead });
    }
    if !claims.aud.contains(audience) {
        return Err(Rejection::WrongAudience);
    }
    if claims.sub.trim().is_empty() {
        return Err(Rejection::BadClaims("`sub` is empty".to_owned()));
    }
    if claims.jti.trim().is_empty() || claims.jti.len() > 256 {
        return Err(Rejection::BadClaims(
            "`jti` must be 1 to 256 characters".to_owned(),
        ));
    }
    let mut servers = Vec::new();
    for (index, server) in claims.servers.iter().enumerate() {
        let id = ServerId::parse(server).map_err(|error| {
            Rejection::BadClaims(format!("entry {} of `servers`: {error}", index + 1))
        })?;
        if !servers.contains(&id) {
            servers.push(id);
        }
    }
    if servers.is_empty() || servers.len() > 100 {
        return Err(Rejection::NothingGranted);
    }
    let actions = claims
        .actions
        .iter()
        .copied()
        .filter(|action| site.actions.contains(action))
        .collect();
    if !site.scope.servers.is_empty() {
        if let Some(outside) = servers
            .iter()
            .find(|id| !site.scope.servers.iter().any(|allowed| allowed.matches(id)))
        {
            return Err(Rejection::OutOfScope(outside.to_string()));
        }
    }
    // `external_id` names one user exactly; an email is the fallback, and only from a
    // site that vouches for its customers' emails (anyone can type an admin's address
    // into a shop's sign-up form).
    let non_empty = |value: Option<String>| value.filter(|value| !value.trim().is_empty());
    if let (Some(prefix), Some(external_id)) = (&site.external_id_prefix, &claims.external_id) {
        if !external_id.starts_with(prefix.as_str()) {
            return Err(Rejection::BadClaims(format!(
                "`external_id` must start with {prefix:?}: this site names only its own panel users"
            )));
        }
    }
    let email = claims.email.filter(|_| site.emails_verified);
    let panel_identity = non_empty(claims.external_id)
        .map(PanelIdentity::ExternalId)
        .or_else(|| non_empty(email).map(PanelIdentity::Email));
    Ok(Grant {
        panel_identity,
        site: iss,
        viewer: claims.sub,
        jti: claims.jti,
        exp: claims.exp,
        servers,
        actions,
    })
}

#[cfg(test)]
mod tests;
