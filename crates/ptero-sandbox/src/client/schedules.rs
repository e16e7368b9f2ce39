//! `/servers/{server}/schedules` and their tasks (panel `ScheduleController`,
//! `ScheduleTaskController`, `ProcessScheduleService`): list, create, view, update, run
//! now, delete; tasks created, moved and deleted with the others renumbered. Running a
//! schedule runs its tasks on the sandbox's processes in order, each after its time
//! offset (a hundred times faster than the panel's queue: 300 s is 3 s).

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ptero_api::cron::{self, Moment};
use ptero_api::resource_limits::Resource;
use ptero_api::schedules::{
    ScheduleRelationships, MAX_SCHEDULE_NAME, MAX_TIME_OFFSET, TASKS_PER_SCHEDULE,
};
use ptero_api::{
    Cron, Item, List, PowerSignal, PowerState, Schedule, ScheduleItem, ScheduleList, Task,
    TaskAction, TaskItem,
};
use serde_json::{json, Map, Value};

use super::access::{ServerAccess, UsableServer};
use super::manage::{self, Peer};
use crate::clock;
use crate::error::ApiError;
use crate::input::{self, Checks};
use crate::state::{lock, AppState};
use crate::world::manage::{ScheduleRecord, Subject, TaskRecord};

const BASE: &str = "/api/client/servers/{server}/schedules";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(schedules_index).post(schedules_store))
        .route(
            &format!("{BASE}/{{schedule}}"),
            get(schedules_view)
                .post(schedules_update)
                .delete(schedules_delete),
        )
        .route(
            &format!("{BASE}/{{schedule}}/execute"),
            post(schedules_execute),
        )
        .route(&format!("{BASE}/{{schedule}}/tasks"), post(tasks_store))
        .route(
            &format!("{BASE}/{{schedule}}/tasks/{{task}}"),
            post(tasks_update).delete(tasks_delete),
        )
}

type Params = Path<HashMap<String, String>>;

fn id_of(params: &HashMap<String, String>, key: &str) -> Result<u64, ApiError> {
    params
        .get(key)
        .and_then(|id| id.parse().ok())
        .ok_or_else(ApiError::not_found)
}

fn task_object(task: &TaskRecord) -> Task {
    Task {
        id: task.id,
        sequence_id: task.sequence_id,
        action: task.action.clone(),
        payload: task.payload.clone(),
        time_offset: task.time_offset,
        is_queued: task.is_queued,
        continue_on_failure: task.continue_on_failure,
        created_at: clock::atom(task.created_at, 0),
        updated_at: clock::atom(task.updated_at, 0),
    }
}

fn schedule_object(schedule: &ScheduleRecord) -> Schedule {
    let mut tasks: Vec<&TaskRecord> = schedule.tasks.iter().collect();
    tasks.sort_by_key(|task| task.sequence_id);
    Schedule {
        id: schedule.id,
        name: schedule.name.clone(),
        cron: schedule.cron.clone(),
        is_active: schedule.is_active,
        is_processing: schedule.is_processing,
        only_when_online: schedule.only_when_online,
        last_run_at: schedule.last_run_at.map(|at| clock::atom(at, 0)),
        next_run_at: schedule
            .next_run_at
            .or_else(|| next_run(&schedule.cron, clock::now_unix()))
            .map(|at| clock::atom(at, 0)),
        created_at: clock::atom(schedule.created_at, 0),
        updated_at: clock::atom(schedule.updated_at, 0),
        relationships: Some(ScheduleRelationships {
            tasks: List::new("schedule_task", tasks.into_iter().map(task_object)),
        }),
    }
}

/// The first minute after `from` the schedule runs at (UTC), within a year.
pub fn next_run(cron: &Cron, from: u64) -> Option<u64> {
    let start = (from / 60 + 1) * 60;
    (0..366 * 24 * 60u64).map(|n| start + n * 60).find(|at| {
        let days = (*at / 86_400) as i64;
        let (_, month, day) = clock::civil_from_days(days);
        let second = at % 86_400;
        let moment = Moment {
            minute: (second % 3600 / 60) as u32,
            hour: (second / 3600) as u32,
            day,
            month,
            weekday: ((days + 4).rem_euclid(7)) as u32,
        };
        cron::matches(cron, moment).unwrap_or(false)
    })
}

/// The body of a create or update, checked as `StoreScheduleRequest` and then as the
/// cron library would.
struct ScheduleInput {
    name: String,
    cron: Cron,
    is_active: bool,
    only_when_online: bool,
}

fn schedule_input(body: &Map<String, Value>) -> Result<ScheduleInput, ApiError> {
    let mut checks = Checks::default();
    let name = checks.required_text(body.get("name"), "name");
    if name
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_SCHEDULE_NAME)
    {
        checks.fail(
            "name",
            "max",
            format!("The name may not be greater than {MAX_SCHEDULE_NAME} characters."),
        );
    }
    if body.get("is_active").is_some_and(Value::is_null) {
        checks.fail(
            "is_active",
            "filled",
            "The is active field is required.".into(),
        );
    }
    let is_active = checks.boolean(body.get("is_active"), "is_active");
    let only_when_online = checks.boolean(body.get("only_when_online"), "only_when_online");
    let mut field = |key: &str| checks.required_text(body.get(key), key).unwrap_or_default();
    let (minute, hour, day_of_month, day_of_week) = (
        field("minute"),
        field("hour"),
        field("day_of_month"),
        field("day_of_week"),
    );
    // `month` has no rule of its own: a missing month fails as a bad expression.
    let month = match input::field(body, "month") {
        input::Input::Text(text) => Some(text),
        _ => None,
    };
    checks.finish()?;
    let invalid = || {
        manage::refused(
            "DisplayException",
            "The cron data provided does not evaluate to a valid expression.",
        )
    };
    let cron = Cron::new(
        &minute,
        &hour,
        &day_of_month,
        &month.ok_or_else(invalid)?,
        &day_of_week,
    );
    if cron::check_all(&cron).is_err_and(|problem| problem.blocks_saving()) {
        return Err(invalid());
    }
    Ok(ScheduleInput {
        name: name.unwrap_or_default(),
        cron,
        is_active,
        only_when_online,
    })
}

async fn schedules_index(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
) -> Result<Json<ScheduleList>, ApiError> {
    access.require("schedule.read")?;
    let world = lock(&state.world);
    let items = world
        .manage
        .schedules_of(&access.server.uuid)
        .map(schedule_object);
    Ok(Json(List::new(
        "server_schedule",
        items.collect::<Vec<_>>(),
    )))
}

async fn schedules_store(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    peer: Peer,
    body: Bytes,
) -> Result<Json<ScheduleItem>, ApiError> {
    manage::throttle(&state, Resource::ScheduleCreate, &access.server.uuid)?;
    let body = input::object(&body)?;
    access.require("schedule.create")?;
    let input = schedule_input(&body)?;
    let now = clock::now_unix();
    let object = {
        let mut world = lock(&state.world);
        let id = world.manage.next_id();
        let record = ScheduleRecord {
            id,
            server_uuid: access.server.uuid.clone(),
            name: input.name,
            next_run_at: next_run(&input.cron, now),
            cron: input.cron,
            is_active: input.is_active,
            is_processing: false,
            only_when_online: input.only_when_online,
            last_run_at: None,
            created_at: now,
            updated_at: now,
            tasks: Vec::new(),
        };
        let object = schedule_object(&record);
        world.manage.schedules.push(record);
        object
    };
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:schedule.create",
        json!({"name": object.name}),
        server(&access),
    );
    Ok(Json(Item::new("server_schedule", object)))
}

fn server(access: &ServerAccess) -> Subject {
    Subject::Server(access.server.uuid.clone())
}

/// The schedule named in the path, as the route model binding finds it: 404 for an
/// unknown id or another server's schedule.
fn with_schedule<T>(
    state: &AppState,
    access: &ServerAccess,
    params: &HashMap<String, String>,
    change: impl FnOnce(&mut ScheduleRecord) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let id = id_of(params, "schedule")?;
    let mut world = lock(&state.world);
    let schedule = world
        .manage
        .schedule_mut(&access.server.uuid, id)
        .ok_or_else(ApiError::not_found)?;
    change(schedule)
}

async fn schedules_view(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Params,
) -> Result<Json<ScheduleItem>, ApiError> {
    with_schedule(&state, &access, &params, |schedule| {
        access.require("schedule.read")?;
        Ok(Json(Item::new(
            "server_schedule",
            schedule_object(schedule),
        )))
    })
}

async fn schedules_update(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Params,
    peer: Peer,
    body: Bytes,
) -> Result<Json<ScheduleItem>, ApiError> {
    let body = input::object(&body)?;
    let object = with_schedule(&state, &access, &params, |schedule| {
        access.require("schedule.update")?;
        let input = schedule_input(&body)?;
        // Toggling a schedule clears a stuck "processing" (panel#2425).
        if schedule.is_active != input.is_active {
            schedule.is_processing = false;
        }
        schedule.next_run_at = next_run(&input.cron, clock::now_unix());
        schedule.name = input.name;
        schedule.cron = input.cron;
        schedule.is_active = input.is_active;
        schedule.only_when_online = input.only_when_online;
        schedule.updated_at = clock::now_unix();
        Ok(schedule_object(schedule))
    })?;
    let properties = json!({"name": object.name, "active": object.is_active});
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:schedule.update",
        properties,
        server(&access),
    );
    Ok(Json(Item::new("server_schedule", object)))
}

async fn schedules_delete(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Params,
    peer: Peer,
) -> Result<StatusCode, ApiError> {
    let name = with_schedule(&state, &access, &params, |schedule| {
        access.require("schedule.delete")?;
        Ok(schedule.name.clone())
    })?;
    let id = id_of(&params, "schedule")?;
    lock(&state.world)
        .manage
        .schedules
        .retain(|schedule| schedule.id != id);
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:schedule.delete",
        json!({"name": name}),
        server(&access),
    );
    Ok(StatusCode::NO_CONTENT)
}

async fn schedules_execute(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Params,
    peer: Peer,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (name, tasks, only_when_online) = with_schedule(&state, &access, &params, |schedule| {
        access.require("schedule.update")?;
        if schedule.tasks.is_empty() {
            return Err(manage::refused(
                "DisplayException",
                "Cannot process schedule for task execution: no tasks are registered.",
            ));
        }
        schedule.is_processing = true;
        schedule.next_run_at = next_run(&schedule.cron, clock::now_unix());
        let mut tasks = schedule.tasks.clone();
        tasks.sort_by_key(|task| task.sequence_id);
        if let Some(first) = schedule
            .tasks
            .iter_mut()
            .min_by_key(|task| task.sequence_id)
        {
            first.is_queued = true;
        }
        Ok((schedule.name.clone(), tasks, schedule.only_when_online))
    })?;
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:schedule.execute",
        json!({"name": name}),
        server(&access),
    );
    let id = id_of(&params, "schedule")?;
    tokio::spawn(run_tasks(
        state.clone(),
        access,
        id,
        tasks,
        only_when_online,
    ));
    Ok((StatusCode::ACCEPTED, Json(json!({}))))
}

/// Runs the tasks in order (RunTaskJob): a failure stops the rest unless the task
/// continues on failure; offline servers skip a schedule that runs only when online.
async fn run_tasks(
    state: AppState,
    access: ServerAccess,
    id: u64,
    tasks: Vec<TaskRecord>,
    only_when_online: bool,
) {
    let runtime = access.runtime(&state).ok();
    let online = runtime
        .as_ref()
        .is_some_and(|r| matches!(r.state(), PowerState::Starting | PowerState::Running));
    if !only_when_online || online {
        for task in &tasks {
            tokio::time::sleep(Duration::from_millis(u64::from(task.time_offset) * 10)).await;
            let ok = match (&task.action, &runtime) {
                (TaskAction::Power, Some(runtime)) => task
                    .payload
                    .parse::<PowerSignal>()
                    .is_ok_and(|signal| runtime.power(signal).is_ok()),
                (TaskAction::Command, Some(runtime)) if runtime.state() == PowerState::Running => {
                    runtime.command(&task.payload);
                    true
                }
                (TaskAction::Backup, _) => true,
                _ => false,
            };
            if !ok && !task.continue_on_failure {
                break;
            }
        }
    }
    let mut world = lock(&state.world);
    if let Some(schedule) = world.manage.schedule_mut(&access.server.uuid, id) {
        schedule.is_processing = false;
        schedule.last_run_at = Some(clock::now_unix());
        for task in &mut schedule.tasks {
            task.is_queued = false;
        }
    }
}

/// A task's body, checked as `StoreTaskRequest`.
struct TaskInput {
    action: TaskAction,
    payload: String,
    time_offset: u32,
    sequence_id: Option<u32>,
    continue_on_failure: bool,
}

fn task_input(body: &Map<String, Value>) -> Result<TaskInput, ApiError> {
    let mut checks = Checks::default();
    let action = checks.required_text(body.get("action"), "action");
    let action = match action.as_deref() {
        Some(word @ ("command" | "power" | "backup")) => Some(TaskAction::parse(word)),
        Some(_) => {
            checks.fail("action", "in", "The selected action is invalid.".into());
            None
        }
        None => None,
    };
    let payload = checks.optional_text(body.get("payload"), "payload");
    if payload.is_none() && action.as_ref().is_some_and(TaskAction::needs_payload) {
        checks.fail(
            "payload",
            "required_unless",
            "The payload field is required unless action is in backup.".into(),
        );
    }
    let number = |key: &str| match input::field(body, key) {
        input::Input::Text(text) => text.parse::<f64>().ok().map(Some).ok_or(()),
        input::Input::Missing | input::Input::Null => Ok(None),
        input::Input::Other(_) => Err(()),
    };
    let time_offset = match number("time_offset") {
        Ok(Some(n)) if (0.0..=f64::from(MAX_TIME_OFFSET)).contains(&n) => n as u32,
        Ok(Some(n)) if n < 0.0 => {
            checks.fail(
                "time_offset",
                "min",
                "The time offset must be at least 0.".into(),
            );
            0
        }
        Ok(Some(_)) => {
            checks.fail(
                "time_offset",
                "max",
                format!("The time offset may not be greater than {MAX_TIME_OFFSET}."),
            );
            0
        }
        Ok(None) => {
            checks.fail(
                "time_offset",
                "required",
                "The time offset field is required.".into(),
            );
            0
        }
        Err(()) => {
            checks.fail(
                "time_offset",
                "numeric",
                "The time offset must be a number.".into(),
            );
            0
        }
    };
    let sequence_id = match number("sequence_id") {
        Ok(Some(n)) if n >= 1.0 => Some(n as u32),
        Ok(Some(_)) => {
            checks.fail(
                "sequence_id",
                "min",
                "The sequence id must be at least 1.".into(),
            );
            None
        }
        Ok(None) => None,
        Err(()) => {
            checks.fail(
                "sequence_id",
                "numeric",
                "The sequence id must be a number.".into(),
            );
            None
        }
    };
    let continue_on_failure =
        checks.boolean(body.get("continue_on_failure"), "continue_on_failure");
    checks.finish()?;
    Ok(TaskInput {
        action: action.unwrap_or(TaskAction::Command),
        payload: payload.unwrap_or_default(),
        time_offset,
        sequence_id,
        continue_on_failure,
    })
}

/// 403 for a backup task on a server that may keep no backups.
fn backups_allowed(access: &ServerAccess, action: &TaskAction) -> Result<(), ApiError> {
    if *action == TaskAction::Backup && access.server.feature_limits.backups == Some(0) {
        return Err(ApiError::new(ptero_api::ErrorEnvelope::single(
            "HttpForbiddenException",
            403,
            "A backup task cannot be created when the server's backup limit is set to 0.",
        )));
    }
    Ok(())
}

async fn tasks_store(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Params,
    peer: Peer,
    body: Bytes,
) -> Result<Json<TaskItem>, ApiError> {
    let body = input::object(&body)?;
    let (name, task) = with_schedule(&state, &access, &params, |schedule| {
        access.require("schedule.update")?;
        let input = task_input(&body)?;
        if schedule.tasks.len() >= TASKS_PER_SCHEDULE {
            return Err(manage::refused(
                "ServiceLimitExceededException",
                format!("Schedules may not have more than {TASKS_PER_SCHEDULE} tasks associated with them. Creating this task would put this schedule over the limit."),
            ));
        }
        backups_allowed(&access, &input.action)?;
        let next = schedule
            .tasks
            .iter()
            .map(|t| t.sequence_id)
            .max()
            .unwrap_or(0)
            + 1;
        let sequence_id = match input.sequence_id {
            Some(wanted) if wanted < next => {
                for task in schedule
                    .tasks
                    .iter_mut()
                    .filter(|t| t.sequence_id >= wanted)
                {
                    task.sequence_id += 1;
                }
                wanted
            }
            _ => next,
        };
        let now = clock::now_unix();
        let record = TaskRecord {
            id: 0,
            sequence_id,
            action: input.action,
            payload: input.payload,
            time_offset: input.time_offset,
            is_queued: false,
            continue_on_failure: input.continue_on_failure,
            created_at: now,
            updated_at: now,
        };
        Ok((schedule.name.clone(), record))
    })?;
    let schedule_id = id_of(&params, "schedule")?;
    let object = {
        let mut world = lock(&state.world);
        let id = world.manage.next_id();
        let schedule = world
            .manage
            .schedule_mut(&access.server.uuid, schedule_id)
            .ok_or_else(ApiError::not_found)?;
        let record = TaskRecord { id, ..task };
        let object = task_object(&record);
        schedule.tasks.push(record);
        object
    };
    let properties =
        json!({"name": name, "action": object.action.as_str(), "payload": object.payload});
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:task.create",
        properties,
        server(&access),
    );
    Ok(Json(Item::new("schedule_task", object)))
}

async fn tasks_update(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Params,
    peer: Peer,
    body: Bytes,
) -> Result<Json<TaskItem>, ApiError> {
    let body = input::object(&body)?;
    let task_id = id_of(&params, "task")?;
    let (name, object) = with_schedule(&state, &access, &params, |schedule| {
        let current = schedule
            .tasks
            .iter()
            .find(|t| t.id == task_id)
            .map(|t| t.sequence_id)
            .ok_or_else(ApiError::not_found)?;
        access.require("schedule.update")?;
        let input = task_input(&body)?;
        backups_allowed(&access, &input.action)?;
        let last = schedule.tasks.len() as u32;
        let wanted = input.sequence_id.unwrap_or(current).clamp(1, last.max(1));
        for task in &mut schedule.tasks {
            if wanted < current && (wanted..current).contains(&task.sequence_id) {
                task.sequence_id += 1;
            } else if wanted > current && (current + 1..=wanted).contains(&task.sequence_id) {
                task.sequence_id -= 1;
            }
        }
        let task = schedule
            .tasks
            .iter_mut()
            .find(|t| t.id == task_id)
            .ok_or_else(ApiError::not_found)?;
        task.sequence_id = wanted;
        task.action = input.action;
        task.payload = input.payload;
        task.time_offset = input.time_offset;
        task.continue_on_failure = input.continue_on_failure;
        task.updated_at = clock::now_unix();
        Ok((schedule.name.clone(), task_object(task)))
    })?;
    let properties =
        json!({"name": name, "action": object.action.as_str(), "payload": object.payload});
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:task.update",
        properties,
        server(&access),
    );
    Ok(Json(Item::new("schedule_task", object)))
}

async fn tasks_delete(
    State(state): State<AppState>,
    UsableServer(access): UsableServer,
    Path(params): Params,
    peer: Peer,
) -> Result<StatusCode, ApiError> {
    let task_id = id_of(&params, "task")?;
    let name = with_schedule(&state, &access, &params, |schedule| {
        let removed = schedule
            .tasks
            .iter()
            .find(|t| t.id == task_id)
            .map(|t| t.sequence_id)
            .ok_or_else(ApiError::not_found)?;
        if !access.meta.can("schedule.update") {
            return Err(ApiError::new(ptero_api::ErrorEnvelope::single(
                "HttpForbiddenException",
                403,
                "You do not have permission to perform this action.",
            )));
        }
        schedule.tasks.retain(|t| t.id != task_id);
        for task in schedule
            .tasks
            .iter_mut()
            .filter(|t| t.sequence_id > removed)
        {
            task.sequence_id -= 1;
        }
        Ok(schedule.name.clone())
    })?;
    manage::log(
        &state,
        &access.caller,
        &peer,
        "server:task.delete",
        json!({"name": name}),
        server(&access),
    );
    Ok(StatusCode::NO_CONTENT)
}
