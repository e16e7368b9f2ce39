//! Counters of API requests per route and server, so tests can assert how many
//! requests reached the panel ("1,000 viewers → 1 upstream poll"), and a bounded log of
//! every request target exactly as it arrived, so tests can show what reached the panel
//! at all (the origin's pass-through must never reach outside `/api/client`).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::state::{lock, AppState};

/// How many requests one route got for one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestCount {
    pub method: String,
    /// The route template, e.g. `/api/client/servers/{server}/resources`.
    pub route: String,
    /// The server's 8-character identifier (a uuid in the URL counts under its short id).
    pub server: Option<String>,
    /// The route with the server filled in, e.g. `/api/client/servers/1a7c3f02/resources`.
    pub path: String,
    pub count: u64,
}

type Key = (String, String, Option<String>);

/// Entries the raw log keeps (the oldest go first).
pub const LOG_ENTRIES: usize = 10_000;

/// One request as it reached the panel's listener, before any routing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    /// The request target as sent: path and query, still percent-encoded.
    pub target: String,
}

/// Shared counters and the raw log.
#[derive(Debug, Clone, Default)]
pub struct Requests {
    counts: Arc<Mutex<BTreeMap<Key, u64>>>,
    log: Arc<Mutex<VecDeque<LoggedRequest>>>,
}

impl Requests {
    /// Every request target seen since the last reset (at most [`LOG_ENTRIES`]).
    pub fn log(&self) -> Vec<LoggedRequest> {
        lock(&self.log).iter().cloned().collect()
    }

    fn log_one(&self, method: &str, target: &str) {
        let mut log = lock(&self.log);
        if log.len() == LOG_ENTRIES {
            log.pop_front();
        }
        log.push_back(LoggedRequest {
            method: method.to_owned(),
            target: target.to_owned(),
        });
    }

    pub fn record(&self, method: &str, route: &str, server: Option<String>) {
        *lock(&self.counts)
            .entry((method.to_owned(), route.to_owned(), server))
            .or_default() += 1;
    }

    /// Every counter, sorted by route.
    pub fn snapshot(&self) -> Vec<RequestCount> {
        lock(&self.counts)
            .iter()
            .map(|((method, route, server), count)| RequestCount {
                method: method.clone(),
                route: route.clone(),
                server: server.clone(),
                path: match server {
                    Some(server) => route.replace("{server}", server),
                    None => route.clone(),
                },
                count: *count,
            })
            .collect()
    }

    /// The requests whose path (server filled in) starts with `path_prefix`, all methods.
    pub fn count(&self, path_prefix: &str) -> u64 {
        self.snapshot()
            .iter()
            .filter(|entry| entry.path.starts_with(path_prefix))
            .map(|entry| entry.count)
            .sum()
    }

    pub fn reset(&self) {
        lock(&self.counts).clear();
        lock(&self.log).clear();
    }
}

/// The server segment of `/api/client/servers/{server}/…`, as its short identifier.
fn server_segment(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/api/client/servers/")?;
    let segment = rest.split('/').next()?;
    Some(
        segment
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase(),
    )
}

/// Counts every request that reaches a route (outermost route layer).
pub async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(route) = request.extensions().get::<MatchedPath>() {
        let server = route
            .as_str()
            .contains("{server}")
            .then(|| server_segment(request.uri().path()))
            .flatten();
        state
            .requests
            .record(request.method().as_str(), route.as_str(), server);
    }
    next.run(request).await
}

/// Logs every request's target as it arrived (outermost layer, matched or not).
pub async fn log(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let target = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    state.requests.log_one(request.method().as_str(), &target);
    next.run(request).await
}
