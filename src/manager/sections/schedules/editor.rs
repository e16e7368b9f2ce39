//! The schedule form: name, the five cron fields with presets and the schedule in words
//! as it is typed, active, only when online. A field that cannot be a cron field says
//! why beside it and nothing is sent; what the panel refuses is shown beside its field;
//! nothing typed is lost either way.

use crate::i18n::ui::{t, tf};
use leptos::prelude::*;
use ptero_api::cron::{self, Field, PRESETS};
use ptero_api::schedules::MAX_SCHEDULE_NAME;
use ptero_api::{Cron, Schedule, ScheduleRequest};

use super::Controller;
use crate::manager::sections::kit::{field_error, ActionError, Target};

#[component]
pub fn Editor(control: Controller, schedule: Option<Schedule>) -> impl IntoView {
    let id = schedule.as_ref().map(|s| s.id);
    let target = match id {
        Some(id) => Target::Part(id.to_string(), "edit".into()),
        None => Target::New,
    };
    let initial = schedule
        .clone()
        .map(|s| s.cron)
        .unwrap_or_else(|| PRESETS[3].cron());
    let name = RwSignal::new(
        schedule
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
    );
    let fields = Field::ALL.map(|field| {
        RwSignal::new(match field {
            Field::Minute => initial.minute.clone(),
            Field::Hour => initial.hour.clone(),
            Field::DayOfMonth => initial.day_of_month.clone(),
            Field::Month => initial.month.clone(),
            Field::DayOfWeek => initial.day_of_week.clone(),
        })
    });
    let active = RwSignal::new(schedule.as_ref().is_none_or(|s| s.is_active));
    let online = RwSignal::new(schedule.as_ref().is_some_and(|s| s.only_when_online));
    let cron = move || {
        let [m, h, dom, mon, dow] = fields.map(|f| f.get());
        Cron::new(&m, &h, &dom, &mon, &dow)
    };
    let preview = move || super::phrase::describe(&cron());
    let name_problem = move || {
        let text = name.get();
        let len = text.trim().chars().count();
        (len > MAX_SCHEDULE_NAME).then(|| crate::manager::format::too_long(MAX_SCHEDULE_NAME, len))
    };
    let tried = RwSignal::new(false);
    let actions = control.actions.clone();
    let (submit_actions, submit_target) = (actions.clone(), target.clone());
    let submit_control = control.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let request = ScheduleRequest::new(
            &name.get_untracked(),
            &cron(),
            active.get_untracked(),
            online.get_untracked(),
        );
        if request.name.trim().is_empty() || name_problem().is_some() {
            return;
        }
        if cron::check_all(&request.cron()).is_err_and(|p| p.blocks_saving()) {
            return;
        }
        let (client, server) = (
            submit_control.context.client.clone(),
            submit_control.context.server.clone(),
        );
        let (list, editing) = (submit_control.list, submit_control.editing);
        submit_actions.run(
            submit_target.clone(),
            async move { client.save_schedule(&server, id, &request).await },
            move |_| {
                editing.set(None);
                list.reload();
            },
        );
    };
    let editing = control.editing;
    let pending = {
        let (actions, target) = (actions.clone(), target.clone());
        Signal::derive(move || actions.is_pending(&target))
    };
    let panel_error = {
        let (actions, target) = (actions.clone(), target.clone());
        move |field: &str| actions.error(&target).and_then(|e| field_error(&e, field))
    };
    let prefix = id.map_or_else(|| "new".to_owned(), |id| id.to_string());
    let name_id = format!("schedule-{prefix}-name");
    view! {
        <form class="editor" on:submit=submit novalidate aria-label=if id.is_some() { t("schedules.edit") } else { t("schedules.new") }>
            <label for=name_id.clone()>{t("schedules.name")}</label>
            <input id=name_id.clone() type="text" bind:value=name placeholder=t("schedules.name_placeholder") maxlength="191"
                aria-invalid=move || (tried.get() && name.get().trim().is_empty()).to_string()/>
            <p class="hint" aria-live="polite">
                {move || (tried.get() && name.get().trim().is_empty()).then(|| t("schedules.name_missing"))}
                {name_problem}
                {let panel_error = panel_error.clone(); move || panel_error("name")}
            </p>
            <fieldset class="cron-fields">
                <legend>{t("schedules.when")}</legend>
                <div class="presets" role="group" aria-label=t("schedules.presets")>
                    {PRESETS.iter().map(|preset| {
                        let preset = *preset;
                        view! {
                            <button type="button" class="chip" on:click=move |_| {
                                for (signal, value) in fields.iter().zip(preset.fields) {
                                    signal.set(value.to_owned());
                                }
                            }>{super::words::preset_label(&preset)}</button>
                        }
                    }).collect_view()}
                </div>
                <div class="cron-grid">
                    {Field::ALL.iter().zip(fields).map(|(field, signal)| {
                        let field = *field;
                        let input_id = format!("schedule-{prefix}-{}", field.as_str());
                        let problem = move || cron::check(field, &signal.get()).err().filter(|p| p.blocks_saving());
                        let panel_error = panel_error.clone();
                        view! {
                            <div class="cron-field">
                                <label for=input_id.clone()>{super::words::field_label(field)}</label>
                                <input id=input_id type="text" class="mono" bind:value=signal spellcheck="false"
                                    autocomplete="off" aria-invalid=move || problem().is_some().to_string()/>
                                <p class="hint" aria-live="polite">
                                    {move || problem().map(|p| super::words::problem(&p))}
                                    {move || panel_error(field.as_str())}
                                </p>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <p class="cron-preview" aria-live="polite" data-testid="cron-preview">
                    {move || match preview() {
                        Ok(words) => tf("schedules.runs", &[&words]),
                        Err(problem) if !problem.blocks_saving() => super::words::problem(&problem),
                        Err(_) => t("schedules.fix_field").to_owned(),
                    }}
                </p>
            </fieldset>
            <label class="check"><input type="checkbox" bind:checked=active/>{t("schedules.active_check")}</label>
            <label class="check"><input type="checkbox" bind:checked=online/>{t("schedules.online_check")}</label>
            <ActionError actions=actions.clone() target=target.clone()/>
            <div class="actions">
                <button type="submit" class="primary" disabled=pending>
                    {move || if pending.get() { t("editor.saving") } else if id.is_some() { t("schedules.save") } else { t("schedules.create") }}
                </button>
                <button type="button" on:click=move |_| editing.set(None)>{t("common.cancel")}</button>
            </div>
        </form>
    }
}
