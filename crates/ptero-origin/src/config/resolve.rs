//! From the raw file to a checked [`Config`]: parse URLs, origins and actions, read key
//! files, pin each site's algorithm.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey};
use ptero_api::{Action, ApiKey, KeyUse, Origin, OriginAllowList, PanelUrl};

use super::overlay::env_name;
use super::raw::{RawConfig, RawKeys, RawPanel, RawSite, RawSso, RawStore};
use super::{
    Config, ConfigError, EncryptionKey, KeyMode, Limits, PanelConfig, RedisUrl, Secret, Site,
    SsoConfig, StaticConfig, StreamConfig, ThrottleConfig,
};
use crate::store::StoreKind;

/// A site's verification key with its pinned algorithm.
#[derive(Clone)]
pub struct SiteKey {
    pub algorithm: Algorithm,
    pub key: DecodingKey,
}

impl fmt::Debug for SiteKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SiteKey")
            .field("algorithm", &self.algorithm)
            .field("key", &"<redacted>")
            .finish()
    }
}

fn invalid(key: &str, problem: impl fmt::Display) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        problem: problem.to_string(),
    }
}

fn read_secret_file(key: &str, path: &Path) -> Result<Secret, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| invalid(key, format!("cannot read {}: {error}", path.display())))?;
    Ok(Secret::new(text.trim().to_owned()))
}

pub fn resolve(raw: RawConfig) -> Result<Config, ConfigError> {
    let listen: SocketAddr = raw.listen.parse().map_err(|_| {
        invalid(
            "listen",
            format!(
                "{:?} is not an address and port such as 127.0.0.1:8090",
                raw.listen
            ),
        )
    })?;
    let public_url = raw.public_url.ok_or_else(|| ConfigError::Missing {
        key: "public_url".to_owned(),
        hint: "set it to the address browsers use to reach this server, such as https://cards.example.com; hand-off tokens must name it as `aud`".to_owned(),
    })?;
    let public_url = Origin::parse(&public_url).map_err(|error| invalid("public_url", error))?;

    let panel = raw.panel.ok_or_else(|| ConfigError::Missing {
        key: "panel".to_owned(),
        hint: "add a [panel] section with `url` and `client_key_file`".to_owned(),
    })?;
    let url = panel.url.clone().ok_or_else(|| ConfigError::Missing {
        key: "panel.url".to_owned(),
        hint: "the panel's address, such as https://panel.example.com".to_owned(),
    })?;
    let url = PanelUrl::parse(&url).map_err(|error| invalid("panel.url", error))?;
    let (client_key, application_key, key_mode) = resolve_keys(panel)?;
    let encryption_key = raw.keys.map(resolve_encryption_key).transpose()?.flatten();
    if key_mode == KeyMode::PerUser {
        if application_key.is_none() {
            return Err(ConfigError::Missing {
                key: "panel.application_key_file".to_owned(),
                hint: format!(
                    "key_mode = \"per_user\" provisions keys through the application API: point it at a file holding an application key (ptla_…), or set {}",
                    env_name(&["panel", "application_key"])
                ),
            });
        }
        if encryption_key.is_none() {
            return Err(ConfigError::Missing {
                key: "keys.encryption_key_file".to_owned(),
                hint: format!(
                    "key_mode = \"per_user\" stores keys encrypted: add [keys] encryption_key_file with 32 random bytes in base64 (`openssl rand -base64 32`), or set {}",
                    env_name(&["keys", "encryption_key"])
                ),
            });
        }
    }
    let sso = raw.sso.map(resolve_sso).transpose()?;
    let audit_retention = super::AuditRetention {
        keep: raw.store.audit_keep.clamp(100, 10_000_000),
        max_age: Duration::from_secs(raw.store.audit_days.clamp(1, 3650) * 24 * 3600),
    };
    let store = resolve_store(raw.store)?;

    let allowed_origins = OriginAllowList::parse(raw.origins.allowed.iter().map(String::as_str))
        .map_err(|error| invalid("origins.allowed", error))?;

    let mut sites = BTreeMap::new();
    for (name, site) in raw.sites {
        let site = resolve_site(&name, site)?;
        if sites.contains_key(&site.issuer) {
            return Err(invalid(
                &format!("sites.{name}.issuer"),
                format!("{:?} is used by two sites", site.issuer),
            ));
        }
        sites.insert(site.issuer.clone(), site);
    }

    let alerts = super::alerts::resolve(raw.alerts, &sites)?;

    let limits = Limits {
        request_timeout: Duration::from_secs(raw.limits.request_timeout_secs.max(1)),
        body_bytes: raw.limits.body_bytes.max(1024),
        proxy_per_minute: raw.limits.proxy_per_minute,
        command_chars: raw.limits.command_chars.clamp(1, 4096),
        header_read_timeout: Duration::from_secs(raw.limits.header_read_timeout_secs.clamp(1, 300)),
        write_timeout: Duration::from_secs(raw.limits.write_timeout_secs.clamp(1, 600)),
        max_connections: raw.limits.max_connections.clamp(16, 1_000_000),
        max_connections_per_ip: raw.limits.max_connections_per_ip.clamp(1, 1_000_000),
        streams_per_session: raw.limits.streams_per_session.clamp(1, 1000),
        streams_per_ip: raw.limits.streams_per_ip.clamp(1, 100_000),
        throttle: ThrottleConfig {
            session_per_minute: raw.limits.session_per_minute.max(1),
            ip_per_minute: raw.limits.ip_per_minute.max(1),
            exchange_per_minute: raw.limits.exchange_per_minute.max(1),
            power_per_minute: raw.limits.power_per_minute.max(1),
            command_per_minute: raw.limits.command_per_minute.max(1),
            sso_per_minute: raw.limits.sso_per_minute.max(1),
            proxy_ip_per_minute: raw.limits.proxy_ip_per_minute.max(1),
            proxy_key_per_minute: raw.limits.proxy_key_per_minute.max(1),
            trust_forwarded_for: raw.limits.trust_forwarded_for,
        },
        upstream_per_minute: (raw.limits.upstream_per_minute > 0)
            .then_some(raw.limits.upstream_per_minute),
    };
    let ops_listen: SocketAddr = raw.ops.listen.parse().map_err(|_| {
        invalid(
            "ops.listen",
            format!(
                "{:?} is not an address and port such as 127.0.0.1:9464 (keep it private: it serves /metrics and /readyz)",
                raw.ops.listen
            ),
        )
    })?;
    let stream = StreamConfig {
        poll_interval: Duration::from_millis(raw.stream.poll_interval_ms.max(50)),
        viewer_buffer: raw.stream.viewer_buffer.clamp(4, 4096),
        max_backoff: Duration::from_secs(raw.stream.max_backoff_secs.max(1)),
        token_interval: Duration::from_millis(raw.stream.token_interval_ms.max(100)),
        // Players are asked of the games only where some site shows them.
        players_every: sites
            .values()
            .any(|site: &Site| site.players)
            .then_some(crate::players::EVERY),
    };
    Ok(Config {
        listen,
        public_url,
        panel: PanelConfig {
            url,
            client_key,
            application_key,
            key_mode,
        },
        allowed_origins,
        sites,
        static_files: StaticConfig {
            app_dir: raw.static_files.app_dir,
            card_dir: raw.static_files.card_dir,
        },
        limits,
        stream,
        session_ttl: Duration::from_secs(raw.session.ttl_secs.clamp(1, 24 * 3600)),
        reload_interval: (raw.origins.reload_interval_secs > 0)
            .then(|| Duration::from_secs(raw.origins.reload_interval_secs)),
        path: None,
        store,
        audit_retention,
        sso,
        encryption_key,
        ops_listen,
        alerts,
    })
}

/// A secret from the environment (already laid over the file) or from its file.
fn secret_from(
    value: Option<String>,
    file: Option<&Path>,
    file_key: &str,
) -> Result<Option<Secret>, ConfigError> {
    match (value, file) {
        (Some(value), _) => Ok(Some(Secret::new(value.trim().to_owned()))),
        (None, Some(path)) => read_secret_file(file_key, path).map(Some),
        (None, None) => Ok(None),
    }
}

fn resolve_keys(panel: RawPanel) -> Result<(ApiKey, Option<ApiKey>, KeyMode), ConfigError> {
    let key_env = env_name(&["panel", "client_key"]);
    let key = secret_from(
        panel.client_key,
        panel.client_key_file.as_deref(),
        "panel.client_key_file",
    )?
    .ok_or_else(|| ConfigError::Missing {
        key: "panel.client_key_file".to_owned(),
        hint: format!("point it at a file holding the panel client key (ptlc_…), or set {key_env}"),
    })?;
    let client_key =
        ApiKey::parse(key.expose()).map_err(|error| invalid("panel client key", error))?;
    client_key
        .check_client_api()
        .map_err(|error| invalid("panel client key", error))?;

    let application_key = secret_from(
        panel.application_key,
        panel.application_key_file.as_deref(),
        "panel.application_key_file",
    )?
    .map(|key| {
        let key =
            ApiKey::parse(key.expose()).map_err(|error| invalid("panel application key", error))?;
        // Both keys come from one panel: a Pelican client key says the panel is Pelican.
        key.check_use(KeyUse::ApplicationApi, client_key.kind().family())
            .map_err(|error| invalid("panel application key", error))?;
        Ok(key)
    })
    .transpose()?;

    let key_mode = match panel.key_mode.as_str() {
        "shared" => KeyMode::Shared,
        "per_user" => KeyMode::PerUser,
        other => {
            return Err(invalid(
                "panel.key_mode",
                format!("{other:?} is not a key mode: use \"shared\" or \"per_user\""),
            ))
        }
    };
    Ok((client_key, application_key, key_mode))
}

fn resolve_sso(raw: RawSso) -> Result<SsoConfig, ConfigError> {
    let issuer = raw
        .issuer
        .filter(|issuer| !issuer.trim().is_empty())
        .ok_or_else(|| ConfigError::Missing {
            key: "sso.issuer".to_owned(),
            hint: "the site URL the PteroCA addon expects as the SSO token's `iss`, such as https://shop.example.com".to_owned(),
        })?;
    let secret = secret_from(raw.secret, raw.secret_file.as_deref(), "sso.secret_file")?
        .ok_or_else(|| ConfigError::Missing {
            key: "sso.secret_file".to_owned(),
            hint: format!(
                "the PteroCA addon's SSO secret (from `php artisan pteroca:generate-secret-key`): point secret_file at a file, or set {}",
                env_name(&["sso", "secret"])
            ),
        })?;
    if secret.expose().len() < 32 {
        return Err(invalid(
            "sso.secret",
            "the SSO secret needs at least 32 characters: generate it with the addon's `pteroca:generate-secret-key`",
        ));
    }
    Ok(SsoConfig {
        secret,
        issuer: issuer.trim().to_owned(),
        user_cache: Duration::from_secs(raw.user_cache_secs.min(3600)),
    })
}

fn resolve_encryption_key(raw: RawKeys) -> Result<Option<EncryptionKey>, ConfigError> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    let Some(secret) = secret_from(
        raw.encryption_key,
        raw.encryption_key_file.as_deref(),
        "keys.encryption_key_file",
    )?
    else {
        return Ok(None);
    };
    let bytes = STANDARD
        .decode(secret.expose())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| {
            invalid(
                "keys.encryption_key",
                "it must be 32 bytes in base64: generate one with `openssl rand -base64 32`",
            )
        })?;
    Ok(Some(EncryptionKey(bytes)))
}

fn resolve_store(raw: RawStore) -> Result<StoreKind, ConfigError> {
    match raw.kind.as_str() {
        "sqlite" => Ok(StoreKind::Sqlite { path: raw.path }),
        "memory" => Ok(StoreKind::Memory),
        "redis" => {
            let url = raw.redis_url.ok_or_else(|| ConfigError::Missing {
                key: "store.redis_url".to_owned(),
                hint: format!(
                    "the shared Redis, such as redis://127.0.0.1:6379/0 (or set {})",
                    env_name(&["store", "redis_url"])
                ),
            })?;
            if url.starts_with("rediss://") {
                return Err(invalid(
                    "store.redis_url",
                    "TLS to Redis (rediss://) is not built in: keep Redis on a private network, or reach it through a local TLS tunnel, and use redis://",
                ));
            }
            let info = ::redis::IntoConnectionInfo::into_connection_info(url.as_str()).map_err(
                |error| {
                    invalid(
                        "store.redis_url",
                        format!("not a Redis address such as redis://127.0.0.1:6379/0: {error}"),
                    )
                },
            )?;
            let shown = format!("{}/{}", info.addr(), info.redis_settings().db());
            Ok(StoreKind::Redis(RedisUrl {
                url: Secret::new(url),
                shown,
            }))
        }
        other => Err(invalid(
            "store.kind",
            format!("{other:?} is not a store: use \"sqlite\" (the default, one instance), \"memory\" (one instance, nothing kept) or \"redis\" (several instances)"),
        )),
    }
}

fn resolve_site(name: &str, raw: RawSite) -> Result<Site, ConfigError> {
    let key_name = |field: &str| format!("sites.{name}.{field}");
    let issuer = raw.issuer.ok_or_else(|| ConfigError::Missing {
        key: key_name("issuer"),
        hint: "the `iss` the site's hand-off tokens carry, such as https://shop.example.com"
            .to_owned(),
    })?;
    let actions = Action::parse_list(&raw.actions.join(" "))
        .map_err(|error| invalid(&key_name("actions"), error))?;
    let secret_env = env_name(&["sites", name, "secret"]);
    let key = match raw.algorithm.as_str() {
        "HS256" => {
            let secret = match (raw.secret, raw.secret_file) {
                (Some(secret), _) => Secret::new(secret),
                (None, Some(path)) => read_secret_file(&key_name("secret_file"), &path)?,
                (None, None) => {
                    return Err(ConfigError::Missing {
                        key: key_name("secret_file"),
                        hint: format!("an HS256 site needs its shared secret: point secret_file at a file, or set {secret_env}"),
                    })
                }
            };
            if secret.expose().len() < 32 {
                return Err(invalid(
                    &key_name("secret"),
                    "an HS256 secret needs at least 32 characters: generate one with `openssl rand -hex 32`",
                ));
            }
            SiteKey {
                algorithm: Algorithm::HS256,
                key: DecodingKey::from_secret(secret.expose().as_bytes()),
            }
        }
        "RS256" | "EdDSA" => {
            let path = raw.public_key_file.ok_or_else(|| ConfigError::Missing {
                key: key_name("public_key_file"),
                hint: format!(
                    "a {} site needs its public key as a PEM file",
                    raw.algorithm
                ),
            })?;
            let pem = std::fs::read(&path).map_err(|error| {
                invalid(
                    &key_name("public_key_file"),
                    format!("cannot read {}: {error}", path.display()),
                )
            })?;
            let (algorithm, key) = if raw.algorithm == "RS256" {
                (Algorithm::RS256, DecodingKey::from_rsa_pem(&pem))
            } else {
                (Algorithm::EdDSA, DecodingKey::from_ed_pem(&pem))
            };
            let key = key.map_err(|error| {
                invalid(
                    &key_name("public_key_file"),
                    format!("not a {} public key in PEM: {error}", raw.algorithm),
                )
            })?;
            SiteKey { algorithm, key }
        }
        other => {
            return Err(invalid(
                &key_name("algorithm"),
                format!("{other:?} is not supported: use HS256, RS256 or EdDSA"),
            ))
        }
    };
    let mut scope = super::SiteScope {
        owners: raw.owners,
        ..super::SiteScope::default()
    };
    for (index, server) in raw.servers.iter().enumerate() {
        let id = ptero_api::ServerId::parse(server).map_err(|error| {
            invalid(
                &key_name("servers"),
                format!("entry {}: {error}", index + 1),
            )
        })?;
        scope.servers.push(id);
    }
    Ok(Site {
        name: name.to_owned(),
        issuer,
        key,
        actions,
        scope,
        emails_verified: raw.emails_verified,
        external_id_prefix: raw.external_id_prefix.filter(|prefix| !prefix.is_empty()),
        sso_admins: raw.sso_admins,
        backend_exchange: raw.backend_exchange,
        players: raw.players,
        player_details: raw.players && raw.player_details,
    })
}
