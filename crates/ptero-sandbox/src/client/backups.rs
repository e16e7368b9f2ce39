//! `/servers/{server}/backups`: list (with `backup_count`), create, view, download (a
//! signed URL), lock toggle, restore, delete (panel `BackupController`,
//! `InitiateBackupService`, `DeleteBackupService`). A backup runs for the sandbox's
//! power delay, then Wings sends `backup completed`; a restore marks the server
//! `restoring_backup` (409 for most actions) until Wings sends `backup restore
//! completed`. Throttles: 2 backups per 10 minutes per server in every flavour (the
//! panel's own 429 sentence), and on 1.12 and Pelican 3 restores per 15 minutes per
//! server (`ResourceLimit::BackupRestore`, before the permission check).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::RETRY_AFTER;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ptero_api::{
    BackupCompleted, BackupItem, BackupList, BackupListMeta, ErrorEnvelope, Inbound, Item, List,
    ServerStatus, SignedUrlItem,
};

use super::access::{ServerAccess, UsableServer};
use super::power::wings_reachable;
use super::signed::signed;
use crate::clock;
use crate::error::ApiError;
use crate::input::{self, Checks};
use crate::paging::{self, Params};
use crate::ratelimit::{self, Verdict};
use crate::state::{lock, AppState};
use crate::wings::token::UrlPurpose;
use crate::world::backups::{self, BackupRecord};

pub fn routes() -> Router<AppState> {
    let one = "/api/client/servers/{server}/backups/{backup}";
    Router::new()
        .route(
            "/api/client/servers/{server}/backups",
            get(backups_index).post(backups_store),
        )
        .route(one, get(backups_show).delete(backups_delete))
        .route(&format!("{one}/download"), get(backups_download))
        .route(&format!("{one}/lock"), post(backups_lock))
        .route(&format!("{one}/restore"), post(backups_restore))
}

/// The `{backup}` of the path: one of this server's (404 otherwise, as route binding and
/// `ResourceBelongsToServer` answer).
fn backup_of(
    state: &AppState,
    access: &ServerAccess,
    uuid: &str,
) -> Result<BackupRecord, ApiError> {
    let world = lock(&state.world);
    world
        .server(&access.server.uuid)
        .and_then(|server| {
            server
                .backups
                .iter()
                .find(|b| b.uuid == uuid.to_ascii_lowercase())
        })
        .cloned()
        .ok_or_else(ApiError::not_found)
}

fn item(access: &ServerAccess, backup: &BackupRecord) -> Json<BackupItem> {
    Json(Item::new(
        "backup",
        backup.to_wire(access.node.utc_offset_minutes),
    ))
}

async fn backups_index(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    query: Params,
) -> Result<Json<BackupList>, ApiError> {
    access.require("backup.read")?;
    let offset = access.node.utc_offset_minutes;
    let all = access.server.backups.clone();
    let backup_count = all.iter().filter(|b| b.counts_against_limit()).count() as u64;
    let per_page = query.per_page(20).min(50);
    let url = format!(
        "{}/api/client/servers/{}/backups",
        state.panel_url, access.server.identifier
    );
    let (page, meta) = paging::paginate(all, &query, per_page, &url);
    let mut list = List::new("backup", page.iter().map(|b| b.to_wire(offset)));
    list.meta = Some(BackupListMeta {
        pagination: meta.pagination,
        backup_count,
    });
    Ok(Json(list))
}

/// `Backup at 2024-05-01 10:00:00` (Carbon's `toDateTimeString`, the app's zone: UTC).
fn default_name(now: u64) -> String {
    let atom = clock::atom(now, 0);
    format!(
        "Backup at {}",
        atom.get(..19).unwrap_or(&atom).replace('T', " ")
    )
}

async fn backups_store(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    body: Bytes,
) -> Result<Json<BackupItem>, ApiError> {
    let body = input::object(&body)?;
    access.require("backup.create")?;
    let max_name = if state.config.flavor == ptero_api::Flavor::Pelican {
        255
    } else {
        191
    };
    let mut checks = Checks::default();
    let name = checks.optional_text(body.get("name"), "name");
    if name.as_ref().is_some_and(|n| n.chars().count() > max_name) {
        checks.fail(
            "name",
            "max",
            format!("The name may not be greater than {max_name} characters."),
        );
    }
    let locked = checks.boolean(body.get("is_locked"), "is_locked");
    let ignored = checks.optional_text(body.get("ignored"), "ignored");
    checks.finish()?;

    let now = clock::now_unix();
    let mut world = lock(&state.world);
    let server = world
        .server_mut(&access.server.uuid)
        .ok_or_else(ApiError::not_found)?;
    if let Some((limit, period)) = state.config.backup_throttle {
        let since = now.saturating_sub(period.as_secs());
        let recent: Vec<u64> = server
            .backups_started
            .iter()
            .copied()
            .filter(|at| *at > since)
            .collect();
        if recent.len() as u32 >= limit {
            let latest = recent.iter().copied().max().unwrap_or(now);
            let retry = (latest + period.as_secs()).saturating_sub(now).max(1);
            let detail = format!(
                "Only {limit} backups may be generated within a {} second span of time.",
                period.as_secs()
            );
            return Err(ApiError::new(ErrorEnvelope::single(
                "TooManyRequestsHttpException",
                429,
                detail,
            ))
            .with_header(RETRY_AFTER, retry));
        }
    }
    let limit = u64::from(access.server.feature_limits.backups.unwrap_or(0));
    let counted = server
        .backups
        .iter()
        .filter(|b| b.counts_against_limit())
        .count() as u64;
    if limit == 0 || counted >= limit {
        return Err(ApiError::new(ErrorEnvelope::single(
            "TooManyBackupsException",
            400,
            format!(
                "Cannot create a new backup, this server has reached its limit of {limit} backups."
            ),
        )));
    }
    wings_reachable(&state)?;
    let ignored: Vec<String> = ignored
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .filter(|line| !line.is_empty())
        .collect();
    let record = BackupRecord {
        uuid: state.random_uuid(),
        name: name.unwrap_or_else(|| default_name(now)),
        snapshot: backups::snapshot(&server.files, &ignored),
        ignored,
        // Only someone who may delete backups may lock one.
        locked: locked && access.meta.can("backup.delete"),
        successful: false,
        checksum: None,
        bytes: 0,
        created: now,
        completed: None,
    };
    server.backups.push(record.clone());
    server.backups_started.push(now);
    drop(world);
    finish_later(&state, &access.server.uuid, &record.uuid);
    Ok(item(&access, &record))
}

/// Wings writes the archive, then tells the panel and the server's sockets.
fn finish_later(state: &AppState, server_uuid: &str, backup_uuid: &str) {
    let (state, server_uuid, backup_uuid) = (
        state.clone(),
        server_uuid.to_owned(),
        backup_uuid.to_owned(),
    );
    tokio::spawn(async move {
        tokio::time::sleep(state.config.power_delay).await;
        let done = {
            let mut world = lock(&state.world);
            let Some(backup) = world
                .server_mut(&server_uuid)
                .and_then(|server| server.backups.iter_mut().find(|b| b.uuid == backup_uuid))
            else {
                return;
            };
            let checksum =
                crate::rng::digest_hex(&backup_uuid) + &crate::rng::digest_hex(&backup.name)[..8];
            backup.successful = true;
            backup.completed = Some(clock::now_unix());
            backup.bytes = backups::size_of(&backup.snapshot);
            backup.checksum = Some(format!("sha1:{checksum}"));
            BackupCompleted {
                uuid: backup_uuid.clone(),
                is_successful: true,
                checksum,
                checksum_type: "sha1".to_owned(),
                file_size: backup.bytes,
            }
        };
        if let Some(runtime) = state.runtimes.get(&server_uuid) {
            runtime.emit(Inbound::BackupCompleted(done));
        }
    });
}

async fn backups_show(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
) -> Result<Json<BackupItem>, ApiError> {
    let backup = backup_of(&state, &access, param(&params))?;
    access.require("backup.read")?;
    Ok(item(&access, &backup))
}

fn param(params: &HashMap<String, String>) -> &str {
    params.get("backup").map(String::as_str).unwrap_or_default()
}

async fn backups_download(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
) -> Result<Json<SignedUrlItem>, ApiError> {
    let backup = backup_of(&state, &access, param(&params))?;
    access.require("backup.download")?;
    signed(&state, &access, UrlPurpose::Backup { uuid: backup.uuid })
}

async fn backups_lock(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
) -> Result<Json<BackupItem>, ApiError> {
    let backup = backup_of(&state, &access, param(&params))?;
    access.require("backup.delete")?;
    let mut world = lock(&state.world);
    let stored = world
        .server_mut(&access.server.uuid)
        .and_then(|server| server.backups.iter_mut().find(|b| b.uuid == backup.uuid))
        .ok_or_else(ApiError::not_found)?;
    stored.locked = !stored.locked;
    let toggled = stored.clone();
    Ok(item(&access, &toggled))
}

async fn backups_delete(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    let backup = backup_of(&state, &access, param(&params))?;
    access.require("backup.delete")?;
    // A locked backup that failed may still go (`DeleteBackupService`).
    if backup.locked && backup.successful && backup.completed.is_some() {
        return Err(ApiError::new(ErrorEnvelope::single(
            "BackupLockedException",
            400,
            "Cannot delete a backup that is marked as locked.",
        )));
    }
    wings_reachable(&state)?;
    if let Some(server) = lock(&state.world).server_mut(&access.server.uuid) {
        server.backups.retain(|b| b.uuid != backup.uuid);
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn backups_restore(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Path<HashMap<String, String>>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let backup = backup_of(&state, &access, param(&params))?;
    if let Some(limiter) = &state.restore_limiter {
        if let Verdict::Limited { limit, retry_after } = limiter.hit(&access.server.uuid) {
            return Err(ratelimit::too_many(limit, retry_after));
        }
    }
    let body = input::object(&body)?;
    access.require("backup.restore")?;
    let mut checks = Checks::default();
    if body.get("truncate").is_none_or(|v| v.is_null()) {
        checks.fail(
            "truncate",
            "required",
            "The truncate field is required.".to_owned(),
        );
    }
    let truncate = checks.boolean(body.get("truncate"), "truncate");
    checks.finish()?;
    if access.server.status.is_some() {
        return Err(ApiError::bad_request(
            "This server is not currently in a state that allows for a backup to be restored.",
        ));
    }
    if !backup.successful && backup.completed.is_none() {
        return Err(ApiError::bad_request(
            "This backup cannot be restored at this time: not completed or failed.",
        ));
    }
    wings_reachable(&state)?;
    if let Some(server) = lock(&state.world).server_mut(&access.server.uuid) {
        server.status = Some(ServerStatus::RestoringBackup);
    }
    let (state, uuid) = (state.clone(), access.server.uuid.clone());
    tokio::spawn(async move {
        tokio::time::sleep(state.config.power_delay).await;
        if let Some(server) = lock(&state.world).server_mut(&uuid) {
            if truncate {
                server.files.clear();
            }
            for node in backup.snapshot {
                server.files.retain(|existing| existing.path != node.path);
                server.files.push(node);
            }
            server.status = None;
        }
        if let Some(runtime) = state.runtimes.get(&uuid) {
            runtime.emit(Inbound::BackupRestoreCompleted);
        }
    });
    Ok(StatusCode::NO_CONTENT)
}
