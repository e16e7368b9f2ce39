//! Readers of the shapes of the app's management screens: schedules, databases,
//! subusers and permissions, allocations, activity, API and SSH keys.

use super::{optional, or_default, required, FromJsonView, JsonView, Malformed, WHOLE};
use crate::account_security::{SshKey, TwoFactorSetup, TwoFactorSetupData};
use crate::activity::{ActivityLog, ActivityRelationships, Properties, UserSummary, Value};
use crate::application::{SecretTokenMeta, UserApiKey};
use crate::databases::{Database, DatabaseHost, DatabasePassword, DatabaseRelationships};
use crate::schedules::{Cron, Schedule, ScheduleRelationships, Task, TaskAction};
use crate::subusers::{PermissionGroup, PermissionGroups, SystemPermissions};

impl FromJsonView for Schedule {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            id: required(value, "id")?,
            name: required(value, "name")?,
            cron: required(value, "cron")?,
            is_active: or_default(value, "is_active")?,
            is_processing: or_default(value, "is_processing")?,
            only_when_online: or_default(value, "only_when_online")?,
            last_run_at: optional(value, "last_run_at")?,
            next_run_at: optional(value, "next_run_at")?,
            created_at: or_default(value, "created_at")?,
            updated_at: or_default(value, "updated_at")?,
            relationships: optional(value, "relationships")?,
        })
    }
}

impl FromJsonView for ScheduleRelationships {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            tasks: required(value, "tasks")?,
        })
    }
}

impl FromJsonView for Cron {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            minute: required(value, "minute")?,
            hour: required(value, "hour")?,
            day_of_month: required(value, "day_of_month")?,
            month: required(value, "month")?,
            day_of_week: required(value, "day_of_week")?,
        })
    }
}

impl FromJsonView for Task {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            id: required(value, "id")?,
            sequence_id: required(value, "sequence_id")?,
            action: required(value, "action")?,
            payload: or_default(value, "payload")?,
            time_offset: or_default(value, "time_offset")?,
            is_queued: or_default(value, "is_queued")?,
            continue_on_failure: or_default(value, "continue_on_failure")?,
            created_at: or_default(value, "created_at")?,
            updated_at: or_default(value, "updated_at")?,
        })
    }
}

impl FromJsonView for TaskAction {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value
            .string()
            .map(|word| TaskAction::parse(&word))
            .ok_or(WHOLE)
    }
}

impl FromJsonView for Database {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            id: required(value, "id")?,
            host: required(value, "host")?,
            name: required(value, "name")?,
            username: required(value, "username")?,
            connections_from: required(value, "connections_from")?,
            max_connections: optional(value, "max_connections")?,
            relationships: optional(value, "relationships")?,
        })
    }
}

impl FromJsonView for DatabaseHost {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            address: required(value, "address")?,
            port: required(value, "port")?,
        })
    }
}

impl FromJsonView for DatabaseRelationships {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            password: optional(value, "password")?,
        })
    }
}

impl FromJsonView for DatabasePassword {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            password: required(value, "password")?,
        })
    }
}

impl FromJsonView for SystemPermissions {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            permissions: required(value, "permissions")?,
        })
    }
}

/// An object's members in order; PHP's empty `[]` is an empty object.
fn members<V: JsonView>(value: &V) -> Result<Vec<(String, V)>, Malformed> {
    match value.items() {
        Some(items) if items.is_empty() => Ok(Vec::new()),
        Some(_) => Err(WHOLE),
        None => value.entries().ok_or(WHOLE),
    }
}

impl FromJsonView for PermissionGroups {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        members(value)?
            .into_iter()
            .map(|(name, group)| {
                let keys = match group.member("keys") {
                    Some(keys) => members(&keys)?
                        .into_iter()
                        .map(|(key, text)| String::from_view(&text).map(|text| (key, text)))
                        .collect::<Result<_, _>>()
                        .map_err(|_| Malformed("keys"))?,
                    None => Vec::new(),
                };
                Ok(PermissionGroup {
                    name,
                    description: or_default(&group, "description")?,
                    keys,
                })
            })
            .collect::<Result<_, _>>()
            .map(PermissionGroups)
    }
}

impl FromJsonView for ActivityLog {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            id: required(value, "id")?,
            batch: optional(value, "batch")?,
            event: required(value, "event")?,
            is_api: or_default(value, "is_api")?,
            ip: optional(value, "ip")?,
            description: optional(value, "description")?,
            properties: or_default(value, "properties")?,
            has_additional_metadata: or_default(value, "has_additional_metadata")?,
            timestamp: required(value, "timestamp")?,
            relationships: optional(value, "relationships")?,
        })
    }
}

impl FromJsonView for ActivityRelationships {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            actor: optional(value, "actor")?,
        })
    }
}

impl FromJsonView for UserSummary {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            uuid: required(value, "uuid")?,
            username: required(value, "username")?,
            email: required(value, "email")?,
            image: or_default(value, "image")?,
            two_factor_enabled: or_default(value, "2fa_enabled")?,
            created_at: or_default(value, "created_at")?,
        })
    }
}

impl FromJsonView for Value {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        if let Some(text) = value.string() {
            return Ok(Value::Text(text));
        }
        if let Some(number) = value.number() {
            return Ok(Value::Number(number));
        }
        if let Some(flag) = value.boolean() {
            return Ok(Value::Bool(flag));
        }
        if let Some(items) = value.items() {
            return items
                .iter()
                .map(Value::from_view)
                .collect::<Result<_, _>>()
                .map(Value::List);
        }
        match value.entries() {
            Some(entries) => entries
                .into_iter()
                .map(|(key, member)| Value::from_view(&member).map(|member| (key, member)))
                .collect::<Result<_, _>>()
                .map(Value::Map),
            None => Ok(Value::Null),
        }
    }
}

impl FromJsonView for Properties {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        match Value::from_view(value)? {
            Value::Map(members) => Ok(Properties(members)),
            Value::List(items) if items.is_empty() => Ok(Properties::default()),
            Value::Null => Ok(Properties::default()),
            _ => Err(WHOLE),
        }
    }
}

impl FromJsonView for UserApiKey {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            identifier: required(value, "identifier")?,
            description: or_default(value, "description")?,
            allowed_ips: or_default(value, "allowed_ips")?,
            last_used_at: optional(value, "last_used_at")?,
            created_at: or_default(value, "created_at")?,
        })
    }
}

impl FromJsonView for SecretTokenMeta {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            secret_token: required(value, "secret_token")?,
        })
    }
}

impl FromJsonView for SshKey {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            name: required(value, "name")?,
            fingerprint: required(value, "fingerprint")?,
            public_key: or_default(value, "public_key")?,
            created_at: or_default(value, "created_at")?,
        })
    }
}

impl FromJsonView for TwoFactorSetup {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            data: required(value, "data")?,
        })
    }
}

impl FromJsonView for TwoFactorSetupData {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        Ok(Self {
            image_url_data: required(value, "image_url_data")?,
            secret: required(value, "secret")?,
        })
    }
}
