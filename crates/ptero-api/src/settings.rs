//! `/servers/{id}/settings/*`: rename (and describe), reinstall, the docker image (panel
//! `SettingsController`).

use serde::{Deserialize, Serialize};

/// `POST /servers/{id}/settings/rename` (`settings.rename`). Pterodactyl also takes the
/// description here; Pelican takes only the name and describes through
/// [`DescriptionRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameServerRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Pelican's `POST /servers/{id}/settings/description` (`settings.description`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DescriptionRequest {
    #[serde(default)]
    pub description: Option<String>,
}

/// `PUT /servers/{id}/settings/docker-image` (`startup.docker-image`): one of the egg's
/// images (`meta.docker_images` of the startup list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerImageRequest {
    pub docker_image: String,
}

/// Longest server name the panel takes (`Server::getRules()['name']`: `max:191`).
pub const MAX_SERVER_NAME: usize = 191;
