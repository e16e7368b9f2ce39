//! The Client API routes the app calls, each a method and a path pattern: the origin's
//! pass-through (`/panel/api/client/…`) forwards exactly these and nothing else.
//!
//! [`resolve`] reads the path still percent-encoded, as it arrived, decodes each segment
//! once and accepts only segments made of `A-Z a-z 0-9 - _`: a dot segment, an empty
//! segment, a decoded `/`, `\`, `?`, `#` or `%` (double encoding), a control character or
//! bytes that are not UTF-8 (overlong forms included) are refused with the segment's
//! number. A segment that passes can mean only itself, so the path it builds is the one
//! the panel will see: the decision is made on the final path, not on the input string.
//! One placeholder is wider: `{fingerprint}` (an SSH key's SHA-256, base64) takes exactly
//! 43 base64 characters, which may decode to `+` and `/`; the path sent has them
//! percent-encoded again, so it still has one segment there.

use std::fmt;

use crate::identifier::ServerId;

/// What a route answers when it succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `application/json` (or no body).
    Json,
    /// A file's raw contents (`files/contents`): passed on as `text/plain`, never as
    /// anything a browser would render.
    Text,
}

/// One forwarded route. `pattern` is relative to `/api/client`, segments separated by
/// `/`; `{server}` is a server identifier, `{uuid}` a UUID, `{int}` a decimal id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientRoute {
    pub method: &'static str,
    pub pattern: &'static str,
    pub answer: Answer,
}

const fn route(method: &'static str, pattern: &'static str) -> ClientRoute {
    ClientRoute {
        method,
        pattern,
        answer: Answer::Json,
    }
}

/// Every route the app uses (`src/api/client.rs`), and so every route forwarded.
pub const ROUTES: &[ClientRoute] = &[
    route("GET", ""),
    route("GET", "account"),
    route("GET", "servers/{server}"),
    route("GET", "servers/{server}/resources"),
    route("GET", "servers/{server}/websocket"),
    route("POST", "servers/{server}/power"),
    route("POST", "servers/{server}/command"),
    route("GET", "servers/{server}/files/list"),
    ClientRoute {
        method: "GET",
        pattern: "servers/{server}/files/contents",
        answer: Answer::Text,
    },
    route("GET", "servers/{server}/files/download"),
    route("GET", "servers/{server}/files/upload"),
    route("PUT", "servers/{server}/files/rename"),
    route("POST", "servers/{server}/files/copy"),
    // The file's text as the body (`Content-Type: text/plain`), passed on as it came.
    route("POST", "servers/{server}/files/write"),
    route("POST", "servers/{server}/files/compress"),
    route("POST", "servers/{server}/files/decompress"),
    route("POST", "servers/{server}/files/delete"),
    route("POST", "servers/{server}/files/create-folder"),
    route("POST", "servers/{server}/files/chmod"),
    route("POST", "servers/{server}/files/pull"),
    route("GET", "servers/{server}/backups"),
    route("POST", "servers/{server}/backups"),
    route("GET", "servers/{server}/backups/{uuid}"),
    route("DELETE", "servers/{server}/backups/{uuid}"),
    route("GET", "servers/{server}/backups/{uuid}/download"),
    route("POST", "servers/{server}/backups/{uuid}/lock"),
    route("POST", "servers/{server}/backups/{uuid}/restore"),
    route("GET", "servers/{server}/startup"),
    route("PUT", "servers/{server}/startup/variable"),
    route("POST", "servers/{server}/settings/rename"),
    // Pelican's: its rename takes only the name.
    route("POST", "servers/{server}/settings/description"),
    route("POST", "servers/{server}/settings/reinstall"),
    route("PUT", "servers/{server}/settings/docker-image"),
    // The management screens (issue 18): schedules, databases, subusers, network,
    // activity, and the account's own keys and credentials.
    route("GET", "permissions"),
    route("GET", "servers/{server}/schedules"),
    route("POST", "servers/{server}/schedules"),
    route("GET", "servers/{server}/schedules/{int}"),
    route("POST", "servers/{server}/schedules/{int}"),
    route("DELETE", "servers/{server}/schedules/{int}"),
    route("POST", "servers/{server}/schedules/{int}/execute"),
    route("POST", "servers/{server}/schedules/{int}/tasks"),
    route("POST", "servers/{server}/schedules/{int}/tasks/{int}"),
    route("DELETE", "servers/{server}/schedules/{int}/tasks/{int}"),
    route("GET", "servers/{server}/databases"),
    route("POST", "servers/{server}/databases"),
    route(
        "POST",
        "servers/{server}/databases/{hashid}/rotate-password",
    ),
    route("DELETE", "servers/{server}/databases/{hashid}"),
    route("GET", "servers/{server}/users"),
    route("POST", "servers/{server}/users"),
    route("GET", "servers/{server}/users/{uuid}"),
    route("POST", "servers/{server}/users/{uuid}"),
    route("DELETE", "servers/{server}/users/{uuid}"),
    route("GET", "servers/{server}/network/allocations"),
    route("POST", "servers/{server}/network/allocations"),
    route("POST", "servers/{server}/network/allocations/{int}"),
    route("POST", "servers/{server}/network/allocations/{int}/primary"),
    route("DELETE", "servers/{server}/network/allocations/{int}"),
    route("GET", "servers/{server}/activity"),
    route("GET", "account/activity"),
    route("GET", "account/api-keys"),
    route("POST", "account/api-keys"),
    route("DELETE", "account/api-keys/{key}"),
    route("GET", "account/ssh-keys"),
    route("POST", "account/ssh-keys"),
    route("POST", "account/ssh-keys/remove"),
    // Pelican's removal names the key by its SHA-256 fingerprint, base64: the one segment
    // that may decode to `+`, `/` or `=` (re-encoded in the path sent, see `fill`).
    route("DELETE", "account/ssh-keys/{fingerprint}"),
    route("GET", "account/two-factor"),
    route("PUT", "account/email"),
    route("PUT", "account/password"),
];

/// The longest segment accepted (a UUID is 36).
const MAX_SEGMENT: usize = 64;

/// Why one path segment is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentProblem {
    /// `//` or a trailing `/`.
    Empty,
    /// `.` or `..`, however encoded.
    DotSegment,
    /// `%` not followed by two hex digits.
    BadEscape,
    /// The decoded bytes are not UTF-8 (an overlong form such as `%c0%ae` included).
    NotUtf8,
    /// A decoded character that no route segment contains (`/`, `\`, `%`, `?`, …).
    Character(char),
    TooLong,
}

impl fmt::Display for SegmentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentProblem::Empty => f.write_str("it is empty"),
            SegmentProblem::DotSegment => f.write_str("it is a dot segment (. or ..)"),
            SegmentProblem::BadEscape => f.write_str("it has a % not followed by two hex digits"),
            SegmentProblem::NotUtf8 => f.write_str("its decoded bytes are not UTF-8"),
            SegmentProblem::Character(found) => {
                write!(f, "it contains {found:?}, which no Client API route has")
            }
            SegmentProblem::TooLong => write!(f, "it is longer than {MAX_SEGMENT} characters"),
        }
    }
}

/// Why a request is not forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// Segment `index` (from 1) of the path after `/api/client/` is refused.
    Segment {
        index: usize,
        problem: SegmentProblem,
    },
    /// The path is fine but no forwarded route has it.
    NotForwarded,
    /// The path is forwarded, for these methods only.
    Method { allowed: Vec<&'static str> },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::Segment { index, problem } => write!(
                f,
                "segment {index} of the path after /panel/api/client/ is refused: {problem}"
            ),
            RouteError::NotForwarded => f.write_str(
                "the origin's pass-through forwards only the Client API routes the app uses, and this is not one of them",
            ),
            RouteError::Method { allowed } => write!(
                f,
                "the pass-through forwards this path with {} only",
                allowed.join(" or ")
            ),
        }
    }
}

impl std::error::Error for RouteError {}

/// A request that may be forwarded: its route and the path to send, relative to
/// `/api/client` (`""` or `/servers/1a2b3c4d/resources`), made only of safe characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub route: &'static ClientRoute,
    pub path: String,
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// One segment, percent-decoded once: its text, and the character that keeps it from
/// being a plain segment, if one does (only `{fingerprint}` takes such a segment).
struct Segment {
    text: String,
    unusual: Option<char>,
}

/// One segment, percent-decoded once and checked. Hand-written: the workspace's only
/// percent-decoder (`percent-encoding`) is not a dependency of this pure crate, and the
/// checks below are the point.
fn segment(raw: &str) -> Result<Segment, SegmentProblem> {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let high = bytes.get(index + 1).copied().and_then(hex);
            let low = bytes.get(index + 2).copied().and_then(hex);
            let (Some(high), Some(low)) = (high, low) else {
                return Err(SegmentProblem::BadEscape);
            };
            decoded.push(high * 16 + low);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    let text = String::from_utf8(decoded).map_err(|_| SegmentProblem::NotUtf8)?;
    if text.is_empty() {
        return Err(SegmentProblem::Empty);
    }
    if text == "." || text == ".." {
        return Err(SegmentProblem::DotSegment);
    }
    if text.len() > MAX_SEGMENT {
        return Err(SegmentProblem::TooLong);
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let base64 = |c: char| matches!(c, '+' | '/' | '=');
    if let Some(found) = text.chars().find(|c| !plain(*c) && !base64(*c)) {
        return Err(SegmentProblem::Character(found));
    }
    let unusual = text.chars().find(|c| base64(*c));
    Ok(Segment { text, unusual })
}

/// An SSH key's SHA-256 fingerprint as the panel names it: 43 characters of standard
/// base64 (no padding), in the path with `+` and `/` percent-encoded.
fn fingerprint(text: &str) -> Option<String> {
    let plain = text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    plain.then(|| text.replace('+', "%2B").replace('/', "%2F"))
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(at, c)| match at {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// An API key's identifier: 16 characters, a known prefix (`ptlc_`, Pelican's `pacc_`)
/// and letters and digits, or a legacy key's 16 letters and digits.
fn is_key_identifier(text: &str) -> bool {
    let body = ["ptlc_", "pacc_"]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(text);
    text.len() == crate::key::IDENTIFIER_LENGTH && body.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The canonical form of `segment` when it fills `placeholder` (or equals the literal).
fn fill(placeholder: &str, segment: &Segment) -> Option<String> {
    if placeholder == "{fingerprint}" {
        return fingerprint(&segment.text);
    }
    if segment.unusual.is_some() {
        return None;
    }
    let segment = segment.text.as_str();
    match placeholder {
        "{server}" => match ServerId::parse(segment) {
            Ok(id) => Some(id.to_string()),
            Err(_) => None,
        },
        "{uuid}" => is_uuid(segment).then(|| segment.to_ascii_lowercase()),
        "{hashid}" => (segment.len() <= 32 && segment.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| segment.to_owned()),
        "{key}" => is_key_identifier(segment).then(|| segment.to_owned()),
        "{int}" => (segment.len() <= 19
            && segment.bytes().all(|b| b.is_ascii_digit())
            && (segment == "0" || !segment.starts_with('0')))
        .then(|| segment.to_owned()),
        literal => (literal == segment).then(|| segment.to_owned()),
    }
}

fn matches(pattern: &str, segments: &[Segment]) -> Option<String> {
    let parts: Vec<&str> = if pattern.is_empty() {
        Vec::new()
    } else {
        pattern.split('/').collect()
    };
    if parts.len() != segments.len() {
        return None;
    }
    let mut path = String::new();
    for (part, segment) in parts.iter().zip(segments) {
        path.push('/');
        path.push_str(&fill(part, segment)?);
    }
    Some(path)
}

/// Decides whether `method` on `raw_path` (what follows `/api/client` in the request
/// target, still percent-encoded, without the query) is forwarded, and to which path.
pub fn resolve(method: &str, raw_path: &str) -> Result<Resolved, RouteError> {
    let segments = match raw_path {
        "" | "/" => Vec::new(),
        rest => {
            let Some(rest) = rest.strip_prefix('/') else {
                return Err(RouteError::NotForwarded);
            };
            let mut segments = Vec::new();
            for (index, raw) in rest.split('/').enumerate() {
                segments.push(segment(raw).map_err(|problem| RouteError::Segment {
                    index: index + 1,
                    problem,
                })?);
            }
            segments
        }
    };
    let mut allowed = Vec::new();
    for route in ROUTES {
        if let Some(path) = matches(route.pattern, &segments) {
            if route.method == method {
                return Ok(Resolved { route, path });
            }
            allowed.push(route.method);
        }
    }
    if allowed.is_empty() {
        // A `+`, `/` or `=` only a fingerprint may have, where no fingerprint fits.
        if let Some((index, found)) = segments
            .iter()
            .enumerate()
            .find_map(|(index, s)| Some((index, s.unusual?)))
        {
            return Err(RouteError::Segment {
                index: index + 1,
                problem: SegmentProblem::Character(found),
            });
        }
        Err(RouteError::NotForwarded)
    } else {
        Err(RouteError::Method { allowed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_routes_resolve_to_themselves() {
        let resolved = resolve("GET", "/servers/1A7C3F02/resources").expect("forwarded");
        assert_eq!(resolved.path, "/servers/1a7c3f02/resources");
        assert_eq!(resolve("GET", "").expect("root").path, "");
        assert_eq!(resolve("GET", "/").expect("root").path, "");
        assert_eq!(
            resolve("GET", "/servers/1a7c3f02/files/contents")
                .expect("forwarded")
                .route
                .answer,
            Answer::Text
        );
    }

    #[test]
    fn management_routes_take_only_their_own_kind_of_id() {
        let resolved = resolve("POST", "/servers/1a7c3f02/schedules/12/tasks/3").expect("task");
        assert_eq!(resolved.path, "/servers/1a7c3f02/schedules/12/tasks/3");
        assert!(resolve(
            "POST",
            "/servers/1a7c3f02/databases/Lk0Qa9rn/rotate-password"
        )
        .is_ok());
        assert_eq!(
            resolve("DELETE", "/servers/1a7c3f02/databases/Lk0Qa9rn-x"),
            Err(RouteError::NotForwarded)
        );
        assert!(resolve("DELETE", "/account/api-keys/ptlc_Ab3dE6gH9jK").is_ok());
        for not_key in ["ptlc_short", "ptla_Ab3dE6gH9jK", "ptlc_Ab3dE6gH9j_"] {
            assert_eq!(
                resolve("DELETE", &format!("/account/api-keys/{not_key}")),
                Err(RouteError::NotForwarded),
                "{not_key}"
            );
        }
        assert_eq!(
            resolve("DELETE", "/servers/1a7c3f02/schedules/01"),
            Err(RouteError::NotForwarded),
            "ids have one spelling"
        );
        assert!(resolve("PUT", "/account/password").is_ok());
        assert_eq!(
            resolve("GET", "/account/password"),
            Err(RouteError::Method {
                allowed: vec!["PUT"]
            })
        );
    }

    #[test]
    fn backups_are_named_by_uuid_only() {
        let uuid = "904DF120-A66A-4AAB-AE2F-2BA64EF0E7FC";
        let resolved = resolve("POST", &format!("/servers/1a7c3f02/backups/{uuid}/restore"))
            .expect("forwarded");
        assert_eq!(
            resolved.path,
            "/servers/1a7c3f02/backups/904df120-a66a-4aab-ae2f-2ba64ef0e7fc/restore"
        );
        for not_uuid in ["1", "904df120", "904df120-a66a-4aab-ae2f-2ba64ef0e7fz"] {
            assert_eq!(
                resolve("DELETE", &format!("/servers/1a7c3f02/backups/{not_uuid}")),
                Err(RouteError::NotForwarded),
                "{not_uuid}"
            );
        }
        assert_eq!(
            resolve("DELETE", "/servers/1a7c3f02/backups"),
            Err(RouteError::Method {
                allowed: vec!["GET", "POST"]
            })
        );
    }

    #[test]
    fn encoded_dots_slashes_and_overlong_forms_are_refused() {
        for (raw, problem) in [
            ("/%2e%2e/%2e%2e/__sandbox/nodes", SegmentProblem::DotSegment),
            ("/%252e%252e/x", SegmentProblem::Character('%')),
            ("/.%2e/x", SegmentProblem::DotSegment),
            ("/..%5C..%5C__sandbox", SegmentProblem::Character('.')),
            ("/servers%2f1a7c3f02", SegmentProblem::Character('/')),
            ("/servers%3f/x", SegmentProblem::Character('?')),
            ("/servers%23/x", SegmentProblem::Character('#')),
            ("/%c0%ae%c0%ae/x", SegmentProblem::NotUtf8),
            ("/servers//x", SegmentProblem::Empty),
            ("/servers/", SegmentProblem::Empty),
            ("/servers%zz", SegmentProblem::BadEscape),
        ] {
            match resolve("GET", raw) {
                Err(RouteError::Segment { problem: found, .. }) => {
                    assert_eq!(found, problem, "{raw}")
                }
                other => panic!("{raw} was not refused by segment: {other:?}"),
            }
        }
    }

    #[test]
    fn an_ssh_key_fingerprint_is_one_segment_in_the_path_sent() {
        // 43 base64 characters, as the panel (and the sandbox) names a key.
        let fingerprint = "nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8";
        let with_slash = "nThbg6kXUpJWGl7E1IGOCspRomTxdC+RLviKw6E5S/8";
        let resolved =
            resolve("DELETE", &format!("/account/ssh-keys/{fingerprint}")).expect("forwarded");
        assert_eq!(resolved.path, format!("/account/ssh-keys/{fingerprint}"));
        let encoded = with_slash.replace('+', "%2B").replace('/', "%2F");
        let resolved =
            resolve("DELETE", &format!("/account/ssh-keys/{encoded}")).expect("forwarded");
        assert_eq!(resolved.path, format!("/account/ssh-keys/{encoded}"));
        assert_eq!(
            resolved.path.matches('/').count(),
            3,
            "one segment for the key"
        );
        // A `/` anywhere else, or a fingerprint of another length or alphabet: refused.
        for (raw, index, problem) in [
            (
                "/account/ssh-keys/%2F..%2F..%2Fsecret",
                3,
                SegmentProblem::Character('.'),
            ),
            (
                "/account/ssh-keys/abc%2Fdef",
                3,
                SegmentProblem::Character('/'),
            ),
            (
                "/servers/1a7c3f02%2Bx/files/list",
                2,
                SegmentProblem::Character('+'),
            ),
        ] {
            assert_eq!(
                resolve("DELETE", raw),
                Err(RouteError::Segment { index, problem }),
                "{raw}"
            );
        }
        assert_eq!(
            resolve("GET", &format!("/account/ssh-keys/{fingerprint}")),
            Err(RouteError::Method {
                allowed: vec!["DELETE"]
            })
        );
    }

    #[test]
    fn unlisted_paths_and_methods_are_refused() {
        assert_eq!(
            resolve("POST", "/account/two-factor/disable"),
            Err(RouteError::NotForwarded)
        );
        assert_eq!(
            resolve("GET", "/servers/1a7c3f02/files/delete"),
            Err(RouteError::Method {
                allowed: vec!["POST"]
            })
        );
        assert_eq!(
            resolve("DELETE", "/servers/1a7c3f02"),
            Err(RouteError::Method {
                allowed: vec!["GET"]
            })
        );
        assert_eq!(resolve("GET", "x/servers"), Err(RouteError::NotForwarded));
    }
}
