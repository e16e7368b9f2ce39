//! Readers of the panel's Client API objects (the app): the Fractal envelopes and what
//! they carry.

use std::collections::BTreeMap;

use super::{optional, or_default, required, word, FromJsonView, JsonView, Malformed, WHOLE};
use crate::account::Account;
use crate::backups::{Backup, BackupListMeta};
use crate::envelope::{
    Item, List, ListMeta, NoMeta, PageLinks, Pagination, Relation, NULL_RESOURCE,
};
use crate::files::{FileObject, SignedUrl};
use crate::resources::{ReportedState, Resources, Stats};
use crate::server::{
    Allocation, EggSummary, FeatureLimits, Limits, Server, ServerMeta, ServerRelationships,
    ServerStatus, SftpDetails, Subuser,
};
use crate::startup::{DockerImages, EggVariable, StartupMeta};
use crate::websocket::{WebsocketCredentials, WebsocketToken};

impl<T: FromJsonView, M: FromJsonView> FromJsonView for Item<T, M> {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            object: required(value, "object")?,
            attributes: required(value, "attributes")?,
            meta: optional(value, "meta")?,
        })
    }
}

impl<T: FromJsonView, M: FromJsonView> FromJsonView for List<T, M> {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            object: required(value, "object")?,
            data: required(value, "data")?,
            meta: optional(value, "meta")?,
        })
    }
}

impl FromJsonView for NoMeta {
    fn from_view<V: JsonView>(_: &V) -> Result<Self, Malformed> {
        Ok(NoMeta)
    }
}

impl FromJsonView for ListMeta {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            pagination: optional(value, "pagination")?,
        })
    }
}

impl FromJsonView for Pagination {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            total: required(value, "total")?,
            count: required(value, "count")?,
            per_page: required(value, "per_page")?,
            current_page: required(value, "current_page")?,
            total_pages: required(value, "total_pages")?,
            links: or_default(value, "links")?,
        })
    }
}

impl FromJsonView for PageLinks {
    /// An object, or PHP's empty array (no links).
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        if value.items().is_some() {
            return Ok(PageLinks::default());
        }
        Ok(Self {
            previous: optional(value, "previous")?,
            next: optional(value, "next")?,
        })
    }
}

impl<T: FromJsonView> FromJsonView for Relation<T> {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        let object: String = required(value, "object")?;
        if object == NULL_RESOURCE {
            return Ok(Relation::Null);
        }
        if let Some(data) = optional(value, "data")? {
            // A relation's meta is informational; it is skipped, as serde skips it.
            return Ok(Relation::List(List {
                object,
                data,
                meta: None,
            }));
        }
        match optional(value, "attributes")? {
            Some(attributes) => Ok(Relation::Item(Item {
                object,
                attributes,
                meta: None,
            })),
            None => Err(Malformed("attributes")),
        }
    }
}

impl FromJsonView for Server {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            server_owner: or_default(value, "server_owner")?,
            identifier: required(value, "identifier")?,
            internal_id: optional(value, "internal_id")?,
            uuid: required(value, "uuid")?,
            name: required(value, "name")?,
            node: or_default(value, "node")?,
            is_node_under_maintenance: or_default(value, "is_node_under_maintenance")?,
            sftp_details: required(value, "sftp_details")?,
            description: or_default(value, "description")?,
            limits: required(value, "limits")?,
            invocation: or_default(value, "invocation")?,
            docker_image: or_default(value, "docker_image")?,
            egg_features: optional(value, "egg_features")?,
            feature_limits: or_default(value, "feature_limits")?,
            status: optional(value, "status")?,
            is_suspended: or_default(value, "is_suspended")?,
            is_installing: or_default(value, "is_installing")?,
            is_transferring: or_default(value, "is_transferring")?,
            relationships: optional(value, "relationships")?,
        })
    }
}

impl FromJsonView for SftpDetails {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            ip: required(value, "ip")?,
            port: required(value, "port")?,
        })
    }
}

impl FromJsonView for Limits {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            memory: or_default(value, "memory")?,
            swap: or_default(value, "swap")?,
            disk: or_default(value, "disk")?,
            io: or_default(value, "io")?,
            cpu: or_default(value, "cpu")?,
            threads: optional(value, "threads")?,
            oom_disabled: or_default(value, "oom_disabled")?,
        })
    }
}

impl FromJsonView for FeatureLimits {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            databases: optional(value, "databases")?,
            allocations: optional(value, "allocations")?,
            backups: optional(value, "backups")?,
        })
    }
}

impl FromJsonView for ServerStatus {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value
            .string()
            .map(|status| ServerStatus::parse(&status))
            .ok_or(WHOLE)
    }
}

impl FromJsonView for ServerRelationships {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            allocations: optional(value, "allocations")?,
            variables: optional(value, "variables")?,
            egg: optional(value, "egg")?,
            subusers: optional(value, "subusers")?,
        })
    }
}

impl FromJsonView for Allocation {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            id: required(value, "id")?,
            ip: required(value, "ip")?,
            ip_alias: optional(value, "ip_alias")?,
            port: required(value, "port")?,
            notes: optional(value, "notes")?,
            is_default: or_default(value, "is_default")?,
        })
    }
}

impl FromJsonView for EggSummary {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            uuid: required(value, "uuid")?,
            name: required(value, "name")?,
        })
    }
}

impl FromJsonView for Subuser {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            uuid: required(value, "uuid")?,
            username: required(value, "username")?,
            email: required(value, "email")?,
            image: or_default(value, "image")?,
            two_factor_enabled: or_default(value, "2fa_enabled")?,
            created_at: or_default(value, "created_at")?,
            permissions: or_default(value, "permissions")?,
        })
    }
}

impl FromJsonView for ServerMeta {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            is_server_owner: or_default(value, "is_server_owner")?,
            user_permissions: or_default(value, "user_permissions")?,
        })
    }
}

impl FromJsonView for Account {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            id: required(value, "id")?,
            admin: or_default(value, "admin")?,
            username: required(value, "username")?,
            email: required(value, "email")?,
            first_name: or_default(value, "first_name")?,
            last_name: or_default(value, "last_name")?,
            language: or_default(value, "language")?,
        })
    }
}

impl FromJsonView for ReportedState {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        word(value)
    }
}

impl FromJsonView for Stats {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            current_state: optional(value, "current_state")?.unwrap_or(ReportedState::Stopped),
            is_suspended: or_default(value, "is_suspended")?,
            resources: or_default(value, "resources")?,
        })
    }
}

impl FromJsonView for Resources {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            memory_bytes: or_default(value, "memory_bytes")?,
            cpu_absolute: or_default(value, "cpu_absolute")?,
            disk_bytes: or_default(value, "disk_bytes")?,
            network_rx_bytes: or_default(value, "network_rx_bytes")?,
            network_tx_bytes: or_default(value, "network_tx_bytes")?,
            uptime: optional(value, "uptime")?,
        })
    }
}

impl FromJsonView for FileObject {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            name: required(value, "name")?,
            mode: or_default(value, "mode")?,
            mode_bits: or_default(value, "mode_bits")?,
            size: or_default(value, "size")?,
            is_file: or_default(value, "is_file")?,
            is_symlink: or_default(value, "is_symlink")?,
            mimetype: or_default(value, "mimetype")?,
            created_at: or_default(value, "created_at")?,
            modified_at: or_default(value, "modified_at")?,
        })
    }
}

impl FromJsonView for EggVariable {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            name: required(value, "name")?,
            description: or_default(value, "description")?,
            env_variable: required(value, "env_variable")?,
            default_value: or_default(value, "default_value")?,
            server_value: optional(value, "server_value")?,
            is_editable: or_default(value, "is_editable")?,
            rules: or_default(value, "rules")?,
        })
    }
}

impl FromJsonView for StartupMeta {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            startup_command: or_default(value, "startup_command")?,
            raw_startup_command: or_default(value, "raw_startup_command")?,
            docker_images: optional(value, "docker_images")?,
        })
    }
}

impl FromJsonView for DockerImages {
    /// Display name → image; PHP's empty array, or a plain list of images (old eggs),
    /// each image its own name.
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        let images: BTreeMap<String, String> = match value.items() {
            Some(list) => list
                .iter()
                .map(|image| String::from_view(image).map(|image| (image.clone(), image)))
                .collect::<Result<_, _>>()?,
            None => value
                .entries()
                .ok_or(WHOLE)?
                .into_iter()
                .map(|(name, image)| String::from_view(&image).map(|image| (name, image)))
                .collect::<Result<_, _>>()?,
        };
        Ok(DockerImages(images))
    }
}

impl FromJsonView for WebsocketToken {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            data: required(value, "data")?,
        })
    }
}

impl FromJsonView for WebsocketCredentials {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            token: required(value, "token")?,
            socket: required(value, "socket")?,
        })
    }
}

impl FromJsonView for SignedUrl {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            url: required(value, "url")?,
        })
    }
}

impl FromJsonView for Backup {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            uuid: required(value, "uuid")?,
            is_successful: or_default(value, "is_successful")?,
            is_locked: or_default(value, "is_locked")?,
            name: required(value, "name")?,
            ignored_files: or_default(value, "ignored_files")?,
            checksum: optional(value, "checksum")?,
            bytes: or_default(value, "bytes")?,
            created_at: required(value, "created_at")?,
            completed_at: optional(value, "completed_at")?,
        })
    }
}

impl FromJsonView for BackupListMeta {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            pagination: optional(value, "pagination")?,
            backup_count: or_default(value, "backup_count")?,
        })
    }
}
