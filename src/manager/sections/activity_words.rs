//! The activity log's sentences in the viewer's language: the panel's own (its UI's
//! `activity` translations, as `ptero_api::activity` has them in English) with their
//! `:property` placeholders, filled from the entry. An event not listed reads as the
//! panel's English sentence (`ActivityLog::sentence`), else as its own name.

use ptero_api::activity::fill;
use ptero_api::ActivityLog;

use crate::i18n::ui::{t, tp};

/// The entry in words.
pub fn sentence(entry: &ActivityLog) -> String {
    let count = entry.properties.get("count").and_then(|value| match value {
        ptero_api::activity::Value::Number(n) => Some(*n),
        _ => None,
    });
    match counted(&entry.event, count.unwrap_or(1.0))
        .or_else(|| single(&entry.event).map(str::to_owned))
    {
        Some(template) => fill(&template, &entry.properties),
        None => entry.sentence(),
    }
}

/// Events said differently for one item and for several (`:count files`).
fn counted(event: &str, n: f64) -> Option<String> {
    Some(match event {
        "server:file.compress" if n == 1.0 => t("activity.server.file_compress.single").to_owned(),
        "server:file.compress" => tp("activity.server.file_compress.count", n, &[]),
        "server:file.delete" if n == 1.0 => t("activity.server.file_delete.single").to_owned(),
        "server:file.delete" => tp("activity.server.file_delete.count", n, &[]),
        "server:file.rename" if n == 1.0 => t("activity.server.file_rename.single").to_owned(),
        "server:file.rename" => tp("activity.server.file_rename.count", n, &[]),
        "server:sftp.create" if n == 1.0 => t("activity.server.sftp_create.single").to_owned(),
        "server:sftp.create" => tp("activity.server.sftp_create.count", n, &[]),
        "server:sftp.write" if n == 1.0 => t("activity.server.sftp_write.single").to_owned(),
        "server:sftp.write" => tp("activity.server.sftp_write.count", n, &[]),
        "server:sftp.delete" if n == 1.0 => t("activity.server.sftp_delete.single").to_owned(),
        "server:sftp.delete" => tp("activity.server.sftp_delete.count", n, &[]),
        "server:sftp.create-directory" if n == 1.0 => {
            t("activity.server.sftp_create_directory.single").to_owned()
        }
        "server:sftp.create-directory" => tp("activity.server.sftp_create_directory.count", n, &[]),
        "server:sftp.rename" if n == 1.0 => t("activity.server.sftp_rename.single").to_owned(),
        "server:sftp.rename" => tp("activity.server.sftp_rename.count", n, &[]),
        _ => return None,
    })
}

fn single(event: &str) -> Option<&'static str> {
    Some(match event {
        "auth:fail" => t("activity.auth.fail"),
        "auth:success" => t("activity.auth.success"),
        "auth:password-reset" => t("activity.auth.password_reset"),
        "auth:reset-password" => t("activity.auth.reset_password"),
        "auth:checkpoint" => t("activity.auth.checkpoint"),
        "auth:recovery-token" => t("activity.auth.recovery_token"),
        "auth:token" => t("activity.auth.token"),
        "auth:ip-blocked" => t("activity.auth.ip_blocked"),
        "auth:sftp.fail" => t("activity.auth.sftp_fail"),
        "user:account.email-changed" => t("activity.user.account_email_changed"),
        "user:account.password-changed" => t("activity.user.account_password_changed"),
        "user:api-key.create" => t("activity.user.api_key_create"),
        "user:api-key.delete" => t("activity.user.api_key_delete"),
        "user:ssh-key.create" => t("activity.user.ssh_key_create"),
        "user:ssh-key.delete" => t("activity.user.ssh_key_delete"),
        "user:two-factor.create" => t("activity.user.two_factor_create"),
        "user:two-factor.delete" => t("activity.user.two_factor_delete"),
        "server:reinstall" => t("activity.server.reinstall"),
        "server:console.command" => t("activity.server.console_command"),
        "server:power.start" => t("activity.server.power_start"),
        "server:power.stop" => t("activity.server.power_stop"),
        "server:power.restart" => t("activity.server.power_restart"),
        "server:power.kill" => t("activity.server.power_kill"),
        "server:backup.download" => t("activity.server.backup_download"),
        "server:backup.delete" => t("activity.server.backup_delete"),
        "server:backup.restore" => t("activity.server.backup_restore"),
        "server:backup.restore-complete" => t("activity.server.backup_restore_complete"),
        "server:backup.restore-failed" => t("activity.server.backup_restore_failed"),
        "server:backup.start" => t("activity.server.backup_start"),
        "server:backup.complete" => t("activity.server.backup_complete"),
        "server:backup.fail" => t("activity.server.backup_fail"),
        "server:backup.lock" => t("activity.server.backup_lock"),
        "server:backup.unlock" => t("activity.server.backup_unlock"),
        "server:database.create" => t("activity.server.database_create"),
        "server:database.rotate-password" => t("activity.server.database_rotate_password"),
        "server:database.delete" => t("activity.server.database_delete"),
        "server:file.read" => t("activity.server.file_read"),
        "server:file.copy" => t("activity.server.file_copy"),
        "server:file.create-directory" => t("activity.server.file_create_directory"),
        "server:file.decompress" => t("activity.server.file_decompress"),
        "server:file.download" => t("activity.server.file_download"),
        "server:file.pull" => t("activity.server.file_pull"),
        "server:file.write" => t("activity.server.file_write"),
        "server:file.upload" => t("activity.server.file_upload"),
        "server:file.uploaded" => t("activity.server.file_uploaded"),
        "server:sftp.denied" => t("activity.server.sftp_denied"),
        "server:allocation.create" => t("activity.server.allocation_create"),
        "server:allocation.notes" => t("activity.server.allocation_notes"),
        "server:allocation.primary" => t("activity.server.allocation_primary"),
        "server:allocation.delete" => t("activity.server.allocation_delete"),
        "server:schedule.create" => t("activity.server.schedule_create"),
        "server:schedule.update" => t("activity.server.schedule_update"),
        "server:schedule.execute" => t("activity.server.schedule_execute"),
        "server:schedule.delete" => t("activity.server.schedule_delete"),
        "server:task.create" => t("activity.server.task_create"),
        "server:task.update" => t("activity.server.task_update"),
        "server:task.delete" => t("activity.server.task_delete"),
        "server:settings.rename" => t("activity.server.settings_rename"),
        "server:settings.description" => t("activity.server.settings_description"),
        "server:startup.edit" => t("activity.server.startup_edit"),
        "server:startup.image" => t("activity.server.startup_image"),
        "server:subuser.create" => t("activity.server.subuser_create"),
        "server:subuser.update" => t("activity.server.subuser_update"),
        "server:subuser.delete" => t("activity.server.subuser_delete"),
        _ => return None,
    })
}
