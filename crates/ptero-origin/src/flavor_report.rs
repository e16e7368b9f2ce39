//! `ptero-origin check`'s report of the panel's flavour: what its answers reveal
//! (`X-Frame-Options`, `X-RateLimit-Limit`, the key's prefix; [`Flavor::detect`]) and
//! what follows for this configuration: the client API limit it respects, the cost of
//! each watched server, the websocket token budget.

use std::io::Write;

use ptero_api::flavor::{Evidence, WEBSOCKET_TOKENS_PER_MINUTE, WINGS_SOCKETS_PER_SERVER};
use ptero_api::{Flavor, KeyUse};
use reqwest::header::{ACCEPT, AUTHORIZATION};

use crate::config::Config;
use crate::panel::Panel;

/// Share of the panel's client limit the origin's polling may use before `check` warns.
const BUDGET_SHARE: f64 = 0.25;

/// What the panel's answer to the key says about it.
async fn evidence(config: &Config, panel: &Panel) -> Option<Evidence> {
    let response = panel
        .http()
        .get(config.panel.url.client_api("/account"))
        .header(ACCEPT, "application/json")
        .header(AUTHORIZATION, config.panel.client_key.bearer())
        .send()
        .await
        .ok()?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    Some(Evidence {
        frame_options_deny: header("x-frame-options")
            .is_some_and(|value| value.eq_ignore_ascii_case("deny")),
        client_rate_limit: header("x-ratelimit-limit").and_then(|value| value.parse().ok()),
        key_kind: Some(config.panel.client_key.kind()),
        ..Evidence::default()
    })
}

/// Writes the flavour lines; false when the configuration will not work with it.
pub async fn report(config: &Config, panel: &Panel, out: &mut dyn Write) -> bool {
    let Some(evidence) = evidence(config, panel).await else {
        let _ = writeln!(
            out,
            "! the panel's flavour could not be told: its answer to the key did not arrive"
        );
        return true;
    };
    let detected = Flavor::detect(&evidence);
    let flavor = detected.flavor;
    let release = detected
        .release
        .map(|release| format!(", {release}"))
        .unwrap_or_default();
    let how = match flavor {
        Flavor::Pterodactyl111 => "no X-Frame-Options header",
        Flavor::Pterodactyl112 => "X-Frame-Options: DENY",
        Flavor::Pelican => "a Pelican key",
    };
    let _ = writeln!(out, "✓ the panel is {flavor}{release} (told by {how})");
    let limit = evidence
        .client_rate_limit
        .unwrap_or(flavor.client_rate_limit());
    let poll_secs = config.stream.poll_interval.as_secs_f64().max(0.05);
    // `/resources` every interval plus the server's details every 12th poll.
    let per_server = 60.0 / poll_secs * (1.0 + 1.0 / 12.0);
    let servers = (f64::from(limit) * BUDGET_SHARE / per_server).floor();
    let mark = if servers >= 1.0 { '✓' } else { '!' };
    let _ = writeln!(
        out,
        "{mark} its client API allows {limit} requests a minute per user; polling every {poll_secs} s costs {per_server:.1} a minute per watched server, so {servers} watched servers stay within {:.0} % of it",
        BUDGET_SHARE * 100.0
    );
    let mut fine = true;
    if let Some(tokens) = flavor.websocket_tokens_per_minute() {
        let interval = config.stream.token_interval.as_secs_f64();
        let _ = writeln!(
            out,
            "✓ it hands out {tokens} websocket tokens a minute per server and Wings allows {WINGS_SOCKETS_PER_SERVER} sockets per server: the origin holds one socket per watched server and asks for a token at most every {interval} s"
        );
        if interval < 60.0 / f64::from(WEBSOCKET_TOKENS_PER_MINUTE) {
            let _ = writeln!(out, "✗ [stream] token_interval_ms is below {} ms: the origin alone would spend the panel's token budget; set it to 60000", 60_000 / WEBSOCKET_TOKENS_PER_MINUTE);
            fine = false;
        }
    }
    if let Some(application) = &config.panel.application_key {
        if let Err(error) = application.check_use(KeyUse::ApplicationApi, Some(flavor.family())) {
            let _ = writeln!(out, "! the application key: {error}");
        }
    }
    fine
}
