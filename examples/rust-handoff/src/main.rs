//! Minting a hand-off token for `<ptero-server-card>` from a Rust back end: an HS256 JWT
//! (the `jsonwebtoken` crate) signed with the secret the hosting site shares with
//! ptero-origin. See docs/embedding.md. Prints a token from the environment:
//!
//! ```sh
//! PTERO_SITE=… PTERO_SECRET=… PTERO_AUDIENCE=https://cards.example.com \
//! PTERO_SERVERS=1a7ce997 PTERO_ACTIONS="start stop" cargo run -p ptero-handoff-example
//! ```

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

/// What one page is granted.
pub struct Handoff<'a> {
    /// The origin's `issuer` for this site.
    pub site: &'a str,
    /// The site's shared secret (32+ characters; never sent to a browser).
    pub secret: &'a str,
    /// The origin's public URL.
    pub audience: &'a str,
    /// The customer's id on this site.
    pub viewer: &'a str,
    pub servers: Vec<String>,
    /// Of `start stop restart kill console sso`.
    pub actions: Vec<String>,
    /// `email` (with `emails_verified` on the origin) or `external_id`, for SSO.
    pub extra: Option<(&'a str, &'a str)>,
    /// Seconds, at most 600.
    pub lifetime: u64,
}

/// The signed token.
pub fn handoff_token(handoff: &Handoff<'_>) -> Result<String, String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|error| format!("the clock is before 1970: {error}"))?
        .as_secs();
    let mut jti = [0u8; 16];
    getrandom::fill(&mut jti).map_err(|error| format!("no randomness for a jti: {error}"))?;
    let mut claims = json!({
        "iss": handoff.site,
        "aud": handoff.audience,
        "sub": handoff.viewer,
        "iat": now,
        "nbf": now.saturating_sub(5),
        "exp": now + handoff.lifetime,
        "jti": jti.iter().map(|byte| format!("{byte:02x}")).collect::<String>(),
        "servers": handoff.servers,
        "actions": handoff.actions,
    });
    if let (Some((name, value)), Value::Object(map)) = (handoff.extra, &mut claims) {
        map.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(handoff.secret.as_bytes()),
    )
    .map_err(|error| format!("signing failed: {error}"))
}

fn list(text: &str) -> Vec<String> {
    text.split([' ', ','])
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).ok();
    let (Some(site), Some(secret), Some(audience), Some(servers)) = (
        var("PTERO_SITE"),
        var("PTERO_SECRET"),
        var("PTERO_AUDIENCE"),
        var("PTERO_SERVERS"),
    ) else {
        eprintln!(
            "set PTERO_SITE, PTERO_SECRET, PTERO_AUDIENCE and PTERO_SERVERS (see the doc comment)"
        );
        return ExitCode::from(2);
    };
    let email = var("PTERO_EMAIL");
    let viewer = var("PTERO_VIEWER").unwrap_or_else(|| "customer-1".to_owned());
    let handoff = Handoff {
        site: &site,
        secret: &secret,
        audience: &audience,
        viewer: &viewer,
        servers: list(&servers),
        actions: list(&var("PTERO_ACTIONS").unwrap_or_else(|| "start stop restart".to_owned())),
        extra: email.as_deref().map(|email| ("email", email)),
        lifetime: 300,
    };
    match handoff_token(&handoff) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("{problem}");
            ExitCode::FAILURE
        }
    }
}
