//! What one alert looks like to each kind of target: a Discord embed, Slack blocks, or
//! plain JSON signed with HMAC-SHA256.
//!
//! The signed webhook: the body is JSON (`id`, `kind`, `severity`, `server`, `server_name`,
//! `at`, `at_ms`, `detail`); `X-Ptero-Timestamp` is the unix second of the attempt and
//! `X-Ptero-Signature` is `sha256=` and the hex HMAC-SHA256, keyed with the target's secret,
//! of `{timestamp}.{body}`. A receiver recomputes it, compares in constant time, refuses
//! timestamps more than [`REPLAY_WINDOW_SECS`] from its clock, and remembers ids
//! (`Idempotency-Key`) for at least that long: deliveries are at-least-once.

use hmac::{Hmac, Mac as _};
use ptero_api::alerts::{AlertKind, Severity};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::config::alerts::TargetKind;
use crate::store::AlertRecord;

/// How far a receiver should accept a signed delivery's timestamp from its own clock.
pub const REPLAY_WINDOW_SECS: u64 = 300;

/// `2026-12-01T09:30:00Z` from unix milliseconds. Hand-written (days to civil date, as
/// in Howard Hinnant's algorithms): a timestamp is all the origin formats, not worth a
/// date crate.
pub fn iso8601(at_ms: u64) -> String {
    let secs = at_ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn headline(alert: &AlertRecord) -> String {
    let sentence = AlertKind::parse(&alert.kind).map_or("has an alert", AlertKind::sentence);
    format!("{} {sentence}", alert.server_name)
}

fn severity(alert: &AlertRecord) -> Severity {
    AlertKind::parse(&alert.kind).map_or(Severity::Warning, AlertKind::severity)
}

/// The body for `kind`.
pub fn body(kind: &TargetKind, id: &str, alert: &AlertRecord) -> Value {
    let at = iso8601(alert.at_ms);
    match kind {
        TargetKind::Discord => {
            let color = match severity(alert) {
                Severity::Critical => 0x00d6_4545,
                Severity::Warning => 0x00e0_a100,
                Severity::Good => 0x002f_a84f,
            };
            json!({
                "username": "ptero-origin",
                "allowed_mentions": {"parse": []},
                "embeds": [{
                    "title": headline(alert),
                    "description": alert.detail,
                    "color": color,
                    "timestamp": at,
                    "fields": [
                        {"name": "Server", "value": format!("`{}`", alert.server), "inline": true},
                        {"name": "Alert", "value": alert.kind, "inline": true},
                    ],
                    "footer": {"text": "ptero-origin"},
                }],
            })
        }
        TargetKind::Slack => {
            let mark = match severity(alert) {
                Severity::Critical => ":red_circle:",
                Severity::Warning => ":large_orange_circle:",
                Severity::Good => ":large_green_circle:",
            };
            json!({
                "text": headline(alert),
                "blocks": [
                    {"type": "header", "text": {"type": "plain_text", "text": format!("{} {}", mark, headline(alert)), "emoji": true}},
                    {"type": "section", "text": {"type": "plain_text", "text": alert.detail}},
                    {"type": "context", "elements": [
                        {"type": "mrkdwn", "text": format!("Server `{}` · {} · {at}", alert.server, alert.kind)},
                    ]},
                ],
            })
        }
        TargetKind::Webhook { .. } => json!({
            "id": id,
            "kind": alert.kind,
            "severity": match severity(alert) {
                Severity::Critical => "critical",
                Severity::Warning => "warning",
                Severity::Good => "good",
            },
            "server": alert.server,
            "server_name": alert.server_name,
            "at": at,
            "at_ms": alert.at_ms,
            "detail": alert.detail,
        }),
    }
}

/// `sha256=<hex>` of `{timestamp}.{body}` under `secret`.
pub fn signature(secret: &str, timestamp: u64, body: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256=");
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crash() -> AlertRecord {
        AlertRecord {
            kind: "crash".to_owned(),
            server: "1a7c3f02".to_owned(),
            server_name: "Survival".to_owned(),
            at_ms: 1_796_117_400_000,
            detail: "Wings detected the server process in a crashed state".to_owned(),
        }
    }

    #[test]
    fn timestamps_are_iso8601_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_796_117_400_000), "2026-12-01T09:30:00Z");
    }

    #[test]
    fn discord_gets_one_red_embed_without_mentions() {
        let body = body(&TargetKind::Discord, "id-1", &crash());
        assert_eq!(body["embeds"][0]["title"], "Survival crashed");
        assert_eq!(body["embeds"][0]["color"], 0x00d6_4545);
        assert_eq!(body["embeds"][0]["timestamp"], "2026-12-01T09:30:00Z");
        assert_eq!(body["allowed_mentions"]["parse"], json!([]));
    }

    #[test]
    fn slack_gets_blocks_and_a_text_fallback() {
        let body = body(&TargetKind::Slack, "id-1", &crash());
        assert_eq!(body["text"], "Survival crashed");
        assert_eq!(body["blocks"][0]["type"], "header");
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Python: hmac.new(b"key", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
        let signature = signature("key", 1_700_000_000, "{\"a\":1}");
        assert_eq!(
            signature,
            "sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
        assert_ne!(
            signature,
            super::signature("key", 1_700_000_001, "{\"a\":1}")
        );
        assert_ne!(
            signature,
            super::signature("other", 1_700_000_000, "{\"a\":1}")
        );
    }
}
