//! A schedule's tasks in the order they run: add (up to the panel's 10), edit, move up
//! and down, delete. A task is a command, a power action or a backup, run a number of
//! seconds after the previous one, optionally even when the previous one failed.

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::schedules::{MAX_TIME_OFFSET, TASKS_PER_SCHEDULE};
use ptero_api::{PowerSignal, Schedule, Task, TaskAction, TaskRequest};

use super::Controller;
use crate::manager::sections::kit::{field_error, ActionError, Confirm, Target};

fn describe(task: &Task) -> String {
    let what = match &task.action {
        TaskAction::Command => tf("tasks.describe_command", &[&task.payload]),
        TaskAction::Power => tf("tasks.describe_power", &[&signal_label(&task.payload)]),
        TaskAction::Backup if task.payload.trim().is_empty() => t("tasks.backup").to_owned(),
        TaskAction::Backup => t("tasks.backup_ignored").to_owned(),
        TaskAction::Other(word) => format!("{word} {}", task.payload),
    };
    let when = match task.time_offset {
        0 => String::new(),
        s if s % 60 == 0 => [
            ", ".to_owned(),
            tf("tasks.after_minutes", &[&(s / 60).to_string()]),
        ]
        .concat(),
        s => [
            ", ".to_owned(),
            tf("tasks.after_seconds", &[&s.to_string()]),
        ]
        .concat(),
    };
    format!("{what}{when}")
}

/// A power signal's name in the viewer's language (the power buttons' words).
fn signal_label(signal: &str) -> String {
    let texts = crate::i18n::ui::shared();
    let key = match signal {
        "start" => "power.start",
        "stop" => "power.stop",
        "restart" => "power.restart",
        "kill" => "power.kill",
        other => return other.to_owned(),
    };
    texts.get(key).to_owned()
}

fn request_of(task: &Task, sequence_id: Option<u32>) -> TaskRequest {
    TaskRequest {
        action: task.action.clone(),
        payload: task.payload.clone(),
        time_offset: task.time_offset,
        continue_on_failure: task.continue_on_failure,
        sequence_id,
    }
}

#[component]
pub fn Tasks(control: Controller, schedule: Schedule) -> impl IntoView {
    let tasks: Vec<Task> = schedule.tasks().into_iter().cloned().collect();
    let count = tasks.len();
    let can_update = control.context.can("schedule.update");
    let adding = RwSignal::new(false);
    let editing = RwSignal::new(None::<u64>);
    let sid = schedule.id;
    let add_control = control.clone();
    view! {
        <div class="tasks">
            <h4 class="small-title">{tf("tasks.title", &[&count.to_string(), &TASKS_PER_SCHEDULE.to_string()])}</h4>
            {(count == 0).then(|| view! { <p class="muted small">{t("tasks.none")}</p> })}
            <ol class="task-list">
                {tasks.into_iter().map(|task| {
                    let control = control.clone();
                    let target = Target::Part(sid.to_string(), format!("task-{}", task.id));
                    let actions = control.actions.clone();
                    let pending = {
                        let (a, t) = (actions.clone(), target.clone());
                        Signal::derive(move || a.is_pending(&t))
                    };
                    let (up, down, del) = (control.clone(), control.clone(), control.clone());
                    let (t_up, t_down, t_del) = (task.clone(), task.clone(), task.clone());
                    let (tg_up, tg_down, tg_del) = (target.clone(), target.clone(), target.clone());
                    let task_id = task.id;
                    let is_last = task.sequence_id as usize >= count;
                    let edit_control = control.clone();
                    let edit_task = task.clone();
                    view! {
                        <li class="task" data-task=task_id data-sequence=task.sequence_id>
                            <span class="task-what">{describe(&task)}</span>
                            {task.continue_on_failure.then(|| view! { <span class="tag">{t("tasks.continues")}</span> })}
                            {can_update.then(|| view! {
                                <span class="actions compact">
                                    <button type="button" aria-label=t("tasks.up") title=t("tasks.up") disabled=move || pending.get() || t_up.sequence_id <= 1
                                        on:click=move |_| save(&up, sid, Some(t_up.id), request_of(&t_up, Some(t_up.sequence_id - 1)), tg_up.clone(), None)>"↑"</button>
                                    <button type="button" aria-label=t("tasks.down") title=t("tasks.down") disabled=move || pending.get() || is_last
                                        on:click=move |_| save(&down, sid, Some(t_down.id), request_of(&t_down, Some(t_down.sequence_id + 1)), tg_down.clone(), None)>"↓"</button>
                                    <button type="button" on:click=move |_| editing.set(Some(task_id))>{t("common.edit")}</button>
                                    <Confirm label=t("common.delete") question=t("tasks.delete_confirm").into() pending name=tf("tasks.name", &[&task.sequence_id.to_string()])
                                        on_confirm=Callback::new(move |_| {
                                            let (client, server, list) = (del.context.client.clone(), del.context.server.clone(), del.list);
                                            let id = t_del.id;
                                            del.actions.run(tg_del.clone(), async move { client.delete_task(&server, sid, id).await }, move |()| list.reload());
                                        })/>
                                </span>
                            })}
                            <ActionError actions=actions.clone() target=target.clone()/>
                            {move || (editing.get() == Some(task_id)).then(|| view! {
                                <TaskForm control=edit_control.clone() schedule=sid task=Some(edit_task.clone()) open=Callback::new(move |v: Option<u64>| editing.set(v))/>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {can_update.then(|| view! {
                {move || if adding.get() {
                    let close = Callback::new(move |_: Option<u64>| adding.set(false));
                    view! { <TaskForm control=add_control.clone() schedule=sid task=None open=close/> }.into_any()
                } else {
                    let full = count >= TASKS_PER_SCHEDULE;
                    view! {
                        <button type="button" class="add-task" disabled=full
                            title=full.then(|| tf("tasks.full", &[&TASKS_PER_SCHEDULE.to_string()]))
                            on:click=move |_| adding.set(true)>{t("tasks.add")}</button>
                    }.into_any()
                }}
            })}
        </div>
    }
}

/// Saves a task and reloads the list; `close` is called on success.
fn save(
    control: &Controller,
    schedule: u64,
    task: Option<u64>,
    request: TaskRequest,
    target: Target,
    close: Option<Callback<Option<u64>>>,
) {
    let (client, server, list) = (
        control.context.client.clone(),
        control.context.server.clone(),
        control.list,
    );
    control.actions.run(
        target,
        async move { client.save_task(&server, schedule, task, &request).await },
        move |_| {
            if let Some(close) = close {
                close.run(None);
            }
            list.reload();
        },
    );
}

/// Where a form reports that it is done: `None` closes it.
pub type Close = Callback<Option<u64>>;

#[component]
fn TaskForm(control: Controller, schedule: u64, task: Option<Task>, open: Close) -> impl IntoView {
    let id = task.as_ref().map(|t| t.id);
    let target = Target::Part(
        schedule.to_string(),
        id.map_or_else(|| "new-task".into(), |id| format!("task-form-{id}")),
    );
    let action = RwSignal::new(
        task.as_ref()
            .map_or_else(|| "command".to_owned(), |t| t.action.as_str().to_owned()),
    );
    let command = RwSignal::new(
        task.as_ref()
            .filter(|t| t.action == TaskAction::Command)
            .map(|t| t.payload.clone())
            .unwrap_or_default(),
    );
    let signal = RwSignal::new(
        task.as_ref()
            .filter(|t| t.action == TaskAction::Power)
            .map_or_else(|| "restart".to_owned(), |t| t.payload.clone()),
    );
    let ignored = RwSignal::new(
        task.as_ref()
            .filter(|t| t.action == TaskAction::Backup)
            .map(|t| t.payload.clone())
            .unwrap_or_default(),
    );
    let offset = RwSignal::new(task.as_ref().map_or(0, |t| t.time_offset).to_string());
    let carry_on = RwSignal::new(task.as_ref().is_some_and(|t| t.continue_on_failure));
    let tried = RwSignal::new(false);
    let offset_problem = move || match offset.get().trim().parse::<u32>() {
        Ok(n) if n <= MAX_TIME_OFFSET => None,
        Ok(_) => Some(tf("tasks.offset_max", &[&MAX_TIME_OFFSET.to_string()])),
        Err(_) => Some(tf("tasks.offset_invalid", &[&MAX_TIME_OFFSET.to_string()])),
    };
    let command_problem = move || {
        (action.get() == "command" && command.get().trim().is_empty())
            .then(|| t("tasks.command_missing"))
    };
    let prefix = format!(
        "task-{schedule}-{}",
        id.map_or_else(|| "new".into(), |id| id.to_string())
    );
    let body_prefix = prefix.clone();
    let actions = control.actions.clone();
    let (submit_control, submit_target) = (control.clone(), target.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if offset_problem().is_some() || command_problem().is_some() {
            return;
        }
        let action = TaskAction::parse(&action.get_untracked());
        let payload = match action {
            TaskAction::Command => command.get_untracked(),
            TaskAction::Power => signal.get_untracked(),
            _ => ignored.get_untracked(),
        };
        let request = TaskRequest {
            action,
            payload,
            time_offset: offset.get_untracked().trim().parse().unwrap_or(0),
            continue_on_failure: carry_on.get_untracked(),
            sequence_id: None,
        };
        save(
            &submit_control,
            schedule,
            id,
            request,
            submit_target.clone(),
            Some(open),
        );
    };
    let pending = {
        let (a, t) = (actions.clone(), target.clone());
        Signal::derive(move || a.is_pending(&t))
    };
    let panel_error = {
        let (a, t) = (actions.clone(), target.clone());
        move |field: &'static str| a.error(&t).and_then(|e| field_error(&e, field))
    };
    let (pe_payload, pe_offset) = (panel_error.clone(), panel_error);
    let backups_allowed = control.context.limits.backups != Some(0);
    view! {
        <form class="editor task-form" on:submit=submit novalidate aria-label=if id.is_some() { t("tasks.edit") } else { t("tasks.new") }>
            <label for=format!("{prefix}-action")>{t("tasks.action")}</label>
            <select id=format!("{prefix}-action") on:change=move |ev| action.set(event_target_value(&ev)) prop:value=move || action.get()>
                <option value="command">{t("tasks.send_command")}</option>
                <option value="power">{t("tasks.power")}</option>
                {backups_allowed.then(|| view! { <option value="backup">{t("tasks.backup")}</option> })}
            </select>
            {move || { let prefix = body_prefix.clone(); match action.get().as_str() {
                "power" => view! {
                    <label for=format!("{prefix}-signal")>{t("tasks.signal")}</label>
                    <select id=format!("{prefix}-signal") on:change=move |ev| signal.set(event_target_value(&ev)) prop:value=move || signal.get()>
                        {[PowerSignal::Start, PowerSignal::Stop, PowerSignal::Restart, PowerSignal::Kill].map(|s| view! {
                            <option value=s.as_str()>{signal_label(s.as_str())}</option>
                        }).collect_view()}
                    </select>
                }.into_any(),
                "backup" => view! {
                    <label for=format!("{prefix}-ignored")>{t("tasks.ignored")} " " <span class="muted">{t("tasks.ignored_hint")}</span></label>
                    <textarea id=format!("{prefix}-ignored") class="mono" rows="3" bind:value=ignored></textarea>
                }.into_any(),
                _ => view! {
                    <label for=format!("{prefix}-command")>{t("tasks.command")}</label>
                    <input id=format!("{prefix}-command") type="text" class="mono" bind:value=command placeholder=t("tasks.command_placeholder")
                        aria-invalid=move || (tried.get() && command_problem().is_some()).to_string()/>
                }.into_any(),
            }}}
            <p class="hint" aria-live="polite">
                {move || tried.get().then(command_problem).flatten()}
                {move || pe_payload("payload")}
            </p>
            <label for=format!("{prefix}-offset")>{t("tasks.offset")}</label>
            <input id=format!("{prefix}-offset") type="number" min="0" max="900" step="1" bind:value=offset
                aria-invalid=move || offset_problem().is_some().to_string()/>
            <p class="hint" aria-live="polite">{offset_problem}{move || pe_offset("time_offset")}</p>
            <label class="check"><input type="checkbox" bind:checked=carry_on/>{t("tasks.carry_on")}</label>
            <ActionError actions=actions.clone() target=target.clone()/>
            <div class="actions">
                <button type="submit" class="primary" disabled=pending>{move || if pending.get() { t("editor.saving") } else { t("tasks.save") }}</button>
                <button type="button" on:click=move |_| open.run(None)>{t("common.cancel")}</button>
            </div>
        </form>
    }
}
