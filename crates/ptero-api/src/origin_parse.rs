//! Web origins (`scheme://host[:port]`), parsed by hand and normalised so that equal
//! origins compare equal: lowercase scheme and host, default ports dropped, IDN hosts in
//! Punycode, IPv4 and bracketed IPv6 literals read as addresses.
//!
//! Only `http` and `https` are accepted. Anything a browser would not put in an `Origin`
//! header (user info, a path other than `/`, a query, a fragment, `null`) is refused with
//! an error that says what to remove. The same reader serves [`crate::PanelUrl`].

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::punycode;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// A normalised host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Host {
    /// Lowercase ASCII; IDN labels as `xn--…`.
    Domain(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

impl Host {
    /// `localhost`, `*.localhost`, 127.0.0.0/8 or `::1`.
    pub fn is_loopback(&self) -> bool {
        match self {
            Host::Domain(name) => name == "localhost" || name.ends_with(".localhost"),
            Host::Ipv4(ip) => ip.is_loopback(),
            Host::Ipv6(ip) => ip.is_loopback(),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(name) => f.write_str(name),
            Host::Ipv4(ip) => write!(f, "{ip}"),
            Host::Ipv6(ip) => write!(f, "[{ip}]"),
        }
    }
}

/// Why a host is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// Two dots in a row, or a leading or trailing dot.
    EmptyLabel,
    LabelTooLong,
    TooLong,
    BadCharacter(char),
    HyphenAtEdge,
    BadIpv4,
    BadIpv6,
    BadPunycode,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::EmptyLabel => {
                f.write_str("it has an empty part (two dots in a row, or a dot at either end)")
            }
            HostError::LabelTooLong => {
                f.write_str("a part between dots is longer than 63 characters")
            }
            HostError::TooLong => f.write_str("it is longer than 253 characters"),
            HostError::BadCharacter(c) => write!(f, "{c:?} cannot appear in a host name"),
            HostError::HyphenAtEdge => {
                f.write_str("a part between dots starts or ends with a hyphen")
            }
            HostError::BadIpv4 => {
                f.write_str("it ends in a number but is not an IPv4 address like 192.0.2.10")
            }
            HostError::BadIpv6 => f.write_str("the part in brackets is not an IPv6 address"),
            HostError::BadPunycode => f.write_str("an xn-- part is not valid Punycode"),
        }
    }
}

/// Why a text is not an origin (or, for the shared parts, not a panel URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginError {
    Empty,
    /// The literal `null` origin.
    Null,
    /// No `scheme://`; `suggestion` is the input with `https://` in front.
    MissingScheme {
        suggestion: String,
    },
    UnsupportedScheme {
        scheme: String,
    },
    /// A space or control character; position counts characters from 1.
    Whitespace {
        position: usize,
    },
    Backslash,
    /// `user:password@` before the host.
    Userinfo,
    EmptyHost,
    BadHost {
        host: String,
        reason: HostError,
    },
    BadPort {
        port: String,
    },
    Path {
        path: String,
    },
    Query,
    Fragment,
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginError::Empty => {
                f.write_str("no address was given: write it as https://host or https://host:port")
            }
            OriginError::Null => f.write_str(
                "the origin is \"null\" (a sandboxed frame, a file:// page or a privacy redirect), which cannot be allowed: serve the page from a real https:// address",
            ),
            OriginError::MissingScheme { suggestion } => {
                write!(f, "the address has no scheme: write it as {suggestion}")
            }
            OriginError::UnsupportedScheme { scheme } => write!(
                f,
                "the scheme {scheme:?} is not supported: use https:// (or http:// for local testing)"
            ),
            OriginError::Whitespace { position } => write!(
                f,
                "the address has a space or control character at character {position}: remove it"
            ),
            OriginError::Backslash => f.write_str(
                "the address contains a backslash, which browsers read as a slash: remove it",
            ),
            OriginError::Userinfo => f.write_str(
                "the address has a user name or password before the host (something@): remove everything up to and including the @",
            ),
            OriginError::EmptyHost => {
                f.write_str("the address has no host name: write it as https://host")
            }
            OriginError::BadHost { host, reason } => {
                write!(f, "the host {host:?} is not valid: {reason}")
            }
            OriginError::BadPort { port } => write!(
                f,
                "the port {port:?} is not a number from 1 to 65535: fix it or leave it out"
            ),
            OriginError::Path { path } => write!(
                f,
                "an origin has no path: remove {path:?} and keep only scheme://host[:port]"
            ),
            OriginError::Query => {
                f.write_str("an origin has no query string: remove everything from the ?")
            }
            OriginError::Fragment => {
                f.write_str("an origin has no fragment: remove everything from the #")
            }
        }
    }
}

impl std::error::Error for OriginError {}

/// An address split into its normalised authority and its raw remainder.
pub(crate) struct Parts<'a> {
    pub scheme: Scheme,
    pub host: Host,
    /// `None` for the scheme's default port.
    pub port: Option<u16>,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

pub(crate) fn split(input: &str) -> Result<Parts<'_>, OriginError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(OriginError::Empty);
    }
    if input.eq_ignore_ascii_case("null") {
        return Err(OriginError::Null);
    }
    if let Some(index) = input
        .chars()
        .position(|c| c.is_whitespace() || c.is_control())
    {
        return Err(OriginError::Whitespace {
            position: index + 1,
        });
    }
    if input.contains('\\') {
        return Err(OriginError::Backslash);
    }
    let Some((scheme, rest)) = input.split_once("://") else {
        return Err(OriginError::MissingScheme {
            suggestion: suggest_scheme(input),
        });
    };
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        "" => {
            return Err(OriginError::MissingScheme {
                suggestion: suggest_scheme(rest),
            })
        }
        other => {
            return Err(OriginError::UnsupportedScheme {
                scheme: other.to_owned(),
            })
        }
    };

    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(authority_end);
    let (rest, fragment) = match rest.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (rest, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };

    if authority.contains('@') {
        return Err(OriginError::Userinfo);
    }
    let (host, port) = split_host_port(authority)?;
    let host = parse_host(host)?;
    let port = parse_port(port, scheme)?;
    Ok(Parts {
        scheme,
        host,
        port,
        path,
        query,
        fragment,
    })
}

fn suggest_scheme(input: &str) -> String {
    let bare = input.trim_start_matches(['/', ':']);
    let host = bare.split(['/', '?', '#']).next().unwrap_or(bare);
    format!("https://{host}")
}

/// Splits `host[:port]` or `[v6][:port]`.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), OriginError> {
    if authority.is_empty() {
        return Err(OriginError::EmptyHost);
    }
    if let Some(inner) = authority.strip_prefix('[') {
        let Some((v6, after)) = inner.split_once(']') else {
            return Err(OriginError::BadHost {
                host: authority.to_owned(),
                reason: HostError::BadIpv6,
            });
        };
        let host = authority.get(..v6.len() + 2).unwrap_or(authority);
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(OriginError::BadPort {
                    port: after.to_owned(),
                }),
            },
        };
    }
    match authority.split_once(':') {
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((authority, None)),
    }
}

fn parse_port(port: Option<&str>, scheme: Scheme) -> Result<Option<u16>, OriginError> {
    let Some(port) = port else {
        return Ok(None);
    };
    // `https://host:` is the default port, as browsers read it.
    if port.is_empty() {
        return Ok(None);
    }
    let bad = || OriginError::BadPort {
        port: port.to_owned(),
    };
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let digits = port.trim_start_matches('0');
    let number: u16 = if digits.len() > 5 {
        return Err(bad());
    } else {
        digits.parse().map_err(|_| bad())?
    };
    if number == 0 {
        return Err(bad());
    }
    Ok((number != scheme.default_port()).then_some(number))
}

/// The full stops IDNA treats as dots.
const DOTS: [char; 4] = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'];

pub(crate) fn parse_host(host: &str) -> Result<Host, OriginError> {
    let bad = |reason| OriginError::BadHost {
        host: host.to_owned(),
        reason,
    };
    if host.is_empty() {
        return Err(OriginError::EmptyHost);
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| bad(HostError::BadIpv6))?;
        return Ipv6Addr::from_str(inner)
            .map(Host::Ipv6)
            .map_err(|_| bad(HostError::BadIpv6));
    }
    let labels: Vec<&str> = host.split(DOTS).collect();
    // A host whose last part is a number is an IPv4 address or nothing (as in browsers).
    if labels
        .last()
        .is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
    {
        let dotted = labels.join(".");
        return Ipv4Addr::from_str(&dotted)
            .map(Host::Ipv4)
            .map_err(|_| bad(HostError::BadIpv4));
    }
    let mut ascii = String::with_capacity(host.len());
    for (index, label) in labels.iter().enumerate() {
        if index > 0 {
            ascii.push('.');
        }
        ascii.push_str(&label_to_ascii(label).map_err(bad)?);
    }
    if ascii.len() > 253 {
        return Err(bad(HostError::TooLong));
    }
    Ok(Host::Domain(ascii))
}

fn label_to_ascii(label: &str) -> Result<String, HostError> {
    if label.is_empty() {
        return Err(HostError::EmptyLabel);
    }
    // Lowercasing may turn a non-ASCII letter into ASCII (the Kelvin sign into `k`).
    let lower: String = if label.is_ascii() {
        label.to_ascii_lowercase()
    } else {
        label.chars().flat_map(char::to_lowercase).collect()
    };
    let ascii = if lower.is_ascii() {
        if let Some(c) = lower
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(HostError::BadCharacter(c));
        }
        if let Some(encoded) = lower.strip_prefix("xn--") {
            // Only canonical Punycode of a non-ASCII label is accepted, so one host has
            // one spelling.
            let decoded = punycode::decode(encoded).ok_or(HostError::BadPunycode)?;
            if decoded.is_ascii() || punycode::encode(&decoded).as_deref() != Some(encoded) {
                return Err(HostError::BadPunycode);
            }
        }
        lower
    } else {
        if let Some(c) = lower
            .chars()
            .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(HostError::BadCharacter(c));
        }
        let encoded = punycode::encode(&lower).ok_or(HostError::BadPunycode)?;
        format!("xn--{encoded}")
    };
    if ascii.len() > 63 {
        return Err(HostError::LabelTooLong);
    }
    if ascii.starts_with('-') || ascii.ends_with('-') {
        return Err(HostError::HyphenAtEdge);
    }
    Ok(ascii)
}

/// A normalised web origin: what a browser sends in `Origin` and what Wings and the
/// origin server compare.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    scheme: Scheme,
    host: Host,
    port: Option<u16>,
}

impl Origin {
    /// Reads `scheme://host[:port]` (a single trailing `/` is tolerated; surrounding
    /// whitespace is trimmed).
    pub fn parse(input: &str) -> Result<Self, OriginError> {
        let parts = split(input)?;
        if parts.fragment.is_some() {
            return Err(OriginError::Fragment);
        }
        if parts.query.is_some() {
            return Err(OriginError::Query);
        }
        if !(parts.path.is_empty() || parts.path == "/") {
            return Err(OriginError::Path {
                path: parts.path.to_owned(),
            });
        }
        Ok(Self::from_parts(parts.scheme, parts.host, parts.port))
    }

    pub(crate) fn from_parts(scheme: Scheme, host: Host, port: Option<u16>) -> Self {
        let port = port.filter(|&port| port != scheme.default_port());
        Self { scheme, host, port }
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The explicit port, `None` when it is the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port in use, default included.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// Whether browsers treat this origin as secure (https, or a loopback host).
    pub fn is_potentially_trustworthy(&self) -> bool {
        self.scheme == Scheme::Https || self.host.is_loopback()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

impl FromStr for Origin {
    type Err = OriginError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Origin::parse(&text).map_err(serde::de::Error::custom)
    }
}
