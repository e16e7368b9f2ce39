//! A server's schedules: each with its cron in words, when it last and next runs, and
//! its tasks in order; create and edit ([`editor`]), run now, delete; tasks added,
//! edited, moved and deleted ([`tasks`]). Offered as the account's `schedule.*`
//! permissions allow.

mod editor;
mod phrase;
mod tasks;
mod words;

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::schedules::TASKS_PER_SCHEDULE;
use ptero_api::Schedule;

use super::kit::{ActionError, Actions, Confirm, Loading, NoPermission, Target};
use super::{date_time, ServerContext};
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
        return view! { <NoPermission text=t("schedules.no_permission") permission="schedule.read"/> }.into_any();
    }
    let control = Controller::new(context);
    let can_create = control.context.can("schedule.create");
    let editing = control.editing;
    let c = control.clone();
    view! {
        <section class="sheet schedules" aria-labelledby="schedules-title" data-testid="schedules">
            <div class="sheet-head">
                <h2 id="schedules-title">{t("tabs.schedules")}</h2>
                {can_create.then(|| view! {
                    <button type="button" class="primary" disabled=move || editing.get().is_some()
                        on:click=move |_| editing.set(Some(None))>{t("schedules.new")}</button>
                })}
            </div>
            {move || (editing.get() == Some(None)).then(|| view! { <editor::Editor control=c.clone() schedule=None/> })}
            {move || {
                let control = control.clone();
                match control.list.answer() {
                    None => view! { <Loading text=t("schedules.loading")/> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNote error retry=Callback::new(move |_| control.list.reload())/> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! {
                        <p class="empty">{t("schedules.empty")}</p>
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
    let words = phrase::describe(&schedule.cron)
        .unwrap_or_else(|problem| tf("schedules.custom", &[&words::problem(&problem)]));
    let task_count = schedule.tasks().len();
    let (run, delete) = (control.clone(), control.clone());
    let edit_view = control.clone();
    let editor_schedule = schedule.clone();
    view! {
        <li class="card" data-schedule=id>
            <div class="card-head">
                <h3>{schedule.name.clone()}</h3>
                <span class=if schedule.is_active { "badge badge-running" } else { "badge badge-offline" }>
                    {if schedule.is_active { t("schedules.active") } else { t("schedules.inactive") }}
                </span>
                {schedule.is_processing.then(|| view! { <span class="badge badge-starting">{t("schedules.running")}</span> })}
            </div>
            <p class="cron-words" data-testid="cron-words">{words}</p>
            <p class="muted small">
                <code class="cron">{schedule.cron.to_string()}</code>
                {schedule.only_when_online.then(|| [" · ", t("schedules.only_online")].concat())}
            </p>
            <dl class="facts">
                <dt>{t("schedules.last_run")}</dt>
                <dd>{schedule.last_run_at.as_deref().map_or_else(|| t("schedules.never").to_owned(), date_time)}</dd>
                <dt>{t("schedules.next_run")}</dt>
                <dd>{if schedule.is_active {
                    schedule.next_run_at.as_deref().map_or_else(|| "—".to_owned(), date_time)
                } else {
                    t("schedules.not_while_inactive").to_owned()
                }}</dd>
            </dl>
            <div class="actions">
                {can_update.then(|| {
                    let run = run.clone();
                    view! {
                        <button type="button" disabled=move || pending.get() || task_count == 0
                            title=(task_count == 0).then(|| t("schedules.add_task_first"))
                            on:click=move |_| run.run_now(id)>{t("schedules.run_now")}</button>
                        <button type="button" disabled=move || editing.get().is_some()
                            on:click=move |_| editing.set(Some(Some(id)))>{t("common.edit")}</button>
                    }
                })}
                {can_delete.then(|| view! {
                    <Confirm label=t("common.delete") question=t("schedules.delete_confirm").into() pending
                        name=schedule.name.clone() on_confirm=Callback::new(move |_| delete.delete(id))/>
                })}
            </div>
            <ActionError actions=actions.clone() target=target.clone()/>
            {move || (editing.get() == Some(Some(id))).then(|| view! {
                <editor::Editor control=edit_view.clone() schedule=Some(editor_schedule.clone())/>
            })}
            <tasks::Tasks control=control.clone() schedule=schedule.clone()/>
            {(task_count >= TASKS_PER_SCHEDULE).then(|| view! {
                <p class="muted small">{tf("schedules.max_tasks", &[&TASKS_PER_SCHEDULE.to_string()])}</p>
            })}
        </li>
    }
}
