//! Backups: the list with the server's limit, a form to make one (name, ignored files,
//! locked), and per backup: download, restore (optionally deleting every file first,
//! confirmed), lock or unlock, delete (confirmed). A running backup shows as such until
//! Wings' `backup completed` arrives (the list reloads then, or every 10 s while the
//! socket is down); the panel's throttle answers are shown as what they are.

use crate::i18n::ui::{t, tf, tp};
use std::time::Duration;

use leptos::prelude::*;
use ptero_api::{Backup, BackupState, PanelError, Server, StoreBackupRequest};

use super::files::controller::sentence;
use super::format::bytes;
use super::permissions::Permissions;
use super::sections::date_time;
use crate::api::{ApiError, Load, PanelClient, Scope};
use crate::components::ErrorNote;
use crate::live::{use_polling, Link, WingsLive};

/// How a failed backup action reads: a throttle names itself and the wait.
fn refusal(error: &ApiError) -> String {
    match error {
        ApiError::Panel(PanelError::Throttled {
            detail,
            retry_after,
        }) => match retry_after {
            Some(s) => [
                detail.as_str(),
                " ",
                &tf("backups.try_again_in", &[&wait(*s)]),
            ]
            .concat(),
            None => [detail.as_str(), " ", t("backups.try_again_later")].concat(),
        },
        ApiError::Panel(PanelError::RateLimited { retry_after }) => match retry_after {
            Some(s) => tf("backups.restore_limited_in", &[&wait(*s)]),
            None => t("backups.restore_limited").to_owned(),
        },
        other => sentence(other),
    }
}

fn wait(seconds: u64) -> String {
    if seconds >= 120 {
        let minutes = seconds.div_ceil(60);
        tp("backups.minutes", minutes as f64, &[&minutes.to_string()])
    } else {
        tp("backups.seconds", seconds as f64, &[&seconds.to_string()])
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Restore,
    Delete,
}

#[component]
pub fn BackupsTab(
    client: PanelClient,
    server: Server,
    live: WingsLive,
    permissions: Permissions,
) -> impl IntoView {
    let id = server.identifier.clone();
    let limit = server.feature_limits.backups.unwrap_or(0);
    let list = {
        let (client, id) = (client.clone(), id.clone());
        Load::new(move || {
            live.backups_changed.track();
            let (client, id) = (client.clone(), id.clone());
            async move { client.backups(&id).await }
        })
    };
    // Without the socket, a running backup is polled for.
    use_polling(Duration::from_secs(10), move || {
        let running = matches!(list.answer(), Some(Ok((backups, _))) if backups.iter().any(|b| b.state() == BackupState::Running));
        if running && live.link.get_untracked() != Link::Live {
            list.reload();
        }
    });
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let scope = StoredValue::new_local(Scope::new());
    let run = {
        let (client, id) = (client.clone(), id.clone());
        Callback::new(move |(task, done): (BackupTask, String)| {
            let (client, id) = (client.clone(), id.clone());
            error.set(None);
            notice.set(None);
            scope.with_value(|scope| {
                scope.spawn(async move {
                    let outcome = match &task {
                        BackupTask::Create(request) => {
                            client.create_backup(&id, request).await.map(drop)
                        }
                        BackupTask::Download(uuid) => client
                            .backup_download_url(&id, uuid)
                            .await
                            .map(|url| crate::api::transfer::download(&url)),
                        BackupTask::Lock(uuid) => {
                            client.toggle_backup_lock(&id, uuid).await.map(drop)
                        }
                        BackupTask::Restore(uuid, truncate) => {
                            client.restore_backup(&id, uuid, *truncate).await
                        }
                        BackupTask::Delete(uuid) => client.delete_backup(&id, uuid).await,
                    };
                    match outcome {
                        Ok(()) => {
                            notice.set(Some(done));
                            if !matches!(task, BackupTask::Download(_)) {
                                list.reload();
                            }
                        }
                        Err(ApiError::Aborted) => {}
                        Err(failure) => error.set(Some(refusal(&failure))),
                    }
                })
            });
        })
    };
    let can_create = permissions.can("backup.create");
    let can_lock = permissions.can("backup.delete");
    view! {
        <section class="backups" aria-labelledby="backups-title" data-testid="backups">
            <div class="section-head">
                <h2 id="backups-title">{t("tabs.backups")}</h2>
                <span class="muted" data-testid="backup-count">{move || match list.answer() {
                    Some(Ok((_, count))) if limit > 0 => tp("backups.used", limit as f64, &[&count.to_string(), &limit.to_string()]),
                    _ if limit == 0 => t("backups.none_allowed").to_owned(),
                    _ => String::new(),
                }}</span>
            </div>
            {(can_create && limit > 0).then(|| view! { <CreateForm run can_lock/> })}
            <div aria-live="polite">
                {move || notice.get().map(|n| view! { <p class="ok" data-testid="backup-notice">{n}</p> })}
                {move || error.get().map(|e| view! { <p class="error throttle-aware" role="alert" data-testid="backup-error">{e}</p> })}
            </div>
            {move || match list.answer() {
                None => view! { <p class="loading">{t("backups.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <ErrorNote error=failure retry=Callback::new(move |_| list.reload())/> }.into_any(),
                Some(Ok((backups, _))) if backups.is_empty() => view! { <p class="empty">{t("backups.empty")}</p> }.into_any(),
                Some(Ok((backups, _))) => view! {
                    <ul class="backup-list">
                        {backups.into_iter().map(|backup| view! {
                            <BackupRow backup run permissions=permissions.clone()/>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// What a backup action does.
#[derive(Clone, Debug)]
pub enum BackupTask {
    Create(StoreBackupRequest),
    Download(String),
    Lock(String),
    Restore(String, bool),
    Delete(String),
}

#[component]
fn CreateForm(run: Callback<(BackupTask, String)>, can_lock: bool) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let ignored = RwSignal::new(String::new());
    let locked = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = StoreBackupRequest {
            name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
            ignored: Some(ignored.get_untracked()).filter(|i| !i.trim().is_empty()),
            is_locked: locked.get_untracked(),
        };
        run.run((BackupTask::Create(request), t("backups.started").to_owned()));
        name.set(String::new());
    };
    view! {
        <details class="create-backup">
            <summary>{t("backups.create")}</summary>
            <form class="stack" on:submit=submit>
                <label for="backup-name">{t("backups.name")}</label>
                <input id="backup-name" type="text" maxlength="191" bind:value=name placeholder=t("backups.name_placeholder")/>
                <label for="backup-ignored">{t("backups.ignored")}</label>
                <textarea id="backup-ignored" rows="3" spellcheck="false" placeholder="*.log\ncache/"
                    prop:value=move || ignored.get() on:input=move |ev| ignored.set(event_target_value(&ev))></textarea>
                {can_lock.then(|| view! {
                    <label class="check"><input type="checkbox" bind:checked=locked/>{t("backups.lock_it")}</label>
                })}
                <button type="submit" class="primary">{t("backups.start")}</button>
            </form>
        </details>
    }
}

#[component]
fn BackupRow(
    backup: Backup,
    run: Callback<(BackupTask, String)>,
    permissions: Permissions,
) -> impl IntoView {
    let confirm = RwSignal::new(None::<Confirm>);
    let truncate = RwSignal::new(false);
    let state = backup.state();
    let (label, class, key) = match state {
        BackupState::Running => (t("backups.running"), "badge badge-starting", "in progress"),
        BackupState::Completed => (t("backups.completed"), "badge badge-running", "completed"),
        BackupState::Failed => (t("backups.failed"), "badge badge-install_failed", "failed"),
    };
    let done = state == BackupState::Completed;
    let uuid = backup.uuid.clone();
    let name = backup.name.clone();
    let locked = backup.is_locked;
    let button = move |text: &'static str, shown: bool, task: BackupTask, message: String| {
        shown.then(|| {
            let (task, message) = (task, message);
            view! { <button type="button" on:click=move |_| run.run((task.clone(), message.clone()))>{text}</button> }
        })
    };
    let details = match state {
        BackupState::Running => t("backups.writing").to_owned(),
        _ => format!(
            "{} · {}",
            bytes(backup.bytes),
            date_time(&backup.created_at)
        ),
    };
    let (u1, u2, u3) = (uuid.clone(), uuid.clone(), uuid.clone());
    let restore_name = name.clone();
    view! {
        <li class="backup" data-uuid=uuid.clone() data-state=key>
            <div class="backup-head">
                <strong class="backup-name">{name.clone()}</strong>
                <span class=class>{label}</span>
                {locked.then(|| view! { <span class="tag locked" title=t("backups.locked_title")>{t("backups.locked")}</span> })}
            </div>
            <p class="muted backup-details">{details}</p>
            <div class="backup-actions">
                {button(t("backups.download"), done && permissions.can("backup.download"), BackupTask::Download(uuid.clone()), t("backups.download_started").to_owned())}
                {(done && permissions.can("backup.restore")).then(|| view! {
                    <button type="button" on:click=move |_| confirm.set(Some(Confirm::Restore))>{t("backups.restore_open")}</button>
                })}
                {button(if locked { t("backups.unlock") } else { t("backups.lock") }, permissions.can("backup.delete"), BackupTask::Lock(u1.clone()),
                    if locked { t("backups.unlocked").to_owned() } else { t("backups.locked_done").to_owned() })}
                {permissions.can("backup.delete").then(|| view! {
                    <button type="button" class="danger-outline" disabled=locked && done
                        title=if locked && done { t("backups.unlock_to_delete") } else { "" }
                        on:click=move |_| confirm.set(Some(Confirm::Delete))>{t("common.delete_open")}</button>
                })}
            </div>
            {move || confirm.get().map(|which| {
                let (u2, u3, restore_name) = (u2.clone(), u3.clone(), restore_name.clone());
                match which {
                    Confirm::Restore => view! {
                        <div class="confirm-row" role="group" aria-label=t("backups.restore_confirm_label")>
                            <p class="confirm">{tf("backups.restore_confirm", &[&restore_name])}</p>
                            <label class="check"><input type="checkbox" bind:checked=truncate/>{t("backups.truncate")}</label>
                            <button type="button" class="danger" on:click=move |_| {
                                confirm.set(None);
                                run.run((BackupTask::Restore(u2.clone(), truncate.get_untracked()),
                                    tf("backups.restoring", &[&restore_name])));
                            }>{t("backups.restore")}</button>
                            <button type="button" on:click=move |_| confirm.set(None)>{t("common.cancel")}</button>
                        </div>
                    }.into_any(),
                    Confirm::Delete => view! {
                        <div class="confirm-row" role="group" aria-label=t("common.delete_confirm_label")>
                            <p class="confirm">{t("backups.delete_confirm")}</p>
                            <button type="button" class="danger" on:click=move |_| {
                                confirm.set(None);
                                run.run((BackupTask::Delete(u3.clone()), t("common.deleted").to_owned()));
                            }>{t("common.delete")}</button>
                            <button type="button" on:click=move |_| confirm.set(None)>{t("common.cancel")}</button>
                        </div>
                    }.into_any(),
                }
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_read_as_throttles() {
        let throttled = ApiError::Panel(PanelError::Throttled {
            detail: "Only 2 backups may be generated within a 600 second span of time.".into(),
            retry_after: Some(412),
        });
        assert_eq!(
            refusal(&throttled),
            "Only 2 backups may be generated within a 600 second span of time. Try again in 7 minutes."
        );
        let restore = ApiError::Panel(PanelError::RateLimited {
            retry_after: Some(30),
        });
        assert!(refusal(&restore).contains("restored: try again in 30 seconds"));
    }
}
