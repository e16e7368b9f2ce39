//! Texts in the viewer's language: the card's catalogs (`i18n/card/<tag>.txt`, one
//! `key = text` per line) and numbers, plurals and durations through the browser's `Intl`
//! (no formatting tables in the wasm).
//!
//! English is built in; the seven other catalogs (about 14 KB brotli together, which the
//! card's 90 KB budget cannot carry) are files next to the card's module
//! (`locale-<tag>.txt`), fetched once per page when a card needs one (`card::locale`).
//!
//! Hand-written rather than `fluent` or `rust-i18n`: those carry a parser and plural tables
//! of their own (tens of KB in a 90 KB card), where a line lookup in a text and the
//! browser's `Intl.PluralRules` do the same job. A key a catalog lacks falls back to
//! English (and `tests` fail on any).
//!
//! The card's catalogs hold the texts of the components it shares with the app (power
//! buttons, meters, alerts), so the app uses them for those too.

mod intl;
pub mod ui;

use std::cell::RefCell;

/// The languages with a catalog besides English, by tag (the file names).
pub const LANGUAGES: &[&str] = &["de", "fr", "es", "pl", "pt-BR", "nl", "ru"];

/// A `static` (one address): [`Texts::is_english`] compares it.
static ENGLISH: &str = include_str!("../../i18n/card/en.txt");

/// The catalog tag of `lang` (`de-AT` → `de`, `pt` → `pt-BR`), when it has one besides
/// English.
pub fn catalog_tag(lang: &str) -> Option<&'static str> {
    let primary = lang.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    LANGUAGES
        .iter()
        .copied()
        .find(|tag| tag.split('-').next() == Some(primary.as_str()))
}

/// The texts and number formats of one language (a BCP 47 tag such as `de-AT`; empty or
/// unknown: English texts, the browser's own number format).
pub struct Texts {
    lang: String,
    /// The English catalog `catalog` falls back to (the card's, the app's or the manager's).
    english: &'static str,
    catalog: &'static str,
    /// `Intl` formatters by what they format, made once each (a few: a list).
    formats: RefCell<Vec<(&'static str, intl::Format)>>,
}

impl Texts {
    /// English texts, numbers and times the way `lang` writes them.
    pub fn new(lang: &str) -> Self {
        Self::with_catalog(lang, ENGLISH)
    }

    /// `catalog`'s texts (English for what it lacks), numbers and times in `lang`.
    pub fn with_catalog(lang: &str, catalog: &'static str) -> Self {
        Self::of(lang, ENGLISH, catalog)
    }

    /// `catalog`'s texts, `english`'s for what it lacks, numbers and times in `lang`.
    pub fn of(lang: &str, english: &'static str, catalog: &'static str) -> Self {
        Self {
            lang: intl::clean_tag(lang),
            english,
            catalog,
            formats: RefCell::default(),
        }
    }

    /// English, with the browser's number format.
    pub fn english() -> Self {
        Self::new("en")
    }

    /// Whether the texts are English (the catalog chosen, whatever the region).
    pub fn is_english(&self) -> bool {
        std::ptr::eq(self.catalog, self.english)
    }

    /// The language tag, as `Intl` takes it (empty: the browser's).
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The text of `key` (English when this language lacks it; the key itself when no
    /// catalog has it, which `tests` rule out).
    pub fn get(&self, key: &str) -> &'static str {
        lookup(self.catalog, key)
            .or_else(|| lookup(self.english, key))
            .unwrap_or("")
    }

    /// The text of `key` with `{0}`, `{1}` … replaced by `args`.
    pub fn fill(&self, key: &str, args: &[&str]) -> String {
        fill(self.get(key), args)
    }

    /// The plural form of `key` for `n` (`key.one`, `key.few` … as `Intl.PluralRules`
    /// chooses, else `key.other`), filled with `args`.
    pub fn plural(&self, key: &str, n: f64, args: &[&str]) -> String {
        let category = self.with_format("plural", |f| f.plural(n));
        let chosen = [key, ".", &category].concat();
        let text = lookup(self.catalog, &chosen)
            .or_else(|| lookup(self.catalog, &[key, ".other"].concat()))
            .or_else(|| lookup(self.english, &chosen))
            .or_else(|| lookup(self.english, &[key, ".other"].concat()))
            .unwrap_or("");
        fill(text, args)
    }

    /// `value` with exactly `decimals` digits after the language's decimal sign.
    pub fn number(&self, value: f64, decimals: u32) -> String {
        let what = match decimals {
            0 => "n0",
            1 => "n1",
            _ => "n2",
        };
        self.with_format(what, |f| f.number(value))
    }

    /// A duration in its two largest units, the language's narrow unit names
    /// (`3d 4h`, `2 Std. 5 Min.`).
    pub fn duration_ms(&self, ms: u64) -> String {
        let s = ms / 1000;
        let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
        let (first, second) = if d > 0 {
            (("day", d), ("hour", h))
        } else if h > 0 {
            (("hour", h), ("minute", m))
        } else {
            (("minute", m), ("second", sec))
        };
        [self.unit(first), " ".into(), self.unit(second)].concat()
    }

    /// Seconds in the language's narrow unit (`25s`, `25 Sek.`).
    pub fn seconds(&self, secs: u64) -> String {
        self.unit(("second", secs))
    }

    fn unit(&self, (unit, n): (&'static str, u64)) -> String {
        self.with_format(unit, |f| f.number(n as f64))
    }

    fn with_format<T>(&self, what: &'static str, use_it: impl FnOnce(&intl::Format) -> T) -> T {
        let mut formats = self.formats.borrow_mut();
        let index = match formats.iter().position(|(made, _)| *made == what) {
            Some(index) => index,
            None => {
                formats.push((what, intl::Format::new(&self.lang, what)));
                formats.len() - 1
            }
        };
        use_it(&formats[index].1)
    }
}

/// The text after `key = ` on its line of `catalog`.
fn lookup(catalog: &'static str, key: &str) -> Option<&'static str> {
    catalog.lines().find_map(|line| {
        let (name, text) = line.split_once(" = ")?;
        (name.trim() == key && !line.starts_with('#')).then_some(text.trim())
    })
}

fn fill(template: &str, args: &[&str]) -> String {
    let mut text = template.to_owned();
    for (index, arg) in args.iter().enumerate() {
        text = text.replace(&["{", &index.to_string(), "}"].concat(), arg);
    }
    text
}

#[cfg(test)]
mod tests;
