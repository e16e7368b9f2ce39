//! `GET /v1/stream?servers=a,b,c`: one SSE connection for many servers. Each viewer
//! gets the latest summary of each server, then live events from the shared pollers.
//! Sessions granted `console` also get console lines (the last 100, then live).
//! A viewer that falls behind is closed (it reconnects), and every stream ends on
//! shutdown or when its session expires.

use std::convert::Infallible;
use std::time::Duration;

use std::net::SocketAddr;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream, StreamExt as _};
use ptero_api::origin::StreamEvent;
use ptero_api::Action;
use serde::Deserialize;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamMap;

use super::servers::granted_server;
use crate::access;
use crate::auth::session::{SessionKey, Viewer};
use crate::error::AppError;
use crate::revocations;
use crate::state::AppState;

/// Servers one stream may watch.
const MAX_SERVERS: usize = 50;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/stream", get(stream_open))
}

#[derive(Debug, Deserialize)]
struct StreamQuery {
    servers: String,
}

fn to_sse(event: &StreamEvent) -> Event {
    Event::default()
        .event(event.event_name())
        .data(event.to_json())
}

async fn stream_open(
    State(state): State<AppState>,
    Viewer(session): Viewer,
    SessionKey(key): SessionKey,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let mut ids = Vec::new();
    for raw in query
        .servers
        .split(',')
        .map(str::trim)
        .filter(|raw| !raw.is_empty())
    {
        let id = granted_server(&session, raw)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() || ids.len() > MAX_SERVERS {
        return Err(AppError::bad_request(format!(
            "name 1 to {MAX_SERVERS} servers: ?servers=1a2b3c4d,5e6f7a8b"
        )));
    }

    let slot = state
        .stream_slots
        .acquire(&key, state.throttles.client_ip(Some(peer), &headers))?;
    let mut reads = Vec::with_capacity(ids.len());
    for id in &ids {
        reads.push(access::require_status(&state, &session, &key, id).await?);
    }

    let mut snapshots = Vec::new();
    let mut live = StreamMap::new();
    let mut subscriptions = Vec::new();
    for (id, reads) in ids.iter().zip(reads) {
        let console = session.allows(Action::Console) && reads.console;
        let mut subscription = state.hub.subscribe(id, console);
        if let Some(summary) = subscription.snapshot.take() {
            snapshots.push(to_sse(&StreamEvent::Summary(summary)));
        }
        if let Some(receiver) = subscription.receiver.take() {
            live.insert(id.to_string(), BroadcastStream::new(receiver));
        }
        if let Some((history, receiver)) = subscription.console.take() {
            let server = id.short().to_owned();
            snapshots.extend(history.into_iter().map(|line| {
                to_sse(&StreamEvent::Console {
                    server: server.clone(),
                    line,
                })
            }));
            live.insert(format!("{id}#console"), BroadcastStream::new(receiver));
        }
        subscriptions.push(subscription);
    }

    // A lagged receiver ends the whole stream: the viewer reconnects and starts fresh
    // rather than being buffered without bound.
    let live = tokio_stream::StreamExt::map_while(live, move |(_, item)| {
        let _keep_subscribed = (&subscriptions, &slot);
        item.ok().map(|event| to_sse(&event))
    });
    // Ends on shutdown, expiry, sign-out, or the removal of the session's origin or site.
    let end = async move { revocations::ended(&state, &key, &session).await };
    let events = stream::iter(snapshots)
        .chain(live)
        .take_until(end)
        .map(Ok::<_, Infallible>);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
