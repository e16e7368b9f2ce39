//! A server's schedules: each with its cron in words, when it last and next runs, and
//! its tasks in order; create and edit ([`editor`]), run now, delete; tasks added,
//! edited, moved and deleted ([`tasks`]). Offered as the account's `schedule.*`
//! permissions allow.

mod editor;
mod tasks;

use leptos::prelude::*;
use ptero_api::cron;
use ptero_api::schedules::TASKS_PER_SCHEDULE;
use ptero_api::Schedule;

use super::kit::{ActionError, Actions, Confirm, Loading, NoPermission, Target};
use super::{local_time, ServerContext};
use crate::api::Load;
use crate::components::ErrorNote;

/// The screen's controller: the list, what is being edited, the actions.
#[derive(Clone)]
pub struct Controller {
    pub context: ServerContext,
    pub list: Load<Vec<Schedule>>,
    pub actions: Actions,
    /// `Some(None)`: a new schedule; `Some(Some(id))`: that one.
    pub editing: RwSignal<Option<Option<u64>>>,
}

impl Controller {
    fn new(context: ServerContext) -> Self {
        let (client, server) = (context.client.clone(), context.server.clone());
        let list = Load::new(move || {
            let (client, server) = (client.clone(), server.clone());
            async move { client.schedules(&server).await }
        });
        Self {
            context,
            list,
            actions: Actions::new(),
            editing: RwSignal::new(None),
        }
    }

    pub fn run_now(&self, id: u64) {
        let (client, server, list) = (
            self.context.client.clone(),
            self.context.server.clone(),
            self.list,
        );
        self.actions.run(
            Target::item(id),
            async move { client.run_schedule(&server, id).await },
            move |()| list.reload(),
        );
    }

    pub fn delete(&self, id: u64) {
        let (client, server, list) = (
            self.context.client.clone(),
            self.context.server.clone(),
            self.list,
        );
        self.actions.run(
            Target::item(id),
            async move { client.delete_schedule(&server, id).await },
            move |()| list.reload(),
        );
    }
}

#[component]
pub fn Schedules(context: ServerContext) -> impl IntoView {
    if !context.can("schedule.read") {
        return view! { <NoPermission what="schedules" permission="schedule.read"/> }.into_any();
    }
    let control = Controller::new(context);
    let can_create = control.context.can("schedule.create");
    let editing = control.editing;
    let c = control.clone();
    view! {
        <section class="sheet schedules" aria-labelledby="schedules-title" data-testid="schedules">
            <div class="sheet-head">
                <h2 id="schedules-title">"Schedules"</h2>
                {can_create.then(|| view! {
                    <button type="button" class="primary" disabled=move || editing.get().is_some()
                        on:click=move |_| editing.set(Some(None))>"New schedule"</button>
                })}
            </div>
            {move || (editing.get() == Some(None)).then(|| view! { <editor::Editor control=c.clone() schedule=None/> })}
            {move || {
                let control = control.clone();
                match control.list.answer() {
                    None => view! { <Loading what="schedules"/> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| control.list.reload())/> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! {
                        <p class="empty">"No schedules yet. A schedule runs tasks (a command, a power action, a backup) at the times you set."</p>
                    }.into_any(),
                    Some(Ok(list)) => view! {
                        <ul class="cards">
                            {list.into_iter().map(|schedule| view! { <ScheduleCard control=control.clone() schedule/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn ScheduleCard(control: Controller, schedule: Schedule) -> impl IntoView {
    let id = schedule.id;
    let target = Target::item(id);
    let actions = control.actions.clone();
    let pending = {
        let (actions, target) = (actions.clone(), target.clone());
        Signal::derive(move || actions.is_pending(&target))
    };
    let editing = control.editing;
    let can_update = control.context.can("schedule.update");
    let can_delete = control.context.can("schedule.delete");
    let words = cron::describe(&schedule.cron)
        .unwrap_or_else(|problem| format!("custom schedule ({problem})"));
    let task_count = schedule.tasks().len();
    let (run, delete) = (control.clone(), control.clone());
    let edit_view = control.clone();
    let editor_schedule = schedule.clone();
    view! {
        <li class="card" data-schedule=id>
            <div class="card-head">
                <h3>{schedule.name.clone()}</h3>
                <span class=if schedule.is_active { "badge badge-running" } else { "badge badge-offline" }>
                    {if schedule.is_active { "active" } else { "inactive" }}
                </span>
                {schedule.is_processing.then(|| view! { <span class="badge badge-starting">"running"</span> })}
            </div>
            <p class="cron-words" data-testid="cron-words">{words}</p>
            <p class="muted small">
                <code class="cron">{schedule.cron.to_string()}</code>
                {schedule.only_when_online.then_some(" · only while the server is online")}
            </p>
            <dl class="facts">
                <dt>"Last run"</dt>
                <dd>{schedule.last_run_at.as_deref().map_or_else(|| "never".to_owned(), local_time)}</dd>
                <dt>"Next run"</dt>
                <dd>{if schedule.is_active {
                    schedule.next_run_at.as_deref().map_or_else(|| "—".to_owned(), local_time)
                } else {
                    "not while inactive".to_owned()
                }}</dd>
            </dl>
            <div class="actions">
                {can_update.then(|| {
                    let run = run.clone();
                    view! {
                        <button type="button" disabled=move || pending.get() || task_count == 0
                            title=(task_count == 0).then_some("Add a task first")
                            on:click=move |_| run.run_now(id)>"Run now"</button>
                        <button type="button" disabled=move || editing.get().is_some()
                            on:click=move |_| editing.set(Some(Some(id)))>"Edit"</button>
                    }
                })}
                {can_delete.then(|| view! {
                    <Confirm label="Delete" question="Delete this schedule and its tasks?".into() pending
                        name=schedule.name.clone() on_confirm=Callback::new(move |_| delete.delete(id))/>
                })}
            </div>
            <ActionError actions=actions.clone() target=target.clone()/>
            {move || (editing.get() == Some(Some(id))).then(|| view! {
                <editor::Editor control=edit_view.clone() schedule=Some(editor_schedule.clone())/>
            })}
            <tasks::Tasks control=control.clone() schedule=schedule.clone()/>
            {(task_count >= TASKS_PER_SCHEDULE).then(|| view! {
                <p class="muted small">{format!("This schedule has the panel's maximum of {TASKS_PER_SCHEDULE} tasks.")}</p>
            })}
        </li>
    }
}
