//! `GET /servers/{id}/startup` and `PUT /servers/{id}/startup/variable`: egg variables and
//! the startup command.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::envelope::{Item, List};

/// `GET /servers/{id}/startup`.
pub type StartupList = List<EggVariable, StartupMeta>;
/// `PUT /servers/{id}/startup/variable` answer.
pub type StartupVariableItem = Item<EggVariable, StartupMeta>;

/// `attributes` of an `egg_variable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EggVariable {
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub description: String,
    pub env_variable: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub default_value: String,
    /// `null` when the server stores no value.
    #[serde(default)]
    pub server_value: Option<String>,
    #[serde(default)]
    pub is_editable: bool,
    /// Laravel rules in one pipe-separated string, e.g. `required|string|max:20`.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub rules: String,
}

impl EggVariable {
    /// The value in force: the server's, else the egg's default.
    pub fn effective_value(&self) -> &str {
        self.server_value.as_deref().unwrap_or(&self.default_value)
    }
}

/// `meta` of the startup list (and, without `docker_images`, of the variable update).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartupMeta {
    #[serde(default)]
    pub startup_command: String,
    #[serde(default)]
    pub raw_startup_command: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_images: Option<DockerImages>,
}

/// `meta.docker_images`: display name → image. The panel sends `[]` when empty (a PHP
/// empty array), and this type writes it back the same way. A plain list of images (old
/// eggs) is read with each image as its own name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerImages(pub BTreeMap<String, String>);

impl Serialize for DockerImages {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            serializer.collect_seq(std::iter::empty::<&str>())
        } else {
            self.0.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for DockerImages {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Map(BTreeMap<String, String>),
            List(Vec<String>),
        }
        Ok(DockerImages(
            match Option::<Raw>::deserialize(deserializer)? {
                Some(Raw::Map(map)) => map,
                Some(Raw::List(list)) => list.into_iter().map(|i| (i.clone(), i)).collect(),
                None => BTreeMap::new(),
            },
        ))
    }
}

/// Body of `PUT /servers/{id}/startup/variable`. `value` may be `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateVariableRequest {
    pub key: String,
    pub value: Option<String>,
}
