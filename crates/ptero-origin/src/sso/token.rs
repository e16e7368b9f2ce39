//! Minting the addon's SSO token: HS256 with the shared secret (pinned), `iss` the
//! configured site URL, `aud` the panel, at most [`SSO_LIFETIME_SECS`] long, a fresh `jti`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ptero_api::claims::SSO_LIFETIME_SECS;
use ptero_api::{Audience, PanelUrl, SsoClaims, SsoUser};

use crate::config::SsoConfig;
use crate::error::AppError;

/// 128 random bits, base64url.
fn fresh_jti() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|error| AppError::Internal(format!("no randomness for an SSO jti: {error}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The claims for `user_id` at `now`.
pub fn claims(
    config: &SsoConfig,
    panel: &PanelUrl,
    user_id: u64,
    now: u64,
) -> Result<SsoClaims, AppError> {
    Ok(SsoClaims {
        iss: config.issuer.clone(),
        aud: Audience::one(panel.as_str()),
        iat: now,
        nbf: Some(now),
        exp: now + SSO_LIFETIME_SECS,
        jti: fresh_jti()?,
        user: SsoUser { id: user_id },
    })
}

/// The signed token. Never log it, never put it in a URL.
pub fn mint(config: &SsoConfig, claims: &SsoClaims) -> Result<String, AppError> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(config.secret.expose().as_bytes()),
    )
    .map_err(|error| AppError::Internal(format!("signing the SSO token failed: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use jsonwebtoken::{DecodingKey, Validation};
    use std::time::Duration;

    const SECRET: &str = "0123456789abcdef0123456789abcdef-sso";

    fn config() -> SsoConfig {
        SsoConfig {
            secret: Secret::new(SECRET),
            issuer: "https://shop.example.com".to_owned(),
            user_cache: Duration::from_secs(300),
        }
    }

    #[test]
    fn the_token_verifies_with_the_secret_and_names_site_panel_and_user() {
        let panel = PanelUrl::parse("https://panel.example.com").expect("url");
        let now = 1_800_000_000;
        let claims = claims(&config(), &panel, 7, now).expect("claims");
        let token = mint(&config(), &claims).expect("token");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&["https://panel.example.com"]);
        validation.set_issuer(&["https://shop.example.com"]);
        validation.validate_exp = false;
        let decoded = jsonwebtoken::decode::<SsoClaims>(
            &token,
            &DecodingKey::from_secret(SECRET.as_bytes()),
            &validation,
        )
        .expect("verifies");
        assert_eq!(decoded.header.alg, Algorithm::HS256);
        assert_eq!(decoded.claims.user.id, 7);
        assert!(decoded.claims.check_times(now, 0).is_ok());
        assert!(decoded
            .claims
            .check_times(now + SSO_LIFETIME_SECS, 0)
            .is_err());
    }

    #[test]
    fn every_token_has_its_own_jti() {
        let panel = PanelUrl::parse("https://panel.example.com").expect("url");
        let a = claims(&config(), &panel, 7, 1).expect("claims");
        let b = claims(&config(), &panel, 7, 1).expect("claims");
        assert_ne!(a.jti, b.jti);
        assert!(a.jti.len() >= 22);
    }
}
