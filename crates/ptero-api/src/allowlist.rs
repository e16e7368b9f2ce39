//! An exact allow-list of web origins, as Wings' `allowed_origins` and the origin server
//! apply it: equal after normalisation or refused. No suffix, prefix or subdomain matches;
//! `*` allows every well-formed origin only when configured, and never `null`.

use std::fmt;

use crate::origin_parse::{Origin, OriginError};

/// Allowed origins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginAllowList {
    any: bool,
    origins: Vec<Origin>,
}

/// An entry of the configured list that is not an origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowListError {
    /// Entry `index` (from 0) failed to parse.
    Invalid {
        index: usize,
        entry: String,
        error: OriginError,
    },
    /// `*.example.com` and the like.
    Wildcard { index: usize, entry: String },
}

impl fmt::Display for AllowListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowListError::Invalid {
                index,
                entry,
                error,
            } => write!(
                f,
                "allowed origin {} ({entry:?}) is not valid: {error}",
                index + 1
            ),
            AllowListError::Wildcard { index, entry } => write!(
                f,
                "allowed origin {} ({entry:?}) uses a wildcard: list each origin exactly, such as https://shop.example.com, or use * alone to allow every origin",
                index + 1
            ),
        }
    }
}

impl std::error::Error for AllowListError {}

impl OriginAllowList {
    /// A list that allows nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// A list that allows every well-formed origin (`*`).
    pub fn any() -> Self {
        Self {
            any: true,
            origins: Vec::new(),
        }
    }

    /// Reads configured entries; `*` alone allows every origin.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, AllowListError> {
        let mut list = Self::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let trimmed = entry.trim();
            if trimmed == "*" {
                list.any = true;
            } else if trimmed.contains('*') {
                return Err(AllowListError::Wildcard {
                    index,
                    entry: entry.to_owned(),
                });
            } else {
                let origin = Origin::parse(trimmed).map_err(|error| AllowListError::Invalid {
                    index,
                    entry: entry.to_owned(),
                    error,
                })?;
                list.push(origin);
            }
        }
        Ok(list)
    }

    /// Reads a comma- or whitespace-separated list (an environment variable).
    pub fn parse_separated(list: &str) -> Result<Self, AllowListError> {
        Self::parse(
            list.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|entry| !entry.is_empty()),
        )
    }

    /// Adds one origin.
    pub fn push(&mut self, origin: Origin) {
        if !self.origins.contains(&origin) {
            self.origins.push(origin);
        }
    }

    /// Whether an `Origin` header value is allowed. Unparseable values (including
    /// `null`) never are.
    pub fn allows(&self, origin_header: &str) -> bool {
        Origin::parse(origin_header).is_ok_and(|origin| self.allows_origin(&origin))
    }

    /// Whether a parsed origin is allowed.
    pub fn allows_origin(&self, origin: &Origin) -> bool {
        self.any || self.origins.contains(origin)
    }

    /// Whether `*` was configured.
    pub fn is_any(&self) -> bool {
        self.any
    }

    /// Whether nothing is allowed.
    pub fn is_empty(&self) -> bool {
        !self.any && self.origins.is_empty()
    }

    /// The listed origins (without `*`).
    pub fn origins(&self) -> &[Origin] {
        &self.origins
    }
}
