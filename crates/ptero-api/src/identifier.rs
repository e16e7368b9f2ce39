//! Server identifiers: the 8-character short id (`identifier`, the panel's `uuidShort`)
//! or the 36-character UUID. The Client API accepts either; the websocket uses the UUID.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A server identifier, lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServerId {
    /// `1a2b3c4d`.
    Short(String),
    /// `1a2b3c4d-0000-4000-8000-00000000abcd`.
    Uuid(String),
}

/// Why a text is not a server identifier. Positions count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerIdError {
    Empty,
    /// A whole address was pasted; `suggestion` is its identifier when one was found.
    LooksLikeUrl {
        suggestion: Option<String>,
    },
    WrongLength {
        len: usize,
    },
    BadCharacter {
        position: usize,
        found: char,
    },
    /// 36 characters, but the hyphens are not at 9, 14, 19 and 24.
    BadUuidLayout,
}

impl fmt::Display for ServerIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerIdError::Empty => f.write_str(
                "no server identifier was given: use the 8-character id shown in the server's address, such as 1a2b3c4d",
            ),
            ServerIdError::LooksLikeUrl {
                suggestion: Some(id),
            } => write!(
                f,
                "that is a whole address: use only the server identifier, {id}"
            ),
            ServerIdError::LooksLikeUrl { suggestion: None } => f.write_str(
                "that is a whole address: use only the server identifier, the 8 characters after /server/",
            ),
            ServerIdError::WrongLength { len } => write!(
                f,
                "{len} characters: a server identifier has 8 (such as 1a2b3c4d) or is a 36-character UUID"
            ),
            ServerIdError::BadCharacter { position, found } => write!(
                f,
                "character {position} of the server identifier is {found:?}: identifiers use only 0-9 and a-f"
            ),
            ServerIdError::BadUuidLayout => f.write_str(
                "36 characters, but not laid out as a UUID (8-4-4-4-12 with hyphens): copy it again from the panel",
            ),
        }
    }
}

impl std::error::Error for ServerIdError {}

impl ServerId {
    /// Reads an identifier (surrounding whitespace trimmed, hex read case-insensitively).
    pub fn parse(input: &str) -> Result<Self, ServerIdError> {
        let id = input.trim();
        if id.is_empty() {
            return Err(ServerIdError::Empty);
        }
        if id.contains('/') {
            let suggestion = id
                .split(['?', '#'])
                .next()
                .unwrap_or(id)
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .and_then(|last| ServerId::parse(last).ok())
                .map(|parsed| parsed.to_string());
            return Err(ServerIdError::LooksLikeUrl { suggestion });
        }
        let check_hex = |skip_hyphens: bool| {
            id.chars().enumerate().try_for_each(|(index, c)| {
                if c.is_ascii_hexdigit() || (skip_hyphens && c == '-') {
                    Ok(())
                } else {
                    Err(ServerIdError::BadCharacter {
                        position: index + 1,
                        found: c,
                    })
                }
            })
        };
        match id.chars().count() {
            8 => {
                check_hex(false)?;
                Ok(ServerId::Short(id.to_ascii_lowercase()))
            }
            36 => {
                check_hex(true)?;
                let hyphens_in_place = id
                    .char_indices()
                    .all(|(index, c)| (c == '-') == matches!(index, 8 | 13 | 18 | 23));
                if !hyphens_in_place {
                    return Err(ServerIdError::BadUuidLayout);
                }
                Ok(ServerId::Uuid(id.to_ascii_lowercase()))
            }
            len => Err(ServerIdError::WrongLength { len }),
        }
    }

    /// The identifier as the panel writes it.
    pub fn as_str(&self) -> &str {
        match self {
            ServerId::Short(id) | ServerId::Uuid(id) => id,
        }
    }

    /// The 8-character short id (a UUID's first 8 characters, as the panel derives it).
    pub fn short(&self) -> &str {
        self.as_str().get(..8).unwrap_or_default()
    }

    /// Whether this id names the same server as `other` (short id against UUID included).
    pub fn matches(&self, other: &ServerId) -> bool {
        match (self, other) {
            (ServerId::Uuid(a), ServerId::Uuid(b)) => a == b,
            _ => self.short() == other.short(),
        }
    }
}

impl fmt::Display for ServerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ServerId {
    type Err = ServerIdError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl Serialize for ServerId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ServerId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ServerId::parse(&text).map_err(serde::de::Error::custom)
    }
}
