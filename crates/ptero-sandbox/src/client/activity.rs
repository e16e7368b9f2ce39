//! `GET /servers/{server}/activity` and `GET /account/activity` (panel
//! `ActivityLogController`s, `ActivityLogTransformer`): newest first (`?sort=timestamp`
//! for oldest first), 25 a page by default and at most 100, `?filter[event]=` partial,
//! `?include=actor`. Addresses are shown only to the actor and to root admins.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ptero_api::activity::{describe, ActivityRelationships, Properties, UserSummary};
use ptero_api::{ActivityList, ActivityLog, Item, List, Relation};
use serde_json::{Map, Value};

use super::access::UsableServer;
use crate::auth::Caller;
use crate::clock;
use crate::error::ApiError;
use crate::paging::{paginate, Params};
use crate::rng::digest_hex;
use crate::state::{lock, AppState};
use crate::world::manage::{ActivityRecord, Subject};
use crate::world::World;

/// Events the panel never lists (`ActivityLog::DISABLED_EVENTS`).
const DISABLED_EVENTS: [&str; 1] = ["server:file.upload"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/client/servers/{server}/activity",
            get(server_activity),
        )
        .route("/api/client/account/activity", get(account_activity))
}

async fn server_activity(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    query: Params,
) -> Result<Json<ActivityList>, ApiError> {
    access.require("activity.read")?;
    let subject = Subject::Server(access.server.uuid.clone());
    let url = format!(
        "{}/api/client/servers/{}/activity",
        state.panel_url, access.server.identifier
    );
    page(&state, &access.caller, &subject, &query, &url).map(Json)
}

async fn account_activity(
    State(state): State<AppState>,
    caller: Caller,
    query: Params,
) -> Result<Json<ActivityList>, ApiError> {
    let subject = Subject::User(caller.user.id);
    let url = format!("{}/api/client/account/activity", state.panel_url);
    page(&state, &caller, &subject, &query, &url).map(Json)
}

fn page(
    state: &AppState,
    caller: &Caller,
    subject: &Subject,
    query: &Params,
    url: &str,
) -> Result<ActivityList, ApiError> {
    let filters = query.filters(&["event"])?;
    let with_actor = query
        .get("include")
        .is_some_and(|include| include.split(',').any(|word| word.trim() == "actor"));
    let world = lock(&state.world);
    let mut entries: Vec<&ActivityRecord> = world
        .manage
        .activity
        .iter()
        .filter(|entry| entry.subjects.contains(subject))
        .filter(|entry| !DISABLED_EVENTS.contains(&entry.event.as_str()))
        .filter(|entry| {
            filters
                .iter()
                .all(|(_, value)| entry.event.contains(value.as_str()))
        })
        .collect();
    entries.sort_by_key(|entry| (entry.timestamp, entry.id));
    if query.get("sort") != Some("timestamp") {
        entries.reverse();
    }
    let per_page = query.per_page(25).min(100);
    let (entries, meta) = paginate(entries, query, per_page, url);
    let items: Vec<ActivityLog> = entries
        .into_iter()
        .map(|entry| entry_object(&world, caller, entry, with_actor))
        .collect();
    let mut list = List::new("activity_log", items);
    list.meta = Some(meta);
    Ok(list)
}

/// The transformer's property rules: a list gets a `{key}_count` (one such becomes
/// `count`), and another actor's `ip` reads `[hidden]`.
fn properties(entry: &ActivityRecord, own: bool) -> Map<String, Value> {
    let mut out = Map::new();
    let mut counts = Vec::new();
    for (key, value) in &entry.properties {
        if key == "ip" && !own {
            out.insert(key.clone(), Value::from("[hidden]"));
            continue;
        }
        out.insert(key.clone(), value.clone());
        if let Value::Array(items) = value {
            counts.push((format!("{key}_count"), items.len()));
        }
    }
    match counts.as_slice() {
        [(_, count)] => {
            out.insert("count".into(), Value::from(*count));
        }
        many => {
            for (key, count) in many {
                out.insert(key.clone(), Value::from(*count));
            }
        }
    }
    out
}

fn entry_object(
    world: &World,
    caller: &Caller,
    entry: &ActivityRecord,
    with_actor: bool,
) -> ActivityLog {
    let own = entry.actor_id == Some(caller.user.id);
    let props: Properties =
        serde_json::from_value(Value::Object(properties(entry, own))).unwrap_or_default();
    let sentence = describe(&entry.event, &Properties::default());
    let extra = entry.properties.keys().any(|key| {
        !["ip", "useragent", "using_sftp"].contains(&key.as_str())
            && !sentence.contains(&format!(":{key}"))
    });
    let actor = with_actor.then(|| match entry.actor_id.and_then(|id| world.user(id)) {
        Some(user) => Relation::Item(Item::new(
            "user",
            UserSummary {
                uuid: user.uuid.clone(),
                username: user.username.clone(),
                email: user.email.clone(),
                image: format!(
                    "https://gravatar.com/avatar/{}",
                    digest_hex(&user.email.to_lowercase())
                ),
                two_factor_enabled: user.use_totp,
                created_at: clock::atom(user.created_at, 0),
            },
        )),
        None => Relation::Null,
    });
    ActivityLog {
        id: digest_hex(&entry.id.to_string()),
        batch: entry.batch.clone(),
        event: entry.event.clone(),
        is_api: entry.api,
        ip: (own || caller.user.root_admin).then(|| entry.ip.clone()),
        description: None,
        properties: props,
        has_additional_metadata: extra,
        timestamp: clock::atom(entry.timestamp, 0),
        relationships: actor.map(|actor| ActivityRelationships { actor: Some(actor) }),
    }
}
