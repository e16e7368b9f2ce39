//! The subuser permissions as people read them, in the viewer's language: the panel's
//! groups and descriptions (`GET /api/client/permissions`, `Models/Permission.php`).
//! A group or key the panel adds later reads as the panel sent it.

use crate::i18n::ui::t;

/// A group's title (`file` → "File").
pub fn group_title(name: &str) -> Option<&'static str> {
    Some(match name {
        "websocket" => t("perm.websocket.title"),
        "control" => t("perm.control.title"),
        "user" => t("perm.user.title"),
        "file" => t("perm.file.title"),
        "backup" => t("perm.backup.title"),
        "allocation" => t("perm.allocation.title"),
        "startup" => t("perm.startup.title"),
        "database" => t("perm.database.title"),
        "schedule" => t("perm.schedule.title"),
        "settings" => t("perm.settings.title"),
        "activity" => t("perm.activity.title"),
        _ => return None,
    })
}

/// What a group is about.
pub fn group_description(name: &str) -> Option<&'static str> {
    Some(match name {
        "websocket" => t("perm.websocket.description"),
        "control" => t("perm.control.description"),
        "user" => t("perm.user.description"),
        "file" => t("perm.file.description"),
        "backup" => t("perm.backup.description"),
        "allocation" => t("perm.allocation.description"),
        "startup" => t("perm.startup.description"),
        "database" => t("perm.database.description"),
        "schedule" => t("perm.schedule.description"),
        "settings" => t("perm.settings.description"),
        "activity" => t("perm.activity.description"),
        _ => return None,
    })
}

/// What `group.key` allows.
pub fn key_description(permission: &str) -> Option<&'static str> {
    Some(match permission {
        "websocket.connect" => t("perm.websocket.connect"),
        "control.console" => t("perm.control.console"),
        "control.start" => t("perm.control.start"),
        "control.stop" => t("perm.control.stop"),
        "control.restart" => t("perm.control.restart"),
        "user.create" => t("perm.user.create"),
        "user.read" => t("perm.user.read"),
        "user.update" => t("perm.user.update"),
        "user.delete" => t("perm.user.delete"),
        "file.create" => t("perm.file.create"),
        "file.read" => t("perm.file.read"),
        "file.read-content" => t("perm.file.read_content"),
        "file.update" => t("perm.file.update"),
        "file.delete" => t("perm.file.delete"),
        "file.archive" => t("perm.file.archive"),
        "file.sftp" => t("perm.file.sftp"),
        "backup.create" => t("perm.backup.create"),
        "backup.read" => t("perm.backup.read"),
        "backup.delete" => t("perm.backup.delete"),
        "backup.download" => t("perm.backup.download"),
        "backup.restore" => t("perm.backup.restore"),
        "allocation.read" => t("perm.allocation.read"),
        "allocation.create" => t("perm.allocation.create"),
        "allocation.update" => t("perm.allocation.update"),
        "allocation.delete" => t("perm.allocation.delete"),
        "startup.read" => t("perm.startup.read"),
        "startup.update" => t("perm.startup.update"),
        "startup.docker-image" => t("perm.startup.docker_image"),
        "database.create" => t("perm.database.create"),
        "database.read" => t("perm.database.read"),
        "database.update" => t("perm.database.update"),
        "database.delete" => t("perm.database.delete"),
        "database.view_password" => t("perm.database.view_password"),
        "schedule.create" => t("perm.schedule.create"),
        "schedule.read" => t("perm.schedule.read"),
        "schedule.update" => t("perm.schedule.update"),
        "schedule.delete" => t("perm.schedule.delete"),
        "settings.rename" => t("perm.settings.rename"),
        "settings.reinstall" => t("perm.settings.reinstall"),
        "activity.read" => t("perm.activity.read"),
        _ => return None,
    })
}
