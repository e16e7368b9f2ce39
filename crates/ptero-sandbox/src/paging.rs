//! Query strings as Laravel reads them, and its length-aware paginator as Fractal shows
//! it: `meta.pagination` with `links` `{}` or `previous`/`next` URLs that keep the
//! request's other query parameters.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use ptero_api::{ErrorEnvelope, ListMeta, PageLinks, Pagination};

use crate::error::ApiError;

/// The query string's pairs, in request order; an unreadable query reads as empty.
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let pairs = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|Query(pairs)| pairs)
            .unwrap_or_default();
        Ok(Self(pairs))
    }
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// `per_page`, `default` when absent or not a number (PHP casts leniently).
    pub fn per_page(&self, default: u64) -> u64 {
        self.get("per_page")
            .and_then(|value| value.trim().parse::<u64>().ok())
            .unwrap_or(default)
    }

    /// The `filter[name]=value` pairs; a name outside `allowed` is spatie's 400
    /// `InvalidFilterQuery`.
    pub fn filters(&self, allowed: &[&str]) -> Result<Vec<(String, String)>, ApiError> {
        let mut filters = Vec::new();
        for (key, value) in &self.0 {
            let Some(name) = key
                .strip_prefix("filter[")
                .and_then(|k| k.strip_suffix(']'))
            else {
                continue;
            };
            if !allowed.contains(&name) {
                return Err(ApiError::new(ErrorEnvelope::single(
                    "InvalidFilterQuery",
                    400,
                    format!(
                        "Requested filter(s) `{name}` are not allowed. Allowed filter(s) are `{}`.",
                        allowed.join(", ")
                    ),
                )));
            }
            filters.push((name.to_owned(), value.clone()));
        }
        Ok(filters)
    }
}

/// One page of `items` and its meta. `page` below 1 or unreadable is 1.
pub fn paginate<T>(items: Vec<T>, query: &Params, per_page: u64, url: &str) -> (Vec<T>, ListMeta) {
    let per_page = per_page.max(1);
    let page = query
        .get("page")
        .and_then(|page| page.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1);
    let total = items.len() as u64;
    let total_pages = total.div_ceil(per_page).max(1);
    let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let take = usize::try_from(per_page).unwrap_or(usize::MAX);
    let data: Vec<T> = items.into_iter().skip(skip).take(take).collect();
    let link = |target: u64| page_url(url, query, target);
    let links = PageLinks {
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < total_pages).then(|| link(page + 1)),
    };
    let pagination = Pagination {
        total,
        count: data.len() as u64,
        per_page,
        current_page: page,
        total_pages,
        links,
    };
    (
        data,
        ListMeta {
            pagination: Some(pagination),
        },
    )
}

fn page_url(url: &str, query: &Params, page: u64) -> String {
    let mut pairs: Vec<String> = query
        .0
        .iter()
        .filter(|(key, _)| key != "page")
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    pairs.push(format!("page={page}"));
    format!("{url}?{}", pairs.join("&"))
}

/// PHP's `urlencode` for query parts.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn links_are_empty_on_a_single_page_and_keep_other_parameters() {
        let (data, meta) = paginate(vec![1, 2, 3], &params(&[]), 50, "http://p/api/client");
        assert_eq!(data, [1, 2, 3]);
        let pagination = meta.pagination.unwrap_or_default();
        assert_eq!(pagination.links, PageLinks::default());

        let query = params(&[("per_page", "2"), ("page", "2")]);
        let (data, meta) = paginate(vec![1, 2, 3, 4, 5], &query, 2, "http://p/api/client");
        assert_eq!(data, [3, 4]);
        let pagination = meta.pagination.unwrap_or_default();
        assert_eq!(pagination.total_pages, 3);
        assert_eq!(
            pagination.links.previous.as_deref(),
            Some("http://p/api/client?per_page=2&page=1")
        );
        assert_eq!(
            pagination.links.next.as_deref(),
            Some("http://p/api/client?per_page=2&page=3")
        );
    }

    #[test]
    fn unknown_filters_are_refused() {
        let query = params(&[("filter[email]", "a"), ("filter[password]", "b")]);
        assert!(query.filters(&["email"]).is_err());
        let query = params(&[("filter[email]", "a")]);
        assert_eq!(
            query.filters(&["email"]).ok(),
            Some(vec![("email".into(), "a".into())])
        );
    }
}
