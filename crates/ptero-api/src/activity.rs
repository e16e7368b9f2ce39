//! `GET /servers/{id}/activity` and `GET /account/activity`: the `activity_log` object
//! (paged, 25 a page by default, at most 100; `?sort=-timestamp`, `?filter[event]=`), its
//! actor, its properties, and each event in words as the panel's own UI writes it
//! (panel `ActivityLogController`s, `ActivityLogTransformer.php`,
//! `resources/lang/en/activity.php`).

use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::envelope::{List, Relation};

/// One page of activity.
pub type ActivityList = List<ActivityLog>;

/// Entries per page the app asks for (the panel's default; it allows up to 100).
pub const PER_PAGE: u32 = 25;

/// `attributes` of an `activity_log`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityLog {
    /// A hash of the row's id: unique, not ordered.
    pub id: String,
    /// Entries logged by one request share a batch.
    #[serde(default)]
    pub batch: Option<String>,
    /// `server:power.start`, `user:api-key.create`, …
    pub event: String,
    /// Made with an API key rather than in the panel's UI.
    #[serde(default)]
    pub is_api: bool,
    /// `null` unless the reader is the actor or a root admin.
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub properties: Properties,
    #[serde(default)]
    pub has_additional_metadata: bool,
    /// ATOM time.
    pub timestamp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<ActivityRelationships>,
}

impl ActivityLog {
    /// Who did it: a user, or `None` for the system (a schedule, Wings).
    pub fn actor(&self) -> Option<&UserSummary> {
        match self.relationships.as_ref()?.actor.as_ref()? {
            Relation::Item(item) => Some(&item.attributes),
            _ => None,
        }
    }

    /// The event in words, properties filled in.
    pub fn sentence(&self) -> String {
        describe(&self.event, &self.properties)
    }
}

/// `relationships` of an entry (`actor` is a default include of the panel's UI, asked
/// for with `?include=actor`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityRelationships {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Relation<UserSummary>>,
}

/// A `user` as the Client API shows other users (`UserTransformer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub uuid: String,
    pub username: String,
    pub email: String,
    #[serde(default)]
    pub image: String,
    #[serde(rename = "2fa_enabled", default)]
    pub two_factor_enabled: bool,
    #[serde(default)]
    pub created_at: String,
}

/// A property's value: whatever the event stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Value>),
    /// Members in the order they came.
    Map(Vec<(String, Value)>),
}

/// The `properties` object, in order. PHP's empty `[]` reads as empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties(pub Vec<(String, Value)>);

impl Properties {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// `files.0.from`: a dotted path through maps and lists.
    pub fn path(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut value = self.get(parts.next()?)?;
        for part in parts {
            value = match value {
                Value::Map(members) => members.iter().find(|(k, _)| k == part).map(|(_, v)| v)?,
                Value::List(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(value)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Value {
    /// Plain text: lists joined with ", ", maps as `key: value`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("none"),
            Value::Bool(true) => f.write_str("yes"),
            Value::Bool(false) => f.write_str("no"),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{}", *n as i64),
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(text) => f.write_str(text),
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Map(members) => {
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key}: {value}")?;
                }
                Ok(())
            }
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => {
                serializer.serialize_i64(*n as i64)
            }
            Value::Number(n) => serializer.serialize_f64(*n),
            Value::Text(text) => serializer.serialize_str(text),
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(members) => serialize_members(members, serializer),
        }
    }
}

fn serialize_members<S: Serializer>(
    members: &[(String, Value)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(members.len()))?;
    for (key, value) in members {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Number(n))
    }

    fn visit_str<E>(self, text: &str) -> Result<Value, E> {
        Ok(Value::Text(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Value, E> {
        Ok(Value::Text(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::new();
        while let Some(entry) = map.next_entry()? {
            members.push(entry);
        }
        Ok(Value::Map(members))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_members(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Map(members) => Ok(Properties(members)),
            Value::Null => Ok(Properties::default()),
            Value::List(items) if items.is_empty() => Ok(Properties::default()),
            _ => Err(serde::de::Error::custom("properties must be an object")),
        }
    }
}

/// The panel's English sentence for each event (`resources/lang/en/activity.php`);
/// `_one` / `_other` variants are picked by the `count` property.
const SENTENCES: &[(&str, &str)] = &[
    ("auth:fail", "Failed log in"),
    ("auth:success", "Logged in"),
    ("auth:password-reset", "Password reset"),
    ("auth:reset-password", "Requested password reset"),
    ("auth:checkpoint", "Two-factor authentication requested"),
    ("auth:recovery-token", "Used two-factor recovery token"),
    ("auth:token", "Solved two-factor challenge"),
    (
        "auth:ip-blocked",
        "Blocked request from unlisted IP address for :identifier",
    ),
    ("auth:sftp.fail", "Failed SFTP log in"),
    (
        "user:account.email-changed",
        "Changed email from :old to :new",
    ),
    ("user:account.password-changed", "Changed password"),
    ("user:api-key.create", "Created new API key :identifier"),
    ("user:api-key.delete", "Deleted API key :identifier"),
    (
        "user:ssh-key.create",
        "Added SSH key :fingerprint to account",
    ),
    (
        "user:ssh-key.delete",
        "Removed SSH key :fingerprint from account",
    ),
    ("user:two-factor.create", "Enabled two-factor auth"),
    ("user:two-factor.delete", "Disabled two-factor auth"),
    ("server:reinstall", "Reinstalled server"),
    (
        "server:console.command",
        "Executed \":command\" on the server",
    ),
    ("server:power.start", "Started the server"),
    ("server:power.stop", "Stopped the server"),
    ("server:power.restart", "Restarted the server"),
    ("server:power.kill", "Killed the server process"),
    ("server:backup.download", "Downloaded the :name backup"),
    ("server:backup.delete", "Deleted the :name backup"),
    (
        "server:backup.restore",
        "Restored the :name backup (deleted files: :truncate)",
    ),
    (
        "server:backup.restore-complete",
        "Completed restoration of the :name backup",
    ),
    (
        "server:backup.restore-failed",
        "Failed to complete restoration of the :name backup",
    ),
    ("server:backup.start", "Started a new backup :name"),
    (
        "server:backup.complete",
        "Marked the :name backup as complete",
    ),
    ("server:backup.fail", "Marked the :name backup as failed"),
    ("server:backup.lock", "Locked the :name backup"),
    ("server:backup.unlock", "Unlocked the :name backup"),
    ("server:database.create", "Created new database :name"),
    (
        "server:database.rotate-password",
        "Password rotated for database :name",
    ),
    ("server:database.delete", "Deleted database :name"),
    ("server:file.compress_one", "Compressed :directory:file"),
    (
        "server:file.compress_other",
        "Compressed :count files in :directory",
    ),
    ("server:file.read", "Viewed the contents of :file"),
    ("server:file.copy", "Created a copy of :file"),
    (
        "server:file.create-directory",
        "Created directory :directory:name",
    ),
    (
        "server:file.decompress",
        "Decompressed :files in :directory",
    ),
    ("server:file.delete_one", "Deleted :directory:files.0"),
    (
        "server:file.delete_other",
        "Deleted :count files in :directory",
    ),
    ("server:file.download", "Downloaded :file"),
    (
        "server:file.pull",
        "Downloaded a remote file from :url to :directory",
    ),
    (
        "server:file.rename_one",
        "Renamed :directory:files.0.from to :directory:files.0.to",
    ),
    (
        "server:file.rename_other",
        "Renamed :count files in :directory",
    ),
    ("server:file.write", "Wrote new content to :file"),
    ("server:file.upload", "Began a file upload"),
    ("server:file.uploaded", "Uploaded :directory:file"),
    (
        "server:sftp.denied",
        "Blocked SFTP access due to permissions",
    ),
    ("server:sftp.create_one", "Created :files.0"),
    ("server:sftp.create_other", "Created :count new files"),
    ("server:sftp.write_one", "Modified the contents of :files.0"),
    (
        "server:sftp.write_other",
        "Modified the contents of :count files",
    ),
    ("server:sftp.delete_one", "Deleted :files.0"),
    ("server:sftp.delete_other", "Deleted :count files"),
    (
        "server:sftp.create-directory_one",
        "Created the :files.0 directory",
    ),
    (
        "server:sftp.create-directory_other",
        "Created :count directories",
    ),
    (
        "server:sftp.rename_one",
        "Renamed :files.0.from to :files.0.to",
    ),
    ("server:sftp.rename_other", "Renamed or moved :count files"),
    (
        "server:allocation.create",
        "Added :allocation to the server",
    ),
    (
        "server:allocation.notes",
        "Updated the notes for :allocation from \":old\" to \":new\"",
    ),
    (
        "server:allocation.primary",
        "Set :allocation as the primary server allocation",
    ),
    (
        "server:allocation.delete",
        "Deleted the :allocation allocation",
    ),
    ("server:schedule.create", "Created the :name schedule"),
    ("server:schedule.update", "Updated the :name schedule"),
    (
        "server:schedule.execute",
        "Manually executed the :name schedule",
    ),
    ("server:schedule.delete", "Deleted the :name schedule"),
    (
        "server:task.create",
        "Created a new \":action\" task for the :name schedule",
    ),
    (
        "server:task.update",
        "Updated the \":action\" task for the :name schedule",
    ),
    (
        "server:task.delete",
        "Deleted a task for the :name schedule",
    ),
    (
        "server:settings.rename",
        "Renamed the server from :old to :new",
    ),
    (
        "server:settings.description",
        "Changed the server description from :old to :new",
    ),
    (
        "server:startup.edit",
        "Changed the :variable variable from \":old\" to \":new\"",
    ),
    (
        "server:startup.image",
        "Updated the Docker Image for the server from :old to :new",
    ),
    ("server:subuser.create", "Added :email as a subuser"),
    (
        "server:subuser.update",
        "Updated the subuser permissions for :email",
    ),
    ("server:subuser.delete", "Removed :email as a subuser"),
];

fn sentence(key: &str) -> Option<&'static str> {
    SENTENCES.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
}

/// `event` in words with `properties` filled in; an event the table does not know
/// reads as its own name.
pub fn describe(event: &str, properties: &Properties) -> String {
    let count = properties.get("count").and_then(|value| match value {
        Value::Number(n) => Some(*n),
        _ => None,
    });
    let variant = count.map(|n| if n == 1.0 { "_one" } else { "_other" });
    let template = variant
        .and_then(|suffix| sentence(&format!("{event}{suffix}")))
        .or_else(|| sentence(event))
        .or_else(|| sentence(&format!("{event}_one")));
    match template {
        Some(template) => fill(template, properties),
        None => event.to_owned(),
    }
}

/// Replaces each `:key.path` with the property's text (a missing one stays as written),
/// as the panel's UI does; public for the app's translated sentences.
pub fn fill(template: &str, properties: &Properties) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // As the panel's UI: word characters, dots and dashes, ending on a word character.
        let mut end = after
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '-'))
            .map_or(after.len(), |(i, _)| i);
        while end > 0 && !after[..end].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            end -= 1;
        }
        let key = &after[..end];
        match properties.path(key) {
            Some(value) if !key.is_empty() => out.push_str(&value.to_string()),
            _ => {
                out.push(':');
                out.push_str(key);
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(json: &str) -> Properties {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn events_read_as_the_panel_writes_them() {
        assert_eq!(
            describe("server:power.start", &Properties::default()),
            "Started the server"
        );
        assert_eq!(
            describe("server:console.command", &props(r#"{"command":"say hi"}"#)),
            "Executed \"say hi\" on the server"
        );
        assert_eq!(
            describe(
                "server:file.rename",
                &props(
                    r#"{"directory":"/plugins/","files":[{"from":"a.jar","to":"b.jar"}],"count":1}"#
                )
            ),
            "Renamed /plugins/a.jar to /plugins/b.jar"
        );
        assert_eq!(
            describe(
                "server:file.delete",
                &props(r#"{"directory":"/","files":["a","b"],"count":2}"#)
            ),
            "Deleted 2 files in /"
        );
        assert_eq!(
            describe(
                "server:backup.restore",
                &props(r#"{"name":"nightly","truncate":true}"#)
            ),
            "Restored the nightly backup (deleted files: yes)"
        );
        assert_eq!(
            describe(
                "user:api-key.create",
                &props(r#"{"identifier":"ptlc_abc"}"#)
            ),
            "Created new API key ptlc_abc"
        );
        assert_eq!(
            describe("server:brand-new", &props("[]")),
            "server:brand-new"
        );
        // A property the event lacks stays visible rather than vanishing.
        assert_eq!(
            describe("server:database.create", &Properties::default()),
            "Created new database :name"
        );
    }

    #[test]
    fn property_values_render_as_plain_text() {
        let p = props(r#"{"old":["a","b"],"n":3,"f":1.5,"m":{"k":null}}"#);
        assert_eq!(p.get("old").unwrap().to_string(), "a, b");
        assert_eq!(p.get("n").unwrap().to_string(), "3");
        assert_eq!(p.get("f").unwrap().to_string(), "1.5");
        assert_eq!(p.get("m").unwrap().to_string(), "k: none");
        let again: Properties = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(again, p);
    }
}
