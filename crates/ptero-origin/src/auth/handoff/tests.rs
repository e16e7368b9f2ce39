use super::*;
use crate::config::SiteKey;
use jsonwebtoken::{DecodingKey, EncodingKey, Header};
use serde_json::json;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-site";
const ISS: &str = "https://shop.example.com";
const AUD: &str = "https://cards.example.com";
const NOW: u64 = 1_800_000_000;

fn sites() -> BTreeMap<String, Site> {
    let site = Site {
        name: "shop".to_owned(),
        issuer: ISS.to_owned(),
        key: SiteKey {
            algorithm: Algorithm::HS256,
            key: DecodingKey::from_secret(SECRET),
        },
        actions: vec![Action::Start, Action::Stop],
        scope: crate::config::SiteScope::default(),
        emails_verified: true,
        external_id_prefix: None,
        sso_admins: false,
        backend_exchange: false,
        players: false,
        player_details: false,
    };
    BTreeMap::from([(ISS.to_owned(), site)])
}

fn claims() -> serde_json::Value {
    json!({
        "iss": ISS, "aud": AUD, "sub": "viewer-7", "iat": NOW - 5, "exp": NOW + 120,
        "jti": "j-1", "servers": ["1a7c3f02"], "actions": ["start", "kill", "console"],
    })
}

fn sign_with(algorithm: Algorithm, secret: &[u8], claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

fn sign(claims: &serde_json::Value) -> String {
    sign_with(Algorithm::HS256, SECRET, claims)
}

fn with(field: &str, value: serde_json::Value) -> serde_json::Value {
    let mut claims = claims();
    claims[field] = value;
    claims
}

#[test]
fn a_valid_token_grants_only_actions_the_site_allows() {
    let grant = verify(&sign(&claims()), &sites(), AUD, NOW).expect("valid");
    assert_eq!(grant.actions, [Action::Start]);
    assert_eq!(grant.servers, [ServerId::parse("1a7c3f02").expect("id")]);
    assert_eq!(grant.viewer, "viewer-7");
}

#[test]
fn expired_token_is_refused() {
    let rejection = verify(&sign(&claims()), &sites(), AUD, NOW + 1_000).expect_err("expired");
    assert_eq!(rejection.reason(), "expired");
    assert_eq!(rejection.code(), OriginErrorCode::TokenExpired);
}

#[test]
fn token_expiring_more_than_ten_minutes_ahead_is_refused() {
    let token = sign(&with("exp", json!(NOW + 3_600)));
    assert_eq!(
        verify(&token, &sites(), AUD, NOW)
            .expect_err("too long")
            .reason(),
        "lives_too_long"
    );
}

#[test]
fn not_yet_valid_token_is_refused() {
    let token = sign(&with("nbf", json!(NOW + 300)));
    assert_eq!(
        verify(&token, &sites(), AUD, NOW)
            .expect_err("early")
            .reason(),
        "not_yet_valid"
    );
}

#[test]
fn wrong_audience_is_refused() {
    let token = sign(&with("aud", json!("https://elsewhere.example")));
    assert_eq!(
        verify(&token, &sites(), AUD, NOW),
        Err(Rejection::WrongAudience)
    );
}

#[test]
fn unknown_site_is_refused() {
    let token = sign(&with("iss", json!("https://evil.example")));
    assert_eq!(
        verify(&token, &sites(), AUD, NOW)
            .expect_err("unknown")
            .reason(),
        "unknown_site"
    );
}

#[test]
fn bad_signature_is_refused() {
    let token = sign_with(
        Algorithm::HS256,
        b"another-secret-another-secret-1234",
        &claims(),
    );
    assert_eq!(
        verify(&token, &sites(), AUD, NOW),
        Err(Rejection::BadSignature)
    );
}

#[test]
fn another_algorithm_is_refused_even_with_the_right_secret() {
    let token = sign_with(Algorithm::HS384, SECRET, &claims());
    assert_eq!(
        verify(&token, &sites(), AUD, NOW)
            .expect_err("alg")
            .reason(),
        "algorithm_not_allowed"
    );
}

#[test]
fn an_unsigned_token_is_refused() {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims().to_string());
    let token = format!("{header}.{payload}.");
    assert_eq!(
        verify(&token, &sites(), AUD, NOW)
            .expect_err("none")
            .reason(),
        "algorithm_not_allowed"
    );
}

#[test]
fn garbage_is_refused_as_malformed() {
    for token in ["", "abc", "a.b.c", "a.b.c.d", "....", "\u{1F600}.x.y"] {
        assert_eq!(
            verify(token, &sites(), AUD, NOW).expect_err(token).reason(),
            "malformed",
            "{token}"
        );
    }
}

#[test]
fn a_bad_server_identifier_is_refused() {
    let token = sign(&with("servers", json!(["not-a-server"])));
    assert_eq!(
        verify(&token, &sites(), AUD, NOW)
            .expect_err("servers")
            .reason(),
        "bad_claims"
    );
    let token = sign(&with("servers", json!([])));
    assert_eq!(
        verify(&token, &sites(), AUD, NOW),
        Err(Rejection::NothingGranted)
    );
}

#[test]
fn rejection_messages_never_contain_the_secret() {
    let token = sign_with(
        Algorithm::HS256,
        b"another-secret-another-secret-1234",
        &claims(),
    );
    let message = verify(&token, &sites(), AUD, NOW)
        .expect_err("bad")
        .to_string();
    assert!(!message.contains("0123456789abcdef"));
}
