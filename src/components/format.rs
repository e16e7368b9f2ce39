//! Human formats for bytes, percentages, uptimes and dates. The plain functions
//! (`bytes`, `percent` …, used by the app and the manager) write numbers in the app's
//! language (`i18n::ui`, the browser's `Intl`); the `_in` ones take the digits of a
//! caller's language (the card passes its own `Texts`, and must not reach `i18n::ui`).

/// `value` with `decimals` (0–3) digits after the point, rounded half away from zero.
/// Integer arithmetic on purpose: core's float formatting adds ~10 KB to each wasm bundle.
pub fn fixed(value: f64, decimals: u32) -> String {
    let scale = 10i64.pow(decimals.min(3));
    let scaled = if value.is_finite() {
        (value * scale as f64).round() as i64
    } else {
        0
    };
    let sign = if scaled < 0 { "-" } else { "" };
    let (whole, frac) = (
        scaled.unsigned_abs() / scale as u64,
        scaled.unsigned_abs() % scale as u64,
    );
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!(
            "{sign}{whole}.{frac:0width$}",
            width = decimals.min(3) as usize
        )
    }
}

/// How a number is written: `value` with `decimals` digits (English: [`fixed`]; the
/// card passes its language's `Intl` format, see `i18n::Texts::number`).
pub type Digits<'a> = &'a dyn Fn(f64, u32) -> String;

/// `value` with `decimals` digits in the app's language (`1.5`, `1,5`).
fn app_digits(value: f64, decimals: u32) -> String {
    crate::i18n::ui::texts().number(value, decimals)
}

/// `1536` → `"1.5 KiB"` (`"1,5 KiB"` in German).
pub fn bytes(n: u64) -> String {
    bytes_in(&app_digits, n)
}

pub fn bytes_in(digits: Digits, n: u64) -> String {
    match scaled(n as f64) {
        (_, "B") => [digits(n as f64, 0), " B".into()].concat(),
        (value, unit) => [digits(value, 1), " ".into(), unit.into()].concat(),
    }
}

/// `used` of `limit` bytes in the unit of the larger: `"2.5 / 4 GiB"`; a `limit` of 0 is
/// unlimited: `"2.5 GiB / ∞"`.
pub fn usage_bytes(used: u64, limit: u64) -> String {
    usage_bytes_in(&app_digits, used, limit)
}

pub fn usage_bytes_in(digits: Digits, used: u64, limit: u64) -> String {
    if limit == 0 {
        return [bytes_in(digits, used), " / ∞".into()].concat();
    }
    let (value, unit) = scaled(used.max(limit) as f64);
    let divisor = used.max(limit) as f64 / value;
    // One decimal, none when it would be 0 ("4 GiB", not "4.0 GiB").
    let trim = |n: f64| {
        // Integer remainder: an f64 `%` pulls `fmod` into the bundle.
        let whole = ((n * 10.0).round() as i64) % 10 == 0;
        digits(n, if whole { 0 } else { 1 })
    };
    [
        trim(used as f64 / divisor),
        " / ".into(),
        trim(limit as f64 / divisor),
        " ".into(),
        unit.into(),
    ]
    .concat()
}

/// `used` of `limit` percent of a core: `"42.3% / 200%"`; 0 is unlimited (`"42.3% / ∞"`).
pub fn usage_percent(used: f64, limit: u64) -> String {
    usage_percent_in(&app_digits, used, limit)
}

pub fn usage_percent_in(digits: Digits, used: f64, limit: u64) -> String {
    let of = if limit == 0 {
        "∞".to_owned()
    } else {
        [digits(limit as f64, 0), "%".into()].concat()
    };
    [digits(used, 1), "% / ".into(), of].concat()
}

/// A byte rate: `"1.5 KiB/s"`.
pub fn rate(bytes_per_second: f64) -> String {
    rate_in(&app_digits, bytes_per_second)
}

pub fn rate_in(digits: Digits, bytes_per_second: f64) -> String {
    let whole = if bytes_per_second.is_finite() {
        bytes_per_second.max(0.0) as u64
    } else {
        0
    };
    [bytes_in(digits, whole), "/s".into()].concat()
}

/// `n` bytes as a value and binary unit (`1536.0` → `(1.5, "KiB")`).
fn scaled(n: f64) -> (f64, &'static str) {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = n;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    (value, UNITS[unit])
}

/// `42.345` → `"42.3%"`.
pub fn percent(p: f64) -> String {
    [app_digits(p, 1), "%".into()].concat()
}

/// Milliseconds → `"3d 4h"`, `"2h 5m"`, `"4m 10s"`, in the app's language's narrow units.
pub fn duration_ms(ms: u64) -> String {
    crate::i18n::ui::texts().duration_ms(ms)
}

/// Seconds in the app's language's narrow unit (`25s`, `25 Sek.`).
pub fn seconds(secs: u64) -> String {
    crate::i18n::ui::texts().seconds(secs)
}

/// How long ago `ms` milliseconds were, in the app's language (`Intl.RelativeTimeFormat`):
/// "3 minutes ago", "vor 2 Stunden"; under a minute, the catalog's words for it.
pub fn ago(ms: f64) -> String {
    let minutes = (ms / 60_000.0).max(0.0) as u64;
    let (n, unit) = match minutes {
        0 => return crate::i18n::ui::t("servers.just_now").into(),
        1..=119 => (minutes, "minute"),
        _ if minutes < 48 * 60 => (minutes / 60, "hour"),
        _ => (minutes / (24 * 60), "day"),
    };
    relative(n, unit).unwrap_or_else(|| match n {
        1 => ["1 ", unit, " ago"].concat(),
        _ => [n.to_string(), " ".into(), unit.into(), "s ago".into()].concat(),
    })
}

/// `n` `unit`s ago through `Intl.RelativeTimeFormat`.
fn relative(n: u64, unit: &str) -> Option<String> {
    let args = [wasm_bindgen::JsValue::from_f64(-(n as f64)), unit.into()];
    intl_format("RelativeTimeFormat", &[("numeric", "always")], &args)
}

/// An ISO 8601 / ATOM time (`2026-12-01T15:16:25+00:00`) as the viewer's clock and
/// calendar show it, date and time, in the app's language (`Intl.DateTimeFormat`); the
/// text itself when it is no time.
pub fn date_time(atom: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(atom));
    if date.get_time().is_nan() {
        return atom.to_owned();
    }
    let style = [("dateStyle", "medium"), ("timeStyle", "short")];
    intl_format("DateTimeFormat", &style, &[date.into()]).unwrap_or_else(|| atom.to_owned())
}

/// `new Intl.<class>(lang, options).format(...args)` in the app's language
/// (`i18n::ui::lang`), made through `Reflect` so a tag the browser refuses (a
/// `RangeError`) falls back to its default instead of trapping; `None` when the browser
/// has no such class.
pub fn intl_format(
    class: &str,
    options: &[(&str, &str)],
    args: &[wasm_bindgen::JsValue],
) -> Option<String> {
    use js_sys::{Array, Function, Object, Reflect};
    use wasm_bindgen::JsCast;
    let settings = Object::new();
    for (key, option) in options {
        let _ = Reflect::set(&settings, &(*key).into(), &(*option).into());
    }
    let args: Array = args.iter().collect();
    let make = |locales: Array| -> Option<String> {
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let class = Reflect::get(&intl, &class.into()).ok()?;
        let class = class.dyn_into::<Function>().ok()?;
        let format = Reflect::construct(&class, &Array::of2(&locales, &settings)).ok()?;
        let method = Reflect::get(&format, &"format".into()).ok()?;
        let method = method.dyn_into::<Function>().ok()?;
        method.apply(&format, &args).ok()?.as_string()
    };
    let lang = crate::i18n::ui::lang();
    (!lang.is_empty())
        .then(|| make(Array::of1(&lang.as_str().into())))
        .flatten()
        .or_else(|| make(Array::new()))
}

/// A time of day as the viewer's clock shows it, hours and minutes, through the browser's
/// `Intl` in `lang` (empty: the browser's language).
pub fn clock_time(at_ms: f64, lang: &str) -> String {
    let options = js_sys::Object::new();
    for key in ["hour", "minute"] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &"2-digit".into());
    }
    let lang = if lang.is_empty() { "default" } else { lang };
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms))
        .to_locale_time_string_with_options(lang, &options)
        .into()
}

/// The CSS class suffix of an alert's severity: `bad`, `warn` or `ok`.
pub fn severity_class(severity: ptero_api::alerts::Severity) -> &'static str {
    match severity {
        ptero_api::alerts::Severity::Critical => "bad",
        ptero_api::alerts::Severity::Warning => "warn",
        ptero_api::alerts::Severity::Good => "ok",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_like_format_does_for_display_values() {
        for (value, decimals, expected) in [
            (42.345, 1, "42.3"),
            (0.05, 1, "0.1"),
            (305.6, 1, "305.6"),
            (-3.25, 1, "-3.3"),
            (-0.04, 1, "0.0"),
            (99.999, 0, "100"),
            (8.0808, 2, "8.08"),
            (f64::NAN, 1, "0.0"),
            (7.0, 1, "7.0"),
        ] {
            assert_eq!(fixed(value, decimals), expected, "{value} with {decimals}");
        }
    }

    #[test]
    fn bytes_are_shown_in_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(21_256_741_698), "19.8 GiB");
    }

    #[test]
    fn usage_is_shown_against_the_limit_in_one_unit() {
        const GIB: u64 = 1 << 30;
        assert_eq!(usage_bytes(5 * GIB / 2, 4 * GIB), "2.5 / 4 GiB");
        assert_eq!(usage_bytes(300 << 20, 4 * GIB), "0.3 / 4 GiB");
        assert_eq!(usage_bytes(5 * GIB, 4 * GIB), "5 / 4 GiB");
        assert_eq!(usage_bytes(512 << 20, 0), "512.0 MiB / ∞");
        assert_eq!(usage_percent(42.34, 200), "42.3% / 200%");
        assert_eq!(usage_percent(7.0, 0), "7.0% / ∞");
        assert_eq!(rate(1536.0), "1.5 KiB/s");
        assert_eq!(rate(f64::NAN), "0 B/s");
    }

    #[test]
    fn uptime_shows_the_two_largest_units() {
        assert_eq!(duration_ms(0), "0m 0s");
        assert_eq!(duration_ms(250_000), "4m 10s");
        assert_eq!(duration_ms(7_500_000), "2h 5m");
        assert_eq!(duration_ms(3 * 86_400_000 + 4 * 3_600_000), "3d 4h");
    }
}
