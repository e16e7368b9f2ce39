//! The schedule editor's words in the viewer's language: the cron fields' names, the
//! presets' and what is wrong with a field (`ptero_api::cron` has them in English; the
//! schedule itself in words is [`phrase`](super::phrase)'s).

use ptero_api::cron::{CronProblem, Field, Preset, Problem};

use crate::i18n::ui::{t, tf};

pub fn field_label(field: Field) -> &'static str {
    match field {
        Field::Minute => t("schedules.field.minute"),
        Field::Hour => t("schedules.field.hour"),
        Field::DayOfMonth => t("schedules.field.day_of_month"),
        Field::Month => t("schedules.field.month"),
        Field::DayOfWeek => t("schedules.field.day_of_week"),
    }
}

/// A preset's name, known by its fields (an unknown one keeps the library's).
pub fn preset_label(preset: &Preset) -> &'static str {
    match preset.fields {
        ["*/15", "*", "*", "*", "*"] => t("schedules.preset.quarter_hour"),
        ["0", "*", "*", "*", "*"] => t("schedules.preset.hourly"),
        ["0", "*/6", "*", "*", "*"] => t("schedules.preset.six_hours"),
        ["0", "4", "*", "*", "*"] => t("schedules.preset.daily"),
        ["0", "4", "*", "*", "1"] => t("schedules.preset.monday"),
        ["0", "0", "1", "*", "*"] => t("schedules.preset.monthly"),
        _ => preset.label,
    }
}

/// What is wrong with a field, with the field's name.
pub fn problem(problem: &CronProblem) -> String {
    let field = field_label(problem.field);
    match &problem.problem {
        Problem::Empty => tf("schedules.problem.empty", &[field]),
        Problem::NotUnderstood(text) => tf("schedules.problem.not_understood", &[field, text]),
        Problem::OutOfRange { value, min, max } => {
            let (v, lo, hi) = (value.to_string(), min.to_string(), max.to_string());
            tf("schedules.problem.out_of_range", &[field, &v, &lo, &hi])
        }
        Problem::Backwards { from, to } => {
            let (from, to) = (from.to_string(), to.to_string());
            tf("schedules.problem.backwards", &[field, &from, &to])
        }
        Problem::BadStep(text) => tf("schedules.problem.bad_step", &[field, text]),
        Problem::Unsupported(text) => tf("schedules.problem.unsupported", &[field, text]),
    }
}
