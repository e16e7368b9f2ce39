//! `[alerts]`: where alerts go (`[alerts.targets.NAME]`: Discord, Slack or a signed JSON
//! webhook; the URL and the signing secret are secrets, from the environment or files) and
//! which servers they are about (`[alerts.rules.NAME]`: servers or a site's servers, the
//! kinds, thresholds, targets).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use ptero_api::alerts::{AlertKind, Thresholds};
use ptero_api::ServerId;
use serde::Deserialize;

use super::overlay::env_name;
use super::{ConfigError, Secret, Site};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlerts {
    #[serde(default)]
    pub targets: BTreeMap<String, RawTarget>,
    #[serde(default)]
    pub rules: BTreeMap<String, RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// `discord`, `slack` or `webhook`.
    pub kind: String,
    /// Only from the environment (`PTERO_ORIGIN__ALERTS__TARGETS__<NAME>__URL`).
    pub url: Option<String>,
    pub url_file: Option<PathBuf>,
    /// `webhook` only, from the environment (`…__SECRET`) or a file: signs each POST.
    pub secret: Option<String>,
    pub secret_file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// A site's `[sites.NAME]`: its `servers` list is watched.
    pub site: Option<String>,
    #[serde(default)]
    pub servers: Vec<String>,
    /// What to tell (default: everything but `online`).
    pub kinds: Option<Vec<String>>,
    pub cpu_percent: Option<f64>,
    pub memory_percent: Option<f64>,
    pub disk_percent: Option<f64>,
    #[serde(default = "default_sustain")]
    pub sustain_secs: u64,
    #[serde(default = "default_unreachable")]
    pub unreachable_secs: u64,
    pub targets: Vec<String>,
}

fn default_sustain() -> u64 {
    120
}

fn default_unreachable() -> u64 {
    180
}

/// How a target wants its alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    /// An embed, as Discord's webhooks take it.
    Discord,
    /// Blocks, as Slack's incoming webhooks take them.
    Slack,
    /// Plain JSON signed with HMAC-SHA256 (`X-Ptero-Signature`, `X-Ptero-Timestamp`).
    Webhook { secret: Secret },
}

/// One place alerts go. `Debug` never shows the URL (it is the credential).
#[derive(Clone)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
    pub url: Secret,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Which servers one rule watches, for what, and where it sends what it finds.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub servers: Vec<ServerId>,
    pub kinds: Vec<AlertKind>,
    pub thresholds: Thresholds,
    pub targets: Vec<String>,
}

/// The checked `[alerts]`.
#[derive(Debug, Clone, Default)]
pub struct AlertsConfig {
    pub targets: BTreeMap<String, Target>,
    pub rules: Vec<Rule>,
}

fn invalid(key: &str, problem: impl std::fmt::Display) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        problem: problem.to_string(),
    }
}

fn secret(
    value: Option<String>,
    file: Option<PathBuf>,
    key: &str,
    what: &str,
) -> Result<Option<Secret>, ConfigError> {
    match (value, file) {
        (Some(value), _) => Ok(Some(Secret::new(value.trim().to_owned()))),
        (None, Some(path)) => std::fs::read_to_string(&path)
            .map(|text| Some(Secret::new(text.trim().to_owned())))
            .map_err(|error| {
                invalid(
                    key,
                    format!("cannot read {what} from {}: {error}", path.display()),
                )
            }),
        (None, None) => Ok(None),
    }
}

fn name_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub fn resolve(
    raw: Option<RawAlerts>,
    sites: &BTreeMap<String, Site>,
) -> Result<AlertsConfig, ConfigError> {
    let Some(raw) = raw else {
        return Ok(AlertsConfig::default());
    };
    let mut targets = BTreeMap::new();
    for (name, target) in raw.targets {
        let key = |field: &str| format!("alerts.targets.{name}.{field}");
        if !name_ok(&name) {
            return Err(invalid(
                &format!("alerts.targets.{name}"),
                "a target's name uses a-z, 0-9 and _ only (it names environment variables)",
            ));
        }
        let url_env = env_name(&["alerts", "targets", &name, "url"]);
        let url = secret(target.url, target.url_file, &key("url_file"), "the URL")?
            .ok_or_else(|| ConfigError::Missing {
                key: key("url_file"),
                hint: format!("the webhook URL is a secret: point url_file at a file holding it, or set {url_env}"),
            })?;
        if !url.expose().starts_with("https://") && !url.expose().starts_with("http://") {
            return Err(invalid(&key("url"), "not an http(s) URL"));
        }
        let kind = match target.kind.as_str() {
            "discord" => TargetKind::Discord,
            "slack" => TargetKind::Slack,
            "webhook" => {
                let env = env_name(&["alerts", "targets", &name, "secret"]);
                let secret = secret(target.secret, target.secret_file, &key("secret_file"), "the signing secret")?
                    .ok_or_else(|| ConfigError::Missing {
                        key: key("secret_file"),
                        hint: format!("a webhook target signs its POSTs: point secret_file at a file with 32 or more random characters, or set {env}"),
                    })?;
                if secret.expose().len() < 32 {
                    return Err(invalid(
                        &key("secret"),
                        "the signing secret needs at least 32 characters: `openssl rand -hex 32`",
                    ));
                }
                TargetKind::Webhook { secret }
            }
            other => {
                return Err(invalid(
                    &key("kind"),
                    format!(
                        "{other:?} is not a target kind: use \"discord\", \"slack\" or \"webhook\""
                    ),
                ))
            }
        };
        targets.insert(name.clone(), Target { name, kind, url });
    }
    let mut rules = Vec::new();
    for (name, rule) in raw.rules {
        let key = |field: &str| format!("alerts.rules.{name}.{field}");
        let mut servers = Vec::new();
        if let Some(site) = &rule.site {
            let found = sites
                .values()
                .find(|candidate| &candidate.name == site)
                .ok_or_else(|| invalid(&key("site"), format!("there is no [sites.{site}]")))?;
            if found.scope.servers.is_empty() {
                return Err(invalid(
                    &key("site"),
                    format!("[sites.{site}] lists no `servers`, so this rule would watch nothing: list them there, or name `servers` here"),
                ));
            }
            servers.extend(found.scope.servers.iter().cloned());
        }
        for (index, server) in rule.servers.iter().enumerate() {
            servers.push(ServerId::parse(server).map_err(|error| {
                invalid(&key("servers"), format!("entry {}: {error}", index + 1))
            })?);
        }
        if servers.is_empty() {
            return Err(ConfigError::Missing {
                key: key("servers"),
                hint: "a rule names `servers = [...]` or a `site` whose servers it watches"
                    .to_owned(),
            });
        }
        let kinds = match rule.kinds {
            None => AlertKind::ALL
                .into_iter()
                .filter(|kind| *kind != AlertKind::Online)
                .collect(),
            Some(names) => names
                .iter()
                .map(|text| {
                    AlertKind::parse(text).ok_or_else(|| {
                        invalid(
                            &key("kinds"),
                            format!(
                                "{text:?} is not an alert kind: use {}",
                                AlertKind::ALL.map(AlertKind::as_str).join(", ")
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        for target in &rule.targets {
            if !targets.contains_key(target) {
                return Err(invalid(
                    &key("targets"),
                    format!("there is no [alerts.targets.{target}]"),
                ));
            }
        }
        if rule.targets.is_empty() {
            return Err(ConfigError::Missing {
                key: key("targets"),
                hint: "the targets (`[alerts.targets.NAME]`) this rule's alerts go to".to_owned(),
            });
        }
        let percent = |value: Option<f64>, field: &str| -> Result<Option<f64>, ConfigError> {
            match value {
                Some(value) if !(1.0..=1000.0).contains(&value) => {
                    Err(invalid(&key(field), "a percentage from 1 to 1000"))
                }
                other => Ok(other),
            }
        };
        let defaults = Thresholds::default();
        let thresholds = Thresholds {
            cpu_percent: percent(rule.cpu_percent, "cpu_percent")?.or(defaults.cpu_percent),
            memory_percent: percent(rule.memory_percent, "memory_percent")?
                .or(defaults.memory_percent),
            disk_percent: percent(rule.disk_percent, "disk_percent")?.or(defaults.disk_percent),
            sustain_ms: Duration::from_secs(rule.sustain_secs.clamp(1, 86_400)).as_millis() as u64,
            unreachable_ms: Duration::from_secs(rule.unreachable_secs.clamp(10, 86_400)).as_millis()
                as u64,
            online: kinds.contains(&AlertKind::Online),
        };
        servers.dedup();
        rules.push(Rule {
            name,
            servers,
            kinds,
            thresholds,
            targets: rule.targets,
        });
    }
    Ok(AlertsConfig { targets, rules })
}
