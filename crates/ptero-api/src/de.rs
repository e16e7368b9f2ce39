//! Small serde helpers for the panel's loose JSON: `null` where a value was expected.

use serde::{Deserialize, Deserializer};

/// Reads `null` (or a missing field, with `#[serde(default)]`) as the type's default.
///
/// PHP code paths that write `?: null` send `null` for an empty list or string, so a field
/// that is "usually a list" must still parse.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
