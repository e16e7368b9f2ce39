//! `/servers/{id}/schedules` and their tasks: the `server_schedule` and `schedule_task`
//! objects and the request bodies (panel `ScheduleController`, `ScheduleTaskController`,
//! `Transformers/Api/Client/{Schedule,Task}Transformer.php`,
//! `Requests/Api/Client/Servers/Schedules/*`). The readable form of a schedule's cron
//! fields is [`crate::cron`].

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::envelope::{Item, List};

/// `GET /servers/{id}/schedules`: every schedule with its tasks (not paged).
pub type ScheduleList = List<Schedule>;
/// One schedule (`POST /schedules`, `GET`/`POST /schedules/{id}`).
pub type ScheduleItem = Item<Schedule>;
/// One task (`POST /schedules/{id}/tasks`, `POST /schedules/{id}/tasks/{task}`).
pub type TaskItem = Item<Task>;

/// Tasks a schedule may hold (`pterodactyl.client_features.schedules.per_schedule_task_limit`).
pub const TASKS_PER_SCHEDULE: usize = 10;
/// The longest time offset of a task, in seconds (`time_offset` `max:900`).
pub const MAX_TIME_OFFSET: u32 = 900;
/// The longest schedule name (`name` `max:191`).
pub const MAX_SCHEDULE_NAME: usize = 191;

/// `attributes` of a `server_schedule`. Times are ATOM strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub id: u64,
    pub name: String,
    pub cron: Cron,
    #[serde(default)]
    pub is_active: bool,
    /// True from the moment it runs until its last task finished.
    #[serde(default)]
    pub is_processing: bool,
    #[serde(default)]
    pub only_when_online: bool,
    #[serde(default)]
    pub last_run_at: Option<String>,
    #[serde(default)]
    pub next_run_at: Option<String>,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    /// `tasks` is a default include: always there on the panel's answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<ScheduleRelationships>,
}

impl Schedule {
    /// The tasks in the order they run (by `sequence_id`).
    pub fn tasks(&self) -> Vec<&Task> {
        let mut tasks: Vec<&Task> = self
            .relationships
            .iter()
            .flat_map(|r| r.tasks.attributes())
            .collect();
        tasks.sort_by_key(|task| task.sequence_id);
        tasks
    }
}

/// `relationships` of a schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleRelationships {
    pub tasks: List<Task>,
}

/// The five cron fields, each as typed (`*`, `*/5`, `1-5`, `0,30`, `mon`…).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cron {
    pub minute: String,
    pub hour: String,
    pub day_of_month: String,
    pub month: String,
    pub day_of_week: String,
}

impl Cron {
    pub fn new(
        minute: &str,
        hour: &str,
        day_of_month: &str,
        month: &str,
        day_of_week: &str,
    ) -> Self {
        Self {
            minute: minute.into(),
            hour: hour.into(),
            day_of_month: day_of_month.into(),
            month: month.into(),
            day_of_week: day_of_week.into(),
        }
    }
}

impl fmt::Display for Cron {
    /// The usual five-field order: minute hour day-of-month month day-of-week.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {}",
            self.minute, self.hour, self.day_of_month, self.month, self.day_of_week
        )
    }
}

/// `attributes` of a `schedule_task`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: u64,
    /// Its place in the schedule, from 1.
    pub sequence_id: u32,
    pub action: TaskAction,
    /// The command, the power signal, or (backup) the ignored files; `""` when none.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub payload: String,
    /// Seconds after the previous task (0–900).
    #[serde(default)]
    pub time_offset: u32,
    #[serde(default)]
    pub is_queued: bool,
    #[serde(default)]
    pub continue_on_failure: bool,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
}

/// What a task does. The panel accepts `command`, `power` and `backup`; other words
/// (a newer panel's) are kept as they came.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskAction {
    Command,
    Power,
    Backup,
    Other(String),
}

impl TaskAction {
    pub const ALL: [TaskAction; 3] = [TaskAction::Command, TaskAction::Power, TaskAction::Backup];

    pub fn parse(word: &str) -> Self {
        match word {
            "command" => TaskAction::Command,
            "power" => TaskAction::Power,
            "backup" => TaskAction::Backup,
            other => TaskAction::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            TaskAction::Command => "command",
            TaskAction::Power => "power",
            TaskAction::Backup => "backup",
            TaskAction::Other(word) => word,
        }
    }

    /// The label people read.
    pub fn label(&self) -> &str {
        match self {
            TaskAction::Command => "Send command",
            TaskAction::Power => "Power action",
            TaskAction::Backup => "Create backup",
            TaskAction::Other(word) => word,
        }
    }

    /// Whether the panel requires a payload (`required_unless:action,backup`).
    pub fn needs_payload(&self) -> bool {
        !matches!(self, TaskAction::Backup)
    }
}

impl Serialize for TaskAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|word| TaskAction::parse(&word))
    }
}

/// `POST /servers/{id}/schedules` and `POST /schedules/{schedule}`: the body the panel's
/// UI sends (cron fields flat, not under `cron`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRequest {
    pub name: String,
    pub minute: String,
    pub hour: String,
    pub day_of_month: String,
    pub month: String,
    pub day_of_week: String,
    pub is_active: bool,
    pub only_when_online: bool,
}

impl ScheduleRequest {
    pub fn new(name: &str, cron: &Cron, is_active: bool, only_when_online: bool) -> Self {
        Self {
            name: name.to_owned(),
            minute: cron.minute.clone(),
            hour: cron.hour.clone(),
            day_of_month: cron.day_of_month.clone(),
            month: cron.month.clone(),
            day_of_week: cron.day_of_week.clone(),
            is_active,
            only_when_online,
        }
    }

    pub fn cron(&self) -> Cron {
        Cron::new(
            &self.minute,
            &self.hour,
            &self.day_of_month,
            &self.month,
            &self.day_of_week,
        )
    }
}

/// `POST /schedules/{schedule}/tasks` and `…/tasks/{task}`. `sequence_id` moves the
/// task (the others shift to make room); without it a new task goes last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRequest {
    pub action: TaskAction,
    #[serde(default)]
    pub payload: String,
    pub time_offset: u32,
    #[serde(default)]
    pub continue_on_failure: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_id: Option<u32>,
}
