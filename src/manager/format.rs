//! Numbers, bytes, rates and durations of the manager in the viewer's language: the
//! shared formats of `components::format` with their digits written by the browser's
//! `Intl.NumberFormat` in [`ui::lang`] (`1,5 GiB` in German), the way the card does.

use crate::components::{bytes_in, rate_in, usage_bytes_in, usage_percent_in};
use crate::i18n::ui::{self, tf};

/// `value` with exactly `decimals` digits, the language's way.
pub fn digits(value: f64, decimals: u32) -> String {
    ui::texts().number(value, decimals)
}

/// `1536` → `"1.5 KiB"` (`"1,5 KiB"`).
pub fn bytes(n: u64) -> String {
    bytes_in(&digits, n)
}

/// A byte rate: `"1.5 KiB/s"`.
pub fn rate(bytes_per_second: f64) -> String {
    rate_in(&digits, bytes_per_second)
}

/// `42.345` → `"42.3%"`.
pub fn percent(p: f64) -> String {
    [digits(p, 1), "%".into()].concat()
}

/// `"2.5 / 4 GiB"`.
pub fn usage_bytes(used: u64, limit: u64) -> String {
    usage_bytes_in(&digits, used, limit)
}

/// `"42.3% / 200%"`.
pub fn usage_percent(used: f64, limit: u64) -> String {
    usage_percent_in(&digits, used, limit)
}

/// Milliseconds in their two largest units, the language's narrow unit names.
pub fn duration_ms(ms: u64) -> String {
    ui::texts().duration_ms(ms)
}

/// A count, grouped the language's way (`12,345`, `12.345`).
pub fn count(n: u64) -> String {
    digits(n as f64, 0)
}

/// A text with one `{0}` where markup goes (`Delete <code>name</code>?`): the parts
/// before and after it, so each language puts the name where its grammar wants it.
pub fn around(text: &'static str) -> (&'static str, &'static str) {
    text.split_once("{0}").unwrap_or((text, ""))
}

/// A share of 100 without decimals: `"42%"` (`"42 %"` in French).
pub fn percent_whole(p: f64) -> String {
    [digits(p, 0), "%".into()].concat()
}

/// "At most {0} characters ({1} now)."
pub fn too_long(most: usize, now: usize) -> String {
    let (most, now) = (most.to_string(), now.to_string());
    tf("common.too_long", &[&most, &now])
}

/// `Intl.<class>(lang, options).format(value)` in the app's language: the first load's
/// (see `components::intl_format`).
pub fn intl_format(
    class: &str,
    options: &[(&str, &str)],
    value: &wasm_bindgen::JsValue,
) -> Option<String> {
    crate::components::intl_format(class, options, std::slice::from_ref(value))
}
