//! The panel's error envelope `{"errors": [{code, status, detail, meta?}]}` (status is a
//! string), both ways: [`PanelError::from_response`] reads any error answer into a typed
//! error whose `Display` says what to do, and [`ErrorEnvelope`] builds the envelope so the
//! sandbox answers exactly as the panel does.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

/// 401 detail.
pub const DETAIL_UNAUTHENTICATED: &str = "Unauthenticated.";
/// 403 detail for a `ptla_` key on the Client API.
pub const DETAIL_APPLICATION_KEY: &str =
    "You are attempting to use an application API key on an endpoint that requires a client API key.";
/// 403 detail when a subuser lacks a permission.
pub const DETAIL_UNAUTHORIZED: &str = "This action is unauthorized.";
/// 403 detail on the application API for a key whose user is not a root admin.
pub const DETAIL_NOT_ADMIN: &str = "This account does not have permission to access the API.";
/// 403 detail without `websocket.connect`.
pub const DETAIL_WEBSOCKET_FORBIDDEN: &str =
    "You do not have permission to connect to this server's websocket.";
/// 404 detail for an unknown resource.
pub const DETAIL_NOT_FOUND: &str = "The requested resource could not be found on the server.";
/// 404 detail for a server the key's user cannot see.
pub const DETAIL_NOT_VISIBLE: &str = "The requested resource does not exist on this server.";
/// 429 detail.
pub const DETAIL_THROTTLED: &str = "Too Many Attempts.";
/// 504 detail when Wings is unreachable.
pub const DETAIL_DAEMON_UNREACHABLE: &str =
    "Could not establish a connection to the machine running this server. Please try again.";
/// 502 detail for a command to an offline server.
pub const DETAIL_SERVER_OFFLINE: &str = "Server must be online in order to send commands.";
/// 500 detail.
pub const DETAIL_UNEXPECTED: &str =
    "An unexpected error was encountered while processing this request, please try again.";

/// `{"errors": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub errors: Vec<ErrorEntry>,
}

/// One entry of `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// The PHP exception's short class name, e.g. `AuthenticationException`.
    #[serde(default)]
    pub code: String,
    /// The HTTP status as a **string** (`"403"`); a number is accepted when reading.
    #[serde(default, deserialize_with = "string_or_number")]
    pub status: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ErrorMeta>,
}

/// `meta` of an entry: 422 entries name the field and the failed rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(u64),
        Null(()),
    }
    Ok(match Raw::deserialize(deserializer)? {
        Raw::Text(text) => text,
        Raw::Number(number) => number.to_string(),
        Raw::Null(()) => String::new(),
    })
}

/// A 422 failure for one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The request field, e.g. `signal` or `allowed_ips.0`.
    pub source_field: String,
    /// The Laravel rule that failed, e.g. `required` or `in`.
    pub rule: String,
    /// The panel's sentence, e.g. "The selected signal is invalid.".
    pub detail: String,
}

impl FieldError {
    pub fn new(
        source_field: impl Into<String>,
        rule: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            source_field: source_field.into(),
            rule: rule.into(),
            detail: detail.into(),
        }
    }
}

impl ErrorEnvelope {
    /// One entry, as the panel's exception handler writes it.
    pub fn single(code: impl Into<String>, status: u16, detail: impl Into<String>) -> Self {
        Self {
            errors: vec![ErrorEntry {
                code: code.into(),
                status: status.to_string(),
                detail: detail.into(),
                meta: None,
            }],
        }
    }

    /// A 422 `ValidationException`: one entry per field failure, each with
    /// `meta.source_field` and `meta.rule`.
    pub fn validation(fields: impl IntoIterator<Item = FieldError>) -> Self {
        Self {
            errors: fields
                .into_iter()
                .map(|field| ErrorEntry {
                    code: "ValidationException".to_owned(),
                    status: "422".to_owned(),
                    detail: field.detail,
                    meta: Some(ErrorMeta {
                        source_field: Some(field.source_field),
                        rule: Some(field.rule),
                    }),
                })
                .collect(),
        }
    }

    /// 401 for a missing, wrong or deleted key.
    pub fn unauthenticated() -> Self {
        Self::single("AuthenticationException", 401, DETAIL_UNAUTHENTICATED)
    }

    /// 403 for an application key on the Client API.
    pub fn application_key_on_client_api() -> Self {
        Self::single("AccessDeniedHttpException", 403, DETAIL_APPLICATION_KEY)
    }

    /// 403 for a request from outside the key's IP allow-list.
    pub fn ip_not_allowed(ip: &str) -> Self {
        Self::single(
            "AccessDeniedHttpException",
            403,
            format!(
                "This IP address ({ip}) does not have permission to access the API using these credentials."
            ),
        )
    }

    /// 403 for a missing subuser permission.
    pub fn unauthorized() -> Self {
        Self::single("AccessDeniedHttpException", 403, DETAIL_UNAUTHORIZED)
    }

    /// 403 on `/websocket` without `websocket.connect`.
    pub fn websocket_forbidden() -> Self {
        Self::single("HttpForbiddenException", 403, DETAIL_WEBSOCKET_FORBIDDEN)
    }

    /// 404 for an unknown resource.
    pub fn not_found() -> Self {
        Self::single("NotFoundHttpException", 404, DETAIL_NOT_FOUND)
    }

    /// 409 `ServerStateConflictException` with the panel's sentence for `reason`.
    pub fn conflict(reason: &ConflictReason) -> Self {
        Self::single("ServerStateConflictException", 409, reason.panel_detail())
    }

    /// 429.
    pub fn throttled() -> Self {
        Self::single("ThrottleRequestsException", 429, DETAIL_THROTTLED)
    }

    /// 504 when Wings cannot be reached.
    pub fn daemon_unreachable() -> Self {
        Self::single("DaemonConnectionException", 504, DETAIL_DAEMON_UNREACHABLE)
    }

    /// 502 for a command sent to an offline server.
    pub fn server_offline() -> Self {
        Self::single("HttpException", 502, DETAIL_SERVER_OFFLINE)
    }

    /// 500 for anything unexpected.
    pub fn unexpected() -> Self {
        Self::single("HttpException", 500, DETAIL_UNEXPECTED)
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        // Serialising plain strings into JSON cannot fail; fall back to a fixed body anyway.
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"errors":[]}"#.to_owned())
    }

    /// The HTTP status of the first entry, when it is a number.
    pub fn status(&self) -> Option<u16> {
        self.errors
            .first()
            .and_then(|entry| entry.status.parse().ok())
    }
}

/// Why a server refused an action with 409.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictReason {
    Suspended,
    Installing,
    Transferring,
    Restoring,
    /// The server's node is under maintenance.
    Maintenance,
    /// Another 409 sentence, kept verbatim.
    Other(String),
}

impl ConflictReason {
    /// Reads the panel's `ServerStateConflictException` sentence.
    pub fn from_detail(detail: &str) -> Self {
        let lower = detail.to_ascii_lowercase();
        if lower.contains("suspended") {
            ConflictReason::Suspended
        } else if lower.contains("maintenance") {
            ConflictReason::Maintenance
        } else if lower.contains("installation") || lower.contains("install") {
            ConflictReason::Installing
        } else if lower.contains("restoring") || lower.contains("backup") {
            ConflictReason::Restoring
        } else if lower.contains("transfer") {
            ConflictReason::Transferring
        } else {
            ConflictReason::Other(detail.to_owned())
        }
    }

    /// The sentence the panel writes for this reason.
    pub fn panel_detail(&self) -> &str {
        match self {
            ConflictReason::Suspended => {
                "This server is currently suspended and the functionality requested is unavailable."
            }
            ConflictReason::Maintenance => {
                "The node of this server is currently under maintenance and the functionality requested is unavailable."
            }
            ConflictReason::Installing => {
                "This server has not yet completed its installation process, please try again later."
            }
            ConflictReason::Restoring => {
                "This server is currently restoring from a backup, please try again later."
            }
            ConflictReason::Transferring => {
                "This server is currently being transferred to a new machine, please try again later."
            }
            ConflictReason::Other(detail) => detail,
        }
    }
}

impl fmt::Display for ConflictReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConflictReason::Suspended => f.write_str(
                "the server is suspended: power and console stay unavailable until the host unsuspends it",
            ),
            ConflictReason::Installing => f.write_str(
                "the server is still installing (or its installation failed): wait for it to finish, or ask the host to reinstall it",
            ),
            ConflictReason::Transferring => f.write_str(
                "the server is being moved to another machine: try again when the transfer is over",
            ),
            ConflictReason::Restoring => f.write_str(
                "the server is restoring a backup: try again when the restore is over",
            ),
            ConflictReason::Maintenance => f.write_str(
                "the server's node is under maintenance: try again later or ask the host when it ends",
            ),
            ConflictReason::Other(detail) => write!(
                f,
                "the server cannot do this in its current state ({detail}): try again later"
            ),
        }
    }
}

/// Why the panel answered 403.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForbiddenReason {
    /// A `ptla_` key on the Client API.
    ApplicationKeyOnClientApi,
    /// The key has an IP allow-list that does not include the caller.
    IpNotAllowed { ip: Option<String> },
    /// The application API needs a root administrator's key.
    NotAdmin,
    /// The user lacks a permission on this server (subuser).
    MissingPermission { detail: String },
    /// Another 403 sentence, kept verbatim.
    Other(String),
}

impl ForbiddenReason {
    /// Reads a 403 detail sentence.
    pub fn from_detail(detail: &str) -> Self {
        let lower = detail.to_ascii_lowercase();
        if lower.contains("application api key") {
            ForbiddenReason::ApplicationKeyOnClientApi
        } else if lower.contains("ip address") {
            let ip = detail
                .split_once('(')
                .and_then(|(_, rest)| rest.split_once(')'))
                .map(|(ip, _)| ip.trim().to_owned())
                .filter(|ip| !ip.is_empty());
            ForbiddenReason::IpNotAllowed { ip }
        } else if detail == DETAIL_NOT_ADMIN {
            ForbiddenReason::NotAdmin
        } else if detail == DETAIL_UNAUTHORIZED || lower.contains("do not have permission") {
            ForbiddenReason::MissingPermission {
                detail: detail.to_owned(),
            }
        } else {
            ForbiddenReason::Other(detail.to_owned())
        }
    }
}

impl fmt::Display for ForbiddenReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForbiddenReason::ApplicationKeyOnClientApi => f.write_str(
                "this is an application key; the client API needs a ptlc_ client key: create one under Account → API Credentials in the panel",
            ),
            ForbiddenReason::IpNotAllowed { ip: Some(ip) } => write!(
                f,
                "the key only works from certain IP addresses and this request came from {ip}: add that address to the key's allowed IPs, or use a key without an IP restriction"
            ),
            ForbiddenReason::IpNotAllowed { ip: None } => f.write_str(
                "the key only works from certain IP addresses and this request came from another one: add this address to the key's allowed IPs, or use a key without an IP restriction",
            ),
            ForbiddenReason::NotAdmin => f.write_str(
                "the key's account is not a panel administrator, so the application API refuses it: use a key created by a root administrator",
            ),
            ForbiddenReason::MissingPermission { detail } => write!(
                f,
                "the panel refused this action because the account lacks the permission for it ({detail}): ask the server owner to grant it"
            ),
            ForbiddenReason::Other(detail) if detail.is_empty() => f.write_str(
                "the panel refused access: check the key's permissions and allowed IPs",
            ),
            ForbiddenReason::Other(detail) => write!(
                f,
                "the panel refused access ({detail}): check the key's permissions and allowed IPs"
            ),
        }
    }
}

/// An error answer from the panel, by what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelError {
    /// 401: the key is wrong, deleted or expired.
    Unauthenticated,
    /// 403.
    Forbidden(ForbiddenReason),
    /// 404: no such server, or not visible to the key's user.
    NotFound,
    /// 409: the server's state blocks the action.
    Conflict { reason: ConflictReason },
    /// 422: one entry per failing field.
    Validation { errors: Vec<FieldError> },
    /// Too many requests (429). `retry_after` is `None` when the header was absent or
    /// unreadable, as it is for a cross-origin browser.
    RateLimited { retry_after: Option<u64> },
    /// Too many of one action (429 with the panel's own sentence, not the request rate):
    /// backups ("Only 2 backups may be generated within a 600 second span of time."),
    /// which people must see as such.
    Throttled {
        detail: String,
        retry_after: Option<u64>,
    },
    /// Wings is unreachable (504) or refused the request (`DaemonConnectionException`).
    Daemon { status: u16, detail: String },
    /// 502: the server is offline (a command needs it running).
    Offline,
    /// 400: the panel requires two-factor authentication for this account.
    TwoFactorRequired,
    /// 400 with the panel's own sentence (`DisplayException` and its kind): a limit
    /// reached ("You have reached the account limit for number of API keys."), a rule
    /// of the panel ("You cannot delete the primary allocation for this server."). The
    /// sentence is the explanation.
    Refused { detail: String },
    /// 3xx: the panel redirected to its login page, as it does for a request without
    /// `Accept: application/json`.
    LoginRedirect,
    /// A web page instead of JSON: a wrong URL, or a firewall or proxy in front of the
    /// panel.
    NotApi { status: u16 },
    /// 502/503/504 from the web server in front of the panel (not the panel's JSON).
    Unavailable { status: u16 },
    /// Anything else, with the panel's sentence when it sent one.
    Other { status: u16, detail: String },
}

/// What a body said, whatever its shape.
struct BodyDigest {
    json: bool,
    html: bool,
    code: String,
    detail: String,
    fields: Vec<FieldError>,
}

fn digest(body: &str) -> BodyDigest {
    let trimmed = body.trim();
    let mut digest = BodyDigest {
        json: false,
        html: false,
        code: String::new(),
        detail: String::new(),
        fields: Vec::new(),
    };
    if let Ok(envelope) = serde_json::from_str::<ErrorEnvelope>(trimmed) {
        digest.json = true;
        if let Some(first) = envelope.errors.first() {
            digest.code = first.code.clone();
            digest.detail = first.detail.clone();
        }
        digest.fields = envelope
            .errors
            .into_iter()
            .map(|entry| {
                let meta = entry.meta.unwrap_or_default();
                FieldError {
                    source_field: meta.source_field.unwrap_or_default(),
                    rule: meta.rule.unwrap_or_default(),
                    detail: entry.detail,
                }
            })
            .collect();
        return digest;
    }
    // Old panels and Wings: `{"error": "..."}`; Laravel's own JSON: `{"message": "..."}`.
    // Raw JSON, not `serde_json::Value`: the generic value's parser is ~5 KB brotli of
    // the app's bundle.
    #[derive(Deserialize)]
    struct Loose {
        #[serde(default)]
        error: Option<Box<RawValue>>,
        #[serde(default)]
        message: Option<Box<RawValue>>,
    }
    if let Ok(loose) = serde_json::from_str::<Loose>(trimmed) {
        digest.json = true;
        let text = |value: Option<Box<RawValue>>| {
            let raw = value?;
            match raw.get() {
                "null" => None,
                quoted if quoted.starts_with('"') => serde_json::from_str(quoted).ok(),
                other => Some(other.to_owned()),
            }
        };
        digest.detail = text(loose.error)
            .or_else(|| text(loose.message))
            .unwrap_or_default();
        return digest;
    }
    digest.html = looks_like_html(trimmed);
    if !digest.html {
        digest.detail = shorten(trimmed, 200);
    }
    digest
}

fn looks_like_html(body: &str) -> bool {
    let head: String = body
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with('<') || head.contains("<html") || head.contains("<!doctype")
}

/// At most `max` characters, cut on a character boundary.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}

impl PanelError {
    /// Reads an error answer: any status, any body (the `errors[]` envelope, the old
    /// `{"error": ...}`, HTML, plain text or nothing). Never panics.
    pub fn from_response(status: u16, body: &str, retry_after: Option<u64>) -> Self {
        let body = digest(body);
        if body.code == "DaemonConnectionException" {
            return PanelError::Daemon {
                status,
                detail: body.detail,
            };
        }
        if body.code == "TwoFactorAuthRequiredException" {
            return PanelError::TwoFactorRequired;
        }
        match status {
            300..=399 => PanelError::LoginRedirect,
            400 if body.json && !body.detail.is_empty() => PanelError::Refused {
                detail: body.detail,
            },
            401 => PanelError::Unauthenticated,
            429 if !body.detail.is_empty() && body.detail != DETAIL_THROTTLED => {
                PanelError::Throttled {
                    detail: body.detail,
                    retry_after,
                }
            }
            429 => PanelError::RateLimited { retry_after },
            // Not the panel's JSON: nginx or a tunnel in front of it.
            502..=504 if !body.json => PanelError::Unavailable { status },
            400..=499 if body.html => PanelError::NotApi { status },
            403 => PanelError::Forbidden(ForbiddenReason::from_detail(&body.detail)),
            404 => PanelError::NotFound,
            409 => PanelError::Conflict {
                reason: ConflictReason::from_detail(&body.detail),
            },
            422 => {
                let mut errors = body.fields;
                if errors.is_empty() && !body.detail.is_empty() {
                    errors.push(FieldError::new("", "", body.detail));
                }
                PanelError::Validation { errors }
            }
            502 => PanelError::Offline,
            504 => PanelError::Daemon {
                status,
                detail: body.detail,
            },
            503 => PanelError::Unavailable { status },
            _ => PanelError::Other {
                status,
                detail: body.detail,
            },
        }
    }

    /// Whether the same request may succeed later without the user changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            PanelError::RateLimited { .. }
            | PanelError::Throttled { .. }
            | PanelError::Unavailable { .. } => true,
            PanelError::Daemon { status, .. } => *status >= 500,
            PanelError::Conflict { reason } => !matches!(reason, ConflictReason::Suspended),
            PanelError::Other { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Whether the key itself is the problem (wrong, deleted, wrong kind, wrong IP).
    pub fn is_key_problem(&self) -> bool {
        matches!(
            self,
            PanelError::Unauthenticated
                | PanelError::Forbidden(
                    ForbiddenReason::ApplicationKeyOnClientApi
                        | ForbiddenReason::IpNotAllowed { .. }
                        | ForbiddenReason::NotAdmin
                )
        )
    }
}

impl fmt::Display for PanelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PanelError::Unauthenticated => f.write_str(
                "the panel rejected the key: check it was copied whole and not deleted or expired",
            ),
            PanelError::Forbidden(reason) => reason.fmt(f),
            PanelError::NotFound => f.write_str(
                "the panel knows no such server for this key: check the server identifier, and that the key's account owns the server or is a subuser of it",
            ),
            PanelError::Conflict { reason } => reason.fmt(f),
            PanelError::Validation { errors } => {
                f.write_str("the panel refused the request: ")?;
                if errors.is_empty() {
                    return f.write_str("a field is invalid; check the values and try again");
                }
                for (index, error) in errors.iter().enumerate() {
                    if index > 0 {
                        f.write_str("; ")?;
                    }
                    if error.source_field.is_empty() {
                        write!(f, "{}", error.detail)?;
                    } else {
                        write!(f, "{}: {}", error.source_field, error.detail)?;
                    }
                }
                Ok(())
            }
            PanelError::RateLimited {
                retry_after: Some(seconds),
            } => write!(
                f,
                "the panel is limiting how fast requests arrive: wait {seconds} seconds and try again"
            ),
            PanelError::RateLimited { retry_after: None } => f.write_str(
                "the panel is limiting how fast requests arrive: wait a minute and try again",
            ),
            PanelError::Throttled {
                detail,
                retry_after: Some(seconds),
            } => write!(
                f,
                "the panel limits how often this can be done: {detail} Try again in {seconds} seconds"
            ),
            PanelError::Throttled {
                detail,
                retry_after: None,
            } => write!(
                f,
                "the panel limits how often this can be done: {detail} Try again later"
            ),
            PanelError::Daemon { status: 504, .. } => f.write_str(
                "the panel could not reach the machine running this server (Wings): try again in a minute; if it persists, tell the host the node is down",
            ),
            PanelError::Daemon { status, detail } => write!(
                f,
                "the machine running this server (Wings) refused the request with {status} ({detail}): check the request, or tell the host if it persists"
            ),
            PanelError::Offline => {
                f.write_str("the server is offline: start it before sending commands")
            }
            PanelError::Refused { detail } => write!(f, "the panel refused: {detail}"),
            PanelError::TwoFactorRequired => f.write_str(
                "the panel requires two-factor authentication for this account: turn it on in the panel's account settings, then try again",
            ),
            PanelError::LoginRedirect => f.write_str(
                "the panel redirected to its login page instead of answering: the request must send Accept: application/json, and the key may be wrong",
            ),
            PanelError::NotApi { status } => write!(
                f,
                "the panel answered {status} with a web page instead of JSON: check the panel URL is the panel's own address, and that no firewall or proxy (such as Cloudflare) blocks API requests"
            ),
            PanelError::Unavailable { status } => write!(
                f,
                "the web server in front of the panel answered {status}: the panel is down or restarting; try again in a few minutes"
            ),
            PanelError::Other { status, detail } if detail.is_empty() => write!(
                f,
                "the panel answered {status} without an explanation: try again, and tell the panel's administrator if it persists"
            ),
            PanelError::Other { status, detail } => write!(
                f,
                "the panel answered {status} ({detail}): try again, and tell the panel's administrator if it persists"
            ),
        }
    }
}

impl std::error::Error for PanelError {}
