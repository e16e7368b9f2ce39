//! Changing `[origins] allowed` in the file while keeping everything else (comments,
//! order, other keys) as written.

use ptero_api::{Origin, OriginAllowList};
use toml_edit::{Array, DocumentMut, Item, Table, Value};

use super::ConfigError;

fn allowed_array(doc: &mut DocumentMut) -> Result<&mut Array, ConfigError> {
    let origins = doc
        .entry("origins")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| ConfigError::Invalid {
            key: "origins".to_owned(),
            problem: "is not a section".to_owned(),
        })?;
    let allowed = origins
        .entry("allowed")
        .or_insert(Item::Value(Value::Array(Array::new())));
    allowed.as_array_mut().ok_or_else(|| ConfigError::Invalid {
        key: "origins.allowed".to_owned(),
        problem: "is not a list of origins".to_owned(),
    })
}

/// The listed entries, as written.
pub fn list(text: &str) -> Result<Vec<String>, ConfigError> {
    let mut doc = parse(text)?;
    Ok(allowed_array(&mut doc)?
        .iter()
        .filter_map(|value| value.as_str().map(str::to_owned))
        .collect())
}

fn parse(text: &str) -> Result<DocumentMut, ConfigError> {
    text.parse::<DocumentMut>()
        .map_err(|error| ConfigError::Syntax {
            path: "the configuration".to_owned(),
            error: error.to_string(),
        })
}

/// The text with `origin` added (normalised), or `None` when already listed.
pub fn add(text: &str, origin: &str) -> Result<Option<String>, ConfigError> {
    let origin = parse_origin(origin)?;
    let mut doc = parse(text)?;
    let array = allowed_array(&mut doc)?;
    let current = OriginAllowList::parse(array.iter().filter_map(|value| value.as_str())).map_err(
        |error| ConfigError::Invalid {
            key: "origins.allowed".to_owned(),
            problem: error.to_string(),
        },
    )?;
    if current.origins().contains(&origin) {
        return Ok(None);
    }
    array.push(origin.to_string());
    Ok(Some(doc.to_string()))
}

/// The text without `origin` (compared after normalising), or `None` when not listed.
pub fn remove(text: &str, origin: &str) -> Result<Option<String>, ConfigError> {
    let origin = parse_origin(origin)?;
    let mut doc = parse(text)?;
    let array = allowed_array(&mut doc)?;
    let before = array.len();
    array.retain(|value| {
        value
            .as_str()
            .and_then(|entry| Origin::parse(entry).ok())
            .is_none_or(|entry| entry != origin)
    });
    if array.len() == before {
        return Ok(None);
    }
    array.fmt();
    Ok(Some(doc.to_string()))
}

fn parse_origin(origin: &str) -> Result<Origin, ConfigError> {
    Origin::parse(origin.trim()).map_err(|error| ConfigError::Invalid {
        key: "origin".to_owned(),
        problem: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# the origin\nlisten = \"127.0.0.1:8090\" # keep me\n\n[origins]\nallowed = [\"https://a.example\"]\n\n[panel]\nurl = \"https://panel.example\"\n";

    #[test]
    fn adding_an_origin_keeps_the_rest_of_the_file() {
        let text = add(FILE, "HTTPS://Shop.Example:443")
            .expect("valid")
            .expect("changed");
        assert!(text.contains("# keep me"));
        assert!(text.contains("[panel]"));
        assert_eq!(
            list(&text).expect("list"),
            ["https://a.example", "https://shop.example"]
        );
    }

    #[test]
    fn adding_a_listed_origin_changes_nothing() {
        assert_eq!(add(FILE, "https://a.example/").expect("valid"), None);
    }

    #[test]
    fn removing_matches_after_normalising() {
        let text = remove(FILE, "https://A.example")
            .expect("valid")
            .expect("changed");
        assert!(list(&text).expect("list").is_empty());
        assert_eq!(remove(FILE, "https://b.example").expect("valid"), None);
    }

    #[test]
    fn an_invalid_origin_is_refused() {
        assert!(add(FILE, "https://*.example").is_err());
        assert!(add(FILE, "not an origin").is_err());
    }
}
