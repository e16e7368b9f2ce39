//! The file as a TOML table, inline secrets refused, environment variables laid over it.

use toml::{Table, Value};

use super::ConfigError;

/// Environment variables `PTERO_ORIGIN__SECTION__KEY` override `[section] key`.
pub const ENV_PREFIX: &str = "PTERO_ORIGIN__";

/// Keys that hold secrets: allowed from the environment only.
fn is_secret(path: &[String]) -> bool {
    matches!(
        path.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["panel", "client_key"]
            | ["panel", "application_key"]
            | ["sites", _, "secret"]
            | ["sso", "secret"]
            | ["keys", "encryption_key"]
            | ["alerts", "targets", _, "url"]
            | ["alerts", "targets", _, "secret"]
    )
}

/// The environment variable that sets `path`.
pub fn env_name(path: &[&str]) -> String {
    format!("{ENV_PREFIX}{}", path.join("__").to_ascii_uppercase())
}

pub fn read(
    text: &str,
    source: &str,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Table, ConfigError> {
    let mut table: Table = text
        .parse()
        .map_err(|error: toml::de::Error| ConfigError::Syntax {
            path: source.to_owned(),
            error: error.message().to_owned(),
        })?;
    refuse_inline_secrets(&table, &mut Vec::new())?;
    for (name, value) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let path: Vec<String> = rest
            .split("__")
            .map(str::to_ascii_lowercase)
            .filter(|segment| !segment.is_empty())
            .collect();
        if path.is_empty() {
            continue;
        }
        let value = if is_secret(&path) {
            Value::String(value)
        } else {
            parse_value(&value)
        };
        set(&mut table, &path, value, &name)?;
    }
    Ok(table)
}

fn refuse_inline_secrets(table: &Table, path: &mut Vec<String>) -> Result<(), ConfigError> {
    for (key, value) in table {
        path.push(key.clone());
        if is_secret(path) {
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            return Err(ConfigError::InlineSecret {
                key: refs.join("."),
                env: env_name(&refs),
            });
        }
        if let Value::Table(inner) = value {
            refuse_inline_secrets(inner, path)?;
        }
        path.pop();
    }
    Ok(())
}

/// A TOML value when it reads as one (`5`, `true`, `["a", "b"]`), else the text.
fn parse_value(text: &str) -> Value {
    format!("v = {text}")
        .parse::<Table>()
        .ok()
        .and_then(|mut table| table.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_owned()))
}

fn set(table: &mut Table, path: &[String], value: Value, env: &str) -> Result<(), ConfigError> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut current = table;
    for segment in parents {
        let entry = current
            .entry(segment.clone())
            .or_insert_with(|| Value::Table(Table::new()));
        current = match entry {
            Value::Table(inner) => inner,
            _ => {
                return Err(ConfigError::Invalid {
                    key: env.to_owned(),
                    problem: format!("`{segment}` is not a section, so it has no keys to set"),
                })
            }
        };
    }
    current.insert(last.clone(), value);
    Ok(())
}
