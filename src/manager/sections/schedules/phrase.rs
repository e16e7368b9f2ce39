//! A schedule's times in words in the viewer's language: the common shapes (every n
//! minutes or hours, at a time every day, on some weekdays, on a day of the month) from
//! templates, weekday names and lists through the browser's `Intl`. What those shapes do
//! not cover reads as `ptero_api::cron::describe`'s English sentence in English, and as
//! the expression itself in the other languages (no English sentence in a German page).

use ptero_api::cron::{self, CronProblem};
use ptero_api::Cron;

use crate::i18n::ui::{self, t, tf, tp};
use crate::manager::format::intl_format;

/// The schedule in words, or what is wrong with it.
pub fn describe(cron: &Cron) -> Result<String, CronProblem> {
    let english = cron::describe(cron)?;
    Ok(match phrase(cron) {
        Some(words) => words,
        None if ui::texts().is_english() => english,
        None => tf("cron.expression", &[&cron.to_string()]),
    })
}

/// One field as the common shapes have it.
#[derive(Clone, Debug, PartialEq)]
enum Shape {
    Every,
    Value(u32),
    /// `*/n`.
    Step(u32),
    /// `a,b,c` or `a-b` (a range keeps its ends).
    List(Vec<u32>),
    Range(u32, u32),
}

fn shape(text: &str) -> Option<Shape> {
    let text = text.trim();
    let number = |t: &str| t.parse::<u32>().ok();
    if text == "*" {
        return Some(Shape::Every);
    }
    if let Some(step) = text.strip_prefix("*/") {
        return number(step).filter(|n| *n >= 1).map(Shape::Step);
    }
    if let Some((from, to)) = text.split_once('-') {
        return Some(Shape::Range(number(from)?, number(to)?));
    }
    if text.contains(',') {
        return text
            .split(',')
            .map(number)
            .collect::<Option<_>>()
            .map(Shape::List);
    }
    number(text).map(Shape::Value)
}

fn phrase(cron: &Cron) -> Option<String> {
    let (minute, hour) = (shape(&cron.minute)?, shape(&cron.hour)?);
    let (dom, month, dow) = (
        shape(&cron.day_of_month)?,
        shape(&cron.month)?,
        shape(&cron.day_of_week)?,
    );
    if month != Shape::Every {
        return None;
    }
    let at = match (&minute, &hour) {
        (Shape::Value(m), Shape::Value(h)) => format!("{h:02}:{m:02}"),
        // Every n minutes or hours: on any day only.
        _ if dom != Shape::Every || dow != Shape::Every => return None,
        (Shape::Every, Shape::Every) | (Shape::Step(1), Shape::Every) => {
            return Some(t("cron.every_minute").to_owned())
        }
        (Shape::Step(n), Shape::Every) => {
            return Some(tp("cron.every_minutes", f64::from(*n), &[&n.to_string()]))
        }
        (Shape::Value(0), Shape::Every) | (Shape::Value(0), Shape::Step(1)) => {
            return Some(t("cron.every_hour").to_owned())
        }
        (Shape::Value(0), Shape::Step(n)) => {
            return Some(tp("cron.every_hours", f64::from(*n), &[&n.to_string()]))
        }
        (Shape::Value(m), Shape::Every) => return Some(tf("cron.hourly_at", &[&m.to_string()])),
        (Shape::Value(m), Shape::Step(n)) => {
            let (n, m) = (n.to_string(), m.to_string());
            return Some(tf("cron.hours_at", &[&n, &m]));
        }
        _ => return None,
    };
    match (dom, dow) {
        (Shape::Every, Shape::Every) => Some(tf("cron.daily", &[&at])),
        (Shape::Value(day), Shape::Every) => Some(tf("cron.monthly", &[&day.to_string(), &at])),
        (Shape::Every, Shape::Value(day)) => Some(tf("cron.on_days", &[&weekday(day)?, &at])),
        (Shape::Every, Shape::List(days)) => {
            let names = days.into_iter().map(weekday).collect::<Option<Vec<_>>>()?;
            Some(tf("cron.on_days", &[&list(&names)?, &at]))
        }
        (Shape::Every, Shape::Range(from, to)) if from < to => {
            let span = tf("cron.day_range", &[&weekday(from)?, &weekday(to)?]);
            Some(tf("cron.on_days", &[&span, &at]))
        }
        _ => None,
    }
}

/// Weekday `day` (0 and 7: Sunday) by its name in the viewer's language.
fn weekday(day: u32) -> Option<String> {
    if day > 7 {
        return None;
    }
    // 2024-01-07 was a Sunday; noon UTC, shown in UTC: the same day in every zone.
    let at = js_sys::Date::utc(2024.0, 0.0) + f64::from(6 + day % 7) * 86_400_000.0 + 43_200_000.0;
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at));
    intl_format(
        "DateTimeFormat",
        &[("weekday", "long"), ("timeZone", "UTC")],
        &date.into(),
    )
}

/// `names` joined the language's way ("Monday and Friday", "lundi et vendredi").
fn list(names: &[String]) -> Option<String> {
    let array: js_sys::Array = names
        .iter()
        .map(|n| wasm_bindgen::JsValue::from_str(n))
        .collect();
    intl_format(
        "ListFormat",
        &[("type", "conjunction"), ("style", "long")],
        &array.into(),
    )
}
