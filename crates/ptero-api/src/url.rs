//! The panel's base URL as a person types it: checked and normalised (lowercase host,
//! default port and trailing slash dropped), with a sentence saying what to remove when
//! they pasted a page address or an API path instead.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::origin_parse::{split, Origin, OriginError, Scheme};

/// A panel base URL such as `https://panel.example.com`. Stored without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PanelUrl {
    origin: Origin,
    text: String,
}

/// Why a text is not a panel URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelUrlError {
    /// Scheme, user info, host or port.
    Address(OriginError),
    /// A path other than `/`.
    Path {
        path: String,
    },
    Query,
    Fragment,
}

impl fmt::Display for PanelUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PanelUrlError::Address(error) => error.fmt(f),
            PanelUrlError::Path { path } if path.starts_with("/api") => write!(
                f,
                "the panel URL must not include {path:?}: give only the panel's address, such as https://panel.example.com"
            ),
            PanelUrlError::Path { path } if path.starts_with("/server/") => write!(
                f,
                "that is the address of one server's page: remove {path:?} and give only the panel's address, such as https://panel.example.com"
            ),
            PanelUrlError::Path { path } => write!(
                f,
                "the panel URL must not have a path: remove {path:?} (the panel runs at the root of its address)"
            ),
            PanelUrlError::Query => {
                f.write_str("the panel URL must not have a query string: remove everything from the ?")
            }
            PanelUrlError::Fragment => {
                f.write_str("the panel URL must not have a fragment: remove everything from the #")
            }
        }
    }
}

impl std::error::Error for PanelUrlError {}

impl From<OriginError> for PanelUrlError {
    fn from(error: OriginError) -> Self {
        PanelUrlError::Address(error)
    }
}

/// Something that works but deserves a word to the person who typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelUrlWarning {
    /// `http://` to a host that is not this machine: the key travels in clear text.
    InsecureHttp,
}

impl fmt::Display for PanelUrlWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PanelUrlWarning::InsecureHttp => f.write_str(
                "the panel URL uses http://, so the API key crosses the network unencrypted: use https:// unless the panel runs on this machine",
            ),
        }
    }
}

impl PanelUrl {
    /// Reads a panel URL: `http`/`https`, a host, an optional port, and no path other
    /// than `/`.
    pub fn parse(input: &str) -> Result<Self, PanelUrlError> {
        let parts = split(input)?;
        if !(parts.path.is_empty() || parts.path == "/") {
            return Err(PanelUrlError::Path {
                path: parts.path.to_owned(),
            });
        }
        if parts.query.is_some() {
            return Err(PanelUrlError::Query);
        }
        if parts.fragment.is_some() {
            return Err(PanelUrlError::Fragment);
        }
        let origin = Origin::from_parts(parts.scheme, parts.host, parts.port);
        let text = origin.to_string();
        Ok(Self { origin, text })
    }

    /// The origin Wings expects in the websocket's `Origin` header for this panel.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// `https://panel.example.com`, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `{panel}{path}`; `path` should start with `/`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.text)
    }

    /// `{panel}/api/client{path}`.
    pub fn client_api(&self, path: &str) -> String {
        format!("{}/api/client{path}", self.text)
    }

    /// `{panel}/api/application{path}`.
    pub fn application_api(&self, path: &str) -> String {
        format!("{}/api/application{path}", self.text)
    }

    /// Advice about a URL that parsed.
    pub fn warnings(&self) -> Vec<PanelUrlWarning> {
        let mut warnings = Vec::new();
        if self.origin.scheme() == Scheme::Http && !self.origin.host().is_loopback() {
            warnings.push(PanelUrlWarning::InsecureHttp);
        }
        warnings
    }
}

impl fmt::Display for PanelUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for PanelUrl {
    type Err = PanelUrlError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl Serialize for PanelUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for PanelUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PanelUrl::parse(&text).map_err(serde::de::Error::custom)
    }
}
