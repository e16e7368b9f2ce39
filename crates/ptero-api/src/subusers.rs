//! `/servers/{id}/users` (subusers) and `GET /api/client/permissions`, the permission
//! groups the subuser editor shows (panel `SubuserController`, `SubuserRequest.php`,
//! `ClientController::permissions`, `Models/Permission.php`). A subuser's shape is
//! [`crate::Subuser`] (`server_subuser`).

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::envelope::{Item, List};
use crate::server::Subuser;

/// `GET /servers/{id}/users` (not paged).
pub type SubuserList = List<Subuser>;
/// One subuser (`POST /users`, `GET`/`POST /users/{uuid}`).
pub type SubuserItem = Item<Subuser>;
/// `GET /api/client/permissions` (`object: "system_permissions"`).
pub type PermissionsItem = Item<SystemPermissions>;

/// The permission every subuser gets whatever is asked (the panel adds it).
pub const ALWAYS_GRANTED: &str = "websocket.connect";

/// `attributes` of `system_permissions`: the groups in the panel's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemPermissions {
    pub permissions: PermissionGroups,
}

/// `{"<group>": {"description", "keys": {"<key>": description}}}`, kept in the order the
/// panel sends (websocket, control, user, file, …): the editor shows them that way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionGroups(pub Vec<PermissionGroup>);

/// One group: `file`, with its keys (`create`, `read`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionGroup {
    pub name: String,
    pub description: String,
    /// `(key, description)`; the permission is `group.key`.
    pub keys: Vec<(String, String)>,
}

impl PermissionGroup {
    /// The group's permission strings (`file.create`, …).
    pub fn permissions(&self) -> impl Iterator<Item = String> + '_ {
        self.keys
            .iter()
            .map(move |(key, _)| format!("{}.{key}", self.name))
    }

    /// "File", "Control": the group's name as a heading.
    pub fn title(&self) -> String {
        let mut chars = self.name.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

impl PermissionGroups {
    /// Every permission string the panel knows.
    pub fn all(&self) -> Vec<String> {
        self.0
            .iter()
            .flat_map(PermissionGroup::permissions)
            .collect()
    }
}

#[derive(Serialize, Deserialize)]
struct GroupBody {
    #[serde(default)]
    description: String,
    #[serde(default)]
    keys: OrderedStrings,
}

/// A JSON object of strings, in order.
#[derive(Default)]
struct OrderedStrings(Vec<(String, String)>);

impl Serialize for OrderedStrings {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Reads a JSON object's members in order into `(key, T)` pairs.
struct InOrder<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for InOrder<T> {
    type Value = Vec<(String, T)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(entry) = map.next_entry()? {
            out.push(entry);
        }
        Ok(out)
    }

    /// PHP writes an empty object as `[]`.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        match seq.next_element::<serde::de::IgnoredAny>()? {
            None => Ok(Vec::new()),
            Some(_) => Err(serde::de::Error::custom("expected an object")),
        }
    }
}

impl<'de> Deserialize<'de> for OrderedStrings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(InOrder::<String>(std::marker::PhantomData))
            .map(OrderedStrings)
    }
}

impl Serialize for PermissionGroups {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for group in &self.0 {
            let body = GroupBody {
                description: group.description.clone(),
                keys: OrderedStrings(group.keys.clone()),
            };
            map.serialize_entry(&group.name, &body)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PermissionGroups {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let groups =
            deserializer.deserialize_any(InOrder::<GroupBody>(std::marker::PhantomData))?;
        Ok(PermissionGroups(
            groups
                .into_iter()
                .map(|(name, body)| PermissionGroup {
                    name,
                    description: body.description,
                    keys: body.keys.0,
                })
                .collect(),
        ))
    }
}

/// `POST /servers/{id}/users`: invite by email (a new panel account is made for an
/// unknown address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSubuserRequest {
    pub email: String,
    pub permissions: Vec<String>,
}

/// `POST /servers/{id}/users/{uuid}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateSubuserRequest {
    pub permissions: Vec<String>,
}

/// Whether `email` looks like an address the panel accepts (`email`, `between:1,191`);
/// `None` when it does, else the reason.
pub fn email_problem(email: &str) -> Option<&'static str> {
    let email = email.trim();
    if email.is_empty() {
        return Some("Enter the email address of the person to invite.");
    }
    if email.chars().count() > 191 {
        return Some("The address is longer than the panel's 191 characters.");
    }
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(char::is_whitespace)
            && !domain.contains('@')
    });
    (!valid).then_some("This is not an email address (name@example.com).")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_the_panels_order() {
        let json = r#"{"websocket":{"description":"ws","keys":{"connect":"c"}},
            "control":{"description":"ctl","keys":{"console":"a","start":"b"}},
            "activity":{"description":"log","keys":{"read":"r"}}}"#;
        let groups: PermissionGroups = serde_json::from_str(json).unwrap();
        let names: Vec<&str> = groups.0.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["websocket", "control", "activity"]);
        assert_eq!(
            groups.all(),
            [
                "websocket.connect",
                "control.console",
                "control.start",
                "activity.read"
            ]
        );
        let again: PermissionGroups =
            serde_json::from_str(&serde_json::to_string(&groups).unwrap()).unwrap();
        assert_eq!(again, groups);
        assert_eq!(groups.0[1].title(), "Control");
    }

    #[test]
    fn invitations_need_an_address() {
        assert_eq!(email_problem("bob@example.com"), None);
        assert!(email_problem("").is_some());
        assert!(email_problem("bob").is_some());
        assert!(email_problem("bob@").is_some());
        assert!(email_problem("b ob@example.com").is_some());
    }
}
