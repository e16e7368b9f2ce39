//! Serde-free readers of the wire shapes the browser bundles receive: the origin's
//! answers (the card, [`origin`]) and the panel's Client API objects (the app, [`panel`]).
//!
//! The bundles read objects that the browser's own `JSON.parse` built. With serde_json,
//! the derived deserializers are monomorphised per type into the wasm: about 20 KB
//! brotli of the card's 90 KB budget and more of the app's; these readers cost a
//! fraction of that. Native code (origin, sandbox) keeps serde. Each reader builds the
//! same value as the type's serde derive: `tests/json_view.rs` holds the two equal on
//! every fixture. One leniency: a `null` member reads as absent, so a defaulted field
//! takes its default where serde would refuse a `null` bool.

use std::str::FromStr;

use crate::claims::Action;
use crate::resources::PowerState;

mod manage;
mod origin;
mod panel;

/// Read access to one parsed JSON value.
pub trait JsonView: Sized {
    /// Member `key` of an object; `None` when absent, `null`, or `self` is no object.
    fn member(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    /// The elements of an array; `None` for anything else.
    fn items(&self) -> Option<Vec<Self>>;
    /// The members of an object, in any order; `None` for anything else (arrays too).
    fn entries(&self) -> Option<Vec<(String, Self)>>;
}

/// The member that was missing or malformed (`""`: the value itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

/// A wire type readable from a [`JsonView`].
pub trait FromJsonView: Sized {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed>;
}

/// Member `key`, which must be there.
pub fn required<T: FromJsonView, V: JsonView>(
    value: &V,
    key: &'static str,
) -> Result<T, Malformed> {
    let member = value.member(key).ok_or(Malformed(key))?;
    T::from_view(&member).map_err(|inner| name(inner, key))
}

/// Member `key`, `None` when absent or `null`.
pub fn optional<T: FromJsonView, V: JsonView>(
    value: &V,
    key: &'static str,
) -> Result<Option<T>, Malformed> {
    value
        .member(key)
        .map(|member| T::from_view(&member).map_err(|inner| name(inner, key)))
        .transpose()
}

/// The innermost member named wins: `resources.memory_bytes` reports `memory_bytes`.
fn name(inner: Malformed, key: &'static str) -> Malformed {
    if inner.0.is_empty() {
        Malformed(key)
    } else {
        inner
    }
}

pub(crate) const WHOLE: Malformed = Malformed("");

impl FromJsonView for String {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value.string().ok_or(WHOLE)
    }
}

impl FromJsonView for f64 {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value.number().ok_or(WHOLE)
    }
}

impl FromJsonView for bool {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value.boolean().ok_or(WHOLE)
    }
}

impl<T: FromJsonView> FromJsonView for Vec<T> {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        value
            .items()
            .ok_or(WHOLE)?
            .iter()
            .map(T::from_view)
            .collect()
    }
}

/// Member `key` or, when absent or `null`, the type's default.
pub fn or_default<T: FromJsonView + Default, V: JsonView>(
    value: &V,
    key: &'static str,
) -> Result<T, Malformed> {
    optional(value, key).map(Option::unwrap_or_default)
}

/// An integer that fits `T` (serde_json refuses fractions and out-of-range numbers).
fn integer<T: TryFrom<u64> + TryFrom<i64>, V: JsonView>(value: &V) -> Result<T, Malformed> {
    let fits = match value.number() {
        Some(n) if n.fract() != 0.0 => None,
        // `u64::MAX as f64` rounds up to 2^64, the first number past the range.
        Some(n) if n >= 0.0 && n < u64::MAX as f64 => T::try_from(n as u64).ok(),
        Some(n) if n < 0.0 && n >= i64::MIN as f64 => T::try_from(n as i64).ok(),
        _ => None,
    };
    fits.ok_or(WHOLE)
}

impl FromJsonView for u64 {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        integer(value)
    }
}

impl FromJsonView for i64 {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        integer(value)
    }
}

impl FromJsonView for u32 {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        integer(value)
    }
}

impl FromJsonView for u16 {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        integer(value)
    }
}

/// A unit enum read from its wire word through `FromStr`.
pub(crate) fn word<T: FromStr, V: JsonView>(value: &V) -> Result<T, Malformed> {
    value
        .string()
        .and_then(|word| word.parse().ok())
        .ok_or(WHOLE)
}

impl FromJsonView for PowerState {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        word(value)
    }
}

impl FromJsonView for crate::alerts::AlertKind {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        word(value)
    }
}

impl FromJsonView for Action {
    fn from_view<V: JsonView>(value: &V) -> Result<Self, Malformed> {
        word(value)
    }
}

/// serde_json's value, for the native side and the tests that hold both readers equal.
impl JsonView for serde_json::Value {
    fn member(&self, key: &str) -> Option<Self> {
        self.get(key).filter(|member| !member.is_null()).cloned()
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }

    fn entries(&self) -> Option<Vec<(String, Self)>> {
        self.as_object()
            .map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}
