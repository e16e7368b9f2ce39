//! The websocket JWT: minted by the panel with the node's daemon token (panel
//! `NodeJWTService`), verified by Wings (wings `router/tokens/parser.go`: signature, then
//! `exp`). 1.12 and Pelican add `scope: "websocket"`; Pelican's `jti` is a sha256 (64 hex
//! digits, here a stand-in of that length) and it has no `user_id` claim.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ptero_api::{Audience, Flavor, WingsTokenClaims};

use crate::clock;
use crate::rng::digest_hex;

/// What the panel puts in a token.
pub struct Grant<'a> {
    pub panel_url: &'a str,
    pub node_url: &'a str,
    pub daemon_token: &'a str,
    pub server_uuid: &'a str,
    pub user_uuid: &'a str,
    pub user_id: u64,
    pub permissions: Vec<String>,
    pub lifetime_secs: u64,
    /// Seconds the panel's clock is behind Wings' (a token that arrives expired).
    pub backdate_secs: u64,
    pub unique_id: String,
    pub flavor: Flavor,
}

/// Signs a token (HS256, 5 minutes of `nbf` leeway as the panel sets it).
pub fn mint(grant: Grant<'_>) -> Result<String, jsonwebtoken::errors::Error> {
    let now = clock::now_unix().saturating_sub(grant.backdate_secs);
    let identified_by = format!("{}{}", grant.user_id, grant.server_uuid);
    let pelican = grant.flavor == Flavor::Pelican;
    let jti = if pelican {
        format!(
            "{}{}",
            digest_hex(&identified_by),
            digest_hex(&format!("sha256:{identified_by}"))
        )
    } else {
        digest_hex(&identified_by)
    };
    let claims = WingsTokenClaims {
        iss: grant.panel_url.to_owned(),
        aud: Audience(vec![grant.node_url.to_owned()]),
        jti,
        iat: now,
        nbf: Some(now.saturating_sub(300)),
        exp: now + grant.lifetime_secs,
        server_uuid: grant.server_uuid.to_owned(),
        permissions: grant.permissions,
        user_uuid: grant.user_uuid.to_owned(),
        user_id: (!pelican).then_some(grant.user_id),
        unique_id: Some(grant.unique_id),
        scope: grant.flavor.scoped_tokens().then(|| "websocket".to_owned()),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(grant.daemon_token.as_bytes()),
    )
}

/// Why Wings refused a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Bad signature or not a JWT: Wings reports it as a `daemon error`.
    Invalid(String),
    /// `exp` passed (gbrlsnchs `ErrExpValidation`).
    Expired,
}

/// Verifies the signature, then `exp` (Wings ignores `nbf`, `aud` and `iss`).
pub fn verify(token: &str, daemon_token: &str) -> Result<WingsTokenClaims, Refusal> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<WingsTokenClaims>(
        token,
        &DecodingKey::from_secret(daemon_token.as_bytes()),
        &validation,
    )
    .map_err(|error| {
        Refusal::Invalid(match error.kind() {
            ErrorKind::InvalidSignature => "jwt: HMAC verification failed".to_owned(),
            _ => format!("jwt: {error}"),
        })
    })?;
    if data.claims.exp <= clock::now_unix() {
        return Err(Refusal::Expired);
    }
    Ok(data.claims)
}

/// What a signed URL is for (its route on Wings, its claim and, on 1.12 and Pelican,
/// its scope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlPurpose {
    /// `/download/file`: `file_path`.
    Download { file: String },
    /// `/upload/file`.
    Upload,
    /// `/download/backup`: `backup_uuid`.
    Backup { uuid: String },
}

impl UrlPurpose {
    pub fn scope(&self) -> &'static str {
        match self {
            UrlPurpose::Download { .. } => "file-download",
            UrlPurpose::Upload => "file-upload",
            UrlPurpose::Backup { .. } => "backup-download",
        }
    }

    fn route(&self) -> &'static str {
        match self {
            UrlPurpose::Download { .. } => "/download/file",
            UrlPurpose::Upload => "/upload/file",
            UrlPurpose::Backup { .. } => "/download/backup",
        }
    }
}

/// What the panel puts in a signed URL's token.
pub struct UrlGrant<'a> {
    pub panel_url: &'a str,
    pub node_url: &'a str,
    pub daemon_token: &'a str,
    pub server_uuid: &'a str,
    pub user_uuid: &'a str,
    pub user_id: u64,
    pub unique_id: String,
    pub purpose: UrlPurpose,
    pub flavor: Flavor,
}

/// The signed URL on the node: `{node}{route}?token={jwt}`, valid 15 minutes.
pub fn signed_url(grant: UrlGrant<'_>) -> Result<String, jsonwebtoken::errors::Error> {
    let now = clock::now_unix();
    let identified_by = format!("{}{}", grant.user_id, grant.server_uuid);
    let pelican = grant.flavor == Flavor::Pelican;
    let (file_path, backup_uuid) = match &grant.purpose {
        UrlPurpose::Download { file } => (Some(file.clone()), None),
        UrlPurpose::Upload => (None, None),
        UrlPurpose::Backup { uuid } => (None, Some(uuid.clone())),
    };
    let claims = ptero_api::WingsUrlClaims {
        iss: grant.panel_url.to_owned(),
        aud: Audience(vec![grant.node_url.to_owned()]),
        jti: digest_hex(&identified_by),
        iat: now,
        nbf: Some(now.saturating_sub(300)),
        exp: now + ptero_api::claims::SIGNED_URL_LIFETIME_SECS,
        server_uuid: grant.server_uuid.to_owned(),
        file_path,
        backup_uuid,
        user_uuid: grant.user_uuid.to_owned(),
        user_id: (!pelican).then_some(grant.user_id),
        unique_id: grant.unique_id,
        scope: grant
            .flavor
            .scoped_tokens()
            .then(|| grant.purpose.scope().to_owned()),
    };
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(grant.daemon_token.as_bytes()),
    )?;
    Ok(format!(
        "{}{}?token={token}",
        grant.node_url,
        grant.purpose.route()
    ))
}

/// Verifies a signed URL's token as Wings' `tokens.ParseToken` does: signature, then
/// `exp`.
pub fn verify_url(token: &str, daemon_token: &str) -> Result<ptero_api::WingsUrlClaims, Refusal> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<ptero_api::WingsUrlClaims>(
        token,
        &DecodingKey::from_secret(daemon_token.as_bytes()),
        &validation,
    )
    .map_err(|error| Refusal::Invalid(format!("jwt: {error}")))?;
    if data.claims.exp <= clock::now_unix() {
        return Err(Refusal::Expired);
    }
    Ok(data.claims)
}
