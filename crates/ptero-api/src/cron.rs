//! A schedule's five cron fields read as people say them ("every day at 04:00"), each
//! field checked as typed with the reason it is wrong ("hour: 25 is outside 0–23"), and
//! the presets the schedule editor offers.
//!
//! The panel evaluates the fields with dragonmantank/cron-expression and answers a bad
//! one with a 400 "The cron data provided does not evaluate to a valid expression."; this
//! module says which field and why before anything is sent. Hand-written: the cron crates
//! on crates.io compute run times (and pull in a date library); none describes a schedule,
//! which is what the editor needs. The library's extensions (`L`, `W`, `#`, `?`) are
//! left for the panel to judge: they are [`Problem::Unsupported`], which does not block
//! saving.

use std::fmt;

use crate::schedules::Cron;

/// One of the five fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Minute,
        Field::Hour,
        Field::DayOfMonth,
        Field::Month,
        Field::DayOfWeek,
    ];

    /// The name of the request field (`minute`, `day_of_month`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Minute => "minute",
            Field::Hour => "hour",
            Field::DayOfMonth => "day_of_month",
            Field::Month => "month",
            Field::DayOfWeek => "day_of_week",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Minute => "Minute",
            Field::Hour => "Hour",
            Field::DayOfMonth => "Day of month",
            Field::Month => "Month",
            Field::DayOfWeek => "Day of week",
        }
    }

    /// The values the field takes (day of week: 0 and 7 are Sunday).
    pub fn range(self) -> (u32, u32) {
        match self {
            Field::Minute => (0, 59),
            Field::Hour => (0, 23),
            Field::DayOfMonth => (1, 31),
            Field::Month => (1, 12),
            Field::DayOfWeek => (0, 7),
        }
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Month => &MONTHS_SHORT,
            Field::DayOfWeek => &DAYS_SHORT,
            _ => &[],
        }
    }

    fn of(self, cron: &Cron) -> &str {
        match self {
            Field::Minute => &cron.minute,
            Field::Hour => &cron.hour,
            Field::DayOfMonth => &cron.day_of_month,
            Field::Month => &cron.month,
            Field::DayOfWeek => &cron.day_of_week,
        }
    }
}

const MONTHS_SHORT: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS_SHORT: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Empty,
    /// Not a number, a name, `*`, a range, a list or a step.
    NotUnderstood(String),
    OutOfRange {
        value: u32,
        min: u32,
        max: u32,
    },
    /// `10-5`.
    Backwards {
        from: u32,
        to: u32,
    },
    /// `*/0` or `*/x`.
    BadStep(String),
    /// The panel's cron library also knows `L`, `W`, `#` and `?`; the panel decides.
    Unsupported(String),
}

/// A field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronProblem {
    pub field: Field,
    pub problem: Problem,
}

impl CronProblem {
    /// Whether the editor should refuse to send the schedule (everything but
    /// [`Problem::Unsupported`], which the panel may accept).
    pub fn blocks_saving(&self) -> bool {
        !matches!(self.problem, Problem::Unsupported(_))
    }
}

impl fmt::Display for CronProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field.label();
        match &self.problem {
            Problem::Empty => write!(f, "{field}: enter a value (* means every)"),
            Problem::NotUnderstood(text) => write!(
                f,
                "{field}: \"{text}\" is not a number, a range (1-5), a list (1,15), a step (*/10) or *"
            ),
            Problem::OutOfRange { value, min, max } => {
                write!(f, "{field}: {value} is outside {min}–{max}")
            }
            Problem::Backwards { from, to } => write!(
                f,
                "{field}: the range {from}-{to} runs backwards; write {to}-{from}"
            ),
            Problem::BadStep(text) => write!(
                f,
                "{field}: the step \"{text}\" must be a whole number of at least 1"
            ),
            Problem::Unsupported(text) => write!(
                f,
                "{field}: \"{text}\" is an extension this app cannot preview; the panel will check it"
            ),
        }
    }
}

impl std::error::Error for CronProblem {}

/// One comma-separated part of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Every,
    Value(u32),
    Range(u32, u32),
    /// `from-to/step`; `*/n` is the whole range.
    Step {
        from: u32,
        to: u32,
        step: u32,
    },
}

/// A field as parsed: `*`, or its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Spec {
    Every,
    Parts(Vec<Part>),
}

fn number(field: Field, text: &str) -> Result<u32, Problem> {
    let (min, max) = field.range();
    let lower = text.to_ascii_lowercase();
    let value = match field.names().iter().position(|name| *name == lower) {
        Some(index) => index as u32 + if field == Field::Month { 1 } else { 0 },
        None if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => text
            .parse()
            .map_err(|_| Problem::NotUnderstood(text.into()))?,
        None if text.contains(['L', 'W', '#', '?', 'l', 'w', 'H']) => {
            return Err(Problem::Unsupported(text.into()))
        }
        None => return Err(Problem::NotUnderstood(text.into())),
    };
    if value < min || value > max {
        return Err(Problem::OutOfRange { value, min, max });
    }
    Ok(value)
}

fn part(field: Field, text: &str) -> Result<Part, Problem> {
    let (min, max) = field.range();
    if let Some((base, step)) = text.split_once('/') {
        let step = match step.parse::<u32>() {
            Ok(step) if step >= 1 => step,
            _ => return Err(Problem::BadStep(step.into())),
        };
        let (from, to) = match part(field, base)? {
            Part::Every => (min, max),
            Part::Value(from) => (from, max),
            Part::Range(from, to) => (from, to),
            Part::Step { .. } => return Err(Problem::NotUnderstood(text.into())),
        };
        return Ok(Part::Step { from, to, step });
    }
    if text == "*" {
        return Ok(Part::Every);
    }
    if text == "?" && matches!(field, Field::DayOfMonth | Field::DayOfWeek) {
        return Err(Problem::Unsupported(text.into()));
    }
    match text.split_once('-') {
        Some((from, to)) => {
            let (from, to) = (number(field, from)?, number(field, to)?);
            if from > to {
                return Err(Problem::Backwards { from, to });
            }
            Ok(Part::Range(from, to))
        }
        None => number(field, text).map(Part::Value),
    }
}

fn spec(field: Field, text: &str) -> Result<Spec, CronProblem> {
    let fail = |problem| CronProblem { field, problem };
    let text = text.trim();
    if text.is_empty() {
        return Err(fail(Problem::Empty));
    }
    let parts = text
        .split(',')
        .map(|piece| part(field, piece.trim()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    if parts.contains(&Part::Every) {
        return Ok(Spec::Every);
    }
    Ok(Spec::Parts(parts))
}

/// Checks one field as typed.
pub fn check(field: Field, text: &str) -> Result<(), CronProblem> {
    spec(field, text).map(drop)
}

/// Checks every field; the first problem found, in field order.
pub fn check_all(cron: &Cron) -> Result<(), CronProblem> {
    Field::ALL
        .iter()
        .try_for_each(|field| check(*field, field.of(cron)))
}

/// A moment as cron sees it (minute, hour, day of month, month from 1, weekday with
/// Sunday 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub minute: u32,
    pub hour: u32,
    pub day: u32,
    pub month: u32,
    pub weekday: u32,
}

fn part_matches(part: &Part, value: u32, field: Field) -> bool {
    // Day of week 7 is Sunday as 0 is.
    let hit = |v: u32| v == value || (field == Field::DayOfWeek && v == 7 && value == 0);
    match *part {
        Part::Every => true,
        Part::Value(v) => hit(v),
        Part::Range(from, to) => (from..=to).any(hit),
        Part::Step { from, to, step } => (from..=to).step_by(step as usize).any(hit),
    }
}

fn spec_matches(spec: &Spec, value: u32, field: Field) -> bool {
    match spec {
        Spec::Every => true,
        Spec::Parts(parts) => parts.iter().any(|part| part_matches(part, value, field)),
    }
}

/// Whether the schedule runs at `moment`. When both day fields are restricted either
/// may match, as cron has it.
pub fn matches(cron: &Cron, moment: Moment) -> Result<bool, CronProblem> {
    let specs = Field::ALL
        .iter()
        .map(|field| spec(*field, field.of(cron)))
        .collect::<Result<Vec<_>, _>>()?;
    let [minute, hour, dom, month, dow] = &specs[..] else {
        return Ok(false);
    };
    let dom_hit = spec_matches(dom, moment.day, Field::DayOfMonth);
    let dow_hit = spec_matches(dow, moment.weekday, Field::DayOfWeek);
    let day = match (dom, dow) {
        (Spec::Every, _) => dow_hit,
        (_, Spec::Every) => dom_hit,
        _ => dom_hit || dow_hit,
    };
    Ok(spec_matches(minute, moment.minute, Field::Minute)
        && spec_matches(hour, moment.hour, Field::Hour)
        && spec_matches(month, moment.month, Field::Month)
        && day)
}

/// "every day at 04:00", "every 15 minutes", "every Monday to Friday at 08:30"…
pub fn describe(cron: &Cron) -> Result<String, CronProblem> {
    let specs = Field::ALL
        .iter()
        .map(|field| spec(*field, field.of(cron)))
        .collect::<Result<Vec<_>, _>>()?;
    let [minute, hour, dom, month, dow] = &specs[..] else {
        return Ok(cron.to_string());
    };
    let time = time(minute, hour);
    let days = days(dom, dow, month);
    Ok(match (time, days) {
        (Time::At(at), None) => format!("every day {at}"),
        (Time::At(at), Some(days)) => format!("{days} {at}"),
        (Time::Every(every), None) => every,
        (Time::Every(every), Some(days)) => format!("{every}, {days}"),
    })
}

enum Time {
    /// "at 04:00": needs a day phrase before it.
    At(String),
    /// "every 5 minutes": complete on its own.
    Every(String),
}

fn singles(spec: &Spec) -> Option<Vec<u32>> {
    match spec {
        Spec::Every => None,
        Spec::Parts(parts) => parts
            .iter()
            .map(|part| match part {
                Part::Value(value) => Some(*value),
                _ => None,
            })
            .collect(),
    }
}

/// `*/n` over the whole range.
fn every_n(field: Field, spec: &Spec) -> Option<u32> {
    let (min, max) = field.range();
    match spec {
        Spec::Parts(parts) => match parts[..] {
            [Part::Step { from, to, step }] if from == min && to == max => Some(step),
            _ => None,
        },
        Spec::Every => None,
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("every {one}")
    } else {
        format!("every {n} {many}")
    }
}

fn time(minute: &Spec, hour: &Spec) -> Time {
    let minutes = singles(minute);
    let hours = singles(hour);
    let at_minute = |m: u32| {
        if m == 0 {
            " on the hour".to_owned()
        } else {
            format!(" at minute {m}")
        }
    };
    match (minute, hour) {
        (Spec::Every, Spec::Every) => return Time::Every("every minute".into()),
        (_, Spec::Every) => {
            if let Some(n) = every_n(Field::Minute, minute) {
                return Time::Every(plural(n, "minute", "minutes"));
            }
            if let Some([m]) = minutes.as_deref() {
                return Time::Every(format!("every hour{}", at_minute(*m)));
            }
        }
        _ => {}
    }
    if let (Some([m]), Some(n)) = (minutes.as_deref(), every_n(Field::Hour, hour)) {
        return Time::Every(format!("{}{}", plural(n, "hour", "hours"), at_minute(*m)));
    }
    if let (Some(ms), Some(hs)) = (&minutes, &hours) {
        if ms.len() * hs.len() <= 6 {
            let mut times: Vec<String> = hs
                .iter()
                .flat_map(|h| ms.iter().map(move |m| format!("{h:02}:{m:02}")))
                .collect();
            times.sort();
            return Time::At(format!("at {}", and_list(&times)));
        }
    }
    if let Some([h]) = hours.as_deref() {
        let window = format!("from {h:02}:00 to {h:02}:59");
        if let Spec::Every = minute {
            return Time::At(format!("every minute {window}"));
        }
        if let Some(n) = every_n(Field::Minute, minute) {
            return Time::At(format!("{} {window}", plural(n, "minute", "minutes")));
        }
    }
    Time::At(format!(
        "at minute {} past hour {}",
        phrase(Field::Minute, minute, "every"),
        phrase(Field::Hour, hour, "every")
    ))
}

fn days(dom: &Spec, dow: &Spec, month: &Spec) -> Option<String> {
    let months = match month {
        Spec::Every => None,
        spec => Some(phrase(Field::Month, spec, "")),
    };
    let of_month = |what: String| match &months {
        Some(months) => format!("{what} of {months}"),
        None => format!("{what} of every month"),
    };
    let in_month = |what: String| match &months {
        Some(months) => format!("{what} in {months}"),
        None => what,
    };
    Some(match (dom, dow) {
        (Spec::Every, Spec::Every) => match &months {
            Some(months) => format!("every day in {months}"),
            None => return None,
        },
        (Spec::Every, dow) => in_month(format!("every {}", phrase(Field::DayOfWeek, dow, ""))),
        (dom, Spec::Every) => of_month(format!("on day {}", phrase(Field::DayOfMonth, dom, ""))),
        // Cron runs when either day field matches.
        (dom, dow) => format!(
            "{} and every {}",
            of_month(format!("on day {}", phrase(Field::DayOfMonth, dom, ""))),
            phrase(Field::DayOfWeek, dow, "")
        ),
    })
}

fn name(field: Field, value: u32) -> String {
    match field {
        Field::Month => MONTHS[(value as usize + 11) % 12].to_owned(),
        Field::DayOfWeek => DAYS[value as usize % 7].to_owned(),
        Field::Hour => format!("{value:02}"),
        _ => value.to_string(),
    }
}

/// A field's parts in words: "1 and 15", "Monday to Friday", "every 2nd from 1 to 31".
fn phrase(field: Field, spec: &Spec, every: &str) -> String {
    let Spec::Parts(parts) = spec else {
        return every.to_owned();
    };
    let words: Vec<String> = parts
        .iter()
        .map(|part| match *part {
            Part::Every => every.to_owned(),
            Part::Value(value) => name(field, value),
            Part::Range(from, to) => format!("{} to {}", name(field, from), name(field, to)),
            Part::Step { from, to, step } => {
                let (min, max) = field.range();
                let nth = ordinal(step);
                let unit = if field == Field::DayOfWeek {
                    " day"
                } else {
                    ""
                };
                if (from, to) == (min, max) {
                    format!("every {nth}{unit}")
                } else {
                    format!(
                        "every {nth}{unit} from {} to {}",
                        name(field, from),
                        name(field, to)
                    )
                }
            }
        })
        .collect();
    and_list(&words)
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn and_list(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A ready-made schedule the editor offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub label: &'static str,
    /// minute, hour, day of month, month, day of week.
    pub fields: [&'static str; 5],
}

impl Preset {
    pub fn cron(&self) -> Cron {
        let [minute, hour, dom, month, dow] = self.fields;
        Cron::new(minute, hour, dom, month, dow)
    }
}

pub const PRESETS: [Preset; 6] = [
    Preset {
        label: "Every 15 minutes",
        fields: ["*/15", "*", "*", "*", "*"],
    },
    Preset {
        label: "Every hour",
        fields: ["0", "*", "*", "*", "*"],
    },
    Preset {
        label: "Every 6 hours",
        fields: ["0", "*/6", "*", "*", "*"],
    },
    Preset {
        label: "Every day at 04:00",
        fields: ["0", "4", "*", "*", "*"],
    },
    Preset {
        label: "Every Monday at 04:00",
        fields: ["0", "4", "*", "*", "1"],
    },
    Preset {
        label: "First day of the month",
        fields: ["0", "0", "1", "*", "*"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn said(fields: &str) -> String {
        let f: Vec<&str> = fields.split(' ').collect();
        describe(&Cron::new(f[0], f[1], f[2], f[3], f[4])).expect("valid")
    }

    #[test]
    fn common_schedules_read_as_people_say_them() {
        assert_eq!(said("0 4 * * *"), "every day at 04:00");
        assert_eq!(said("* * * * *"), "every minute");
        assert_eq!(said("*/5 * * * *"), "every 5 minutes");
        assert_eq!(said("0 * * * *"), "every hour on the hour");
        assert_eq!(said("30 * * * *"), "every hour at minute 30");
        assert_eq!(said("0 */6 * * *"), "every 6 hours on the hour");
        assert_eq!(said("0 4,16 * * *"), "every day at 04:00 and 16:00");
        assert_eq!(said("30 8 * * 1-5"), "every Monday to Friday at 08:30");
        assert_eq!(said("0 4 * * sun"), "every Sunday at 04:00");
        assert_eq!(said("0 4 * * 7"), "every Sunday at 04:00");
        assert_eq!(said("0 0 1 * *"), "on day 1 of every month at 00:00");
        assert_eq!(
            said("0 0 1,15 jan *"),
            "on day 1 and 15 of January at 00:00"
        );
        assert_eq!(
            said("*/10 * * * 6,0"),
            "every 10 minutes, every Saturday and Sunday"
        );
        assert_eq!(
            said("* 4 * * *"),
            "every day every minute from 04:00 to 04:59"
        );
        assert_eq!(
            said("0 0 1 * 1"),
            "on day 1 of every month and every Monday at 00:00"
        );
    }

    #[test]
    fn every_preset_is_valid_and_reads_like_its_label() {
        for preset in PRESETS {
            let text = describe(&preset.cron()).expect("valid");
            assert!(!text.is_empty(), "{}", preset.label);
        }
        assert_eq!(describe(&PRESETS[3].cron()).unwrap(), "every day at 04:00");
    }

    #[test]
    fn a_bad_field_is_named_with_the_reason() {
        let problem = check(Field::Hour, "25").unwrap_err();
        assert_eq!(problem.to_string(), "Hour: 25 is outside 0–23");
        assert_eq!(
            check(Field::Minute, "10-5").unwrap_err().problem,
            Problem::Backwards { from: 10, to: 5 }
        );
        assert_eq!(
            check(Field::Minute, "*/0").unwrap_err().problem,
            Problem::BadStep("0".into())
        );
        assert_eq!(check(Field::Month, "").unwrap_err().problem, Problem::Empty);
        assert!(matches!(
            check(Field::DayOfWeek, "funday").unwrap_err().problem,
            Problem::NotUnderstood(_)
        ));
        let cron = Cron::new("0", "4", "32", "*", "*");
        assert_eq!(check_all(&cron).unwrap_err().field, Field::DayOfMonth);
    }

    #[test]
    fn moments_match_as_cron_runs_them() {
        let at = |minute, hour, day, month, weekday| Moment {
            minute,
            hour,
            day,
            month,
            weekday,
        };
        let nightly = Cron::new("0", "4", "*", "*", "*");
        assert!(matches(&nightly, at(0, 4, 9, 5, 3)).unwrap());
        assert!(!matches(&nightly, at(1, 4, 9, 5, 3)).unwrap());
        let sundays = Cron::new("*/15", "*", "*", "*", "7");
        assert!(matches(&sundays, at(45, 13, 5, 5, 0)).unwrap());
        assert!(!matches(&sundays, at(46, 13, 5, 5, 0)).unwrap());
        // Either day field: the 1st, or any Monday.
        let either = Cron::new("0", "0", "1", "*", "1");
        assert!(matches(&either, at(0, 0, 1, 5, 3)).unwrap());
        assert!(matches(&either, at(0, 0, 6, 5, 1)).unwrap());
        assert!(!matches(&either, at(0, 0, 7, 5, 2)).unwrap());
    }

    #[test]
    fn the_libraries_extensions_are_left_to_the_panel() {
        let problem = check(Field::DayOfMonth, "L").unwrap_err();
        assert!(!problem.blocks_saving(), "{problem}");
        assert!(!check(Field::DayOfWeek, "5#2").unwrap_err().blocks_saving());
        assert!(check(Field::Hour, "x").unwrap_err().blocks_saving());
    }
}
