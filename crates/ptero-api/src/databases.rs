//! `/servers/{id}/databases`: the `server_database` object with its optional password,
//! and the create body (panel `DatabaseController`, `DatabaseTransformer.php`,
//! `StoreDatabaseRequest.php`, `Models/Database.php`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::envelope::{Item, List, Relation};

/// `GET /servers/{id}/databases` (`?include=password` adds each password for users with
/// `database.view_password`).
pub type DatabaseList = List<Database>;
/// `POST /databases` and `POST /databases/{id}/rotate-password`: the password included.
pub type DatabaseItem = Item<Database>;

/// `database` `min:3` / `max:48` (`alpha_dash`).
pub const DATABASE_NAME_LENGTH: (usize, usize) = (3, 48);

/// `attributes` of a `server_database`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Database {
    /// A hashid (`"Lk0Qa9rn"`), not the row's number.
    pub id: String,
    pub host: DatabaseHost,
    /// The full name, `s{server}_{name}`.
    pub name: String,
    pub username: String,
    /// `%` for anywhere, or an address or pattern.
    pub connections_from: String,
    /// `null` or 0: no limit.
    #[serde(default)]
    pub max_connections: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<DatabaseRelationships>,
}

impl Database {
    /// The password, when the answer included it and the user may see it.
    pub fn password(&self) -> Option<&str> {
        match self.relationships.as_ref()?.password.as_ref()? {
            Relation::Item(item) => Some(item.attributes.password.as_str()),
            _ => None,
        }
    }

    /// `host:port`.
    pub fn endpoint(&self) -> String {
        format!("{}:{}", self.host.address, self.host.port)
    }

    /// A JDBC connection string (what server plugins ask for), with the password when
    /// known.
    pub fn jdbc_url(&self) -> String {
        let credentials = match self.password() {
            Some(password) => format!("?user={}&password={password}", self.username),
            None => format!("?user={}", self.username),
        };
        format!(
            "jdbc:mysql://{}/{}{credentials}",
            self.endpoint(),
            self.name
        )
    }
}

/// `host` of a database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHost {
    pub address: String,
    pub port: u16,
}

/// `relationships` of a database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatabaseRelationships {
    /// A `database_password` item, or a `null_resource` without `database.view_password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Relation<DatabasePassword>>,
}

/// `attributes` of a `database_password`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabasePassword {
    pub password: String,
}

impl fmt::Debug for DatabasePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabasePassword(<redacted>)")
    }
}

/// `POST /servers/{id}/databases`: `database` is the short name (the panel prefixes it),
/// `remote` where connections may come from (`%` for anywhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreDatabaseRequest {
    pub database: String,
    pub remote: String,
}

/// Why a database name or `remote` is refused before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseInputProblem {
    NameLength(usize),
    /// `alpha_dash`: letters, digits, `-` and `_` only.
    NameCharacter(char),
    /// `remote` must match `^[\w\-/.%:]+$`.
    RemoteCharacter(char),
    RemoteEmpty,
}

impl fmt::Display for DatabaseInputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (min, max) = DATABASE_NAME_LENGTH;
        match self {
            DatabaseInputProblem::NameLength(len) => {
                write!(f, "The name must be {min} to {max} characters long ({len} now).")
            }
            DatabaseInputProblem::NameCharacter(c) => write!(
                f,
                "The name may hold letters, digits, - and _ only, not {c:?}."
            ),
            DatabaseInputProblem::RemoteCharacter(c) => write!(
                f,
                "“Connections from” takes an address or pattern such as % or 192.168.1.%, not {c:?}."
            ),
            DatabaseInputProblem::RemoteEmpty => {
                f.write_str("“Connections from” is empty: enter % to allow any address.")
            }
        }
    }
}

impl StoreDatabaseRequest {
    /// The body with both fields trimmed and checked as the panel checks them.
    pub fn checked(database: &str, remote: &str) -> Result<Self, DatabaseInputProblem> {
        let (database, remote) = (database.trim(), remote.trim());
        let len = database.chars().count();
        let (min, max) = DATABASE_NAME_LENGTH;
        if let Some(c) = database
            .chars()
            .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(DatabaseInputProblem::NameCharacter(c));
        }
        if len < min || len > max {
            return Err(DatabaseInputProblem::NameLength(len));
        }
        if remote.is_empty() {
            return Err(DatabaseInputProblem::RemoteEmpty);
        }
        if let Some(c) = remote
            .chars()
            .find(|c| !(c.is_alphanumeric() || "_-/.%:".contains(*c)))
        {
            return Err(DatabaseInputProblem::RemoteCharacter(c));
        }
        Ok(Self {
            database: database.to_owned(),
            remote: remote.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_remotes_are_checked_as_the_panel_checks_them() {
        assert!(StoreDatabaseRequest::checked(" plugins ", "%").is_ok());
        assert_eq!(
            StoreDatabaseRequest::checked("ab", "%"),
            Err(DatabaseInputProblem::NameLength(2))
        );
        assert_eq!(
            StoreDatabaseRequest::checked("my db", "%"),
            Err(DatabaseInputProblem::NameCharacter(' '))
        );
        assert_eq!(
            StoreDatabaseRequest::checked("luckperms", ""),
            Err(DatabaseInputProblem::RemoteEmpty)
        );
        assert_eq!(
            StoreDatabaseRequest::checked("luckperms", "10.0.0.*"),
            Err(DatabaseInputProblem::RemoteCharacter('*'))
        );
        assert!(StoreDatabaseRequest::checked("luckperms", "192.168.1.%").is_ok());
    }
}
