//! The panel's Fractal envelopes: one item, a list (with pagination), and relationships
//! that may be a `null_resource` when the key lacks the permission to see them.

use std::fmt;

use serde::de::{Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `object` of a relationship the key may not see.
pub const NULL_RESOURCE: &str = "null_resource";

/// One item: `{"object": "...", "attributes": {...}, "meta"?: {...}}`.
///
/// `M` is the item's `meta` (for example [`crate::ServerMeta`] on `GET /servers/{id}`);
/// items inside lists carry none, hence the default [`NoMeta`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item<T, M = NoMeta> {
    pub object: String,
    pub attributes: T,
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub meta: Option<M>,
}

impl<T, M> Item<T, M> {
    /// Wraps `attributes` as the panel would, with no meta.
    pub fn new(object: impl Into<String>, attributes: T) -> Self {
        Self {
            object: object.into(),
            attributes,
            meta: None,
        }
    }

    /// Wraps `attributes` with a `meta` block.
    pub fn with_meta(object: impl Into<String>, attributes: T, meta: M) -> Self {
        Self {
            object: object.into(),
            attributes,
            meta: Some(meta),
        }
    }
}

/// The `meta` of an item that has none the clients read (items inside lists): whatever
/// the panel puts there is skipped, without building a generic JSON value (whose parser
/// weighs ~5 KB brotli in the app's bundle).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoMeta;

impl<'de> Deserialize<'de> for NoMeta {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| NoMeta)
    }
}

impl Serialize for NoMeta {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}

/// A list: `{"object": "list", "data": [items], "meta"?: {...}}`.
///
/// `M` is `ListMeta` (pagination) for paged lists; the startup list uses
/// [`crate::StartupMeta`] instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T, M = ListMeta> {
    pub object: String,
    pub data: Vec<Item<T>>,
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub meta: Option<M>,
}

impl<T, M> List<T, M> {
    /// A list of items that all carry the same `object` name, without meta.
    pub fn new(object: &str, items: impl IntoIterator<Item = T>) -> Self {
        Self {
            object: "list".to_owned(),
            data: items
                .into_iter()
                .map(|attributes| Item::new(object, attributes))
                .collect(),
            meta: None,
        }
    }

    /// The attributes of every item, in order.
    pub fn attributes(&self) -> impl Iterator<Item = &T> {
        self.data.iter().map(|item| &item.attributes)
    }
}

impl<T> List<T, ListMeta> {
    /// The pagination block, when the panel sent one.
    pub fn pagination(&self) -> Option<&Pagination> {
        self.meta.as_ref().and_then(|meta| meta.pagination.as_ref())
    }
}

/// `meta` of a paged list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
}

/// `meta.pagination`. All numbers are integers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    pub total: u64,
    pub count: u64,
    pub per_page: u64,
    pub current_page: u64,
    pub total_pages: u64,
    /// `{}` when there is no other page.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: PageLinks,
}

impl Pagination {
    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        self.links.next.is_some() || self.current_page < self.total_pages
    }
}

/// `pagination.links`: `previous` and `next` (not `prev`), each absent at the ends.
///
/// PHP serialises an empty links array as `[]` on some code paths, so a list is read as
/// "no links" too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PageLinks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl<'de> Deserialize<'de> for PageLinks {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Links;
        impl<'de> Visitor<'de> for Links {
            type Value = PageLinks;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("pagination links: an object, or PHP's empty array")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PageLinks, A::Error> {
                let mut links = PageLinks::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "previous" => links.previous = map.next_value()?,
                        "next" => links.next = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(links)
            }

            // Only the shape matters: PHP's empty array.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PageLinks, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(PageLinks::default())
            }
        }
        deserializer.deserialize_any(Links)
    }
}

/// An include inside `attributes.relationships`: a list, a single item, or a
/// `{"object":"null_resource","attributes":null}` when the key lacks the permission.
#[derive(Debug, Clone, PartialEq)]
pub enum Relation<T> {
    List(List<T>),
    Item(Item<T>),
    Null,
}

impl<T> Relation<T> {
    /// The related items: empty for `null_resource`, one for an item include.
    pub fn items(&self) -> &[Item<T>] {
        match self {
            Relation::List(list) => &list.data,
            Relation::Item(item) => std::slice::from_ref(item),
            Relation::Null => &[],
        }
    }

    /// Whether the panel hid this include (`null_resource`).
    pub fn is_null(&self) -> bool {
        matches!(self, Relation::Null)
    }
}

impl<T: Serialize> Serialize for Relation<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Relation::List(list) => list.serialize(serializer),
            Relation::Item(item) => item.serialize(serializer),
            Relation::Null => {
                let mut state = serializer.serialize_struct("Relation", 2)?;
                state.serialize_field("object", NULL_RESOURCE)?;
                state.serialize_field("attributes", &())?;
                state.end()
            }
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Relation<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(bound = "T: Deserialize<'de>")]
        struct Raw<T> {
            object: String,
            #[serde(default = "Option::default")]
            data: Option<Vec<Item<T>>>,
            #[serde(default = "Option::default")]
            attributes: Option<T>,
        }
        let raw = Raw::<T>::deserialize(deserializer)?;
        if raw.object == NULL_RESOURCE {
            return Ok(Relation::Null);
        }
        match (raw.data, raw.attributes) {
            (Some(data), _) => Ok(Relation::List(List {
                object: raw.object,
                data,
                // A relation's meta is informational (the panel pages no include), so it
                // is skipped, whatever its shape.
                meta: None,
            })),
            (None, Some(attributes)) => Ok(Relation::Item(Item {
                object: raw.object,
                attributes,
                meta: None,
            })),
            (None, None) => Err(D::Error::custom(
                "a relationship has neither `data` nor `attributes`",
            )),
        }
    }
}
